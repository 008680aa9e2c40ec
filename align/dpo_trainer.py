"""TRL's DPOTrainer with agreement weights, one row per pair, and the LM head only where the loss needs it.

TRL 1.16's ``DPOTrainer`` has no per-example weights, and it runs every pair as two padded
rows (prompt + chosen, prompt + rejected), projecting every position of both onto the whole
vocabulary (on CPU its fused head scores every position). Counseling prompts carry a long
system prompt, so most of that work is the prompt, done twice. This trainer changes how the
log-probabilities are computed, not what they are:

* **one row per pair** (``SharedPromptCollator``): ``[prompt, chosen, last prompt token, rejected]``,
  with positions and an attention mask that make the rejected branch see the prompt but not
  the chosen reply, so the prompt is run once instead of twice. Each token's hidden state is
  the one it has in TRL's two rows (same context, same positions);
* **the LM head only at completion tokens** (single process; under DDP/FSDP/DeepSpeed the
  forward goes through the wrapped model and TRL's fused head, so gradients stay synchronised);
* **agreement weights**: ``loss = mean_i(w_i * loss_i)``, per loss type as TRL defines it
  (``dpo_pair_losses``; RPO's ``sft`` term weighs each chosen reply's tokens by its pair's weight).
  With every weight 1 this is TRL's loss (a test checks it).

The reference log-probabilities (the adapter-disabled SFT model, or TRL's precomputed ones
with ``precompute_ref_log_probs``) use the same row layout under ``torch.no_grad``.

Features outside this path (f-divergences, LD-DPO, WPO weighting, sorted AOT losses, DiscoPOP,
MoE auxiliary losses, FlashAttention, which takes no custom masks) are listed by
``fast_path_problems``; the recipe then uses TRL's own trainer unchanged and says so.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
from trl import DPOTrainer

# Loss types whose per-pair value depends only on that pair's log-ratios (and lengths).
PAIR_LOSSES = (
    "sigmoid",
    "hinge",
    "ipo",
    "robust",
    "exo_pair",
    "nca_pair",
    "bco_pair",
    "sppo_hard",
    "apo_zero",
    "apo_down",
    "sigmoid_norm",
)
CHOSEN, REJECTED, PREFIX, PAD = 1, 2, 0, -1


def fast_path_problems(args, model) -> list[str]:
    """Why this trainer's path cannot run ``args`` on ``model`` (empty: it can)."""
    problems = [f"loss_type {t!r}" for t in args.loss_type if t not in (*PAIR_LOSSES, "sft")]
    if args.f_divergence_type != "reverse_kl":
        problems.append(f"f_divergence_type={args.f_divergence_type!r}")
    if args.ld_alpha is not None:
        problems.append("ld_alpha (LD-DPO)")
    if args.use_weighting:
        problems.append("use_weighting (WPO)")
    if args.sync_ref_model:
        problems.append("sync_ref_model")
    config = model.config.get_text_config()
    if getattr(config, "output_router_logits", None) is not None:
        problems.append("a Mixture-of-Experts model (router auxiliary loss)")
    attention = getattr(model.config, "_attn_implementation", "sdpa")
    if attention not in ("sdpa", "eager"):
        problems.append(f"attn_implementation={attention!r} (custom attention masks need sdpa or eager)")
    return problems


