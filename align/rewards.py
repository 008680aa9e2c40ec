"""The reward an online alignment run (PPO, RLOO, GRPO) maximises: a weighted sum of named terms.

A reward model trained on a few hundred rankings can be gamed: PPO finds replies it over-scores
(short, half-formed ones, in the must-show test on Intel CPUs) long before it learns what the
therapists preferred. Terms that do not come from that model make the exploit cost something:

    reward_model     the trained reward model's score of (prompt, reply)
    safety           minus the reply-safety cost: p(unsafe) + 2 p(lethal) from the reply-safety
                     classifier, and at least 3 for a reply the safety scorer flags lethal (endorses,
                     facilitates, mishandles an emergency, enables harm to others), 1 for one it flags
                     unsafe in any other way
    crisis_referral  +1 for a reply to an at-risk client that gives crisis resources and invites
                     help; -0.5 for a benign message answered as a crisis (over-escalation)
    length           minus |words - target| / target, at most 1: replies keep about the length the
                     SFT model wrote

Each term's value is logged unweighted as ``reward/<term>`` (TRL: ``rewards/<term>/mean``) and the
reward-hacking monitor (``align.monitoring``) warns when the total rises while a term falls.
PPO calls ``RewardTerms.score``; RLOO and GRPO hand ``functions()`` and ``weights()`` to TRL's
``reward_funcs`` and ``reward_weights``, so all three optimise the same thing.

A client's risk is the prompt's gold ``risk`` where it has one, else the safety scorer's risk classifier
(either saying at-risk is enough, as in the eval harness).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from eval.scorers.safety import SafetyScorer
    from reward.score import RewardScorer

Messages = list[dict[str, str]]

LETHAL_COST = 3.0  # a lethal reply costs three times any other unsafe one
UNSAFE_COST = 1.0
REFERRAL_BONUS = 1.0
OVER_ESCALATION_COST = 0.5  # less than the bonus: when in doubt, refer


@dataclass
class RewardSection:
    """Weights of the reward's terms (0 turns a term off), and the length control's target."""

    reward_model: float = 1.0  # the trained reward model (`reward_model.path`)
    safety: float = 0.0  # the reply-safety penalty; configs/ppo.yaml turns it on
    crisis_referral: float = 0.0  # the crisis-referral bonus on at-risk prompts
    length: float = 0.0  # the length control
    length_target: float | None = None  # words; null: the mean length of the first batch of replies (the SFT model's)

    def validate(self) -> list[str]:
        problems = [
            f"{name}: a weight must be >= 0, found {getattr(self, name)}"
            for name in TERM_NAMES
            if getattr(self, name) < 0
        ]
        if not any(getattr(self, name) > 0 for name in TERM_NAMES):
            problems.append(f"every weight is 0: give at least one of {', '.join(TERM_NAMES)} a weight above 0")
        if self.length_target is not None and self.length_target <= 0:
            problems.append(f"length_target: must be > 0 words (or null), found {self.length_target}")
        return problems

    def weights(self) -> dict[str, float]:
        """The terms that are on, with their weights, in a fixed order."""
        return {name: getattr(self, name) for name in TERM_NAMES if getattr(self, name) > 0}


TERM_NAMES = ("reward_model", "safety", "crisis_referral", "length")


def word_count(reply: str) -> int:
    return len(reply.split())


class SafetyJudgement:
    """The safety scorer's verdicts on one batch, computed once for the safety and crisis-referral terms."""

    def __init__(self, scorer: SafetyScorer | None = None) -> None:
        self._scorer = scorer
        self._last: tuple[tuple, list[dict[str, Any]]] | None = None

    def load(self) -> None:
        """Load the safety scorer and its risk and reply-safety classifiers now (building them, once per machine, if
        missing), not at the first rollout: a run should fail or wait before training starts, not in the middle."""
        _ = self.scorer.risk_classifier, self.scorer.reply_classifier

    @property
    def scorer(self) -> SafetyScorer:
        if self._scorer is None:  # the risk and reply-safety classifiers load on first use
            from eval.scorers.safety import SafetyScorer

            self._scorer = SafetyScorer()
        return self._scorer

    def __call__(
        self, prompts: Sequence[Messages], replies: Sequence[str], risks: Sequence[str | None]
    ) -> list[dict[str, Any]]:
        from eval.items import EvalItem

        key = (tuple(map(repr, prompts)), tuple(replies), tuple(risks))
        if self._last is None or self._last[0] != key:
            items = [EvalItem(prompt=p, reply=r, risk=k) for p, r, k in zip(prompts, replies, risks, strict=True)]
            self._last = (key, self.scorer.score(items))
        return self._last[1]


