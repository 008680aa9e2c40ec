"""The result of a human A/B campaign: which model the annotators preferred, how surely, how consistently.

Every ranking of a campaign item (two blinded replies, one per model; see
``annotate.ab_comparison``) is one comparison: A ranked above B, B above A, or a tie (equal
ranks). From these:

- **Bradley-Terry strengths** (``choix.opt_pairwise``): log-strengths centred on zero, so that
  P(B preferred to A) = 1 / (1 + exp(strength_A - strength_B)). A tie counts as half a win for
  each side (each decisive ranking enters the fit twice, a tie once each way). A weak Gaussian
  prior (``prior``, choix's ``alpha``: variance 1 / prior) keeps the strengths finite when one
  side wins every comparison.
- **95% confidence intervals** from a bootstrap over items (an item's rankings are resampled
  together, since annotators of one item see the same two replies), with a fixed seed.
- **Wins** per side and ties, and ``win_rate_b`` = (B's wins + ties / 2) / rankings.
- **Agreement**: Krippendorff's alpha (ordinal, on ranks; ``annotate.agreement``) over the
  campaign's rankings, and the number of pairs it rests on (items ranked by two or more people).
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from typing import Any

import numpy as np

from annotate.agreement import ranking_alpha
from annotate.store import RankingStore

PRIOR_ALPHA = 0.01  # choix's alpha: a Gaussian prior on log-strengths, variance 100; barely moves a fit with data
BOOTSTRAP_SAMPLES = 1000
OUTCOMES = ("A", "B", "tie")


@functools.lru_cache(maxsize=4096)
def bradley_terry(wins_a: int, wins_b: int, ties: int, prior: float = PRIOR_ALPHA) -> tuple[float, float]:
    """Bradley-Terry log-strengths (A, B), centred on zero; a tie is half a win for each side."""
    import choix

    comparisons = [(0, 1)] * (2 * wins_a) + [(1, 0)] * (2 * wins_b) + [(0, 1), (1, 0)] * ties
    if not comparisons:
        return 0.0, 0.0
    strength_a, strength_b = choix.opt_pairwise(2, comparisons, alpha=prior)
    return float(strength_a), float(strength_b)


def campaign_outcomes(store: RankingStore, campaign: str) -> tuple[list[str], dict[int, list[str]], list[dict]]:
    """The models' labels [A, B], each item's outcomes ("A", "B" or "tie" per ranking), and the rankings."""
    prompts = store.campaign_prompts(campaign)
    if not prompts:
        known = ", ".join(store.campaigns()) or "none"
        raise ValueError(f"no campaign {campaign!r} in the preference store {store.url} (campaigns there: {known})")
    arm_of: dict[int, str] = {}
    labels: dict[str, str] = {}
    for prompt in prompts:
        for candidate in store.candidates(prompt.id):
            arm = candidate.sampling.get("arm")
            if arm not in ("A", "B"):
                raise ValueError(f"campaign {campaign!r}: candidate {candidate.id} has no A/B arm in its metadata")
            arm_of[candidate.id], labels[arm] = arm, candidate.source
    rankings = store.rankings(prompt_ids=[p.id for p in prompts])
    outcomes: dict[int, list[str]] = defaultdict(list)
    for ranking in rankings:
        rank = {arm_of[cid]: entry.rank for cid, entry in ranking["entries"].items()}
        outcomes[ranking["prompt_id"]].append("tie" if rank["A"] == rank["B"] else min(rank, key=rank.get))
    return [labels["A"], labels["B"]], dict(outcomes), rankings


def bootstrap_strengths(
    per_item: np.ndarray, samples: int = BOOTSTRAP_SAMPLES, seed: int = 0, prior: float = PRIOR_ALPHA
) -> np.ndarray:
    """Strengths (samples x 2) refitted on items drawn with replacement; ``per_item`` is items x (A, B, ties)."""
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(per_item), size=(samples, len(per_item)))
    totals = per_item[draws].sum(axis=1)
    return np.array([bradley_terry(int(a), int(b), int(t), prior) for a, b, t in totals])


def human_ab_summary(
    store_url: str, campaign: str, bootstrap: int = BOOTSTRAP_SAMPLES, seed: int = 0, prior: float = PRIOR_ALPHA
) -> dict[str, Any]:
    """Bradley-Terry strengths with bootstrap CIs, wins, win rate of B and annotator agreement for a campaign.

    ``{"labels": [A, B], "strengths": {label: {"strength", "ci": [lo, hi]}}, "wins": {"A", "B", "ties"},
    "win_rate_b", "agreement": {"alpha", "pairs"}, "annotators", "rankings"}``.
    """
    store = RankingStore(store_url)
    labels, outcomes, rankings = campaign_outcomes(store, campaign)
    if not rankings:
        raise ValueError(
            f"campaign {campaign!r} has {len(store.campaign_prompts(campaign))} items but no rankings yet: "
            "serve it to annotators with `align label`"
        )
    per_item = np.array([[Counter(o)[k] for k in OUTCOMES] for o in outcomes.values()], dtype=int)
    wins_a, wins_b, ties = (int(n) for n in per_item.sum(axis=0))
    point = bradley_terry(wins_a, wins_b, ties, prior)
    alpha_value = ranking_alpha(rankings)
    lows, highs = np.percentile(bootstrap_strengths(per_item, bootstrap, seed, prior), [2.5, 97.5], axis=0)
    return {
        "labels": labels,
        "strengths": {
            label: {"strength": round(point[i], 4), "ci": [round(float(lows[i]), 4), round(float(highs[i]), 4)]}
            for i, label in enumerate(labels)
        },
        "wins": {"A": wins_a, "B": wins_b, "ties": ties},
        "win_rate_b": round((wins_b + ties / 2) / len(rankings), 4),
        "agreement": {
            "alpha": None if alpha_value is None else round(alpha_value, 4),
            "pairs": sum(len(o) >= 2 for o in outcomes.values()),
        },
        "annotators": len({r["annotator_id"] for r in rankings}),
        "rankings": len(rankings),
    }
