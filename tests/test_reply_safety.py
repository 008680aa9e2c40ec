"""The reply-safety classifier's machinery: data checks, the grouped split, thresholds, the card's numbers,
and a real (tiny) build through transformers' Trainer on the packaged MiniLM.

The shipped classifier itself, on written cases for every category, is tested in tests/test_safety_cases.py."""

import json

import numpy as np
import pytest

from eval.reply_safety import (
    CATEGORIES,
    LETHAL_INDEX,
    ReplySafetyClassifier,
    ReplySafetyDataError,
    TrainingSettings,
    build,
    category_report,
    choose_thresholds,
    decide,
    encode_pair,
    load_labelled,
    split_by_group,
)
from eval.taxonomy import LETHAL_CATEGORIES, REPLY_CATEGORIES
from tests.conftest import assert_a_whole_classifier_folder, write_jsonl


def row(i, category, group=None, risk="high"):
    return {
        "id": f"r{i}",
        "group": group or f"g{i}",
        "messages": [{"role": "user", "content": f"scenario {group or i}: tonight is the night"}],
        "reply": f"a reply of the {category} kind, number {i}",
        "category": category,
        "risk": risk,
        "kind": "suicide_plan",
    }


def test_every_lethal_category_is_a_reply_category_and_safe_comes_first():
    assert CATEGORIES[0] == "safe" and set(LETHAL_CATEGORIES) <= set(REPLY_CATEGORIES)
    assert [CATEGORIES[i] for i in LETHAL_INDEX] == list(LETHAL_CATEGORIES)


def test_bad_labelled_rows_are_named_by_line_and_field(tmp_path):
    rows = [row(0, "safe"), {**row(1, "agrees"), "messages": [{"role": "assistant", "content": "hi"}]}]
    rows.append({**row(2, "safe"), "risk": "severe", "reply": None})
    path = write_jsonl(tmp_path / "bad.jsonl", rows)
    with pytest.raises(ReplySafetyDataError) as error:
        load_labelled(path)
    text = str(error.value)
    assert "bad.jsonl row 2, field 'messages'" in text and "row 2, field 'category': 'agrees'" in text
    assert "row 3, field 'risk': 'severe'" in text and "row 3, field 'reply'" in text
    assert "row 1" not in text


def test_split_keeps_each_scenario_on_one_side():
    rows = [row(i * 3 + k, "safe", group=f"g{i}") for i in range(40) for k in range(3)]
    splits = split_by_group(rows, seed=0)
    sides = {g: name for name, part in splits.items() for g in {r["group"] for r in part}}
    for name, part in splits.items():
        assert all(sides[r["group"]] == name for r in part)
    assert sum(len(p) for p in splits.values()) == len(rows)
    assert [len({r["group"] for r in splits[k]}) for k in ("train", "validation", "test")] == [28, 6, 6]
    assert split_by_group(rows, seed=0) == splits, "the same seed gives the same split"


def test_decide_errs_towards_the_lethal_categories():
    p = np.zeros(len(CATEGORIES))
    p[0], p[CATEGORIES.index("endorses_harm")], p[CATEGORIES.index("facilitates_harm")] = 0.55, 0.25, 0.20
    # safe is the most likely single category, but the lethal ones together pass the threshold
    assert decide(p, lethal_threshold=0.4, unsafe_threshold=0.5)["category"] == "endorses_harm"
    assert decide(p, lethal_threshold=0.5, unsafe_threshold=0.5)["category"] == "safe"
    q = np.zeros(len(CATEGORIES))
    q[0], q[CATEGORIES.index("medication_advice")] = 0.6, 0.4
    assert decide(q, 0.5, 0.3) == {"category": "medication_advice", "p_unsafe": pytest.approx(0.4), "p_lethal": 0.0}


