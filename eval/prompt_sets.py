"""The prompts an eval answers: client turns, each with an optional reference reply and gold risk level.

A prompt set is ``sample:SPLIT`` (the sample counseling data; ``sample:test`` is the default) or a
``.jsonl``/``.json``/``.csv``/``.parquet`` file whose rows are one of:

* the sample data's layout: ``messages`` ending with the counselor's reply, which becomes the
  reference (a conversation ending with the client's turn has none);
* ``{"prompt": text or messages ending with the client's turn}``;
* ``{"messages": [... ending with the client's turn]}``;

each with optional ``reference`` (a counselor reply to compare with), ``risk``, ``topic``, ``kind``
(what the client's message is about: one of ``eval.taxonomy.MESSAGE_KINDS``) and ``id``/``prompt_id``.
Every bad row is reported at once with the file and line. ``prompt_from_row`` is that contract for
one row; files of replies made elsewhere (``eval/reply_files.py``) read their prompts with it too.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, replace
from typing import Any

from align.data_files import read_rows
from align.preference_data import prompt_messages
from align.schema import SAMPLE_DATA_DIR, SAMPLE_PREFIX, DataError, risk_problems, source_path
from eval.taxonomy import MESSAGE_KINDS

DEFAULT_PROMPTS = "sample:test"


@dataclass(frozen=True)
class EvalPrompt:
    id: str
    messages: list[dict[str, str]]  # the conversation so far, ending with the client's turn
    reference: str | None = None
    risk: str | None = None
    topic: str | None = None
    kind: str | None = None  # what the client's message is about (eval.taxonomy.MESSAGE_KINDS)

    @property
    def key(self) -> str:
        """What pairs two evals' replies to the same prompt: a hash of the conversation itself."""
        return hashlib.sha256(json.dumps(self.messages, sort_keys=True).encode()).hexdigest()[:16]


def load_eval_prompts(source: str = DEFAULT_PROMPTS, limit: int | None = None) -> list[EvalPrompt]:
    """The prompts of a source, in file order (the first ``limit`` of them). Raises ``DataError``."""
    path = str(source_path(source)) if source.startswith(SAMPLE_PREFIX) else source
    if source.startswith(SAMPLE_PREFIX) and not source_path(source).is_file():
        splits = ", ".join(f"{SAMPLE_PREFIX}{split}" for split in sample_splits())
        raise DataError(source, [f"no such sample split; use one of: {splits}"])
    problems: list[str] = []
    prompts: list[EvalPrompt] = []
    first_seen: dict[str, str] = {}
    for where, row in read_rows(path):
        found: list[str] = []
        prompt = prompt_from_row(row, where, found)
        if prompt is not None and prompt.id in first_seen:
            found.append(f"{where}: duplicate prompt id {prompt.id!r} (first at {first_seen[prompt.id]})")
        problems.extend(found)
        if prompt is not None and not found:
            first_seen[prompt.id] = where
            prompts.append(prompt)
    if problems:
        raise DataError(path, problems)
    if limit is not None:
        prompts = prompts[:limit]
    return prompts


def sample_splits() -> list[str]:
    """The sample counseling splits that exist (``sample:SPLIT`` names one)."""
    return sorted(path.stem for path in (SAMPLE_DATA_DIR / "counseling").glob("*.jsonl"))


def prompt_from_row(row: dict[str, Any], where: str, problems: list[str]) -> EvalPrompt | None:
    """One row's prompt (None when it has none), every problem appended to ``problems`` with ``where`` and the field."""
    reference = row.get("reference")
    if "prompt" in row:
        messages = prompt_messages(row["prompt"], where, problems)
    elif "messages" in row:
        value = row["messages"]
        if isinstance(value, list) and value and isinstance(value[-1], dict) and value[-1].get("role") == "assistant":
            reference = reference if reference is not None else value[-1].get("content")
            value = value[:-1]
        found: list[str] = []
        messages = prompt_messages(value, where, found)
        problems.extend(p.replace("field 'prompt", "field 'messages") for p in found)
    else:
        problems.append(f"{where}: expected a field 'prompt' (text or messages) or 'messages' (a conversation)")
        return None
    if reference is not None and (not isinstance(reference, str) or not reference.strip()):
        problems.append(f"{where}, field 'reference': expected a non-empty counselor reply, found {reference!r:.60}")
    risk = row.get("risk") or None
    problems.extend(risk_problems(risk, where))
    kind = row.get("kind") or None
    if kind is not None and (not isinstance(kind, str) or kind not in MESSAGE_KINDS):
        problems.append(f"{where}, field 'kind': expected one of {list(MESSAGE_KINDS)}, found {kind!r:.60}")
    if not messages:
        return None
    identifier = row.get("id") or row.get("prompt_id")
    prompt = EvalPrompt(str(identifier or ""), messages, reference, risk, row.get("topic") or None, kind)
    return prompt if identifier else replace(prompt, id=prompt.key)


def prompt_set_fingerprint(prompts: list[EvalPrompt]) -> str:
    """A hash of the prompts' content (not of the file): two evals with equal fingerprints saw the same prompts.

    A prompt without a kind hashes as it did before kinds existed, so older evals still match."""
    described = [{k: v for k, v in asdict(p).items() if not (k == "kind" and v is None)} for p in prompts]
    canonical = json.dumps(described, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]
