"""`align run rloo` and `align run grpo`: TRL's online trainers with a tiny trained reward model as reward function."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from align.cli.run import run_recipe
from align.monitoring import series
from tests.synthetic_preferences import synthetic_preferences
from tests.test_cli import align
from tests.test_ppo_trainer import train_tiny_reward_model, write_jsonl


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("synthetic")
    train, test = synthetic_preferences()
    return {"train": write_jsonl(folder / "train.jsonl", train), "validation": write_jsonl(folder / "test.jsonl", test)}


@pytest.fixture(scope="module")
def tiny_reward(tiny_model_dir, synthetic, tmp_path_factory) -> Path:
    return train_tiny_reward_model(tiny_model_dir, synthetic, tmp_path_factory.mktemp("reward"))


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


def test_reward_function_scores_completions_as_text_against_the_reward_prompt(tiny_reward):
    from align.online import RewardModelFunction
    from reward.score import RewardScorer

    scorer = RewardScorer.load(str(tiny_reward), "float32")
    _, held_out = synthetic_preferences()
    prompts = [p["prompt"] for p in held_out[:3]]
    replies = [p["chosen"][0]["content"] for p in held_out[:3]]
    system = [{"role": "system", "content": "You are a counselor."}]
    function = RewardModelFunction(scorer)
    rewards = function(
        prompts=[system + p for p in prompts],  # what the policy saw
        completions=[[{"role": "assistant", "content": r}] for r in replies],
        reward_prompt=prompts,  # what the reward model was trained on
        trainer_state=None,
    )
    assert rewards == pytest.approx(scorer.score(prompts, replies))
    assert function.__name__ == "reward_model"


@pytest.mark.parametrize("recipe", ["rloo", "grpo"])
def test_tiny_run_finishes_and_logs_reward_kl_length_entropy(recipe, tiny_model_dir, tiny_reward, synthetic, tmp_path):
    run, metrics = run_recipe(recipe, None, online_overrides(tiny_model_dir, tiny_reward, synthetic, tmp_path, recipe))
    history = metrics["log_history"]
    assert metrics["train_steps"] == 3
    for name in ("reward", "kl", "reply_length", "entropy"):  # what align.monitoring reads, under TRL's names too
        assert len(series(history, name)) == 3, name
    assert all(isinstance(e["rewards/reward_model/mean"], float) for e in history if "reward" in e)
    assert metrics["reward_first"] == history[0]["reward"] and metrics["highlights"][0].startswith("reward ")
    assert (run.path / "adapter" / "adapter_model.safetensors").is_file()
    assert (run.path / "merged" / "model.safetensors").is_file()
    assert list((run.path / "tensorboard").glob("events.out.tfevents*"))
    info = json.loads((run.path / "run.json").read_text())
    assert info["status"] == "completed" and info["reward_model"]["run"]["recipe"] == "reward"
    assert info["data"]["train"]["source"] == str(synthetic["train"])
    args = json.loads((run.path / "trainer_args.json").read_text())
    assert args["beta"] == 0.05 and args["num_generations"] == 4  # KL to the SFT model is penalised and logged


@pytest.mark.parametrize("recipe", ["rloo", "grpo"])
def test_validate_shipped_online_configs_and_refuse_typos(recipe):
    result = align("validate", "--config", f"configs/{recipe}.yaml")
    assert result.returncode == 0, result.stderr
    assert f"ok: configs/{recipe}.yaml is a valid '{recipe}' config; data:" in result.stdout
    bad = align("validate", "--config", f"configs/{recipe}.yaml", "train.num_generation=4", "reward_model.pth=x")
    assert bad.returncode == 2
    assert "Did you mean 'num_generations'?" in bad.stderr and "Did you mean 'path'?" in bad.stderr
