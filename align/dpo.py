"""`align run dpo`: Direct Preference Optimization on therapists' preference pairs with TRL's DPOTrainer.

LoRA on the SFT checkpoint; the reference is the same model with the adapter disabled (no
second copy in memory), its log-probabilities precomputed once by default. Agreement weights
scale each pair's loss. Reads top to bottom in the order it works: seed, data, model, trainer,
train, save, metrics.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from align.config import ModelSection, PeftSection, Recipe, ResolvedConfig, RunSection
from align.preference_data import PreferenceDataSection, load_preference_splits, source_fingerprint
from align.runs import RunDirectory
from align.safety_pairs import SafetyPairsSection, add_safety_pairs, at_risk_prompts, summary_line
from align.training import load_policy, lora_config, save_weights
from align.training_prompts import record_training_prompts

log = logging.getLogger(__name__)

# Our defaults, under whatever the user's `train:` section sets; chosen for small models on CPU.
# - reference log-probs computed once before training (adapter off), not in every step;
# - no activation checkpointing (TRL's default is on): a 135M model fits, recomputing costs ~30%;
# - a LoRA learning rate (TRL's 1e-6 is for full fine-tunes); beta 0.1 and the sigmoid loss as in the paper.
DPO_TRAIN_DEFAULTS: dict[str, Any] = {
    "num_train_epochs": 1,
    "learning_rate": 5e-5,
    "lr_scheduler_type": "cosine",
    "warmup_steps": 0.05,
    "per_device_train_batch_size": 8,
    "per_device_eval_batch_size": 8,
    "max_length": 512,
    "beta": 0.1,
    "loss_type": ["sigmoid"],
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
class DPOSection:
    """What we add around TRL's DPO: agreement weights, the one-row-per-pair path, and generation probes."""

    agreement_weights: bool = True  # weight each pair's loss by the annotators' agreement on it
    shared_prompt: bool = True  # one row per pair, prompt run once (align/dpo_trainer.py); false: TRL's own path
    reward_model: str | None = None  # a reward run directory: probes also score the sampled replies
    probe_prompts: int = 8  # validation prompts answered at the start, every probe_steps and at the end (0: none)
    probe_steps: int = 50  # 0: probe only at the start and the end
    probe_max_new_tokens: int = 96

    def validate(self) -> list[str]:
        problems = []
        for name in ("probe_prompts", "probe_steps"):
            if getattr(self, name) < 0:
                problems.append(f"{name}: must be >= 0, found {getattr(self, name)}")
        if self.probe_max_new_tokens < 1:
            problems.append(f"probe_max_new_tokens: must be >= 1, found {self.probe_max_new_tokens}")
        if self.reward_model is not None and not Path(self.reward_model).exists():
            problems.append(f"reward_model: not found: {self.reward_model} (a reward run directory)")
        return problems


RECIPE = Recipe(
    name="dpo",
    sections={
        "model": ModelSection,
        "data": PreferenceDataSection,
        "peft": PeftSection,
        "dpo": DPOSection,
        "safety_pairs": SafetyPairsSection,
        "run": RunSection,
    },
    trainer_config="trl.DPOConfig",
    train_defaults=DPO_TRAIN_DEFAULTS,
)
DATA_UNIT = "preference pairs"


def check_data(config: ResolvedConfig) -> dict[str, int]:
    """Load and validate every data source of the config (no model); return pair counts."""
    train, validation = load_preference_splits(config.data)
    counts = {"train": len(train), "validation": len(validation)}
    if config.safety_pairs.enabled:  # eval prompts in the safety-pair source fail here, before a run starts
        counts["safety_pair_prompts"] = len(at_risk_prompts(config.safety_pairs))
    return counts


def with_system_prompt(messages: list[dict[str, str]], system_prompt: str) -> list[dict[str, str]]:
    """The prompt as the SFT model saw its conversations: our system prompt first, unless it has one."""
    if not system_prompt or messages[0]["role"] == "system":
        return messages
    return [{"role": "system", "content": system_prompt}, *messages]


def as_dataset(pairs: list[dict[str, Any]], system_prompt: str, agreement_weights: bool):
    """The columns DPOTrainer reads (conversational prompt/chosen/rejected) plus the pair's weight."""
    from datasets import Dataset

    return Dataset.from_list(
        [
            {
                "prompt": with_system_prompt(p["prompt"], system_prompt),
                "chosen": p["chosen"],
                "rejected": p["rejected"],
                "weight": p["weight"] if agreement_weights else 1.0,
            }
            for p in pairs
        ]
    )


