"""The one preference loader: every source kind gives the same conversational pairs, and bad rows are named."""

import json
from pathlib import Path

import pytest

from align.preference_data import (
    PreferenceDataSection,
    load_preference_pairs,
    load_preference_splits,
    source_fingerprint,
)
from align.schema import DataError
from annotate.export import export_preferences, preference_pairs
from annotate.store import CandidateJudgement as J
from annotate.store import RankingStore

PROMPT = [{"role": "user", "content": "My brother stopped calling me."}]
CHOSEN = "That silence sounds painful. What do you make of it?"
REJECTED = "He is probably busy. Call someone else."


def write_jsonl(path: Path, rows: list) -> str:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def export_row(**extra) -> dict:
    return {
        "prompt": PROMPT,
        "chosen": [{"role": "assistant", "content": CHOSEN}],
        "rejected": [{"role": "assistant", "content": REJECTED}],
        "weight": 0.75,
        "annotators": 4,
        "prompt_id": "p1",
        **extra,
    }


EXPECTED = {
    "prompt": PROMPT,
    "chosen": [{"role": "assistant", "content": CHOSEN}],
    "rejected": [{"role": "assistant", "content": REJECTED}],
    "weight": 0.75,
    "margin": 0.0,
    "prompt_id": "p1",
}


# ---------------------------------------------------------------- the written sample set


def test_sample_pairs_come_from_tiers_and_ties_give_none():
    rows = [
        json.loads(line) for line in Path("align/sample_data/preferences/validation.jsonl").read_text().splitlines()
    ]
    expected_all = expected_best = 0
    for row in rows:
        sizes = [len(tier) for tier in row["ranking"]]
        expected_all += sum(sizes[i] * sizes[j] for i in range(len(sizes)) for j in range(i + 1, len(sizes)))
        expected_best += sizes[0] * (sum(sizes) - sizes[0])
    all_pairs = load_preference_pairs("sample:validation")
    best = load_preference_pairs("sample:validation", "best_vs_rest")
    assert len(all_pairs) == expected_all and len(best) == expected_best < expected_all

    first = rows[0]
    styles = {r["id"]: r["style"] for r in first["replies"]}
    text = {r["id"]: r["text"] for r in first["replies"]}
    mine = [p for p in all_pairs if p["prompt_id"] == first["id"]]
    for pair in mine:  # the reflective reply is never rejected, the dismissive one never chosen
        chosen_id = next(i for i, t in text.items() if t == pair["chosen"][0]["content"])
        rejected_id = next(i for i, t in text.items() if t == pair["rejected"][0]["content"])
        assert styles[chosen_id] != "dismissive" and styles[rejected_id] != "reflective"
        assert pair["prompt"] == first["prompt"] and pair["weight"] == 1.0 and pair["margin"] == 0.0
    tied = [tier for tier in first["ranking"] if len(tier) > 1]
    for tier in tied:
        assert not any(
            {text[a], text[b]} == {p["chosen"][0]["content"], p["rejected"][0]["content"]}
            for p in mine
            for a in tier
            for b in tier
        )


def test_sample_splits_and_fingerprint():
    train, validation = load_preference_splits(PreferenceDataSection())
    assert len(train) > 500 and len(validation) > 100
    assert not {p["prompt_id"] for p in train} & {p["prompt_id"] for p in validation}
    assert len(source_fingerprint("sample:train")["sha256"]) == 64
    assert PreferenceDataSection(train="sample:trian").validate() == [
        "train: unknown sample split 'trian'; allowed: ['train', 'validation', 'test']"
    ]


def test_validation_held_out_by_prompt_and_max_pairs():
    section = PreferenceDataSection(validation=None, validation_fraction=0.2, max_pairs=50)
    train, validation = load_preference_splits(section)
    assert len(train) == 50 and validation
    assert not {p["prompt_id"] for p in train} & {p["prompt_id"] for p in validation}


# ---------------------------------------------------------------- files in every layout


