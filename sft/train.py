"""`align run sft`: supervised fine-tuning on counseling conversations with TRL's SFTTrainer.

Reads top to bottom in the order it works: seed, data, model, trainer, train, save, metrics.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from align.config import ModelSection, PeftSection, Recipe, ResolvedConfig, RunSection
from align.runs import RunDirectory, file_fingerprint
from align.training import load_policy, lora_config, save_weights
from align.training_prompts import record_training_prompts
from sft.data import SFTDataSection, load_conversations, with_system_prompt

log = logging.getLogger(__name__)

# Our defaults, under whatever the user's `train:` section sets. Chosen for small models on CPU,
# where `align run sft` on SmolLM2 measured 115 tokens/s against 72 with padding-free packing:
# - batches of similar-length conversations (little padding) instead of padding-free packing,
#   whose flattened batch makes CPU attention quadratic in the whole batch length;
# - no activation checkpointing: a 135M model fits easily, recomputation costs ~30% speed;
# - loss on the counselor's turns only, with the LM head computed only there (sft/selective_head.py).
# On a GPU with flash attention, `train.packing=true` (padding-free best-fit packing) is faster.
SFT_TRAIN_DEFAULTS: dict[str, Any] = {
    "num_train_epochs": 2,
    "learning_rate": 2e-4,
    "lr_scheduler_type": "cosine",
    "warmup_steps": 0.05,
    "per_device_train_batch_size": 8,
    "per_device_eval_batch_size": 8,
    "max_length": 512,
    "packing": False,
    "train_sampling_strategy": "group_by_length",
    "assistant_only_loss": True,
    "activation_checkpointing": False,
    "logging_steps": 5,
    "eval_strategy": "no",
    "save_strategy": "steps",
    "save_steps": 25,
    "save_total_limit": 2,
    "report_to": ["tensorboard"],
    "dataloader_num_workers": 0,
}

RECIPE = Recipe(
    name="sft",
    sections={"model": ModelSection, "data": SFTDataSection, "peft": PeftSection, "run": RunSection},
    trainer_config="trl.SFTConfig",
    train_defaults=SFT_TRAIN_DEFAULTS,
)


def load_sft_datasets(data: SFTDataSection, system_prompt: str, seed: int):
    """Train and validation ``datasets.Dataset`` in conversational (``messages``) form."""
    from datasets import Dataset

    train = load_conversations(data.train, data.format, data.columns)
    for source in data.extra_train:  # e.g. a file of at-risk clients answered with crisis resources
        train += load_conversations(source)
    if data.validation:
        validation = load_conversations(data.validation, data.format, data.columns)
    else:
        split = Dataset.from_list(train).train_test_split(test_size=data.validation_fraction, seed=seed)
        train, validation = split["train"].to_list(), split["test"].to_list()
    if data.max_examples:
        train = train[: data.max_examples]

    def as_dataset(rows: list[dict[str, Any]]) -> Dataset:
        return Dataset.from_list([{"messages": with_system_prompt(r, system_prompt)} for r in rows])

    return as_dataset(train), as_dataset(validation)


def check_data(config: ResolvedConfig) -> dict[str, int]:
    """Load and validate every data file of the config (no model); return conversation counts."""
    train, validation = load_sft_datasets(config.data, config.model.system_prompt, config.run.seed)
    return {"train": len(train), "validation": len(validation)}


def run(config: ResolvedConfig, run: RunDirectory, resume_from: str | None = None) -> dict[str, Any]:
    """Fine-tune, evaluate before and after, save adapter/merged weights; return the metrics."""
    from transformers import set_seed

    from align.model_card import write_model_card
    from align.models import training_chat_template
    from sft.selective_head import SelectiveHeadSFTTrainer

    model_section, data, peft, run_section = config.model, config.data, config.peft, config.run
    args = config.train
    args.output_dir = str(run.checkpoints)
    os.environ["TENSORBOARD_LOGGING_DIR"] = str(run.path / "tensorboard")
    args.seed = run_section.seed

    set_seed(run_section.seed)
    train_ds, eval_ds = load_sft_datasets(data, model_section.system_prompt, run_section.seed)
    log.info("data: %d training and %d validation conversations", len(train_ds), len(eval_ds))

    record_training_prompts(run.path, train_ds["messages"])  # eval prompts must never be among them

    model, tokenizer, resolved = load_policy(model_section, peft)
    run.update_info(
        base_model={"spec": model_section.path, "path": resolved.path, "adapter": resolved.adapter},
        data={
            "train": file_fingerprint(data.train),
            **{f"extra_train[{i}]": file_fingerprint(source) for i, source in enumerate(data.extra_train)},
            "validation": file_fingerprint(data.validation or data.train),
        },
    )
    original_template = tokenizer.chat_template
    if args.assistant_only_loss and args.chat_template_path is None:
        tokenizer.chat_template = training_chat_template(tokenizer) or original_template

    trainer = SelectiveHeadSFTTrainer(
        model=model,
        args=args,
        train_dataset=train_ds,
        eval_dataset=eval_ds,
        processing_class=tokenizer,
        peft_config=lora_config(peft),
    )
    (run.path / "trainer_args.json").write_text(args.to_json_string())

    before = trainer.evaluate(metric_key_prefix="eval") if resume_from is None else run.metrics().get("before", {})
    run.write_metrics({"before": before})
    result = trainer.train(resume_from_checkpoint=resume_from)
    after = trainer.evaluate(metric_key_prefix="eval")

    tokenizer.chat_template = original_template  # saved checkpoints keep the model's own template
    saved = save_weights(trainer, tokenizer, peft, run.path)
    metrics = {
        "eval_loss_before": before.get("eval_loss"),
        "eval_loss_after": after.get("eval_loss"),
        "eval_token_accuracy_before": before.get("eval_mean_token_accuracy"),
        "eval_token_accuracy_after": after.get("eval_mean_token_accuracy"),
        "train_loss": result.training_loss,
        "train_runtime_s": result.metrics.get("train_runtime"),
        "train_steps": trainer.state.global_step,
        "train_examples": len(train_ds),
        "validation_examples": len(eval_ds),
        "before": before,
        "after": after,
        "log_history": trainer.state.log_history,
        "saved": saved,
    }
    run.write_metrics(metrics)
    summary_keys = ("eval_loss_before", "eval_loss_after", "train_loss", "train_steps", "train_examples")
    write_model_card(run, "SFT counseling model", {k: metrics[k] for k in summary_keys}, run.stored_config() or {})
    return metrics
