"""`align run RECIPE` and `align validate`: one config grammar for every stage."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from align.config import ResolvedConfig, load_config, load_yaml, to_plain_dict
from align.recipes import RECIPE_MODULES, recipe_module
from align.runs import RunDirectory, default_run_name, finish_run, open_run

log = logging.getLogger(__name__)


def register(commands: argparse._SubParsersAction) -> None:
    run = commands.add_parser(
        "run",
        help="run a training stage",
        description="Run a stage: align run sft --config configs/sft.yaml [dotted.key=value ...]",
    )
    run.add_argument("recipe", choices=sorted(RECIPE_MODULES), help="which stage to run")
    run.add_argument("--config", help="YAML config (defaults apply for anything it leaves out)")
    run.add_argument("--resume", metavar="RUN_DIR", help="continue an interrupted run from its last checkpoint")
    run.add_argument("overrides", nargs="*", metavar="KEY=VALUE", help="e.g. train.learning_rate=1e-4")
    run.set_defaults(handler=cmd_run)

    validate = commands.add_parser(
        "validate",
        help="check a config and its data files without loading a model",
        description="Check a config (keys, types, values) and its data files. Loads no model.",
    )
    validate.add_argument("--config", required=True, help="YAML config to check")
    validate.add_argument("overrides", nargs="*", metavar="KEY=VALUE")
    validate.set_defaults(handler=cmd_validate)


def resolve(recipe_name: str, config_path: str | None, overrides: list[str]) -> ResolvedConfig:
    return load_config(recipe_module(recipe_name).RECIPE, config_path, overrides)


def cmd_validate(args: argparse.Namespace) -> int:
    recipe_name = load_yaml(args.config).get("recipe")
    if recipe_name is None:
        raise ValueError(f"{args.config}: missing top-level 'recipe:' key (one of {sorted(RECIPE_MODULES)})")
    if recipe_name == "gate":  # not a training stage: the release gate's policy (`align gate --policy`)
        from eval.gate import load_policy

        if args.overrides:
            raise ValueError(f"{args.config}: a gate policy takes no KEY=VALUE overrides; edit the file")
        load_policy(args.config)
        print(f"ok: {args.config} is a valid release-gate policy")
        return 0
    config = resolve(recipe_name, args.config, args.overrides)
    module = recipe_module(recipe_name)
    counts = module.check_data(config)
    safety_prompts = counts.pop("safety_pair_prompts", None)
    described = ", ".join(f"{n} {split}" for split, n in counts.items())
    unit = getattr(module, "DATA_UNIT", "conversations")
    extra = f"; {safety_prompts} at-risk prompts for safety pairs" if safety_prompts is not None else ""
    print(f"ok: {args.config} is a valid {recipe_name!r} config; data: {described} {unit}{extra}")
    return 0


def run_recipe(
    recipe_name: str, config_path: str | None, overrides: list[str], resume: str | None = None
) -> tuple[RunDirectory, dict[str, Any]]:
    """Validate config and data, open (or reopen) the run directory, run the stage, record the outcome."""
    module = recipe_module(recipe_name)
    if resume:
        resume_dir = Path(resume)
        if not (resume_dir / "config.yaml").is_file():
            raise ValueError(f"--resume {resume}: not a run directory (no config.yaml)")
        config_path = str(resume_dir / "config.yaml")
        overrides = [*overrides, f"run.output_root={resume_dir.parent}", f"run.name={resume_dir.name}"]
    config = resolve(recipe_name, config_path, overrides)
    module.check_data(config)  # bad data fails here, before a run directory exists

    plain = to_plain_dict(config)
    plain["run"]["name"] = config.run.name or default_run_name(recipe_name)
    run, resume_from = open_run(config.run.output_root, plain["run"]["name"], recipe_name, plain)
    if resume_from:
        log.info("resuming %s from %s", run.path, resume_from)
    handler = run.attach_log_file()
    try:
        metrics = module.run(config, run, resume_from)
    except KeyboardInterrupt:
        finish_run(run, "interrupted")
        raise
    except BaseException as exc:
        finish_run(run, "failed", error=f"{type(exc).__name__}: {exc}")
        raise
    else:
        finish_run(run, "completed")
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    return run, metrics


def cmd_run(args: argparse.Namespace) -> int:
    run, metrics = run_recipe(args.recipe, args.config, args.overrides, args.resume)
    before, after = metrics.get("eval_loss_before"), metrics.get("eval_loss_after")
    if before is not None and after is not None:
        print(f"validation loss: {before:.4f} -> {after:.4f}")
    print(f"run complete: {run.path}")
    for kind, path in metrics.get("saved", {}).items():
        print(f"  {kind}: {path}")
    for line in metrics.get("highlights", []):
        print(f"  {line}")
    print(metrics.get("use_it") or f"chat with it: align chat --model {run.path}")
    return 0
