"""The preference store on a real SQLite file: schema by migration, idempotent writes, hashed passwords."""

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from annotate.models import Base
from annotate.store import RankingStore, verify_password

CLIENT = [{"role": "user", "content": "I have not slept properly in weeks."}]


@pytest.fixture
def store(tmp_path):
    return RankingStore(str(tmp_path / "prefs.db"))


def test_new_store_has_the_migrated_schema_in_wal_mode(store):
    with store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0001"
    tables = set(inspect(store.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_migrations_match_the_models(store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_data_survives_reopening(tmp_path):
    path = str(tmp_path / "prefs.db")
    prompt_id = RankingStore(path).add_prompt("p1", CLIENT, topic="sleep", risk="none")
    reopened = RankingStore(path)
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
