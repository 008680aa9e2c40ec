"""`align run kto`: Kahneman-Tversky Optimization from unpaired labels with TRL's KTOTrainer.

Each example is one reply marked desirable or not, so ratings that never made a pair still
count. Data: ``align export``'s ``kto_{train,test}.jsonl`` (prompt/completion/label), or any
preference source, where each reply's net wins decide its label (``load_kto_rows``). LoRA on the
SFT checkpoint; the reference is the same model with the adapter disabled. Reads top to bottom:
seed, data, model, trainer, train, save, metrics.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

from align.config import ModelSection, PeftSection, Recipe, ResolvedConfig, RunSection
from align.dpo import probe_prompts, remember_first_probe, run_provenance, with_system_prompt
from align.preference_data import PreferenceDataSection, load_kto_rows, source_fingerprint
from align.runs import RunDirectory
from align.safety_pairs import SafetyPairsSection, add_safety_pairs, as_kto_rows, at_risk_prompts, summary_line
from align.training import load_policy, lora_config, save_weights
from align.training_prompts import record_training_prompts

log = logging.getLogger(__name__)

# Our defaults, under whatever the user's `train:` section sets (see align/dpo.py for the reasons).
# KTO estimates its KL term from mismatched replies within a batch, so batches keep TRL's sequential order.
KTO_TRAIN_DEFAULTS: dict[str, Any] = {
    "num_train_epochs": 1,
    "learning_rate": 5e-5,
    "lr_scheduler_type": "cosine",
    "warmup_steps": 0.05,
    "per_device_train_batch_size": 8,
    "per_device_eval_batch_size": 8,
    "max_length": 512,
    "beta": 0.1,
    "precompute_ref_log_probs": True,
    "activation_checkpointing": False,
    "logging_steps": 5,
    "eval_strategy": "no",
    "save_strategy": "steps",
    "save_steps": 25,
    "save_total_limit": 2,
    "report_to": ["tensorboard"],
    "dataloader_num_workers": 0,
}


@dataclass
class KTOSection:
    """Generation probes, as in `align run dpo`: KL to the SFT model, reply length, entropy (and reward)."""

    balance: bool = True  # set TRL's desirable_weight so desirable and undesirable examples count equally
    probe_prompts: int = 8
    probe_steps: int = 50
    probe_max_new_tokens: int = 96

    def validate(self) -> list[str]:
        return [
            f"{name}: must be >= 0, found {getattr(self, name)}"
            for name in ("probe_prompts", "probe_steps")
            if getattr(self, name) < 0
        ]


RECIPE = Recipe(
    name="kto",
    sections={
        "model": ModelSection,
        "data": PreferenceDataSection,
        "peft": PeftSection,
        "kto": KTOSection,
        "safety_pairs": SafetyPairsSection,
        "run": RunSection,
    },
    trainer_config="trl.KTOConfig",
    train_defaults=KTO_TRAIN_DEFAULTS,
)
DATA_UNIT = "labelled replies"


def load_kto_splits(data: PreferenceDataSection) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Training and validation examples: validation from its own source, or held out by prompt."""
    from align.schema import DataError
    from annotate.export import split_of

    train = load_kto_rows(data.train, data.pairs)
    if data.validation:
        validation = load_kto_rows(data.validation, data.pairs)
    else:
        held_out = [split_of(r["prompt_id"], data.validation_fraction) == "test" for r in train]
        validation = [r for r, out in zip(train, held_out, strict=True) if out]
        train = [r for r, out in zip(train, held_out, strict=True) if not out]
        if not validation or not train:
            raise DataError(data.train, [f"holding out {data.validation_fraction:.0%} of prompts left one side empty"])
    if data.max_pairs:
        train = train[: data.max_pairs]
    return train, validation


def check_data(config: ResolvedConfig) -> dict[str, int]:
    train, validation = load_kto_splits(config.data)
    counts = {"train": len(train), "validation": len(validation)}
    if config.safety_pairs.enabled:  # eval prompts in the safety-pair source fail here, before a run starts
        counts["safety_pair_prompts"] = len(at_risk_prompts(config.safety_pairs))
    return counts


def as_dataset(rows: list[dict[str, Any]], system_prompt: str):
    from datasets import Dataset

    return Dataset.from_list(
        [
            {
                "prompt": with_system_prompt(r["prompt"], system_prompt),
                "completion": r["completion"],
                "label": r["label"],
            }
            for r in rows
        ]
    )


