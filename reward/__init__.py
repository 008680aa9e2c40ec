"""Reward models: training (`align run reward`), the held-out report, and scoring (`align score`)."""

import align  # noqa: F401
