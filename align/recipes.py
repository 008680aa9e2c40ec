"""Which stage modules implement ``align run <recipe>``.

Each module defines ``RECIPE`` (its config sections and TRL config class), ``check_data``
(load and validate its data without loading a model) and ``run`` (the stage itself).
Modules are imported only when needed, so ``align --help`` stays instant.
"""

from __future__ import annotations

import importlib
from types import ModuleType

RECIPE_MODULES = {
    "sft": "sft.train",
    "reward": "reward.train",
    "ppo": "align.ppo.recipe",
    "rloo": "align.rloo",
    "grpo": "align.grpo",
    "dpo": "align.dpo",
    "kto": "align.kto",
}


def recipe_module(name: str) -> ModuleType:
    if name not in RECIPE_MODULES:
        raise KeyError(f"unknown recipe {name!r}; available: {sorted(RECIPE_MODULES)}")
    return importlib.import_module(RECIPE_MODULES[name])
