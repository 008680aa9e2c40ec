"""Inter-annotator agreement on rankings: Krippendorff's alpha (ordinal), overall and per item,
the items with the most disagreement, and each annotator's accuracy on gold items.

A unit of analysis is one candidate of one prompt; the value an annotator gives it is its
rank (1 = best, ties share a rank). Alpha is 1 for perfect agreement, 0 for agreement no
better than chance, negative for systematic disagreement.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from annotate.models import Prompt
from annotate.store import RankingStore


def _alpha(matrix: np.ndarray) -> float | None:
    """Ordinal alpha for an annotators x units matrix (NaN = not rated); None when undefined."""
    import krippendorff

    rated_twice = (~np.isnan(matrix)).sum(axis=0) >= 2
    if matrix.shape[0] < 2 or rated_twice.sum() < 2:
        return None  # nobody overlaps: agreement is not defined
    values = matrix[:, rated_twice]
    if len(np.unique(values[~np.isnan(values)])) < 2:
        return 1.0  # every rating identical
    alpha = krippendorff.alpha(reliability_data=values, level_of_measurement="ordinal")
    return None if math.isnan(alpha) else float(alpha)


def _rank_matrix(rankings: list[dict[str, Any]]) -> tuple[np.ndarray, list[int], list[tuple[int, int]]]:
    annotators = sorted({r["annotator_id"] for r in rankings})
    units = sorted({(r["prompt_id"], cid) for r in rankings for cid in r["entries"]})
    row, col = {a: i for i, a in enumerate(annotators)}, {u: j for j, u in enumerate(units)}
    matrix = np.full((len(annotators), len(units)), np.nan)
    for r in rankings:
        for cid, entry in r["entries"].items():
            matrix[row[r["annotator_id"]], col[(r["prompt_id"], cid)]] = entry.rank
    return matrix, annotators, units


def ranking_alpha(rankings: list[dict[str, Any]]) -> float | None:
    """Ordinal alpha over the given rankings (as ``RankingStore.rankings`` returns them); None when undefined."""
    return _alpha(_rank_matrix(rankings)[0]) if rankings else None


def agreement_report(store: RankingStore, worst: int = 10) -> dict[str, Any]:
    """Overall and per-item alpha, the ``worst`` items by agreement, and gold accuracy per annotator."""
    rankings = store.rankings()
    matrix, annotators, units = _rank_matrix(rankings) if rankings else (np.empty((0, 0)), [], [])
    per_item = {}
    for prompt_id in sorted({p for p, _ in units}):
        columns = [j for j, (p, _) in enumerate(units) if p == prompt_id]
        per_item[prompt_id] = _alpha(matrix[:, columns])
    defined = [(p, a) for p, a in per_item.items() if a is not None]
    return {
        "overall_alpha": _alpha(matrix) if rankings else None,
        "per_item_alpha": per_item,
        "most_disagreement": [p for p, _ in sorted(defined, key=lambda item: item[1])[:worst]],
        "gold_accuracy": gold_accuracy(store, rankings),
        "rankings": len(rankings),
        "annotators": len(annotators),
    }


def gold_accuracy(store: RankingStore, rankings: list[dict[str, Any]]) -> dict[int, float]:
    """Per annotator: share of gold items where they ranked the known best reply first (alone)."""
    with store.session() as session:
        gold = {p.id: p.gold_best_candidate_id for p in session.query(Prompt).filter(Prompt.is_gold)}
    hits: dict[int, list[bool]] = {}
    for r in rankings:
        best = gold.get(r["prompt_id"])
        if best is None:
            continue
        top = [cid for cid, e in r["entries"].items() if e.rank == 1]
        hits.setdefault(r["annotator_id"], []).append(top == [best])
    return {annotator: sum(h) / len(h) for annotator, h in hits.items()}
