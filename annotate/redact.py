"""Redaction of identifying details in client messages before annotators see them."""

from __future__ import annotations

import re

EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
PHONE = re.compile(r"(?<!\w)(?:\+?\d[\d ().-]{7,}\d)(?!\w)")
NAME_INTRO = re.compile(r"\b(my name is|i am called|i'm called|call me)\s+([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)", re.I)


def redact(text: str, names: tuple[str, ...] = ()) -> str:
    """Replace e-mail addresses, phone numbers, self-introduced names and any listed names."""
    text = EMAIL.sub("[email]", text)
    text = PHONE.sub("[phone]", text)
    text = NAME_INTRO.sub(lambda m: f"{m.group(1)} [name]", text)
    for name in names:
        text = re.sub(rf"\b{re.escape(name)}\b", "[name]", text, flags=re.I)
    return text
