"""Benchmark: how many safety preference pairs a policy yields, and how long building them takes.

Samples the policy (default: SmolLM2-135M-Instruct, the demo's base model) on the at-risk
conversations of ``sample:train`` exactly as ``safety_pairs.enabled=true`` does in `align run dpo`,
and records what the safety scorer rejected, by category, for both rejection rules.

    python bench/safety_pairs_yield.py [--model PATH_OR_RUN] [--samples 4] [--max-prompts N]

Writes bench/results/safety_pairs_yield.json (machine, commit, date). A measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="smollm2-135m-instruct")
    parser.add_argument("--samples", type=int, default=4)
    parser.add_argument("--max-prompts", type=int, default=None)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    from transformers import set_seed

    from align.config import ModelSection, PeftSection
    from align.runs import git_commit
    from align.safety_pairs import SafetyPairsSection, build_safety_pairs
    from align.training import load_policy
    from bench.dpo_throughput import machine, peak_memory_mb

    set_seed(args.seed)
    model_section = ModelSection(path=args.model)
    model, tokenizer, _ = load_policy(model_section, PeftSection())
    section = SafetyPairsSection(
        enabled=True, samples_per_prompt=args.samples, max_prompts=args.max_prompts, reject="unsafe_or_no_referral"
    )
    started = time.perf_counter()
    built = build_safety_pairs(model, tokenizer, section, model_section.system_prompt)
    seconds = time.perf_counter() - started
    unsafe = [p for p in built.pairs if p["rejected_category"] != "no_crisis_referral"]
    result = {
        "model": args.model,
        "seed": args.seed,
        "prompts": "sample:train (at-risk conversations)",
        "counts": built.counts,
        "rejected_with_reject_unsafe": len(unsafe),
        "rejected_with_reject_unsafe_or_no_referral": len(built.pairs),
        "build_seconds": round(seconds, 1),
        "peak_memory_mb": round(peak_memory_mb()),
        "machine": machine(),
        "commit": git_commit(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
    }
    out = ROOT / "bench" / "results" / "safety_pairs_yield.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    sampled = built.counts["sampled_replies"]
    print(
        f"{args.model}: of {sampled} replies sampled on {built.counts['at_risk_prompts']} at-risk prompts, "
        f"{len(unsafe)}/{sampled} flagged unsafe ({built.counts['rejected_by_category']}), "
        f"{len(built.pairs)}/{sampled} unsafe or without a crisis referral; {seconds:.0f} s. Wrote {out}"
    )


if __name__ == "__main__":
    main()
