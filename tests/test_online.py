"""`align run rloo` and `align run grpo`: TRL's online trainers with a tiny trained reward model as reward function."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from align.cli.run import run_recipe
from align.monitoring import series
from align.preference_data import load_preference_pairs
from tests.conftest import assert_records_training_prompts
from tests.test_cli import align


def online_overrides(model: Path, reward: Path, data: dict[str, Path], root: Path, name: str) -> list[str]:
    return [
        f"model.path={model}",
        f"reward_model.path={reward}",
        f"data.train={data['train']}",
        "data.validation=null",
        f"run.output_root={root}",
        f"run.name={name}",
        "model.dtype=float32",
        "model.system_prompt=",
        "reward_model.dtype=float32",
        "peft.r=8",
        "train.bf16=false",
        "train.max_steps=3",
        "train.per_device_train_batch_size=4",
        "train.num_generations=4",
        "train.max_completion_length=10",
        "train.learning_rate=1e-2",
    ]


@pytest.mark.parametrize("recipe", ["rloo", "grpo"])
def test_tiny_run_finishes_and_logs_reward_kl_length_entropy(recipe, tiny_model_dir, tiny_reward, synthetic, tmp_path):
    run, metrics = run_recipe(recipe, None, online_overrides(tiny_model_dir, tiny_reward, synthetic, tmp_path, recipe))
    history = metrics["log_history"]
    assert metrics["train_steps"] == 3
    for name in ("reward", "kl", "reply_length", "entropy"):  # what align.monitoring reads, under TRL's names too
        assert len(series(history, name)) == 3, name
    assert all(isinstance(e["rewards/reward_model/mean"], float) for e in history if "reward" in e)
    assert metrics["reward_weights"] == {"reward_model": 1.0}
    assert metrics["reward_first"] == history[0]["reward"] and metrics["highlights"][0].startswith("reward ")
    assert (run.path / "adapter" / "adapter_model.safetensors").is_file()
    assert (run.path / "merged" / "model.safetensors").is_file()
    assert list((run.path / "tensorboard").glob("events.out.tfevents*"))
    info = json.loads((run.path / "run.json").read_text())
    assert info["status"] == "completed" and info["reward_model"]["run"]["recipe"] == "reward"
    assert info["data"]["train"]["source"] == str(synthetic["train"])
    assert_records_training_prompts(run.path, [p["prompt"] for p in load_preference_pairs(str(synthetic["train"]))])
    args = json.loads((run.path / "trainer_args.json").read_text())
    assert args["beta"] == 0.05 and args["num_generations"] == 4  # KL to the SFT model is penalised and logged


@pytest.mark.parametrize("recipe", ["rloo", "grpo"])
def test_each_reward_term_is_a_trl_reward_function_with_its_weight(
    recipe, tiny_model_dir, tiny_reward, synthetic, tmp_path
):
    """TRL logs each term as rewards/<term>/mean, and its reward is their weighted sum (align/rewards.py)."""
    weights = {"reward_model": 0.5, "safety": 2.0, "length": 1.0}
    overrides = online_overrides(tiny_model_dir, tiny_reward, synthetic, tmp_path, recipe)
    run, metrics = run_recipe(recipe, None, [*overrides, *(f"reward.{k}={v}" for k, v in weights.items())])
    assert metrics["reward_weights"] == weights and metrics["length_target_words"] > 0
    logged = history_with_reward(metrics)
    assert len(logged) == 3
    for entry in logged:
        terms = {name: entry[f"rewards/{name}/mean"] for name in weights}
        assert entry["reward"] == pytest.approx(sum(weights[n] * terms[n] for n in weights), abs=1e-4)
        assert -1 <= terms["length"] <= 0 and terms["safety"] <= 0
    assert json.loads((run.path / "trainer_args.json").read_text())["reward_weights"] == list(weights.values())


def history_with_reward(metrics: dict) -> list[dict]:
    return [e for e in metrics["log_history"] if "reward" in e]


@pytest.mark.parametrize("recipe", ["rloo", "grpo"])
def test_validate_shipped_online_configs_and_refuse_typos(recipe):
    result = align("validate", "--config", f"configs/{recipe}.yaml")
    assert result.returncode == 0, result.stderr
    assert f"ok: configs/{recipe}.yaml is a valid '{recipe}' config; data:" in result.stdout
    bad = align("validate", "--config", f"configs/{recipe}.yaml", "train.num_generation=4", "reward_model.pth=x")
    assert bad.returncode == 2
    assert "Did you mean 'num_generations'?" in bad.stderr and "Did you mean 'path'?" in bad.stderr
