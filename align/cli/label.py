"""`align label`: serve the therapists' ranking app on the preference store."""

from __future__ import annotations

import argparse

from align.cli.users import add_db_argument


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("label", help="serve the ranking app (log in with `align users` accounts)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: this machine only)")
    parser.add_argument("--port", type=int, default=7860)
    parser.add_argument("--annotators-per-item", type=int, default=2, help="how many people rank each item")
    parser.add_argument(
        "--gold-every", type=int, default=10, help="mix in a gold item every N items (0: only after the rest)"
    )
    parser.add_argument("--no-redact", action="store_true", help="show e-mails, phone numbers and names unredacted")
    parser.add_argument("--redact-name", action="append", default=[], help="a name to hide (repeatable)")
    add_db_argument(parser)
    parser.set_defaults(handler=cmd_label)


def cmd_label(args: argparse.Namespace) -> int:
    from annotate.app import launch
    from annotate.labeling import LabelSettings
    from annotate.store import RankingStore

    store = RankingStore(args.db)
    if not store.annotators():
        raise ValueError(
            f"{args.db} has no accounts yet: add one with `align users add NAME --role admin --db {args.db}`"
        )
    settings = LabelSettings(
        annotators_per_item=args.annotators_per_item,
        gold_every=args.gold_every,
        redact=not args.no_redact,
        redact_names=tuple(args.redact_name),
    )
    print(f"ranking app on http://{args.host}:{args.port} ({store.counts()['prompts']} items in {args.db})")
    launch(store, settings, args.host, args.port)
    return 0
