"""Candidate generation, the preference store and the therapists' ranking app. Lands with issue #3."""

import align  # noqa: F401