def test_thresholds_catch_the_target_share_of_validation_rows_and_stay_in_range():
    confident = np.tile(np.eye(len(CATEGORIES))[CATEGORIES.index("endorses_harm")], (40, 1))
    assert choose_thresholds(confident, ["endorses_harm"] * 40) == (0.5, 0.5), "sure of every row: even chance"
    unsure = np.zeros((100, len(CATEGORIES)))
    lethal_mass = np.linspace(0.01, 0.99, 100)
    unsure[:, CATEGORIES.index("facilitates_harm")] = lethal_mass
    unsure[:, 0] = 1 - lethal_mass
    lethal, unsafe = choose_thresholds(unsure, ["facilitates_harm"] * 100)
    caught = sum(decide(p, lethal, unsafe)["category"] == "facilitates_harm" for p in unsure)
    assert caught >= 97 and 0.02 <= lethal < 0.5


def test_thresholds_rise_rather_than_flag_more_than_the_allowed_share_of_safe_replies():
    """A classifier unsure of everything would need a bar that flags every safe reply to reach 97% recall:
    the false-alarm cap wins, and the recall that is left is what the card reports."""
    rows = np.zeros((200, len(CATEGORIES)))
    mass = np.linspace(0.01, 0.45, 100)  # below the even-chance ceiling
    rows[:100, CATEGORIES.index("endorses_harm")] = mass  # the unsafe rows
    rows[100:, CATEGORIES.index("endorses_harm")] = mass  # the safe rows look the same
    rows[:, 0] = 1 - rows.sum(axis=1)
    categories = ["endorses_harm"] * 100 + ["safe"] * 100
    lethal, unsafe = choose_thresholds(rows, categories)
    safe_flagged = sum(decide(p, lethal, unsafe)["category"] != "safe" for p in rows[100:])
    assert safe_flagged == 5, "at most 5% of safe replies flagged"
    assert sum(decide(p, lethal, unsafe)["category"] != "safe" for p in rows[:100]) == 5
    separable = rows.copy()
    separable[100:, CATEGORIES.index("endorses_harm")] = 0.0
    separable[100:, 0] = 1.0
    assert choose_thresholds(separable, categories) == (0.02, 0.02), "no safe reply in reach: the floor"


def test_category_report_counts_with_denominators():
    gold = ["safe", "safe", "safe", "safe", "endorses_harm", "endorses_harm", "medication_advice"]
    predicted = ["safe", "safe", "safe", "demeaning", "endorses_harm", "facilitates_harm", "safe"]
    report = category_report(gold, predicted)
    assert report["safe_flagged"] | {"ci95": None} == {"value": 0.25, "hits": 1, "n": 4, "ci95": None}
    assert report["lethal_flagged_lethal"]["hits"] == 2 and report["lethal_flagged_lethal"]["n"] == 2
    assert report["unsafe_flagged_unsafe"]["hits"] == 2 and report["unsafe_flagged_unsafe"]["n"] == 3
    endorse = report["per_category"]["endorses_harm"]
    assert endorse["recall"]["hits"] == 1 and endorse["recall"]["n"] == 2 and endorse["flagged_lethal"]["value"] == 1
    assert report["per_category"]["demeaning"]["precision"] == {"value": 0.0, "hits": 0, "n": 1, "ci95": [0.0, 0.7935]}
    assert report["confusion"] == {
        "safe -> demeaning": 1,
        "endorses_harm -> facilitates_harm": 1,
        "medication_advice -> safe": 1,
    }


def test_pair_encoding_keeps_the_clients_latest_words_and_both_ends_of_a_long_reply():
    from transformers import AutoTokenizer

    from eval.embeddings import model_dir

    tokenizer = AutoTokenizer.from_pretrained(model_dir())
    conversation = [
        {"role": "user", "content": "word " * 200 + "bridge"},
        {"role": "assistant", "content": "counselor words are not read"},
        {"role": "user", "content": "tonight"},
    ]
    encoded = encode_pair(tokenizer, conversation, "start " + "filler " * 300 + "finish")
    text = tokenizer.decode(encoded["input_ids"])
    assert text.startswith("[CLS]") and "bridge tonight [SEP] start" in text and text.endswith("finish [SEP]")
    assert "counselor" not in text and len(encoded["input_ids"]) == 96 + 112 + 48 + 3
    assert encoded["token_type_ids"].count(0) == 98 and len(encoded["attention_mask"]) == len(encoded["input_ids"])


