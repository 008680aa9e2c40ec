"""`align generate`: candidate replies per client message, into the preference store."""

from __future__ import annotations

import argparse

from align.cli.users import add_db_argument
from align.config import DEFAULT_SYSTEM_PROMPT


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "generate",
        help="sample candidate replies into the preference store",
        description="Sample N candidate replies per client message from one or more checkpoints and store them "
        "with their provenance. Re-running adds nothing that is already stored.",
    )
    parser.add_argument("--model", action="append", required=True, help="run directory or model; repeat to mix")
    parser.add_argument(
        "--prompts",
        default="sample:validation",
        help="conversation source (default: sample:validation); eval sets (sample:test, sample:safety) are refused",
    )
    parser.add_argument("--n", type=int, default=4, help="candidates per prompt and model (default: 4)")
    parser.add_argument("--max-new-tokens", type=int, default=160)
    parser.add_argument("--temperature", type=float, default=0.8)
    parser.add_argument("--top-p", type=float, default=0.95)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--system-prompt", default=DEFAULT_SYSTEM_PROMPT)
    add_db_argument(parser)
    parser.set_defaults(handler=cmd_generate)


def cmd_generate(args: argparse.Namespace) -> int:
    from align.generation import SamplingSettings
    from annotate.generate import generate_candidates, ranking_prompts
    from annotate.store import RankingStore

    if args.n < 1:
        raise ValueError("--n must be at least 1")
    store = RankingStore(args.db)
    prompts = ranking_prompts(args.prompts)
    settings = SamplingSettings(args.max_new_tokens, True, args.temperature, args.top_p)
    for model in args.model:
        counts = generate_candidates(
            store, model, prompts, args.n, settings, args.seed, args.system_prompt, args.batch_size
        )
        print(f"{model}: {counts['generated']} new candidates for {counts['prompts']} prompts")
    totals = store.counts()
    print(f"store {args.db}: {totals['prompts']} prompts, {totals['candidates']} candidates")
    return 0
