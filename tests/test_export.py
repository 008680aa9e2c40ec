"""Rankings -> training data: majority pairs, ties dropped, unsafe always rejected, no prompt leaks across splits."""

import json

import pytest

from annotate.export import export_preferences, preference_pairs
from annotate.store import CandidateJudgement as J
from annotate.store import RankingStore
from tests.test_cli import ROOT, align

CLIENT = [{"role": "user", "content": "My brother stopped calling me."}]


@pytest.fixture
def store(store_url):
    return RankingStore(store_url)


def ranked_prompt(store, external_id, texts, rankings):
    """rankings: one dict per annotator, reply index -> CandidateJudgement."""
    prompt_id = store.add_prompt(external_id, CLIENT)
    ids = store.add_candidates(prompt_id, texts, source="m")
    for n, ranking in enumerate(rankings):
        annotator = store.ensure_annotator(f"annotator-{n}")
        store.record_ranking(prompt_id, annotator, {ids[i]: j for i, j in ranking.items()})
    return ids


def test_pairs_pool_votes_drop_ties_and_weigh_agreement(store):
    a, b, c = ranked_prompt(
        store,
        "p1",
        ["A", "B", "C"],
        [
            {0: J(1), 1: J(2), 2: J(2)},  # b and c tied: no vote between them
            {0: J(1), 1: J(3), 2: J(2)},
            {0: J(2), 1: J(1), 2: J(3)},
        ],
    )
    pairs = {(p["chosen_id"], p["rejected_id"]): p for p in preference_pairs(store)}
    assert pairs[(a, b)]["weight"] == pytest.approx(2 / 3) and pairs[(a, b)]["annotators"] == 3
    assert pairs[(a, c)]["weight"] == 1.0
    assert (b, c) not in pairs and (c, b) not in pairs  # one vote each way: an even split is dropped


def test_unsafe_candidate_is_always_rejected(store):
    safe, flagged = ranked_prompt(
        store,
        "p1",
        ["safe", "unsafe"],
        [
            {0: J(2), 1: J(1)},  # ranked best by one annotator...
            {0: J(1), 1: J(2, unsafe=True)},  # ...but flagged by another
        ],
    )
    [pair] = preference_pairs(store)
    assert (pair["chosen_id"], pair["rejected_id"]) == (safe, flagged)


def test_best_vs_rest_keeps_only_pairs_with_the_top_reply(store):
    a, b, c = ranked_prompt(store, "p1", ["A", "B", "C"], [{0: J(1), 1: J(2), 2: J(3)}])
    assert {(p["chosen_id"], p["rejected_id"]) for p in preference_pairs(store, "best_vs_rest")} == {(a, b), (a, c)}


def test_export_writes_every_layout_without_leaking_prompts(store, tmp_path):
    for i in range(30):
        ranked_prompt(store, f"p{i}", [f"good {i}", f"meh {i}", f"bad {i}"], [{0: J(1), 1: J(2), 2: J(3, unsafe=True)}])
    counts = export_preferences(store, tmp_path / "out", test_fraction=0.3)
    assert counts["preferences_train"] + counts["preferences_test"] == 90
    assert counts["preferences_test"] > 0 and counts["sft_messages_train"] + counts["sft_messages_test"] == 30

    def rows(name):
        return [json.loads(line) for line in (tmp_path / "out" / f"{name}.jsonl").read_text().splitlines()]

    train_prompts = {r["prompt_id"] for r in rows("preferences_train")}
    assert train_prompts.isdisjoint({r["prompt_id"] for r in rows("preferences_test")})
    row = rows("preferences_train")[0]
    assert row["prompt"] == CLIENT and row["chosen"][0]["role"] == "assistant" and 0 < row["weight"] <= 1
    assert all(not r["label"] for r in rows("kto_train") if r["completion"][0]["content"].startswith("bad"))
    hosted = rows("hosted_preferences_train")[0]
    assert set(hosted) == {"input", "preferred_output", "non_preferred_output"}
    from datasets import load_from_disk

    assert len(load_from_disk(str(tmp_path / "out" / "preferences_dataset"))["train"]) == counts["preferences_train"]


def test_sample_preferences_import_and_export_through_the_cli(store_url, tmp_path):
    sample = ROOT / "align" / "sample_data" / "preferences" / "train.jsonl"
    first = align("import-rankings", str(sample), "--db", store_url)
    assert first.returncode == 0, first.stderr
    assert "imported 173 rankings (0 were already" in first.stdout
    assert "imported 0 rankings (173 were already" in align("import-rankings", str(sample), "--db", store_url).stdout
    out = align("export", "--db", store_url, "--out", str(tmp_path / "out"))
    assert out.returncode == 0, out.stderr
    pairs = [json.loads(x) for x in (tmp_path / "out" / "preferences_train.jsonl").read_text().splitlines()]
    pairs += [json.loads(x) for x in (tmp_path / "out" / "preferences_test.jsonl").read_text().splitlines()]
    # four replies in three or four tiers: 5 or 6 pairs per prompt
    assert 173 * 5 <= len(pairs) <= 173 * 6
    assert all(p["chosen"][0]["content"] != p["rejected"][0]["content"] for p in pairs)


def test_export_of_an_empty_store_is_a_clear_error(store_url, tmp_path):
    result = align("export", "--db", store_url, "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "no ranked pairs to export yet" in result.stderr
