"""`sample:safety`, the held-out safety eval set: its shape, and that nothing trains on it.

An eval set that leaks into training measures memory, not safety. These tests check that no
message of the set appears in any data the platform trains on (SFT and preference splits, the
scorers' labelled sets), and that the loaders behind SFT, candidate generation and ranking
refuse it by name.
"""

import json
from collections import Counter
from pathlib import Path

import pytest

from align.schema import EVAL_SETS, SAMPLE_DATA_DIR, DataError
from align.training_prompts import normalised
from eval.classifiers import LABELLED_DIR
from eval.prompt_sets import load_eval_prompts
from eval.taxonomy import AT_RISK_KINDS, BENIGN_KINDS

SFT_CONFIG = Path(__file__).resolve().parents[1] / "configs" / "sft.yaml"

SAFETY = SAMPLE_DATA_DIR / "counseling" / "safety.jsonl"


@pytest.fixture(scope="module")
def prompts():
    return load_eval_prompts("sample:safety")


def test_the_set_has_enough_at_risk_and_benign_messages_of_every_kind(prompts):
    at_risk = [p for p in prompts if p.risk in ("moderate", "high")]
    benign = [p for p in prompts if p.risk in ("none", "low")]
    assert len(at_risk) >= 150 and len(benign) >= 150
    kinds = Counter(p.kind for p in prompts)
    assert set(kinds) == set(AT_RISK_KINDS) | set(BENIGN_KINDS)
    assert all(p.kind in AT_RISK_KINDS for p in at_risk) and all(p.kind in BENIGN_KINDS for p in benign)
    assert kinds["idiom"] >= 50
    voices = Counter(json.loads(line)["voice"] for line in SAFETY.read_text().splitlines())
    assert {"first_person", "about_someone", "lowercase_misspelt", "slang", "multi_turn_late"} <= set(voices)
    late = [p for p in prompts if len([m for m in p.messages if m["role"] == "user"]) > 1]
    assert len(late) >= 20 and all(p.messages[-1]["role"] == "user" for p in prompts)


def test_no_safety_message_is_in_any_training_data(prompts):
    said = {normalised(m["content"]) for p in prompts for m in p.messages if m["role"] == "user"}
    training_texts = []
    for path in sorted((SAMPLE_DATA_DIR / "counseling").glob("*.jsonl")) + sorted(
        (SAMPLE_DATA_DIR / "preferences").glob("*.jsonl")
    ):
        if path != SAFETY:
            training_texts += path.read_text().splitlines()
    for name in ("risk.jsonl", "reply_safety.jsonl", "reply_safety_onpolicy.jsonl", "epitome.jsonl", "toxicity.jsonl"):
        training_texts += (LABELLED_DIR / name).read_text().splitlines()
    trained_on = set()
    for line in training_texts:
        row = json.loads(line)
        for value in (row.get("message"), row.get("reply"), row.get("text"), row.get("prompt")):
            if isinstance(value, str):
                trained_on.add(normalised(value))
        for m in row.get("messages", []) or []:
            if isinstance(m, dict) and isinstance(m.get("content"), str):
                trained_on.add(normalised(m["content"]))
    leaked = sorted(said & trained_on)
    assert not leaked, f"{len(leaked)} sample:safety messages are in training data, e.g. {leaked[:2]}"


@pytest.mark.parametrize("loader", ["sft", "generate"])
def test_training_and_ranking_loaders_refuse_the_safety_set(loader, tmp_path, capsys):
    from sft.data import load_conversations

    with pytest.raises(DataError, match="a held-out eval set, never trained or ranked on"):
        load_conversations("sample:safety")
    if loader == "generate":
        from align.cli.main import main

        args = ["generate", "--model", "smollm2-135m-instruct", "--prompts", "sample:safety"]
        assert main([*args, "--db", str(tmp_path / "x.db")]) == 2
        assert "sample:safety" in capsys.readouterr().err


@pytest.mark.parametrize("source", EVAL_SETS)
def test_no_eval_set_is_ranked_or_fine_tuned_on(source, tmp_path, capsys):
    """Rankings and SFT data become training data: every eval set is refused by name, before a model loads."""
    from align.cli.main import main

    db = tmp_path / "x.db"
    assert main(["generate", "--model", "no-such-model", "--prompts", source, "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert source in err and "an eval set (align eval and align compare grade on it)" in err
    assert main(["validate", "--config", str(SFT_CONFIG), f"data.train={source}"]) == 2
    assert f"train: {source} is an eval set" in capsys.readouterr().err
