"""PPO math against numbers worked out by hand (the arithmetic sits next to each expected value)."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest
import torch
from torch.testing import assert_close

from align.ppo.core import (
    AdaptiveKLController,
    FixedKLController,
    clipped_policy_loss,
    clipped_value_loss,
    entropy_from_logits,
    gae,
    logprobs_from_logits,
    masked_mean,
    masked_var,
    masked_whiten,
    per_token_rewards,
)

NAN = float("nan")


def t(*rows: list[float]) -> torch.Tensor:
    return torch.tensor(rows, dtype=torch.float32)


def test_package_import_does_not_import_torch():
    code = "import sys, align.ppo; assert 'torch' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


# --- masked statistics -------------------------------------------------------------------------


def test_masked_mean_ignores_padding_even_nan():
    values, mask = t([1.0, 2.0, 3.0], [4.0, 100.0, NAN]), t([1, 1, 1], [1, 0, 0])
    assert_close(masked_mean(values, mask), torch.tensor(2.5))  # (1 + 2 + 3 + 4) / 4
    assert_close(masked_mean(values, mask, dim=-1), torch.tensor([2.0, 4.0]))  # 6 / 3, 4 / 1
    assert_close(masked_mean(t([5.0]), t([0])), torch.tensor(0.0))  # nothing valid -> 0, not NaN


def test_masked_var_biased_and_unbiased():
    values, mask = t([1.0, 2.0, 3.0], [4.0, 100.0, -100.0]), t([1, 1, 1], [1, 0, 0])
    # mean 2.5; squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5
    assert_close(masked_var(values, mask, unbiased=False), torch.tensor(1.25))  # 5 / 4
    assert_close(masked_var(values, mask), torch.tensor(5 / 3))  # 5 / (4 - 1)
    with pytest.raises(ValueError, match="at least 2 valid positions, found 1"):
        masked_var(values, t([1, 0, 0], [0, 0, 0]))


def test_masked_whiten_uses_valid_positions_only():
    values, mask = t([1.0, 2.0, 3.0], [4.0, 100.0, -100.0]), t([1, 1, 1], [1, 0, 0])
    # mean 2.5, unbiased std sqrt(5/3) = 1.2909944: (x - 2.5) / 1.2909944
    # -1.5 / 1.2909944 = -1.1618950, -0.5 / 1.2909944 = -0.3872983; padding -> 0
    whitened = masked_whiten(values, mask)
    assert_close(whitened, t([-1.1618950, -0.3872983, 0.3872983], [1.1618950, 0.0, 0.0]))
    assert_close(masked_mean(whitened, mask), torch.tensor(0.0))
    assert_close(masked_var(whitened, mask), torch.tensor(1.0))


def test_masked_whiten_without_shift_keeps_the_mean():
    values, mask = t([1.0, 2.0], [3.0, 4.0]), t([1, 1], [1, 1])
    # (x - 2.5) / 1.2909944 + 2.5: -1.1618950 + 2.5 = 1.3381050, -0.3872983 + 2.5 = 2.1127017, ...
    assert_close(masked_whiten(values, mask, shift_mean=False), t([1.3381050, 2.1127017], [2.8872983, 3.6618950]))


# --- rewards and GAE ----------------------------------------------------------------------------


def test_per_token_rewards_score_on_last_valid_token_and_kl_on_each():
    score = torch.tensor([2.0, -1.0, 7.0])
    policy = t([-1.0, -2.0, -0.5], [-1.0, -1.0, -9.0], [0.0, 0.0, 0.0])
    ref = t([-1.5, -1.0, -0.5], [-2.0, -0.5, 0.0], [0.0, 0.0, 0.0])
    mask = t([1, 1, 1], [1, 1, 0], [0, 0, 0])  # lengths 3, 2 and an empty response
    rewards, kl = per_token_rewards(score, policy, ref, mask, kl_coef=0.5)
    # kl = policy - ref: row 0: -1 + 1.5 = 0.5, -2 + 1 = -1, 0; row 1: 1, -0.5, padding 0
    assert_close(kl, t([0.5, -1.0, 0.0], [1.0, -0.5, 0.0], [0.0, 0.0, 0.0]))
    # -0.5 * kl, plus the score at the last valid token:
    # row 0: -0.25, 0.5, 0 + 2 = 2;  row 1: -0.5, 0.25 - 1 = -0.75, padding 0;  empty row: no score
    assert_close(rewards, t([-0.25, 0.5, 2.0], [-0.5, -0.75, 0.0], [0.0, 0.0, 0.0]))


REWARDS_3 = [0.5, -0.25, 1.0]
VALUES_3 = [0.25, 0.5, 0.75]


def test_gae_gamma_1_lambda_1_is_reward_to_go_minus_value():
    advantages, returns = gae(t(REWARDS_3), t(VALUES_3), t([1, 1, 1]), gamma=1.0, lam=1.0)
    # A2 = 1 - 0.75 = 0.25;  A1 = -0.25 + 1 - 0.5 = 0.25;  A0 = 0.5 - 0.25 + 1 - 0.25 = 1.0
    assert_close(advantages, t([1.0, 0.25, 0.25]))
    # returns = A + V = reward-to-go: 1.25, 0.75, 1.0
    assert_close(returns, t([1.25, 0.75, 1.0]))


def test_gae_gamma_09_lambda_095():
    advantages, returns = gae(t(REWARDS_3), t(VALUES_3), t([1, 1, 1]), gamma=0.9, lam=0.95)
    # deltas: d2 = 1 + 0.9 * 0 - 0.75 = 0.25;  d1 = -0.25 + 0.9 * 0.75 - 0.5 = -0.075
    #         d0 = 0.5 + 0.9 * 0.5 - 0.25 = 0.7;  gamma * lam = 0.855
    # A2 = 0.25;  A1 = -0.075 + 0.855 * 0.25 = 0.13875;  A0 = 0.7 + 0.855 * 0.13875 = 0.81863125
    assert_close(advantages, t([0.81863125, 0.13875, 0.25]))
    # returns = A + V: 0.81863125 + 0.25, 0.13875 + 0.5, 0.25 + 0.75
    assert_close(returns, t([1.06863125, 0.63875, 1.0]))


def test_gae_right_padded_batch_does_not_leak_padding():
    rewards = t(REWARDS_3, [1.0, 2.0, 100.0])
    values = t(VALUES_3, [0.5, 1.0, NAN])  # garbage under the padding
    advantages, returns = gae(rewards, values, t([1, 1, 1], [1, 1, 0]), gamma=1.0, lam=1.0)
    # row 0 as in the 3-token test; row 1 ends after token 1, so V beyond it is 0:
    # A1 = 2 - 1 = 1;  A0 = 1 + 2 - 0.5 = 2.5;  returns = A + V = 2.5 + 0.5, 1 + 1 = 3, 2;  padding 0
    assert_close(advantages, t([1.0, 0.25, 0.25], [2.5, 1.0, 0.0]))
    assert_close(returns, t([1.25, 0.75, 1.0], [3.0, 2.0, 0.0]))


# --- KL controllers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current_kl", "expected"),
    [
        (8.0, 0.202),  # 8 / 4 - 1 = 1 -> clipped to 0.2;  0.2 * (1 + 0.2 * 500 / 10000) = 0.2 * 1.01
        (1.0, 0.198),  # 1 / 4 - 1 = -0.75 -> clipped to -0.2;  0.2 * (1 - 0.01) = 0.2 * 0.99
        (4.5, 0.20125),  # 4.5 / 4 - 1 = 0.125;  0.2 * (1 + 0.125 * 0.05) = 0.2 * 1.00625
        (3.5, 0.19875),  # 3.5 / 4 - 1 = -0.125;  0.2 * (1 - 0.00625) = 0.2 * 0.99375
    ],
)
def test_adaptive_kl_controller_one_update(current_kl: float, expected: float):
    controller = AdaptiveKLController(init_kl_coef=0.2, target=4.0, horizon=10000)
    controller.update(current_kl, n_steps=500)
    assert controller.value == pytest.approx(expected)


def test_adaptive_kl_controller_updates_compound():
    controller = AdaptiveKLController(init_kl_coef=0.2, target=4.0, horizon=10000)
    controller.update(8.0, n_steps=500)
    controller.update(8.0, n_steps=500)
    assert controller.value == pytest.approx(0.20402)  # 0.2 * 1.01 * 1.01


def test_fixed_kl_controller_never_changes():
    controller = FixedKLController(kl_coef=0.05)
    for current_kl in (0.0, 3.0, 1e6):
        controller.update(current_kl, n_steps=512)
    assert controller.value == 0.05


# --- PPO losses ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ratio", "advantage", "loss", "clipfrac"),
    [
        (1.1, 2.0, -2.2, 0.0),  # inside: -2 * 1.1 both ways
        (1.5, 2.0, -2.4, 1.0),  # above: max(-2 * 1.5 = -3, -2 * 1.2 = -2.4), clip binds
        (0.5, 2.0, -1.0, 0.0),  # below, A > 0: max(-2 * 0.5 = -1, -2 * 0.8 = -1.6), unclipped wins
        (0.9, -2.0, 1.8, 0.0),  # inside: 2 * 0.9 both ways
        (0.5, -2.0, 1.6, 1.0),  # below: max(2 * 0.5 = 1, 2 * 0.8 = 1.6), clip binds
        (1.5, -2.0, 3.0, 0.0),  # above, A < 0: max(2 * 1.5 = 3, 2 * 1.2 = 2.4), unclipped wins
    ],
)
def test_clipped_policy_loss_single_token(ratio: float, advantage: float, loss: float, clipfrac: float):
    old = t([-1.0])
    got, stats = clipped_policy_loss(old + math.log(ratio), old, t([advantage]), t([1]), clip_range=0.2)
    assert_close(got, torch.tensor(loss))
    assert_close(stats["clipfrac"], torch.tensor(clipfrac))
    assert_close(stats["approx_kl"], torch.tensor(0.5 * math.log(ratio) ** 2))


def test_clipped_policy_loss_masked_batch():
    ratios = t([1.5, 0.5], [0.5, 1.0])
    advantages, mask = t([2.0, 2.0], [-2.0, NAN]), t([1, 1], [1, 0])
    loss, stats = clipped_policy_loss(ratios.log(), torch.zeros(2, 2), advantages, mask, clip_range=0.2)
    # valid tokens from the single-token cases: -2.4, -1.0, 1.6 -> mean -1.8 / 3 = -0.6
    assert_close(loss, torch.tensor(-0.6))
    assert_close(stats["clipfrac"], torch.tensor(2 / 3))  # the first and third bind
    # ln 1.5 = 0.4054651, ln 0.5 = -0.6931472: 0.5 * (0.1644020 + 0.4804530 + 0.4804530) / 3 = 0.1875513
    assert_close(stats["approx_kl"], torch.tensor(0.1875513))


@pytest.mark.parametrize(
    ("value", "returns", "loss", "vf_clipfrac"),
    [
        (1.1, 0.5, 0.18, 0.0),  # |1.1 - 1| < 0.2: 0.5 * (1.1 - 0.5)^2 = 0.5 * 0.36
        (2.0, 3.0, 1.62, 1.0),  # clipped V = 1.2: 0.5 * max((2 - 3)^2 = 1, (1.2 - 3)^2 = 3.24), binds
        (2.0, 0.0, 2.0, 0.0),  # clipped V = 1.2: 0.5 * max((2 - 0)^2 = 4, 1.2^2 = 1.44), unclipped wins
    ],
)
def test_clipped_value_loss_single_token(value: float, returns: float, loss: float, vf_clipfrac: float):
    got, stats = clipped_value_loss(t([value]), t([1.0]), t([returns]), t([1]), clip_range_value=0.2)
    assert_close(got, torch.tensor(loss))
    assert_close(stats["vf_clipfrac"], torch.tensor(vf_clipfrac))


def test_clipped_value_loss_masked_batch():
    values, old, returns = t([1.1, 2.0], [2.0, NAN]), t([1.0, 1.0], [1.0, 0.0]), t([0.5, 3.0], [0.0, 9.0])
    loss, stats = clipped_value_loss(values, old, returns, t([1, 1], [1, 0]), clip_range_value=0.2)
    assert_close(loss, torch.tensor(0.5 * (0.36 + 3.24 + 4.0) / 3))  # = 1.2666667
    assert_close(stats["vf_clipfrac"], torch.tensor(1 / 3))


# --- logits helpers -----------------------------------------------------------------------------


def test_entropy_of_uniform_is_log_vocab_even_for_huge_logits():
    assert_close(entropy_from_logits(torch.zeros(2, 3, 5)), torch.full((2, 3), math.log(5)))
    assert_close(entropy_from_logits(torch.full((1, 5), 1e4)), torch.tensor([math.log(5)]))  # exp(1e4) overflows


def test_entropy_of_a_skewed_distribution():
    # softmax([0, ln 3]) = [0.25, 0.75]: -(0.25 ln 0.25 + 0.75 ln 0.75) = 0.3465736 + 0.2157616 = 0.5623351
    assert_close(entropy_from_logits(t([0.0, math.log(3)])), torch.tensor([0.5623351]))
    # [1000, 1001] ~ [-1, 0]: p = [1 / (1 + e), e / (1 + e)] = [0.2689414, 0.7310586]
    # ln(1 + e^-1) - (0.2689414 * -1) = 0.3132617 + 0.2689414 = 0.5822031
    assert_close(entropy_from_logits(t([1000.0, 1001.0])), torch.tensor([0.5822031]))


def test_logprobs_from_logits_gathers_log_softmax():
    logits = torch.tensor([[[0.0, math.log(3)], [math.log(3), 0.0]]])  # [batch 1, positions 2, vocab 2]
    # both positions pick the token with probability 0.75 then 0.25: ln 0.75 = -0.2876821, ln 0.25 = -1.3862944
    assert_close(logprobs_from_logits(logits, torch.tensor([[1, 1]])), t([-0.2876821, -1.3862944]))
    # large logits: log_softmax([1000, 1001]) = [-ln(1 + e), -ln(1 + e^-1)] = [-1.3132617, -0.3132617]
    big = torch.tensor([[[1000.0, 1001.0], [1000.0, 1001.0]]])
    assert_close(logprobs_from_logits(big, torch.tensor([[0, 1]])), t([-1.3132617, -0.3132617]))


# --- gradients ----------------------------------------------------------------------------------


def test_policy_loss_gradient_reaches_logprobs_only():
    logprobs = t([math.log(1.1), math.log(1.5)]).requires_grad_()
    old_logprobs, advantages = torch.zeros(1, 2, requires_grad=True), t([2.0, 2.0]).requires_grad_()
    loss, _ = clipped_policy_loss(logprobs, old_logprobs, advantages, t([1, 1]), clip_range=0.2)
    loss.backward()
    # d/dlogp of mean(-A * ratio) = -A * ratio / 2 = -2 * 1.1 / 2 = -1.1; the clipped token gives 0
    assert_close(logprobs.grad, t([-1.1, 0.0]))
    assert old_logprobs.grad is None and advantages.grad is None


def test_value_loss_gradient_reaches_values_only():
    values = t([1.1, 2.0]).requires_grad_()
    old_values, returns = t([1.0, 1.0]).requires_grad_(), t([0.5, 3.0]).requires_grad_()
    loss, _ = clipped_value_loss(values, old_values, returns, t([1, 1]), clip_range_value=0.2)
    loss.backward()
    # d/dV of 0.5 * (V - R)^2 / 2 = (1.1 - 0.5) / 2 = 0.3; the clipped token's branch is flat in V
    assert_close(values.grad, t([0.3, 0.0]))
    assert old_values.grad is None and returns.grad is None


def test_gae_outputs_are_constants():
    values = t(VALUES_3).requires_grad_()
    advantages, returns = gae(t(REWARDS_3), values, t([1, 1, 1]), gamma=1.0, lam=1.0)
    assert not advantages.requires_grad and not returns.requires_grad


def test_losses_give_zero_gradient_at_padding_even_with_nan_garbage():
    logprobs, values = t([0.0, NAN]).requires_grad_(), t([1.1, NAN]).requires_grad_()
    mask = t([1, 0])
    policy_loss, _ = clipped_policy_loss(logprobs, t([0.0, NAN]), t([2.0, NAN]), mask, clip_range=0.2)
    value_loss, _ = clipped_value_loss(values, t([1.0, NAN]), t([0.5, NAN]), mask, clip_range_value=0.2)
    (policy_loss + value_loss).backward()
    assert_close(logprobs.grad, t([-2.0, 0.0]))  # -A * ratio = -2 * 1 on the one valid token
    assert_close(values.grad, t([0.6, 0.0]))  # V - R = 1.1 - 0.5
