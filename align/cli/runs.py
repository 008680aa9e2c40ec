"""`align runs`: list run directories with their status and headline numbers."""

from __future__ import annotations

import argparse

from align.runs import list_runs


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("runs", help="list runs and their status")
    parser.add_argument("--root", default="runs", help="folder holding run directories (default: runs)")
    parser.set_defaults(handler=cmd_runs)


def _fmt(value) -> str:
    return f"{value:.4f}" if isinstance(value, float) else "-"


def cmd_runs(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    rows = list_runs(args.root)
    if not rows:
        print(f"no runs under {args.root}/ yet: start one with `align run sft --config configs/sft.yaml`")
        return 0
    table = Table(title=f"runs in {args.root}/")
    for column in ("name", "recipe", "status", "started", "val loss before", "val loss after", "path"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            r["name"],
            r["recipe"],
            r["status"],
            r["started"],
            _fmt(r["eval_loss_before"]),
            _fmt(r["eval_loss_after"]),
            r["path"],
        )
    Console(width=200).print(table)
    return 0
