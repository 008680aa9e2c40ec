"""`align run dpo`: the loss equals TRL's, one row per pair, agreement weights, real runs, resume, DDP.

The must-show (slow): on the synthetic preference set, DPO from SmolLM2 raises the rate of
``reflects_and_asks`` in fresh generations on held-out prompts and the mean reward-model score,
with the KL to the SFT model reported.
"""

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from align.cli.run import run_recipe
from align.preference_data import load_preference_pairs
from tests.conftest import assert_records_training_prompts, kill_after_first_checkpoint
from tests.synthetic_preferences import reflects_and_asks, synthetic_preferences
from tests.test_cli import ROOT, align


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("synthetic")
    train, test = synthetic_preferences()
    keep = ("prompt", "chosen", "rejected", "prompt_id")
    return {
        "train": write_jsonl(folder / "train.jsonl", [{k: r[k] for k in keep} for r in train]),
        "validation": write_jsonl(folder / "test.jsonl", [{k: r[k] for k in keep} for r in test]),
    }


TINY = [
    "model.dtype=float32",
    "model.system_prompt=",
    "train.bf16=false",
    "train.logging_steps=2",
    "train.save_steps=20",
    "train.learning_rate=1e-2",
    "peft.r=8",
    "dpo.probe_prompts=4",
    "dpo.probe_max_new_tokens=8",
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


# ---------------------------------------------------------------- one row per pair, and TRL's loss


def test_pair_row_runs_the_prompt_once_and_branches_at_its_last_token():
    from align.dpo_trainer import CHOSEN, PREFIX, REJECTED, branch_attention_mask, pair_row

    row = pair_row([10, 11, 12], [20, 21], [30], max_length=None)
    assert row["input_ids"] == [10, 11, 12, 20, 21, 12, 30]
    assert row["position_ids"] == [0, 1, 2, 3, 4, 2, 3]  # the rejected branch restarts after the prompt
    assert row["segment"] == [PREFIX, PREFIX, CHOSEN, CHOSEN, CHOSEN, REJECTED, REJECTED]
    assert row["target"] == [-100, -100, 20, 21, -100, 30, -100]
    assert row["pair_tokens"] == [3 + 2 + 3 + 1]  # what TRL's two rows hold
    mask = branch_attention_mask(torch.tensor([row["segment"]]), torch.float32, boolean=True)[0, 0]
    assert mask[5].tolist() == [True, True, False, False, False, True, False]  # rejected copy: prompt, not chosen
    assert mask[4].tolist() == [True, True, True, True, True, False, False]
    assert pair_row([10, 11, 12], [20, 21], [30], max_length=4)["input_ids"] == [10, 11, 12, 20, 12, 30]


def tiny_trainer(tiny_model_dir, tmp_path, rows, loss_type="sigmoid", **config):
    """Our trainer on the tiny model with a nonzero LoRA init (so policy and reference differ)."""
    from datasets import Dataset
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM
    from trl import DPOConfig

    from align.dpo_trainer import SharedPromptCollator, SharedPromptDPOTrainer
    from align.models import ResolvedModel, load_tokenizer

    tokenizer = load_tokenizer(ResolvedModel(str(tiny_model_dir)))
    args = DPOConfig(
        output_dir=str(tmp_path / "out"),
        use_cpu=True,
        bf16=False,
        report_to=[],
        per_device_train_batch_size=len(rows),
        activation_checkpointing=False,
        loss_type=loss_type.split("+"),
        **config,
    )
    lora = LoraConfig(
        r=4, target_modules="all-linear", task_type="CAUSAL_LM", lora_dropout=0.0, init_lora_weights=False
    )
    return SharedPromptDPOTrainer(
        model=AutoModelForCausalLM.from_pretrained(tiny_model_dir, dtype=torch.float32),
        args=args,
        data_collator=SharedPromptCollator(tokenizer.pad_token_id, args.max_length),
        train_dataset=Dataset.from_list(rows),
        processing_class=tokenizer,
        peft_config=lora,
    )


def weighted_rows(weights: list[float]) -> list[dict]:
    train, _ = synthetic_preferences()
    system = [{"role": "system", "content": "Be kind."}]
    return [
        {"prompt": system + p["prompt"], "chosen": p["chosen"], "rejected": p["rejected"], "weight": w}
        for p, w in zip(train, weights, strict=False)
    ]


@pytest.mark.parametrize(
    ("loss_type", "config"),
    [
        ("sigmoid", {}),
        ("sigmoid", {"max_length": 80}),  # truncated replies, as TRL's collator cuts them
        ("ipo", {"beta": 0.5}),
        ("robust", {"label_smoothing": 0.1}),
        ("hinge", {}),
        ("bco_pair", {}),
        ("sigmoid+sft", {"loss_weights": [1.0, 0.5]}),  # RPO: DPO plus an NLL term on the chosen replies
    ],
)
def test_loss_and_gradients_equal_trl_and_weights_scale_each_pair(tiny_model_dir, tmp_path, loss_type, config):
    from trl import DPOTrainer
    from trl.trainer.dpo_trainer import DataCollatorForPreference

    from align.dpo_trainer import dpo_pair_losses

    weights = [1.0, 0.5, 1.0, 0.75, 2 / 3, 1.0]
    trainer = tiny_trainer(tiny_model_dir, tmp_path, weighted_rows(weights), loss_type, **config)
    assert trainer.ref_model is None  # LoRA: the reference is the adapter-disabled model, no second copy
    examples = [trainer.train_dataset[i] for i in range(len(weights))]
    ours = trainer.data_collator(examples)
    theirs = DataCollatorForPreference(
        pad_token_id=trainer.processing_class.pad_token_id, max_length=config.get("max_length", trainer.args.max_length)
    )([{k: e[k] for k in ("prompt_ids", "chosen_ids", "rejected_ids")} for e in examples])
    assert ours["input_ids"].numel() < theirs["input_ids"].numel()  # the prompt once, not twice

    lora = [p for n, p in trainer.model.named_parameters() if p.requires_grad]

    def loss_and_grads(compute, batch):
        trainer.model.zero_grad()
        loss = compute(batch)
        loss.backward()
        return loss.item(), [p.grad.clone() for p in lora]

    unit, unit_grads = loss_and_grads(
        lambda b: trainer.compute_loss(trainer.model, b), {**ours, "weight": torch.ones(len(weights))}
    )
    trl, trl_grads = loss_and_grads(lambda b: DPOTrainer._compute_loss(trainer, trainer.model, b, False), theirs)
    assert unit == pytest.approx(trl, rel=1e-5, abs=1e-6)
    for mine, reference in zip(unit_grads, trl_grads, strict=True):
        torch.testing.assert_close(mine, reference, rtol=1e-4, atol=1e-6)

    with torch.no_grad():  # weighted: mean_i(w_i * loss_i), the per-pair losses written out
        weighted = trainer.compute_loss(trainer.model, ours).item()
        from align.dpo_trainer import pair_logps

        policy = pair_logps(trainer.model, ours)
        ref_chosen, ref_rejected = trainer.compute_ref_log_probs(trainer.model, ours)
        w = torch.tensor(weights)
        by_hand = (
            w
            * dpo_pair_losses(
                loss_type.split("+")[0],
                policy.chosen - ref_chosen,
                policy.rejected - ref_rejected,
                policy.chosen_lengths,
                policy.rejected_lengths,
                trainer.beta,
                trainer.label_smoothing,
            )
        ).mean()
        if "+sft" in loss_type:  # the NLL term: each chosen reply's tokens weighted by its pair's weight
            by_hand += 0.5 * -(w * policy.chosen).sum() / policy.chosen_lengths.sum()
    assert weighted == pytest.approx(by_hand.item(), rel=1e-5)
    assert weighted != pytest.approx(unit, rel=1e-3)


def test_training_follows_trl_step_for_step(tiny_model_dir, tmp_path):
    """Same data, seed and settings: our trainer and TRL's log the same losses and token counts at every step."""
    from datasets import Dataset
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM
    from trl import DPOConfig, DPOTrainer

    from align.dpo_trainer import SharedPromptCollator, SharedPromptDPOTrainer
    from align.models import ResolvedModel, load_tokenizer

    tokenizer = load_tokenizer(ResolvedModel(str(tiny_model_dir)))
    rows = [{k: p[k] for k in ("prompt", "chosen", "rejected")} for p in synthetic_preferences()[0][:24]]
    logged = {}
    for trainer_class in (DPOTrainer, SharedPromptDPOTrainer):
        args = DPOConfig(
            output_dir=str(tmp_path / trainer_class.__name__),
            use_cpu=True,
            bf16=False,
            report_to=[],
            per_device_train_batch_size=8,
            max_steps=3,
            logging_steps=1,
            learning_rate=1e-2,
            save_strategy="no",
            activation_checkpointing=False,
            precompute_ref_log_probs=True,
        )
        extra = (
            {"data_collator": SharedPromptCollator(tokenizer.pad_token_id)} if trainer_class is not DPOTrainer else {}
        )
        trainer = trainer_class(
            model=AutoModelForCausalLM.from_pretrained(tiny_model_dir, dtype=torch.float32),
            args=args,
            train_dataset=Dataset.from_list(rows),
            processing_class=tokenizer,
            peft_config=LoraConfig(r=4, target_modules="all-linear", task_type="CAUSAL_LM"),
            **extra,
        )
        trainer.train()
        logged[trainer_class] = [(e["loss"], e["num_tokens"]) for e in trainer.state.log_history if "loss" in e]
    assert len(logged[DPOTrainer]) == 3 and logged[DPOTrainer][-1][0] < logged[DPOTrainer][0][0]
    for (ours, our_tokens), (trl, trl_tokens) in zip(logged[SharedPromptDPOTrainer], logged[DPOTrainer], strict=True):
        assert ours == pytest.approx(trl, rel=1e-4) and our_tokens == trl_tokens


def test_reference_is_the_adapter_disabled_model(tiny_model_dir, tmp_path):
    from transformers import AutoModelForCausalLM

    trainer = tiny_trainer(tiny_model_dir, tmp_path, weighted_rows([1.0] * 4), precompute_ref_log_probs=True)
    assert trainer.ref_model is None
    base = AutoModelForCausalLM.from_pretrained(tiny_model_dir, dtype=torch.float32)
    batch = trainer.data_collator([trainer.train_dataset[i] for i in range(4)])
    with torch.no_grad():
        from align.dpo_trainer import pair_logps

        expected = pair_logps(base, batch)
        policy = pair_logps(trainer.model, batch)
    precomputed = torch.tensor(trainer.train_dataset["ref_chosen_logps"][:4])
    torch.testing.assert_close(precomputed, expected.chosen, rtol=1e-5, atol=1e-5)
    assert not torch.allclose(policy.chosen, expected.chosen)  # the (nonzero) adapter is on for the policy


def test_reply_mask_stops_after_the_first_end_of_turn():
    from align.dpo_trainer import reply_mask

    mask = reply_mask(torch.tensor([[5, 6, 2, 2, 2], [5, 6, 7, 8, 9], [2, 0, 0, 0, 0]]), {2})
    assert mask.tolist() == [[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [1, 0, 0, 0, 0]]


# ---------------------------------------------------------------- real runs on the tiny model


@pytest.fixture(scope="module")
def tiny_sft_run(tiny_model_dir, tmp_path_factory):
    """A two-step SFT run: the DPO runs start from its run directory, as a user's would."""
    from tests.conftest import make_conversations

    folder = tmp_path_factory.mktemp("sft")
    data = write_jsonl(folder / "train.jsonl", make_conversations(16))
    run, _ = run_recipe(
        "sft",
        None,
        [
            f"model.path={tiny_model_dir}",
            f"data.train={data}",
            f"data.validation={data}",
            "model.dtype=float32",
            "train.bf16=false",
            "train.max_steps=2",
            "train.assistant_only_loss=false",
            f"run.output_root={folder}",
            "run.name=sft",
        ],
    )
    return run


@pytest.fixture(scope="module")
def tiny_dpo_run(tiny_sft_run, synthetic, tmp_path_factory):
    started = time.time()
    run, metrics = run_recipe(
        "dpo",
        str(ROOT / "configs" / "dpo.yaml"),
        tiny_overrides(
            tiny_sft_run.path,
            synthetic,
            tmp_path_factory.mktemp("runs"),
            "tiny",
            "train.max_steps=16",
            "dpo.probe_steps=8",
        ),
    )
    metrics["wall_s"] = time.time() - started
    return run, metrics


def test_dpo_learns_the_preferences_and_trains_only_the_adapter(tiny_dpo_run, tiny_sft_run):
    run, metrics = tiny_dpo_run
    print(f"\ntiny DPO: {metrics['highlights']}; {metrics['wall_s']:.1f}s")
    assert metrics["trainer"] == "SharedPromptDPOTrainer"
    assert metrics["eval_reward_accuracy_before"] == 0.0 and metrics["eval_reward_accuracy_after"] >= 0.9
    assert metrics["eval_loss_after"] < metrics["eval_loss_before"] == pytest.approx(0.6931, abs=1e-3)
    adapter = load_file(run.path / "adapter" / "adapter_model.safetensors")
    lora_b = [t for name, t in adapter.items() if "lora_B" in name]
    assert lora_b and all(t.abs().sum() > 0 for t in lora_b)  # lora_B starts at zero: nonzero means trained
    sft = load_file(tiny_sft_run.path / "merged" / "model.safetensors")
    merged = load_file(run.path / "merged" / "model.safetensors")
    assert any("q_proj" in k and not torch.equal(sft[k], merged[k]) for k in sft)
    assert torch.equal(sft["model.embed_tokens.weight"], merged["model.embed_tokens.weight"])  # frozen


def test_run_logs_margins_kl_length_entropy_and_records_provenance(tiny_dpo_run, tiny_sft_run, synthetic):
    run, metrics = tiny_dpo_run
    history = metrics["log_history"]
    trained = [e for e in history if "loss" in e and "eval_loss" not in e]
    assert [e["step"] for e in trained] == [2, 4, 6, 8, 10, 12, 14, 16]  # probes do not swallow a step's log
    for key in ("rewards/margins", "rewards/accuracies", "rewards/chosen", "entropy", "num_tokens"):
        assert all(key in e for e in trained), key
    probes = [e for e in history if "kl" in e]
    assert [e["step"] for e in probes] == [0, 8, 16]
    assert probes[0]["kl"] == pytest.approx(0.0, abs=1e-6) and probes[-1]["kl"] > 0
    assert all(e["reply_length"] > 0 and "probe_entropy" in e for e in probes)
    assert metrics["kl_to_reference"] == probes[-1]["kl"] and metrics["ref_precompute_s"] > 0
    assert list((run.path / "tensorboard").glob("events.out.tfevents*"))

    info = json.loads((run.path / "run.json").read_text())
    assert info["status"] == "completed" and info["world_size"] == 1
    assert info["base_model"]["run"]["recipe"] == "sft" and info["base_model"]["run"]["name"] == "sft"
    assert info["base_model"]["path"] == str(tiny_sft_run.path / "merged")
    expected = __import__("hashlib").sha256(synthetic["train"].read_bytes()).hexdigest()
    assert info["data"]["train"] == {"source": str(synthetic["train"]), "sha256": expected}
    assert_records_training_prompts(run.path, [p["prompt"] for p in load_preference_pairs(str(synthetic["train"]))])
    card = (run.path / "README.md").read_text()
    assert "## DPO" in card and "reward accuracy" in card
    args = json.loads((run.path / "trainer_args.json").read_text())
    assert args["precompute_ref_log_probs"] is True and args["loss_type"] == ["sigmoid"]


@pytest.mark.parametrize(
    "settings",
    [
        ["train.loss_type=[ipo]", "train.beta=0.5"],
        ["train.loss_type=[robust]", "train.label_smoothing=0.1"],
        ["train.loss_type=[sigmoid]", "train.precompute_ref_log_probs=false"],  # reference in every step
        ["train.loss_type=[sigmoid, sft]", "train.loss_weights=[1.0, 0.5]"],  # RPO
        ["train.f_divergence_type=js_divergence"],  # f-DPO: TRL's own path
    ],
    ids=["ipo", "robust", "sigmoid-no-precompute", "rpo", "f-dpo-fallback"],
)
def test_loss_types_run(tiny_model_dir, synthetic, tmp_path, settings):
    _, metrics = run_recipe(
        "dpo",
        None,
        tiny_overrides(
            tiny_model_dir, synthetic, tmp_path, "loss", "train.max_steps=4", "dpo.probe_prompts=0", *settings
        ),
    )
    assert metrics["train_steps"] == 4 and metrics["eval_loss_after"] is not None
    fallback = "f_divergence" in settings[0]
    assert metrics["trainer"] == ("DPOTrainer" if fallback else "SharedPromptDPOTrainer")
    assert metrics["eval_reward_accuracy_after"] > 0.5


def test_agreement_weights_reach_the_loss_only_when_enabled(tiny_model_dir, tmp_path):
    from align.dpo import as_dataset

    pairs = [{**p, "weight": w} for p, w in zip(synthetic_preferences()[0][:2], [0.5, 1.0], strict=True)]
    assert as_dataset(pairs, "S", agreement_weights=True)["weight"] == [0.5, 1.0]
    assert as_dataset(pairs, "S", agreement_weights=False)["weight"] == [1.0, 1.0]
    assert as_dataset(pairs, "S", True)[0]["prompt"][0] == {"role": "system", "content": "S"}

    trainer = tiny_trainer(tiny_model_dir, tmp_path, weighted_rows([0.5, 1.0, 0.25]))
    batch = next(iter(trainer.get_train_dataloader()))  # the Trainer keeps the weight column
    assert sorted(batch["weight"].tolist()) == [0.25, 0.5, 1.0]


def test_resume_after_kill(tiny_model_dir, synthetic, tmp_path):
    """SIGKILL a real `align run dpo` after its first checkpoint; `--resume` finishes from there."""
    overrides = tiny_overrides(
        tiny_model_dir,
        synthetic,
        tmp_path,
        "resume",
        "train.max_steps=20",
        "train.save_steps=2",
        "train.save_total_limit=1",
        "dpo.probe_steps=0",
    )
    checkpoints = kill_after_first_checkpoint("dpo", overrides, tmp_path / "resume")
    killed_at = max(int(p.name.split("-")[1]) for p in checkpoints.glob("checkpoint-*"))
    assert killed_at < 20

    run, metrics = run_recipe("dpo", None, [], resume=str(tmp_path / "resume"))
    info = json.loads((run.path / "run.json").read_text())
    assert info["status"] == "completed" and len(info["resumed"]) == 1
    assert metrics["train_steps"] == 20 and metrics["eval_loss_before"] == pytest.approx(0.6931, abs=1e-3)
    logged = [e["step"] for e in metrics["log_history"] if "loss" in e]
    assert logged == sorted(set(logged))  # restarting from step 0 would log early steps twice
    assert metrics["probe_before"]["step"] == 0 and metrics["probe_after"]["step"] == 20  # the start is kept


def test_two_processes_under_accelerate_launch(tiny_model_dir, synthetic, tmp_path):
    """`accelerate launch --num_processes 2` on CPU (DDP over gloo): both processes finish one run."""
    command = [
        sys.executable, "-m", "accelerate.commands.launch",
        "--config_file", str(ROOT / "configs" / "accelerate" / "ddp_cpu.yaml"),
        "--num_processes", "2",
        "-m", "align.cli.main", "run", "dpo",
        *tiny_overrides(tiny_model_dir, synthetic, tmp_path, "ddp", "train.max_steps=4", "train.logging_steps=1",
                        "dpo.probe_steps=2"),
    ]  # fmt: skip
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=300, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.count("run complete:") == 2  # one line from each process
    info = json.loads((tmp_path / "ddp" / "run.json").read_text())
    metrics = json.loads((tmp_path / "ddp" / "metrics.json").read_text())
    assert info["status"] == "completed" and info["world_size"] == 2 and metrics["world_size"] == 2
    assert metrics["train_steps"] == 4 and (tmp_path / "ddp" / "adapter" / "adapter_model.safetensors").is_file()
    # each process saw half of the 156 pairs: 10 batches of 8 make its epoch, so 4 steps are 0.4 of one
    assert metrics["log_history"][-1]["epoch"] == pytest.approx(0.4)


# ---------------------------------------------------------------- configs and the command line


def test_validate_shipped_dpo_config():
    result = align("validate", "--config", "configs/dpo.yaml")
    assert result.returncode == 0, result.stderr
    assert re.match(
        r"ok: configs/dpo.yaml is a valid 'dpo' config; data: \d+ train, \d+ validation preference pairs", result.stdout
    )


def test_validate_reports_bad_dpo_keys():
    result = align(
        "validate",
        "--config",
        "configs/dpo.yaml",
        "train.bta=0.2",
        "dpo.probe_promts=2",
        "dpo.reward_model=/no/such/run",
    )
    assert result.returncode == 2
    assert "Did you mean 'beta'?" in result.stderr and "Did you mean 'probe_prompts'?" in result.stderr
    assert "reward_model: not found: /no/such/run" in result.stderr


@pytest.mark.parametrize("name", ["ddp_cpu", "multi_gpu", "deepspeed_zero2", "deepspeed_zero3", "fsdp"])
def test_shipped_accelerate_configs_are_valid(name):
    """Each file goes through accelerate's own loader and launch-argument checks (DeepSpeed need not be installed)."""
    from accelerate.commands.launch import _validate_launch_command, launch_command_parser
    from accelerate.utils import prepare_deepspeed_cmd_env, prepare_multi_gpu_env

    path = ROOT / "configs" / "accelerate" / f"{name}.yaml"
    args = launch_command_parser().parse_args(["--config_file", str(path), "-m", "align.cli.main", "run", "dpo"])
    args, defaults, _ = _validate_launch_command(args)
    kind = {"deepspeed_zero2": "deepspeed", "deepspeed_zero3": "deepspeed", "fsdp": "fsdp"}.get(name, "ddp")
    assert (args.use_deepspeed, args.use_fsdp, args.multi_gpu) == (kind == "deepspeed", kind == "fsdp", kind == "ddp")
    if kind == "deepspeed":
        args.deepspeed_fields_from_accelerate_config = ",".join([*defaults.deepspeed_config, "mixed_precision"])
        _, env = prepare_deepspeed_cmd_env(args)
        assert env["ACCELERATE_DEEPSPEED_ZERO_STAGE"] == name[-1]
    else:
        env = prepare_multi_gpu_env(args)
        if kind == "fsdp":
            assert env["FSDP_VERSION"] == "2" and env["FSDP_STATE_DICT_TYPE"] == "FULL_STATE_DICT"


def test_run_dpo_from_the_command_line(tiny_model_dir, synthetic, tmp_path):
    result = align(
        "run", "dpo", "--config", str(ROOT / "configs" / "dpo.yaml"),
        *tiny_overrides(tiny_model_dir, synthetic, Path("runs"), "cli", "train.max_steps=2"),
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "run complete: runs/cli" in result.stdout and "validation pairs: reward accuracy 0.000 ->" in result.stdout
    assert "sampled replies: KL to the SFT model" in result.stdout


# ---------------------------------------------------------------- the must-show on a real small model


@pytest.mark.slow
def test_must_show_dpo_raises_the_property_and_the_reward_on_smollm2(model_cache, monkeypatch, tmp_path, no_network):
    """SmolLM2-135M-Instruct as the SFT policy; a reward model trained on the synthetic set; DPO for a few steps.

    Held out: 40 (feeling, topic) prompts never trained on. Greedy replies before and after DPO:
    the share that names the feeling and ends with an open question, and the mean reward-model
    score, must both go up. KL to the SFT model is measured on replies sampled from the DPO policy.
    """
    from align.dpo_trainer import ProbeSettings, measure_replies
    from align.models import load_causal_lm, load_tokenizer, resolve_model
    from reward.score import RewardScorer

    monkeypatch.setenv("COUNSEL_ALIGN_CACHE", str(model_cache))
    train, test = synthetic_preferences()
    data = {
        "train": write_jsonl(tmp_path / "train.jsonl", train),
        "validation": write_jsonl(tmp_path / "test.jsonl", test),
    }
    started = time.time()
    run_recipe("reward", "configs/reward.yaml", [
        f"data.train={data['train']}", f"data.validation={data['validation']}", "train.max_steps=12",
        "train.learning_rate=5e-4", "train.save_steps=100", f"run.output_root={tmp_path}", "run.name=rm",
    ])  # fmt: skip
    reward_s = time.time() - started
    run, metrics = run_recipe("dpo", "configs/dpo.yaml", [
        f"data.train={data['train']}", f"data.validation={data['validation']}", "train.max_steps=24",
        "train.learning_rate=5e-4", "train.warmup_steps=0", "train.logging_steps=4", "train.save_steps=100",
        "model.system_prompt=", "dpo.probe_steps=0", "dpo.probe_prompts=16", "dpo.probe_max_new_tokens=48",
        f"dpo.reward_model={tmp_path / 'rm'}", f"run.output_root={tmp_path}", "run.name=dpo",
    ])  # fmt: skip
    dpo_s = time.time() - started - reward_s

    scorer = RewardScorer.load(str(tmp_path / "rm"))
    prompts = [p["prompt"] for p in test]
    sft, tokenizer = load_causal_lm(resolve_model(None)), load_tokenizer(resolve_model(None))
    aligned = load_causal_lm(resolve_model(str(run.path)))
    greedy = ProbeSettings(max_new_tokens=48, do_sample=False)
    results = {}
    for name, model in (("SFT", sft), ("DPO", aligned)):
        replies = measure_replies(model, tokenizer, prompts, reference=sft, settings=greedy)["replies"]
        rate = sum(reflects_and_asks(p["feeling"], r) for p, r in zip(test, replies, strict=True)) / len(test)
        results[name] = {"property_rate": rate, "mean_reward": sum(scorer.score(prompts, replies)) / len(test)}
    kl = metrics["kl_to_reference"]  # the run's own probe: 16 held-out prompts, replies sampled at temperature 1
    print(
        f"\nSmolLM2 DPO must-show (greedy replies to 40 held-out prompts): {json.dumps(results)}; KL to the SFT "
        f"model on sampled replies {kl:.2f} nats; sampled-reply reward {metrics['probe_before']['reward']:.2f} -> "
        f"{metrics['probe_after']['reward']:.2f}; reward model {reward_s:.0f}s, DPO {dpo_s:.0f}s, "
        f"total {time.time() - started:.0f}s"
    )
    assert results["DPO"]["property_rate"] >= results["SFT"]["property_rate"] + 0.1
    assert results["DPO"]["mean_reward"] > results["SFT"]["mean_reward"] + 1.0
    assert 0 < kl < 200 and metrics["eval_reward_accuracy_after"] > 0.9
