"""`align run rloo`: REINFORCE Leave-One-Out (Ahmadian et al. 2024) with TRL's RLOOTrainer and our reward model."""

from __future__ import annotations

from typing import Any

from align.config import ResolvedConfig
from align.online import DATA_UNIT, check_data, online_recipe, run_online
from align.runs import RunDirectory

__all__ = ["DATA_UNIT", "RECIPE", "check_data", "run"]

RECIPE = online_recipe("rloo", "trl.RLOOConfig")


def run(config: ResolvedConfig, run: RunDirectory, resume_from: str | None = None) -> dict[str, Any]:
    return run_online("RLOOTrainer", config, run, resume_from)