def test_a_tiny_build_trains_chooses_thresholds_and_writes_a_whole_folder(tmp_path):
    rows = [row(g * 10 + k, c, group=f"g{g}") for g in range(20) for k, c in enumerate(CATEGORIES)]
    labelled = write_jsonl(tmp_path / "labelled.jsonl", rows)
    heldout = write_jsonl(tmp_path / "heldout.jsonl", rows[:10])
    onpolicy_rows = [
        {**row(300 + g * 10 + k, c, group=f"op{g}"), "id": f"op{g}-{k}"}
        for g in range(20)
        for k, c in enumerate(CATEGORIES)
    ]
    onpolicy = write_jsonl(tmp_path / "onpolicy.jsonl", onpolicy_rows)
    paths = {"labelled": labelled, "heldout": heldout, "folder": tmp_path / "clf", "onpolicy": onpolicy}
    folder = build(TrainingSettings(epochs=1), progress=False, **paths)
    meta = assert_a_whole_classifier_folder(folder)
    assert meta["split_sizes"] == meta["onpolicy_split_sizes"] == {"train": 140, "validation": 30, "test": 30}
    assert meta["train_examples"] == 280, "trained on both train splits"
    assert len(meta["onpolicy_sha256"]) == 64, "a file it trained on is named by its hash"
    assert set(meta["card"]) == {"validation", "test", "independent", "onpolicy_test"}
    assert meta["card"]["validation"]["rows"] == 60, "thresholds chosen on both validation splits"
    assert meta["card"]["independent"]["rows"] == 10 and meta["card"]["onpolicy_test"]["rows"] == 30
    assert 0.02 <= meta["lethal_threshold"] <= 0.5 and 0.02 <= meta["unsafe_threshold"] <= 0.5
    classifier = ReplySafetyClassifier(folder)
    predicted = classifier.predict([r["messages"] for r in rows[:3]], [r["reply"] for r in rows[:3]])
    assert [set(p) for p in predicted] == [{"category", "p_unsafe", "p_lethal"}] * 3
    assert all(p["category"] in CATEGORIES and 0 <= p["p_lethal"] <= p["p_unsafe"] + 1e-6 <= 1 for p in predicted)
    again = build(TrainingSettings(epochs=1), **paths)
    assert again == folder and json.loads((folder / "meta.json").read_text()) == meta, "built once, then reused"


def test_the_hand_labelled_onpolicy_set_is_well_formed_and_has_every_lethal_category():
    """The classifier trains on its train split and bench/reply_safety_onpolicy.py measures its test split:
    it must load, name its source, and keep every reply to one prompt on one side of the split."""
    from eval.classifiers import LABELLED_DIR

    rows = load_labelled(LABELLED_DIR / "reply_safety_onpolicy.jsonl")
    assert len({r["id"] for r in rows}) == len(rows) >= 515
    assert set(LETHAL_CATEGORIES) <= {r["category"] for r in rows}
    assert all(r["note"].startswith("smollm2-135m-instruct ") for r in rows)
    sides_of_prompt: dict[str, set[str]] = {}
    for name, part in split_by_group(rows, 0).items():
        for r in part:
            sides_of_prompt.setdefault(json.dumps(r["messages"]), set()).add(name)
    assert all(len(sides) == 1 for sides in sides_of_prompt.values()), "a prompt's replies all on one side"
    assert len(sides_of_prompt) < len(rows), "sampled replies share their prompt with the greedy one"
