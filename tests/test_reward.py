"""Reward models: the held-out report's math, the weighted loss, real RewardTrainer runs, scoring, resume.

The must-show: on a synthetic preference set whose chosen replies reflect the client's feeling
and ask an open question (rejected ones are dismissive, and as often longer as shorter), the
reward model ranks held-out pairs at least 90% right.
"""

import json
import math
import time
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from align.cli.run import run_recipe
from align.preference_data import load_preference_pairs
from align.schema import DataError
from reward.report import (
    expected_calibration_error,
    held_out_report,
    length_correlation,
    pairwise_accuracy,
    wilson_interval,
)
from tests.conftest import assert_records_training_prompts, kill_after_first_checkpoint
from tests.synthetic_preferences import reflects_and_asks, synthetic_preferences
from tests.test_cli import ROOT, align


def summary(report: dict) -> str:
    keys = ("accuracy", "accuracy_ci95", "ece", "length_spearman", "longer_chosen_rate")
    return json.dumps({k: report[k] for k in keys})


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("synthetic")
    train, test = synthetic_preferences()
    return {"train": write_jsonl(folder / "train.jsonl", train), "validation": write_jsonl(folder / "test.jsonl", test)}


def test_synthetic_set_has_the_property_and_no_length_shortcut():
    for new_phrasings in (False, True):
        train, test = synthetic_preferences(new_phrasings=new_phrasings)
        for pair in train + test:
            assert reflects_and_asks(pair["feeling"], pair["chosen"][0]["content"])
            assert not reflects_and_asks(pair["feeling"], pair["rejected"][0]["content"])
        assert not {p["prompt"][0]["content"] for p in train} & {p["prompt"][0]["content"] for p in test}
        longer = [len(p["chosen"][0]["content"]) > len(p["rejected"][0]["content"]) for p in train + test]
        assert 0.35 < sum(longer) / len(longer) < 0.75  # "prefer the longer reply" is no good rule here


# ---------------------------------------------------------------- the report's math, by hand


def test_wilson_interval_known_values():
    assert wilson_interval(9, 10) == pytest.approx((0.5958, 0.9821), abs=1e-4)
    assert wilson_interval(10, 10) == pytest.approx((0.7225, 1.0), abs=1e-4)
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_pairwise_accuracy_counts_ties_as_half():
    result = pairwise_accuracy([2, 1, 0, 1], [1, 2, -1, 1])  # right, wrong, right, tie
    assert result["accuracy"] == 0.625 and result["pairs"] == 4
    assert result["accuracy_ci95"] == pytest.approx(list(wilson_interval(2.5, 4)))


def test_ece_counts_each_pair_in_both_orders():
    ln3 = math.log(3)  # sigmoid(ln 3) = 0.75
    # says 0.75 every time and is right 3 times of 4: perfectly calibrated
    assert expected_calibration_error([ln3, ln3, ln3, -ln3], [0, 0, 0, 0]) == pytest.approx(0.0)
    # says 0.75 and is always right: under-confident by 0.25 (one order alone would say so too)
    assert expected_calibration_error([ln3] * 4, [0] * 4) == pytest.approx(0.25)
    # says 0.5 (no idea): calibrated, though it never wins a pair outright
    assert expected_calibration_error([1.0, 2.0], [1.0, 2.0]) == pytest.approx(0.0)
    # confidently wrong half the time: sigmoid(4) = 0.982 in the 0.9-1.0 bin, right 50%
    assert expected_calibration_error([4, -4], [0, 0]) == pytest.approx(1 / (1 + math.exp(-4)) - 0.5)


