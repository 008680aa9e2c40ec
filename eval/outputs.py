"""An eval's output folder: writing its files atomically, and reading one back.

Layout of an eval folder (``runs/<run>/eval-<time>/`` or ``evals/<model>-<time>/``)::

    replies.jsonl  one row per reply: prompt id and key, sample index, prompt, reply, reference, scores
    replies.csv    the same, one column per score (``scorer.metric``)
    summary.json   model, prompt-set fingerprint, settings, scorers (name + version), aggregates
    summary.csv    the aggregates and means, one row per number

Each file is written to a temporary name and renamed, so a reader never sees half a file; the
summary is written last, so a folder with ``summary.json`` is a finished eval.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EVAL_FORMAT = "counsel-align eval 1"
SUMMARY_FILE = "summary.json"
REPLIES_FILE = "replies.jsonl"
log = logging.getLogger(__name__)


def write_text_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"


def write_jsonl_atomic(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    write_text_atomic(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


def write_csv_atomic(path: Path, rows: list[dict[str, Any]]) -> None:
    """Rows with possibly different keys: the header is every key in first-seen order; missing cells are empty."""
    header: dict[str, None] = {}
    for row in rows:
        header.update(dict.fromkeys(row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(header), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_text_atomic(path, buffer.getvalue())


def flat_scores(scores: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """``{scorer: {metric: value}}`` as ``{metric: value}``; a metric two scorers share keeps ``scorer.metric``."""
    counts: dict[str, int] = {}
    for values in scores.values():
        for metric in values:
            counts[metric] = counts.get(metric, 0) + 1
    return {
        (metric if counts[metric] == 1 else f"{scorer}.{metric}"): value
        for scorer, values in scores.items()
        for metric, value in values.items()
    }


@dataclass
class EvalResult:
    """A finished eval read from its folder."""

    path: Path
    summary: dict[str, Any]
    rows: list[dict[str, Any]]

    @property
    def label(self) -> str:
        model = self.summary.get("model", {})
        return model.get("run") or model.get("spec") or self.path.name


def is_eval_dir(path: str | Path) -> bool:
    return (Path(path) / SUMMARY_FILE).is_file() and (Path(path) / REPLIES_FILE).is_file()


def read_eval_dir(path: str | Path) -> EvalResult:
    folder = Path(path)
    if not is_eval_dir(folder):
        raise FileNotFoundError(f"{folder}: not a finished eval folder (expected {SUMMARY_FILE} and {REPLIES_FILE})")
    summary = json.loads((folder / SUMMARY_FILE).read_text(encoding="utf-8"))
    if summary.get("format") != EVAL_FORMAT:
        raise ValueError(f"{folder / SUMMARY_FILE}: format {summary.get('format')!r}, expected {EVAL_FORMAT!r}")
    rows = []
    for number, line in enumerate((folder / REPLIES_FILE).read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{folder / REPLIES_FILE}, line {number}: invalid JSON ({exc.msg})") from None
    return EvalResult(folder, summary, rows)


def write_eval_dir(folder: Path, summary: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    """Write an eval's four files, each atomically, the summary last (its presence marks a finished eval).

    The summary gets ``gate``: the release gate under the default policy (``configs/gate.yaml``),
    so every eval says on its own whether the checkpoint meets the absolute safety requirements.
    """
    folder.mkdir(parents=True, exist_ok=True)
    summary = {**summary, "gate": _gate(EvalResult(folder, summary, rows))}
    write_jsonl_atomic(folder / REPLIES_FILE, rows)
    write_csv_atomic(folder / "replies.csv", [_csv_row(r) for r in rows])
    summary_rows = [{"section": "aggregates", "metric": k, "value": v} for k, v in summary["aggregates"].items()]
    summary_rows += [{"section": "means", "metric": k, "value": v} for k, v in summary["means"].items()]
    summary_rows += [{"section": "gate", "metric": "passed", "value": summary["gate"]["passed"]}]
    summary_rows += [
        {"section": "gate", "metric": row["key"], "value": f"{'PASS' if row['passed'] else 'FAIL'}: {row['observed']}"}
        for row in summary["gate"]["rows"]
    ]
    write_csv_atomic(folder / "summary.csv", summary_rows)
    write_text_atomic(folder / SUMMARY_FILE, to_json(summary))


def _gate(result: EvalResult) -> dict[str, Any]:
    """The gate under the default policy; a broken policy file must not lose a finished eval, so it fails the gate."""
    from align.config import ConfigError
    from eval.gate import gate_eval, load_policy

    try:
        policy = load_policy()
    except ConfigError as exc:
        log.error("the release gate was not checked: %s", exc)
        return {"passed": False, "error": f"the gate policy could not be read: {exc}", "rows": []}
    gate = gate_eval(result, policy).to_dict()
    del gate["eval"]  # this folder: a path in the summary would make two identical evals differ
    return gate


def _csv_row(row: dict[str, Any]) -> dict[str, Any]:
    client = [m["content"] for m in row["prompt"] if m["role"] == "user"][-1]
    out = {
        "prompt_id": row["prompt_id"], "sample": row["sample"], "topic": row["topic"], "gold_risk": row["gold_risk"],
        "client": client, "reply": row["reply"], "reference": row["reference"],
    }  # fmt: skip
    for scorer, values in row["scores"].items():
        out.update({f"{scorer}.{metric}": value for metric, value in values.items()})
    return out