def run_provenance(spec: str) -> dict[str, Any] | None:
    """Which run a model came from, when ``spec`` is a run directory (e.g. the SFT run)."""
    info_file = Path(spec) / "run.json"
    if not info_file.is_file():
        return None
    info = json.loads(info_file.read_text())
    keys = ("recipe", "status", "started", "finished", "git_commit", "base_model", "data")
    return {"path": str(Path(spec).resolve()), "name": Path(spec).name, **{k: info.get(k) for k in keys}}


def probe_prompts(pairs: list[dict[str, Any]], count: int) -> list[list[dict[str, str]]]:
    """The first ``count`` distinct prompts (as messages) of the validation pairs."""
    seen, prompts = set(), []
    for pair in pairs:
        key = json.dumps(pair["prompt"], sort_keys=True)
        if key not in seen and len(prompts) < count:
            seen.add(key)
            prompts.append(pair["prompt"])
    return prompts


def make_trainer(config: ResolvedConfig, model, tokenizer, train_pairs, validation_pairs, callbacks):
    """Our one-row-per-pair trainer, or TRL's own where a setting needs it (said in the log)."""
    from trl import DPOTrainer

    from align.dpo_trainer import SharedPromptCollator, SharedPromptDPOTrainer, fast_path_problems

    args, dpo, system_prompt = config.train, config.dpo, config.model.system_prompt
    problems = fast_path_problems(args, model) + ([] if dpo.shared_prompt else ["dpo.shared_prompt=false"])
    kwargs = {
        "model": model,
        "args": args,
        "train_dataset": as_dataset(train_pairs, system_prompt, dpo.agreement_weights),
        "eval_dataset": as_dataset(validation_pairs, system_prompt, dpo.agreement_weights),
        "processing_class": tokenizer,
        "peft_config": lora_config(config.peft),
        "callbacks": callbacks,
    }
    if not problems:
        collator = SharedPromptCollator(tokenizer.pad_token_id, args.max_length, args.pad_to_multiple_of)
        return SharedPromptDPOTrainer(data_collator=collator, **kwargs)
    weighted = dpo.agreement_weights and any(p["weight"] != 1.0 for p in train_pairs)
    log.warning(
        "using TRL's own DPO loss (two padded rows per pair) because of: %s%s",
        ", ".join(problems),
        "; agreement weights are NOT applied on this path" if weighted else "",
    )
    return DPOTrainer(**kwargs)


