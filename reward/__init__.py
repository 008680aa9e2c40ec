"""Reward-model training and scoring (`align run reward`, `align score`). Lands with issue #4."""

import align  # noqa: F401