def dpo_pair_losses(
    loss_type: str,
    chosen_logratios: torch.Tensor,
    rejected_logratios: torch.Tensor,
    chosen_lengths: torch.Tensor,
    rejected_lengths: torch.Tensor,
    beta: float,
    label_smoothing: float = 0.0,
) -> torch.Tensor:
    """Each pair's DPO-family loss, exactly as TRL 1.16 ``DPOTrainer._compute_loss`` writes it.

    ``*_logratios`` are log pi(y|x) - log pi_ref(y|x) summed over the reply's tokens;
    ``*_lengths`` count those tokens (IPO and sigmoid_norm average per token).
    Rafailov et al. 2023 (sigmoid), Azar et al. 2023 (IPO), Chowdhury et al. 2024 (robust).
    """
    delta = chosen_logratios - rejected_logratios
    if loss_type == "sigmoid":
        return -F.logsigmoid(beta * delta)
    if loss_type == "hinge":
        return torch.relu(1 - beta * delta)
    if loss_type in ("ipo", "sigmoid_norm"):
        per_token = chosen_logratios / chosen_lengths.clamp(min=1.0) - rejected_logratios / rejected_lengths.clamp(
            min=1.0
        )
        if loss_type == "ipo":
            return (per_token - 1 / (2 * beta)) ** 2
        return -F.logsigmoid(beta * per_token)
    if loss_type == "robust":
        clean = -(1 - label_smoothing) * F.logsigmoid(beta * delta)
        flipped = -label_smoothing * F.logsigmoid(-beta * delta)
        return (clean - flipped) / (1 - 2 * label_smoothing)
    if loss_type == "exo_pair":
        epsilon = torch.tensor(label_smoothing, device=delta.device)
        qw, ql = torch.sigmoid(beta * delta), torch.sigmoid(-beta * delta)
        return qw * (F.logsigmoid(beta * delta) - torch.log1p(-epsilon)) + ql * (
            F.logsigmoid(-beta * delta) - torch.log(epsilon)
        )
    chosen_rewards, rejected_rewards = beta * chosen_logratios, beta * rejected_logratios
    if loss_type == "nca_pair":
        return (
            -F.logsigmoid(chosen_rewards) - 0.5 * F.logsigmoid(-chosen_rewards) - 0.5 * F.logsigmoid(-rejected_rewards)
        )
    if loss_type == "bco_pair":
        return -F.logsigmoid(chosen_rewards) - F.logsigmoid(-rejected_rewards)
    if loss_type == "sppo_hard":
        return (chosen_logratios - 0.5 / beta) ** 2 + (rejected_logratios + 0.5 / beta) ** 2
    if loss_type == "apo_zero":
        return 1 - torch.sigmoid(chosen_rewards) + torch.sigmoid(rejected_rewards)
    if loss_type == "apo_down":
        return torch.sigmoid(chosen_rewards) + 1 - torch.sigmoid(beta * delta)
    raise ValueError(f"loss_type {loss_type!r} is not a per-pair loss; supported: {list(PAIR_LOSSES)}")


# ---------------------------------------------------------------- one row per pair


def pair_row(prompt: list[int], chosen: list[int], rejected: list[int], max_length: int | None) -> dict[str, list[int]]:
    """One pair as one row: ``[prompt, chosen, last prompt token again, rejected]``.

    ``segment`` says which branch each token is on (prefix 0, chosen 1, rejected 2); ``target``
    is the token each position predicts (-100: none), so the chosen branch starts at the last
    prompt token and the rejected branch at its copy, both at position ``len(prompt) - 1``.
    Truncation matches TRL's collator: prompt + reply cut to ``max_length`` from the end.
    """
    if not prompt:
        raise ValueError("a preference pair needs a non-empty prompt")
    if max_length is not None:
        keep = max(0, max_length - len(prompt))
        chosen, rejected = chosen[:keep], rejected[:keep]
    p = len(prompt)
    return {
        "input_ids": prompt + chosen + prompt[-1:] + rejected,
        "position_ids": [*range(p), *range(p, p + len(chosen)), p - 1, *range(p, p + len(rejected))],
        "segment": [PREFIX] * (p - 1) + [CHOSEN] * (1 + len(chosen)) + [REJECTED] * (1 + len(rejected)),
        "target": [-100] * (p - 1) + chosen + [-100] + rejected + [-100],
        # what TRL's two rows hold (its num_tokens metric), so throughput is counted the same way
        "pair_tokens": [2 * p + len(chosen) + len(rejected)],
    }


@dataclass
class SharedPromptCollator:
    """Batches of pair rows (``pair_row``), right-padded, with weights and precomputed reference log-probs."""

    pad_token_id: int
    max_length: int | None = None
    pad_to_multiple_of: int | None = None

    def __call__(self, examples: list[dict[str, Any]]) -> dict[str, torch.Tensor]:
        rows = [pair_row(e["prompt_ids"], e["chosen_ids"], e["rejected_ids"], self.max_length) for e in examples]
        width = max(len(r["input_ids"]) for r in rows)
        if self.pad_to_multiple_of:
            width = math.ceil(width / self.pad_to_multiple_of) * self.pad_to_multiple_of
        fill = {"input_ids": self.pad_token_id, "position_ids": 0, "segment": PAD, "target": -100}
        batch = {
            key: torch.tensor([r[key] + [value] * (width - len(r[key])) for r in rows], dtype=torch.long)
            for key, value in fill.items()
        }
        batch["pair_tokens"] = torch.tensor([r["pair_tokens"][0] for r in rows], dtype=torch.long)
        batch["weight"] = torch.tensor([float(e.get("weight", 1.0)) for e in examples], dtype=torch.float)
        for key in ("ref_chosen_logps", "ref_rejected_logps"):
            if key in examples[0]:
                batch[key] = torch.tensor([e[key] for e in examples], dtype=torch.float)
        return batch


