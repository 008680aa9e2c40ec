"""`align run rloo` and `align run grpo`: TRL's online trainers, rewarded by the `reward:` section.

Both sample several replies per prompt from the LoRA policy, score each with the reward's terms
(``align.rewards``: the trained reward model, and the safety, crisis-referral and length terms where
they are on, each one of TRL's ``reward_funcs`` with its weight in ``reward_weights``, as in PPO)
and push the policy towards the replies that beat their siblings: RLOO against the leave-one-out
mean (Ahmadian et al. 2024), GRPO against the group's mean and spread (Shao et al. 2024). The
``train:`` section is handed whole to ``trl.RLOOConfig`` / ``trl.GRPOConfig``. ``align/rloo.py``
and ``align/grpo.py`` declare the two recipes; everything they share is here and reads top to
bottom: seed, prompts, model, reward terms, trainer, train, save, metrics.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from align.config import RUN_OWNS_TRAIN_KEYS, ModelSection, PeftSection, Recipe, ResolvedConfig, RunSection
from align.ppo.prompts import PromptDataSection
from align.ppo.recipe import ScoringModelSection, load_prompt_splits, provenance
from align.rewards import RewardSection
from align.runs import RunDirectory
from align.training_prompts import record_training_prompts

log = logging.getLogger(__name__)

# Our defaults, under whatever the user's `train:` section sets; sized for a small model on CPU.
# - beta > 0 for both (GRPO's TRL default is 0): the KL to the SFT reference is then optimised and logged;
#   the reference is the policy with its LoRA adapter switched off, not a second copy;
# - no activation checkpointing (TRL's default is on): a 135M model fits easily, recomputing costs ~30%;
# - LoRA wants a larger learning rate than TRL's full fine-tune default of 1e-6.
ONLINE_TRAIN_DEFAULTS: dict[str, Any] = {
    "num_train_epochs": 1,
    "learning_rate": 1e-4,
    "per_device_train_batch_size": 8,
    "num_generations": 4,
    "max_completion_length": 64,
    "beta": 0.05,
    "activation_checkpointing": False,
    "logging_steps": 1,
    "save_strategy": "steps",
    "save_steps": 25,
    "save_total_limit": 2,
    "report_to": ["tensorboard"],
    "dataloader_num_workers": 0,
}
DATA_UNIT = "prompts"


def online_recipe(name: str, trainer_config: str) -> Recipe:
    return Recipe(
        name=name,
        sections={
            "model": ModelSection,
            "data": PromptDataSection,
            "peft": PeftSection,
            "reward_model": ScoringModelSection,
            "reward": RewardSection,
            "run": RunSection,
        },
        trainer_config=trainer_config,
        train_defaults=ONLINE_TRAIN_DEFAULTS,
        reserved_train_keys={
            **RUN_OWNS_TRAIN_KEYS,
            "reward_weights": "set by the reward: section (one weight per term, e.g. reward.safety=1.0)",
        },
    )


def check_data(config: ResolvedConfig) -> dict[str, int]:
    """Load and validate the prompt sources (no model); return prompt counts."""
    train, validation = load_prompt_splits(config.data, config.model.system_prompt)
    return {"train": len(train), "validation": len(validation)}


def as_dataset(prompts: list[dict[str, Any]]):
    """``prompt`` (what the policy sees), ``reward_prompt`` (what the reward terms see) and the gold ``risk``."""
    from datasets import Dataset

    rows = [{"prompt": p["conversation"], "reward_prompt": p["prompt"], "risk": p.get("risk")} for p in prompts]
    return Dataset.from_list(rows)


def run_online(
    trainer_name: str, config: ResolvedConfig, run: RunDirectory, resume_from: str | None = None
) -> dict[str, Any]:
    """Train with TRL's ``RLOOTrainer`` or ``GRPOTrainer`` against the reward model; save like SFT."""
    import trl
    from transformers import set_seed

    from align.model_card import write_model_card
    from align.monitoring import hacking_callback, reward_hacking_warnings
    from align.rewards import RewardTerms
    from align.training import load_policy, lora_config, save_weights
    from reward.score import RewardScorer

    model_section, data, peft, scoring = config.model, config.data, config.peft, config.reward_model
    args = config.train
    args.output_dir = str(run.checkpoints)
    os.environ["TENSORBOARD_LOGGING_DIR"] = str(run.path / "tensorboard")
    args.seed = config.run.seed

    set_seed(config.run.seed)
    train_prompts, heldout_prompts = load_prompt_splits(data, model_section.system_prompt)
    log.info("data: %d training and %d held-out prompts", len(train_prompts), len(heldout_prompts))

    model, tokenizer, resolved = load_policy(model_section, peft)
    scorer = RewardScorer.load(scoring.path, scoring.dtype, scoring.batch_size, None, scoring.trust_remote_code)
    terms = RewardTerms(config.reward, scorer)
    args.reward_weights = terms.weights_list()
    run.update_info(**provenance(model_section, resolved, scoring, data))
    record_training_prompts(run.path, (prompt["prompt"] for prompt in train_prompts))
    trainer = getattr(trl, trainer_name)(
        model=model,
        reward_funcs=terms.functions(),
        args=args,
        train_dataset=as_dataset(train_prompts),
        eval_dataset=as_dataset(heldout_prompts) if heldout_prompts else None,  # used when train.eval_strategy is set
        processing_class=tokenizer,
        peft_config=lora_config(peft),
        callbacks=[hacking_callback()],
    )
    (run.path / "trainer_args.json").write_text(args.to_json_string())

    result = trainer.train(resume_from_checkpoint=resume_from)
    saved = save_weights(trainer, tokenizer, peft, run.path)
    history = trainer.state.log_history
    logged = [e for e in history if "reward" in e]
    warnings = reward_hacking_warnings(history)
    metrics = {
        "reward_first": logged[0]["reward"] if logged else None,
        "reward_last": logged[-1]["reward"] if logged else None,
        "kl_last": logged[-1].get("kl") if logged else None,
        "train_loss": result.training_loss,
        "train_runtime_s": result.metrics.get("train_runtime"),
        "train_steps": trainer.state.global_step,
        "train_prompts": len(train_prompts),
        "reward_weights": terms.weights,
        "length_target_words": terms.length_target,
        "log_history": history,
        "warnings": warnings,
        "saved": saved,
    }
    if logged:
        kl = f", KL {logged[-1]['kl']:.3f}" if "kl" in logged[-1] else ""
        metrics["highlights"] = [
            f"reward {logged[0]['reward']:.3f} -> {logged[-1]['reward']:.3f} over {trainer.state.global_step} steps{kl}"
        ] + [f"warning: {w}" for w in warnings]
    run.write_metrics(metrics)
    summary_keys = ("reward_first", "reward_last", "kl_last", "train_steps", "train_prompts")
    title = f"{config.recipe.upper()} counseling model"
    write_model_card(run, title, {k: metrics[k] for k in summary_keys}, run.stored_config() or {})
    return metrics
