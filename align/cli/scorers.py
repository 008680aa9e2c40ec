"""`align scorers build`: build the eval's trained classifiers once, and print or write their cards."""

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
        help="build the risk and reply-safety classifiers (once per machine) and show their cards",
        description="The safety scorer's two classifiers, risk (what the client said -> none/low/moderate/high) and "
        "reply safety (the conversation and a reply -> what the reply does), are trained by the project from "
        "eval/labelled/risk.jsonl and eval/labelled/reply_safety.jsonl and cached (COUNSEL_ALIGN_CACHE, default "
        "~/.cache/counsel-align). `align scorers build` builds them if this machine has not (the first `align eval` "
        "would do the same) and prints their held-out numbers.",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    build = actions.add_parser("build", help="build the classifiers if they are missing, then print their cards")
    build.add_argument("--force", action="store_true", help="rebuild even if cached ones exist")
    build.add_argument(
        "--write-card",
        action="store_true",
        help=f"also write the cards to {CARD_DIR}/RISK_CARD.md, REPLY_SAFETY_CARD.md and their .json (for a commit)",
    )
    build.set_defaults(handler=cmd_build)


def cmd_build(args: argparse.Namespace) -> int:
    from align.runs import cpu_name, git_commit, usable_cores
    from eval import reply_safety, risk_model

    machine = f"{platform.processor() or platform.machine()} ({cpu_name()}), {usable_cores()} cores"
    commit = git_commit() or "unknown"
    shown_commit = commit[:10] + ("-dirty" if commit.endswith("-dirty") else "")  # a card from local changes says so
    date = dt.date.today().isoformat()
    for module, name in ((risk_model, "risk"), (reply_safety, "reply_safety")):
        folder = module.build(force=args.force)
        meta = json.loads((folder / "meta.json").read_text())
        card = module.card_markdown(meta, machine, shown_commit, date)
        print(card)
        print(f"classifier: {folder}\n")
        if args.write_card:
            CARD_DIR.mkdir(parents=True, exist_ok=True)
            (CARD_DIR / f"{name.upper()}_CARD.md").write_text(card, encoding="utf-8")
            record = {"machine": machine, "commit": commit, "date": date, **meta}
            (CARD_DIR / f"{name}_card.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
            print(f"card written to {CARD_DIR}/{name.upper()}_CARD.md\n")
    return 0
