"""`align run ppo`: classic RLHF against a trained reward model, with the platform's own PPO loop.

Reads top to bottom in the order it works: seed, prompts, policy (+ LoRA + value head), the reward
(``reward:``, weighted terms from ``align.rewards``: the reward model, safety, crisis referral,
length), held-out replies before, PPO (``align.ppo.trainer``), held-out replies after, save, metrics.
There is no TRL config class for PPO (TRL removed its PPOTrainer in 1.13), so the hyper-parameters
are our own ``ppo:`` section, checked key by key like every other section.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from align.config import ConfigError, ModelSection, PeftSection, Recipe, ResolvedConfig, RunSection
from align.ppo.prompts import PromptDataSection, conversation_prompts, load_prompts, with_system_prompt
from align.preference_data import source_fingerprint
from align.rewards import RewardSection
from align.runs import RunDirectory, file_fingerprint
from align.training_prompts import record_training_prompts

log = logging.getLogger(__name__)


@dataclass
class PPOSection:
    """PPO hyper-parameters. Defaults follow Ziegler et al. 2019 and TRL's former PPOTrainer, sized for LoRA."""

    steps: int = 100  # PPO iterations: each samples one rollout, then updates on it
    batch_size: int = 16  # prompts per rollout, on each process
    mini_batch_size: int = 8  # replies per gradient step
    ppo_epochs: int = 2  # passes over each rollout
    learning_rate: float = 1.0e-4  # AdamW, constant; LoRA wants more than a full fine-tune's ~1e-6
    init_kl_coef: float = 0.05  # beta: the per-token KL penalty to the SFT reference
    target_kl: float | None = 6.0  # nats per reply the adaptive controller steers to; null: beta stays fixed
    kl_horizon: int = 10000  # the adaptive controller's horizon (Ziegler et al.): larger adapts slower
    gamma: float = 1.0  # discount
    lam: float = 0.95  # GAE lambda
    clip_range: float = 0.2  # policy ratio clip
    clip_range_value: float = 0.2  # value clip, around the rollout's values
    vf_coef: float = 0.1  # value loss weight (the value head shares the policy's backbone)
    entropy_coef: float = 0.0  # entropy bonus weight
    whiten_rewards: bool = False  # scale per-token rewards to unit variance before GAE
    missing_eos_penalty: float | None = None  # taken off the score of a reply cut off at max_new_tokens
    max_new_tokens: int = 64
    temperature: float = 1.0  # sampling temperature; log-probs are of the same tempered distribution
    top_p: float = 1.0
    max_grad_norm: float | None = 1.0
    save_steps: int = 10  # checkpoint every N steps (and at the end), for resuming after a kill
    save_total_limit: int = 2  # finished checkpoints kept

    def validate(self) -> list[str]:
        problems = []
        positive = ("steps", "batch_size", "mini_batch_size", "ppo_epochs", "kl_horizon", "max_new_tokens")
        for name in (*positive, "save_steps", "save_total_limit"):
            if getattr(self, name) < 1:
                problems.append(f"{name}: must be at least 1, found {getattr(self, name)}")
        for name in ("learning_rate", "temperature", "clip_range", "clip_range_value"):
            if getattr(self, name) <= 0:
                problems.append(f"{name}: must be > 0, found {getattr(self, name)}")
        for name in ("init_kl_coef", "vf_coef", "entropy_coef"):
            if getattr(self, name) < 0:
                problems.append(f"{name}: must be >= 0, found {getattr(self, name)}")
        if self.mini_batch_size > self.batch_size:
            problems.append(f"mini_batch_size: {self.mini_batch_size} is more than batch_size {self.batch_size}")
        if self.target_kl is not None and self.target_kl <= 0:
            problems.append(f"target_kl: must be > 0 (or null for a fixed coefficient), found {self.target_kl}")
        for name in ("gamma", "lam", "top_p"):
            if not 0 < getattr(self, name) <= 1:
                problems.append(f"{name}: must be in (0, 1], found {getattr(self, name)}")
        return problems


@dataclass
class ScoringModelSection:
    """The trained reward model that scores each sampled reply (``align run reward``'s run directory)."""

    path: str | None = None  # e.g. runs/reward-20261123-101500 (required)
    dtype: Literal["auto", "bfloat16", "float32", "float16"] = "auto"
    batch_size: int = 16  # replies scored per forward pass
    trust_remote_code: bool = False

    def validate(self) -> list[str]:
        if not self.path:
            return ["path: required: the reward model to score replies with, e.g. runs/reward-20261123-101500"]
        return [] if self.batch_size >= 1 else [f"batch_size: must be at least 1, found {self.batch_size}"]


