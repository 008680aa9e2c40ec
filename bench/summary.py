"""One table of every benchmark's latest numbers, each beside its peer or target.

Reads what the benchmark scripts wrote to ``bench/results/*.json`` (run them with ``make bench``)
and writes ``bench/results/SUMMARY.md``, the table the README shows:

    python bench/summary.py

A benchmark that has not been run yet gets a row saying so, not a number.
"""

from __future__ import annotations

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def load(name: str) -> dict | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.is_file() else None


def machine_note(result: dict) -> str:
    machine = result.get("machine")
    if not isinstance(machine, dict):
        return str(machine or "")
    cores = machine.get("cores") or machine.get("cpus")
    when = " ".join(filter(None, [(result.get("commit") or "")[:7], (result.get("date") or "")[:10]]))
    parts = (machine.get("cpu") or machine.get("processor"), f"{cores} cores", machine.get("note"), when)
    return ", ".join(str(part) for part in parts if part)


def trainer_row(name: str, title: str, target: float) -> list[str]:
    result = load(name)
    if result is None:
        return [title, "not run yet", "", "", f">= {target}x", ""]
    ours, plain = result["results"]["ours"], result["results"]["plain"]
    ratio = result["throughput_ratio"]
    return [
        title,
        f"{ours['tokens_per_s']:.0f} tokens/s, {ours['peak_memory_mb'] / 1024:.1f} GB peak",
        f"{plain['tokens_per_s']:.0f} tokens/s, {plain['peak_memory_mb'] / 1024:.1f} GB peak (plain TRL)",
        f"**{ratio:.2f}x**",
        f">= {target}x ({'met' if ratio >= target else 'not met'})",
        machine_note(result) or "not recorded",
    ]


def scoring_row() -> list[str]:
    result = load("scoring_throughput")
    title = "eval: all offline scorers, 1,000 replies"
    if result is None:
        return [title, "not run yet", "", "", ">= 50 replies/s", ""]
    rate, target = result["replies_per_s"], result["target_replies_per_s"]
    load_avg = result["machine"].get("load_average_before", [None])[0]
    return [
        title,
        f"{rate:.1f} replies/s",
        "",
        "",
        f">= {target:.0f} replies/s ({'met' if rate >= target else 'not met'})",
        f"{result['machine']['cpus']} cores, load average {load_avg} at the start",
    ]


def latency_row() -> list[str]:
    result = load("label_latency")
    title = "ranking app: submit + next item"
    if result is None:
        return [title, "not run yet", "", "", "p95 <= 150 ms", ""]
    paced, target = result["paced"], result["target_p95_ms"]
    return [
        title,
        f"p50 {paced['p50_ms']:.0f} ms, p95 {paced['p95_ms']:.0f} ms ({result['annotators']} annotators)",
        f"saturated: p95 {result['saturated']['p95_ms']:.0f} ms, {result['saturated']['rankings_per_s']} rankings/s",
        "",
        f"p95 <= {target} ms ({'met' if paced['p95_ms'] <= target else 'not met'})",
        f"{machine_note(result)}, {result['store']} store",
    ]


def summary_table() -> str:
    header = ["benchmark", "ours", "peer", "ratio", "target", "measured on"]
    rows = [
        trainer_row("sft_throughput", "SFT: `align run sft` vs TRL `SFTTrainer`", 1.3),
        trainer_row("dpo_throughput", "DPO: `align run dpo` vs TRL `DPOTrainer`", 1.5),
        scoring_row(),
        latency_row(),
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def main() -> None:
    table = summary_table()
    (RESULTS / "SUMMARY.md").write_text(
        "# Latest benchmark numbers\n\nWritten by `python bench/summary.py`.\n\n" + table
    )
    print(table)


if __name__ == "__main__":
    main()
