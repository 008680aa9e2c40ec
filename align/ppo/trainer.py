"""The PPO loop on ``accelerate``: the same code on one CPU and on many GPUs.

One step of ``train`` reads top to bottom:

1. ``rollout``: sample replies to a batch of prompts from the LoRA policy. One forward pass gives
   the policy's log-probs, entropies and values; the same pass with the adapter switched off gives
   the SFT reference's log-probs (the reference is the policy's own base weights: no second copy).
   The reward's terms (``align.rewards``: the reward model, and the safety, crisis-referral and
   length terms where they are on) score each (prompt, reply) as text, so any tokenizer will do.
2. ``advantages_and_returns``: per-token rewards (the score at the reply's last token, -beta x KL at
   every token), GAE and whitened advantages, all from ``align.ppo.core``.
3. ``ppo_update``: ``ppo_epochs`` passes over shuffled minibatches of the clipped policy loss plus
   ``vf_coef`` x the clipped value loss (minus ``entropy_coef`` x entropy), gradient clipping, AdamW.
4. The KL controller moves beta towards ``target_kl`` with the batch's mean KL per reply.

Every step is logged to TensorBoard and the run's ``metrics.json``: ``reward`` (the weighted total),
each term as ``reward/<term>``, ``kl``, ``reply_length`` and ``entropy`` (the names
``align.monitoring`` reads for reward hacking), plus
``kl_coef``, the losses, ``clipfrac``, ``approx_kl``, returns and values. A checkpoint holds the
trainable weights (LoRA + value head), the AdamW state, the KL coefficient, the step, the log so
far and each process's RNG state; its ``trainer_state.json`` is written last, so a save cut short
by a kill is skipped on resume (``align.runs.RunDirectory.last_checkpoint``).

Dropout stays off (the model is in eval mode throughout), as in TRL's former PPOTrainer: the
probability ratio of the first minibatch is then exactly 1.
"""

from __future__ import annotations

import json
import logging
import random
import shutil
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch

from align.monitoring import reward_hacking_warnings
from align.ppo.core import (
    AdaptiveKLController,
    FixedKLController,
    KLController,
    clipped_policy_loss,
    clipped_value_loss,
    entropy_from_logits,
    gae,
    logprobs_from_logits,
    masked_mean,
    masked_whiten,
    per_token_rewards,
)
from align.runs import RunDirectory, write_json_atomic

if TYPE_CHECKING:
    from accelerate import Accelerator
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

    from align.ppo.recipe import PPOSection
    from align.rewards import RewardTerms

log = logging.getLogger(__name__)

CHECKPOINT_MARKER = "trainer_state.json"  # written last: its presence means the save finished


