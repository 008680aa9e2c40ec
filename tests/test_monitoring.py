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
