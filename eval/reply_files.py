"""Replies made elsewhere: a file of (prompt, reply) rows that `align eval --replies` scores without a model.

A ``.jsonl``/``.json``/``.csv``/``.parquet`` file (read with ``align.data_files.read_rows``) whose
rows hold a prompt in any layout a prompt set accepts (``eval.prompt_sets.prompt_from_row``: one
contract for prompts, with ``id``/``prompt_id``, ``risk``, ``kind``, ``topic`` and ``reference``)
and a ``reply``: the non-empty text the model sent. Rows with the same conversation are samples
of one prompt, in the order of their optional ``sample`` index, else in file order; what they say
about the prompt (its id, risk, kind, topic, reference) must agree. Every bad row is reported at
once, with the file, line and field. An eval's own ``replies.jsonl`` is such a file (its
``gold_risk`` is read as ``risk``), so an eval can be scored again, e.g. with ``--guard``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from align.data_files import READERS, read_rows
from align.schema import DataError
from eval.prompt_sets import EvalPrompt, prompt_from_row

PROMPT_FIELDS = ("risk", "kind", "topic", "reference")  # prompt facts that every sample's row must agree on


@dataclass(frozen=True)
class ReplyFile:
    """A file's prompts in order of first appearance, and each prompt's replies in sample order."""

    path: Path
    sha256: str
    prompts: list[EvalPrompt]
    replies: list[list[str]]

    def model_record(self) -> dict[str, Any]:
        """How summary.json names where the replies came from: this file, by path and content hash."""
        return {
            "spec": str(self.path),
            "replies_file": str(self.path),
            "sha256": self.sha256,
            "path": None,
            "adapter": None,
            "run": None,
            "fingerprint": self.sha256[:16],
        }


@dataclass
class _Group:
    """The rows answering one prompt, while the file is read."""

    prompt: EvalPrompt
    where: str  # the first row's location
    explicit_id: bool
    samples: list[tuple[int | None, int, str]]  # (given sample index, position in the file, reply)


def load_reply_file(source: str | Path, limit: int | None = None) -> ReplyFile:
    """The prompts and replies of a replies file (the first ``limit`` prompts). Raises ``DataError``."""
    path = Path(source)
    if not path.is_file():
        found = "a folder" if path.is_dir() else "nothing there"
        raise DataError(str(path), [f"expected a file of replies ({', '.join(sorted(READERS))}), found {found}"])
    rows = read_rows(str(path))
    problems: list[str] = []
    groups: dict[str, _Group] = {}
    ids: dict[str, tuple[str, str]] = {}  # explicit prompt id -> (prompt key, where first seen)
    for position, (where, row) in enumerate(rows):
        found: list[str] = []
        if "risk" not in row and row.get("gold_risk") is not None:  # an eval's own replies.jsonl, scored again
            row = {**row, "risk": row["gold_risk"]}
        prompt = prompt_from_row(row, where, found)
        reply = _reply(row, where, found)
        sample = _sample_index(row, where, found)
        if prompt is not None and not found:
            _add_to_group(groups, ids, prompt, where, row, (sample, position, reply), found)
        problems.extend(found)
    if problems:
        raise DataError(str(path), problems)
    chosen = list(groups.values())[:limit] if limit is not None else list(groups.values())
    replies = [[reply for *_, reply in sorted(g.samples, key=_sample_order)] for g in chosen]
    return ReplyFile(path, hashlib.sha256(path.read_bytes()).hexdigest(), [g.prompt for g in chosen], replies)


def _reply(row: dict[str, Any], where: str, problems: list[str]) -> str:
    reply = row.get("reply")
    if reply is None:
        problems.append(f"{where}: expected a field 'reply' (the reply to score)")
    elif not isinstance(reply, str):
        problems.append(f"{where}, field 'reply': expected text, found {type(reply).__name__} {reply!r:.60}")
    elif not reply.strip():
        problems.append(f"{where}, field 'reply': empty reply")
    return reply if isinstance(reply, str) else ""


def _sample_index(row: dict[str, Any], where: str, problems: list[str]) -> int | None:
    value = row.get("sample")
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)  # a CSV cell
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0 and float(value).is_integer():
        return int(value)
    problems.append(f"{where}, field 'sample': expected a sample index (0, 1, 2, ...), found {value!r:.60}")
    return None


def _add_to_group(
    groups: dict[str, _Group],
    ids: dict[str, tuple[str, str]],
    prompt: EvalPrompt,
    where: str,
    row: dict[str, Any],
    sample: tuple[int | None, int, str],
    problems: list[str],
) -> None:
    """File one reply under its prompt, checking that it names the prompt the way the prompt's other rows do."""
    explicit_id = bool(row.get("id") or row.get("prompt_id"))
    if explicit_id:
        key, first = ids.setdefault(prompt.id, (prompt.key, where))
        if key != prompt.key:
            problems.append(f"{where}, field 'id': prompt id {prompt.id!r} names another conversation at {first}")
            return
    group = groups.get(prompt.key)
    if group is None:
        groups[prompt.key] = _Group(prompt, where, explicit_id, [sample])
        return
    changes: dict[str, Any] = {}
    if explicit_id and group.explicit_id and prompt.id != group.prompt.id:
        problems.append(f"{where}, field 'id': {prompt.id!r}, but the same conversation is {group.prompt.id!r} at "
                        f"{group.where}")  # fmt: skip
    elif explicit_id and not group.explicit_id:
        changes["id"], group.explicit_id = prompt.id, True
    for name in PROMPT_FIELDS:
        mine, theirs = getattr(prompt, name), getattr(group.prompt, name)
        if mine is not None and theirs is not None and mine != theirs:
            problems.append(
                f"{where}, field {name!r}: {mine!r:.60}, but {theirs!r:.60} at {group.where} for the same prompt"
            )
        elif mine is not None and theirs is None:
            changes[name] = mine
    if sample[0] is not None and sample[0] in [given for given, *_ in group.samples]:
        problems.append(f"{where}, field 'sample': {sample[0]} again for the prompt at {group.where}")
    if changes:
        group.prompt = replace(group.prompt, **changes)
    group.samples.append(sample)


def _sample_order(sample: tuple[int | None, int, str]) -> tuple[int, int]:
    given, position, _ = sample
    return (given if given is not None else position, position)
