"""A Bradley-Terry leaderboard of several checkpoints, from the reward model's pairwise preferences.

`align compare BASE B C ...` compares each checkpoint with the baseline metric by metric; this
ranks all of them at once. On every prompt that each checkpoint answered, the reward model's score
of each checkpoint's reply (the mean over its samples) decides every pair of checkpoints: the
higher score wins, an equal score is a tie (half a win each). ``choix`` fits Bradley-Terry
log-strengths to the win counts, centred on zero, so that P(i preferred to j) =
1 / (1 + exp(strength_j - strength_i)). A bootstrap over prompts (a prompt's comparisons are
resampled together) gives 95% intervals.

It says what the reward model prefers, not what therapists or the release gate say: a reward
model can be exploited, so read it beside the gate and the safety metrics, never instead of them.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np

BOOTSTRAP_SAMPLES = 1000
REGULARISATION = 0.01  # choix's alpha: keeps strengths finite when one checkpoint wins every comparison


def prompt_win_matrices(rewards: list[dict[str, float]]) -> np.ndarray:
    """For each prompt every checkpoint has a reward on: an n x n matrix, [i, j] = i's wins over j (ties 0.5)."""
    shared = [key for key in rewards[0] if all(key in r for r in rewards)]
    n = len(rewards)
    matrices = np.zeros((len(shared), n, n))
    for p, key in enumerate(shared):
        for i, j in combinations(range(n), 2):
            a, b = rewards[i][key], rewards[j][key]
            matrices[p, i, j] = 1.0 if a > b else 0.5 if a == b else 0.0
            matrices[p, j, i] = 1.0 - matrices[p, i, j]
    return matrices


def fit_strengths(wins: np.ndarray) -> np.ndarray:
    """Bradley-Terry log-strengths for a win-count matrix, centred on zero."""
    import choix

    strengths = choix.ilsr_pairwise_dense(wins, alpha=REGULARISATION)
    return strengths - strengths.mean()


def reward_leaderboard(
    labels: list[str], rewards: list[dict[str, float]], samples: int = BOOTSTRAP_SAMPLES, seed: int = 0
) -> dict[str, Any] | None:
    """Checkpoints ranked by Bradley-Terry strength, with 95% bootstrap CIs; None without shared rewarded prompts.

    ``rewards[i]`` maps a prompt key to checkpoint ``labels[i]``'s mean reward on it.
    """
    matrices = prompt_win_matrices(rewards)
    if len(matrices) == 0:
        return None
    point = fit_strengths(matrices.sum(axis=0))
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(matrices), size=(samples, len(matrices)))
    resampled = np.array([fit_strengths(matrices[d].sum(axis=0)) for d in draws])
    lows, highs = np.percentile(resampled, [2.5, 97.5], axis=0)
    pairs = len(labels) - 1  # each checkpoint meets every other once per prompt
    rows = [
        {
            "label": label,
            "strength": round(float(point[i]), 4),
            "ci": [round(float(lows[i]), 4), round(float(highs[i]), 4)],
            "win_rate": round(float(matrices[:, i, :].sum() / (len(matrices) * pairs)), 4),
        }
        for i, label in enumerate(labels)
    ]
    return {
        "judge": "reward model",
        "prompts": len(matrices),
        "bootstrap": samples,
        "seed": seed,
        "rows": sorted(rows, key=lambda row: -row["strength"]),
    }
