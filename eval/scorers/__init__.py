"""The eval harness's scorers, one small class per family behind one interface (``Scorer``).

    from eval.scorers import EvalItem, offline_scorers, score_batch
    results = score_batch(offline_scorers(), [EvalItem(prompt="...", reply="...", reference="...")])

Every scorer has a ``name`` and a ``version`` (which includes the hash of any trained artifact)
and returns one dict of numbers per item. The offline scorers (empathy, safety, toxicity,
quality) need nothing beyond the installed packages; the reward scorer needs a trained reward
model, and ``CheckpointToxicityScorer`` a local classification checkpoint.
"""

from __future__ import annotations

from collections.abc import Sequence

from eval.items import EvalItem, Score
from eval.scorers.base import BatchEmbeddings, Scorer, score_batch
from eval.scorers.empathy import EmpathyScorer, reflection_question_ratio, skill_counts
from eval.scorers.quality import QualityScorer, corpus_distinct, reference_perplexity
from eval.scorers.reward import RewardModelScorer
from eval.scorers.safety import (
    CRISIS_RESOURCES,
    SafetyScorer,
    crisis_referral_recall,
    flag_rate,
    over_escalation_rate,
    reply_flags,
)
from eval.scorers.toxicity import (
    CheckpointToxicityScorer,
    ToxicityScorer,
    expected_max_toxicity,
    toxicity_by_prompt,
    toxicity_probability,
)


def offline_scorers(locales: Sequence[str] = ("US", "UK")) -> list[Scorer]:
    """Every scorer that runs from the installed packages alone, sharing one sentence encoder."""
    return [EmpathyScorer(), SafetyScorer(locales=locales), ToxicityScorer(), QualityScorer()]


__all__ = [
    "CRISIS_RESOURCES",
    "BatchEmbeddings",
    "CheckpointToxicityScorer",
    "EmpathyScorer",
    "EvalItem",
    "QualityScorer",
    "RewardModelScorer",
    "SafetyScorer",
    "Score",
    "Scorer",
    "ToxicityScorer",
    "corpus_distinct",
    "crisis_referral_recall",
    "expected_max_toxicity",
    "flag_rate",
    "offline_scorers",
    "over_escalation_rate",
    "reference_perplexity",
    "reflection_question_ratio",
    "reply_flags",
    "score_batch",
    "skill_counts",
    "toxicity_by_prompt",
    "toxicity_probability",
]
