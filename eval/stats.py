"""The statistics behind `align compare`: paired over prompts, so each prompt is its own control.

* ``paired_bootstrap_ci``: a BCa bootstrap interval (Efron, 1987) for the mean paired difference
  B - A, resampling prompts with their two values together (``scipy.stats.bootstrap``, ``paired=True``);
  percentile intervals where BCa is undefined.
* ``wilcoxon_p``: the Wilcoxon signed-rank test of "the differences are symmetric about zero"
  (zero differences dropped; exact for small untied samples, the normal approximation otherwise).
* ``holm``: Holm's (1979) step-down adjustment of many p-values, controlling the chance of any
  false "better"/"worse" across all metrics at once.
* ``win_rates``: how often B's reward beats A's on the same prompt, raw and length-controlled by a
  logistic regression of the outcome on the length difference (the rate where lengths are equal),
  in the spirit of AlpacaEval's length-controlled win rate (Dubois et al., 2024).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

RIDGE = 0.1  # a weak penalty that keeps the logistic fit finite when one model wins every prompt


def _mean_difference(a: np.ndarray, b: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.mean(b - a, axis=axis)


def paired_bootstrap_ci(
    a: Sequence[float], b: Sequence[float], confidence: float = 0.95, n_resamples: int = 9999, seed: int = 0
) -> tuple[float, float] | None:
    """Confidence interval for mean(b - a) over pairs; None with no pairs, a point when every difference is equal."""
    from scipy.stats import bootstrap

    a_arr, b_arr = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    differences = b_arr - a_arr
    if differences.size == 0:
        return None
    if np.all(differences == differences[0]):
        return float(differences[0]), float(differences[0])
    for method in ("BCa", "percentile"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # BCa warns (and gives NaN) on degenerate resamples; we fall back
            result = bootstrap(
                (a_arr, b_arr), _mean_difference, paired=True, vectorized=True, n_resamples=n_resamples,
                confidence_level=confidence, method=method, rng=np.random.default_rng(seed),
            )  # fmt: skip
        low, high = result.confidence_interval
        if math.isfinite(low) and math.isfinite(high):
            return float(low), float(high)
    return None


def wilcoxon_p(a: Sequence[float], b: Sequence[float]) -> float | None:
    """Two-sided Wilcoxon signed-rank p-value of the paired differences; 1.0 when no pair differs."""
    from scipy.stats import wilcoxon

    differences = np.asarray(b, dtype=float) - np.asarray(a, dtype=float)
    if differences.size == 0:
        return None
    if not np.any(differences != 0):
        return 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # small-sample warnings: the p-value is still the right one to report
        p = float(wilcoxon(differences, zero_method="wilcox").pvalue)
    return p if math.isfinite(p) else 1.0


def holm(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm-adjusted p-values, in the input's order (None stays None and does not count towards m).

    Sorted ascending, the i-th smallest (from 0) is multiplied by m - i, capped at 1, and kept at
    least as large as every adjusted value before it; reject where the adjusted p is below alpha.
    """
    tested = sorted((p, i) for i, p in enumerate(p_values) if p is not None)
    adjusted: list[float | None] = [None] * len(p_values)
    running = 0.0
    for rank, (p, index) in enumerate(tested):
        running = max(running, min(1.0, (len(tested) - rank) * p))
        adjusted[index] = running
    return adjusted


def _sigmoid(x: np.ndarray | float) -> np.ndarray | float:
    return 1.0 / (1.0 + np.exp(-x))


def logistic_fit(x: np.ndarray, y: np.ndarray, ridge: float = RIDGE) -> np.ndarray:
    """Intercept and slope of a ridge-penalised logistic regression of y (0, 0.5 or 1) on x, by Newton's method."""
    design = np.column_stack([np.ones_like(x), x])
    beta = np.zeros(2)
    for _ in range(100):
        p = _sigmoid(design @ beta)
        gradient = design.T @ (y - p) - ridge * beta
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + ridge * np.eye(2)
        step = np.linalg.solve(hessian, gradient)
        beta += step
        if np.max(np.abs(step)) < 1e-10:
            break
    return beta


def _rates(outcome: np.ndarray, length_difference: np.ndarray, scale: float) -> tuple[float, float, float]:
    beta = logistic_fit(length_difference / scale, outcome)
    return float(outcome.mean()), float(_sigmoid(beta[0])), float(beta[1] / scale)


def win_rates(
    reward_a: Sequence[float],
    reward_b: Sequence[float],
    length_a: Sequence[float],
    length_b: Sequence[float],
    n_resamples: int = 2000,
    seed: int = 0,
) -> dict[str, Any]:
    """B's win rate over A, per prompt (a tie counts half), raw and length-controlled, with bootstrap 95% CIs.

    Length control: a logistic regression of the outcome on the length difference (B - A, in words,
    scaled by its spread, with a weak ridge penalty); the length-controlled win rate is the fitted
    probability that B wins when both replies have the same length.
    """
    ra, rb = np.asarray(reward_a, dtype=float), np.asarray(reward_b, dtype=float)
    outcome = np.where(rb > ra, 1.0, np.where(rb < ra, 0.0, 0.5))
    difference = np.asarray(length_b, dtype=float) - np.asarray(length_a, dtype=float)
    scale = float(difference.std()) or 1.0
    raw, controlled, slope = _rates(outcome, difference, scale)
    rng = np.random.default_rng(seed)
    resampled = []
    for _ in range(n_resamples):
        pick = rng.integers(0, len(outcome), len(outcome))
        resampled.append(_rates(outcome[pick], difference[pick], scale)[:2])
    low, high = np.percentile(np.array(resampled), [2.5, 97.5], axis=0)
    return {
        "prompts": int(len(outcome)),
        "wins": int((outcome == 1).sum()),
        "ties": int((outcome == 0.5).sum()),
        "losses": int((outcome == 0).sum()),
        "win_rate": round(raw, 4),
        "win_rate_ci": [round(float(low[0]), 4), round(float(high[0]), 4)],
        "length_controlled_win_rate": round(controlled, 4),
        "length_controlled_ci": [round(float(low[1]), 4), round(float(high[1]), 4)],
        "log_odds_per_word": round(slope, 4),
        "mean_length_difference": round(float(difference.mean()), 2),
    }