def run(config: ResolvedConfig, run: RunDirectory, resume_from: str | None = None) -> dict[str, Any]:
    """Train with KTO, evaluate and probe before and after, save adapter/merged weights; return the metrics."""
    from transformers import set_seed
    from trl import KTOTrainer

    from align.dpo_trainer import GenerationProbe, ProbeSettings
    from align.model_card import write_model_card
    from align.monitoring import hacking_callback

    model_section, data, peft, kto, run_section = config.model, config.data, config.peft, config.kto, config.run
    args = config.train
    args.output_dir = str(run.checkpoints)
    os.environ["TENSORBOARD_LOGGING_DIR"] = str(run.path / "tensorboard")
    args.seed = run_section.seed

    set_seed(run_section.seed)
    train_rows, validation_rows = load_kto_splits(data)
    model, tokenizer, resolved = load_policy(model_section, peft)
    safety_pairs = None
    if config.safety_pairs.enabled:  # sampled from the policy before training: on-policy undesirable replies
        added, safety_pairs = add_safety_pairs(
            config.safety_pairs, model, tokenizer, model_section.system_prompt, train_rows, resolved.path, run.path
        )
        train_rows = [*train_rows, *as_kto_rows(added)]
    desirable = sum(r["label"] for r in train_rows)
    log.info(
        "data: %d training (%d desirable) and %d validation replies", len(train_rows), desirable, len(validation_rows)
    )
    if kto.balance and 0 < desirable < len(train_rows) and "desirable_weight" not in config.train_keys:
        args.desirable_weight = (len(train_rows) - desirable) / desirable  # KTO paper, section 4.2

    trainer = KTOTrainer(
        model=model,
        args=args,
        train_dataset=as_dataset(train_rows, model_section.system_prompt),
        eval_dataset=as_dataset(validation_rows, model_section.system_prompt),
        processing_class=tokenizer,
        peft_config=lora_config(peft),
        callbacks=[hacking_callback()],
    )
    main = trainer.accelerator.is_main_process
    if main:
        run.update_info(
            base_model={
                "spec": model_section.path,
                "path": resolved.path,
                "adapter": resolved.adapter,
                "run": run_provenance(model_section.path),
            },
            data={
                "train": source_fingerprint(data.train),
                "validation": source_fingerprint(data.validation or data.train),
                **({"safety_pairs": safety_pairs} if safety_pairs else {}),
            },
            world_size=trainer.accelerator.num_processes,
        )
        record_training_prompts(run.path, (row["prompt"] for row in train_rows))  # safety pairs included
        (run.path / "trainer_args.json").write_text(args.to_json_string())
    prompts = probe_prompts(validation_rows, kto.probe_prompts)
    probe = GenerationProbe(
        trainer,
        [with_system_prompt(p, model_section.system_prompt) for p in prompts],
        prompts,
        every=kto.probe_steps,
        settings=ProbeSettings(kto.probe_max_new_tokens, args.per_device_eval_batch_size),
        on_result=lambda result: remember_first_probe(run, result),
    )
    trainer.add_callback(probe.callback)

    before = trainer.evaluate(metric_key_prefix="eval") if resume_from is None else run.metrics().get("before", {})
    if main:
        run.write_metrics({"before": before, "probe_before": run.metrics().get("probe_before")})
    result = trainer.train(resume_from_checkpoint=resume_from)
    probe_after = probe.log()
    after = trainer.evaluate(metric_key_prefix="eval")

    saved = save_weights(trainer, tokenizer, peft, run.path) if main else {}
    metrics = {
        "eval_loss_before": before.get("eval_loss"),
        "eval_loss_after": after.get("eval_loss"),
        "eval_kl_before": before.get("eval_kl"),
        "eval_kl_after": after.get("eval_kl"),
        "probe_before": run.metrics().get("probe_before"),
        "probe_after": probe_after,
        "kl_to_reference": (probe_after or {}).get("kl"),
        "desirable_weight": args.desirable_weight,
        "train_loss": result.training_loss,
        "train_runtime_s": result.metrics.get("train_runtime"),
        "train_steps": trainer.state.global_step,
        "train_examples": len(trainer.train_dataset),
        "validation_examples": len(validation_rows),
        "safety_pairs": safety_pairs,
        "world_size": trainer.accelerator.num_processes,
        "before": before,
        "after": after,
        "log_history": trainer.state.log_history,
        "saved": saved,
    }
    metrics["highlights"] = [
        f"validation: rewards chosen/rejected {after.get('eval_rewards/chosen', float('nan')):.3f} / "
        f"{after.get('eval_rewards/rejected', float('nan')):.3f}",
    ]
    if probe_after:
        metrics["highlights"].append(
            f"sampled replies: KL to the SFT model {probe_after['kl']:.3f} nats, "
            f"{probe_after['reply_length']:.0f} tokens long"
        )
    if safety_pairs:
        metrics["highlights"].append(summary_line(safety_pairs))
    if main:
        run.write_metrics(metrics)
        summary_keys = ("eval_loss_before", "eval_loss_after", "kl_to_reference", "train_steps")
        write_model_card(run, "KTO counseling model", {k: metrics[k] for k in summary_keys}, run.stored_config() or {})
    trainer.accelerator.wait_for_everyone()
    return metrics
