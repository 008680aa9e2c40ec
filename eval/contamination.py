"""Is an eval prompt in the training data? One check for every place that asks.

A prompt counts as an eval prompt when any of its client messages, normalised (lower case,
punctuation and spacing folded), is a client message of an eval set
(``align.training_prompts``). Two checks use it:

* before training: safety pairs refuse a prompts file that copies an eval prompt
  (``EvalPromptIndex``, align/safety_pairs.py);
* after training: ``check_training_lineage`` follows a checkpoint's provenance chain (its run,
  the SFT run it started from, the reward model PPO trained against, and so on) and matches an
  eval's prompts against each run's ``training_prompts.json``. The release gate fails an eval
  whose prompts were trained on, so `align gate` and `align compare` say so first.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from align.runs import RUN_FILE
from align.schema import EVAL_SETS
from align.training_prompts import client_messages, prompt_hashes, read_training_prompts

Message = dict[str, str]


@dataclass
class EvalPromptIndex:
    """The client messages of some eval sets, each remembered with the set and prompt it came from."""

    sources: tuple[str, ...]
    where: dict[str, str] = field(default_factory=dict)  # normalised client message -> "SOURCE#ID"

    @classmethod
    def of(cls, sources: Iterable[str] = EVAL_SETS) -> EvalPromptIndex:
        from eval.prompt_sets import load_eval_prompts

        index = cls(tuple(sources))
        for source in index.sources:
            for prompt in load_eval_prompts(source):
                for text in client_messages(prompt.messages):
                    index.where.setdefault(text, f"{source}#{prompt.id}")
        return index

    def match(self, messages: Sequence[Message]) -> str | None:
        """The eval prompt ("SOURCE#ID") one of these messages copies, or None."""
        return next((self.where[t] for t in client_messages(messages) if t in self.where), None)

    def matches(self, prompts: Iterable[tuple[str, Sequence[Message]]]) -> list[str]:
        """``"WHERE: copies SOURCE#ID"`` for each (where, messages) that holds an eval prompt."""
        return [f"{where}: copies eval prompt {hit}" for where, messages in prompts if (hit := self.match(messages))]


# ---------------------------------------------------------------- after training: the provenance chain

# The run.json fields that name the model a run started from, or one it was trained against.
_PARENT_FIELDS = (("base_model",), ("base_model", "run"), ("sft_run",), ("reward_model",), ("reward_model", "run"))


def run_directory(where: str | None) -> Path | None:
    """The run directory a model path belongs to (the run itself, or its ``merged/``, ``adapter/``...), or None."""
    if not where:
        return None
    path = Path(where).expanduser()
    for candidate in (path, path.parent):
        if (candidate / RUN_FILE).is_file():
            return candidate.resolve()
    return None


def _parents(info: dict[str, Any]) -> list[str]:
    """The paths and specs a run.json names as the models it came from."""
    found = []
    for keys in _PARENT_FIELDS:
        record: Any = info
        for key in keys:
            record = record.get(key) if isinstance(record, dict) else None
        if isinstance(record, dict):
            found += [record[k] for k in ("spec", "path") if isinstance(record.get(k), str)]
    return found


def training_lineage(model: dict[str, Any], eval_dir: str | Path | None = None) -> list[Path]:
    """Every run directory a model came from: its own run, then the runs each run.json names, recursively.

    ``model`` is an eval summary's model record (``spec`` as given, ``path`` where the weights are);
    both may be relative to where `align eval` ran, so an eval folder inside a run directory
    (``runs/<run>/eval-<time>/``) also names its run. A pretrained model that is not a run (the
    default SmolLM2, a hub model) ends the chain.
    """
    todo = [model.get("spec"), model.get("path"), str(Path(eval_dir).parent) if eval_dir else None]
    seen: list[Path] = []
    while todo:
        run = run_directory(todo.pop(0))
        if run is None or run in seen:
            continue
        seen.append(run)
        todo += _parents(json.loads((run / RUN_FILE).read_text(encoding="utf-8")))
    return seen


@dataclass
class LineageCheck:
    """Were an eval's prompts in the training data of the model, or of any run it came from?"""

    prompts: int  # distinct eval prompts checked
    runs: list[str] = field(default_factory=list)  # runs whose training prompts were checked
    unrecorded: list[str] = field(default_factory=list)  # runs in the chain that recorded no training prompts
    trained_on: dict[str, list[str]] = field(default_factory=dict)  # eval prompt id -> runs that trained on it

    @property
    def is_run(self) -> bool:
        """False for a model that is no run of this platform: its training data cannot be known here."""
        return bool(self.runs or self.unrecorded)

    def by_run(self) -> dict[str, int]:
        """How many of the eval's prompts each run trained on."""
        return dict(Counter(name for names in self.trained_on.values() for name in names))


def check_training_lineage(
    model: dict[str, Any], rows: Sequence[dict[str, Any]], eval_dir: str | Path | None = None
) -> LineageCheck:
    """Match the eval's prompts (replies.jsonl rows: ``prompt_id``, ``prompt``) against the lineage's training data."""
    prompts: dict[str, set[str]] = {}
    for row in rows:
        prompts.setdefault(str(row.get("prompt_id")), prompt_hashes(row.get("prompt") or []))
    check = LineageCheck(prompts=len(prompts))
    for run in training_lineage(model, eval_dir):
        trained = read_training_prompts(run)
        if trained is None:
            check.unrecorded.append(run.name)
            continue
        check.runs.append(run.name)
        for prompt_id, hashes in prompts.items():
            if hashes & trained:
                check.trained_on.setdefault(prompt_id, []).append(run.name)
    return check
