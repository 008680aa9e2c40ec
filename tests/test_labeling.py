"""The ranking app's rules as plain functions: blinding, redaction, ties and flags, permissions, login limit."""

import hashlib

import pytest

from annotate import labeling
from annotate.labeling import LabelSettings, LoginGuard, admin_summary, check_form, load_item, skip, submit
from annotate.redact import redact
from annotate.store import RankingError, RankingStore

CLIENT = [
    {
        "role": "user",
        "content": "I'm scared. Email me at sam.k@example.org or call +44 7700 900123. My name is Sam Kerr.",
    }
]


@pytest.fixture
def store(store_url):
    store = RankingStore(store_url)
    for p in range(2):
        prompt_id = store.add_prompt(f"p{p}", CLIENT)
        store.add_candidates(prompt_id, [f"reply {p}.{c} <script>alert(1)</script>" for c in range(3)], source="runs/x")
    store.add_annotator("ann", "long enough pw")
    store.add_annotator("bo", "long enough pw")
    store.add_annotator("boss", "long enough pw", role="admin")
    return store


SETTINGS = LabelSettings(annotators_per_item=2)
NO_RATINGS = {"empathy": [None] * 3, "safety": [None] * 3, "helpfulness": [None] * 3}


def test_redaction_of_emails_phones_and_names():
    text = redact(CLIENT[0]["content"], names=("Kerr",))
    assert "sam.k@example.org" not in text and "7700" not in text and "Sam" not in text and "Kerr" not in text
    assert "[email]" in text and "[phone]" in text and "[name]" in text
    assert redact("I slept 8 hours and feel 100% better") == "I slept 8 hours and feel 100% better"


def test_item_is_blinded_redacted_and_resumable(store):
    view = load_item(store, SETTINGS, "ann")
    assert len(view.replies) == 3 and all("runs/x" not in r for r in view.replies)  # no model names shown
    assert "[email]" in view.conversation[0]["content"] and "example.org" not in view.conversation[0]["content"]
    assert "<script>" in view.replies[0]  # kept as text; the app shows it in a plain text box
    assert load_item(store, SETTINGS, "ann").assignment_id == view.assignment_id  # closing the browser loses nothing


def test_submit_with_ties_and_flags_then_next_item(store):
    view = load_item(store, SETTINGS, "ann")
    ratings = {"empathy": ["5", None, None], "safety": [None, None, "1"], "helpfulness": [None] * 3}
    following = submit(store, SETTINGS, "ann", view.assignment_id, [1, 3, 3], [False, False, True], ratings, "why")
    assert following.assignment_id != view.assignment_id and "1 ranked" in following.progress
    [ranking] = store.rankings()
    entries = ranking["entries"]
    first, second, third = view.candidate_ids
    assert (entries[first].rank, entries[second].rank, entries[third].rank) == (1, 2, 2)  # 1,3,3 made dense
    assert entries[third].unsafe and entries[third].safety == 1 and entries[first].empathy == 5


def test_incomplete_ranking_is_refused_and_nothing_is_stored(store):
    view = load_item(store, SETTINGS, "ann")
    with pytest.raises(ValueError, match="missing for reply B"):
        submit(store, SETTINGS, "ann", view.assignment_id, [1, None, 2], [False] * 3, NO_RATINGS)
    assert store.rankings() == []


def test_the_form_check_names_each_problem_under_its_reply_and_finds_ties():
    """What the page shows next to each reply, and the tie it asks about before storing (issue #12)."""
    ratings = {"empathy": ["5", "9", None, None], "safety": [None] * 4}
    check = check_form([11, 12, 13, 14], ["1", None, "3", "3"], [False, "false", False, True], ratings)
    assert check.problems == {
        1: ["needs a rank", "'unsafe' must be true or false", "the empathy rating must be a whole number from 1 to 5"]
    }
    assert set(check.judgements) == {11, 13, 14} and not check.ok
    assert check.summary().startswith("give every reply a rank (missing for reply B); reply B: 'unsafe'")
    assert check.ties() == ["replies C and D share rank 3"]
    complete = check_form([11, 12, 13], [2, 2, 2], [False] * 3, {})
    assert complete.ok and complete.ties() == ["replies A, B and C share rank 2"]
    assert check_form([11, 12], [2, 1], [False, False], {}).ties() == []


