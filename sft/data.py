"""Counseling data loaders: files and hub datasets in several layouts -> our conversation schema.

A *source* is one of:

* ``sample:train`` / ``sample:validation`` / ``sample:test``: the project's own sample data;
* a local ``.jsonl``, ``.json``, ``.csv`` or ``.parquet`` file;
* ``hub:NAME`` or ``hub:NAME:SPLIT``: any dataset ``datasets.load_dataset`` can open (a hub
  name when online, or a local folder of data files).

A *format* says how rows become conversations (see ``FORMATS``); ``auto`` picks it from
the columns. Every problem names the file, the line or row, and the field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from align.data_files import read_rows as read_source_rows
from align.schema import EVAL_ONLY_SAMPLES, EVAL_SETS, DataError, conversation_problems, risk_problems, source_path

# crisis_train: project-written at-risk conversations and idiom look-alikes (align/sample_data/compose_crisis_train.py)
SAMPLE_SPLITS = ("train", "validation", "test", "crisis_train")

# Default column names of each layout; ``data.columns`` maps them to a file's own names.
FORMATS: dict[str, dict[str, str]] = {
    "messages": {"messages": "messages", "id": "id", "topic": "topic", "risk": "risk"},
    # CounselChat-derived hub datasets (e.g. Amod/mental_health_counseling_conversations)
    "context_response": {"context": "Context", "response": "Response"},
    # EmpatheticDialogues: one utterance per row, grouped by conversation
    "empathetic_dialogues": {
        "conv_id": "conv_id",
        "utterance_idx": "utterance_idx",
        "utterance": "utterance",
        "emotion": "context",
    },
}


@dataclass
class SFTDataSection:
    """Where the counseling conversations come from and how to read them."""

    train: str = "sample:train"
    extra_train: list[str] = field(default_factory=list)  # more sources (messages layout) appended to train
    validation: str | None = "sample:validation"
    format: Literal["auto", "messages", "context_response", "empathetic_dialogues"] = "auto"
    columns: dict[str, str] = field(default_factory=dict)
    max_examples: int | None = None
    validation_fraction: float = 0.1  # held out from train when validation is null

    def validate(self) -> list[str]:
        problems = []
        known = set(FORMATS.get(self.format, {})) if self.format != "auto" else set().union(*FORMATS.values())
        for key in self.columns:
            if key not in known:
                problems.append(f"columns.{key}: not a column of format {self.format!r}; allowed: {sorted(known)}")
        if not 0 < self.validation_fraction < 1:
            problems.append(f"validation_fraction: must be between 0 and 1, found {self.validation_fraction}")
        problems += conversation_source_problems("train", self.train)
        if self.validation:
            problems += conversation_source_problems("validation", self.validation, trained_on=False)
        for i, source in enumerate(self.extra_train):
            problems += conversation_source_problems(f"extra_train[{i}]", source)
        return problems


def conversation_source_problems(name: str, source: str, trained_on: bool = True) -> list[str]:
    """What is wrong with a conversation source named in a config (``name`` says where), before anything loads."""
    if trained_on and source in EVAL_SETS:
        return [f"{name}: {source} is an eval set (align eval grades on it): train on sample:train"]
    if source.startswith("sample:") and source[7:] not in SAMPLE_SPLITS:
        return [f"{name}: unknown sample split {source[7:]!r}; allowed: {list(SAMPLE_SPLITS)}"]
    if not source.startswith(("sample:", "hub:")) and not Path(source).exists():  # a file or a saved dataset
        return [f"{name}: data file not found: {source}"]
    return []


# ---------------------------------------------------------------- reading rows


def read_rows(source: str) -> list[tuple[str, dict[str, Any]]]:
    """All rows of a source (``sample:SPLIT`` is the sample counseling data), each with its location."""
    if source in EVAL_ONLY_SAMPLES:  # this reader feeds SFT, candidate generation and ranking: never an eval set
        hint = f"a held-out eval set, never trained or ranked on; use it with `align eval --prompts {source}`"
        raise DataError(source, [hint])
    if source.startswith("sample:"):
        source = str(source_path(source))
    return read_source_rows(source)


# ---------------------------------------------------------------- layouts -> conversations


def detect_format(columns: set[str], mapping: dict[str, str]) -> str:
    for name, defaults in FORMATS.items():
        required = [c for c in defaults if c not in ("id", "topic", "risk")]
        if all(mapping.get(c, defaults[c]) in columns for c in required):
            return name
    raise ValueError(
        f"cannot tell the data layout from its columns {sorted(columns)}; set data.format to one of "
        f"{sorted(FORMATS)} and data.columns to map your column names"
    )


def _from_messages(rows, cols, source, problems) -> list[dict[str, Any]]:
    out = []
    for where, row in rows:
        if cols["messages"] not in row:
            problems.append(f"{where}: missing field {cols['messages']!r}")
            continue
        messages = row[cols["messages"]]
        if isinstance(messages, str):  # CSV cells hold JSON text
            try:
                messages = json.loads(messages)
            except json.JSONDecodeError:
                problems.append(
                    f"{where}, field {cols['messages']!r}: expected a list of messages (or its JSON text), "
                    f"found {messages[:40]!r}"
                )
                continue
        found = conversation_problems(messages, where) + risk_problems(row.get(cols["risk"]), where)
        problems.extend(found)
        if not found:
            out.append(
                {
                    "id": str(row.get(cols["id"]) or f"{Path(source).stem}-{len(out)}"),
                    "topic": row.get(cols["topic"]),
                    "risk": row.get(cols["risk"]),
                    "messages": [{"role": m["role"], "content": m["content"]} for m in messages],
                }
            )
    return out


def _from_context_response(rows, cols, source, problems) -> list[dict[str, Any]]:
    out = []
    for where, row in rows:
        missing = [cols[c] for c in ("context", "response") if cols[c] not in row]
        if missing:
            problems.append(f"{where}: missing field(s) {missing}")
            continue
        messages = [
            {"role": "user", "content": row[cols["context"]]},
            {"role": "assistant", "content": row[cols["response"]]},
        ]
        found = [
            p.replace("'messages[0]'.content", repr(cols["context"])).replace(
                "'messages[1]'.content", repr(cols["response"])
            )
            for p in conversation_problems(messages, where)
        ]
        problems.extend(found)
        if not found:
            out.append({"id": f"{Path(source).stem}-{len(out)}", "topic": None, "risk": None, "messages": messages})
    return out


def _from_empathetic_dialogues(rows, cols, source, problems) -> list[dict[str, Any]]:
    conversations: dict[str, list[tuple[int, str, str]]] = {}
    emotions: dict[str, Any] = {}
    for where, row in rows:
        missing = [cols[c] for c in ("conv_id", "utterance_idx", "utterance") if cols[c] not in row]
        if missing:
            problems.append(f"{where}: missing field(s) {missing}")
            continue
        try:
            index = int(row[cols["utterance_idx"]])
        except (TypeError, ValueError):
            problems.append(
                f"{where}, field {cols['utterance_idx']!r}: expected an integer, found {row[cols['utterance_idx']]!r}"
            )
            continue
        text = row[cols["utterance"]]
        if not isinstance(text, str):
            problems.append(f"{where}, field {cols['utterance']!r}: expected text, found {type(text).__name__}")
            continue
        conv = str(row[cols["conv_id"]])
        conversations.setdefault(conv, []).append((index, where, text.replace("_comma_", ",")))
        emotions.setdefault(conv, row.get(cols["emotion"]))
    out = []
    for conv, turns in conversations.items():
        turns.sort()
        if len(turns) % 2:
            turns = turns[:-1]  # the speaker who opened has the last word: drop it, the counselor ends
        messages = [
            {"role": "user" if i % 2 == 0 else "assistant", "content": text} for i, (_, _, text) in enumerate(turns)
        ]
        found = conversation_problems(messages, f"conversation {conv} ({turns[0][1] if turns else 'no turns'})")
        problems.extend(found)
        if messages and not found:
            out.append({"id": conv, "topic": emotions.get(conv), "risk": None, "messages": messages})
    return out


_ADAPTERS = {
    "messages": _from_messages,
    "context_response": _from_context_response,
    "empathetic_dialogues": _from_empathetic_dialogues,
}


def load_conversations(source: str, fmt: str = "auto", columns: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Read a source in any supported layout and return validated conversations.

    Raises ``DataError`` listing every bad row (file, line/row, field); returns nothing partial.
    """
    columns = columns or {}
    rows = read_rows(source)
    name = str(source_path(source)) if source.startswith("sample:") else source
    if fmt == "auto":
        try:
            fmt = detect_format(set().union(*(row.keys() for _, row in rows)), columns)
        except ValueError as exc:
            raise DataError(name, [str(exc)]) from None
    cols = {**FORMATS[fmt], **columns}
    problems: list[str] = []
    conversations = _ADAPTERS[fmt](rows, cols, name, problems)
    if problems:
        raise DataError(name, problems)
    if not conversations:
        raise DataError(name, ["no usable conversations"])
    return conversations


def reply_prompts(source: str) -> list[dict[str, Any]]:
    """``[{"id", "prompt", "reference", "risk"}]``: each conversation of a source cut at its last client turn.

    ``prompt`` is the conversation up to that turn (no system message), ``reference`` the counselor's reply to it
    (every valid conversation ends with one), ``risk`` the conversation's gold risk level or None. The online stages
    answer these prompts; safety pairs take the at-risk ones, with the reference as the chosen reply.
    """
    prompts = []
    for i, conversation in enumerate(load_conversations(source)):
        messages = [m for m in conversation["messages"] if m["role"] != "system"]
        prompts.append(
            {
                "id": str(conversation.get("id") or i),
                "prompt": messages[:-1],
                "reference": messages[-1]["content"],
                "risk": conversation.get("risk"),
            }
        )
    return prompts


def with_system_prompt(conversation: dict[str, Any], system_prompt: str) -> list[dict[str, str]]:
    """The conversation's messages with our system prompt first (unless it brings its own)."""
    messages = conversation["messages"]
    if not system_prompt or messages[0]["role"] == "system":
        return messages
    return [{"role": "system", "content": system_prompt}, *messages]
