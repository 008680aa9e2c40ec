"""`align run reward`: a Bradley-Terry reward model on preference pairs with TRL's RewardTrainer.

Reads top to bottom in the order it works: seed, data, model, trainer, train, save, held-out report.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any, Literal

from align.config import PeftSection, Recipe, ResolvedConfig, RunSection
from align.models import DEFAULT_MODEL
from align.preference_data import PreferenceDataSection, load_preference_splits, source_fingerprint
from align.runs import RunDirectory
from align.training import load_kwargs, lora_config, save_weights
from align.training_prompts import record_training_prompts

log = logging.getLogger(__name__)

# Our defaults, under whatever the user's `train:` section sets; chosen for small models on CPU.
# - no activation checkpointing (TRL's default is on): a 135M model fits easily, recomputing costs ~30%;
# - center_rewards_coefficient (Eisenstein et al. 2023): rewards near zero mean, as PPO wants them;
# - pairs longer than max_length tokens are dropped by TRL (counseling replies are short).
REWARD_TRAIN_DEFAULTS: dict[str, Any] = {
    "num_train_epochs": 2,
    "learning_rate": 1e-4,
    "lr_scheduler_type": "cosine",
    "warmup_steps": 0.05,
    "per_device_train_batch_size": 8,
    "per_device_eval_batch_size": 8,
    "max_length": 512,
    "activation_checkpointing": False,
    "center_rewards_coefficient": 0.01,
    "logging_steps": 5,
    "eval_strategy": "no",
    "save_strategy": "steps",
    "save_steps": 25,
    "save_total_limit": 2,
    "report_to": ["tensorboard"],
    "dataloader_num_workers": 0,
}


@dataclass
class RewardModelSection:
    """The backbone the reward head goes on: point ``path`` at an SFT run (its merged weights)."""

    path: str = DEFAULT_MODEL  # an SFT run directory, a checkpoint folder, the default model or a hub id
    dtype: Literal["auto", "bfloat16", "float32", "float16"] = "auto"
    trust_remote_code: bool = False


@dataclass
class RewardSection:
    """How each pair counts in the loss, and what the held-out report flags."""

    margins: bool = True  # Llama 2's margin loss: r_chosen - r_rejected must exceed the rating gap x margin_scale
    margin_scale: float = 1.0  # per point of the 1-5 rating gap
    agreement_weights: bool = True  # weight each pair's loss by the annotators' agreement on it
    length_warning: float = 0.5  # warn when |Spearman(reward, reply length)| on held-out replies exceeds this

    def validate(self) -> list[str]:
        problems = []
        if self.margin_scale < 0:
            problems.append(f"margin_scale: must be >= 0, found {self.margin_scale}")
        if not 0 < self.length_warning <= 1:
            problems.append(f"length_warning: must be in (0, 1], found {self.length_warning}")
        return problems


RECIPE = Recipe(
    name="reward",
    sections={
        "model": RewardModelSection,
        "data": PreferenceDataSection,
        "peft": PeftSection,
        "reward": RewardSection,
        "run": RunSection,
    },
    trainer_config="trl.RewardConfig",
    train_defaults=REWARD_TRAIN_DEFAULTS,
)
DATA_UNIT = "preference pairs"


def check_data(config: ResolvedConfig) -> dict[str, int]:
    """Load and validate every data source of the config (no model); return pair counts."""
    train, validation = load_preference_splits(config.data)
    return {"train": len(train), "validation": len(validation)}


def as_dataset(pairs: list[dict[str, Any]], reward: RewardSection):
    """The columns RewardTrainer reads: prompt/chosen/rejected, plus margin and weight when used."""
    from datasets import Dataset

    rows = []
    for pair in pairs:
        row = {"prompt": pair["prompt"], "chosen": pair["chosen"], "rejected": pair["rejected"]}
        if reward.margins:
            row["margin"] = pair["margin"] * reward.margin_scale
        if reward.agreement_weights:
            row["weight"] = pair["weight"]
        rows.append(row)
    return Dataset.from_list(rows)


def load_backbone(model_section: RewardModelSection, peft: PeftSection):
    """The reward model to train (a fresh one-scalar head on the backbone) and its tokenizer."""
    from align.models import load_tokenizer, resolve_model
    from reward.model import fp32_reward_head, load_reward_model

    resolved = resolve_model(model_section.path)
    dtype, kwargs = load_kwargs(model_section, peft)
    model = load_reward_model(resolved, dtype, model_section.trust_remote_code, **kwargs)
    fp32_reward_head(model)
    tokenizer = load_tokenizer(resolved, model_section.trust_remote_code)
    return model, tokenizer, resolved


def run(config: ResolvedConfig, run: RunDirectory, resume_from: str | None = None) -> dict[str, Any]:
    """Train the reward model, evaluate before and after, save it, and write the held-out report."""
    from transformers import set_seed

    from align.model_card import write_model_card
    from reward.model import reward_head_name
    from reward.trainer import WeightedPreferenceCollator, WeightedRewardTrainer

    model_section, data, peft, reward, run_section = config.model, config.data, config.peft, config.reward, config.run
    args = config.train
    args.output_dir = str(run.checkpoints)
    os.environ["TENSORBOARD_LOGGING_DIR"] = str(run.path / "tensorboard")
    args.seed = run_section.seed

    set_seed(run_section.seed)  # before loading: the new reward head is randomly initialised
    train_pairs, validation_pairs = load_preference_splits(data)
    log.info("data: %d training and %d validation pairs", len(train_pairs), len(validation_pairs))
    record_training_prompts(run.path, (pair["prompt"] for pair in train_pairs))  # checked against eval prompts

    model, tokenizer, resolved = load_backbone(model_section, peft)
    run.update_info(
        base_model={"spec": model_section.path, "path": resolved.path, "adapter": resolved.adapter},
        data={"train": source_fingerprint(data.train), "validation": source_fingerprint(data.validation or data.train)},
    )
    trainer = WeightedRewardTrainer(
        model=model,
        args=args,
        data_collator=WeightedPreferenceCollator(tokenizer.pad_token_id, args.pad_to_multiple_of),
        train_dataset=as_dataset(train_pairs, reward),
        eval_dataset=as_dataset(validation_pairs, reward),
        processing_class=tokenizer,
        peft_config=lora_config(peft, "SEQ_CLS", modules_to_save=[reward_head_name(model)]),  # the new head fully
    )
    (run.path / "trainer_args.json").write_text(args.to_json_string())
    if dropped := len(train_pairs) - len(trainer.train_dataset):
        log.warning(
            "%d of %d training pairs are over train.max_length=%s tokens: left out",
            dropped,
            len(train_pairs),
            args.max_length,
        )

    before = trainer.evaluate(metric_key_prefix="eval") if resume_from is None else run.metrics().get("before", {})
    run.write_metrics({"before": before})
    result = trainer.train(resume_from_checkpoint=resume_from)
    after = trainer.evaluate(metric_key_prefix="eval")

    saved = save_weights(trainer, tokenizer, peft, run.path)
    report = held_out(trainer.model, tokenizer, validation_pairs, reward, args.per_device_eval_batch_size)
    metrics = {
        "eval_loss_before": before.get("eval_loss"),
        "eval_loss_after": after.get("eval_loss"),
        "eval_accuracy_before": before.get("eval_accuracy"),
        "eval_accuracy_after": after.get("eval_accuracy"),
        "heldout_accuracy": report["accuracy"],
        "heldout_accuracy_ci95": report["accuracy_ci95"],
        "heldout_ece": report["ece"],
        "heldout_length_spearman": report["length_spearman"],
        "heldout": report,
        "warnings": report["warnings"],
        "train_loss": result.training_loss,
        "train_runtime_s": result.metrics.get("train_runtime"),
        "train_steps": trainer.state.global_step,
        "train_pairs": len(trainer.train_dataset),
        "validation_pairs": len(validation_pairs),
        "before": before,
        "after": after,
        "log_history": trainer.state.log_history,
        "saved": saved,
        "highlights": report_lines(report),
        "use_it": f"score replies with it: align score --model {run.path} --input FILE.jsonl",
    }
    run.write_metrics(metrics)
    summary_keys = ("eval_loss_before", "eval_loss_after", "heldout_accuracy", "heldout_ece", "train_steps")
    write_model_card(
        run,
        "Counseling reward model",
        {k: metrics[k] for k in summary_keys},
        run.stored_config() or {},
        usage=f"align score --model {run.path} --input replies.jsonl --output scored.jsonl",
        details=model_card_section(report),
    )
    return metrics


def held_out(model, tokenizer, pairs: list[dict[str, Any]], reward: RewardSection, batch_size: int) -> dict[str, Any]:
    """Score every validation pair with the trained model and compute the report (reward/report.py)."""
    from reward.report import held_out_report
    from reward.score import RewardScorer

    scorer = RewardScorer(model, tokenizer, batch_size=batch_size)
    prompts = [p["prompt"] for p in pairs]
    chosen = scorer.score(prompts, [p["chosen"] for p in pairs], progress=True)
    rejected = scorer.score(prompts, [p["rejected"] for p in pairs], progress=True)
    # length in characters of the reply: independent of the tokenizer, so comparable across runs
    chosen_len = [len(p["chosen"][0]["content"]) for p in pairs]
    rejected_len = [len(p["rejected"][0]["content"]) for p in pairs]
    return held_out_report(chosen, rejected, chosen_len, rejected_len, reward.length_warning)


def report_lines(report: dict[str, Any]) -> list[str]:
    low, high = report["accuracy_ci95"]
    rho = report["length_spearman"]
    lines = [
        f"held-out pairwise accuracy: {report['accuracy']:.3f} (95% CI {low:.3f}-{high:.3f}, {report['pairs']} pairs)",
        f"calibration (ECE of sigmoid(r_chosen - r_rejected)): {report['ece']:.3f}",
        f"reward vs reply length: Spearman {'n/a' if rho is None else f'{rho:.2f}'}; "
        f"the longer reply was chosen in {report['longer_chosen_rate']:.0%} of pairs",
    ]
    return lines + [f"warning: {w}" for w in report["warnings"]]


def model_card_section(report: dict[str, Any]) -> str:
    bullets = "\n".join(f"- {line}" for line in report_lines(report))
    return (
        "## Held-out report\n\n"
        f"{bullets}\n\n"
        "Accuracy: share of validation pairs where the chosen reply gets the higher reward, with a Wilson "
        "interval. ECE: each pair counted in both orders, 10 equal-width bins (see `reward/report.py`).\n"
    )
