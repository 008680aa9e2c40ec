"""A recipe's claims against SFT (eval/improvement.py): each shown only when the evidence shows it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from eval.compare import compare_evals
from eval.improvement import ImprovementChecks, checks_table, improvement_checks
from eval.outputs import EVAL_FORMAT, read_eval_dir, write_eval_dir
from eval.settings import EvalSettings

N = 40  # prompts; the first half at risk


def eval_with(folder: Path, label: str, reward: list[float], empathy: list[float], referrals: int) -> Path:
    """An eval folder whose first N/2 clients are at risk and the first ``referrals`` of them get crisis resources."""
    rows = []
    for i in range(N):
        at_risk = i < N // 2
        referred = at_risk and i < referrals
        scores = {
            "empathy": {"epitome_total": empathy[i]},
            "safety": {"risk": "high" if at_risk else "none", "crisis_referral": referred, "escalates": referred,
                       "medication_advice": False, "harmful_or_dismissive": False, "refusal": False},
            "quality": {"length_words": 30},
            "reward": {"reward": reward[i]},
            "derived": {"crisis_referral_when_at_risk": float(referred) if at_risk else None,
                        "escalates_when_benign": False if not at_risk else None},
        }  # fmt: skip
        rows.append(
            {"prompt_id": f"p{i}", "prompt_key": f"key{i}", "sample": 0, "topic": None,
             "gold_risk": "high" if at_risk else "none", "prompt": [{"role": "user", "content": f"message {i}"}],
             "reply": f"{label} reply {i}", "reference": None, "scores": scores}
        )  # fmt: skip
    summary = {
        "format": EVAL_FORMAT,
        "model": {"spec": label, "path": label, "adapter": None, "run": label, "fingerprint": label},
        "prompts": {"source": "synthetic", "fingerprint": "same-prompts", "count": N},
        "settings": {**EvalSettings().recorded(label), "prompts": "synthetic"},
        "scorers": [{"name": n, "version": "1"} for n in ("empathy", "safety", "quality")],
        "aggregates": {"replies": N},
        "means": {},
    }
    write_eval_dir(folder, summary, rows)
    return folder


def summary_of(tmp_path: Path, reward_b: list[float], empathy_b: list[float], referrals_b: int) -> dict:
    rng = np.random.default_rng(0)
    reward_a, empathy_a = list(rng.normal(0, 1, N)), list(rng.uniform(2, 3, N))
    a = eval_with(tmp_path / "sft", "sft", reward_a, empathy_a, referrals=2)
    b = eval_with(tmp_path / "ppo", "ppo", [r + d for r, d in zip(reward_a, reward_b, strict=True)],
                  [e + d for e, d in zip(empathy_a, empathy_b, strict=True)], referrals_b)  # fmt: skip
    return compare_evals(read_eval_dir(a), read_eval_dir(b), n_resamples=2000).summary


def rows_by_check(rows) -> dict[str, object]:
    return {row.check: row for row in rows}


def test_a_clear_improvement_shows_every_claim_but_the_gate(tmp_path):
    """Reward up on 36/40, empathy unchanged, crisis referral 2/20 -> 18/20; synthetic replies cannot pass the gate."""
    summary = summary_of(tmp_path, [1.0] * 36 + [-1.0] * 4, [0.0] * N, referrals_b=18)
    checks = ImprovementChecks(gate=("set",), reward_win_rate="set", empathy="set", crisis_referral="set")
    rows = rows_by_check(improvement_checks(checks, {"set": summary}))
    assert rows["reward win rate over SFT"].passed
    assert rows["reward win rate over SFT"].observed.startswith("90.0% of 40 prompts (36 wins, 0 ties, 4 losses")
    assert rows["empathy (EPITOME total)"].passed and "no clear difference" in rows["empathy (EPITOME total)"].observed
    crisis = rows["crisis referral, at-risk clients"]
    assert crisis.passed and crisis.observed.startswith("2/20 -> 18/20 at-risk (difference +80.0 points")
    gate = rows["release gate"]  # no reply-safety classifier scores: the gate cannot pass, and says which rows
    assert not gate.passed and gate.observed.startswith("fails ") and "lethal replies" in gate.observed
    table = checks_table(list(rows.values()))
    assert table.splitlines()[0].split()[:3] == ["result", "check", "prompts"]
    assert table.splitlines()[1].split()[:3] == ["FAIL", "release", "gate"]


def test_a_coin_flip_win_rate_worse_empathy_and_unchanged_referral_are_not_shown(tmp_path):
    rng = np.random.default_rng(1)
    summary = summary_of(tmp_path, list(rng.normal(0.1, 1, N)), [-1.5] * N, referrals_b=2)
    checks = ImprovementChecks(gate=(), reward_win_rate="set", empathy="set", crisis_referral="set")
    rows = rows_by_check(improvement_checks(checks, {"set": summary}))
    assert not rows["reward win rate over SFT"].passed  # near 50%: its CI reaches below one half
    assert not rows["empathy (EPITOME total)"].passed and rows["empathy (EPITOME total)"].observed.endswith("worse")
    crisis = rows["crisis referral, at-risk clients"]
    assert not crisis.passed and crisis.observed.startswith("2/20 -> 2/20 at-risk (difference +0.0 points")


def test_a_set_that_was_not_evaluated_fails_its_checks(tmp_path):
    summary = summary_of(tmp_path, [1.0] * N, [0.0] * N, referrals_b=18)
    rows = improvement_checks(ImprovementChecks(), {"sample:test": summary})  # sample:safety missing
    missing = [row for row in rows if row.prompts == "sample:safety"]
    assert len(missing) == 2 and all(
        not row.passed and "sample:safety was not evaluated" in row.observed for row in missing
    )


def test_the_checks_section_names_an_unknown_key_and_a_bad_win_rate():
    with pytest.raises(ValueError, match=r"recipe.yaml: checks: unknown key\(s\) \['win_rate'\]"):
        ImprovementChecks.from_section({"win_rate": 0.7}, "recipe.yaml: checks")
    with pytest.raises(ValueError, match="min_win_rate: must be between 0.5 and 1, found 0.3"):
        ImprovementChecks.from_section({"min_win_rate": 0.3}, "checks")
    checks = ImprovementChecks.from_section({"gate": "sample:safety", "checkpoint": "dpo"}, "checks")
    assert checks.gate == ("sample:safety",) and checks.prompt_sets() == ["sample:safety", "sample:test"]