def branch_attention_mask(segment: torch.Tensor, dtype: torch.dtype, boolean: bool) -> torch.Tensor:
    """``[batch, 1, L, L]`` mask: causal, and a branch sees the shared prompt and itself, never the other branch."""
    length = segment.size(1)
    causal = torch.ones(length, length, dtype=torch.bool, device=segment.device).tril()
    q, k = segment[:, :, None], segment[:, None, :]
    allowed = causal & ((k == PREFIX) | (k == q)) & (k != PAD)
    allowed |= torch.eye(length, dtype=torch.bool, device=segment.device)  # padding rows attend to themselves
    allowed = allowed[:, None]
    if boolean:
        return allowed
    return torch.zeros(allowed.shape, dtype=dtype, device=segment.device).masked_fill(~allowed, torch.finfo(dtype).min)


@dataclass
class PairLogps:
    """Summed log-probabilities of each pair's chosen and rejected reply, plus token statistics."""

    chosen: torch.Tensor
    rejected: torch.Tensor
    chosen_lengths: torch.Tensor
    rejected_lengths: torch.Tensor
    stats: dict[str, torch.Tensor]


def _model_dtype(model) -> torch.dtype:
    return next(p.dtype for p in model.parameters() if p.is_floating_point())


def pair_logps(
    model, batch: dict[str, torch.Tensor], selective: bool = True, statistics: bool = True, unwrapped=None
) -> PairLogps:
    """Log-probabilities of each pair's replies from one forward pass over the pair rows.

    ``selective``: run the decoder of the (unwrapped) model, then the LM head on the reply
    tokens only. Otherwise call ``model`` itself (a DDP/FSDP/DeepSpeed wrapper keeps its
    gradient hooks) with TRL's fused head (``fused_lm_head=True``, added by DPOTrainer);
    ``unwrapped`` is then the model inside the wrapper.
    """
    segment, target = batch["segment"], batch["target"]
    inner = unwrapped if unwrapped is not None else model
    base = inner.get_base_model() if hasattr(inner, "get_base_model") else inner
    attention = getattr(base.config, "_attn_implementation", "sdpa")
    mask = branch_attention_mask(segment, _model_dtype(base), boolean=attention == "sdpa")
    inputs = {"input_ids": batch["input_ids"], "attention_mask": mask, "position_ids": batch["position_ids"]}
    scored = target != -100
    rows = scored.nonzero()[:, 0]
    stats: dict[str, torch.Tensor] = {}
    if selective:
        hidden = base.get_decoder()(**inputs, use_cache=False).last_hidden_state
        logits = base.get_output_embeddings()(hidden[scored]).float()
        token_logps = -F.cross_entropy(logits, target[scored], reduction="none")
        if statistics:
            with torch.no_grad():
                detached = logits.detach()
                log_probs = detached.log_softmax(-1)
                stats["entropy"] = -(log_probs.exp() * log_probs).sum(-1)
                stats["mean_logits"] = detached.mean(-1)
                stats["is_top1"] = (detached.argmax(-1) == target[scored]).float()
    else:
        out = model(**inputs, shift_labels=target, fused_lm_head=True)
        token_logps = out.log_probs[scored]
        if statistics:
            stats = {
                "entropy": out.entropy[scored].detach(),
                "mean_logits": out.mean_logits[scored].detach(),
                "is_top1": out.is_top1[scored].float(),
            }
    branch = segment[scored]
    size = segment.size(0)

    def per_pair(values: torch.Tensor, which: int) -> torch.Tensor:
        keep = branch == which
        return values.new_zeros(size).index_add(0, rows[keep], values[keep])

    ones = torch.ones_like(token_logps, dtype=torch.float)
    stats["branch"] = branch
    return PairLogps(
        chosen=per_pair(token_logps, CHOSEN),
        rejected=per_pair(token_logps, REJECTED),
        chosen_lengths=per_pair(ones, CHOSEN),
        rejected_lengths=per_pair(ones, REJECTED),
        stats=stats,
    )


