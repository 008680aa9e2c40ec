"""Reward: each reply's score under a trained reward model (``reward.score.RewardScorer``)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from eval.items import EvalItem, Score
from eval.scorers.base import BatchEmbeddings, Scorer, round_float

if TYPE_CHECKING:
    from reward.score import RewardScorer


class RewardModelScorer(Scorer):
    """Wraps a ``RewardScorer`` (or loads one from a reward run directory / checkpoint with ``load``)."""

    name = "reward"
    code_version = "1.0"

    def __init__(self, reward_scorer: RewardScorer, spec: str = ""):
        self.reward_scorer = reward_scorer
        self.spec = spec or getattr(reward_scorer.model.config, "_name_or_path", "") or "in-memory"

    @classmethod
    def load(cls, spec: str, **kwargs: Any) -> RewardModelScorer:
        from reward.score import RewardScorer

        return cls(RewardScorer.load(spec, **kwargs), spec)

    @property
    def version(self) -> str:
        # the reward model is part of what the numbers mean: fingerprint its reward head's weights
        from reward.model import reward_head_name

        model = self.reward_scorer.model
        head = getattr(model, reward_head_name(model))
        weight = getattr(head, "weight", None)
        if weight is None:  # a PEFT wrapper keeps the trained copy under modules_to_save
            weight = next(p for p in head.parameters())
        digest = hashlib.sha256(weight.detach().float().cpu().numpy().tobytes()).hexdigest()[:12]
        return f"{self.code_version}+head.{digest}"

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "reward_model": self.spec}

    def score(self, batch: Sequence[EvalItem], embeddings: BatchEmbeddings | None = None) -> list[dict[str, Score]]:
        rewards = self.reward_scorer.score([i.messages for i in batch], [i.reply for i in batch])
        return [{"reward": round_float(r)} for r in rewards]
