"""`align scorers build`: build the eval's trained reply-safety classifier once, and print or write its card."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
from pathlib import Path

CARD_DIR = Path("eval") / "artifacts"


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "scorers",
        help="build the reply-safety classifier (once per machine) and show its card",
        description="The safety scorer's reply-safety classifier is trained by the project from "
        "eval/labelled/reply_safety.jsonl and cached (COUNSEL_ALIGN_CACHE, default ~/.cache/counsel-align). "
        "`align scorers build` builds it if this machine has not (the first `align eval` would do the same) and "
        "prints its held-out numbers.",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    build = actions.add_parser("build", help="build the classifier if it is missing, then print its card")
    build.add_argument("--force", action="store_true", help="rebuild even if a cached one exists")
    build.add_argument(
        "--write-card",
        action="store_true",
        help=f"also write the card to {CARD_DIR}/REPLY_SAFETY_CARD.md and reply_safety_card.json (for a commit)",
    )
    build.set_defaults(handler=cmd_build)


def cmd_build(args: argparse.Namespace) -> int:
    from align.runs import cpu_name, git_commit, usable_cores
    from eval.reply_safety import build, card_markdown

    folder = build(force=args.force)
    meta = json.loads((folder / "meta.json").read_text())
    machine = f"{platform.processor() or platform.machine()} ({cpu_name()}), {usable_cores()} cores"
    commit = git_commit() or "unknown"
    shown_commit = commit[:10] + ("-dirty" if commit.endswith("-dirty") else "")  # a card from local changes says so
    card = card_markdown(meta, machine, shown_commit, dt.date.today().isoformat())
    print(card)
    print(f"classifier: {folder}")
    if args.write_card:
        CARD_DIR.mkdir(parents=True, exist_ok=True)
        (CARD_DIR / "REPLY_SAFETY_CARD.md").write_text(card, encoding="utf-8")
        record = {"machine": machine, "commit": commit, "date": dt.date.today().isoformat(), **meta}
        (CARD_DIR / "reply_safety_card.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
        print(f"card written to {CARD_DIR}/REPLY_SAFETY_CARD.md")
    return 0