class SharedPromptDPOTrainer(DPOTrainer):
    """``DPOTrainer`` on one row per pair, weighted by agreement (see the module docstring)."""

    precompute_seconds: dict[str, float]

    def _precompute_ref_logps(self, dataset, name: str, batch_size: int):
        """Reference log-probs of every pair, once, before training, added as two columns.

        Like TRL's pass (shards across processes and gathers), but kept in memory: TRL's cache
        file lives in a per-process temporary folder for in-memory datasets, which the other
        processes of a multi-process run cannot open. Timed, since it is part of the cost of
        training (``ref_precompute_s`` in the metrics).
        """
        import time

        from torch.utils.data import DataLoader
        from tqdm.auto import tqdm

        started = time.perf_counter()
        if self.is_deepspeed_enabled:  # TRL wraps the model in an inference engine first
            dataset = super()._precompute_ref_logps(dataset, name, batch_size)
        else:
            loader = self.accelerator.prepare(
                DataLoader(dataset, batch_size=batch_size, collate_fn=self.data_collator, shuffle=False)
            )
            chosen, rejected = [], []
            main = self.accelerator.is_main_process
            for batch in tqdm(loader, desc=f"Reference log-probs ({name})", unit="batch", disable=not main):
                batch_chosen, batch_rejected = self.compute_ref_log_probs(self.model, batch)
                batch_chosen, batch_rejected = self.accelerator.gather_for_metrics((batch_chosen, batch_rejected))
                chosen.append(batch_chosen.float().cpu())
                rejected.append(batch_rejected.float().cpu())
            dataset = dataset.add_column("ref_chosen_logps", torch.cat(chosen).tolist())
            dataset = dataset.add_column("ref_rejected_logps", torch.cat(rejected).tolist())
        if not hasattr(self, "precompute_seconds"):
            self.precompute_seconds = {}
        self.precompute_seconds[name] = time.perf_counter() - started
        return dataset

    def _set_signature_columns_if_needed(self) -> None:
        super()._set_signature_columns_if_needed()
        if "weight" not in self._signature_columns:
            self._signature_columns = [*self._signature_columns, "weight"]  # else the Trainer drops the column

    def _selective(self) -> bool:
        """Call the decoder directly only where nothing wraps the model (one process, no sharding)."""
        return self.accelerator.num_processes == 1 and not (self.is_deepspeed_enabled or self.is_fsdp_enabled)

    def _reference_context(self):
        if self.ref_model is None and hasattr(self.model, "disable_adapter"):
            unwrapped = self.accelerator.unwrap_model(self.model)
            return unwrapped.disable_adapter()
        return contextlib.nullcontext()

    def compute_ref_log_probs(self, model, inputs):
        """Reference log-probs of a batch (used for TRL's precompute pass too): no gradient, adapter off."""
        reference = self.ref_model if self.ref_model is not None else self.accelerator.unwrap_model(self.model)
        with torch.no_grad(), self._reference_context(), self.accelerator.autocast():
            logps = pair_logps(reference, inputs, selective=True, statistics=False)
        return logps.chosen, logps.rejected

    def _compute_loss(self, model, inputs, return_outputs):
        if return_outputs:
            raise ValueError("SharedPromptDPOTrainer computes no logits; leave compute_metrics unset")
        mode = "train" if self.model.training else "eval"
        unwrapped = self.accelerator.unwrap_model(model)
        if self._selective():
            policy = pair_logps(unwrapped, inputs, selective=True)
        else:
            policy = pair_logps(model, inputs, selective=False, unwrapped=unwrapped)
        if "ref_chosen_logps" in inputs:
            ref_chosen, ref_rejected = inputs["ref_chosen_logps"], inputs["ref_rejected_logps"]
        else:
            ref_chosen, ref_rejected = self.compute_ref_log_probs(model, inputs)
        chosen_logratios = policy.chosen - ref_chosen
        rejected_logratios = policy.rejected - ref_rejected

        weight = inputs["weight"].to(chosen_logratios.dtype)
        loss = 0.0
        for loss_type, loss_weight in zip(self.loss_types, self.loss_weights, strict=True):
            if loss_type == "sft":  # RPO's NLL term on the chosen replies: TRL's per-token mean over the batch
                term = -(weight * policy.chosen).sum() / policy.chosen_lengths.sum().clamp(min=1.0)
            else:
                per_pair = dpo_pair_losses(
                    loss_type,
                    chosen_logratios,
                    rejected_logratios,
                    policy.chosen_lengths,
                    policy.rejected_lengths,
                    self.beta,
                    self.label_smoothing,
                )
                term = (weight * per_pair).mean()
            loss = loss + term * loss_weight
        self._log_pair_metrics(mode, inputs, policy, chosen_logratios.detach(), rejected_logratios.detach())
        return loss

    def _log_pair_metrics(self, mode: str, inputs, policy: PairLogps, chosen_lr, rejected_lr) -> None:
        """The metrics TRL logs, under TRL's names, so dashboards and the hacking check read either trainer."""
        gather = self.accelerator.gather_for_metrics
        metrics = self._metrics[mode]
        stats, branch = policy.stats, policy.stats["branch"]

        def token_mean(values: torch.Tensor, keep: torch.Tensor) -> float:
            total, count = gather(values[keep].sum()).sum(), gather(keep.sum()).sum()
            return (total / count).item() if count > 0 else 0.0

        every = torch.ones_like(branch, dtype=torch.bool)
        metrics["entropy"].append(token_mean(stats["entropy"], every))
        metrics["logits/chosen"].append(token_mean(stats["mean_logits"], branch == CHOSEN))
        metrics["logits/rejected"].append(token_mean(stats["mean_logits"], branch == REJECTED))
        metrics["mean_token_accuracy"].append(token_mean(stats["is_top1"], branch == CHOSEN))
        if mode == "train":
            self._total_train_tokens += gather(inputs["pair_tokens"].sum()).sum().item()
        metrics["num_tokens"] = [self._total_train_tokens]

        chosen_rewards, rejected_rewards = self.beta * chosen_lr, self.beta * rejected_lr
        metrics["rewards/chosen"].append(gather(chosen_rewards).mean().item())
        metrics["rewards/rejected"].append(gather(rejected_rewards).mean().item())
        metrics["rewards/accuracies"].append(gather((chosen_rewards > rejected_rewards).float()).mean().item())
        metrics["rewards/margins"].append(gather(chosen_rewards - rejected_rewards).mean().item())
        metrics["logps/chosen"].append(gather(policy.chosen.detach()).mean().item())
        metrics["logps/rejected"].append(gather(policy.rejected.detach()).mean().item())


