"""`align compare`: paired statistics, verdicts by each metric's direction, safety first, escaped reports."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from eval.compare import compare, compare_evals
from eval.leaderboard import reward_leaderboard
from eval.outputs import EVAL_FORMAT, read_eval_dir, write_eval_dir
from eval.report import render_markdown
from eval.settings import EvalSettings
from eval.stats import holm, paired_bootstrap_ci, wilcoxon_p, win_rates
from tests.test_cli import align

# ---------------------------------------------------------------- statistics


def test_bootstrap_ci_covers_the_true_paired_mean_difference():
    rng = np.random.default_rng(1)
    a = rng.normal(0.0, 1.0, 60)
    b = a + 0.5 + rng.normal(0.0, 0.3, 60)  # true paired mean difference 0.5
    low, high = paired_bootstrap_ci(a, b, seed=0)
    assert low < 0.5 < high and high - low < 0.3
    assert paired_bootstrap_ci(a, b, seed=0) == (low, high)  # fixed seed: the same interval

    covered = 0
    for trial in range(100):  # coverage of the nominal 95% interval on skewed (exponential) differences
        data = np.random.default_rng(100 + trial)
        a = data.normal(0.0, 1.0, 30)
        b = a + data.exponential(1.0, 30)  # true mean difference 1.0
        low, high = paired_bootstrap_ci(a, b, n_resamples=999, seed=trial)
        covered += low <= 1.0 <= high
    assert 88 <= covered <= 100


def test_bootstrap_and_wilcoxon_edge_cases():
    assert paired_bootstrap_ci([1, 2, 3], [1, 2, 3]) == (0.0, 0.0)
    assert paired_bootstrap_ci([1, 2, 3], [2, 3, 4]) == (1.0, 1.0)
    assert paired_bootstrap_ci([], []) is None
    assert wilcoxon_p([1, 2, 3], [1, 2, 3]) == 1.0
    assert wilcoxon_p(range(20), [x + 1 + 0.01 * x for x in range(20)]) < 1e-5


def test_holm_matches_a_hand_worked_example():
    # sorted: 0.005 x4 = 0.02; 0.01 x3 = 0.03; 0.03 x2 = 0.06; 0.04 x1 = 0.04 -> kept monotone: 0.06
    adjusted = holm([0.01, 0.04, 0.03, 0.005, None])
    assert adjusted[:4] == pytest.approx([0.03, 0.06, 0.06, 0.02]) and adjusted[4] is None
    assert holm([0.5, 0.9]) == [1.0, 1.0]  # capped at 1


def test_length_controlled_win_rate_discounts_a_reward_that_only_likes_length():
    rng = np.random.default_rng(0)
    length_a = rng.normal(60, 10, 300)
    length_b = length_a + rng.normal(15, 15, 300)  # B is usually longer
    reward_a = 0.05 * length_a + rng.normal(0, 0.3, 300)
    reward_b = 0.05 * length_b + rng.normal(0, 0.3, 300)  # the reward sees only length
    rates = win_rates(reward_a, reward_b, length_a, length_b, n_resamples=300)
    assert rates["win_rate"] > 0.75
    assert rates["length_controlled_ci"][0] < 0.5 < rates["length_controlled_ci"][1]
    assert abs(rates["length_controlled_win_rate"] - 0.5) < 0.1 and rates["log_odds_per_word"] > 0

    better = win_rates(reward_a, reward_a + 1.0, length_a, length_a, n_resamples=100)  # B wins everywhere
    assert better["win_rate"] == 1.0 and 0.9 < better["length_controlled_win_rate"] <= 1.0


# ---------------------------------------------------------------- synthetic evals


def synthetic_eval(folder: Path, label: str, empathy: list[float], harmful: list[bool], replies: list[str]) -> Path:
    """An eval folder in the harness's format: one reply per prompt with chosen empathy and safety scores."""
    rows = []
    for i, (e, h, reply) in enumerate(zip(empathy, harmful, replies, strict=True)):
        scores = {
            "empathy": {"epitome_total": e, "emotional_reactions": e / 3, "reflections": 1, "open_questions": 1},
            "safety": {"risk": "none", "medication_advice": False, "harmful_or_dismissive": h, "refusal": False,
                       "crisis_referral": False, "escalates": False},
            "toxicity": {"toxicity": 0.1 + 0.001 * i, "toxic": False},
            "quality": {"length_words": 20 + i % 3, "distinct_1": 0.9},
            "reward": {"reward": e},
            "derived": {"escalates_when_benign": False, "crisis_referral_when_at_risk": None},
        }  # fmt: skip
        rows.append(
            {"prompt_id": f"p{i}", "prompt_key": f"key{i}", "sample": 0, "topic": None, "gold_risk": "none",
             "prompt": [{"role": "user", "content": f"client message {i}"}], "reply": reply, "reference": None,
             "scores": scores}
        )  # fmt: skip
    summary = {
        "format": EVAL_FORMAT,
        "model": {"spec": label, "path": label, "adapter": None, "run": label, "fingerprint": label},
        "prompts": {"source": "synthetic", "fingerprint": "same-prompts", "count": len(rows)},
        "settings": {**EvalSettings().recorded(label), "prompts": "synthetic"},
        "scorers": [{"name": n, "version": "1"} for n in ("empathy", "safety", "toxicity", "quality")],
        "aggregates": {"replies": len(rows), "harmful_or_dismissive_rate": sum(harmful) / len(rows)},
        "means": {},
    }
    write_eval_dir(folder, summary, rows)
    return folder


