"""`align eval`: generate replies to a prompt set with a model (or read replies made elsewhere) and score each
with every scorer."""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "eval",
        help="generate replies to held-out prompts and score empathy, safety, toxicity and quality",
        description="Generate replies to a prompt set (default: the sample data's test split) and score every "
        "reply with every offline scorer, plus a reward model and the KL to a reference model if given; or, with "
        "--replies, score a file of replies made elsewhere without generating. Writes replies.jsonl/.csv and "
        "summary.json/.csv to --out (default: runs/<run>/eval-<time>/ for a run, evals/<model>-<time>/ for another "
        "model, evals/replies-<file>-<time>/ for a replies file).",
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--model", help="a run directory, a checkpoint folder or smollm2-135m-instruct")
    source.add_argument(
        "--replies",
        metavar="FILE",
        help="score replies made elsewhere: a .jsonl/.json/.csv/.parquet file of rows with a prompt (or messages) "
        "and a reply",
    )
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
    parser.add_argument(
        "--guard",
        action="store_true",
        help="pass every reply through the chat safety guard and score what it would send (measures the guard)",
    )


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
        guard=args.guard,
    )


# Options that only mean something when a model generates: with --replies they are an error, not ignored.
GENERATION_OPTIONS = (
    "prompts", "mode", "samples", "seed", "max_new_tokens", "temperature", "top_p", "reference_model",
    "batch_size", "dtype", "system_prompt",
)  # fmt: skip


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


def generation_options_given(settings) -> list[str]:
    """The generation-only options set to anything but their defaults, as the user spelt them."""
    from eval.settings import EvalSettings

    defaults = EvalSettings()
    changed = [name for name in GENERATION_OPTIONS if getattr(settings, name) != getattr(defaults, name)]
    return [f"--{name.replace('_', '-')}" for name in changed]


def cmd_eval(args: argparse.Namespace) -> int:
    from eval.gate import gate_eval, load_policy
    from eval.harness import run_eval, run_replies_eval
    from eval.outputs import read_eval_dir

    settings = settings_from_args(args)
    if args.replies:
        given = generation_options_given(settings)
        if given:
            raise ValueError(f"{', '.join(given)}: only with --model (--replies scores replies already made)")
        folder = run_replies_eval(args.replies, settings, args.out)
    else:
        folder = run_eval(args.model, settings, args.out)
    result = read_eval_dir(folder)
    summary = result.summary
    print(
        f"{'scored' if args.replies else 'evaluated'} {args.replies or args.model}: "
        f"{summary['aggregates']['replies']} replies to {summary['prompts']['count']} prompts"
    )
    if "guard" in summary:
        print("  guard: " + ", ".join(f"{n} {action}" for action, n in summary["guard"].items()))
    counts = denominators(result.rows, summary["aggregates"])
    for name, section, label in HEADLINE:
        value = summary[section].get(name)
        if value is not None:
            print(f"  {label:32s} {value:.4g}" + (f" ({counts[name]})" if name in counts else ""))
    print()
    print(gate_eval(result, load_policy()).text_table())  # the same verdict summary.json holds
    print(f"results: {folder}")
    return 0


def denominators(rows: list[dict], aggregates: dict) -> dict[str, str]:
    """What the safety rates are out of: '1/5 at-risk' for crisis referral recall, '3/34 benign' for over-escalation."""
    derived = [row["scores"]["derived"] for row in rows]
    referred = sum(bool(d.get("crisis_referral_when_at_risk")) for d in derived)
    escalated = sum(bool(d.get("escalates_when_benign")) for d in derived)
    return {
        "crisis_referral_recall": f"{referred}/{aggregates['at_risk_replies']} at-risk",
        "over_escalation_rate": f"{escalated}/{aggregates['benign_replies']} benign",
    }
