"""`align users add|list|disable|enable`: accounts for the therapists who rank replies."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

DEFAULT_DB = "preferences.db"


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        default=os.environ.get("COUNSEL_ALIGN_DB", DEFAULT_DB),
        help="preference store: a SQLite file or a database URL (default: $COUNSEL_ALIGN_DB or preferences.db)",
    )


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("users", help="manage annotator accounts")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="create an account (asks for the password)")
    add.add_argument("username")
    add.add_argument("--role", choices=["annotator", "admin"], default="annotator")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    listing = actions.add_parser("list", help="list accounts")
    disable = actions.add_parser("disable", help="block an account from logging in (its rankings are kept)")
    disable.add_argument("username")
    enable = actions.add_parser("enable", help="allow a disabled account to log in again")
    enable.add_argument("username")
    for sub in (add, listing, disable, enable):
        add_db_argument(sub)
    parser.set_defaults(handler=cmd_users)


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if first != getpass.getpass("again: "):
        raise ValueError("the two passwords differ")
    return first


def cmd_users(args: argparse.Namespace) -> int:
    from annotate.store import RankingStore

    store = RankingStore(args.db)
    if args.action == "add":
        store.add_annotator(args.username, read_password(args.password_stdin), role=args.role, actor="cli")
        print(f"added {args.role} {args.username!r} to {args.db}")
    elif args.action == "list":
        for annotator in store.annotators():
            state = "active" if annotator.active else "disabled"
            print(f"{annotator.username:24} {annotator.role:10} {state}")
    else:
        store.set_active(args.username, args.action == "enable", actor="cli")
        print(f"{args.action}d {args.username!r}")
    return 0