RECIPE = Recipe(
    name="ppo",
    sections={
        "model": ModelSection,
        "data": PromptDataSection,
        "peft": PeftSection,
        "ppo": PPOSection,
        "reward_model": ScoringModelSection,
        "reward": RewardSection,
        "run": RunSection,
    },
    trainer_config=None,  # our own loop: its settings are the `ppo:` section
)
DATA_UNIT = "prompts"


def check_data(config: ResolvedConfig) -> dict[str, int]:
    """Check the prompt sources (no model) and that the policy gets a LoRA adapter; return prompt counts."""
    if config.peft.method == "full":
        raise ConfigError(
            config.source,
            ["peft.method: PPO trains a LoRA adapter (its reference is the same model with it off); use lora or qlora"],
        )
    train, validation = load_prompt_splits(config.data, config.model.system_prompt)
    return {"train": len(train), "validation": len(validation)}


def load_prompt_splits(data: PromptDataSection, system_prompt: str) -> tuple[list[dict], list[dict]]:
    """Training and held-out prompts; each carries ``conversation``, what the policy sees (with the system prompt)."""

    def prepared(prompts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**p, "conversation": with_system_prompt(p["prompt"], system_prompt)} for p in prompts]

    train = load_prompts(data.train, data.max_prompts)
    for source in data.extra_train:  # max_prompts limits data.train alone
        train += conversation_prompts(source)
    validation = load_prompts(data.validation, data.max_validation_prompts) if data.validation else []
    return prepared(train), prepared(validation)


def mixed_precision(model: ModelSection) -> str:
    """bf16 autocast where the hardware is fast at it, unless the config asks for another dtype."""
    from align.models import bf16_available

    return "bf16" if bf16_available() and model.dtype in ("auto", "bfloat16") else "no"


def with_lora(lm, peft: PeftSection):
    """The policy: the SFT model with a fresh LoRA adapter (its base weights are the frozen reference)."""
    from peft import get_peft_model, prepare_model_for_kbit_training

    from align.training import lora_config

    if peft.method == "qlora":
        lm = prepare_model_for_kbit_training(lm, use_gradient_checkpointing=False)
    return get_peft_model(lm, lora_config(peft))


def run(config: ResolvedConfig, run: RunDirectory, resume_from: str | None = None) -> dict[str, Any]:
    """PPO from the SFT model against the reward model; held-out replies scored before and after; save.

    With several processes (``accelerate launch``), each samples its own share of every batch; the
    main process alone evaluates held-out prompts and writes the run directory's files.
    """
    from transformers import set_seed

    from align.ppo import trainer as ppo
    from align.rewards import RewardTerms
    from align.training import load_policy
    from reward.score import RewardScorer

    model_section, data, peft, settings, seed = config.model, config.data, config.peft, config.ppo, config.run.seed
    scoring = config.reward_model
    set_seed(seed)  # before the LoRA adapter and value head are created
    train_prompts, heldout_prompts = load_prompt_splits(data, model_section.system_prompt)
    log.info("data: %d training and %d held-out prompts", len(train_prompts), len(heldout_prompts))

    # The reward terms first: on a machine that has not built the reply-safety classifier yet, the
    # safety terms build it here, with a Trainer of its own that resets accelerate's process-wide
    # state; an Accelerator made before that would be left without one.
    scorer = RewardScorer.load(scoring.path, scoring.dtype, scoring.batch_size, None, scoring.trust_remote_code)
    terms = RewardTerms(config.reward, scorer)
    accelerator = ppo.make_accelerator(mixed_precision(model_section))
    main = accelerator.is_main_process
    lm, tokenizer, resolved = load_policy(model_section, peft)
    model = ppo.PolicyWithValueHead(with_lora(lm, peft)).eval()  # no dropout, ever: see align/ppo/trainer.py
    if not getattr(lm, "is_quantized", False):  # a 4-bit model is placed on the GPU as it loads
        model.to(accelerator.device)
    model.value_head.to(accelerator.device)
    if main:
        run.update_info(**provenance(model_section, resolved, scoring, data), world_size=accelerator.num_processes)
        record_training_prompts(run.path, (prompt["prompt"] for prompt in train_prompts))

    def heldout(reference: bool, file: str) -> list[dict[str, Any]]:
        """Replies to the held-out prompts from the SFT model (reference) or the policy, saved to ``file``."""
        rows = []
        if main and heldout_prompts:
            with accelerator.autocast():
                rows = ppo.evaluate(
                    model, tokenizer, terms, heldout_prompts, settings, accelerator.device, seed, reference
                )
            write_jsonl(run.path / file, rows)
        accelerator.wait_for_everyone()
        return rows

    # a resumed run keeps the replies it scored before training started
    before_rows = (
        heldout(True, "heldout_before.jsonl") if resume_from is None else read_jsonl(run.path / "heldout_before.jsonl")
    )
    before = ppo.summarize(before_rows) if before_rows else {}

    def on_log(history: list[dict[str, Any]]) -> None:  # called on the main process after every step
        run.write_metrics({"before": before, "log_history": history})

    result = ppo.train(accelerator, model, tokenizer, terms, train_prompts, settings, run, seed, resume_from, on_log)
    after_rows = heldout(False, "heldout_after.jsonl")
    after = ppo.summarize(after_rows) if after_rows else {}
    saved = save_policy(accelerator, model, tokenizer, peft, run.path)
    metrics = {
        "reward_before": before.get("reward"),
        "reward_after": after.get("reward"),
        "kl_after": after.get("kl"),
        "reply_length_before": before.get("reply_length"),
        "reply_length_after": after.get("reply_length"),
        "heldout_prompts": len(after_rows),
        "train_steps": result.steps,
        "train_runtime_s": result.runtime_s,
        "kl_coef_final": result.kl_coef,
        "reward_weights": terms.weights,
        "length_target_words": terms.length_target,
        "before": before,
        "after": after,
        "log_history": result.history,
        "warnings": result.warnings,
        "saved": saved,
    }
    metrics["highlights"] = highlights(metrics)
    if main:
        write_results(run, metrics)
    return metrics


