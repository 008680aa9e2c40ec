"""Gold items mixed into annotators' queues, keyboard shortcuts, and the admin page's tables."""

import json

import pytest

from annotate.export import import_gold_items
from annotate.labeling import LabelSettings, admin_summary, apply_hotkey, apply_hotkeys, load_item, submit
from annotate.store import RankingStore

NO_RATINGS = {"empathy": [None] * 3, "safety": [None] * 3, "helpfulness": [None] * 3}


def gold_row(i: int) -> dict:
    return {
        "id": f"gold-{i}",
        "prompt": [{"role": "user", "content": f"gold client message {i}"}],
        "replies": [{"id": "good", "text": "That sounds hard. What happened?"}, {"id": "bad", "text": "Whatever."}],
        "ranking": [["good"], ["bad"]],
    }


@pytest.fixture
def store(tmp_path):
    store = RankingStore(str(tmp_path / "prefs.db"))
    for p in range(6):
        prompt_id = store.add_prompt(f"p{p}", [{"role": "user", "content": f"client message {p}"}])
        store.add_candidates(prompt_id, [f"reply {p}.{c}" for c in range(3)], source="m")
    gold_file = tmp_path / "gold.jsonl"
    gold_file.write_text("".join(json.dumps(gold_row(i)) + "\n" for i in range(2)))
    assert import_gold_items(store, gold_file) == 2
    assert import_gold_items(store, gold_file) == 2  # importing again adds nothing
    assert store.counts()["prompts"] == 8
    for name in ("ann", "bo"):
        store.add_annotator(name, "long enough pw")
    store.add_annotator("boss", "long enough pw", role="admin")
    return store


def rank_in_shown_order(store, settings, user, view, best_text=None):
    """Rank the shown replies: the one with ``best_text`` first, else in shown order."""
    n = len(view.replies)
    order = sorted(range(n), key=lambda i: view.replies[i] != best_text)  # stable: the rest keep shown order
    ranks = [order.index(i) + 1 for i in range(n)]  # 1..n, as the page's rank menus offer
    ratings = {k: v[:n] for k, v in NO_RATINGS.items()}
    return submit(store, settings, user, view.assignment_id, ranks, [False] * n, ratings)


def test_gold_items_are_mixed_in_for_every_annotator(store):
    settings = LabelSettings(annotators_per_item=1, gold_every=3)
    seen = {"ann": [], "bo": []}
    views = {user: load_item(store, settings, user) for user in seen}
    while any(v.assignment_id is not None for v in views.values()):
        for user, view in views.items():  # the two take turns
            if view.assignment_id is not None:
                seen[user].append(view.conversation[-1]["content"])
                views[user] = rank_in_shown_order(store, settings, user, view)
    # each gets both gold items (they have no cap on annotators): the 3rd item, then the one
    # after the ordinary items ran out (each had 3 of the 6)
    for user, messages in seen.items():
        assert [i for i, m in enumerate(messages) if m.startswith("gold")] == [2, 4], (user, messages)
    ordinary = [m for ms in seen.values() for m in ms if not m.startswith("gold")]
    assert sorted(ordinary) == sorted(f"client message {p}" for p in range(6))  # each ordinary item once


def test_gold_accuracy_on_the_admin_page(store):
    settings = LabelSettings(annotators_per_item=2, gold_every=1)  # gold items first
    for user, right in (("ann", True), ("bo", False)):
        for _ in range(2):
            view = load_item(store, settings, user)
            assert view.conversation[-1]["content"].startswith("gold")
            best = "That sounds hard. What happened?" if right else "Whatever."
            rank_in_shown_order(store, settings, user, view, best_text=best)
    summary = admin_summary(store, "boss")
    accuracy = {row["annotator"]: row["gold_accuracy"] for row in summary["annotators"]}
    assert accuracy == {"ann": 1.0, "bo": 0.0, "boss": None}
    assert summary["overall_alpha"] < 0  # they ranked the two gold items in opposite orders
    assert {row["item"] for row in summary["most_disagreement"]} == {"gold-0", "gold-1"}


def test_gold_file_needs_one_best_reply(tmp_path):
    row = gold_row(0) | {"ranking": [["good", "bad"]]}
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(row) + "\n")
    with pytest.raises(ValueError, match=r"line 1: a gold item needs exactly one best reply"):
        import_gold_items(RankingStore(str(tmp_path / "prefs.db")), path)


@pytest.mark.parametrize(
    ("keys", "ranks", "unsafe"),
    [
        (["rank:c", "rank:a", "rank:b"], [2, 3, 1], [False] * 3),  # letters pressed best to worst
        (["rank:a", "tie:b", "rank:c"], [1, 1, 2], [False] * 3),  # shift ties with the one before
        (["tie:b"], [None, 1, None], [False] * 3),  # a tie with nothing ranked yet is rank 1
        (["rank:a", "rank:b", "rank:c", "rank:a"], [3, 1, 2], [False] * 3),  # ranking again moves it last
        (["rank:a", "unsafe:c", "unsafe:b", "unsafe:c"], [1, None, None], [False, True, False]),
        (["rank:a", "rank:e", "unsafe:z"], [1, None, None], [False] * 3),  # no reply E: ignored
    ],
)
def test_keyboard_shortcuts(keys, ranks, unsafe):
    state = ([None] * 3, [False] * 3)
    for key in keys:
        state = apply_hotkey(key, *state, n=3)
    assert state == (ranks, unsafe)


def test_the_page_replays_every_shortcut_onto_a_blank_form():
    # six reply slots, three replies shown: C best, A and B tied, B flagged
    assert apply_hotkeys("rank:c rank:a tie:b unsafe:b", n=3, slots=6) == (
        [2, 2, 1, None, None, None],
        [False, True, False, False, False, False],
    )
    assert apply_hotkeys("", n=3, slots=6) == ([None] * 6, [False] * 6)
