"""What every scorer scores: one reply to one prompt, with an optional reference reply and gold risk."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from align.schema import RISK_LEVELS

Message = dict[str, str]
Score = float | int | str | bool | None  # None: the metric does not apply to this item (e.g. no reference)


@dataclass(frozen=True)
class EvalItem:
    """A reply to score. ``prompt`` is the conversation so far (messages, or one client message as text);
    ``reference`` a counselor reply to compare with; ``risk`` the client's gold risk level, when known."""

    prompt: str | tuple[Message, ...] | list[Message]
    reply: str
    reference: str | None = None
    risk: str | None = None
    id: str | None = None

    def __post_init__(self) -> None:
        if self.risk is not None and self.risk not in RISK_LEVELS:
            raise ValueError(f"EvalItem {self.id or ''}: risk must be one of {list(RISK_LEVELS)}, found {self.risk!r}")
        if not isinstance(self.reply, str):
            raise TypeError(f"EvalItem {self.id or ''}: reply must be text, found {type(self.reply).__name__}")

    @property
    def messages(self) -> list[Message]:
        if isinstance(self.prompt, str):
            return [{"role": "user", "content": self.prompt}]
        return [dict(m) for m in self.prompt]

    def client_text(self, turns: int = 3) -> str:
        """The client's last ``turns`` messages, joined: what the risk of the conversation is read from."""
        return client_text(self.messages, turns)

    @property
    def prompt_key(self) -> str:
        """Replies sampled for the same prompt share this key (self-BLEU, max toxicity over k samples)."""
        return json.dumps(self.messages, sort_keys=True, ensure_ascii=False)


def client_text(messages: list[dict[str, Any]], turns: int = 3) -> str:
    said = [m["content"] for m in messages if m.get("role") == "user"]
    return " ".join(said[-turns:])
