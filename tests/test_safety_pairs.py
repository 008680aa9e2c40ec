"""Safety preference pairs (align/safety_pairs.py): never from an eval prompt, marked synthetic, mixed under
the therapists' pairs, and recorded in a real DPO and KTO run on a tiny policy that writes unsafe replies."""

from __future__ import annotations

import json

import pytest

from align.config import ConfigError, load_config
from align.dpo import RECIPE as DPO
from align.safety_pairs import (
    SafetyPairs,
    SafetyPairsSection,
    as_kto_rows,
    at_risk_prompts,
    select_for_mixing,
)
from align.schema import DataError, source_path
from tests.conftest import SAFE_REPLY, UNSAFE_REPLY, word_level_policy, write_jsonl


def sample_rows(split: str) -> list[dict]:
    return [json.loads(line) for line in source_path(f"sample:{split}").read_text().splitlines()]


def at_risk(rows: list[dict]) -> list[dict]:
    return [r for r in rows if r.get("risk") in ("moderate", "high")]


# ---------------------------------------------------------------- eval prompts never make a pair


@pytest.mark.parametrize("source", ["sample:test", "sample:safety"])
def test_an_eval_set_is_refused_as_the_prompts_source(source):
    with pytest.raises(ConfigError, match=f"safety_pairs.prompts: {source} is an eval set"):
        load_config(DPO, None, ["safety_pairs.enabled=true", f"safety_pairs.prompts={source}"])
    with pytest.raises(DataError, match="eval set"):
        at_risk_prompts(SafetyPairsSection(enabled=True, prompts=source))


def test_a_training_file_that_copies_an_eval_prompt_is_refused_naming_both(tmp_path):
    """One conversation copied from the test split (case and punctuation changed), one client message copied from
    the safety set; the rest is ordinary training data. Both copies are named; no pair is built."""
    train = at_risk(sample_rows("train"))[:3]
    test = at_risk(sample_rows("test"))[0]
    copied = {
        **test,
        "id": "my-conv-7",
        "messages": [
            {**m, "content": m["content"].upper().replace(".", " .")} if m["role"] == "user" else m
            for m in test["messages"]
        ],
    }
    safety = next(r for r in sample_rows("safety") if r["risk"] == "high")
    from_safety = {
        "id": "my-conv-8",
        "risk": "high",
        "messages": [*safety["messages"], {"role": "assistant", "content": "I'm here with you. Tell me more."}],
    }
    source = write_jsonl(tmp_path / "mine.jsonl", [*train, copied, from_safety])

    with pytest.raises(DataError) as error:
        at_risk_prompts(SafetyPairsSection(enabled=True, prompts=str(source)))
    message = str(error.value)
    print(f"\n{message}")
    assert f"conversation my-conv-7: copies eval prompt sample:test#{test['id']}" in message
    assert f"conversation my-conv-8: copies eval prompt sample:safety#{safety['id']}" in message
    assert train[0]["id"] not in message


def test_the_shipped_training_conversations_hold_no_eval_prompt():
    prompts = at_risk_prompts(SafetyPairsSection(enabled=True))  # sample:train, checked against both eval sets
    assert len(prompts) == 48
    assert all(p["prompt"][-1]["role"] == "user" and p["risk"] in ("moderate", "high") for p in prompts)


# ---------------------------------------------------------------- mixing: therapists win, the ratio caps


def pair(prompt_text: str, rejected: str, synthetic: bool = True) -> dict:
    row = {
        "prompt": [{"role": "user", "content": prompt_text}],
        "chosen": [{"role": "assistant", "content": "safe"}],
        "rejected": [{"role": "assistant", "content": rejected}],
        "weight": 1.0,
        "margin": 0.0,
        "prompt_id": prompt_text,
    }
    if synthetic:
        row |= {"synthetic": True, "origin": "safety_pairs", "rejected_category": "endorses_harm", "chosen_from": "x"}
    return row


def test_mixing_leaves_out_ranked_prompts_caps_at_the_ratio_and_spreads_over_prompts():
    therapists = [pair("ranked", "r1", synthetic=False), *(pair(f"other {i}", "r", synthetic=False) for i in range(7))]
    built = SafetyPairs(
        [pair("ranked", "bad 1"), pair("a", "bad 1"), pair("a", "bad 2"), pair("a", "bad 3"), pair("b", "bad 1")],
        {"rejected_replies": 5},
    )
    # the ranked prompt stored with a system prompt is still the same client conversation
    therapists[0]["prompt"] = [{"role": "system", "content": "You are a counselor."}, *therapists[0]["prompt"]]

    added, counts = select_for_mixing(therapists, built, ratio=0.25)  # cap: 0.25 x 8 = 2

    assert [(p["prompt_id"], p["rejected"][0]["content"]) for p in added] == [("a", "bad 1"), ("b", "bad 1")]
    assert counts["on_ranked_prompts_dropped"] == 1
    assert counts["cap"] == 2 and counts["added"] == 2 and counts["prompts_with_pairs"] == 2
    assert all(p["synthetic"] and p["origin"] == "safety_pairs" for p in added)


def test_kto_takes_each_chosen_once_per_prompt_and_each_rejected_reply_as_undesirable():
    rows = as_kto_rows([pair("a", "bad 1"), pair("a", "bad 2"), pair("b", "bad 1")])
    assert [(r["prompt_id"], r["completion"][0]["content"], r["label"]) for r in rows] == [
        ("a", "safe", True),
        ("a", "bad 1", False),
        ("a", "bad 2", False),
        ("b", "safe", True),
        ("b", "bad 1", False),
    ]
    assert all(r["synthetic"] for r in rows)


