"""Prompts for the online stages (PPO, RLOO, GRPO): the client turns a policy answers during training.

A source is any preference source of ``align.preference_data`` (``sample:SPLIT``, ``store:...``,
an ``align export`` file or folder, TRL's layouts, ``hub:NAME[:SPLIT]``), whose pairs give their
prompts, each prompt once (by ``prompt_id``); or a plain prompts file read by
``align.data_files`` (``.jsonl``/``.json``/``.csv``/``.parquet``, a saved dataset, ``hub:``)
whose rows hold ``prompt`` (text or messages ending with the client's) or ``messages`` (a
conversation ending with the client's turn), with an optional ``id``/``prompt_id``.

``extra_train`` adds counseling conversations (the SFT layouts, e.g. ``sample:crisis_train``): each
is answered at its last client turn, and its gold ``risk`` goes with it to the reward terms, so
that the crisis-referral term is paid on clients the risk classifier might misread.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from align.data_files import read_rows
from align.preference_data import load_preference_pairs, prompt_messages, source_problems
from align.schema import DataError

PREFERENCE_FIELDS = ("chosen", "rejected", "replies", "preferred_output")


@dataclass
class PromptDataSection:
    """Where the training prompts, and the held-out prompts scored before and after training, come from."""

    train: str = "sample:train"  # a preference source (its prompts) or a prompts file
    extra_train: list[str] = field(default_factory=list)  # conversation sources whose client turns are added
    validation: str | None = "sample:validation"  # held-out prompts: replies before/after are scored; null: skip
    max_prompts: int | None = None  # use only the first N training prompts
    max_validation_prompts: int | None = 32  # held-out prompts to generate for, before and after

    def validate(self) -> list[str]:
        from sft.data import conversation_source_problems

        problems = [f"{name}: {p}" for name in ("train", "validation") for p in source_problems(getattr(self, name))]
        for i, source in enumerate(self.extra_train):
            problems += conversation_source_problems(f"extra_train[{i}]", source)
        for name in ("max_prompts", "max_validation_prompts"):
            value = getattr(self, name)
            if value is not None and value < 1:
                problems.append(f"{name}: must be at least 1 (or null for all), found {value}")
        return problems


def load_prompts(source: str, limit: int | None = None) -> list[dict[str, Any]]:
    """``[{"prompt_id", "prompt": messages}]``, each prompt once, in the order first seen.

    Raises ``DataError`` listing every bad row.
    """
    if source.startswith(("sample:", "store:")) or _holds_preferences(source):
        rows = [(p["prompt_id"], p["prompt"]) for p in load_preference_pairs(source)]
    else:
        rows = _prompt_rows(source)
    prompts: dict[str, dict[str, Any]] = {}
    for prompt_id, prompt in rows:
        prompts.setdefault(prompt_id, {"prompt_id": prompt_id, "prompt": prompt})
    return list(prompts.values())[:limit] if limit else list(prompts.values())


def conversation_prompts(source: str) -> list[dict[str, Any]]:
    """``[{"prompt_id", "prompt", "risk"}]``: each conversation of a counseling source up to its last client turn."""
    from sft.data import reply_prompts

    return [
        {"prompt_id": f"{source}#{p['id']}", "prompt": p["prompt"], "risk": p["risk"]} for p in reply_prompts(source)
    ]


def _holds_preferences(source: str) -> bool:
    rows = read_rows(source)
    return any(field in row for _, row in rows[:1] for field in PREFERENCE_FIELDS)


def _prompt_rows(source: str) -> list[tuple[str, list[dict[str, str]]]]:
    problems: list[str] = []
    out = []
    for where, row in read_rows(source):
        found: list[str] = []
        if "prompt" in row:
            prompt = prompt_messages(row["prompt"], where, found)
        elif "messages" in row:
            prompt = prompt_messages(row["messages"], where, found)
        else:
            found.append(f"{where}: expected a field 'prompt' (or 'messages' ending with the client's turn)")
        problems.extend(found)
        if not found:
            out.append((str(row.get("prompt_id") or row.get("id") or prompt_hash(prompt)), prompt))
    if problems:
        raise DataError(source, problems)
    return out


def prompt_hash(prompt: list[dict[str, str]]) -> str:
    """A stable id for a prompt without one (the same hash ``align.preference_data`` uses)."""
    return hashlib.sha256(json.dumps(prompt, sort_keys=True).encode()).hexdigest()[:16]


def with_system_prompt(prompt: list[dict[str, str]], system_prompt: str) -> list[dict[str, str]]:
    """The prompt the policy sees: our system prompt first, as in SFT (unless the prompt brings its own)."""
    if not system_prompt or prompt[0]["role"] == "system":
        return prompt
    return [{"role": "system", "content": system_prompt}, *prompt]