def write_results(run: RunDirectory, metrics: dict[str, Any]) -> None:
    """``metrics.json`` and the model card."""
    from align.model_card import write_model_card

    run.write_metrics(metrics)
    summary_keys = ("reward_before", "reward_after", "kl_after", "reply_length_after", "train_steps")
    write_model_card(
        run,
        "PPO counseling model",
        {k: metrics[k] for k in summary_keys},
        run.stored_config() or {},
        details="## PPO\n\n" + "\n".join(f"- {line}" for line in metrics["highlights"]) + "\n",
    )


def provenance(model: ModelSection, resolved, scoring: ScoringModelSection, data: PromptDataSection) -> dict:
    """Where the run came from: the SFT run (or checkpoint), the reward model and its preference data, the prompts."""
    from align.models import resolve_model

    def run_info(path: str) -> dict[str, Any] | None:
        file = Path(path) / "run.json"
        if not file.is_file():
            return None
        info = json.loads(file.read_text())
        keys = ("recipe", "status", "git_commit", "base_model", "data")
        return {"path": str(Path(path).resolve()), **{k: info.get(k) for k in keys}}

    return {
        "base_model": {"spec": model.path, "path": resolved.path, "adapter": resolved.adapter},
        "sft_run": run_info(model.path),
        "reward_model": {"spec": scoring.path, "path": resolve_model(scoring.path).path, "run": run_info(scoring.path)},
        "data": {
            "train": source_fingerprint(data.train),
            **{f"extra_train[{i}]": file_fingerprint(source) for i, source in enumerate(data.extra_train)},
            **({"validation": source_fingerprint(data.validation)} if data.validation else {}),
        },
    }


def save_policy(accelerator, model, tokenizer, peft: PeftSection, run_path: Path) -> dict[str, str]:
    """The LoRA adapter and merged checkpoint (``align.training.save_weights``), plus the value head."""
    from types import SimpleNamespace

    from safetensors.torch import save_file

    from align.training import save_weights

    accelerator.wait_for_everyone()
    if not accelerator.is_main_process:
        return {}
    model = accelerator.unwrap_model(model)
    head = {k: v.detach().cpu().contiguous() for k, v in model.value_head.state_dict().items()}
    save_file(head, run_path / "value_head.safetensors")
    tokenizer.padding_side = "right"
    saved = save_weights(SimpleNamespace(model=model.lm), tokenizer, peft, run_path)
    return {**saved, "value_head": str(run_path / "value_head.safetensors")}


def highlights(metrics: dict[str, Any]) -> list[str]:
    lines = []
    if metrics["reward_after"] is not None:
        lines.append(
            f"held-out reward: {metrics['reward_before']:.3f} -> {metrics['reward_after']:.3f} "
            f"({metrics['heldout_prompts']} prompts); KL to the SFT model {metrics['kl_after']:.2f} nats per reply; "
            f"reply length {metrics['reply_length_before']:.1f} -> {metrics['reply_length_after']:.1f} tokens"
        )
    history = metrics["log_history"]
    if history:
        first, last = history[0], history[-1]
        lines.append(
            f"training: reward {first['reward']:.3f} -> {last['reward']:.3f}, KL {first['kl']:.2f} -> {last['kl']:.2f}"
            f" over {metrics['train_steps']} steps; KL coefficient {metrics['kl_coef_final']:.4f}"
        )
    return lines + [f"warning: {w}" for w in metrics["warnings"]]


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.is_file() else []
