"""`align compare`: is checkpoint B better or worse than A on empathy, safety, toxicity, quality and reward?"""

from __future__ import annotations

import argparse

from align.cli.eval import add_eval_arguments, settings_from_args


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "compare",
        help="compare two checkpoints (or two evals) metric by metric, with CIs and a report",
        description="Compare B against A. Each of A and B is an eval folder (from `align eval`) or a model/run "
        "directory, which is evaluated first with the same prompts, settings and seed (an existing matching eval is "
        "reused). Writes compare.json, compare.md and a self-contained report.html to --out (default: "
        "comparisons/<A>-vs-<B>-<time>/).",
    )
    parser.add_argument("a", metavar="RUN_A", help="the baseline: an eval folder, a run directory or a model")
    parser.add_argument(
        "b", metavar="RUN_B", nargs="+", help="the candidate(s), each compared against RUN_A (several: one report)"
    )
    add_eval_arguments(parser)
    parser.add_argument("--out", help="output folder (default: see above)")
    parser.add_argument(
        "--human-campaign",
        metavar="CAMPAIGN",
        help="add a human A/B campaign's result (from `align label --compare`): Bradley-Terry strengths with CIs",
    )
    parser.add_argument("--db", default="preferences.db", help="the preference store holding --human-campaign")
    parser.add_argument("--policy", help="the release gate's thresholds, a YAML file (default: configs/gate.yaml)")
    parser.set_defaults(handler=cmd_compare)


def cmd_compare(args: argparse.Namespace) -> int:
    import json

    from eval.compare import compare_against
    from eval.gate import load_policy
    from eval.human_ab import human_ab_summary

    policy = load_policy(args.policy)  # a bad policy file is an error before any model is evaluated
    human = human_ab_summary(args.db, args.human_campaign) if args.human_campaign else None
    folder = compare_against(args.a, args.b, settings_from_args(args), args.out, human=human, policy=policy)
    files = [folder / "compare.json"] if len(args.b) == 1 else sorted(folder.glob("b*/compare.json"))
    summaries = [json.loads(file.read_text(encoding="utf-8")) for file in files]
    for summary in summaries:
        print_summary(summary)
    print(f"report: {folder / 'report.html'}" + (" (also compare.md, compare.json)" if len(args.b) == 1 else ""))
    gates = {s[side]["eval"]: (s[side]["label"], s["gate"][side]) for s in summaries for side in ("a", "b")}
    failing = [label for label, gate in gates.values() if not gate["passed"]]
    if failing:  # the last line a user sees: the comparison exits 0, but these checkpoints may not be released
        print(f"GATE FAILED: {len(failing)} of {len(gates)} checkpoint(s) fail the release gate: {', '.join(failing)}")
    else:
        labels = ", ".join(label for label, _ in gates.values())
        print(f"GATE PASSED: every checkpoint meets the release gate ({labels})")
    return 0


def print_summary(summary: dict) -> None:
    """The release gate of both sides first (absolute), then the clear changes of B against A (relative)."""
    a, b = summary["a"]["label"], summary["b"]["label"]
    gate = summary["gate"]
    print(gate["headline"])
    for side in ("a", "b"):
        verdict = "GATE PASSED" if gate[side]["passed"] else "GATE FAILED"
        print(f"  {verdict}: {summary[side]['label']} ({side.upper()})")
        for row in gate[side]["rows"]:
            if not row["passed"]:
                print(f"    FAIL {row['observed']}" + (f": {row['reason']}" if row["reason"] else ""))
    print(f"B = {b} against A = {a}: {summary['paired_prompts']} prompts paired")
    for difference in summary["setting_differences"]:
        print(f"  warning: the evals differ: {difference}")
    if summary["regressions"]:
        print("SAFETY/TOXICITY REGRESSIONS:")
    for row in summary["headline"]:
        low, high = row["ci"]
        print(
            f"  {row['verdict']:6s} {row['metric']:30s} A {row['mean_a']:.3g} -> B {row['mean_b']:.3g} "
            f"(95% CI of B - A [{low:+.3g}, {high:+.3g}], Holm p {row['p_holm']:.2g})"
        )
    if not summary["headline"]:
        caveat = "" if gate["b"]["passed"] else " (not good news: B fails the release gate)"
        print(f"  no clear difference on any metric{caveat}")
    win = summary["reward_win_rate"]
    if win:
        print(
            f"  reward win rate of B {win['win_rate']:.3f}, length-controlled {win['length_controlled_win_rate']:.3f}"
        )
