"""Run directories: every run leaves a folder that traces a checkpoint to its data and config.

Layout of ``runs/<name>/``::

    run.json          recipe, status, times, versions, git commit, base model, data sources
    config.yaml       the resolved config (defaults filled in): rerun with --config
    trainer_args.json every field of the TRL config the trainer actually used
    metrics.json      before/after numbers and the training log
    train.log         the run's log
    checkpoints/      trainer checkpoints, for resuming after a kill
    adapter/ merged/  the trained weights (a LoRA adapter and/or a full checkpoint)
    tensorboard/      TensorBoard event files
    README.md         the model card

``align runs`` and (later) ``align compare`` read only these files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import platform
import socket
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

log = logging.getLogger(__name__)

RUN_FILE = "run.json"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
_TRACKED_PACKAGES = ("torch", "transformers", "trl", "peft", "datasets", "accelerate", "counsel-align")


class RunExistsError(FileExistsError):
    """A completed run already has this name."""


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON so a reader never sees half a file, even if the process is killed mid-write.

    The temporary file is the writer's own (its pid in the name): under ``accelerate launch`` every
    process may write the run's files at once, and a shared temporary name made one rename fail.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in _TRACKED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def git_commit() -> str | None:
    """The project's git commit (with ``-dirty`` when there are local changes), if it is a checkout."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return f"{commit}-dirty" if dirty else commit


def cpu_name() -> str:
    """The processor's model name (benchmarks and classifier cards depend on it), or "unknown CPU"."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def usable_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0


def file_fingerprint(source: str) -> dict[str, Any]:
    """Identify a data source: a file's sha256, or the name of a sample split / hub dataset."""
    from align.schema import source_path

    path = source_path(source)
    if path.is_file():
        return {"source": source, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    return {"source": source}


@dataclass
class RunDirectory:
    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def checkpoints(self) -> Path:
        return self.path / "checkpoints"

    def info(self) -> dict[str, Any]:
        file = self.path / RUN_FILE
        return json.loads(file.read_text()) if file.is_file() else {}

    def update_info(self, **fields: Any) -> None:
        write_json_atomic(self.path / RUN_FILE, {**self.info(), **fields})

    @property
    def status(self) -> str:
        return self.info().get("status", "unknown")

    def is_complete(self) -> bool:
        return self.status == "completed"

    def last_checkpoint(self) -> str | None:
        """The newest checkpoint whose save finished, or None.

        The trainer writes ``trainer_state.json`` last, so a kill in the middle of a save leaves
        a folder without it (or with half of it); that folder is skipped, not resumed from.
        """
        folders = [p for p in self.checkpoints.glob("checkpoint-*") if p.name.split("-")[-1].isdigit()]
        for folder in sorted(folders, key=lambda p: int(p.name.split("-")[-1]), reverse=True):
            try:
                json.loads((folder / "trainer_state.json").read_text())
            except (OSError, ValueError):
                log.warning("skipping %s: its save did not finish", folder)
                continue
            return str(folder)
        return None

    def write_config(self, config: dict[str, Any]) -> None:
        tmp = self.path / f".config.yaml.{os.getpid()}.tmp"  # each process its own (see write_json_atomic)
        tmp.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
        os.replace(tmp, self.path / "config.yaml")

    def stored_config(self) -> dict[str, Any] | None:
        file = self.path / "config.yaml"
        return yaml.safe_load(file.read_text()) if file.is_file() else None

    def write_metrics(self, metrics: dict[str, Any]) -> None:
        write_json_atomic(self.path / "metrics.json", metrics)

    def metrics(self) -> dict[str, Any]:
        file = self.path / "metrics.json"
        return json.loads(file.read_text()) if file.is_file() else {}

    def attach_log_file(self) -> logging.Handler:
        handler = logging.FileHandler(self.path / "train.log", encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logging.getLogger().addHandler(handler)
        return handler


def default_run_name(recipe: str) -> str:
    return f"{recipe}-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}"


def _config_differences(old: dict[str, Any], new: dict[str, Any], prefix: str = "") -> list[str]:
    keys = sorted(set(old) | set(new))
    out = []
    for key in keys:
        a, b = old.get(key), new.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            out.extend(_config_differences(a, b, f"{prefix}{key}."))
        elif a != b:
            out.append(f"{prefix}{key}: {a!r} -> {b!r}")
    return out


def open_run(root: str | Path, name: str, recipe: str, config: dict[str, Any]) -> tuple[RunDirectory, str | None]:
    """Create a run directory, or reopen an unfinished one with the same config to resume it.

    Returns the run and the checkpoint to resume from (None for a fresh start).
    """
    run = RunDirectory(Path(root) / name)
    resume_from = None
    if run.path.exists():
        if run.is_complete():
            raise RunExistsError(
                f"run {run.path} already completed; choose another run.name, or delete the folder to redo it"
            )
        stored = run.stored_config()
        if stored is not None and stored != config:
            changes = "\n  ".join(_config_differences(stored, config))
            raise RunExistsError(
                f"run {run.path} exists (unfinished) with a different config; resuming it would mix two "
                f"configs. Differences:\n  {changes}\nUse another run.name, or resume with `--resume {run.path}`."
            )
        resume_from = run.last_checkpoint()
    run.path.mkdir(parents=True, exist_ok=True)
    run.write_config(config)
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    info = run.info()
    run.update_info(
        recipe=recipe,
        status="running",
        started=info.get("started", now),
        resumed=[*info.get("resumed", []), now] if resume_from else info.get("resumed", []),
        pid=os.getpid(),
        host=socket.gethostname(),
        versions=package_versions(),
        git_commit=git_commit(),
    )
    return run, resume_from


def finish_run(run: RunDirectory, status: str, **fields: Any) -> None:
    run.update_info(status=status, finished=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), **fields)


def _describe_status(info: dict[str, Any]) -> str:
    status = info.get("status", "unknown")
    if status == "running" and info.get("host") == socket.gethostname():
        try:
            os.kill(int(info.get("pid", -1)), 0)
        except (OSError, ValueError):
            return "interrupted (resumable)"
    return status


def list_runs(root: str | Path) -> list[dict[str, Any]]:
    """One summary row per run directory under ``root``, newest first."""
    rows = []
    for file in Path(root).glob(f"*/{RUN_FILE}"):
        run = RunDirectory(file.parent)
        info = run.info()
        metrics = run.metrics()
        rows.append(
            {
                "name": run.name,
                "recipe": info.get("recipe", "?"),
                "status": _describe_status(info),
                "started": info.get("started", ""),
                "base_model": info.get("base_model", ""),
                "eval_loss_before": metrics.get("eval_loss_before"),
                "eval_loss_after": metrics.get("eval_loss_after"),
                "path": str(run.path),
            }
        )
    return sorted(rows, key=lambda r: r["started"], reverse=True)
