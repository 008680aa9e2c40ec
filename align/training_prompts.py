"""Which client messages a run trained on, kept as hashes so eval prompts can be checked against them later.

An eval on prompts the model (or its reward model, or the SFT run it came from) was trained on
says the model is better and safer than it is. Every training recipe calls
``record_training_prompts`` with its training conversations; the run directory then holds
``training_prompts.json``: the sha256 of each normalised client message, never the text itself
(run directories travel, and client text stays out of them). ``eval.contamination`` follows a
checkpoint's provenance chain (SFT -> reward -> DPO/PPO) and matches an eval's prompts against
these hashes; the release gate fails an eval whose prompts were trained on.

A message matches another when they are the same after folding case, punctuation and spacing.
Short messages ("yes", "thank you") are left out: they are in every set and say nothing about leakage.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from align.runs import write_json_atomic

Message = dict[str, str]
TRAINING_PROMPTS_FILE = "training_prompts.json"
TRAINING_PROMPTS_FORMAT = "counsel-align training prompts 1"
MIN_WORDS = 6  # shorter client messages are too generic to count as a copy


def normalised(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


def client_messages(messages: Sequence[Message]) -> list[str]:
    """The normalised client messages long enough to identify a prompt."""
    said = (normalised(m["content"]) for m in messages if m.get("role") == "user")
    return [text for text in said if len(text.split()) >= MIN_WORDS]


def message_hash(normalised_text: str) -> str:
    return hashlib.sha256(normalised_text.encode("utf-8")).hexdigest()


def prompt_hashes(messages: Sequence[Message]) -> set[str]:
    """The hashes of a conversation's identifying client messages."""
    return {message_hash(text) for text in client_messages(messages)}


def record_training_prompts(run_path: Path, conversations: Iterable[Sequence[Message]]) -> int:
    """Write ``training_prompts.json`` for the conversations a run trains on; return how many messages it holds."""
    hashes = sorted({h for messages in conversations for h in prompt_hashes(messages)})
    record = {
        "format": TRAINING_PROMPTS_FORMAT,
        "what": "sha256 of each client message trained on, lower-cased with punctuation and spacing folded",
        "min_words": MIN_WORDS,
        "messages": len(hashes),
        "sha256": hashes,
    }
    write_json_atomic(Path(run_path) / TRAINING_PROMPTS_FILE, record)
    return len(hashes)


def read_training_prompts(run_path: Path) -> set[str] | None:
    """The hashes a run recorded, or None where it recorded none (a run made before the record existed)."""
    file = Path(run_path) / TRAINING_PROMPTS_FILE
    if not file.is_file():
        return None
    record = json.loads(file.read_text(encoding="utf-8"))
    if record.get("format") != TRAINING_PROMPTS_FORMAT:
        raise ValueError(f"{file}: format {record.get('format')!r}, expected {TRAINING_PROMPTS_FORMAT!r}")
    return set(record["sha256"])
