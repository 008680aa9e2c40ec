"""Where evals live, what identifies one, and finding an existing eval that can stand in for a new one.

A run's evals go in ``runs/<run>/eval-<time>/``; other models' in ``evals/<name>-<time>/``.
Two evals are interchangeable when the model's weights, the prompts, the settings and the
scorer versions are all the same (``eval_identity``); `align compare` then reuses the old one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

from align.models import ResolvedModel, resolve_model
from align.runs import RUN_FILE
from eval.outputs import SUMMARY_FILE, read_eval_dir
from eval.prompt_sets import load_eval_prompts, prompt_set_fingerprint
from eval.settings import EvalSettings

EVALS_ROOT = Path("evals")


def model_fingerprint(resolved: ResolvedModel) -> str:
    """Changes when the weights do: names, sizes and modification times of the model's (and adapter's) files."""
    parts = []
    for folder in (resolved.path, resolved.adapter):
        if folder and Path(folder).is_dir():
            for file in sorted(p for p in Path(folder).iterdir() if p.is_file()):
                stat = file.stat()
                parts.append(f"{file.name}:{stat.st_size}:{stat.st_mtime_ns}")
        elif folder:
            parts.append(folder)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def model_record(model_spec: str, resolved: ResolvedModel) -> dict[str, Any]:
    """How summary.json names the model: the spec as given, where its weights are, its run, its fingerprint."""
    path = Path(model_spec).expanduser()
    return {
        "spec": model_spec,
        "path": resolved.path,
        "adapter": resolved.adapter,
        "run": path.name if (path / RUN_FILE).is_file() else None,
        "fingerprint": model_fingerprint(resolved),
    }


def eval_identity(summary: dict[str, Any]) -> dict[str, Any]:
    """What two evals must share for one to stand in for the other: weights, prompts, settings, scorers."""
    settings = {k: v for k, v in summary["settings"].items() if k not in ("prompts", "limit")}
    return {
        "model": summary["model"]["fingerprint"],
        "prompts": summary["prompts"]["fingerprint"],
        "settings": settings,
        "scorers": {s["name"]: s["version"] for s in summary["scorers"] if s["name"] != "reward"},
    }


def eval_home(model_spec: str) -> tuple[Path, str]:
    """The folder a model's evals go in, and their name prefix."""
    path = Path(model_spec).expanduser()
    if (path / RUN_FILE).is_file():
        return path, "eval"
    name = path.name if path.exists() else model_spec.replace("/", "--")
    return EVALS_ROOT, re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "model"


def new_eval_dir(model_spec: str) -> Path:
    """A fresh, unused folder name for an eval of this model, stamped with the local time."""
    base, prefix = eval_home(model_spec)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    folder, n = base / f"{prefix}-{stamp}", 2
    while folder.exists():
        folder, n = base / f"{prefix}-{stamp}-{n}", n + 1
    return folder


def find_matching_eval(model_spec: str, settings: EvalSettings) -> Path | None:
    """The newest finished eval of this model with the same weights, prompts, settings and scorers, if any."""
    from eval.scorers import offline_scorers

    base, prefix = eval_home(model_spec)
    candidates = sorted(base.glob(f"{prefix}-*/{SUMMARY_FILE}"), reverse=True)
    if not candidates:
        return None
    planned = {
        "model": model_record(model_spec, resolve_model(model_spec)),
        "prompts": {"fingerprint": prompt_set_fingerprint(load_eval_prompts(settings.prompts, settings.limit))},
        "settings": settings.recorded(model_spec),
        "scorers": [s.describe() for s in offline_scorers(settings.locales)],
    }
    wanted = eval_identity(planned)
    for summary_file in candidates:
        try:
            if eval_identity(read_eval_dir(summary_file.parent).summary) == wanted:
                return summary_file.parent
        except (OSError, ValueError, KeyError):
            continue  # an unreadable or older-format eval is simply not reused
    return None