N = 20


@pytest.fixture
def two_evals(tmp_path) -> tuple[Path, Path]:
    """B is far more empathic than A but dismissive on 15 of 20 prompts; one of B's replies holds a script tag."""
    rng = np.random.default_rng(0)
    base = rng.uniform(1.0, 2.0, N)
    replies_b = [f"reply B {i}" for i in range(N)]
    replies_b[0] = "<script>alert('x')</script> Just get over it."
    a = synthetic_eval(tmp_path / "A", "sft", list(base), [False] * N, [f"reply A {i}" for i in range(N)])
    b = synthetic_eval(tmp_path / "B", "dpo", list(base + 2.0 + rng.uniform(0, 0.5, N)), [i < 15 for i in range(N)],
                       replies_b)  # fmt: skip
    return a, b


def by_metric(summary: dict) -> dict[str, dict]:
    return {row["metric"]: row for row in summary["metrics"]}


def test_clearly_better_empathy_and_worse_safety_get_their_verdicts_safety_first(two_evals):
    a, b = (read_eval_dir(p) for p in two_evals)
    summary = compare_evals(a, b, n_resamples=2000).summary
    rows = by_metric(summary)
    assert rows["epitome_total"]["verdict"] == "better" and rows["reward"]["verdict"] == "better"
    assert rows["harmful_or_dismissive"]["verdict"] == "worse"
    assert rows["harmful_or_dismissive"]["difference"] == pytest.approx(0.75)
    low, high = rows["harmful_or_dismissive"]["ci"]
    assert 0 < low < 0.75 < high <= 1
    assert rows["refusal"]["verdict"] == "no clear difference" and rows["refusal"]["p_value"] == 1.0
    assert [r["metric"] for r in summary["regressions"]] == ["harmful_or_dismissive"]
    assert summary["headline"][0]["metric"] == "harmful_or_dismissive"  # the safety regression comes first
    assert summary["setting_differences"] == []
    assert summary["reward_win_rate"]["win_rate"] == 1.0
    assert summary["examples"][0]["why"].startswith("harmful_or_dismissive worse")

    markdown = render_markdown(summary)
    regressions = markdown.index("## Safety and toxicity regressions")
    assert regressions < markdown.index("**worse**: harmful_or_dismissive") < markdown.index("**better**: reward")


def test_reports_escape_replies_and_embed_their_plots(two_evals, tmp_path):
    human = {
        "strengths": {
            "sft": {"strength": 0.0, "ci": [-0.2, 0.2]},
            "<b>dpo</b>": {"strength": 0.4, "ci": [0.1, 0.7]},
            "[log in again](https://evil.example/x)": {"strength": 0.1, "ci": [0.0, 0.2]},
        },
        "wins": {"A": 12, "B": 31, "ties": 4},
        "win_rate_b": 0.7,
        "agreement": {"alpha": 0.61, "pairs": 40},
    }
    folder = compare(str(two_evals[0]), str(two_evals[1]), out_dir=tmp_path / "cmp", human=human)
    report = (folder / "report.html").read_text()
    assert "<script>alert" not in report and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in report
    assert report.count("data:image/png;base64,") >= 3  # forest plot, distributions, reward against length
    assert "Human A/B" in report and "&lt;b&gt;dpo&lt;/b&gt;" in report and "0.61" in report
    markdown = (folder / "compare.md").read_text()
    assert "<script>" not in markdown and "&lt;script>" in markdown and "## Human A/B" in markdown
    from markdown_it import MarkdownIt

    rendered = MarkdownIt().enable("table").render(markdown)
    assert "log in again" in rendered and "<a " not in rendered, "text from data became a link"
    saved = json.loads((folder / "compare.json").read_text())
    assert saved["human"] == human and saved["regressions"][0]["metric"] == "harmful_or_dismissive"


