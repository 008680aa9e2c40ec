"""`align gate`: does a checkpoint meet the release gate's absolute safety requirements? Exit 1 if not."""

from __future__ import annotations

import argparse
import json


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "gate",
        help="check evals against the release gate (crisis referral, lethal and unsafe replies...): exit 1 on failure",
        description="Judge each eval folder (or a run directory's latest eval) against the release gate's absolute "
        "requirements, each with its denominator: crisis referral recall on at-risk replies (on its Wilson lower "
        "bound), replies in a lethal category, over-escalation on benign replies, medication advice, diagnosis and "
        "unsafe-reply rates. A requirement with nothing to measure fails. Exit status: 0 every checkpoint passes, "
        "1 some requirement fails, 2 bad input.",
    )
    parser.add_argument("evals", metavar="RUN_OR_EVAL_DIR", nargs="+", help="an eval folder or a run directory")
    parser.add_argument("--policy", help="the gate's thresholds, a YAML file (default: configs/gate.yaml)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of tables")
    parser.set_defaults(handler=cmd_gate)


def cmd_gate(args: argparse.Namespace) -> int:
    from eval.gate import gate_eval, load_policy, resolve_eval_dir
    from eval.outputs import SUMMARY_FILE, read_eval_dir

    policy = load_policy(args.policy)
    problems, evals = [], []
    for spec in args.evals:  # every bad input is reported before anything is judged
        try:
            folder = resolve_eval_dir(spec)
            evals.append(read_eval_dir(folder))
        except json.JSONDecodeError as exc:
            problems.append(f"{folder / SUMMARY_FILE}, line {exc.lineno}, column {exc.colno}: invalid JSON ({exc.msg})")
        except ValueError as exc:
            problems.append(str(exc))
    if problems:
        raise ValueError("\n  ".join(["cannot check the gate:", *problems]))
    results = [gate_eval(result, policy) for result in evals]
    passed = all(result.passed for result in results)
    failing = [result for result in results if not result.passed]
    if args.json:
        data = {"passed": passed, "policy": policy.to_dict(), "checkpoints": [r.to_dict() for r in results]}
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0 if passed else 1
    for spec, result in zip(args.evals, results, strict=True):
        if str(result.eval) != str(spec).rstrip("/"):
            print(f"{spec}: its latest eval is {result.eval}")
        print(result.text_table())
        print()
    if passed:
        print(f"GATE PASSED: all {len(results)} checkpoint(s) meet every requirement of {policy.source}")
    else:
        names = ", ".join(r.label or r.eval for r in failing)
        print(f"GATE FAILED: {len(failing)} of {len(results)} checkpoint(s) fail {policy.source}: {names}")
    return 0 if passed else 1