# ---------------------------------------------------------------- what the policy says now: KL, length, reward


@dataclass
class ProbeSettings:
    """How replies are sampled for a probe: at temperature 1 from the policy itself, so KL is measured, not biased."""

    max_new_tokens: int = 96
    batch_size: int = 8
    do_sample: bool = True
    temperature: float = 1.0


def reply_mask(reply_ids: torch.Tensor, eos_token_ids: set[int]) -> torch.Tensor:
    """1 for each generated token up to and including the first end-of-turn token, 0 after it."""
    is_eos = torch.zeros_like(reply_ids, dtype=torch.bool)
    for token in eos_token_ids:
        is_eos |= reply_ids == token
    ended_before = (is_eos.long().cumsum(dim=1) - is_eos.long()) > 0
    return (~ended_before).long()


def measure_replies(
    policy,
    tokenizer,
    conversations: list[list[dict[str, str]]],
    reference=None,
    settings: ProbeSettings | None = None,
) -> dict[str, list]:
    """Sample one reply per conversation and measure it against the reference model.

    Returns per reply: the text, its length in tokens, the policy's mean per-token entropy,
    and KL(policy || reference) over the reply, summed over its tokens of the exact per-token
    KL of the two next-token distributions (an unbiased, low-variance estimate of the sequence
    KL when replies are sampled at temperature 1). ``reference=None`` with a PEFT policy means
    the policy with its adapter disabled (the SFT model).
    """
    settings = settings or ProbeSettings()
    device = next(policy.parameters()).device
    configured = getattr(policy.generation_config, "eos_token_id", None)
    eos = {tokenizer.eos_token_id, *(configured if isinstance(configured, list) else [configured])} - {None}
    tokenizer.padding_side = "left"
    sampling = {"do_sample": settings.do_sample}
    if settings.do_sample:
        sampling.update(temperature=settings.temperature, top_p=1.0, top_k=0)
    out: dict[str, list] = {"replies": [], "lengths": [], "kl": [], "entropy": []}
    was_training = policy.training
    policy.eval()
    for start in range(0, len(conversations), settings.batch_size):
        batch = conversations[start : start + settings.batch_size]
        texts = [tokenizer.apply_chat_template(c, tokenize=False, add_generation_prompt=True) for c in batch]
        inputs = tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=False).to(device)
        with torch.inference_mode():
            sequences = policy.generate(
                **inputs,
                max_new_tokens=settings.max_new_tokens,
                pad_token_id=tokenizer.pad_token_id,
                **sampling,
            )
            prompt_len = inputs["input_ids"].shape[1]
            mask = reply_mask(sequences[:, prompt_len:], eos)
            attention = torch.cat([inputs["attention_mask"], mask], dim=1)
            positions = (attention.cumsum(dim=1) - 1).clamp(min=0)
            kwargs = {"input_ids": sequences, "attention_mask": attention, "position_ids": positions}
            # logits at position t predict token t+1: the reply's tokens are predicted from prompt_len-1 on
            scored = slice(prompt_len - 1, sequences.shape[1] - 1)
            policy_logp = policy(**kwargs).logits[:, scored].float().log_softmax(-1)
            if reference is None and hasattr(policy, "disable_adapter"):
                with policy.disable_adapter():
                    ref_logp = policy(**kwargs).logits[:, scored].float().log_softmax(-1)
            else:
                ref_logp = (reference or policy)(**kwargs).logits[:, scored].float().log_softmax(-1)
            probs = policy_logp.exp()
            token_kl = (probs * (policy_logp - ref_logp)).sum(-1)
            token_entropy = -(probs * policy_logp).sum(-1)
        lengths = mask.sum(dim=1)
        out["kl"].extend(((token_kl * mask).sum(dim=1)).tolist())
        out["entropy"].extend(((token_entropy * mask).sum(dim=1) / lengths.clamp(min=1)).tolist())
        out["lengths"].extend(lengths.tolist())
        for row, n in zip(sequences[:, prompt_len:], lengths.tolist(), strict=True):
            out["replies"].append(tokenizer.decode(row[:n], skip_special_tokens=True).strip())
    policy.train(was_training)
    return out


