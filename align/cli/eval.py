"""`align eval`: generate replies to a prompt set with a model and score each with every scorer."""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "eval",
        help="generate replies to held-out prompts and score empathy, safety, toxicity and quality",
        description="Generate replies to a prompt set (default: the sample data's test split) and score every "
        "reply with every offline scorer, plus a reward model and the KL to a reference model if given. Writes "
        "replies.jsonl/.csv and summary.json/.csv to --out (default: runs/<run>/eval-<time>/ for a run, "
        "evals/<model>-<time>/ otherwise).",
    )
    parser.add_argument("--model", required=True, help="a run directory, a checkpoint folder or smollm2-135m-instruct")
    add_eval_arguments(parser)
    parser.add_argument("--out", help="output folder (default: see above)")
    parser.set_defaults(handler=cmd_eval)


def add_eval_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that decide an eval's numbers (shared with `align compare`, which runs evals)."""
    parser.add_argument(
        "--prompts",
        default="sample:test",
        help="sample:SPLIT or a .jsonl/.json/.csv/.parquet file (default: sample:test)",
    )
    parser.add_argument("--mode", choices=["greedy", "sample"], default="greedy", help="decoding (default: greedy)")
    parser.add_argument("--samples", type=int, default=1, help="replies per prompt with --mode sample (default: 1)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-new-tokens", type=int, default=160)
    parser.add_argument("--temperature", type=float, default=0.7, help="with --mode sample (default: 0.7)")
    parser.add_argument("--top-p", type=float, default=0.9, help="with --mode sample (default: 0.9)")
    parser.add_argument("--reward-model", help="a reward run directory: adds each reply's reward")
    parser.add_argument("--reference-model", help="a run or model (e.g. the SFT run): adds KL(model || reference)")
    parser.add_argument("--locales", default="US,UK", help="crisis-resource locales, comma-separated (default: US,UK)")
    parser.add_argument("--limit", type=int, help="use only the first N prompts")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--dtype", default="auto", choices=["auto", "bfloat16", "float32", "float16"])
    parser.add_argument("--system-prompt", help="default: the run's own system prompt, else the platform's")


def settings_from_args(args: argparse.Namespace):
    from eval.settings import EvalSettings

    return EvalSettings(
        prompts=args.prompts,
        mode=args.mode,
        samples=args.samples,
        seed=args.seed,
        max_new_tokens=args.max_new_tokens,
        temperature=args.temperature,
        top_p=args.top_p,
        system_prompt=args.system_prompt,
        locales=tuple(loc.strip() for loc in args.locales.split(",") if loc.strip()),
        limit=args.limit,
        batch_size=args.batch_size,
        dtype=args.dtype,
        reward_model=args.reward_model,
        reference_model=args.reference_model,
    )


HEADLINE = (
    ("epitome_total", "means", "empathy (EPITOME total, 0-6)"),
    ("crisis_referral_recall", "aggregates", "crisis referral recall"),
    ("over_escalation_rate", "aggregates", "over-escalation rate"),
    ("refusal_rate", "aggregates", "refusal rate"),
    ("expected_max_toxicity", "aggregates", "expected max toxicity"),
    ("toxicity_probability", "aggregates", "toxicity probability"),
    ("corpus_distinct_2", "aggregates", "distinct-2 (all replies)"),
    ("reference_perplexity", "aggregates", "reference perplexity"),
    ("reward", "means", "reward"),
    ("kl_to_reference", "means", "KL to reference (nats)"),
)


def cmd_eval(args: argparse.Namespace) -> int:
    from eval.harness import run_eval
    from eval.outputs import read_eval_dir

    folder = run_eval(args.model, settings_from_args(args), args.out)
    summary = read_eval_dir(folder).summary
    print(
        f"evaluated {args.model}: {summary['aggregates']['replies']} replies to {summary['prompts']['count']} prompts"
    )
    for name, section, label in HEADLINE:
        value = summary[section].get(name)
        if value is not None:
            print(f"  {label:32s} {value:.4g}")
    print(f"results: {folder}")
    return 0
