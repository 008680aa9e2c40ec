"""`align label`: serve the therapists' ranking app on the preference store.

With ``--compare RUN_A RUN_B`` it first queues a blinded human A/B comparison of two models (one
reply each per prompt, ``annotate.ab_comparison``); ``--ab-summary CAMPAIGN`` prints the result of
one as JSON (``eval.human_ab``).
"""

from __future__ import annotations

import argparse
import json
import shlex
from typing import TYPE_CHECKING

from align.cli.users import add_db_argument
from align.config import DEFAULT_SYSTEM_PROMPT

if TYPE_CHECKING:
    from annotate.store import RankingStore


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("label", help="serve the ranking app (log in with `align users` accounts)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: this machine only)")
    parser.add_argument("--port", type=int, default=7860)
    parser.add_argument("--annotators-per-item", type=int, default=2, help="how many people rank each item")
    parser.add_argument(
        "--gold-every", type=int, default=10, help="mix in a gold item every N items (0: only after the rest)"
    )
    parser.add_argument(
        "--expire-minutes",
        type=float,
        default=60,
        help="an item not ranked or skipped this long after it was given goes to someone else (default: 60)",
    )
    parser.add_argument("--no-redact", action="store_true", help="show e-mails, phone numbers and names unredacted")
    parser.add_argument("--redact-name", action="append", default=[], help="a name to hide (repeatable)")
    add_db_argument(parser)

    ab = parser.add_argument_group("human A/B comparison of two models")
    ab.add_argument(
        "--compare",
        nargs=2,
        metavar=("RUN_A", "RUN_B"),
        help="queue one reply per prompt from each model as blinded pairs, then serve the app",
    )
    ab.add_argument("--prompts", default="sample:test", help="conversation source (default: sample:test)")
    ab.add_argument("--campaign", help="campaign name (default: ab:<RUN_A>-vs-<RUN_B>)")
    ab.add_argument("--queue-only", action="store_true", help="queue the pairs and exit without serving")
    ab.add_argument("--seed", type=int, default=0, help="sampling seed, the same for both models (default: 0)")
    ab.add_argument("--max-new-tokens", type=int, default=160)
    ab.add_argument("--temperature", type=float, default=0.8)
    ab.add_argument("--top-p", type=float, default=0.95)
    ab.add_argument("--batch-size", type=int, default=8)
    ab.add_argument("--system-prompt", default=DEFAULT_SYSTEM_PROMPT)
    ab.add_argument("--ab-summary", metavar="CAMPAIGN", help="print a campaign's result as JSON and exit")
    parser.set_defaults(handler=cmd_label)


def cmd_label(args: argparse.Namespace) -> int:
    from annotate.store import RankingStore

    if args.compare and args.ab_summary:
        raise ValueError("--compare queues a campaign and --ab-summary reports one: use one at a time")
    if args.ab_summary:
        from eval.human_ab import human_ab_summary

        print(json.dumps(human_ab_summary(args.db, args.ab_summary), indent=2))
        return 0
    store = RankingStore(args.db)
    serving = not (args.compare and args.queue_only)
    if serving and not store.annotators():
        raise ValueError(
            f"{args.db} has no accounts yet: add one with `align users add NAME --role admin --db {args.db}`"
        )
    if args.compare:
        queue_comparison(store, args)
    if serving:
        serve(store, args)
    return 0


def queue_comparison(store: RankingStore, args: argparse.Namespace) -> None:
    """Queue the blinded A/B pairs of ``--compare RUN_A RUN_B`` and say how many."""
    from align.generation import SamplingSettings
    from annotate.ab_comparison import queue_ab_campaign
    from annotate.generate import prompts_from_source

    model_a, model_b = args.compare
    settings = SamplingSettings(args.max_new_tokens, True, args.temperature, args.top_p)
    counts = queue_ab_campaign(
        store,
        model_a,
        model_b,
        prompts_from_source(args.prompts),
        settings,
        seed=args.seed,
        system_prompt=args.system_prompt,
        batch_size=args.batch_size,
        campaign=args.campaign,
    )
    print(
        f"campaign {counts['campaign']!r}: {counts['queued']} new pairs, {counts['already_queued']} already queued, "
        f"{counts['left_out_empty']} left out (an empty reply), of {counts['prompts']} prompts"
    )
    print(f"results: align label --ab-summary {shlex.quote(counts['campaign'])} --db {shlex.quote(args.db)}")


def serve(store: RankingStore, args: argparse.Namespace) -> None:
    """Serve the ranking app until interrupted."""
    from annotate.app import launch
    from annotate.labeling import LabelSettings

    settings = LabelSettings(
        annotators_per_item=args.annotators_per_item,
        gold_every=args.gold_every,
        expire_minutes=args.expire_minutes,
        redact=not args.no_redact,
        redact_names=tuple(args.redact_name),
    )
    print(f"ranking app on http://{args.host}:{args.port} ({store.counts()['prompts']} items in {args.db})")
    launch(store, settings, args.host, args.port)
