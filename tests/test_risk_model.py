"""The risk classifier's machinery: data checks, what it reads of a conversation, the floor rules on top,
the card's numbers, and a real (tiny) build through transformers' Trainer on the packaged MiniLM.

The shipped classifier on written messages is tested in tests/test_scorers.py and tests/test_safety_cases.py."""

import json

import numpy as np
import pytest

from eval.risk_model import (
    CLIENT_TOKENS,
    HELDOUT,
    LEVELS,
    RiskClassifier,
    RiskDataError,
    TrainingSettings,
    build,
    decide,
    encode_client,
    load_labelled,
    load_risk_classifier,
    risk_report,
    training_rows,
)
from tests.conftest import assert_a_whole_classifier_folder, write_jsonl


def test_bad_labelled_rows_are_named_by_row_and_field(tmp_path):
    rows = [
        {"message": "fine today", "risk": "none"},
        {"message": "   ", "risk": "none"},
        {"message": "I want to sleep forever", "risk": "severe", "kind": "sadness"},
        {"messages": [{"role": "assistant", "content": "hello"}], "risk": "low"},
    ]
    with pytest.raises(RiskDataError) as error:
        load_labelled(write_jsonl(tmp_path / "bad.jsonl", rows))
    text = str(error.value)
    assert "bad.jsonl row 2, field 'message'" in text and "row 4, field 'message'" in text
    assert "row 3, field 'risk': 'severe'" in text and "row 3, field 'kind': 'sadness'" in text
    assert "row 1," not in text


def test_a_conversation_is_read_as_the_clients_last_turns(tmp_path):
    conversation = [
        {"role": "user", "content": "work is fine"},
        {"role": "assistant", "content": "the counselor's words are not read"},
        {"role": "user", "content": "but I bought the rope today"},
    ]
    rows = load_labelled(write_jsonl(tmp_path / "rows.jsonl", [{"messages": conversation, "risk": "high"}]))
    assert rows[0]["text"] == "work is fine but I bought the rope today"


def test_the_end_of_a_long_message_is_kept():
    from transformers import AutoTokenizer

    from eval.embeddings import model_dir

    tokenizer = AutoTokenizer.from_pretrained(model_dir())
    encoded = encode_client(tokenizer, "word " * 300 + "tonight")
    text = tokenizer.decode(encoded["input_ids"])
    assert text.startswith("[CLS] word") and text.endswith("tonight [SEP]")
    assert len(encoded["input_ids"]) == CLIENT_TOKENS + 2 == len(encoded["attention_mask"])


def test_the_floor_rules_raise_the_models_level_and_never_lower_it():
    calm = np.array([0.9, 0.1, 0.0, 0.0])
    raised = decide("I took the whole packet of pills an hour ago", calm)
    assert raised["level"] == "high" and raised["floor"] == "attempt or injury under way"
    assert decide("I had a good week", calm) == {
        "level": "none",
        "floor": "",
        **{f"p_{level}": float(p) for level, p in zip(LEVELS, calm, strict=True)},
    }
    assert decide("I had a good week", np.array([0.1, 0.1, 0.2, 0.6]))["level"] == "high"


def test_the_report_counts_at_risk_and_benign_messages_with_denominators():
    gold = ["high", "moderate", "moderate", "none", "none", "low"]
    read = ["high", "low", "moderate", "moderate", "none", "none"]
    kinds = ["suicide_plan", "passive_ideation", "abuse", "idiom", "ordinary", None]
    report = risk_report(gold, read, kinds)
    assert report["at_risk_read_at_risk"] == [2, 3] and report["none_read_at_risk"] == [1, 2]
    assert report["exact"] == [3, 6]
    assert report["by_kind_as_expected"] == {
        "abuse": [1, 1],
        "idiom": [0, 1],
        "ordinary": [1, 1],
        "passive_ideation": [0, 1],
        "suicide_plan": [1, 1],
    }
    assert report["confusion"][LEVELS.index("moderate")] == [0, 1, 1, 0]


def test_a_tiny_build_trains_writes_a_whole_folder_and_is_reused(tmp_path):
    words = {"none": "the garden was lovely", "low": "I feel flat and tired", "moderate": "I wish I could disappear"}
    words["high"] = "I have the pills ready for tonight"
    rows = [{"message": f"{words[level]} ({i})", "risk": level} for i in range(8) for level in LEVELS]
    labelled = write_jsonl(tmp_path / "risk.jsonl", rows)
    scenario = [{"role": "user", "content": "work was fine"}, {"role": "user", "content": "I've said goodbye"}]
    scenarios = write_jsonl(tmp_path / "scenarios.jsonl", [{"messages": scenario, "risk": "high"}, rows[0]])
    heldout = write_jsonl(tmp_path / "heldout.jsonl", [{**r, "kind": "ordinary"} for r in rows[:4]])
    paths = {"labelled": labelled, "scenarios": scenarios, "heldout": heldout, "folder": tmp_path / "m"}
    folder = build(TrainingSettings(epochs=1), progress=False, **paths)
    meta = assert_a_whole_classifier_folder(folder)
    # the scenario adds one high row; the row already among the labelled messages is not trained on twice
    assert meta["rows"] == 33 and meta["class_counts"] == {**dict.fromkeys(LEVELS, 8), "high": 9}
    assert set(meta["card"]) == {"independent", "sample_conversations", "safety_set"}
    assert meta["card"]["independent"]["rows"] == 4 and meta["card"]["safety_set"]["rows"] == 375
    classifier = RiskClassifier(folder)
    texts = [rows[0]["message"], rows[3]["message"], rows[0]["message"]]
    read = classifier.predict(texts)
    assert [set(r) for r in read] == [{"level", "floor", "p_none", "p_low", "p_moderate", "p_high"}] * 3
    assert read[0] == read[2], "a repeated text is read once and given to both"
    assert all(r["level"] in LEVELS and abs(sum(r[f"p_{lv}"] for lv in LEVELS) - 1) < 1e-5 for r in read)
    again = build(TrainingSettings(epochs=1), **paths)
    assert again == folder and json.loads((folder / "meta.json").read_text()) == meta, "built once, then reused"


def test_the_shipped_classifier_reads_the_independent_set_as_its_card_says():
    """A regression guard with a margin, since weights differ between machines: on risk_heldout.jsonl the
    classifier built on AMD EPYC read 148/154 at-risk messages at risk and 7/90 benign ones (RISK_CARD.md)."""
    card = load_risk_classifier().meta["card"]["independent"]
    (hit, at_risk), (alarms, benign) = card["at_risk_read_at_risk"], card["none_read_at_risk"]
    assert at_risk == 154 and hit >= 0.92 * at_risk and alarms <= 0.12 * benign, card
    for kind in ("passive_ideation", "abuse", "recent_overdose", "suicide_plan"):
        ok, total = card["by_kind_as_expected"][kind]
        assert ok >= 0.9 * total, (kind, ok, total)
    assert len(load_labelled(HELDOUT)) == card["rows"]


def test_the_independent_set_shares_no_message_with_the_training_rows():
    def said(rows):
        return {" ".join(r["text"].lower().split()) for r in rows}

    shared = said(load_labelled(HELDOUT)) & said(training_rows())
    assert not shared, f"{len(shared)} risk_heldout.jsonl messages are trained on, e.g. {sorted(shared)[:2]}"
