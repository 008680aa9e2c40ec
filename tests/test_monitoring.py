"""The reward-hacking check on logged metrics written for the test."""

from align.monitoring import reward_hacking_warnings, series


def test_healthy_run_gives_no_warning():
    history = [
        {"reward": r, "kl": k, "reply_length": 40 + i} for i, (r, k) in enumerate([(0.1, 0.5), (0.3, 0.9), (0.5, 1.2)])
    ]
    assert reward_hacking_warnings(history) == []


def test_reward_up_while_kl_explodes_is_flagged():
    history = [{"reward": 0.1, "kl": 0.5}, {"reward": 0.9, "kl": 3.0}, {"reward": 2.5, "kl": 9.0}]
    [warning] = reward_hacking_warnings(history)
    assert warning.startswith("possible reward hacking") and "0.5 -> 9 nats" in warning


def test_kl_explosion_with_falling_reward_is_not_hacking():
    history = [{"reward": 0.9, "kl": 0.5}, {"reward": 0.5, "kl": 3.0}, {"reward": 0.2, "kl": 25.0}]
    assert reward_hacking_warnings(history) == []


def test_length_inflation_is_flagged_under_trl_names():
    history = [{"completions/mean_length": n} for n in (40, 52, 70)]
    assert series(history, "reply_length") == [40, 52, 70]
    [warning] = reward_hacking_warnings(history)
    assert "40 -> 70 tokens" in warning


def test_too_few_points_are_not_judged():
    assert reward_hacking_warnings([{"reward": 0.0, "kl": 0.1}, {"reward": 5.0, "kl": 99.0}]) == []


def test_shrinking_replies_are_flagged():
    """The Intel (AMX) must-show failure's own log (reward model only): its score up, replies shorter."""
    lengths = (17.0, 16.2, 15.2, 15.0, 15.5, 16.1, 15.6, 14.8, 13.9, 13.0)
    rewards = (-1.92, 0.84, 1.42, 2.14, 2.28, 2.87, 2.77, 2.1, 2.55, 2.8)
    history = [{"reward": r, "kl": 2.0, "reply_length": n} for r, n in zip(rewards, lengths, strict=True)]
    [warning] = reward_hacking_warnings(history)
    assert warning.startswith("replies are getting shorter: 16.1 -> 13.9 tokens") and "reward.length" in warning


def test_a_falling_term_is_flagged_while_the_total_rises_under_our_names_and_trls():
    ours = [{"reward": 0.2 * i, "reward/reward_model": 0.5 * i, "reward/safety": -0.1 * i} for i in range(6)]
    [warning] = reward_hacking_warnings(ours)
    assert warning.startswith("reward term safety falling: it went -0.05 -> -0.45") and "reward.safety" in warning
    trl = [{"reward": 0.2 * i, "rewards/length/mean": -0.1 * i, "rewards/reward_model/mean": 0.3 * i} for i in range(6)]
    [warning] = reward_hacking_warnings(trl)
    assert warning.startswith("reward term length falling")


def test_a_falling_term_is_not_flagged_when_the_total_falls_too_or_the_change_is_noise():
    falling = [{"reward": -0.2 * i, "reward/safety": -0.1 * i} for i in range(6)]
    assert reward_hacking_warnings(falling) == []
    noise = [{"reward": 0.2 * i, "reward/safety": -0.01 * (i % 2)} for i in range(6)]
    assert reward_hacking_warnings(noise) == []
