"""The preference store on a real SQLite file and a real PostgreSQL server: schema by migration,
idempotent writes, hashed passwords, assignments that hold under concurrency."""

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from annotate.models import Base
from annotate.store import RankingStore, verify_password

CLIENT = [{"role": "user", "content": "I have not slept properly in weeks."}]


@pytest.fixture
def store(store_url):
    return RankingStore(store_url)


def test_new_store_has_the_migrated_schema(store):
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0002"
        if store.engine.dialect.name == "sqlite":
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        else:
            assert store.engine.dialect.name == "postgresql"
            assert connection.execute(text("SHOW server_encoding")).scalar() == "UTF8"
    tables = set(inspect(store.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_migrations_match_the_models(store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_data_survives_reopening(store_url):
    prompt_id = RankingStore(store_url).add_prompt("p1", CLIENT, topic="sleep", risk="none")
    reopened = RankingStore(store_url)
    assert reopened.add_prompt("p1", CLIENT) == prompt_id
    assert reopened.counts()["prompts"] == 1


def test_prompts_and_candidates_are_never_duplicated(store):
    prompt_id = store.add_prompt("p1", CLIENT)
    first = store.add_candidates(prompt_id, ["That sounds exhausting.", "Sleep matters."], source="runs/sft", seed=1)
    again = store.add_candidates(prompt_id, ["That sounds exhausting.", "Sleep matters."], source="runs/sft", seed=1)
    assert first == again and store.counts()["candidates"] == 2
    other_seed = store.add_candidates(prompt_id, ["Tell me more."], source="runs/sft", seed=2)
    assert store.counts()["candidates"] == 3 and other_seed[0] not in first


def test_bad_writes_are_refused_whole(store):
    with pytest.raises(ValueError, match="must end with the client's message"):
        store.add_prompt("p2", CLIENT + [{"role": "assistant", "content": "hi"}])
    prompt_id = store.add_prompt("p1", CLIENT)
    with pytest.raises(ValueError, match="candidate 1 from m is empty"):
        store.add_candidates(prompt_id, ["fine", "  "], source="m")
    assert store.counts()["candidates"] == 0  # the first candidate was rolled back too
    with pytest.raises(IntegrityError):
        store.add_candidates(9999, ["orphan"], source="m")  # foreign keys are enforced


def test_annotator_passwords_are_hashed_and_checked(store):
    store.add_annotator("dana", "correct horse battery", role="admin")
    with store.engine.connect() as connection:
        stored = connection.execute(text("SELECT password_hash FROM annotators")).scalar()
    assert "correct horse" not in stored and verify_password("correct horse battery", stored)
    assert store.authenticate("dana", "correct horse battery").role == "admin"
    assert store.authenticate("dana", "wrong password") is None
    assert store.authenticate("nobody", "correct horse battery") is None
    assert store.annotator("dana").role == "admin" and store.annotator("nobody") is None
    store.set_active("dana", False)
    assert store.authenticate("dana", "correct horse battery") is None
    with pytest.raises(ValueError, match="already exists"):
        store.add_annotator("dana", "another password")
    with pytest.raises(ValueError, match="at least 8 characters"):
        store.add_annotator("sam", "short")
    with pytest.raises(ValueError, match="role must be one of"):
        store.add_annotator("sam", "long enough password", role="owner")


def test_audit_log_records_writes_without_clinical_text(store):
    prompt_id = store.add_prompt("p1", CLIENT)
    store.add_candidates(prompt_id, ["That sounds exhausting."], source="runs/sft")
    store.add_annotator("dana", "correct horse battery")
    store.authenticate("dana", "nope nope nope")
    actions = [e.action for e in store.audit_log()]
    assert actions == ["add_prompt", "add_candidates", "add_annotator", "login_failed"]
    logged = " ".join(str(e.detail) for e in store.audit_log())
    assert "slept" not in logged and "exhausting" not in logged


def seeded_store(store, prompts=3, candidates=3):
    for p in range(prompts):
        prompt_id = store.add_prompt(f"p{p}", CLIENT)
        store.add_candidates(prompt_id, [f"reply {p}.{c}" for c in range(candidates)], source="m")
    return [store.add_annotator(name, "long enough pw") for name in ("ann", "bo", "cy")]


def test_assignment_resumes_never_repeats_and_respects_annotators_per_item(store):
    from annotate.store import CandidateJudgement

    ann, bo, cy = seeded_store(store, prompts=2)
    first = store.next_assignment(ann, annotators_per_item=2)
    assert store.next_assignment(ann, annotators_per_item=2).id == first.id  # resumes the open item
    store.submit_ranking(first.id, ann, {c: CandidateJudgement(rank=i + 1) for i, c in enumerate(first.shown_order)})
    second = store.next_assignment(ann, annotators_per_item=2)
    assert second.prompt_id != first.prompt_id  # never the same item twice
    store.skip(second.id, ann)
    assert store.next_assignment(ann, annotators_per_item=2) is None  # nothing left for ann
    assert store.next_assignment(bo, annotators_per_item=2) is not None
    assert store.next_assignment(cy, annotators_per_item=2) is not None
    assert store.progress(ann) == {"done": 1, "skipped": 1, "pending": 0}


def test_shown_order_is_shuffled_per_annotator_and_stored(store):
    ann, bo, _ = seeded_store(store, prompts=1, candidates=6)
    orders = {store.next_assignment(a, annotators_per_item=2, seed=s).id: None for a, s in ((ann, 1), (bo, 2))}
    from annotate.models import Assignment

    with store.session() as session:
        shown = [session.get(Assignment, i).shown_order for i in orders]
    assert sorted(shown[0]) == sorted(shown[1]) and shown[0] != shown[1]


def test_ranking_with_ties_flags_and_ratings_is_stored_exactly(store):
    from annotate.store import CandidateJudgement

    ann, _, _ = seeded_store(store, prompts=1, candidates=4)
    item = store.next_assignment(ann)
    a, b, c, d = item.shown_order
    judgements = {
        a: CandidateJudgement(1, empathy=5),
        b: CandidateJudgement(2),
        c: CandidateJudgement(2),
        d: CandidateJudgement(3, unsafe=True, safety=1),
    }
    store.submit_ranking(item.id, ann, judgements, rationale="  b and c equally generic ")
    [ranking] = store.rankings()
    entries = ranking["entries"]
    assert {cid: e.rank for cid, e in entries.items()} == {a: 1, b: 2, c: 2, d: 3}
    assert entries[d].unsafe and entries[d].safety == 1 and entries[a].empathy == 5


@pytest.mark.parametrize(
    "judged, message",
    [
        ("missing", "rank every shown candidate exactly once"),
        ("gap", "ranks must be 1, 2, 3"),
        ("rating", "empathy rating must be 1-5"),
    ],
)
def test_bad_rankings_are_refused_and_nothing_is_written(store, judged, message):
    from annotate.store import CandidateJudgement, RankingError

    ann, _, _ = seeded_store(store, prompts=1)
    item = store.next_assignment(ann)
    judgements = {c: CandidateJudgement(i + 1) for i, c in enumerate(item.shown_order)}
    if judged == "missing":
        judgements.pop(item.shown_order[0])
    elif judged == "gap":
        judgements[item.shown_order[0]] = CandidateJudgement(5)
    else:
        judgements[item.shown_order[0]] = CandidateJudgement(1, empathy=7)
    with pytest.raises(RankingError, match=message):
        store.submit_ranking(item.id, ann, judgements)
    assert store.rankings() == [] and store.progress(ann)["pending"] == 1


def test_an_assignment_is_submitted_once_and_only_by_its_owner(store):
    from annotate.store import CandidateJudgement, RankingError

    ann, bo, _ = seeded_store(store, prompts=1)
    item = store.next_assignment(ann)
    judgements = {c: CandidateJudgement(1) for c in item.shown_order}
    with pytest.raises(RankingError, match="is not yours"):
        store.submit_ranking(item.id, bo, judgements)
    store.submit_ranking(item.id, ann, judgements)
    with pytest.raises(RankingError, match="already done"):
        store.submit_ranking(item.id, ann, judgements)
    assert len(store.rankings()) == 1


def test_concurrent_annotators_lose_nothing_and_never_overfill_an_item(store_url):
    """25 annotators in parallel threads, each with its own store connection, rank until nothing is left."""
    from concurrent.futures import ThreadPoolExecutor

    from annotate.store import CandidateJudgement

    setup = RankingStore(store_url)
    for p in range(40):
        prompt_id = setup.add_prompt(f"p{p}", CLIENT)
        setup.add_candidates(prompt_id, [f"reply {p}.{c}" for c in range(3)], source="m")
    annotators = [setup.add_annotator(f"a{i:02d}", "long enough pw") for i in range(25)]

    def work(annotator_id: int) -> int:
        store = RankingStore(store_url)
        done = 0
        while (item := store.next_assignment(annotator_id, annotators_per_item=3)) is not None:
            store.submit_ranking(item.id, annotator_id, {c: CandidateJudgement(1) for c in item.shown_order})
            done += 1
        return done

    with ThreadPoolExecutor(max_workers=25) as pool:
        submitted = sum(pool.map(work, annotators))
    assert submitted == 40 * 3  # every slot filled exactly once
    rankings = setup.rankings()
    assert len(rankings) == submitted
    per_prompt = {}
    for r in rankings:
        per_prompt.setdefault(r["prompt_id"], set()).add(r["annotator_id"])
    assert all(len(annotators_of) == 3 for annotators_of in per_prompt.values())


def test_campaign_items_are_stored_whole_once_and_kept_apart(store):
    from annotate.store import CandidateJudgement, CandidateOrigin

    pair = [CandidateOrigin(" from a\x00", "runs/a", {"arm": "A"}), CandidateOrigin(" from b", "runs/b", {"arm": "B"})]
    prompt_id = store.add_campaign_item("ab:a-vs-b", "ab:a-vs-b/p1", CLIENT, pair, topic="sleep")
    assert store.add_campaign_item("ab:a-vs-b", "ab:a-vs-b/p1", CLIENT, pair) == prompt_id
    assert [c.text for c in store.candidates(prompt_id)] == [" from a", " from b"]  # PostgreSQL refuses NUL
    assert store.campaigns() == {"ab:a-vs-b": 1} and store.counts()["candidates"] == 2
    ordinary = store.add_prompt("p1", CLIENT)
    with pytest.raises(ValueError, match="already exists outside campaign 'ab:x'"):
        store.add_campaign_item("ab:x", "p1", CLIENT, pair)
    with pytest.raises(ValueError, match="two or more non-empty candidates"):
        store.add_campaign_item("ab:x", "ab:x/p2", CLIENT, [pair[0], CandidateOrigin("\x00 ", "runs/b", {})])
    assert store.counts()["prompts"] == 2, "a refused item leaves nothing behind"
    store.add_candidates(ordinary, ["One reply.", "Another."], source="runs/sft")
    annotator = store.ensure_annotator("ann")
    for pid in (prompt_id, ordinary):
        ids = [c.id for c in store.candidates(pid)]
        store.record_ranking(pid, annotator, {ids[0]: CandidateJudgement(1), ids[1]: CandidateJudgement(2)})
    assert [r["prompt_id"] for r in store.rankings(prompt_ids=[prompt_id])] == [prompt_id]
    assert len(store.rankings()) == 2


def test_skips_and_abandoned_items_free_their_slot_so_every_item_gets_exactly_its_rankings(store, monkeypatch):
    """With 2 per item, x skips and y ranks: z got nothing and the item ended with 1 ranking. An admin who only
    opened the page, or an annotator who walked away, held a slot for good (issue #12)."""
    import datetime as dt

    from annotate import store as store_module
    from annotate.store import CandidateJudgement, RankingError

    seeded_store(store, prompts=1)
    x, y, z, w = (store.add_annotator(name, "long enough pw") for name in ("x", "y", "z", "w"))
    clock = [dt.datetime.now(dt.UTC)]  # assignments are stamped with the real time; the store reads this one
    monkeypatch.setattr(store_module, "utcnow", lambda: clock[0])

    def rank(annotator_id):
        item = store.next_assignment(annotator_id, annotators_per_item=2, expire_after_s=600)
        order = {c: CandidateJudgement(rank=i + 1) for i, c in enumerate(item.shown_order)}
        store.submit_ranking(item.id, annotator_id, order)

    store.skip(store.next_assignment(x, annotators_per_item=2, expire_after_s=600).id, x)
    rank(y)
    abandoned = store.next_assignment(w, annotators_per_item=2, expire_after_s=600)  # opened, never finished
    assert store.next_assignment(z, annotators_per_item=2, expire_after_s=600) is None, "w holds the last slot"
    clock[0] += dt.timedelta(minutes=11)
    rank(z)  # w's assignment expired when z asked: z gets the slot
    with pytest.raises(RankingError, match="already expired"):
        store.submit_ranking(abandoned.id, w, {c: CandidateJudgement(rank=1) for c in abandoned.shown_order})
    assert len(store.rankings()) == 2, "exactly the configured number of rankings"
    assert store.next_assignment(w, annotators_per_item=2, expire_after_s=600) is None, "full: nothing for w"
    assert "expire_assignments" in [e.action for e in store.audit_log()]
