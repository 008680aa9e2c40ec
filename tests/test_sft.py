"""Real SFT runs through TRL's SFTTrainer on a tiny random model built in-process."""

import json

import pytest
import torch
from safetensors.torch import load_file

from align.cli.run import run_recipe
from align.models import training_chat_template
from align.schema import DataError
from sft.data import load_conversations
from tests.conftest import assert_records_training_prompts, build_tiny_tokenizer, kill_after_first_checkpoint

TINY = [
    "train.max_steps=8",
    "train.learning_rate=5e-3",
    "train.logging_steps=2",
    "train.save_steps=4",
    "train.per_device_train_batch_size=4",
    "train.report_to=[tensorboard]",
    "peft.r=8",
]


def tiny_overrides(tiny_model_dir, tiny_data, tmp_path, *extra):
    return [
        f"model.path={tiny_model_dir}",
        f"data.train={tiny_data['train']}",
        f"data.validation={tiny_data['validation']}",
        f"run.output_root={tmp_path / 'runs'}",
        "run.name=tiny",
        *TINY,
        *extra,
    ]


def test_lora_sft_lowers_loss_trains_adapter_and_leaves_base_untouched(tiny_model_dir, tiny_data, tmp_path):
    base_before = load_file(tiny_model_dir / "model.safetensors")
    run, metrics = run_recipe("sft", None, tiny_overrides(tiny_model_dir, tiny_data, tmp_path))

    assert metrics["eval_loss_after"] < metrics["eval_loss_before"]
    adapter = load_file(run.path / "adapter" / "adapter_model.safetensors")
    lora_b = [t for name, t in adapter.items() if "lora_B" in name]
    assert lora_b and all(t.abs().sum() > 0 for t in lora_b)  # lora_B starts at zero: nonzero means trained
    base_after = load_file(tiny_model_dir / "model.safetensors")
    assert all(torch.equal(base_before[k], base_after[k]) for k in base_before)  # frozen base untouched
    merged = load_file(run.path / "merged" / "model.safetensors")
    changed = [k for k in base_before if k in merged and not torch.equal(base_before[k].to(merged[k].dtype), merged[k])]
    assert any("q_proj" in k for k in changed)

    info = json.loads((run.path / "run.json").read_text())
    assert info["status"] == "completed" and info["base_model"]["spec"] == str(tiny_model_dir)
    assert info["data"]["train"]["sha256"] and info["versions"]["trl"].startswith("1.16")
    assert_records_training_prompts(run.path, [r["messages"] for r in load_conversations(str(tiny_data["train"]))])
    saved = json.loads((run.path / "metrics.json").read_text())
    assert saved["eval_loss_before"] == metrics["eval_loss_before"] and saved["log_history"]
    assert "eval_loss_before" in (run.path / "README.md").read_text()
    assert list((run.path / "tensorboard").glob("events.out.tfevents*"))
    assert (run.path / "config.yaml").is_file() and (run.path / "train.log").is_file()
    # the saved tokenizer keeps the model's own chat template, not the training one
    assert "endgeneration" not in (run.path / "merged" / "chat_template.jinja").read_text()


def test_assistant_only_loss_covers_counselor_turns_and_end_token():
    tokenizer = build_tiny_tokenizer()
    template = training_chat_template(tokenizer)
    messages = [
        {"role": "system", "content": "Be kind."},
        {"role": "user", "content": "I feel low."},
        {"role": "assistant", "content": "That sounds hard."},
        {"role": "user", "content": "It is."},
        {"role": "assistant", "content": "What helps?"},
    ]
    out = tokenizer.apply_chat_template(
        messages, chat_template=template, tokenize=True, return_dict=True, return_assistant_tokens_mask=True
    )
    trained = [t for t, m in zip(out["input_ids"], out["assistant_masks"], strict=True) if m]
    assert tokenizer.decode(trained) == "That sounds hard.<|im_end|>What helps?<|im_end|>"
    plain = tokenizer.apply_chat_template(messages, tokenize=False)
    assert tokenizer.apply_chat_template(messages, chat_template=template, tokenize=False) == plain


def test_unknown_template_without_markers_is_a_clear_error():
    tokenizer = build_tiny_tokenizer()
    tokenizer.chat_template = "{% for m in messages %}[{{ m['role'] }}] {{ m['content'] }}\n{% endfor %}"
    with pytest.raises(ValueError, match="assistant_only_loss=false"):
        training_chat_template(tokenizer)


def test_full_finetune_saves_a_full_model(tiny_model_dir, tiny_data, tmp_path):
    run, metrics = run_recipe("sft", None, tiny_overrides(tiny_model_dir, tiny_data, tmp_path, "peft.method=full"))
    assert metrics["eval_loss_after"] < metrics["eval_loss_before"]
    assert (run.path / "model" / "model.safetensors").is_file() and not (run.path / "adapter").exists()


def test_bad_data_fails_before_any_run_directory_exists(tiny_model_dir, tiny_data, tmp_path):
    tiny_data["train"].write_text('{"messages": [{"role": "user", "content": "hi"}]}\n')
    with pytest.raises(DataError, match="line 1"):
        run_recipe("sft", None, tiny_overrides(tiny_model_dir, tiny_data, tmp_path))
    assert not (tmp_path / "runs" / "tiny").exists()


