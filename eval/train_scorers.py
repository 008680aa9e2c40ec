"""Train the scorers' classifiers on the project's labelled examples; write artifacts and a card.

    python -m eval.train_scorers            # rewrites eval/artifacts/*.json and eval/artifacts/CARD.md
    python -m eval.train_scorers --check    # retrains in memory; exit 1 if the committed artifacts differ

Two families, each a logistic regression over all-MiniLM-L6-v2 embeddings:

* ``epitome``: three heads (emotional reactions, interpretations, explorations; 0/1/2) on
  ``labelled/epitome.jsonl``; 5-fold CV grouped by client situation.
* ``toxicity``: toxic or not on ``labelled/toxicity.jsonl``.

The client's risk level is a fine-tuned model of its own (``eval.risk_model``, built by
``align scorers build``): a linear head on frozen embeddings missed too many at-risk clients.

Each card reports the 5-fold macro-F1 beside the majority-class baseline.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

import numpy as np

from eval.classifiers import (
    ARTIFACTS_DIR,
    EPITOME_MECHANISMS,
    LABELLED_DIR,
    Artifact,
    LinearClassifier,
    cross_validate,
    epitome_features,
    epitome_predict,
    file_sha256,
    fit,
    load_artifact,
    read_jsonl,
    toxicity_features,
)
from eval.embeddings import SentenceEncoder, get_encoder

log = logging.getLogger(__name__)

FAMILIES = ("epitome", "toxicity")
C = {"epitome": 8.0, "toxicity": 4.0}
SEED = 0
FOLDS = 5


def _data_meta(name: str, rows: list[dict[str, Any]], encoder: SentenceEncoder, features: str) -> dict[str, Any]:
    path = LABELLED_DIR / name
    return {
        "data": {"file": f"eval/labelled/{name}", "sha256": file_sha256(path), "rows": len(rows)},
        "encoder": encoder.version,
        "features": features,
        "trainer": "sklearn LogisticRegression(lbfgs, L2)",
    }


def train_epitome(encoder: SentenceEncoder, folds: int = FOLDS) -> Artifact:
    rows = read_jsonl(LABELLED_DIR / "epitome.jsonl")
    replies = [r["reply"] for r in rows]
    reply_vecs, client_vecs = encoder.encode(replies), encoder.encode([r["client"] for r in rows])
    sentence_vecs = encoder.encode_sentences(replies)
    X = epitome_features(reply_vecs, client_vecs, replies)
    groups = [r["situation"] for r in rows]
    heads = {}
    for mechanism in EPITOME_MECHANISMS:
        y = [int(r[mechanism]) for r in rows]

        def as_scored(head: LinearClassifier, test: np.ndarray, mechanism: str = mechanism) -> list[int]:
            """What EmpathyScorer reports: the strongest of the whole reply and its sentences."""
            return epitome_predict(
                {mechanism: head},
                reply_vecs[test],
                client_vecs[test],
                [replies[i] for i in test],
                [sentence_vecs[i] for i in test],
            )[mechanism][1]

        head = fit(X, y, C["epitome"])
        head.info["cv"] = cross_validate(X, y, C["epitome"], groups=groups, folds=folds, seed=SEED)
        head.info["cv_as_scored"] = cross_validate(
            X, y, C["epitome"], groups=groups, folds=folds, seed=SEED, predict=as_scored
        )
        heads[mechanism] = head
    features = "reply embedding (384) + cosine(reply, client) + questions, understanding, warmth cues + length"
    return Artifact("epitome", heads, _data_meta("epitome.jsonl", rows, encoder, features))


def train_toxicity(encoder: SentenceEncoder, folds: int = FOLDS) -> Artifact:
    rows = read_jsonl(LABELLED_DIR / "toxicity.jsonl")
    X = toxicity_features(encoder.encode([r["reply"] for r in rows]))
    y = [int(r["toxic"]) for r in rows]
    head = fit(X, y, C["toxicity"])
    head.info["cv"] = cross_validate(X, y, C["toxicity"], folds=folds, seed=SEED)
    return Artifact(
        "toxicity", {"toxicity": head}, _data_meta("toxicity.jsonl", rows, encoder, "reply embedding (384)")
    )


TRAINERS = {"epitome": train_epitome, "toxicity": train_toxicity}


def train_all(encoder: SentenceEncoder | None = None, folds: int = FOLDS) -> dict[str, Artifact]:
    encoder = encoder or get_encoder()
    return {family: TRAINERS[family](encoder, folds) for family in FAMILIES}


def card(artifacts: dict[str, Artifact]) -> str:
    """The Markdown card: what each classifier is, what it was trained on, how well it does."""
    lines = [
        "# Eval scorer classifiers",
        "",
        "Written by `python -m eval.train_scorers`; do not edit by hand. Logistic regressions over",
        f"{artifacts['epitome'].meta['encoder']} sentence embeddings, trained on",
        "examples the project wrote itself (`eval/labelled/`). Stored as plain JSON coefficients.",
        "",
        "| classifier | labelled rows | classes | features | 5-fold macro-F1 | majority baseline |",
        "|---|---|---|---|---|---|",
    ]
    for family, artifact in artifacts.items():
        for head_name, head in artifact.heads.items():
            cv = head.info["cv"]
            name = f"{family}.{head_name}" if family != head_name else family
            grouped = " (grouped by situation)" if cv["grouped"] else ""
            scored = head.info.get("cv_as_scored")
            also = f"; as scored, max over sentences: {scored['macro_f1']:.3f}" if scored else ""
            lines.append(
                f"| `{name}` | {cv['rows']} | {', '.join(map(str, head.classes))} | {artifact.meta['features']} | "
                f"{cv['macro_f1']:.3f} ± {cv['macro_f1_std']:.3f}{grouped}{also} | "
                f"{cv['majority_baseline_macro_f1']:.3f} |"
            )
    lines += [
        "",
        "## Data and labels",
        "",
        "- `epitome.jsonl`: replies composed from hand-written fragments (`eval/labelled/compose_epitome.py`):",
        "  strong fragments written for one client situation (level 2), generic ones (level 1), advice,",
        "  information and dismissal (level 0). Cross-validation keeps each situation in one fold.",
        "- `toxicity.jsonl`: rude, insulting, demeaning and hostile replies against kind, neutral and",
        "  firm-but-kind ones (incl. frank talk about suicide, anger and self-harm).",
        "",
        "## Limits",
        "",
        "Small, English-only, fictional data written by engineers, not clinicians; the numbers above are",
        "on that data. The scores rank replies for model comparison; they are not a clinical assessment.",
        "The client's risk level has a card of its own: `RISK_CARD.md` (`align scorers build --write-card`).",
        "",
    ]
    return "\n".join(lines)


def write(artifacts: dict[str, Artifact], folder: Path = ARTIFACTS_DIR) -> list[Path]:
    paths = [artifact.write(folder) for artifact in artifacts.values()]
    path = folder / "CARD.md"
    path.write_text(card(artifacts), encoding="utf-8")
    return [*paths, path]


def differences(fresh: dict[str, Artifact], folder: Path = ARTIFACTS_DIR, atol: float = 1e-3) -> list[str]:
    """How the committed artifacts differ from freshly trained ones (data changed, or coefficients moved)."""
    problems = []
    for family, new in fresh.items():
        try:
            old = load_artifact(family, folder)
        except (FileNotFoundError, ValueError) as e:
            problems.append(str(e))
            continue
        if old.meta["data"]["sha256"] != new.meta["data"]["sha256"]:
            problems.append(f"{family}: {new.meta['data']['file']} changed since the artifact was trained")
        for name, head in new.heads.items():
            committed = old.heads.get(name)
            if committed is None or committed.classes != head.classes:
                problems.append(f"{family}.{name}: classes differ")
            elif not np.allclose(committed.coef, head.coef, atol=atol) or not np.allclose(
                committed.intercept, head.intercept, atol=atol
            ):
                gap = float(np.abs(committed.coef - head.coef).max())
                problems.append(f"{family}.{name}: coefficients differ (max |diff| {gap:.2g} > {atol})")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.train_scorers", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ARTIFACTS_DIR, help="artifact folder (default: eval/artifacts)")
    parser.add_argument("--check", action="store_true", help="retrain and compare with the artifacts in --out")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    artifacts = train_all()
    summary = {
        f"{family}.{name}": {k: head.info["cv"][k] for k in ("macro_f1", "macro_f1_std", "majority_baseline_macro_f1")}
        for family, a in artifacts.items()
        for name, head in a.heads.items()
    }
    print(json.dumps(summary, indent=1))
    if args.check:
        problems = differences(artifacts, args.out)
        for p in problems:
            print(f"stale: {p}", file=sys.stderr)
        return 1 if problems else 0
    for path in write(artifacts, args.out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
