"""Krippendorff's alpha on rankings and gold accuracy, on rankings written for the test."""

import pytest

from annotate.agreement import agreement_report
from annotate.store import CandidateJudgement as J
from annotate.store import RankingStore

CLIENT = [{"role": "user", "content": "I keep crying at work."}]


@pytest.fixture
def store(store_url):
    return RankingStore(store_url)


def rank(store, external_id, per_annotator):
    """per_annotator: {username: [rank of reply 0, rank of reply 1, ...]}."""
    prompt_id = store.add_prompt(external_id, CLIENT)
    size = len(next(iter(per_annotator.values())))
    ids = store.add_candidates(prompt_id, [f"{external_id} reply {i}" for i in range(size)], source="m")
    for username, ranks in per_annotator.items():
        annotator = store.ensure_annotator(username)
        store.record_ranking(prompt_id, annotator, {cid: J(r) for cid, r in zip(ids, ranks, strict=True)})
    return prompt_id, ids


def test_identical_rankings_agree_perfectly(store):
    for i in range(3):
        rank(store, f"p{i}", {"ann": [1, 2, 3, 4], "bo": [1, 2, 3, 4]})
    report = agreement_report(store)
    assert report["overall_alpha"] == pytest.approx(1.0)
    assert all(a == pytest.approx(1.0) for a in report["per_item_alpha"].values())


def test_reversed_item_is_flagged_as_most_disagreement(store):
    agreed = [rank(store, f"p{i}", {"ann": [1, 2, 3, 4], "bo": [1, 2, 4, 3]})[0] for i in range(3)]
    reversed_item, _ = rank(store, "fight", {"ann": [1, 2, 3, 4], "bo": [4, 3, 2, 1]})
    report = agreement_report(store)
    assert report["per_item_alpha"][reversed_item] < 0 < min(report["per_item_alpha"][p] for p in agreed)
    assert report["most_disagreement"][0] == reversed_item
    assert report["overall_alpha"] < min(report["per_item_alpha"][p] for p in agreed)


def test_agreement_needs_two_annotators(store):
    rank(store, "p0", {"ann": [1, 2, 3]})
    report = agreement_report(store)
    assert report["overall_alpha"] is None and report["most_disagreement"] == []


def test_gold_accuracy_per_annotator(store):
    prompt_id, ids = rank(store, "gold", {"right": [1, 2, 3], "wrong": [2, 1, 3], "tied": [1, 1, 2]})
    store.set_gold(prompt_id, ids[0])
    accuracy = agreement_report(store)["gold_accuracy"]
    names = {a.id: a.username for a in store.annotators()}
    assert {names[a]: v for a, v in accuracy.items()} == {"right": 1.0, "wrong": 0.0, "tied": 0.0}
    with pytest.raises(ValueError, match="is not a reply to prompt"):
        store.set_gold(prompt_id, 9999)
