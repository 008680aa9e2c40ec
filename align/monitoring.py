"""Watching an alignment run for reward hacking.

A policy that games its reward model shows it in the logs before anyone reads its replies:
the reward keeps rising while the KL divergence to the SFT reference explodes (it has found
text the reward model over-scores), or replies grow longer and longer (reward models often
like length). Every alignment stage (DPO, PPO, RLOO, GRPO) logs the same names, so one
check reads them all:

    reward        mean reward-model score of the sampled replies
    kl            KL(policy || SFT reference) per reply, in nats
    reply_length  mean reply length in tokens
    entropy       mean per-token entropy of the policy

TRL's own names (``completions/mean_length``...) are read as aliases.
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
