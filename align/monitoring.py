"""Watching an alignment run for reward hacking.

A policy that games its reward model shows it in the logs before anyone reads its replies:
the reward keeps rising while the KL divergence to the SFT reference explodes (it has found
text the reward model over-scores), replies grow longer and longer (reward models often like
length) or shorter and shorter (half-formed replies the reward model has never seen scored), or
the total reward rises while one of its terms falls (the reward model's score bought with
safety). Every alignment stage (DPO, PPO, RLOO, GRPO) logs the same names, so one check reads
them all:

    reward          mean reward of the sampled replies (the weighted total of its terms)
    reward/<term>   one term's mean, unweighted (``align.rewards``: reward_model, safety, ...)
    kl              KL(policy || SFT reference) per reply, in nats
    reply_length    mean reply length in tokens
    entropy         mean per-token entropy of the policy

TRL's own names (``completions/mean_length``, ``rewards/<term>/mean``...) are read as aliases.
Trends compare the mean of the first third of the logged points with that of the last third, so
one noisy batch neither raises nor hides a warning.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

ALIASES = {
    "reward": ("reward", "objective/scores", "rewards/chosen"),
    "kl": ("kl", "objective/kl"),
    "reply_length": ("reply_length", "completions/mean_length"),
}


@dataclass
class HackingThresholds:
    kl_limit: float = 20.0  # nats per reply: far from the SFT model
    kl_growth: float = 4.0  # KL grew this many times over the first logged value
    length_growth: float = 1.5  # replies 50% longer than at the start
    # replies 10% shorter than at the start: the must-show exploit on Intel went 16.1 -> 13.9 (first
    # and last thirds of 10 steps) while the reward model's score rose -1.9 -> 2.5
    length_shrink: float = 0.9
    term_drop: float = 0.05  # a term fell by more than this (its own units), or 10% of its start, whichever is more
    min_points: int = 3  # logged points needed before judging a trend


def series(history: list[dict[str, Any]], name: str) -> list[float]:
    """The logged values of one metric (under any of its aliases), in order."""
    out = []
    for entry in history:
        for key in ALIASES.get(name, (name,)):
            if isinstance(entry.get(key), int | float):
                out.append(float(entry[key]))
                break
    return out


def term_names(history: list[dict[str, Any]]) -> list[str]:
    """The reward terms a run logged, ours (``reward/<term>``) and TRL's (``rewards/<term>/mean``)."""
    names: dict[str, None] = {}
    for entry in history:
        for key in entry:
            if key.startswith("reward/"):
                names[key.removeprefix("reward/")] = None
            elif key.startswith("rewards/") and key.endswith("/mean"):
                names[key.removeprefix("rewards/").removesuffix("/mean")] = None
    return list(names)


def term_series(history: list[dict[str, Any]], term: str) -> list[float]:
    return [
        float(v)
        for entry in history
        for v in [entry.get(f"reward/{term}", entry.get(f"rewards/{term}/mean"))]
        if isinstance(v, int | float)
    ]


def start_and_end(values: list[float]) -> tuple[float, float]:
    """Means of the first and the last third of a series (at least one point each)."""
    third = max(1, len(values) // 3)
    return sum(values[:third]) / third, sum(values[-third:]) / third


def reward_hacking_warnings(history: list[dict[str, Any]], limits: HackingThresholds | None = None) -> list[str]:
    """Plain-language warnings for the signs of reward hacking in a run's logged metrics (empty if none)."""
    limits = limits or HackingThresholds()
    warnings = []
    reward, kl, length = series(history, "reward"), series(history, "kl"), series(history, "reply_length")
    if len(reward) >= limits.min_points and len(kl) >= limits.min_points and reward[-1] > reward[0]:
        exploded = kl[-1] > limits.kl_limit or (kl[0] > 0 and kl[-1] > limits.kl_growth * kl[0] and kl[-1] > 1.0)
        if exploded:
            warnings.append(
                f"possible reward hacking: reward rose {reward[0]:.3g} -> {reward[-1]:.3g} while KL to the SFT "
                f"model went {kl[0]:.3g} -> {kl[-1]:.3g} nats; read some replies, and raise the KL coefficient "
                "or lower the learning rate"
            )
    if len(length) >= limits.min_points and length[0] > 0 and length[-1] > limits.length_growth * length[0]:
        warnings.append(
            f"replies are getting longer: {length[0]:.0f} -> {length[-1]:.0f} tokens; the reward model may be "
            "rewarding length (see its length correlation in the reward run's report)"
        )
    if len(length) >= limits.min_points and length[0] > 0:
        first, last = start_and_end(length)
        if last < limits.length_shrink * first:
            warnings.append(
                f"replies are getting shorter: {first:.1f} -> {last:.1f} tokens; the policy may have found short "
                "replies the reward model over-scores; read some, and turn on the length term (reward.length)"
            )
    warnings.extend(falling_term_warnings(history, reward, limits))
    return warnings


def falling_term_warnings(history: list[dict[str, Any]], reward: list[float], limits: HackingThresholds) -> list[str]:
    """A warning for each reward term that fell while the total reward rose."""
    if len(reward) < limits.min_points:
        return []
    total_first, total_last = start_and_end(reward)
    if total_last <= total_first:
        return []
    warnings = []
    for term in term_names(history):
        values = term_series(history, term)
        if len(values) < limits.min_points:
            continue
        first, last = start_and_end(values)
        if first - last > max(limits.term_drop, 0.1 * abs(first)):
            warnings.append(
                f"reward term {term} falling: it went {first:.3g} -> {last:.3g} while the total reward rose "
                f"{total_first:.3g} -> {total_last:.3g}; the policy is trading {term} for the other terms: read "
                f"some replies, and raise reward.{term} or the KL coefficient"
            )
    return warnings


def hacking_callback(limits: HackingThresholds | None = None):
    """A transformers ``TrainerCallback`` that logs each new warning once, as training goes."""
    from transformers import TrainerCallback

    class RewardHackingCallback(TrainerCallback):
        def __init__(self) -> None:
            self.history: list[dict[str, Any]] = []
            self.warned: set[str] = set()

        def on_log(self, args, state, control, logs=None, **kwargs):
            if logs:
                self.history.append(dict(logs))
            for warning in reward_hacking_warnings(self.history, limits):
                kind = warning.split(":")[0]
                if kind not in self.warned:
                    self.warned.add(kind)
                    log.warning("step %d: %s", state.global_step, warning)

    return RewardHackingCallback()
