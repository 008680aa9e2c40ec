"""`align score`: reward every (prompt, reply) row of a file with a trained reward model."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(commands: argparse._SubParsersAction) -> None:
    score = commands.add_parser(
        "score",
        help="score (prompt, reply) rows with a reward model",
        description="Score every row of a .jsonl/.json/.parquet file: rows with 'prompt' (text or messages) and "
        "'reply' or 'completion' (text or messages), or a 'messages' conversation ending with the reply. "
        "Writes the rows with a 'reward' field as JSONL.",
    )
    score.add_argument("--model", required=True, help="a reward run directory (`align run reward`) or model folder")
    score.add_argument("--input", required=True, help="the rows to score")
    score.add_argument("--output", help="where to write them (default: INPUT's name + .scored.jsonl)")
    score.add_argument("--batch-size", type=int, default=8)
    score.add_argument("--max-length", type=int, help="keep only the last N tokens of longer inputs")
    score.add_argument("--dtype", default="auto", choices=["auto", "bfloat16", "float32", "float16"])
    score.set_defaults(handler=cmd_score)


def default_output(source: str) -> Path:
    path = Path(source)
    return path.with_name(f"{path.stem}.scored.jsonl")


def cmd_score(args: argparse.Namespace) -> int:
    from reward.score import RewardScorer, read_scoring_rows, write_scores

    if args.batch_size < 1:
        raise ValueError(f"--batch-size must be at least 1, found {args.batch_size}")
    items = read_scoring_rows(args.input)  # bad input fails before the model loads
    scorer = RewardScorer.load(args.model, dtype=args.dtype, batch_size=args.batch_size, max_length=args.max_length)
    summary = write_scores(scorer, items, args.output or default_output(args.input))
    print(f"scored {summary['rows']} rows (mean reward {summary['mean_reward']:.3f}): {summary['output']}")
    return 0
