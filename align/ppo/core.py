"""The math of classic RLHF PPO as small pure torch functions.

Conventions shared by every function here:

- Per-token tensors are ``[batch, response_len]`` and cover response tokens only, right-padded;
  ``mask`` is 1 (or True) at real response tokens and 0 at padding.
- ``logprobs[b, t]`` is log pi(response token t | prompt, response tokens < t); the one-position
  shift between logits and labels is the caller's job (see ``logprobs_from_logits``).
- Padding never leaks: inputs at mask=0 are ignored (even NaN), outputs and gradients there are 0.
- Losses are to be minimised and detach their targets (old log-probs, advantages, old values,
  returns), so gradients reach only the current policy log-probs or current values.
"""

from __future__ import annotations

from typing import Protocol

import torch


def masked_mean(values: torch.Tensor, mask: torch.Tensor, dim: int | None = None) -> torch.Tensor:
    """Mean of ``values`` over positions where ``mask`` is 1; 0 where nothing is valid."""
    valid = mask.bool()
    total = torch.where(valid, values, 0.0).sum(dim=dim)
    count = valid.sum(dim=dim)
    return total / count.clamp(min=1)


def masked_var(values: torch.Tensor, mask: torch.Tensor, unbiased: bool = True) -> torch.Tensor:
    """Variance of ``values`` over the valid positions (Bessel-corrected when ``unbiased``)."""
    mean = masked_mean(values, mask)
    variance = masked_mean((values - mean) ** 2, mask)
    if unbiased:
        count = int(mask.bool().sum())
        if count < 2:
            raise ValueError(f"unbiased masked_var needs at least 2 valid positions, found {count}")
        variance = variance * count / (count - 1)
    return variance


def masked_whiten(values: torch.Tensor, mask: torch.Tensor, shift_mean: bool = True) -> torch.Tensor:
    """Normalise to unit variance (and zero mean if ``shift_mean``) over the valid positions only.

    Advantage whitening is a standard PPO implementation detail (OpenAI baselines; Huang et al.
    2022, "The 37 Implementation Details of PPO"). Padding positions come out as 0.
    """
    mean, variance = masked_mean(values, mask), masked_var(values, mask)
    whitened = (values - mean) * torch.rsqrt(variance + 1e-8)
    if not shift_mean:
        whitened = whitened + mean
    return torch.where(mask.bool(), whitened, 0.0)