def test_an_eval_against_itself_shows_no_difference(two_evals):
    same = read_eval_dir(two_evals[1])
    summary = compare_evals(same, same, n_resamples=200).summary
    assert summary["metrics"] and summary["headline"] == [] and summary["regressions"] == []
    for row in summary["metrics"]:
        assert row["difference"] == 0.0 and row["ci"] == [0.0, 0.0], row
        assert row["verdict"] == "no clear difference"
    assert summary["reward_win_rate"]["ties"] == N


def test_differences_beyond_the_model_are_flagged(two_evals, tmp_path):
    a = read_eval_dir(two_evals[0])
    other = read_eval_dir(two_evals[1])
    other.summary["settings"]["seed"] = 7
    differences = compare_evals(a, other, n_resamples=200).summary["setting_differences"]
    assert differences == ["seed: 0 vs 7"]


def test_compare_two_models_evaluates_once_and_reuses_the_matching_eval(tiny_model_dir, tmp_path, monkeypatch):
    from tests.conftest import CLIENT_LINES, write_jsonl

    monkeypatch.chdir(tmp_path)
    prompts = write_jsonl(tmp_path / "prompts.jsonl", [{"prompt": line} for line in CLIENT_LINES[:3]])
    settings = EvalSettings(prompts=str(prompts), max_new_tokens=6, system_prompt="")
    folder = compare(str(tiny_model_dir), str(tiny_model_dir), settings)
    assert len(list(Path("evals").iterdir())) == 1  # B reused A's eval: same weights, prompts and settings
    summary = json.loads((folder / "compare.json").read_text())
    assert summary["paired_prompts"] == 3 and summary["headline"] == []
    assert folder.parent == Path("comparisons") and (folder / "report.html").is_file()

    # beside an eval folder, a model is evaluated with that eval's settings: here the same eval is reused
    evaluated = next(Path("evals").iterdir())
    again = json.loads((compare(str(evaluated), str(tiny_model_dir)) / "compare.json").read_text())
    assert again["a"]["eval"] == again["b"]["eval"] and again["setting_differences"] == []
    assert len(list(Path("evals").iterdir())) == 1


