"""The held-out report of a reward model: is it right, is it calibrated, does it just like long replies?

Pure functions over per-pair arrays (reward of the chosen and the rejected reply, and their
lengths), so they are unit-tested with hand-computed numbers and reusable by ``align eval``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

Z_95 = 1.959963984540054  # the standard normal's 97.5% quantile: a two-sided 95% interval


def wilson_interval(successes: float, trials: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (Wilson 1927).

    Unlike the normal approximation it stays inside [0, 1] and is sensible at 0 or n successes,
    which matters for small held-out sets where accuracy is often near 1.
    """
    if trials == 0:
        return (0.0, 1.0)
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def pairwise_accuracy(r_chosen: Sequence[float], r_rejected: Sequence[float]) -> dict[str, Any]:
    """Share of pairs where the chosen reply gets the higher reward, with its Wilson 95% interval.

    A tie (equal rewards) counts as half right, like a coin flip would.
    """
    chosen, rejected = np.asarray(r_chosen, dtype=float), np.asarray(r_rejected, dtype=float)
    correct = float((chosen > rejected).sum() + 0.5 * (chosen == rejected).sum())
    n = len(chosen)
    low, high = wilson_interval(correct, n)
    return {"accuracy": correct / n if n else float("nan"), "accuracy_ci95": [low, high], "pairs": n}


def expected_calibration_error(r_chosen: Sequence[float], r_rejected: Sequence[float], bins: int = 10) -> float:
    """ECE of the Bradley-Terry probability ``sigmoid(r_chosen - r_rejected)`` that the chosen reply wins.

    In held-out pairs the chosen reply always won, so scoring only that order would call any
    model calibrated that just pushes every probability to 1. Each pair is therefore counted in
    both orders: (p, outcome 1) and (1 - p, outcome 0). The two halves mirror each other, so this
    equals the classic top-label ECE of a binary classifier (Guo et al. 2017): confidence
    ``max(p, 1 - p)`` against the accuracy of the pairs at that confidence. A model that says
    0.8 is right on 80% of the pairs where it says 0.8.

    Bins are ``bins`` equal-width intervals of the probability; ECE is the pair-weighted mean of
    |mean probability - observed win rate| over the bins.
    """
    diff = np.asarray(r_chosen, dtype=float) - np.asarray(r_rejected, dtype=float)
    if len(diff) == 0:
        return float("nan")
    p = 1 / (1 + np.exp(-diff))
    probabilities = np.concatenate([p, 1 - p])
    outcomes = np.concatenate([np.ones_like(p), np.zeros_like(p)])
    index = np.minimum((probabilities * bins).astype(int), bins - 1)
    ece = 0.0
    for b in range(bins):
        members = index == b
        if members.any():
            ece += members.mean() * abs(probabilities[members].mean() - outcomes[members].mean())
    return float(ece)


def length_correlation(rewards: Sequence[float], lengths: Sequence[float]) -> dict[str, float | None]:
    """Spearman and Pearson correlation of reward with reply length, over every scored reply.

    None where a side is constant (the correlation is undefined).
    """
    from scipy.stats import pearsonr, spearmanr

    r, n = np.asarray(rewards, dtype=float), np.asarray(lengths, dtype=float)
    if len(r) < 3 or np.ptp(r) == 0 or np.ptp(n) == 0:
        return {"spearman": None, "pearson": None}
    return {"spearman": float(spearmanr(r, n).statistic), "pearson": float(pearsonr(r, n).statistic)}


def held_out_report(
    r_chosen: Sequence[float],
    r_rejected: Sequence[float],
    chosen_len: Sequence[float],
    rejected_len: Sequence[float],
    length_warning: float = 0.5,
    bins: int = 10,
) -> dict[str, Any]:
    """Accuracy with its 95% interval, ECE, the length correlation and warnings, for metrics.json.

    ``longer_chosen_rate`` is the accuracy of the rule "prefer the longer reply" on the same
    pairs: when it is high too, the data cannot tell quality from length, and a reward that
    correlates with length may have learned either.
    """
    chosen_len, rejected_len = np.asarray(chosen_len, dtype=float), np.asarray(rejected_len, dtype=float)
    accuracy = pairwise_accuracy(r_chosen, r_rejected)
    correlation = length_correlation([*r_chosen, *r_rejected], [*chosen_len, *rejected_len])
    longer_chosen = float(np.mean(chosen_len > rejected_len)) if len(chosen_len) else float("nan")
    report = {
        **accuracy,
        "ece": expected_calibration_error(r_chosen, r_rejected, bins),
        "length_spearman": correlation["spearman"],
        "length_pearson": correlation["pearson"],
        "longer_chosen_rate": longer_chosen,
        "mean_reward_margin": float(np.mean(np.asarray(r_chosen) - np.asarray(r_rejected))) if len(r_chosen) else None,
    }
    warnings = []
    rho = correlation["spearman"]
    if rho is not None and abs(rho) > length_warning:
        warnings.append(
            f"reward correlates with reply length (Spearman r={rho:.2f}, |r| > {length_warning}); the longer reply "
            f"is the chosen one in {longer_chosen:.0%} of these pairs: check the reward on length-matched pairs"
        )
    low = accuracy["accuracy_ci95"][0]
    if accuracy["pairs"] and low <= 0.5:
        warnings.append(
            f"held-out accuracy {accuracy['accuracy']:.2f} is not clearly above chance (95% interval starts at "
            f"{low:.2f}; {accuracy['pairs']} pairs)"
        )
    report["warnings"] = warnings
    return report