def summarize_probe(measured: dict[str, list], rewards: list[float] | None = None) -> dict[str, float]:
    """Means of a probe, under the names every alignment stage logs (see align/monitoring.py)."""

    def mean(values: list[float]) -> float:
        return sum(values) / len(values) if values else float("nan")

    summary = {
        "kl": mean(measured["kl"]),
        "reply_length": mean(measured["lengths"]),
        "probe_entropy": mean(measured["entropy"]),
    }
    if rewards is not None:
        summary["reward"] = mean(rewards)
    return summary


class GenerationProbe:
    """Samples replies to a few validation prompts at the start, every ``every`` steps and on demand,
    and logs ``kl``, ``reply_length``, ``probe_entropy`` and (with a reward model) ``reward``.

    These are the names ``align.monitoring`` reads, so the reward-hacking check sees them. Runs on
    the main process only (the model inside any DDP wrapper; no collective operations).
    """

    def __init__(
        self, trainer, conversations, scored_prompts, scorer=None, every: int = 0, settings=None, on_result=None
    ):
        from transformers import TrainerCallback

        self.trainer, self.conversations, self.scored_prompts = trainer, conversations, scored_prompts
        self.scorer, self.every, self.settings = scorer, every, settings or ProbeSettings()
        self.on_result = on_result  # called with each summary (the recipe keeps the first one for a resumed run)
        self.results: list[dict[str, Any]] = []
        probe = self

        class Callback(TrainerCallback):
            def on_train_begin(self, args, state, control, **kwargs):
                if state.global_step == 0:
                    probe.log()

            def on_step_end(self, args, state, control, **kwargs):
                if probe.every and state.global_step % probe.every == 0 and state.global_step < state.max_steps:
                    probe.log()

        self.callback = Callback()

    def measure(self) -> dict[str, Any]:
        model = self.trainer.accelerator.unwrap_model(self.trainer.model)
        measured = measure_replies(model, self.trainer.processing_class, self.conversations, settings=self.settings)
        rewards = self.scorer.score(self.scored_prompts, measured["replies"]) if self.scorer else None
        return {**summarize_probe(measured, rewards), "step": self.trainer.state.global_step}

    def log(self) -> dict[str, Any] | None:
        """Measure and log (main process); returns the summary there, None elsewhere or with no prompts."""
        if not self.conversations or not self.trainer.accelerator.is_main_process:
            return None
        trainer, model = self.trainer, self.trainer.model
        training, should_log = model.training, trainer.control.should_log
        model.eval()  # TRL's log() then leaves the training metrics it is averaging alone
        try:
            result = self.measure()
            trainer.log({k: v for k, v in result.items() if k != "step"})
        finally:
            model.train(training)
            trainer.control.should_log = should_log  # log() clears it: this step's own log must still happen
        self.results.append(result)
        if self.on_result is not None:
            self.on_result(result)
        return result