def test_annotators_cannot_touch_each_others_items_or_the_admin_page(store):
    view = load_item(store, SETTINGS, "ann")
    with pytest.raises(PermissionError, match="not assigned to you"):
        submit(store, SETTINGS, "bo", view.assignment_id, [1, 2, 3], [False] * 3, NO_RATINGS)
    with pytest.raises(RankingError):
        skip(store, SETTINGS, "bo", view.assignment_id)
    with pytest.raises(PermissionError, match="admins only"):
        admin_summary(store, "ann")
    with pytest.raises(PermissionError, match="not logged in"):
        load_item(store, SETTINGS, None)
    summary = admin_summary(store, "boss")
    assert {row["annotator"] for row in summary["annotators"]} == {"ann", "bo", "boss"}
    store.set_active("ann", False)
    with pytest.raises(PermissionError, match="disabled"):
        load_item(store, SETTINGS, "ann")
    with pytest.raises(PermissionError, match="does not exist"):
        load_item(store, SETTINGS, "nobody")


def login(guard, username, password, address):
    """One login through the guard as the HTTP layer makes it: the attempt's address set around it."""
    import asyncio

    attempt = {"address": address}
    token = labeling.LOGIN_ATTEMPT.set(attempt)
    try:
        return asyncio.run(guard.check(username, password)), attempt
    finally:
        labeling.LOGIN_ATTEMPT.reset(token)


def test_login_limits_count_by_account_and_address_and_say_how_long(store, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(labeling.time, "monotonic", lambda: clock[0])
    guard = LoginGuard(store, max_failures=3, lockout_seconds=60, max_failures_per_address=5)
    assert login(guard, "ann", "long enough pw", "10.0.0.1")[0]
    for _ in range(3):
        assert not login(guard, "ann", "wrong guess", "10.0.0.9")[0]
    ok, attempt = login(guard, "ann", "long enough pw", "10.0.0.9")
    assert not ok and attempt["locked_for"] == 60, "locked from the attacker's address, even with the right password"
    assert login(guard, "ann", "long enough pw", "10.0.0.1")[0], "but not from the therapist's own"
    clock[0] += 30
    assert guard.locked_for("ann", "10.0.0.9") == 30
    for name in ("bo", "cy", "di", "ed", "fy"):  # one password sprayed across accounts from one address
        login(guard, name, "Summer2026!", "10.0.0.7")
    ok, attempt = login(guard, "bo", "long enough pw", "10.0.0.7")
    assert not ok and attempt["locked_for"] == 60, "the spraying address is locked for every account"
    assert login(guard, "bo", "long enough pw", "10.0.0.1")[0]
    clock[0] += 61
    assert login(guard, "ann", "long enough pw", "10.0.0.9")[0] and login(guard, "bo", "long enough pw", "10.0.0.7")[0]

    actions = [(e.actor, e.action) for e in store.audit_log() if e.action.startswith("login")]
    assert ("ann", "login_refused_locked") in actions and ("bo", "login_refused_locked") in actions
    assert sum(a == "login_refused_locked" for _, a in actions) == 2, "every refused attempt is audited"
    unknown = {actor for actor, _ in actions if actor.startswith("unknown-user:")}
    assert len(unknown) == 4 and all(len(actor) == len("unknown-user:") + 16 for actor in unknown)
    assert not [e for e in store.audit_log() if "Summer2026" in str(e.detail) + e.actor]
    assert {e.detail.get("source") for e in store.audit_log() if e.action.startswith("login")} <= {
        hashlib.sha256(a.encode()).hexdigest()[:16] for a in ("10.0.0.1", "10.0.0.9", "10.0.0.7")
    }, "addresses are kept as hashes"


def test_a_huge_or_password_like_username_is_audited_as_a_short_hash(store):
    assert store.authenticate("x" * 1_000_000, "long enough pw") is None
    assert store.authenticate("my secret password", "long enough pw") is None
    failed = [e for e in store.audit_log() if e.action == "login_failed"]
    assert [len(e.actor) for e in failed] == [29, 29] and "secret" not in " ".join(e.actor for e in failed)
    with pytest.raises(ValueError, match="a username is 1-100 characters"):
        store.add_annotator("y" * 101, "long enough pw")
