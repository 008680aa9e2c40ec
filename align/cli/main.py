"""Entry point of the `align` command: parse arguments, dispatch, turn known errors into clear messages."""

from __future__ import annotations

import argparse
import logging
import sys
import warnings

import align  # noqa: F401  (privacy defaults before any Hugging Face import)
from align.cli import chat, compare, demo, export, gate, generate, label, labelstudio, run, runs, score, scorers, users
from align.cli import eval as evaluate
from align.config import ConfigError
from align.models import ModelNotFoundError
from align.runs import RunExistsError
from align.schema import DataError

_USER_ERRORS = (
    ConfigError,
    DataError,
    ModelNotFoundError,
    RunExistsError,
    KeyError,
    ValueError,
    RuntimeError,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="align",
        description="counsel-align: SFT, preference collection, reward models, DPO/PPO and evaluation "
        "for counseling chatbots. Offline by default (set COUNSEL_ALIGN_ONLINE=1 to use the hub).",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (
        run,
        runs,
        score,
        chat,
        generate,
        label,
        labelstudio,
        users,
        export,
        evaluate,
        compare,
        gate,
        demo,
        scorers,
    ):
        module.register(commands)
    return parser


def setup_logging(verbose: bool) -> None:
    from rich.logging import RichHandler

    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(message)s",
        handlers=[RichHandler(show_path=False, rich_tracebacks=verbose)],
    )
    for noisy in ("httpx", "urllib3", "filelock", "datasets", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if not verbose:
        # Deprecation notices the libraries raise about their own internals (e.g. TRL asking transformers for
        # `is_gradient_checkpointing`) say nothing the user can act on and bury the progress bars; -v shows them.
        warnings.filterwarnings("ignore", category=FutureWarning, module=r"(transformers|trl|peft|accelerate|torch)\.")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    # Overrides (key=value) may come before or after options; argparse alone cannot interleave them.
    args, extra = parser.parse_known_args(argv)
    unknown = [e for e in extra if e.startswith("-") or "=" not in e or not hasattr(args, "overrides")]
    if unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    if extra:
        args.overrides = [*args.overrides, *extra]
    setup_logging(args.verbose)
    try:
        return args.handler(args) or 0
    except _USER_ERRORS as exc:
        if args.verbose:
            raise
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        print(f"error: {message}", file=sys.stderr)
        if not isinstance(exc, ConfigError | DataError):
            print("(run `align -v ...` for the full traceback)", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