def test_align_compare_command(two_evals, tmp_path):
    out = tmp_path / "cmp"
    result = align("compare", str(two_evals[0]), str(two_evals[1]), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "SAFETY/TOXICITY REGRESSIONS" in result.stdout and "harmful_or_dismissive" in result.stdout
    # absolute before relative: these synthetic evals predate the reply-safety classifier, so both fail the gate
    assert result.stdout.startswith("Every checkpoint FAILS the release gate")
    assert result.stdout.index("GATE FAILED: sft (A)") < result.stdout.index("SAFETY/TOXICITY REGRESSIONS")
    last = result.stdout.rstrip().splitlines()[-1]
    assert last == "GATE FAILED: 2 of 2 checkpoint(s) fail the release gate: sft, dpo"
    assert {p.name for p in out.iterdir()} == {"compare.json", "compare.md", "report.html"}
    missing = align("compare", str(two_evals[0]), str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "nowhere" in missing.stderr and "Traceback" not in missing.stderr


def test_align_compare_adds_a_human_ab_campaign(two_evals, tmp_path):
    from annotate.store import RankingStore
    from tests.test_human_ab import written_campaign

    db = tmp_path / "prefs.db"
    written_campaign(RankingStore(str(db)), "ab:a-vs-b", [{"x": "B", "y": "B"}, {"x": "B", "y": "tie"}] * 3)
    out = tmp_path / "cmp"
    args = ("--out", str(out), "--human-campaign", "ab:a-vs-b", "--db", str(db))
    result = align("compare", str(two_evals[0]), str(two_evals[1]), *args)
    assert result.returncode == 0, result.stderr
    human = json.loads((out / "compare.json").read_text())["human"]
    assert human["wins"] == {"A": 0, "B": 9, "ties": 3} and human["rankings"] == 12
    assert "## Human A/B" in (out / "compare.md").read_text()
    assert "Human A/B" in (out / "report.html").read_text()
    unknown = align("compare", str(two_evals[0]), str(two_evals[1]), "--human-campaign", "ab:nope", "--db", str(db))
    assert unknown.returncode == 2 and "ab:a-vs-b" in unknown.stderr  # the error lists the campaigns there are


def test_several_candidates_against_one_baseline_share_one_overview_report(two_evals, tmp_path):
    """`align compare SFT DPO PPO`: a folder per candidate and one page with every metric side by side."""
    rng = np.random.default_rng(1)
    ppo = synthetic_eval(tmp_path / "C", "ppo", list(rng.uniform(1.0, 2.0, N)), [False] * N,
                         [f"reply C {i}" for i in range(N)])  # fmt: skip
    out = tmp_path / "cmp3"
    result = align("compare", str(two_evals[0]), str(two_evals[1]), str(ppo), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("prompts paired") == 2 and "SAFETY/TOXICITY REGRESSIONS" in result.stdout
    subfolders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert subfolders == ["b1-dpo", "b2-ppo"]
    for name in subfolders:
        assert {p.name for p in (out / name).iterdir()} == {"compare.json", "compare.md", "report.html"}
    page = (out / "report.html").read_text()
    assert "dpo, ppo against sft" in page and page.count("data:image/png;base64,") >= 2
    assert page.index("Every checkpoint FAILS the release gate") < page.index("Release gate") < page.index("<hr>")
    assert "<th>sft (baseline)</th><th>dpo</th><th>ppo</th>" in page  # one gate table: every checkpoint
    assert "<b>dpo</b>: <span class='worse'>worse</span>" in page  # dpo's safety regression comes first
    assert "<script>alert" not in page
    overview = page.split("<h2>Every metric</h2>")[1].split("<hr>")[0]
    dpo_row = next(r for r in overview.split("<tr>") if ">epitome_total<" in r)
    assert dpo_row.count(">better<") == 1 and ">no clear difference<" in dpo_row  # dpo better, ppo not

    # The reward model (here: reward = empathy) prefers dpo's reply on every prompt, to both others.
    board = json.loads((out / "leaderboard.json").read_text())
    assert board["prompts"] == N and [row["label"] for row in board["rows"]][0] == "dpo"
    top = board["rows"][0]
    assert top["win_rate"] == 1.0 and top["ci"][0] > max(row["ci"][1] for row in board["rows"][1:])
    assert page.index("Release gate") < page.index("Leaderboard (the reward model") < page.index("Every metric")


def test_the_leaderboard_ranks_by_pairwise_wins_and_a_three_way_tie_is_even():
    """C beats B beats A on every prompt; B and C tie on a quarter of them: half a win each."""
    prompts = [f"k{i}" for i in range(40)]
    rewards = [
        {k: 0.0 for k in prompts},
        {k: 1.0 for k in prompts},
        {k: 1.0 if i % 4 == 0 else 2.0 for i, k in enumerate(prompts)},
    ]
    board = reward_leaderboard(["a", "b", "c"], rewards, samples=200)
    assert [row["label"] for row in board["rows"]] == ["c", "b", "a"]
    wins = {row["label"]: row["win_rate"] for row in board["rows"]}
    assert wins == {"c": (40 + 30 + 5) / 80, "b": (40 + 5) / 80, "a": 0.0}
    assert abs(sum(row["strength"] for row in board["rows"])) < 1e-3  # centred on zero (rounded to 4 places)
    even = reward_leaderboard(["a", "b", "c"], [{k: 1.0 for k in prompts}] * 3, samples=50)
    assert all(row["strength"] == 0.0 and row["win_rate"] == 0.5 for row in even["rows"])
    assert reward_leaderboard(["a", "b", "c"], [{"x": 1.0}, {"y": 1.0}, {"x": 2.0}]) is None  # no shared prompt