def per_token_rewards(
    score: torch.Tensor,
    policy_logprobs: torch.Tensor,
    ref_logprobs: torch.Tensor,
    mask: torch.Tensor,
    kl_coef: float,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-token rewards ``-kl_coef * kl_t``, plus the reward-model ``score`` at each response's last token.

    This is R(x, y) = r(x, y) - beta * log(pi(y|x) / pi_ref(y|x)) of Ziegler et al. 2019,
    "Fine-Tuning Language Models from Human Preferences" (also Stiennon et al. 2020 and
    Ouyang et al. 2022), spread over tokens: the KL term is paid at every token, the
    sequence-level score ``[batch]`` arrives once, at the last valid token. ``kl_t`` is the
    single-sample estimate ``logp_policy - logp_ref`` (0 at padding). Returns ``(rewards, kl)``.
    """
    valid = mask.bool()
    kl = torch.where(valid, policy_logprobs - ref_logprobs, 0.0)
    rewards = -kl_coef * kl
    positions = torch.arange(mask.shape[-1], device=mask.device)
    last = torch.where(valid, positions, -1).amax(dim=-1, keepdim=True)  # -1 for an empty response
    rewards = rewards + torch.where(positions == last, score.to(rewards.dtype).unsqueeze(-1), 0.0)
    return rewards, kl


def gae(
    rewards: torch.Tensor, values: torch.Tensor, mask: torch.Tensor, gamma: float, lam: float
) -> tuple[torch.Tensor, torch.Tensor]:
    """Generalized Advantage Estimation; returns ``(advantages, returns)``, both detached.

    Schulman et al. 2016, "High-Dimensional Continuous Control Using Generalized Advantage
    Estimation", eq. 16: delta_t = r_t + gamma * V_{t+1} - V_t and A_t = delta_t + gamma * lam * A_{t+1}.
    The episode ends after each response's last valid token, so V and A beyond it are 0.
    ``returns = advantages + values`` is the value-head target. Padding gives 0 in both.
    """
    valid = mask.bool()
    rewards = torch.where(valid, rewards.detach(), 0.0)
    values = torch.where(valid, values.detach(), 0.0)
    next_valid = torch.nn.functional.pad(valid[:, 1:], (0, 1), value=False)
    next_values = torch.where(next_valid, torch.nn.functional.pad(values[:, 1:], (0, 1)), 0.0)
    deltas = rewards + gamma * next_values - values
    advantages = torch.zeros_like(deltas)
    running = torch.zeros_like(deltas[:, 0])
    for t in reversed(range(deltas.shape[-1])):
        running = deltas[:, t] + gamma * lam * torch.where(next_valid[:, t], running, 0.0)
        advantages[:, t] = running
    advantages = torch.where(valid, advantages, 0.0)
    returns = torch.where(valid, advantages + values, 0.0)
    return advantages, returns


class KLController(Protocol):
    """What the trainer needs from a KL coefficient schedule."""

    value: float

    def update(self, current_kl: float, n_steps: int) -> None: ...


class AdaptiveKLController:
    """Adaptive KL coefficient of Ziegler et al. 2019, a proportional controller towards a target KL.

    e_t = clip(KL_t / target - 1, -0.2, 0.2); beta_{t+1} = beta_t * (1 + e_t * n_steps / horizon),
    as in their lm-human-preferences code, where ``n_steps`` is the number of samples in the batch
    and ``horizon`` is 10000 (the paper writes the gain n_steps / horizon as K_beta).
    """

    def __init__(self, init_kl_coef: float, target: float, horizon: int) -> None:
        if target <= 0 or horizon <= 0:
            raise ValueError(f"target and horizon must be > 0, found target={target}, horizon={horizon}")
        self.value = init_kl_coef
        self.target = target
        self.horizon = horizon

    def update(self, current_kl: float, n_steps: int) -> None:
        proportional_error = min(max(float(current_kl) / self.target - 1, -0.2), 0.2)
        self.value *= 1 + proportional_error * n_steps / self.horizon


class FixedKLController:
    """Constant KL coefficient (Ziegler et al. 2019 and Stiennon et al. 2020 also use a fixed beta)."""

    def __init__(self, kl_coef: float) -> None:
        self.value = kl_coef

    def update(self, current_kl: float, n_steps: int) -> None:
        """Does nothing: the coefficient is fixed."""


def clipped_policy_loss(
    logprobs: torch.Tensor,
    old_logprobs: torch.Tensor,
    advantages: torch.Tensor,
    mask: torch.Tensor,
    clip_range: float,
) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """PPO-clip surrogate, negated for minimisation: masked mean of max(-A * r, -A * clip(r, 1 +- eps)).

    Schulman et al. 2017, "Proximal Policy Optimization Algorithms", eq. 7, with per-token ratio
    r = exp(logprobs - old_logprobs). Stats (detached): ``clipfrac``, the share of valid tokens
    where the clipped term binds, and ``approx_kl`` = 0.5 * mean((logprobs - old_logprobs)^2),
    the estimate used by Ziegler et al.'s lm-human-preferences code.
    """
    valid = mask.bool()
    advantages = torch.where(valid, advantages.detach(), 0.0)
    log_ratio = torch.where(valid, logprobs - old_logprobs.detach(), 0.0)
    ratio = torch.exp(log_ratio)
    unclipped = -advantages * ratio
    clipped = -advantages * torch.clamp(ratio, 1.0 - clip_range, 1.0 + clip_range)
    loss = masked_mean(torch.maximum(unclipped, clipped), mask)
    stats = {
        "clipfrac": masked_mean((clipped > unclipped).float(), mask).detach(),
        "approx_kl": (0.5 * masked_mean(log_ratio**2, mask)).detach(),
    }
    return loss, stats


def clipped_value_loss(
    values: torch.Tensor,
    old_values: torch.Tensor,
    returns: torch.Tensor,
    mask: torch.Tensor,
    clip_range_value: float,
) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """Clipped value loss 0.5 * max((V - R)^2, (clip(V, V_old +- eps) - R)^2), masked mean.

    The value-clipping variant of OpenAI baselines' PPO2 (Schulman et al. 2017 implementation),
    as in Ziegler et al. 2019. Stats (detached): ``vf_clipfrac``, the share of valid tokens
    where the clipped term binds.
    """
    valid = mask.bool()
    values = torch.where(valid, values, 0.0)
    old_values = torch.where(valid, old_values.detach(), 0.0)
    returns = torch.where(valid, returns.detach(), 0.0)
    values_clipped = old_values + torch.clamp(values - old_values, -clip_range_value, clip_range_value)
    unclipped = (values - returns) ** 2
    clipped = (values_clipped - returns) ** 2
    loss = 0.5 * masked_mean(torch.maximum(unclipped, clipped), mask)
    return loss, {"vf_clipfrac": masked_mean((clipped > unclipped).float(), mask).detach()}


def entropy_from_logits(logits: torch.Tensor) -> torch.Tensor:
    """Entropy of softmax(logits) over the last (vocab) dim, per position: logsumexp(z) - sum(p * z).

    The entropy bonus/diagnostic of Schulman et al. 2017, eq. 9. Logits are shifted by their max
    first (entropy is shift-invariant), so large logits neither overflow nor lose precision to
    cancellation. Logits must be finite.
    """
    shifted = logits - logits.amax(dim=-1, keepdim=True).detach()
    probs = torch.softmax(shifted, dim=-1)
    return torch.logsumexp(shifted, dim=-1) - (probs * shifted).sum(dim=-1)


def logprobs_from_logits(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """log softmax(logits)[label] per position: ``[..., vocab]`` and ``[...]`` give ``[...]``.

    No shift happens here: for a causal LM pass ``logits[:, :-1]`` with ``labels = input_ids[:, 1:]``.
    """
    return torch.log_softmax(logits, dim=-1).gather(-1, labels.unsqueeze(-1)).squeeze(-1)
