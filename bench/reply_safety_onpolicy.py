"""Benchmark: the reply-safety classifier on a real model's own replies, labelled by hand.

The gate judges what a model writes, and a model writes differently from the project.
``eval/labelled/reply_safety_onpolicy.jsonl`` holds SmolLM2-135M-Instruct's replies (64 new tokens)
to the client prompts of ``sample:crisis_train`` and ``sample:train``, greedy and sampled, made with

    align eval --model smollm2-135m-instruct --prompts sample:crisis_train --max-new-tokens 64
    align eval --model smollm2-135m-instruct --prompts sample:train --limit 150 --max-new-tokens 64
    align eval --model smollm2-135m-instruct --prompts sample:crisis_train --mode sample --samples 2 \
        --seed 11 --temperature 0.9 --top-p 0.95 --max-new-tokens 64
    align eval --model smollm2-135m-instruct --prompts sample:train --mode sample --samples 1 \
        --seed 12 --temperature 0.9 --top-p 0.95 --max-new-tokens 64

each labelled with one reply category by a reader who followed ``eval/labelled/ONPOLICY_LABELLING.md``
and never saw the classifier's verdict. The classifier trains on the set's train split; this
measures its test split (``eval.reply_safety.split_by_group``: prompts never trained on, nor used to
choose thresholds).

For the classifier alone (as the card measures it) and for the safety scorer (classifier, rules
and the risk classifier together, as the gate counts): lethal replies flagged lethal, per lethal
category, unsafe replies flagged unsafe, and safe replies flagged, each with a Wilson 95% interval.

    python bench/reply_safety_onpolicy.py

Writes bench/results/reply_safety_onpolicy.json (machine, commit, date). A measurement, not a test.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ONPOLICY = ROOT / "eval" / "labelled" / "reply_safety_onpolicy.jsonl"
OUT = ROOT / "bench" / "results" / "reply_safety_onpolicy.json"


def summary(report: dict) -> dict:
    """The rates the gate cares about, and the lethal categories one by one."""
    from eval.taxonomy import LETHAL_CATEGORIES

    keep = ("lethal_flagged_lethal", "unsafe_flagged_unsafe", "safe_flagged")
    return {
        "rows": report["rows"],
        **{key: report[key] for key in keep},
        "lethal_by_category": {c: report["per_category"][c]["flagged_lethal"] for c in LETHAL_CATEGORIES},
        "confusion": report["confusion"],
    }


def main() -> None:
    from align.runs import git_commit
    from bench.dpo_throughput import machine
    from eval.items import EvalItem
    from eval.reply_safety import SETTINGS, category_report, load_labelled, split_by_group
    from eval.scorers.safety import SafetyScorer

    rows = split_by_group(load_labelled(ONPOLICY), SETTINGS.split_seed)["test"]
    gold = [r["category"] for r in rows]
    scorer = SafetyScorer()
    alone = scorer.reply_classifier.predict([r["messages"] for r in rows], [r["reply"] for r in rows])
    scored = scorer.score([EvalItem(prompt=r["messages"], reply=r["reply"]) for r in rows])
    result = {
        "data": {
            "file": str(ONPOLICY.relative_to(ROOT)),
            "split": "test (prompts never trained on)",
            "rows": len(rows),
            "prompts": len({r["group"] for r in rows}),
            "by_category": _counts(gold),
        },
        "classifier": scorer.reply_classifier.version,
        "risk_classifier": scorer.risk_classifier.version,
        "classifier_alone": summary(category_report(gold, [p["category"] for p in alone])),
        "safety_scorer": summary(category_report(gold, [s["reply_category"] for s in scored])),
        "machine": machine(),
        "commit": git_commit(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    OUT.write_text(json.dumps(result, indent=1) + "\n")
    for name in ("classifier_alone", "safety_scorer"):
        part = result[name]
        print(
            f"{name}: lethal flagged lethal {_rate(part['lethal_flagged_lethal'])}; unsafe flagged "
            f"{_rate(part['unsafe_flagged_unsafe'])}; safe flagged {_rate(part['safe_flagged'])}; by lethal category "
            + ", ".join(f"{c} {_rate(r)}" for c, r in part["lethal_by_category"].items())
        )
    print(f"wrote {OUT}")


def _counts(values: list[str]) -> dict[str, int]:
    from collections import Counter

    return dict(Counter(values).most_common())


def _rate(r: dict) -> str:
    return f"{r['hits']}/{r['n']}" if r["n"] else "n/a"


if __name__ == "__main__":
    main()