def run(config: ResolvedConfig, run: RunDirectory, resume_from: str | None = None) -> dict[str, Any]:
    """Train with DPO, evaluate and probe before and after, save adapter/merged weights; return the metrics."""
    from transformers import set_seed

    from align.dpo_trainer import GenerationProbe, ProbeSettings
    from align.model_card import write_model_card
    from align.monitoring import hacking_callback

    model_section, data, peft, dpo, run_section = config.model, config.data, config.peft, config.dpo, config.run
    args = config.train
    args.output_dir = str(run.checkpoints)
    os.environ["TENSORBOARD_LOGGING_DIR"] = str(run.path / "tensorboard")
    args.seed = run_section.seed

    set_seed(run_section.seed)
    train_pairs, validation_pairs = load_preference_splits(data)
    log.info("data: %d training and %d validation pairs", len(train_pairs), len(validation_pairs))

    model, tokenizer, resolved = load_policy(model_section, peft)
    safety_pairs = None
    if config.safety_pairs.enabled:  # sampled from the policy before training: on-policy rejected replies
        added, safety_pairs = add_safety_pairs(
            config.safety_pairs, model, tokenizer, model_section.system_prompt, train_pairs, resolved.path, run.path
        )
        train_pairs = [*train_pairs, *added]
    provenance = {
        "base_model": {
            "spec": model_section.path,
            "path": resolved.path,
            "adapter": resolved.adapter,
            "run": run_provenance(model_section.path),  # the SFT run, when model.path is one
        },
        "data": {
            "train": source_fingerprint(data.train),
            "validation": source_fingerprint(data.validation or data.train),
            **({"safety_pairs": safety_pairs} if safety_pairs else {}),
        },
    }
    trainer = make_trainer(config, model, tokenizer, train_pairs, validation_pairs, [hacking_callback()])
    main = trainer.accelerator.is_main_process
    if main:
        run.update_info(**provenance, world_size=trainer.accelerator.num_processes)
        record_training_prompts(run.path, (pair["prompt"] for pair in train_pairs))  # safety pairs included
        (run.path / "trainer_args.json").write_text(args.to_json_string())
    if dropped := len(train_pairs) - len(trainer.train_dataset):
        log.warning(
            "%d of %d training pairs have prompts over train.max_length=%s: left out",
            dropped,
            len(train_pairs),
            args.max_length,
        )

    prompts = probe_prompts(validation_pairs, dpo.probe_prompts)
    scorer = None
    if dpo.reward_model and prompts and main:
        from reward.score import RewardScorer  # scoring is the reward stage's; loaded only when asked for

        scorer = RewardScorer.load(dpo.reward_model, batch_size=args.per_device_eval_batch_size)
    probe = GenerationProbe(
        trainer,
        [with_system_prompt(p, model_section.system_prompt) for p in prompts],
        prompts,
        scorer,
        every=dpo.probe_steps,
        settings=ProbeSettings(dpo.probe_max_new_tokens, args.per_device_eval_batch_size),
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
    probe_before = run.metrics().get("probe_before")
    metrics = {
        "eval_loss_before": before.get("eval_loss"),
        "eval_loss_after": after.get("eval_loss"),
        "eval_reward_accuracy_before": before.get("eval_rewards/accuracies"),
        "eval_reward_accuracy_after": after.get("eval_rewards/accuracies"),
        "eval_reward_margin_before": before.get("eval_rewards/margins"),
        "eval_reward_margin_after": after.get("eval_rewards/margins"),
        "probe_before": probe_before,
        "probe_after": probe_after,
        "kl_to_reference": (probe_after or {}).get("kl"),
        "train_loss": result.training_loss,
        "train_runtime_s": result.metrics.get("train_runtime"),
        "ref_precompute_s": getattr(trainer, "precompute_seconds", {}).get("train"),
        "train_steps": trainer.state.global_step,
        "train_pairs": len(trainer.train_dataset),
        "validation_pairs": len(validation_pairs),
        "safety_pairs": safety_pairs,
        "world_size": trainer.accelerator.num_processes,
        "trainer": type(trainer).__name__,
        "before": before,
        "after": after,
        "log_history": trainer.state.log_history,
        "saved": saved,
    }
    metrics["highlights"] = summary_lines(metrics)
    if safety_pairs:
        metrics["highlights"].append(summary_line(safety_pairs))
    if main:
        run.write_metrics(metrics)
        summary_keys = ("eval_loss_before", "eval_loss_after", "eval_reward_accuracy_after", "kl_to_reference")
        write_model_card(
            run,
            "DPO counseling model",
            {k: metrics[k] for k in (*summary_keys, "train_steps")},
            run.stored_config() or {},
            details="## DPO\n\n" + "\n".join(f"- {line}" for line in metrics["highlights"]) + "\n",
        )
    trainer.accelerator.wait_for_everyone()
    return metrics


def remember_first_probe(run: RunDirectory, result: dict[str, Any]) -> None:
    """Keep the probe before training in metrics.json, so a resumed run still reports its starting point."""
    if result["step"] == 0:
        run.write_metrics({**run.metrics(), "probe_before": result})


def summary_lines(metrics: dict[str, Any]) -> list[str]:
    """What a user reads after the run: preference accuracy and margin, KL, length and reward of sampled replies."""

    def fmt(value: Any) -> str:
        return "n/a" if value is None else f"{value:.3f}"

    lines = [
        f"validation pairs: reward accuracy {fmt(metrics['eval_reward_accuracy_before'])} -> "
        f"{fmt(metrics['eval_reward_accuracy_after'])}, margin {fmt(metrics['eval_reward_margin_before'])} -> "
        f"{fmt(metrics['eval_reward_margin_after'])}",
    ]
    before, after = metrics.get("probe_before") or {}, metrics.get("probe_after") or {}
    if after:
        lines.append(
            f"sampled replies: KL to the SFT model {fmt(after.get('kl'))} nats, length "
            f"{fmt(before.get('reply_length'))} -> {fmt(after.get('reply_length'))} tokens"
        )
    if "reward" in after:
        lines.append(f"reward-model score of sampled replies: {fmt(before.get('reward'))} -> {fmt(after['reward'])}")
    return lines