def test_a_saved_safety_pairs_file_loads_still_marked_synthetic(tmp_path):
    from align.preference_data import load_preference_pairs

    source = write_jsonl(tmp_path / "safety_pairs.jsonl", [pair("a", "bad 1"), pair("b", "bad", synthetic=False)])
    loaded = load_preference_pairs(str(source))
    assert [p.get("synthetic", False) for p in loaded] == [True, False]
    assert loaded[0]["origin"] == "safety_pairs"


# ---------------------------------------------------------------- a real run on a policy that dismisses risk


@pytest.fixture(scope="module")
def dismissive_policy(tmp_path_factory):
    """A tiny word-level policy fine-tuned to write the dismissive reply half the time and the safe one otherwise,
    so its own samples give the classifier something to reject and something to keep."""
    from align.cli.run import run_recipe

    root = tmp_path_factory.mktemp("dismissive")
    conversations = [
        {"messages": [*r["messages"][:-1], {"role": "assistant", "content": UNSAFE_REPLY if i % 2 else SAFE_REPLY}]}
        for i, r in enumerate(sample_rows("train")[:60])
    ]
    sft, _ = run_recipe(
        "sft",
        None,
        [
            f"model.path={word_level_policy(root / 'policy')}",
            f"data.train={write_jsonl(root / 'sft.jsonl', conversations)}",
            "data.validation=null",
            "model.dtype=float32",
            "model.system_prompt=",
            "peft.method=full",
            "train.bf16=false",
            "train.max_steps=60",
            "train.learning_rate=1e-2",
            "train.save_steps=1000",
            f"run.output_root={root}",
            "run.name=sft",
        ],
    )
    return sft.path


def test_dpo_with_safety_pairs_trains_on_the_policys_flagged_replies_and_records_them(
    dismissive_policy, synthetic, tmp_path
):
    from align.cli.run import run_recipe
    from eval.items import EvalItem
    from eval.scorers.safety import SafetyScorer

    prompts = write_jsonl(tmp_path / "at_risk.jsonl", at_risk(sample_rows("train"))[:6])
    run, metrics = run_recipe(
        "dpo",
        None,
        [
            f"model.path={dismissive_policy}",
            f"data.train={synthetic['train']}",
            f"data.validation={synthetic['validation']}",
            "data.max_pairs=16",
            "model.dtype=float32",
            "model.system_prompt=",
            "train.bf16=false",
            "train.max_steps=2",
            "dpo.probe_prompts=0",
            "safety_pairs.enabled=true",
            f"safety_pairs.prompts={prompts}",
            "safety_pairs.ratio=0.5",
            "safety_pairs.samples_per_prompt=3",
            "safety_pairs.max_new_tokens=12",
            f"run.output_root={tmp_path}",
            "run.name=dpo",
        ],
    )
    recorded = json.loads((run.path / "run.json").read_text())["data"]["safety_pairs"]
    saved = [json.loads(line) for line in (run.path / "safety_pairs.jsonl").read_text().splitlines()]
    print(f"\n{metrics['highlights'][-1]}")

    assert recorded["synthetic"] is True and recorded["prompts"]["source"] == str(prompts)
    assert len(recorded["prompts"]["sha256"]) == 64 and recorded["generator"] == str(dismissive_policy / "model")
    assert recorded["at_risk_prompts"] == 6 and recorded["sampled_replies"] == 18
    assert 0 < recorded["added"] == len(saved) <= recorded["cap"] == 8  # 0.5 x 16 therapist pairs
    assert metrics["train_pairs"] == 16 + len(saved)
    assert metrics["safety_pairs"]["added"] == len(saved)
    assert "safety pairs (synthetic)" in metrics["highlights"][-1]
    assert "safety pairs (synthetic)" in (run.path / "README.md").read_text()

    train_prompts = {json.dumps(r["messages"][:-1]) for r in at_risk(sample_rows("train"))[:6]}
    assert all(json.dumps(p["prompt"]) in train_prompts for p in saved)
    assert all(p["synthetic"] and p["origin"] == "safety_pairs" for p in saved)
    judged = SafetyScorer().score(
        [EvalItem(prompt=p["prompt"], reply=p[side][0]["content"]) for p in saved for side in ("chosen", "rejected")]
    )
    assert all(not chosen["unsafe"] and chosen["crisis_referral"] for chosen in judged[0::2])
    assert all(rejected["unsafe"] for rejected in judged[1::2])


def test_kto_with_safety_pairs_adds_desirable_and_undesirable_examples(dismissive_policy, synthetic, tmp_path):
    from align.cli.run import run_recipe

    prompts = write_jsonl(tmp_path / "at_risk.jsonl", at_risk(sample_rows("train"))[:4])
    run, metrics = run_recipe(
        "kto",
        None,
        [
            f"model.path={dismissive_policy}",
            f"data.train={synthetic['train']}",
            f"data.validation={synthetic['validation']}",
            "data.max_pairs=16",
            "model.dtype=float32",
            "model.system_prompt=",
            "train.bf16=false",
            "train.max_steps=2",
            "kto.probe_prompts=0",
            "safety_pairs.enabled=true",
            f"safety_pairs.prompts={prompts}",
            "safety_pairs.samples_per_prompt=2",
            "safety_pairs.max_new_tokens=12",
            f"run.output_root={tmp_path}",
            "run.name=kto",
        ],
    )
    recorded = json.loads((run.path / "run.json").read_text())["data"]["safety_pairs"]
    assert recorded["added"] > 0
    prompts_with_pairs = recorded["prompts_with_pairs"]
    assert metrics["train_examples"] == 16 + prompts_with_pairs + recorded["added"]  # one desirable per prompt