def test_rerun_of_a_completed_run_is_refused(tiny_model_dir, tiny_data, tmp_path):
    overrides = tiny_overrides(tiny_model_dir, tiny_data, tmp_path, "train.max_steps=1")
    run_recipe("sft", None, overrides)
    with pytest.raises(FileExistsError, match="already completed"):
        run_recipe("sft", None, overrides)


def test_resume_after_kill(tiny_model_dir, tiny_data, tmp_path):
    """SIGKILL a real `align run sft` after its first checkpoint; `--resume` finishes from there."""
    overrides = tiny_overrides(
        tiny_model_dir,
        tiny_data,
        tmp_path,
        "train.max_steps=100",
        "train.save_steps=2",
        "train.save_total_limit=1",
    )
    checkpoints = kill_after_first_checkpoint("sft", overrides, tmp_path / "runs" / "tiny")
    killed_at = max(int(p.name.split("-")[1]) for p in checkpoints.glob("checkpoint-*"))
    assert killed_at < 100

    run, metrics = run_recipe("sft", None, [], resume=str(tmp_path / "runs" / "tiny"))
    info = json.loads((run.path / "run.json").read_text())
    assert info["status"] == "completed" and len(info["resumed"]) == 1
    assert metrics["train_steps"] == 100
    logged_steps = [e["step"] for e in metrics["log_history"] if "loss" in e]
    assert logged_steps == sorted(set(logged_steps))  # restarting from step 0 would log early steps twice


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the CPU-only message")
def test_qlora_on_cpu_says_what_to_use_instead(tiny_model_dir, tiny_data, tmp_path):
    with pytest.raises(RuntimeError, match="qlora needs a CUDA GPU.*peft.method=lora"):
        run_recipe("sft", None, tiny_overrides(tiny_model_dir, tiny_data, tmp_path, "peft.method=qlora"))
    assert json.loads((tmp_path / "runs" / "tiny" / "run.json").read_text())["status"] == "failed"


def test_selective_head_loss_equals_trl_loss(tiny_model_dir, tiny_data):
    """Our loss (LM head on trained positions only) is TRL's loss, to float precision."""
    from datasets import Dataset
    from trl import SFTConfig, SFTTrainer

    from align.models import ResolvedModel, load_causal_lm, load_tokenizer
    from sft.data import load_conversations
    from sft.selective_head import SelectiveHeadSFTTrainer

    resolved = ResolvedModel(str(tiny_model_dir))
    tokenizer = load_tokenizer(resolved)
    tokenizer.chat_template = training_chat_template(tokenizer)
    rows = [{"messages": c["messages"]} for c in load_conversations(str(tiny_data["train"]))]
    args = SFTConfig(
        output_dir="/tmp/unused",
        use_cpu=True,
        bf16=False,
        assistant_only_loss=True,
        per_device_train_batch_size=4,
        report_to=[],
    )
    losses, batch = [], None
    for cls in (SFTTrainer, SelectiveHeadSFTTrainer):
        model = load_causal_lm(resolved, dtype="float32")
        trainer = cls(model=model, args=args, train_dataset=Dataset.from_list(rows), processing_class=tokenizer)
        batch = batch or next(iter(trainer.get_train_dataloader()))  # the same batch for both
        losses.append(trainer.compute_loss(trainer.model, dict(batch)).item())
    assert (batch["labels"] == -100).any() and (batch["labels"] != -100).any()
    assert losses[0] == pytest.approx(losses[1], rel=1e-5)


def test_resume_skips_a_checkpoint_whose_save_did_not_finish(tmp_path):
    from align.runs import RunDirectory

    run = RunDirectory(tmp_path)
    for step, complete in ((2, True), (4, True), (6, False)):
        folder = run.checkpoints / f"checkpoint-{step}"
        folder.mkdir(parents=True)
        if complete:
            (folder / "trainer_state.json").write_text("{}")
    (run.checkpoints / "checkpoint-8").mkdir()
    (run.checkpoints / "checkpoint-8" / "trainer_state.json").write_text('{"half": ')  # killed mid-write
    assert run.last_checkpoint() == str(run.checkpoints / "checkpoint-4")


def test_extra_train_sources_are_appended_recorded_and_never_an_eval_set(tiny_model_dir, tiny_data, tmp_path):
    from sft.data import SFTDataSection
    from tests.conftest import make_conversations, write_jsonl

    extra = write_jsonl(tmp_path / "extra.jsonl", make_conversations(6, offset=40))
    run, _ = run_recipe("sft", None, tiny_overrides(tiny_model_dir, tiny_data, tmp_path, f"data.extra_train=[{extra}]"))
    trained = [r["messages"] for r in load_conversations(str(tiny_data["train"])) + load_conversations(str(extra))]
    assert_records_training_prompts(run.path, trained)  # train's 32 conversations and the extra 6
    info = json.loads((run.path / "run.json").read_text())
    assert info["data"]["extra_train[0]"]["source"] == str(extra) and info["data"]["extra_train[0]"]["sha256"]
    assert f"extra_train[0]: `{extra}`" in (run.path / "README.md").read_text()

    problems = SFTDataSection(extra_train=["sample:validation", "sample:safety", "nowhere.jsonl"]).validate()
    assert "extra_train[1]: sample:safety is an eval set (align eval grades on it): train on sample:train" in problems
    assert "extra_train[2]: data file not found: nowhere.jsonl" in problems
    assert not [p for p in problems if p.startswith("extra_train[0]")]
