"""The risk classifier: what the client said -> their risk level (none, low, moderate, high).

Everything the safety layer does starts here: the guard sends crisis resources only to a client it
reads as at risk, and the gate's crisis-referral and over-escalation rows count replies by this
reading when a prompt has no gold label. A linear head on frozen sentence embeddings read 134 of
the 172 at-risk messages of ``sample:safety`` as at risk, and missed 4 of 23 overdoses under way
(2026-12, AMD EPYC). So this is all-MiniLM-L6-v2 fine-tuned end to end (``eval.finetune``) on
``eval/labelled/risk.jsonl``, a set the project writes itself, built once per machine into the
model cache, never downloaded.

The transparent floor rules (``eval.classifiers.risk_floor``) stay as a second signal: an overdose
under way, or suicidal words with means, timing or a farewell, are high whatever the model says.

The card (``card_markdown``) reports the model on ``risk_heldout.jsonl`` (written separately, by
another author, never trained on; it chose the training settings), on the project's sample
conversations, and on ``sample:safety`` (an eval set: never trained on, never used to choose
anything), each with a confusion matrix and, where messages have a kind, per kind.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from align.schema import RISK_LEVELS, SAMPLE_DATA_DIR
from eval.classifiers import LABELLED_DIR, read_jsonl, risk_floor
from eval.finetune import (
    TrainingSettings,
    digest,
    is_built,
    load_model,
    load_or_build,
    probabilities,
    publish,
    train,
    working_folder,
)
from eval.items import client_text
from eval.taxonomy import AT_RISK_KINDS, MESSAGE_KINDS

CODE_VERSION = "1"
LABELLED = LABELLED_DIR / "risk.jsonl"
# The reply-safety set's client scenarios are trained on too: each has a gold risk level, and they are
# conversations, not single messages. Without them, at-risk messages of risk_heldout.jsonl read at
# risk fell from 146/154 to 133/154 (old risk.jsonl, 2026-12-07, AMD EPYC).
SCENARIOS = LABELLED_DIR / "reply_safety.jsonl"
HELDOUT = LABELLED_DIR / "risk_heldout.jsonl"
LEVELS = tuple(RISK_LEVELS)
AT_RISK = ("moderate", "high")
# The end of what the client said: their last turns, latest last (``client_text``), cut from the front.
CLIENT_TOKENS = 126
# 1e-4 for 5 epochs: on risk_heldout.jsonl 148/154 at-risk messages read at risk and 6/90 benign ones
# (2026-12-07, AMD EPYC). The level is the most likely one; no threshold is tuned on any eval set.
SETTINGS = TrainingSettings(epochs=5, learning_rate=1e-4)


class RiskDataError(ValueError):
    """A labelled risk file has bad rows (each problem names the row and field)."""


def load_labelled(path: Path) -> list[dict[str, Any]]:
    """Rows of a labelled risk file, each with its ``text`` (a ``message``, or the client's turns of ``messages``)."""
    rows, problems = [], []
    for n, row in enumerate(read_jsonl(path), start=1):
        where = f"{path.name} row {n}"
        if isinstance(row.get("message"), str) and row["message"].strip():
            text = row["message"]
        elif isinstance(row.get("messages"), list) and row["messages"] and row["messages"][-1].get("role") == "user":
            text = client_text(row["messages"])
        else:
            problems.append(f"{where}, field 'message': expected the client's text (or 'messages' ending with it)")
            continue
        if row.get("risk") not in LEVELS:
            problems.append(f"{where}, field 'risk': {row.get('risk')!r} is not one of {list(LEVELS)}")
        if row.get("kind") is not None and row["kind"] not in MESSAGE_KINDS:
            problems.append(f"{where}, field 'kind': {row['kind']!r} is not one of {list(MESSAGE_KINDS)}")
        rows.append({**row, "text": text})
    if problems:
        raise RiskDataError(f"{path}: {len(problems)} bad row(s):\n  " + "\n  ".join(problems[:20]))
    return rows


def encode_client(tokenizer, text: str) -> dict[str, list[int]]:
    """``[CLS] client [SEP]``, keeping the end of what the client said: the latest turn matters most."""
    ids = [tokenizer.cls_token_id, *tokenizer(text, add_special_tokens=False)["input_ids"][-CLIENT_TOKENS:]]
    ids.append(tokenizer.sep_token_id)
    return {"input_ids": ids, "token_type_ids": [0] * len(ids), "attention_mask": [1] * len(ids)}


def training_rows(labelled: Path = LABELLED, scenarios: Path = SCENARIOS) -> list[dict[str, Any]]:
    """The labelled messages, then each client scenario of the reply-safety set not already among them."""
    rows = load_labelled(labelled)
    seen = {r["text"] for r in rows}
    for row in load_labelled(scenarios):
        if row["text"] not in seen:
            seen.add(row["text"])
            rows.append(row)
    return rows


def risk_dir(settings: TrainingSettings = SETTINGS, labelled: Path = LABELLED, scenarios: Path = SCENARIOS) -> Path:
    from align.models import cache_dir

    return cache_dir() / "risk" / digest(settings, CODE_VERSION, labelled, scenarios)


class RiskClassifier:
    """A built risk classifier: ``predict(texts)`` gives each client text's level, floor reason and probabilities."""

    def __init__(self, folder: Path, batch_size: int = 32):
        self.folder = Path(folder)
        self.meta = json.loads((self.folder / "meta.json").read_text())
        model, self.tokenizer = load_model(self.folder)
        self.model = model.eval()
        self.batch_size = batch_size

    @property
    def version(self) -> str:
        return self.meta["digest"]

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """(n, 4) probabilities of none, low, moderate, high; each distinct text is read once."""
        distinct = list(dict.fromkeys(texts))
        p = probabilities(self.model, self.tokenizer, [encode_client(self.tokenizer, t) for t in distinct])
        row = {text: i for i, text in enumerate(distinct)}
        return p[[row[t] for t in texts]] if texts else np.zeros((0, len(LEVELS)))

    def predict(self, texts: Sequence[str]) -> list[dict[str, Any]]:
        return [decide(text, p) for text, p in zip(texts, self.probabilities(texts), strict=True)]


def decide(text: str, p: np.ndarray) -> dict[str, Any]:
    """The most likely level, raised to ``risk_floor`` where the floor rules set a higher one."""
    level = LEVELS[int(np.argmax(p))]
    floor, reason = risk_floor(text)
    if floor and LEVELS.index(floor) > LEVELS.index(level):
        level = floor
    return {"level": level, "floor": reason, **{f"p_{c}": float(v) for c, v in zip(LEVELS, p, strict=True)}}


def load_risk_classifier(settings: TrainingSettings = SETTINGS) -> RiskClassifier:
    """The risk classifier for the current labelled set, built first if this machine has not built it yet."""
    built = load_or_build(risk_dir(settings), lambda: build(settings), "risk classifier (about 2 minutes on 2 cores)")
    return RiskClassifier(built)


def build(
    settings: TrainingSettings = SETTINGS,
    force: bool = False,
    progress: bool = True,
    labelled: Path = LABELLED,
    scenarios: Path = SCENARIOS,
    heldout: Path = HELDOUT,
    folder: Path | None = None,
) -> Path:
    """Train on every labelled row, then write the model and its card's numbers (``meta.json``).

    ``labelled``, ``scenarios``, ``heldout`` and ``folder`` are for tests; the platform builds from the shipped
    sets into the cache.
    """
    from transformers import AutoTokenizer

    from eval.embeddings import encoder_version, model_dir

    folder = folder or risk_dir(settings, labelled, scenarios)
    if is_built(folder) and not force:
        return folder
    rows = training_rows(labelled, scenarios)
    tokenizer = AutoTokenizer.from_pretrained(model_dir(), local_files_only=True)
    examples = [{**encode_client(tokenizer, r["text"]), "labels": LEVELS.index(r["risk"])} for r in rows]
    work = working_folder(folder)
    run = train(LEVELS, examples, settings, work, progress)
    meta: dict[str, Any] = {
        "digest": digest(settings, CODE_VERSION, labelled, scenarios),
        "code_version": CODE_VERSION,
        "levels": list(LEVELS),
        "base_model": encoder_version(),
        "settings": asdict(settings),
        "labelled_sha256": hashlib.sha256(labelled.read_bytes()).hexdigest(),
        "scenarios_sha256": hashlib.sha256(scenarios.read_bytes()).hexdigest(),
        "rows": len(rows),
        "class_counts": {level: sum(r["risk"] == level for r in rows) for level in LEVELS},
        **run,
    }
    (work / "meta.json").write_text(json.dumps(meta, indent=1))
    classifier = RiskClassifier(work)
    meta["card"] = {}
    card_sections = {
        "independent": load_labelled(heldout) if heldout.is_file() else [],
        "sample_conversations": sample_rows("train", "validation", "test"),
        "safety_set": sample_rows("safety"),
    }
    for name, rows_checked in card_sections.items():
        if rows_checked:
            meta["card"][name] = evaluate(classifier, rows_checked)
    (work / "meta.json").write_text(json.dumps(meta, indent=1))
    return publish(work, folder)


def sample_rows(*splits: str) -> list[dict[str, Any]]:
    """The packaged sample conversations of ``splits``, each with the client ``text`` the classifier reads."""
    rows = [r for s in splits for r in read_jsonl(SAMPLE_DATA_DIR / "counseling" / f"{s}.jsonl")]
    return [{**r, "text": client_text(r["messages"])} for r in rows]


def evaluate(classifier: RiskClassifier, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """At-risk messages read at risk, benign ones read at risk (with denominators), per kind, and the confusions."""
    predicted = [r["level"] for r in classifier.predict([r["text"] for r in rows])]
    return risk_report([r["risk"] for r in rows], predicted, [r.get("kind") for r in rows])


def risk_report(gold: Sequence[str], predicted: Sequence[str], kinds: Sequence[str | None]) -> dict[str, Any]:
    """The card's numbers for one set: the questions the guard and the gate ask of the risk reading."""
    pairs = list(zip(gold, predicted, strict=True))
    at_risk = [p in AT_RISK for g, p in pairs if g in AT_RISK]
    benign = [p in AT_RISK for g, p in pairs if g == "none"]
    by_kind: dict[str, list[int]] = {}
    for kind, (_, p) in zip(kinds, pairs, strict=True):
        if kind:
            as_expected = (p in AT_RISK) == (kind in AT_RISK_KINDS)
            hits = by_kind.setdefault(kind, [0, 0])
            hits[0], hits[1] = hits[0] + as_expected, hits[1] + 1
    return {
        "rows": len(pairs),
        "at_risk_read_at_risk": [int(sum(at_risk)), len(at_risk)],
        "none_read_at_risk": [int(sum(benign)), len(benign)],
        "exact": [sum(g == p for g, p in pairs), len(pairs)],
        "by_kind_as_expected": dict(sorted(by_kind.items())),
        "confusion": [[sum(g == a and p == b for g, p in pairs) for b in LEVELS] for a in LEVELS],
    }


CARD_SECTIONS = {
    "independent": "Independent hand-written set (`eval/labelled/risk_heldout.jsonl`, another author, never trained "
    "on; used to choose the training settings)",
    "sample_conversations": "The project's sample conversations (`align/sample_data/counseling/{train,validation,"
    "test}.jsonl`, never trained on)",
    "safety_set": "The safety eval set `sample:safety` (never trained on, never used to choose anything)",
}


def card_markdown(meta: dict[str, Any], machine: str, commit: str, date: str) -> str:
    """The risk classifier's card: what it is, how it was built, and how it reads each held-out set."""
    lines = [
        "# Risk classifier card",
        "",
        f"Built with `align scorers build --write-card` on {machine}, commit {commit}, {date}.",
        "",
        f"- **Model:** {meta['base_model']} fine-tuned end to end on the client's last turns, a 4-way head "
        f"({', '.join(meta['levels'])}); transformers `Trainer`, settings {meta['settings']}.",
        f"- **Data:** `eval/labelled/risk.jsonl` (sha256 {meta['labelled_sha256'][:12]}) and the client scenarios "
        f"of `eval/labelled/reply_safety.jsonl` (sha256 {meta['scenarios_sha256'][:12]}), both written by the "
        f"project: {meta['rows']} client texts, {meta['class_counts']}. All of it is trained on.",
        "- **Floor rules** (`eval.classifiers.risk_floor`): an overdose or injury under way, or suicidal words with "
        "means, timing or a farewell, read high whatever the model says.",
        f"- **Cache key:** {meta['digest']}; training loss {meta['train_loss']}, {meta['train_runtime_s']} s.",
        "",
        "Target (issue #11): passive ideation and abuse disclosures read at least moderate.",
    ]
    for key, title in CARD_SECTIONS.items():
        report = meta["card"].get(key)
        if not report:
            continue
        (hit, n), (alarm, benign) = report["at_risk_read_at_risk"], report["none_read_at_risk"]
        lines += [
            "",
            f"## {title}: {report['rows']} messages",
            "",
            f"- **At-risk (moderate or high) read moderate or high:** {hit}/{n}",
            f"- **Benign (none) read moderate or high:** {alarm}/{benign}",
            f"- **Exact level:** {report['exact'][0]}/{report['exact'][1]}",
        ]
        if report["by_kind_as_expected"]:
            lines += [
                "",
                "| kind | read as expected (at-risk kinds: moderate or high; benign: none or low) |",
                "|---|---|",
            ]
            lines += [f"| {kind} | {ok}/{total} |" for kind, (ok, total) in report["by_kind_as_expected"].items()]
        lines += ["", "Confusion (rows gold, columns read as; " + ", ".join(meta["levels"]) + "):", ""]
        lines += [f"    {level:>8}: {row}" for level, row in zip(meta["levels"], report["confusion"], strict=True)]
    lines += [
        "",
        "## Limits",
        "",
        "Small, English-only, fictional data written by engineers, not clinicians. The level steers the guard and the",
        "gate; it is not a clinical assessment, and at-risk conversations still need a human.",
    ]
    return "\n".join(lines) + "\n"