class PolicyWithValueHead(torch.nn.Module):
    """The policy LM plus a value head V(s_t) = w . h_t + b on its last hidden states.

    The value head shares the LoRA backbone with the policy, as TRL's former
    ``AutoModelForCausalLMWithValueHead`` did: one ``Linear(hidden, 1)`` in fp32, zero-initialised
    so values start at 0 and the first advantages are the rewards themselves.
    """

    def __init__(self, lm: PreTrainedModel) -> None:
        super().__init__()
        self.lm = lm
        self.value_head = torch.nn.Linear(lm.config.get_text_config().hidden_size, 1, dtype=torch.float32)
        torch.nn.init.zeros_(self.value_head.weight)
        torch.nn.init.zeros_(self.value_head.bias)
        self._in_reference = False

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, response_length: int
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Logits ``[batch, response_length, vocab]`` and values ``[batch, response_length]`` of the reply tokens.

        ``input_ids`` is prompt (left-padded) then reply (right-padded). Position t of the result
        predicts reply token t, and its value is that of the state before it. Position ids count
        real tokens only, as in generation, so left padding changes nothing.
        """
        position_ids = (attention_mask.cumsum(-1) - 1).clamp(min=0)
        output = self.lm(
            input_ids=input_ids,
            attention_mask=attention_mask,
            position_ids=position_ids,
            output_hidden_states=True,
            logits_to_keep=response_length + 1,
            use_cache=False,
        )
        hidden = output.hidden_states[-1][:, -response_length - 1 : -1]
        values = self.value_head(hidden.float()).squeeze(-1)
        return output.logits[:, :-1], values


@contextmanager
def reference_weights(model: PolicyWithValueHead) -> Iterator[None]:
    """The SFT reference: the policy with its LoRA adapter switched off (re-entrant)."""
    if model._in_reference:
        yield
        return
    model._in_reference = True
    try:
        with model.lm.disable_adapter():
            yield
    finally:
        model._in_reference = False


# ---------------------------------------------------------------- rollout


@dataclass
class Rollout:
    """One batch of sampled replies and everything PPO needs about them (per-token tensors are [batch, reply_len])."""

    query_response: torch.Tensor  # prompt (left-padded) + reply (right-padded)
    attention_mask: torch.Tensor
    response: torch.Tensor
    mask: torch.Tensor  # 1 at reply tokens up to and including the end-of-turn token
    logprobs: torch.Tensor
    ref_logprobs: torch.Tensor
    values: torch.Tensor
    entropy: torch.Tensor
    scores: torch.Tensor  # [batch] the reward: the weighted sum of its terms
    terms: dict[str, torch.Tensor]  # [batch] each term's unweighted value, e.g. terms["reward_model"]
    ended: torch.Tensor  # [batch] whether the reply ended with an end-of-turn token
    replies: list[str]


def encode_prompts(
    tokenizer: PreTrainedTokenizerBase, conversations: list[list[dict[str, str]]], device: torch.device
) -> tuple[torch.Tensor, torch.Tensor]:
    """Chat-templated prompts, ending with the assistant header, as one left-padded batch."""
    texts = [tokenizer.apply_chat_template(c, tokenize=False, add_generation_prompt=True) for c in conversations]
    tokenizer.padding_side = "left"
    batch = tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=False)
    return batch["input_ids"].to(device), batch["attention_mask"].to(device)


def end_token_ids(lm: PreTrainedModel, tokenizer: PreTrainedTokenizerBase) -> list[int]:
    """Tokens that end a reply: the tokenizer's EOS and the model's generation EOS (a chat model's end of turn)."""
    ids = {tokenizer.eos_token_id}
    configured = getattr(lm.generation_config, "eos_token_id", None)
    ids.update(configured if isinstance(configured, list) else [configured])
    return sorted(i for i in ids if i is not None)


def response_mask(response: torch.Tensor, end_ids: list[int]) -> torch.Tensor:
    """1 at each reply token up to and including its first end token, 0 after it (generation's padding)."""
    is_end = torch.isin(response, torch.tensor(end_ids, device=response.device)).long()
    ended_before = (is_end.cumsum(-1) - is_end) > 0
    return (~ended_before).long()


@torch.no_grad()
def token_stats(
    model: PolicyWithValueHead,
    query_response: torch.Tensor,
    attention_mask: torch.Tensor,
    response: torch.Tensor,
    temperature: float,
    chunk: int,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Log-probs, entropies and values of the reply tokens, ``chunk`` sequences at a time."""
    out: dict[str, list[torch.Tensor]] = defaultdict(list)
    for start in range(0, len(response), chunk):
        rows = slice(start, start + chunk)
        logits, values = model(query_response[rows], attention_mask[rows], response.shape[1])
        logits = logits.float() / temperature
        out["logprobs"].append(logprobs_from_logits(logits, response[rows]))
        out["entropy"].append(entropy_from_logits(logits))
        out["values"].append(values.float())
    return torch.cat(out["logprobs"]), torch.cat(out["entropy"]), torch.cat(out["values"])


@torch.no_grad()
def rollout(
    model: PolicyWithValueHead,
    tokenizer: PreTrainedTokenizerBase,
    terms: RewardTerms,
    prompts: list[dict[str, Any]],
    settings: PPOSection,
    device: torch.device,
) -> Rollout:
    """Sample one reply per prompt, then score it: policy and reference log-probs, values, the reward's terms."""
    input_ids, prompt_mask = encode_prompts(tokenizer, [p["conversation"] for p in prompts], device)
    end_ids = end_token_ids(model.lm, tokenizer)
    output = model.lm.generate(
        input_ids=input_ids,
        attention_mask=prompt_mask,
        do_sample=True,
        temperature=settings.temperature,
        top_p=settings.top_p,
        top_k=0,
        max_new_tokens=settings.max_new_tokens,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=end_ids,
    )
    response = output[:, input_ids.shape[1] :]
    mask = response_mask(response, end_ids)
    query_response = torch.cat([input_ids, response], dim=1)
    attention_mask = torch.cat([prompt_mask, mask], dim=1)
    chunk = settings.mini_batch_size
    logprobs, entropy, values = token_stats(
        model, query_response, attention_mask, response, settings.temperature, chunk
    )
    with reference_weights(model):
        ref_logprobs, _, _ = token_stats(model, query_response, attention_mask, response, settings.temperature, chunk)
    lengths = mask.sum(-1)
    replies = [
        tokenizer.decode(ids[:n], skip_special_tokens=True).strip()
        for ids, n in zip(response.tolist(), lengths.tolist(), strict=True)
    ]
    scores, term_values = terms.score([p["prompt"] for p in prompts], replies, [p.get("risk") for p in prompts])
    ended = torch.isin(response, torch.tensor(end_ids, device=device)).any(-1)
    return Rollout(
        query_response=query_response,
        attention_mask=attention_mask,
        response=response,
        mask=mask.float(),
        logprobs=logprobs,
        ref_logprobs=ref_logprobs,
        values=values,
        entropy=entropy,
        scores=torch.tensor(scores, dtype=torch.float32, device=device),
        terms={name: torch.tensor(v, dtype=torch.float32, device=device) for name, v in term_values.items()},
        ended=ended,
        replies=replies,
    )


# ---------------------------------------------------------------- advantages and the update


def whiten(values: torch.Tensor, mask: torch.Tensor, shift_mean: bool = True) -> torch.Tensor:
    """``masked_whiten``, or ``values`` unchanged when fewer than 2 tokens are valid (no variance to divide by)."""
    return masked_whiten(values, mask, shift_mean) if mask.sum() >= 2 else values


def advantages_and_returns(
    batch: Rollout, kl_coef: float, settings: PPOSection
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """``(rewards, kl, advantages, returns)``: per-token KL-penalised rewards, GAE, whitened advantages.

    An unfinished reply (no end token) has ``missing_eos_penalty`` taken off its score, as in TRL's
    former PPOTrainer. ``whiten_rewards`` scales rewards to unit variance without moving their mean.
    """
    scores = batch.scores
    if settings.missing_eos_penalty:
        scores = scores - settings.missing_eos_penalty * (~batch.ended).float()
    rewards, kl = per_token_rewards(scores, batch.logprobs, batch.ref_logprobs, batch.mask, kl_coef)
    if settings.whiten_rewards:
        rewards = whiten(rewards, batch.mask, shift_mean=False)
    advantages, returns = gae(rewards, batch.values, batch.mask, settings.gamma, settings.lam)
    return rewards, kl, whiten(advantages, batch.mask), returns


def ppo_update(
    policy: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    accelerator: Accelerator,
    batch: Rollout,
    advantages: torch.Tensor,
    returns: torch.Tensor,
    settings: PPOSection,
    generator: torch.Generator,
) -> dict[str, float]:
    """``ppo_epochs`` passes over shuffled minibatches: clipped policy + value loss - entropy bonus, AdamW steps."""
    stats: dict[str, list[float]] = defaultdict(list)
    response_length = batch.response.shape[1]
    for _ in range(settings.ppo_epochs):
        for rows in torch.randperm(len(batch.response), generator=generator).split(settings.mini_batch_size):
            rows = rows.to(batch.response.device)
            logits, values = policy(batch.query_response[rows], batch.attention_mask[rows], response_length)
            logits = logits.float() / settings.temperature
            logprobs = logprobs_from_logits(logits, batch.response[rows])
            mask = batch.mask[rows]
            policy_loss, policy_stats = clipped_policy_loss(
                logprobs, batch.logprobs[rows], advantages[rows], mask, settings.clip_range
            )
            value_loss, value_stats = clipped_value_loss(
                values, batch.values[rows], returns[rows], mask, settings.clip_range_value
            )
            entropy = masked_mean(entropy_from_logits(logits), mask)
            loss = policy_loss + settings.vf_coef * value_loss - settings.entropy_coef * entropy
            accelerator.backward(loss)
            if settings.max_grad_norm:
                grad_norm = accelerator.clip_grad_norm_(policy.parameters(), settings.max_grad_norm)
                stats["grad_norm"].append(float(grad_norm))
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            stats["policy_loss"].append(policy_loss.item())
            stats["value_loss"].append(value_loss.item())
            for name, value in {**policy_stats, **value_stats}.items():
                stats[name].append(value.item())
    return {name: sum(values) / len(values) for name, values in stats.items()}


def kl_controller(settings: PPOSection) -> KLController:
    """Adaptive towards ``target_kl`` (Ziegler et al. 2019), or fixed when ``target_kl`` is null."""
    if settings.target_kl is None:
        return FixedKLController(settings.init_kl_coef)
    return AdaptiveKLController(settings.init_kl_coef, settings.target_kl, settings.kl_horizon)


# ---------------------------------------------------------------- prompts per step


class PromptSchedule:
    """Which prompts each step samples: every prompt once per epoch, in a fresh order per epoch.

    The order depends only on the seed and the step, so a resumed run sees the same prompts it
    would have seen without the kill. A step's global batch is split between processes.
    """

    def __init__(self, prompts: list[dict[str, Any]], seed: int) -> None:
        self.prompts = prompts
        self.seed = seed
        self._orders: dict[int, list[int]] = {}

    def _order(self, epoch: int) -> list[int]:
        if epoch not in self._orders:
            order = list(range(len(self.prompts)))
            random.Random(self.seed + epoch).shuffle(order)
            self._orders = {epoch: order}  # one epoch at a time is enough
        return self._orders[epoch]

    def batch(self, step: int, per_process: int, process_index: int, num_processes: int) -> list[dict[str, Any]]:
        first = (step * num_processes + process_index) * per_process
        n = len(self.prompts)
        return [self.prompts[self._order(i // n)[i % n]] for i in range(first, first + per_process)]


# ---------------------------------------------------------------- checkpoints


def trainable_state(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {n: p.detach().cpu().contiguous() for n, p in model.named_parameters() if p.requires_grad}


def rng_state() -> dict[str, Any]:
    import numpy as np

    state = {"python": random.getstate(), "numpy": np.random.get_state(), "torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state()
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    import numpy as np

    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state(state["cuda"])


def save_checkpoint(
    folder: Path,
    accelerator: Accelerator,
    model: PolicyWithValueHead,
    optimizer: torch.optim.Optimizer,
    state: dict[str, Any],
) -> None:
    """Trainable weights, AdamW state, each process's RNG, then ``trainer_state.json`` last."""
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    if accelerator.is_main_process:
        save_file(trainable_state(model), folder / "trainable.safetensors")
        torch.save(optimizer.state_dict(), folder / "optimizer.pt")
    torch.save(rng_state(), folder / f"rng_state_{accelerator.process_index}.pth")
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        write_json_atomic(folder / CHECKPOINT_MARKER, state)


def load_checkpoint(
    folder: Path, accelerator: Accelerator, model: PolicyWithValueHead, optimizer: torch.optim.Optimizer
) -> dict[str, Any]:
    """Restore what ``save_checkpoint`` wrote; return its state (step, KL coefficient, log)."""
    from safetensors.torch import load_file

    weights = load_file(folder / "trainable.safetensors", device=str(accelerator.device))
    missing = set(trainable_state(model)) - set(weights)
    if missing:
        raise ValueError(f"{folder}: checkpoint lacks {len(missing)} trainable weights, e.g. {sorted(missing)[0]}")
    model.load_state_dict(weights, strict=False)
    optimizer.load_state_dict(torch.load(folder / "optimizer.pt", map_location=accelerator.device))
    rng_file = folder / f"rng_state_{accelerator.process_index}.pth"
    if rng_file.is_file():  # our own file: it holds numpy and python RNG objects, not just tensors
        set_rng_state(torch.load(rng_file, weights_only=False))
    return json.loads((folder / CHECKPOINT_MARKER).read_text())


def prune_checkpoints(folder: Path, keep: int) -> None:
    """Delete all but the ``keep`` newest finished checkpoints (and unfinished ones older than those)."""
    done = sorted(
        (p for p in folder.glob("checkpoint-*") if (p / CHECKPOINT_MARKER).is_file()),
        key=lambda p: int(p.name.split("-")[-1]),
    )
    if len(done) <= keep:
        return
    oldest_kept = int(done[-keep].name.split("-")[-1])
    for path in folder.glob("checkpoint-*"):
        if path.name.split("-")[-1].isdigit() and int(path.name.split("-")[-1]) < oldest_kept:
            shutil.rmtree(path, ignore_errors=True)


# ---------------------------------------------------------------- held-out evaluation


def evaluate(
    model: PolicyWithValueHead,
    tokenizer: PreTrainedTokenizerBase,
    terms: RewardTerms,
    prompts: list[dict[str, Any]],
    settings: PPOSection,
    device: torch.device,
    seed: int,
    reference: bool,
) -> list[dict[str, Any]]:
    """Fresh replies to held-out prompts from the policy (or the SFT reference): the reward model's score
    (``reward``), the total reward and each term, length, and KL to the reference.

    Sampled like the rollouts, from a fixed seed, without touching the training RNG.
    """
    from tqdm.auto import tqdm

    rows = []
    starts = range(0, len(prompts), settings.batch_size)
    desc = f"held-out replies ({'SFT model' if reference else 'policy'})"
    with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
        torch.manual_seed(seed)
        with reference_weights(model) if reference else nullcontext():
            for start in tqdm(starts, desc=desc, unit="batch"):
                chunk = prompts[start : start + settings.batch_size]
                batch = rollout(model, tokenizer, terms, chunk, settings, device)
                kl = ((batch.logprobs - batch.ref_logprobs) * batch.mask).sum(-1)
                for i, prompt in enumerate(chunk):
                    rows.append(
                        {
                            "prompt_id": prompt["prompt_id"],
                            "prompt": prompt["prompt"],
                            "reply": batch.replies[i],
                            "reward": batch.terms["reward_model"][i].item(),
                            "total_reward": batch.scores[i].item(),
                            "terms": {name: v[i].item() for name, v in batch.terms.items()},
                            "reply_length": int(batch.mask[i].sum().item()),
                            "kl": kl[i].item(),
                        }
                    )
    return rows


def summarize(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Mean reward-model score, total reward, each term, KL and reply length of ``evaluate``'s rows."""
    means = {k: sum(r[k] for r in rows) / len(rows) for k in ("reward", "total_reward", "kl", "reply_length")}
    for name in rows[0]["terms"]:
        means[f"reward/{name}"] = sum(r["terms"][name] for r in rows) / len(rows)
    return means


# ---------------------------------------------------------------- the loop


@dataclass
class PPOResult:
    history: list[dict[str, Any]]
    steps: int
    kl_coef: float
    runtime_s: float
    warnings: list[str]


def make_accelerator(mixed_precision: str) -> Accelerator:
    """A fresh ``Accelerator`` (like transformers' TrainingArguments, one process may run several stages)."""
    from accelerate import Accelerator

    from align.training import reset_accelerator_state

    reset_accelerator_state()
    return Accelerator(mixed_precision=mixed_precision, cpu=not torch.cuda.is_available())


def train(
    accelerator: Accelerator,
    model: PolicyWithValueHead,
    tokenizer: PreTrainedTokenizerBase,
    terms: RewardTerms,
    prompts: list[dict[str, Any]],
    settings: PPOSection,
    run: RunDirectory,
    seed: int,
    resume_from: str | None = None,
    on_log: Any = None,
) -> PPOResult:
    """Run PPO for ``settings.steps`` steps (from a checkpoint's step when resuming); see the module docstring."""
    from torch.utils.tensorboard import SummaryWriter
    from tqdm.auto import tqdm

    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=settings.learning_rate, eps=1e-5, weight_decay=0.0)
    policy, optimizer = accelerator.prepare(model, optimizer)
    model.eval()  # no dropout: see the module docstring
    kl_ctl = kl_controller(settings)
    history: list[dict[str, Any]] = []
    start_step = 0
    if resume_from:
        state = load_checkpoint(Path(resume_from), accelerator, model, optimizer)
        start_step, kl_ctl.value, history = state["global_step"], state["kl_coef"], state["log_history"]
        terms.length_target = terms.length_target or state.get("length_target")
        log.info("resumed from %s at step %d", resume_from, start_step)

    schedule = PromptSchedule(prompts, seed)
    writer = SummaryWriter(str(run.path / "tensorboard")) if accelerator.is_main_process else None
    warned: set[str] = set()
    started = time.time()
    progress = tqdm(
        range(start_step, settings.steps),
        initial=start_step,
        total=settings.steps,
        desc="ppo",
        unit="step",
        disable=not accelerator.is_main_process,
    )
    for step in progress:
        step_started = time.time()
        prompts_now = schedule.batch(step, settings.batch_size, accelerator.process_index, accelerator.num_processes)
        batch = rollout(model, tokenizer, terms, prompts_now, settings, accelerator.device)
        kl_coef = kl_ctl.value
        rewards, kl, advantages, returns = advantages_and_returns(batch, kl_coef, settings)
        generator = torch.Generator().manual_seed(seed * 100_003 + step)
        update = ppo_update(policy, optimizer, accelerator, batch, advantages, returns, settings, generator)
        entry = step_metrics(accelerator, batch, kl, returns, update)
        kl_ctl.update(entry["kl"], settings.batch_size * accelerator.num_processes)
        entry.update(step=step + 1, kl_coef=kl_coef, step_time_s=time.time() - step_started)
        history.append(entry)

        if accelerator.is_main_process:
            for name, value in entry.items():
                if name != "step":
                    writer.add_scalar(f"ppo/{name}", value, step + 1)
            warn_once(history, warned, step + 1)
            progress.set_postfix(reward=f"{entry['reward']:.3f}", kl=f"{entry['kl']:.3f}")
            if on_log:
                on_log(history)
        if (step + 1) % settings.save_steps == 0 or step + 1 == settings.steps:
            folder = run.checkpoints / f"checkpoint-{step + 1}"
            state = {"global_step": step + 1, "kl_coef": kl_ctl.value, "log_history": history}
            state["length_target"] = terms.length_target
            save_checkpoint(folder, accelerator, model, optimizer, state)
            if accelerator.is_main_process:
                prune_checkpoints(run.checkpoints, settings.save_total_limit)
    if writer:
        writer.close()
    return PPOResult(history, settings.steps, kl_ctl.value, time.time() - started, reward_hacking_warnings(history))


def step_metrics(
    accelerator: Accelerator, batch: Rollout, kl: torch.Tensor, returns: torch.Tensor, update: dict[str, float]
) -> dict[str, float]:
    """One step's numbers, averaged over processes: the monitored four first, then PPO's diagnostics."""
    mask = batch.mask
    local = {
        "reward": batch.scores.mean(),
        "reward_std": batch.scores.std() if len(batch.scores) > 1 else torch.tensor(0.0),
        **{f"reward/{name}": values.mean() for name, values in batch.terms.items()},
        "kl": kl.sum(-1).mean(),
        "reply_length": mask.sum(-1).mean(),
        "entropy": masked_mean(batch.entropy, mask),
        "ended_rate": batch.ended.float().mean(),
        "values_mean": masked_mean(batch.values, mask),
        "returns_mean": masked_mean(returns, mask),
        **{name: torch.tensor(value) for name, value in update.items()},
    }
    names = list(local)
    stacked = torch.stack([local[n].float().to(accelerator.device) for n in names])
    averaged = accelerator.reduce(stacked, reduction="mean") if accelerator.num_processes > 1 else stacked
    return dict(zip(names, averaged.tolist(), strict=True))


def warn_once(history: list[dict[str, Any]], warned: set[str], step: int) -> None:
    for warning in reward_hacking_warnings(history):
        kind = warning.split(":")[0]
        if kind not in warned:
            warned.add(kind)
            log.warning("step %d: %s", step, warning)