def test_export_layout_jsonl_json_and_parquet(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    jsonl = write_jsonl(tmp_path / "prefs.jsonl", [export_row()])
    as_json = tmp_path / "prefs.json"
    as_json.write_text(json.dumps([export_row()]))
    parquet = tmp_path / "prefs.parquet"
    pq.write_table(pa.Table.from_pylist([export_row()]), parquet)
    for source in (jsonl, str(as_json), str(parquet)):
        assert load_preference_pairs(source) == [EXPECTED]


def test_trl_standard_implicit_and_hosted_layouts(tmp_path):
    standard = {"prompt": PROMPT[0]["content"], "chosen": CHOSEN, "rejected": REJECTED}
    implicit = {
        "chosen": [*PROMPT, {"role": "assistant", "content": CHOSEN}],
        "rejected": [*PROMPT, {"role": "assistant", "content": REJECTED}],
    }
    hosted = {
        "input": {"messages": PROMPT},
        "preferred_output": [{"role": "assistant", "content": CHOSEN}],
        "non_preferred_output": [{"role": "assistant", "content": REJECTED}],
    }
    pairs = load_preference_pairs(write_jsonl(tmp_path / "mixed.jsonl", [standard, implicit, hosted]))
    assert len(pairs) == 3
    for pair in pairs:
        assert pair["prompt"] == PROMPT and pair["chosen"] == EXPECTED["chosen"] and pair["weight"] == 1.0
    assert len({p["prompt_id"] for p in pairs}) == 1  # the same prompt text gets the same id


def test_margin_from_field_or_score_gap(tmp_path):
    rows = [
        export_row(margin=0.5),
        {"prompt": "hi", "chosen": "a", "rejected": "b", "score_chosen": 8.0, "score_rejected": 5.5},
        {"prompt": "hi", "chosen": "a", "rejected": "b", "score_chosen": 5.0, "score_rejected": 6.0},
    ]
    assert [p["margin"] for p in load_preference_pairs(write_jsonl(tmp_path / "m.jsonl", rows))] == [0.5, 2.5, 0.0]


def test_saved_dataset_folder_and_hub_layout_from_a_local_folder(tmp_path):
    from datasets import Dataset, DatasetDict

    folder = tmp_path / "preferences_dataset"
    DatasetDict(
        {"train": Dataset.from_list([export_row()] * 3), "test": Dataset.from_list([export_row()])}
    ).save_to_disk(str(folder))
    assert len(load_preference_pairs(str(folder))) == 3  # a DatasetDict folder reads its train split
    assert load_preference_pairs(str(folder / "test")) == [EXPECTED]

    hub = tmp_path / "hub-prefs"
    hub.mkdir()
    write_jsonl(hub / "train.jsonl", [export_row()] * 2)
    write_jsonl(hub / "test.jsonl", [export_row()])
    assert len(load_preference_pairs(f"hub:{hub}")) == 2
    assert load_preference_pairs(f"hub:{hub}:test") == [EXPECTED]


# ---------------------------------------------------------------- the preference store


@pytest.fixture
def ranked_store(tmp_path) -> str:
    """Two prompts ranked by three annotators, with 1-5 ratings on one of them."""
    path = str(tmp_path / "prefs.db")
    store = RankingStore(path)
    for n, external_id in enumerate(("p1", "p2")):
        prompt_id = store.add_prompt(external_id, [{"role": "user", "content": f"client message {n}"}])
        a, b, c = store.add_candidates(prompt_id, [f"good {n}", f"fine {n}", f"bad {n}"], source="m")
        for k in range(3):
            annotator = store.ensure_annotator(f"annotator-{k}")
            rated = external_id == "p1"
            judgements = {
                a: J(1, empathy=5 if rated else None, helpfulness=4 if rated else None),
                b: J(2 if k < 2 else 1, empathy=3 if rated else None, helpfulness=3 if rated else None),
                c: J(3, empathy=1 if rated else None),
            }
            if k == 2:
                judgements[a] = J(2, empathy=5 if rated else None, helpfulness=4 if rated else None)
            store.record_ranking(prompt_id, annotator, judgements)
    return path


def test_store_pairs_carry_agreement_weights_and_rating_margins(ranked_store, tmp_path):
    pairs = load_preference_pairs(f"store:{ranked_store}")
    by_texts = {(p["prompt_id"], p["chosen"][0]["content"], p["rejected"][0]["content"]): p for p in pairs}
    good_fine = by_texts[("p1", "good 0", "fine 0")]
    assert good_fine["weight"] == pytest.approx(2 / 3)  # one annotator of three ranked fine above good
    assert good_fine["margin"] == pytest.approx(4.5 - 3.0)  # mean of the ratings given: 4.5 vs 3
    assert by_texts[("p1", "good 0", "bad 0")]["margin"] == pytest.approx(3.5)
    assert by_texts[("p2", "good 1", "bad 1")]["margin"] == 0.0  # never rated
    assert good_fine["prompt"] == [{"role": "user", "content": "client message 0"}]

    # the export and the store source agree on every pair
    export_preferences(RankingStore(ranked_store), tmp_path / "out", test_fraction=0.0)
    exported = load_preference_pairs(str(tmp_path / "out" / "preferences_train.jsonl"))
    assert sorted(
        (p["prompt_id"], p["chosen"][0]["content"], p["rejected"][0]["content"], p["weight"]) for p in exported
    ) == (sorted((p["prompt_id"], p["chosen"][0]["content"], p["rejected"][0]["content"], p["weight"]) for p in pairs))
    assert len(load_preference_pairs(str(tmp_path / "out" / "preferences_dataset"))) == len(exported)
    best = load_preference_pairs(f"store:{ranked_store}", "best_vs_rest")
    assert len(best) == len(preference_pairs(RankingStore(ranked_store), "best_vs_rest"))


def test_store_problems_are_data_errors(tmp_path):
    assert PreferenceDataSection(train=f"store:{tmp_path / 'none.db'}").validate() == [
        f"train: preference store not found: {tmp_path / 'none.db'}"
    ]
    RankingStore(str(tmp_path / "empty.db"))
    with pytest.raises(DataError, match="no ranked pairs yet"):
        load_preference_pairs(f"store:{tmp_path / 'empty.db'}")


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "row, expected",
    [
        ({"prompt": "hi", "chosen": "a"}, "line 2: expected fields 'prompt', 'chosen' and 'rejected'"),
        (export_row(prompt=[]), "line 2, field 'prompt': expected text or a non-empty list of messages"),
        (
            export_row(prompt=[{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]),
            "line 2, field 'prompt': must end with the client's ('user') message",
        ),
        (export_row(prompt=[{"role": "client", "content": "hi"}]), "line 2, field 'prompt[0]'.role: expected one of"),
        (
            export_row(chosen=[{"role": "assistant", "content": " "}]),
            "line 2, field 'chosen[0]'.content: empty reply",
        ),
        (
            export_row(rejected=[{"role": "user", "content": "x"}]),
            "line 2, field 'rejected[0]'.role: expected 'assistant', found 'user'",
        ),
        (
            export_row(chosen=[{"role": "assistant", "content": "a"}, {"role": "assistant", "content": "b"}]),
            "line 2, field 'chosen': expected one assistant message, found 2 messages",
        ),
        (export_row(weight=1.5), "line 2, field 'weight': expected agreement in (0, 1], found 1.5"),
        (export_row(margin="big"), "line 2, field 'margin': expected a number, found 'big'"),
        ({"chosen": "a", "rejected": "b"}, "line 2: missing field 'prompt'"),
        (
            {"id": "x", "prompt": PROMPT, "replies": [{"id": "r1", "text": "a"}], "ranking": [["r1"], ["r2"]]},
            "line 2, field 'ranking': must name each reply id once",
        ),
        ("{not json", "line 2: invalid JSON"),
    ],
)
def test_bad_rows_name_file_line_and_field(tmp_path, row, expected):
    source = write_jsonl(tmp_path / "bad.jsonl", [export_row(), row])
    with pytest.raises(DataError) as info:
        load_preference_pairs(source)
    assert source in str(info.value) and expected in str(info.value)


def test_every_bad_row_is_listed_and_nothing_partial_is_returned(tmp_path):
    source = write_jsonl(tmp_path / "bad.jsonl", [export_row(), {"x": 1}, export_row(), export_row(weight=0)])
    with pytest.raises(DataError) as info:
        load_preference_pairs(source)
    assert [p.split(":")[0].split(",")[0] for p in info.value.problems] == ["line 2", "line 4"]


def test_identical_replies_are_skipped_and_ties_only_is_an_error(tmp_path):
    same = export_row(rejected=[{"role": "assistant", "content": CHOSEN}])
    assert len(load_preference_pairs(write_jsonl(tmp_path / "same.jsonl", [export_row(), same]))) == 1
    tie = {
        "id": "t",
        "prompt": PROMPT,
        "replies": [{"id": "a", "text": "x"}, {"id": "b", "text": "y"}],
        "ranking": [["a", "b"]],
    }
    with pytest.raises(DataError, match="no preference pairs"):
        load_preference_pairs(write_jsonl(tmp_path / "tie.jsonl", [tie]))


def test_missing_and_unsupported_sources(tmp_path):
    with pytest.raises(DataError, match="file not found"):
        load_preference_pairs(str(tmp_path / "missing.jsonl"))
    (tmp_path / "prefs.csv").write_text("prompt,chosen,rejected\nhi,a,b\n")
    with pytest.raises(DataError, match="unsupported file type '.csv'"):
        load_preference_pairs(str(tmp_path / "prefs.csv"))
    with pytest.raises(DataError, match="cannot load dataset"):
        load_preference_pairs(f"hub:{tmp_path / 'no-such-folder'}")
    assert PreferenceDataSection(validation=str(tmp_path / "x.jsonl")).validate() == [
        f"validation: data file not found: {tmp_path / 'x.jsonl'}"
    ]
