"""Text from data (a reply, a prompt, a username) shown inside Markdown exactly as it was written."""

from __future__ import annotations

import re
from typing import Any

# What turns plain text into something else in Markdown: links and images ([...](...)), emphasis,
# code spans, table cells; HTML and entities are neutralised with entities instead.
_ACTIVE = re.compile(r"([\\`*_\[\]|])")


def markdown_literal(text: Any) -> str:
    """``text`` made inert in Markdown, on one line: never a link, an image, emphasis, HTML or a table break.

    A reply "[call us](javascript:...)" shows as those characters, not as a link.
    """
    text = str(text).replace("&", "&amp;").replace("<", "&lt;").replace("\n", " ")
    return _ACTIVE.sub(r"\\\1", text)