def safety_value(verdict: dict[str, Any]) -> float:
    """Minus the reply's safety cost (0 for a reply judged safe with certainty)."""
    cost = verdict["p_unsafe"] + 2 * verdict["p_lethal"]
    if verdict["lethal"]:
        cost = max(cost, LETHAL_COST)
    elif verdict["unsafe"]:
        cost = max(cost, UNSAFE_COST)
    return -cost


def crisis_referral_value(verdict: dict[str, Any], risk: str | None) -> float:
    """The referral bonus for an at-risk client; the over-escalation cost for a benign one; else 0."""
    from eval.scorers.safety import AT_RISK

    if verdict["risk"] in AT_RISK or risk in AT_RISK:
        return REFERRAL_BONUS if verdict["crisis_referral"] else 0.0
    benign = (risk or verdict["risk"]) == "none"
    return -OVER_ESCALATION_COST if benign and verdict["escalates"] else 0.0


def length_value(reply: str, target: float) -> float:
    return -min(abs(word_count(reply) - target) / target, 1.0)


class RewardTerms:
    """The reward section's terms, ready to score: ``score()`` for PPO, ``functions()`` for TRL.

    ``length_target`` is fixed by the first batch scored when the section leaves it null; a resumed
    run passes the one it recorded.
    """

    def __init__(
        self,
        section: RewardSection,
        reward_scorer: RewardScorer | None,
        safety: SafetyJudgement | None = None,
        length_target: float | None = None,
    ) -> None:
        self.weights = section.weights()
        if "reward_model" in self.weights and reward_scorer is None:
            raise ValueError("reward.reward_model has a weight but no reward model was given (reward_model.path)")
        self.reward_scorer = reward_scorer
        self.safety = safety or SafetyJudgement()
        if {"safety", "crisis_referral"} & set(self.weights):
            self.safety.load()
        self.length_target = length_target or section.length_target

    def term(self, name: str, prompts: Sequence[Messages], replies: Sequence[str], risks: Sequence[str | None]):
        """One term's unweighted values, one per reply."""
        if name == "reward_model":
            return [float(v) for v in self.reward_scorer.score(list(prompts), list(replies))]
        if name == "safety":
            return [safety_value(v) for v in self.safety(prompts, replies, risks)]
        if name == "crisis_referral":
            return [
                crisis_referral_value(v, k) for v, k in zip(self.safety(prompts, replies, risks), risks, strict=True)
            ]
        if name == "length":
            if self.length_target is None:
                self.length_target = max(1.0, sum(map(word_count, replies)) / max(len(replies), 1))
            return [length_value(r, self.length_target) for r in replies]
        raise KeyError(f"unknown reward term {name!r}; known: {', '.join(TERM_NAMES)}")

    def score(
        self, prompts: Sequence[Messages], replies: Sequence[str], risks: Sequence[str | None] | None = None
    ) -> tuple[list[float], dict[str, list[float]]]:
        """The weighted total per reply, and each term's unweighted values.

        The reward model's score is among the values even at weight 0: it is what held-out
        replies are compared by before and after training.
        """
        risks = list(risks) if risks is not None else [None] * len(replies)
        names = [
            *self.weights,
            *(["reward_model"] if self.reward_scorer and "reward_model" not in self.weights else []),
        ]
        values = {name: self.term(name, prompts, replies, risks) for name in names}
        totals = [sum(w * values[n][i] for n, w in self.weights.items()) for i in range(len(replies))]
        return totals, values

    def functions(self) -> list[Callable[..., list[float]]]:
        """One TRL reward function per term that is on (TRL logs ``rewards/<name>/mean``); see ``weights_list``."""
        return [TermFunction(self, name) for name in self.weights]

    def weights_list(self) -> list[float]:
        return list(self.weights.values())


class TermFunction:
    """A TRL reward function for one term: TRL calls ``f(prompts=..., completions=..., **dataset_columns)``.

    The ``reward_prompt`` column is the prompt as the reward model saw it in training (no system
    prompt); ``risk`` the prompt's gold risk, where the data has one.
    """

    def __init__(self, terms: RewardTerms, name: str) -> None:
        self.terms = terms
        self.__name__ = name

    def __call__(
        self, prompts: list, completions: list, reward_prompt: list | None = None, risk: list | None = None, **_
    ) -> list[float]:
        replies = [c[-1]["content"] if isinstance(c, list) else c for c in completions]
        risks = risk if risk is not None else [None] * len(replies)
        return self.terms.term(self.__name__, reward_prompt or prompts, replies, risks)
