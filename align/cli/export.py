"""`align export` (rankings -> training data), `align import-rankings` and `align import-gold` (into the store)."""

from __future__ import annotations

import argparse

from align.cli.users import add_db_argument


def register(commands: argparse._SubParsersAction) -> None:
    export = commands.add_parser("export", help="turn rankings into preference, KTO and SFT training data")
    export.add_argument("--out", required=True, help="folder for the JSONL files and the datasets folder")
    export.add_argument("--mode", choices=["all_pairs", "best_vs_rest"], default="all_pairs")
    export.add_argument("--test-fraction", type=float, default=0.1, help="share of prompts held out (by prompt)")
    add_db_argument(export)
    export.set_defaults(handler=cmd_export)

    imp = commands.add_parser(
        "import-rankings", help="load rankings written as prompt/replies/ranking-tier JSONL into the store"
    )
    imp.add_argument("file", help="e.g. align/sample_data/preferences/train.jsonl")
    imp.add_argument("--annotator", default="sample-author", help="account the rankings are recorded under")
    add_db_argument(imp)
    imp.set_defaults(handler=cmd_import)

    gold = commands.add_parser(
        "import-gold", help="add gold items (a known best reply) that every annotator ranks, to measure accuracy"
    )
    gold.add_argument("file", help="same layout as import-rankings; the first ranking tier is the one best reply")
    add_db_argument(gold)
    gold.set_defaults(handler=cmd_import_gold)


def cmd_export(args: argparse.Namespace) -> int:
    from annotate.export import export_preferences
    from annotate.store import RankingStore

    if not 0 <= args.test_fraction < 1:
        raise ValueError(f"--test-fraction must be in [0, 1), found {args.test_fraction}")
    counts = export_preferences(RankingStore(args.db), args.out, args.mode, args.test_fraction)
    for name, n in counts.items():
        print(f"{args.out}/{name}.jsonl: {n} rows")
    print(f"{args.out}/preferences_dataset: Hugging Face datasets folder (datasets.load_from_disk)")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from annotate.export import import_written_rankings
    from annotate.store import RankingStore

    counts = import_written_rankings(RankingStore(args.db), args.file, args.annotator)
    print(f"imported {counts['imported']} rankings ({counts['already_present']} were already in {args.db})")
    return 0


def cmd_import_gold(args: argparse.Namespace) -> int:
    from annotate.export import import_gold_items
    from annotate.store import RankingStore

    n = import_gold_items(RankingStore(args.db), args.file)
    print(f"{n} gold items in {args.db}: every annotator gets them, mixed in with the other items")
    return 0
