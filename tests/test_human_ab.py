"""Human A/B comparison: blinded pairs from two tiny models, ranked through the app's own functions,
summarised as Bradley-Terry strengths with bootstrap CIs, wins and agreement (SQLite and PostgreSQL)."""

import json
import shutil

import pytest

from annotate.ab_comparison import campaign_name, queue_ab_campaign
from annotate.generate import prompts_from_source
from annotate.labeling import LabelSettings, load_item, submit
from annotate.store import CandidateJudgement, CandidateOrigin, RankingStore
from eval.human_ab import bradley_terry, human_ab_summary
from tests.conftest import make_conversations, write_jsonl
from tests.test_cli import align

PASSWORD = "long enough pw"
SETTINGS = LabelSettings(annotators_per_item=3, gold_every=0)
SUMMARY_KEYS = {"labels", "strengths", "wins", "win_rate_b", "agreement", "annotators", "rankings"}


@pytest.fixture(scope="module")
def tiny_model_b(tiny_model_dir, tmp_path_factory):
    """The tiny model with other random weights: a second checkpoint to compare with."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.manual_seed(1)
    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.add_(torch.randn_like(parameter) * 0.5)
    path = tmp_path_factory.mktemp("tiny-llama-b")
    model.save_pretrained(path)
    AutoTokenizer.from_pretrained(tiny_model_dir).save_pretrained(path)
    return path


@pytest.fixture
def prompts(tmp_path):
    return prompts_from_source(str(write_jsonl(tmp_path / "prompts.jsonl", make_conversations(6))))


def sampling():
    from align.generation import SamplingSettings

    return SamplingSettings(max_new_tokens=8, do_sample=True, temperature=0.8, top_p=0.95)


def arms_by_candidate(store, campaign):
    return {c.id: c.sampling["arm"] for p in store.campaign_prompts(campaign) for c in store.candidates(p.id)}


def rank_like_the_app(store, annotator, prefer):
    """Rank every item the app gives ``annotator``: ``prefer(item_number)`` says "A", "B" or "tie"."""
    arms = {c_id: arm for campaign in store.campaigns() for c_id, arm in arms_by_candidate(store, campaign).items()}
    view, number = load_item(store, SETTINGS, annotator), 0
    while view.assignment_id is not None:
        choice = prefer(number)
        ranks = [1 if choice in ("tie", arms[c]) else 2 for c in view.candidate_ids]
        view = submit(store, SETTINGS, annotator, view.assignment_id, ranks, [False, False], {})
        number += 1
    return number


def test_queued_pairs_are_blinded_with_recoverable_sources(store_url, tiny_model_dir, tiny_model_b, prompts):
    store = RankingStore(store_url)
    counts = queue_ab_campaign(store, str(tiny_model_dir), str(tiny_model_b), prompts, sampling(), seed=3)
    campaign = campaign_name(str(tiny_model_dir), str(tiny_model_b))
    assert counts["campaign"] == campaign and counts["queued"] + counts["left_out_empty"] == 6
    assert store.campaigns() == {campaign: counts["queued"]} and counts["queued"] >= 5

    first_arms = []
    for prompt in store.campaign_prompts(campaign):
        candidates = store.candidates(prompt.id)
        assert prompt.external_id.startswith(f"{campaign}/t-") and prompt.conversation[-1]["role"] == "user"
        assert sorted(c.sampling["arm"] for c in candidates) == ["A", "B"]
        assert {c.sampling["arm"]: c.source for c in candidates} == {"A": str(tiny_model_dir), "B": str(tiny_model_b)}
        assert all(c.seed == 3 and c.sampling["campaign"] == campaign for c in candidates)
        first_arms.append(candidates[0].sampling["arm"])
    assert len(set(first_arms)) == 2, "candidate ids (insertion order) must not give the arm away"

    store.add_annotator("dana", PASSWORD)
    view = load_item(store, SETTINGS, "dana")
    assert len(view.replies) == 2 and len(view.candidate_ids) == 2
    shown = json.dumps(view.__dict__)
    assert str(tiny_model_dir) not in shown and str(tiny_model_b) not in shown and '"arm"' not in shown

    again = queue_ab_campaign(store, str(tiny_model_dir), str(tiny_model_b), prompts, sampling(), seed=3)
    assert again["queued"] == 0 and again["already_queued"] == counts["queued"]
    assert store.counts()["candidates"] == 2 * counts["queued"]


def test_both_models_get_the_same_prompts_seed_and_settings(tiny_model_dir, tmp_path, prompts):
    """The same weights under two names write the same reply to every prompt: nothing differs but the model."""
    twin = shutil.copytree(tiny_model_dir, tmp_path / "twin")
    store = RankingStore(str(tmp_path / "prefs.db"))
    queue_ab_campaign(store, str(tiny_model_dir), str(twin), prompts, sampling(), seed=7, campaign="ab:twins")
    for prompt in store.campaign_prompts("ab:twins"):
        a, b = store.candidates(prompt.id)
        assert a.text == b.text and a.sampling == {**b.sampling, "arm": a.sampling["arm"]}


def test_comparing_a_model_with_itself_or_a_too_long_name_is_refused(tiny_model_dir, tmp_path, prompts):
    store = RankingStore(str(tmp_path / "prefs.db"))
    with pytest.raises(ValueError, match="two different models"):
        queue_ab_campaign(store, str(tiny_model_dir), f"{tiny_model_dir}/", prompts, sampling())
    with pytest.raises(ValueError, match="pass a shorter one with --campaign"):
        queue_ab_campaign(store, "a", "b", prompts, sampling(), campaign="ab:" + "x" * 200)


def test_summary_prefers_b_when_annotators_do(store_url, tiny_model_dir, tiny_model_b, prompts):
    store = RankingStore(store_url)
    campaign = queue_ab_campaign(store, str(tiny_model_dir), str(tiny_model_b), prompts, sampling())["campaign"]
    items = len(store.campaign_prompts(campaign))
    for name in ("ann", "bo", "cy"):
        store.add_annotator(name, PASSWORD)
    assert rank_like_the_app(store, "ann", lambda k: "B") == items
    assert rank_like_the_app(store, "bo", lambda k: "B") == items
    assert rank_like_the_app(store, "cy", lambda k: {0: "A", 1: "tie"}.get(k, "B")) == items

    summary = human_ab_summary(store_url, campaign, bootstrap=300)
    assert set(summary) == SUMMARY_KEYS
    a, b = summary["labels"]
    assert (a, b) == (str(tiny_model_dir), str(tiny_model_b))
    assert summary["wins"] == {"A": 1, "B": 3 * items - 2, "ties": 1}
    assert summary["rankings"] == 3 * items and summary["annotators"] == 3
    assert summary["win_rate_b"] == pytest.approx((3 * items - 2 + 0.5) / (3 * items), abs=1e-4)
    strength_a, strength_b = summary["strengths"][a], summary["strengths"][b]
    assert strength_b["strength"] > 0 > strength_a["strength"]
    for s in (strength_a, strength_b):
        assert s["ci"][0] <= s["strength"] <= s["ci"][1]
    assert strength_b["ci"][0] > strength_a["ci"][1]
    assert summary["agreement"]["pairs"] == items and 0 < summary["agreement"]["alpha"] < 1
    assert human_ab_summary(store_url, campaign, bootstrap=300) == summary  # fixed bootstrap seed
    json.dumps(summary)  # plain JSON for `align compare`


def written_campaign(store, campaign, outcomes_per_item):
    """A campaign from written replies; ``outcomes_per_item``: per item, {annotator: "A" | "B" | "tie"}."""
    for k, outcomes in enumerate(outcomes_per_item):
        pair = [
            CandidateOrigin(f" reply {k} from {arm}", f"runs/{arm.lower()}", {"arm": arm, "campaign": campaign})
            for arm in ("A", "B")
        ]
        prompt_id = store.add_campaign_item(
            campaign, f"{campaign}/p{k}", [{"role": "user", "content": f"client {k}"}], pair
        )
        ids = {c.sampling["arm"]: c.id for c in store.candidates(prompt_id)}
        for annotator, outcome in outcomes.items():
            ranks = {"A": (1, 2), "B": (2, 1), "tie": (1, 1)}[outcome]
            judgements = {ids["A"]: CandidateJudgement(ranks[0]), ids["B"]: CandidateJudgement(ranks[1])}
            store.record_ranking(prompt_id, store.ensure_annotator(annotator), judgements)


def test_summary_counts_ties_as_half_wins_and_only_its_own_campaign(tmp_path):
    url = str(tmp_path / "prefs.db")
    store = RankingStore(url)
    written_campaign(store, "ab:a-vs-b", [{"x": "A", "y": "A"}, {"x": "B", "y": "tie"}, {"x": "tie", "y": "tie"}])
    written_campaign(store, "ab:other", [{"x": "B", "y": "B"}] * 3)
    summary = human_ab_summary(url, "ab:a-vs-b", bootstrap=200)
    assert summary["labels"] == ["runs/a", "runs/b"]
    assert summary["wins"] == {"A": 2, "B": 1, "ties": 3} and summary["rankings"] == 6
    assert summary["win_rate_b"] == pytest.approx(2.5 / 6, abs=1e-4)
    # a tie is half a win each: 2 wins + 3 ties for A is 3.5 wins, as is 3 wins + 1 tie
    assert bradley_terry(2, 1, 3) == pytest.approx(bradley_terry(3, 2, 1), abs=1e-4)
    assert summary["strengths"]["runs/a"]["strength"] > summary["strengths"]["runs/b"]["strength"]
    assert bradley_terry(4, 4, 5) == pytest.approx((0.0, 0.0), abs=1e-6)
    assert all(abs(s) < 10 for s in bradley_terry(0, 20, 0)), "the prior keeps one-sided results finite"


def test_summary_errors_name_the_campaigns(tmp_path):
    url = str(tmp_path / "prefs.db")
    store = RankingStore(url)
    store.add_campaign_item(
        "ab:queued",
        "ab:queued/p0",
        [{"role": "user", "content": "client"}],
        [CandidateOrigin(" one", "runs/a", {"arm": "A"}), CandidateOrigin(" two", "runs/b", {"arm": "B"})],
    )
    with pytest.raises(ValueError, match=r"no campaign 'ab:nope' .* \(campaigns there: ab:queued\)"):
        human_ab_summary(url, "ab:nope")
    with pytest.raises(ValueError, match="has 1 items but no rankings yet"):
        human_ab_summary(url, "ab:queued")


def test_label_compare_queue_only_and_ab_summary_through_the_cli(tiny_model_dir, tiny_model_b, tmp_path):
    db = str(tmp_path / "prefs.db")
    source = write_jsonl(tmp_path / "prompts.jsonl", make_conversations(4))
    queued = align(
        "label",
        "--compare",
        str(tiny_model_dir),
        str(tiny_model_b),
        "--prompts",
        str(source),
        "--campaign",
        "ab:tiny",
        "--max-new-tokens",
        "8",
        "--queue-only",
        "--db",
        db,
    )
    assert queued.returncode == 0, queued.stderr
    assert "campaign 'ab:tiny':" in queued.stdout and "align label --ab-summary ab:tiny" in queued.stdout
    store = RankingStore(db)
    store.add_annotator("dana", PASSWORD)
    rank_like_the_app(store, "dana", lambda k: "B")
    result = align("label", "--ab-summary", "ab:tiny", "--db", db)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert set(summary) == SUMMARY_KEYS and summary["wins"]["A"] == 0 and summary["wins"]["B"] > 0
    assert summary["agreement"] == {"alpha": None, "pairs": 0}  # one annotator: agreement is undefined
    both = align("label", "--compare", "a", "b", "--ab-summary", "ab:tiny", "--db", db)
    assert both.returncode == 2 and "use one at a time" in both.stderr


def test_export_leaves_ab_campaign_items_out_of_training_pairs(tmp_path):
    """A/B pairs judge checkpoints on held-out prompts: training on them would leak those prompts."""
    from annotate.export import preference_pairs

    store = RankingStore(str(tmp_path / "prefs.db"))
    written_campaign(store, "ab:a-vs-b", [{"x": "A", "y": "A"}, {"x": "B", "y": "B"}])
    ordinary = store.add_prompt("ordinary-1", [{"role": "user", "content": "client"}])
    kind, curt = store.add_candidates(ordinary, ["a kind reply", "a curt reply"], "written")
    judgements = {kind: CandidateJudgement(1), curt: CandidateJudgement(2)}
    store.record_ranking(ordinary, store.ensure_annotator("x"), judgements)
    pairs = preference_pairs(store)
    assert [(p["prompt_id"], p["chosen_id"], p["rejected_id"]) for p in pairs] == [(ordinary, kind, curt)]
