"""Scorers, the eval runner and checkpoint comparison (`align eval`, `align compare`). Lands with issue #5."""

import align  # noqa: F401