def test_length_correlation_and_warnings():
    assert length_correlation([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx({"spearman": 1.0, "pearson": 1.0})
    assert length_correlation([1, 2, 3, 4], [10, 10, 10, 10]) == {"spearman": None, "pearson": None}
    # rewards follow length exactly; the longer reply is always the chosen one
    report = held_out_report([3, 4, 5], [0, 1, 2], chosen_len=[40, 50, 60], rejected_len=[10, 20, 30])
    assert report["accuracy"] == 1.0 and report["length_spearman"] == pytest.approx(1.0)
    assert report["longer_chosen_rate"] == 1.0 and report["mean_reward_margin"] == 3.0
    assert report["warnings"][0].startswith("reward correlates with reply length (Spearman r=1.00, |r| > 0.5)")
    assert "not clearly above chance" in report["warnings"][1]  # 3 of 3: the interval still starts below 0.5
    quiet = held_out_report([1.0] * 30, [0.0] * 30, chosen_len=[10, 30] * 15, rejected_len=[20] * 30)
    assert quiet["warnings"] == [] and quiet["length_spearman"] == pytest.approx(0.0, abs=1e-9)


# ---------------------------------------------------------------- the weighted Bradley-Terry loss


def test_weighted_loss_is_trl_loss_with_unit_weights_and_weighs_each_pair(tiny_model_dir, tmp_path):
    import torch.nn.functional as F
    from datasets import Dataset
    from trl import RewardConfig, RewardTrainer

    from align.models import ResolvedModel, load_tokenizer
    from reward.model import load_reward_model
    from reward.trainer import WeightedPreferenceCollator, WeightedRewardTrainer

    train, _ = synthetic_preferences()
    rows = [
        {"prompt": p["prompt"], "chosen": p["chosen"], "rejected": p["rejected"], "margin": m, "weight": w}
        for p, m, w in zip(train[:4], [0.0, 1.0, 0.5, 0.0], [1.0, 0.5, 2 / 3, 0.75], strict=True)
    ]
    resolved = ResolvedModel(str(tiny_model_dir))
    tokenizer = load_tokenizer(resolved)
    args = RewardConfig(
        output_dir=str(tmp_path),
        use_cpu=True,
        bf16=False,
        per_device_train_batch_size=4,
        center_rewards_coefficient=0.01,
        report_to=[],
    )
    torch.manual_seed(0)
    trainer = WeightedRewardTrainer(
        model=load_reward_model(resolved, "float32"),
        args=args,
        data_collator=WeightedPreferenceCollator(tokenizer.pad_token_id),
        train_dataset=Dataset.from_list(rows),
        processing_class=tokenizer,
    )
    batch = next(iter(trainer.get_train_dataloader()))
    assert sorted(batch) == ["attention_mask", "input_ids", "margin", "weight"]  # the weight column survives

    with torch.no_grad():
        weighted = trainer.compute_loss(trainer.model, dict(batch)).item()
        unit = trainer.compute_loss(trainer.model, {**batch, "weight": torch.ones(4)}).item()
        trl = RewardTrainer.compute_loss(trainer, trainer.model, {k: v for k, v in batch.items() if k != "weight"})
        logits = trainer.model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
    chosen, rejected = logits.squeeze(-1).chunk(2)
    by_hand = (batch["weight"] * -F.logsigmoid(chosen - rejected - batch["margin"])).mean()
    by_hand += 0.01 * ((chosen + rejected) ** 2).mean()
    assert weighted == pytest.approx(by_hand.item(), rel=1e-5)
    assert unit == pytest.approx(trl.item(), rel=1e-5)


def test_margins_and_weights_reach_the_dataset_only_when_enabled():
    from reward.train import RewardSection, as_dataset

    pair = {**synthetic_preferences()[0][0], "weight": 0.5, "margin": 2.0}
    assert as_dataset([pair], RewardSection(margin_scale=0.5))[0] == {
        "prompt": pair["prompt"],
        "chosen": pair["chosen"],
        "rejected": pair["rejected"],
        "margin": 1.0,
        "weight": 0.5,
    }
    plain = as_dataset([pair], RewardSection(margins=False, agreement_weights=False))
    assert plain.column_names == ["prompt", "chosen", "rejected"]


# ---------------------------------------------------------------- real runs on the tiny model

TINY = [
    "model.dtype=float32",
    "train.bf16=false",
    "train.logging_steps=10",
    "train.save_steps=20",
    "train.per_device_train_batch_size=8",
    "train.learning_rate=1e-2",
    "peft.r=8",
]


def tiny_overrides(model_dir, data, root: Path, name: str, *extra: str) -> list[str]:
    return [
        f"model.path={model_dir}",
        f"data.train={data['train']}",
        f"data.validation={data['validation']}",
        f"run.output_root={root}",
        f"run.name={name}",
        *TINY,
        *extra,
    ]


@pytest.fixture(scope="module")
def tiny_reward_run(tiny_model_dir, synthetic, tmp_path_factory):
    """LoRA + a fully trained head on the tiny random Llama, 60 steps on the synthetic set."""
    started = time.time()
    run, metrics = run_recipe(
        "reward",
        None,
        tiny_overrides(tiny_model_dir, synthetic, tmp_path_factory.mktemp("runs"), "tiny", "train.max_steps=60"),
    )
    metrics["wall_s"] = time.time() - started
    return run, metrics


def test_must_show_heldout_accuracy_on_synthetic_preferences_tiny(tiny_reward_run):
    """Held-out prompts never trained on; replies from the trained phrasings. >= 0.9 required."""
    run, metrics = tiny_reward_run
    report = metrics["heldout"]
    print(f"\ntiny model, held-out: {summary(report)}; {metrics['wall_s']:.1f}s")
    assert report["pairs"] == 40 and report["accuracy"] >= 0.9
    assert metrics["eval_loss_after"] < metrics["eval_loss_before"]
    assert abs(report["length_spearman"]) < 0.5 and report["warnings"] == []


def test_lora_run_trains_adapter_and_head_and_leaves_base_untouched(tiny_reward_run, tiny_model_dir):
    from transformers import set_seed

    from align.models import ResolvedModel
    from reward.model import is_reward_checkpoint, load_reward_model

    run, metrics = tiny_reward_run
    base = load_file(tiny_model_dir / "model.safetensors")
    adapter = load_file(run.path / "adapter" / "adapter_model.safetensors")
    lora_b = [t for name, t in adapter.items() if "lora_B" in name]
    assert lora_b and all(t.abs().sum() > 0 for t in lora_b)  # lora_B starts at zero: nonzero means trained
    set_seed(42)  # the recipe seeds before loading, so this is the head it started from
    initial_head = load_reward_model(ResolvedModel(str(tiny_model_dir)), "float32").score.weight
    [trained_head] = [t for name, t in adapter.items() if name.endswith("score.weight")]
    assert not torch.allclose(initial_head, trained_head)

    merged = load_file(run.path / "merged" / "model.safetensors")
    changed = [k for k in base if k in merged and not torch.equal(base[k], merged[k])]
    assert any("q_proj" in k for k in changed)
    assert torch.equal(
        base["model.embed_tokens.weight"], load_file(tiny_model_dir / "model.safetensors")["model.embed_tokens.weight"]
    )  # the base checkpoint on disk is untouched
    assert is_reward_checkpoint(ResolvedModel(str(run.path / "merged")))
    assert not is_reward_checkpoint(ResolvedModel(str(tiny_model_dir)))


def test_run_directory_records_report_card_and_logs(tiny_reward_run):
    run, metrics = tiny_reward_run
    info = json.loads((run.path / "run.json").read_text())
    assert info["status"] == "completed" and info["recipe"] == "reward"
    assert len(info["data"]["train"]["sha256"]) == 64
    trained_on = load_preference_pairs(info["data"]["train"]["source"])
    assert_records_training_prompts(run.path, [pair["prompt"] for pair in trained_on])
    saved = json.loads((run.path / "metrics.json").read_text())
    assert saved["heldout"]["accuracy"] == metrics["heldout_accuracy"] and saved["log_history"]
    assert {"accuracy_ci95", "ece", "length_spearman", "length_pearson", "warnings"} <= set(saved["heldout"])
    card = (run.path / "README.md").read_text()
    assert "## Held-out report" in card and "held-out pairwise accuracy" in card
    assert f"align score --model {run.path}" in card
    assert list((run.path / "tensorboard").glob("events.out.tfevents*"))
    assert json.loads((run.path / "trainer_args.json").read_text())["center_rewards_coefficient"] == 0.01


def test_scorer_on_merged_and_adapter_agrees_and_prefers_reflective_replies(tiny_reward_run):
    from reward.score import RewardScorer

    run, metrics = tiny_reward_run
    _, held_out = synthetic_preferences()
    prompts = [p["prompt"] for p in held_out[:6]]
    replies = [p["chosen"][0]["content"] for p in held_out[:6]] + [p["rejected"] for p in held_out[:6]]
    merged = RewardScorer.load(str(run.path), "float32", batch_size=4).score(prompts * 2, replies)
    adapter = RewardScorer.load(str(run.path / "adapter"), "float32", batch_size=5).score(prompts * 2, replies)
    assert merged == pytest.approx(adapter, abs=1e-4)
    assert all(c > r for c, r in zip(merged[:6], merged[6:], strict=True))
    single = RewardScorer.load(str(run.path), "float32", batch_size=1).score(prompts[:1], replies[:1])
    assert single[0] == pytest.approx(merged[0], abs=1e-4)  # padding in a batch changes nothing


def test_scorer_refuses_a_model_without_a_reward_head(tiny_model_dir):
    from reward.score import RewardScorer

    with pytest.raises(ValueError, match="not a reward model"):
        RewardScorer.load(str(tiny_model_dir))


def test_full_finetune_saves_a_full_reward_model(tiny_model_dir, synthetic, tmp_path):
    run, metrics = run_recipe(
        "reward",
        None,
        tiny_overrides(tiny_model_dir, synthetic, tmp_path, "full", "peft.method=full", "train.max_steps=4"),
    )
    assert (run.path / "model" / "model.safetensors").is_file() and not (run.path / "adapter").exists()
    from reward.score import RewardScorer

    assert len(RewardScorer.load(str(run.path)).score(["I feel low."], ["That sounds hard. What happened?"])) == 1


def test_bf16_backbone_keeps_an_fp32_head_that_trains(tiny_model_dir, synthetic, tmp_path):
    run, _ = run_recipe(
        "reward",
        None,
        tiny_overrides(tiny_model_dir, synthetic, tmp_path, "bf16", "train.max_steps=2", "model.dtype=bfloat16"),
    )
    adapter = load_file(run.path / "adapter" / "adapter_model.safetensors")
    [head] = [t for name, t in adapter.items() if name.endswith("score.weight")]
    assert head.dtype == torch.float32


def test_bad_data_fails_before_any_run_directory_exists(tiny_model_dir, synthetic, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"prompt": "hi", "chosen": "", "rejected": "go away"}\n')
    with pytest.raises(DataError, match="line 1, field 'chosen'.content: empty reply"):
        run_recipe("reward", None, tiny_overrides(tiny_model_dir, synthetic, tmp_path, "bad", f"data.train={bad}"))
    assert not (tmp_path / "bad").exists()


def test_resume_after_kill(tiny_model_dir, synthetic, tmp_path):
    """SIGKILL a real `align run reward` after its first checkpoint; `--resume` finishes from there."""
    overrides = tiny_overrides(
        tiny_model_dir,
        synthetic,
        tmp_path,
        "resume",
        "train.max_steps=60",
        "train.save_steps=2",
        "train.save_total_limit=1",
        "train.logging_steps=2",
    )
    checkpoints = kill_after_first_checkpoint("reward", overrides, tmp_path / "resume")
    killed_at = max(int(p.name.split("-")[1]) for p in checkpoints.glob("checkpoint-*"))
    assert killed_at < 60

    run, metrics = run_recipe("reward", None, [], resume=str(tmp_path / "resume"))
    info = json.loads((run.path / "run.json").read_text())
    assert info["status"] == "completed" and len(info["resumed"]) == 1
    assert metrics["train_steps"] == 60 and metrics["eval_loss_before"] is not None
    logged = [e["step"] for e in metrics["log_history"] if "loss" in e]
    assert logged == sorted(set(logged))  # restarting from step 0 would log early steps twice


# ---------------------------------------------------------------- the command line


def test_validate_shipped_reward_config():
    result = align("validate", "--config", "configs/reward.yaml")
    assert result.returncode == 0, result.stderr
    assert "ok: configs/reward.yaml is a valid 'reward' config; data: 993 train, 184 validation preference pairs" in (
        result.stdout
    )


def test_validate_reports_bad_reward_keys(tmp_path):
    result = align("validate", "--config", "configs/reward.yaml", "reward.margin_scal=2", "data.pairs=best")
    assert result.returncode == 2
    assert "Did you mean 'margin_scale'?" in result.stderr and "'all_pairs' | 'best_vs_rest'" in result.stderr


def test_run_reward_and_score_from_the_command_line(tiny_model_dir, synthetic, tmp_path):
    trained = align(
        "run",
        "reward",
        "--config",
        str(ROOT / "configs" / "reward.yaml"),
        *tiny_overrides(tiny_model_dir, synthetic, Path("runs"), "cli", "train.max_steps=4"),
        cwd=tmp_path,
    )
    assert trained.returncode == 0, trained.stderr
    assert "run complete: runs/cli" in trained.stdout and "held-out pairwise accuracy:" in trained.stdout
    assert "align score --model runs/cli" in trained.stdout

    rows = [
        {"id": 1, "prompt": "I feel lonely at my new job.", "reply": "That sounds isolating. What is lunch like?"},
        {
            "prompt": [{"role": "user", "content": "I feel sad."}],
            "completion": [{"role": "assistant", "content": "Ok."}],
        },
        {"messages": [{"role": "user", "content": "Hi."}, {"role": "assistant", "content": "Hello, how are you?"}]},
    ]
    write_jsonl(tmp_path / "replies.jsonl", rows)
    scored = align("score", "--model", "runs/cli", "--input", "replies.jsonl", "--batch-size", "2", cwd=tmp_path)
    assert scored.returncode == 0, scored.stderr
    assert "scored 3 rows" in scored.stdout
    out = [json.loads(line) for line in (tmp_path / "replies.scored.jsonl").read_text().splitlines()]
    assert [r.get("id") for r in out] == [1, None, None] and all(isinstance(r["reward"], float) for r in out)
    assert out[0]["reply"] == rows[0]["reply"]  # rows are kept as they were, plus the reward

    write_jsonl(tmp_path / "bad.jsonl", [rows[0], {"prompt": "hi"}])
    bad = align("score", "--model", "runs/cli", "--input", "bad.jsonl", "--output", "x.jsonl", cwd=tmp_path)
    assert bad.returncode == 2 and "line 2: expected fields 'prompt' and 'reply'" in bad.stderr
    not_reward = align("score", "--model", str(tiny_model_dir), "--input", "replies.jsonl", cwd=tmp_path)
    assert not_reward.returncode == 2 and "not a reward model" in not_reward.stderr


# ---------------------------------------------------------------- the must-show on a real small model


@pytest.mark.slow
def test_must_show_heldout_accuracy_on_smollm2_with_new_phrasings(model_cache, monkeypatch, tmp_path, no_network):
    """The default recipe (LoRA + head, bf16 where fast) on SmolLM2-135M-Instruct, 12 steps.

    Held out: prompts never trained on, answered in reflective and dismissive phrasings never
    trained on either, so the model must have learned the property, not the sentences.
    """
    monkeypatch.setenv("COUNSEL_ALIGN_CACHE", str(model_cache))
    train, test = synthetic_preferences(new_phrasings=True)
    data = {
        "train": write_jsonl(tmp_path / "train.jsonl", train),
        "validation": write_jsonl(tmp_path / "test.jsonl", test),
    }
    started = time.time()
    run, metrics = run_recipe(
        "reward",
        "configs/reward.yaml",
        [
            f"data.train={data['train']}",
            f"data.validation={data['validation']}",
            "train.max_steps=12",
            "train.learning_rate=5e-4",
            "train.logging_steps=3",
            "train.save_steps=100",
            f"run.output_root={tmp_path}",
            "run.name=smol-reward",
        ],
    )
    report = metrics["heldout"]
    print(f"\nSmolLM2, held-out new phrasings: {summary(report)}; {time.time() - started:.0f}s")
    assert report["pairs"] == 40 and report["accuracy"] >= 0.9
    assert json.loads((run.path / "run.json").read_text())["base_model"]["spec"] == "smollm2-135m-instruct"
