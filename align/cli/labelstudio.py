"""`align labelstudio push|pull`: rank the store's items in Label Studio and bring the rankings back."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from align.cli.users import add_db_argument

if TYPE_CHECKING:
    from annotate.labelstudio import Connection
    from annotate.store import RankingStore


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("labelstudio", help="rank the store's items in Label Studio (push, then pull)")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    push = actions.add_parser(
        "push",
        help="make a ranking project and add the store's items as tasks (again: only new items)",
        description="Creates the project (or reuses the one with --project-title / --project-id) and adds every "
        "item of the store with two or more candidates that is not there yet: the conversation with the client's "
        "messages redacted, the replies blinded and shuffled.",
    )
    push.add_argument("--annotators-per-item", type=int, default=2, help="Label Studio's overlap for a new project")
    push.add_argument("--no-redact", action="store_true", help="send e-mails, phone numbers and names unredacted")
    push.add_argument("--redact-name", action="append", default=[], help="a name to hide (repeatable)")
    pull = actions.add_parser(
        "pull",
        help="bring submitted rankings into the store (again: adds nothing)",
        description="Records every submitted annotation as a ranking by the account ls:<annotator's email>; "
        "skipped (cancelled), unfinished and draft annotations are reported, not imported.",
    )
    for sub in (push, pull):
        sub.add_argument(
            "--url",
            default=os.environ.get("LABEL_STUDIO_URL", "http://localhost:8080"),
            help="Label Studio server (default: $LABEL_STUDIO_URL or http://localhost:8080)",
        )
        sub.add_argument(
            "--api-key",
            default=os.environ.get("LABEL_STUDIO_API_KEY"),
            help="API key / access token of a Label Studio account (default: $LABEL_STUDIO_API_KEY; "
            "prefer the variable: a key on the command line is visible to other users of the machine)",
        )
        sub.add_argument("--project-title", default="counsel-align rankings", help="project to use or create")
        sub.add_argument("--project-id", type=int, help="use this existing project instead of looking up the title")
        add_db_argument(sub)
    parser.set_defaults(handler=cmd_labelstudio)


def cmd_labelstudio(args: argparse.Namespace) -> int:
    from annotate.labelstudio import connect
    from annotate.store import RankingStore

    store = RankingStore(args.db)
    conn = connect(args.url, args.api_key)
    if args.action == "push":
        return cmd_push(conn, store, args)
    return cmd_pull(conn, store, args)


def cmd_push(conn: Connection, store: RankingStore, args: argparse.Namespace) -> int:
    from annotate.labeling import LabelSettings
    from annotate.labelstudio import push

    settings = LabelSettings(
        annotators_per_item=args.annotators_per_item, redact=not args.no_redact, redact_names=tuple(args.redact_name)
    )
    report = push(conn, store, args.project_id, args.project_title, settings)
    made = "made project" if report.created else "project"
    print(f"{made} {report.project_id}: added {report.added} items ({report.already_there} were already there)")
    print(f"rank them at {report.project_url}; then: align labelstudio pull --project-id {report.project_id}")
    return 0


def cmd_pull(conn: Connection, store: RankingStore, args: argparse.Namespace) -> int:
    from annotate.labelstudio import pull, store_name

    report = pull(conn, store, args.project_id, args.project_title)
    print(f"imported {report.imported} rankings into {store_name(store)} ({report.already_pulled} were pulled before)")
    for title, lines in (
        ("already ranked in the store by the same annotator, not imported", report.duplicates),
        ("skipped (cancelled) in Label Studio, not imported", report.cancelled),
        ("incomplete, not imported", report.incomplete),
    ):
        if lines:
            print(f"{len(lines)} {title}:")
            for line in lines:
                print(f"  {line}")
    if report.drafts or report.not_annotated:
        print(f"still open: {report.not_annotated} tasks without a submitted annotation, {report.drafts} drafts")
    return 0
