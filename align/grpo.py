"""`align run grpo`: Group Relative Policy Optimization (Shao et al. 2024), TRL's GRPOTrainer, our reward model."""

from __future__ import annotations

from typing import Any

from align.config import ResolvedConfig
from align.online import DATA_UNIT, check_data, online_recipe, run_online
from align.runs import RunDirectory

__all__ = ["DATA_UNIT", "RECIPE", "check_data", "run"]

RECIPE = online_recipe("grpo", "trl.GRPOConfig")


def run(config: ResolvedConfig, run: RunDirectory, resume_from: str | None = None) -> dict[str, Any]:
    return run_online("GRPOTrainer", config, run, resume_from)
