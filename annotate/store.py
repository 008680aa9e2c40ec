"""The preference store: prompts, candidates, annotators and their rankings, in SQLite or PostgreSQL.

``RankingStore("sqlite:///prefs.db")`` (the default kind: one embedded file, WAL journal,
foreign keys on) or ``RankingStore("postgresql+psycopg://user@127.0.0.1/prefs")``. Opening a
store applies any pending Alembic migration, so a store made by an older version keeps its
data across an upgrade. Every write is recorded in the append-only audit log (ids and
counts only: clinical text never goes to logs).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from annotate.models import Annotator, AuditEvent, Candidate, Prompt

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
ROLES = ("annotator", "admin")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    """scrypt with a random salt, stored as ``scrypt$n$r$p$salt$digest``."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        candidate = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), dklen=32, n=int(n), r=int(r), p=int(p))
    except ValueError:
        return False
    return hmac.compare_digest(candidate.hex(), digest)


def sqlite_url(path: str | Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


def _make_engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def upgrade_schema(engine: Engine) -> None:
    """Apply every pending migration (a new store gets the whole schema)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class RankingStore:
    """All reads and writes of the preference data go through here."""

    def __init__(self, url: str) -> None:
        if "://" not in url:
            url = sqlite_url(url)
        self.url = url
        self.engine = _make_engine(url)
        upgrade_schema(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back on any error."""
        with self._sessions.begin() as session:
            yield session

    def audit(self, session: Session, actor: str, action: str, **detail: Any) -> None:
        session.add(AuditEvent(actor=actor, action=action, detail=detail))

    # ---------------------------------------------------------------- prompts and candidates

    def add_prompt(
        self,
        external_id: str,
        conversation: list[dict[str, str]],
        topic: str | None = None,
        risk: str | None = None,
        is_gold: bool = False,
        actor: str = "system",
    ) -> int:
        """Store a client message (with earlier turns); adding the same ``external_id`` again is a no-op."""
        if not conversation or conversation[-1].get("role") != "user":
            raise ValueError(f"prompt {external_id!r}: the conversation must end with the client's message")
        with self.session() as session:
            existing = session.scalar(select(Prompt.id).where(Prompt.external_id == external_id))
            if existing is not None:
                return existing
            prompt = Prompt(external_id=external_id, conversation=conversation, topic=topic, risk=risk, is_gold=is_gold)
            session.add(prompt)
            session.flush()
            self.audit(session, actor, "add_prompt", prompt_id=prompt.id, external_id=external_id)
            return prompt.id

    def add_candidates(
        self,
        prompt_id: int,
        texts: list[str],
        source: str,
        sampling: dict[str, Any] | None = None,
        seed: int = 0,
        actor: str = "system",
        sample_indices: list[int] | None = None,
    ) -> list[int]:
        """Store candidate replies; the same (prompt, source, seed, sample index) is never stored twice."""
        ids = []
        indices = sample_indices if sample_indices is not None else list(range(len(texts)))
        with self.session() as session:
            for index, text in zip(indices, texts, strict=True):
                if not text.strip():
                    raise ValueError(f"prompt {prompt_id}: candidate {index} from {source} is empty")
                existing = session.scalar(
                    select(Candidate.id).where(
                        Candidate.prompt_id == prompt_id,
                        Candidate.source == source,
                        Candidate.seed == seed,
                        Candidate.sample_index == index,
                    )
                )
                if existing is None:
                    candidate = Candidate(
                        prompt_id=prompt_id,
                        text=text,
                        source=source,
                        sampling=sampling or {},
                        seed=seed,
                        sample_index=index,
                    )
                    session.add(candidate)
                    session.flush()
                    existing = candidate.id
                ids.append(existing)
            self.audit(session, actor, "add_candidates", prompt_id=prompt_id, count=len(texts), source=source)
        return ids

    def candidate_count(self, prompt_id: int, source: str, seed: int) -> int:
        with self.session() as session:
            return session.scalar(
                select(func.count(Candidate.id)).where(
                    Candidate.prompt_id == prompt_id, Candidate.source == source, Candidate.seed == seed
                )
            )

    def candidates(self, prompt_id: int) -> list[Candidate]:
        with self.session() as session:
            return list(
                session.scalars(select(Candidate).where(Candidate.prompt_id == prompt_id).order_by(Candidate.id))
            )

    def counts(self) -> dict[str, int]:
        with self.session() as session:
            return {
                "prompts": session.scalar(select(func.count(Prompt.id))),
                "candidates": session.scalar(select(func.count(Candidate.id))),
                "annotators": session.scalar(select(func.count(Annotator.id))),
            }

    # ---------------------------------------------------------------- annotators

    def add_annotator(self, username: str, password: str, role: str = "annotator", actor: str = "admin") -> int:
        if role not in ROLES:
            raise ValueError(f"role must be one of {list(ROLES)}, found {role!r}")
        if len(password) < 8:
            raise ValueError("password must be at least 8 characters")
        with self.session() as session:
            if session.scalar(select(Annotator.id).where(Annotator.username == username)) is not None:
                raise ValueError(f"user {username!r} already exists")
            annotator = Annotator(username=username, password_hash=hash_password(password), role=role)
            session.add(annotator)
            session.flush()
            self.audit(session, actor, "add_annotator", annotator_id=annotator.id, role=role)
            return annotator.id

    def set_active(self, username: str, active: bool, actor: str = "admin") -> None:
        with self.session() as session:
            annotator = session.scalar(select(Annotator).where(Annotator.username == username))
            if annotator is None:
                raise ValueError(f"no user named {username!r}")
            annotator.active = active
            self.audit(session, actor, "enable_annotator" if active else "disable_annotator", annotator_id=annotator.id)

    def authenticate(self, username: str, password: str) -> Annotator | None:
        """The active annotator with these credentials, else None (same answer for any failure)."""
        with self.session() as session:
            annotator = session.scalar(select(Annotator).where(Annotator.username == username))
            ok = annotator is not None and annotator.active and verify_password(password, annotator.password_hash)
            self.audit(session, username, "login" if ok else "login_failed")
            return annotator if ok else None

    def annotators(self) -> list[Annotator]:
        with self.session() as session:
            return list(session.scalars(select(Annotator).order_by(Annotator.username)))

    def audit_log(self) -> list[AuditEvent]:
        with self.session() as session:
            return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
