"""Supervised fine-tuning on counseling conversations, and the loaders for counseling data formats."""

import align  # noqa: F401  (applies the offline and no-telemetry defaults first)
