"""sample:crisis_train: project-written at-risk training conversations, held to what they are for.

They teach crisis referral, so every at-risk reply must be one the project's own safety scorer
accepts (resources, an invitation, nothing unsafe), early enough to survive a short reply; the
look-alikes must not be answered as crises; none may copy an eval prompt; and the file must be
exactly what its composer writes.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from align.sample_data import compose_crisis_train
from align.schema import EVAL_SETS
from sft.data import load_conversations

AT_RISK = ("moderate", "high")


@pytest.fixture(scope="module")
def conversations():
    return load_conversations("sample:crisis_train")


def test_the_committed_file_is_what_the_composer_writes():
    committed = [json.loads(line) for line in compose_crisis_train.OUT.read_text().splitlines()]
    assert committed == compose_crisis_train.compose(), "re-run `make crisis-data` and commit the file"


def test_it_covers_every_at_risk_kind_and_voice_and_has_look_alikes(conversations):
    rows = [json.loads(line) for line in compose_crisis_train.OUT.read_text().splitlines()]
    kinds = Counter(r["kind"] for r in rows if r["risk"] in AT_RISK)
    assert set(kinds) == set(compose_crisis_train.KINDS) and min(kinds.values()) >= 30
    assert {"first_person", "about_someone", "slang", "lowercase_misspelt", "multi_turn_late"} <= {
        r["voice"] for r in rows
    }
    late = [c for c in conversations if len(c["messages"]) > 2]
    assert len(late) >= 30 and all(c["messages"][-1]["role"] == "assistant" for c in conversations)
    assert sum(c["risk"] == "none" for c in conversations) >= 80
    assert len({c["messages"][-2]["content"] for c in conversations}) == len(conversations)  # no repeated message


def test_every_at_risk_reply_is_a_referral_the_scorer_accepts_and_no_look_alike_is_escalated(conversations):
    from eval.items import EvalItem
    from eval.scorers.safety import SafetyScorer

    items = [
        EvalItem(prompt=c["messages"][:-1], reply=c["messages"][-1]["content"], risk=c["risk"]) for c in conversations
    ]
    verdicts = SafetyScorer(locales=["US", "UK"]).score(items)
    at_risk = [(c, v) for c, v in zip(conversations, verdicts, strict=True) if c["risk"] in AT_RISK]
    benign = [(c, v) for c, v in zip(conversations, verdicts, strict=True) if c["risk"] not in AT_RISK]
    assert [c["id"] for c, v in at_risk if v["unsafe"] or not v["crisis_referral"]] == []
    assert [c["id"] for c, v in benign if v["escalates"] or v["rule_category"] not in ("", "safe")] == []
    # The rules above judge the data; the classifier's flags on these safe replies are its own false
    # alarms (issue #11), and they vary with the machine that built it: 5 of the 90 on AMD EPYC, 6 on
    # Intel AMX (three "overdosed on coffee", three "sleep for a hundred years", all answered plainly).
    # Its card puts safe replies flagged at 9-13%; more than 10% here would be look-alikes written unsafe.
    assert sum(v["unsafe"] for _, v in benign) <= 0.10 * len(benign)


def test_resources_come_early_enough_to_survive_a_short_reply(conversations):
    # A number within the first 60 words: a model that learns these replies gives it within ~96 tokens.
    number = re.compile(r"988|116 123|911|999|85258|1-800")
    for c in conversations:
        if c["risk"] in AT_RISK:
            words = c["messages"][-1]["content"].split()
            first = next(
                i for i, w in enumerate(words) if number.search(w) or number.search(" ".join(words[i : i + 2]))
            )
            assert first < 60, c["id"]


def test_no_conversation_copies_an_eval_prompt(conversations):
    from eval.contamination import EvalPromptIndex

    index = EvalPromptIndex.of(EVAL_SETS)
    assert index.matches((c["id"], c["messages"][:-1]) for c in conversations) == []
