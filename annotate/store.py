"""The preference store: prompts, candidates, annotators and their rankings, in SQLite or PostgreSQL.

``RankingStore("sqlite:///prefs.db")`` (the default kind: one embedded file, WAL journal,
foreign keys on) or ``RankingStore("postgresql+psycopg://user@127.0.0.1/prefs")``. Opening a
store applies any pending Alembic migration, so a store made by an older version keeps its
data across an upgrade. Every write is recorded in the append-only audit log (ids and
counts only: clinical text never goes to logs).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import random
import secrets
import threading
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from annotate.models import Annotator, Assignment, AuditEvent, Candidate, Prompt, Ranking, RankingEntry, utcnow

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
ROLES = ("annotator", "admin")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
_MIGRATION_LOCK = threading.Lock()  # Alembic keeps its running context in module globals
_ASSIGNMENT_LOCK_KEY = 7_301_001  # any fixed number: the PostgreSQL advisory lock of next_assignment


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


MAX_USERNAME_CHARS = 100  # the width of annotators.username


@functools.cache
def _decoy_hash() -> str:
    """A hash no password matches: an unknown username is checked against it, so it takes as long as a known one."""
    return hash_password(secrets.token_urlsafe(32))


def login_actor(username: str, annotator: Annotator | None) -> str:
    """Who a login attempt is audited as: the account's name, or a hash of what was typed. A password typed
    into the username box, or a megabyte of it, is never stored."""
    if annotator is not None:
        return annotator.username
    return "unknown-user:" + hashlib.sha256(username.encode("utf-8", "replace")).hexdigest()[:16]


def address_hash(address: str) -> str:
    """The source address of a login attempt as the audit log keeps it: a hash, enough to see one source repeat."""
    return hashlib.sha256(address.encode()).hexdigest()[:16] if address else ""


class RankingError(ValueError):
    """A submission the store refuses (wrong owner, incomplete ranking, bad rating), with why."""


@dataclass
class CandidateOrigin:
    """A candidate reply and where it came from, for ``add_campaign_item``."""

    text: str
    source: str
    sampling: dict[str, Any]
    seed: int = 0
    sample_index: int = 0


@dataclass
class CandidateJudgement:
    """What an annotator said about one candidate: its rank (1 = best, ties share), flag and ratings."""

    rank: int
    unsafe: bool = False
    empathy: int | None = None
    safety: int | None = None
    helpfulness: int | None = None


def storable_text(text: str) -> str:
    """Text as every backend can hold it: PostgreSQL refuses NUL characters, which a model can emit."""
    return text.replace("\x00", "")


# A rationale is a sentence or a paragraph. The cap keeps one request from filling the disk.
MAX_RATIONALE_CHARS = 4000


def _account(session: Session, username: str) -> Annotator | None:
    if not 0 < len(username) <= MAX_USERNAME_CHARS:
        return None  # no account has such a name; don't send a megabyte to the database
    return session.scalar(select(Annotator).where(Annotator.username == username))


def _source(address: str) -> dict[str, str]:
    return {"source": address_hash(address)} if address else {}


def rationale_problem(rationale: object) -> str | None:
    """Why a rationale cannot be stored (None when it can). Never quotes it: it may hold clinical text."""
    if rationale is None:
        return None
    if not isinstance(rationale, str):
        return f"the rationale must be text, not {type(rationale).__name__}"
    if "\x00" in rationale:
        return "the rationale contains a NUL character; remove it and submit again"
    if len(rationale) > MAX_RATIONALE_CHARS:
        return f"the rationale is {len(rationale)} characters long; at most {MAX_RATIONALE_CHARS} are kept"
    return None


def sqlite_url(path: str | Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


def _make_engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # let the "begin" hook below open transactions
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection) -> None:
        # Take the write lock when a transaction starts, not at its first write: two annotators
        # asking for the last open slot of an item then queue instead of both taking it.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def upgrade_schema(engine: Engine) -> None:
    """Apply every pending migration (a new store gets the whole schema)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with _MIGRATION_LOCK, engine.begin() as connection:
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
            for index, text in zip(indices, map(storable_text, texts), strict=True):
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

    def add_campaign_item(
        self,
        campaign: str,
        external_id: str,
        conversation: list[dict[str, str]],
        candidates: list[CandidateOrigin],
        topic: str | None = None,
        risk: str | None = None,
        actor: str = "system",
    ) -> int:
        """Store one item of a campaign (e.g. a blinded A/B pair) with all its candidates in one transaction.

        An annotator is never assigned the item half-made (its shown order is fixed at assignment).
        Adding the same ``external_id`` again is a no-op; it must not belong to another campaign.
        """
        if not conversation or conversation[-1].get("role") != "user":
            raise ValueError(f"prompt {external_id!r}: the conversation must end with the client's message")
        candidates = [replace(c, text=storable_text(c.text)) for c in candidates]
        empty = [c.source for c in candidates if not c.text.strip()]
        if len(candidates) < 2 or empty:
            raise ValueError(f"campaign item {external_id!r} needs two or more non-empty candidates (empty: {empty})")
        with self.session() as session:
            existing = session.scalar(select(Prompt).where(Prompt.external_id == external_id))
            if existing is not None:
                if existing.campaign != campaign:
                    raise ValueError(f"prompt {external_id!r} already exists outside campaign {campaign!r}")
                return existing.id
            prompt = Prompt(
                external_id=external_id, conversation=conversation, topic=topic, risk=risk, campaign=campaign
            )
            session.add(prompt)
            session.flush()
            for c in candidates:
                session.add(
                    Candidate(
                        prompt_id=prompt.id,
                        text=c.text,
                        source=c.source,
                        sampling=c.sampling,
                        seed=c.seed,
                        sample_index=c.sample_index,
                    )
                )
            self.audit(
                session, actor, "add_campaign_item", prompt_id=prompt.id, campaign=campaign, count=len(candidates)
            )
            return prompt.id

    def campaigns(self) -> dict[str, int]:
        """Every campaign in the store with its number of items."""
        with self.session() as session:
            rows = session.execute(
                select(Prompt.campaign, func.count(Prompt.id))
                .where(Prompt.campaign.is_not(None))
                .group_by(Prompt.campaign)
                .order_by(Prompt.campaign)
            ).all()
        return dict(rows)

    def campaign_prompts(self, campaign: str) -> list[Prompt]:
        with self.session() as session:
            return list(session.scalars(select(Prompt).where(Prompt.campaign == campaign).order_by(Prompt.id)))

    def set_gold(self, prompt_id: int, best_candidate_id: int, actor: str = "admin") -> None:
        """Mark a prompt as a gold item whose best reply is known, to measure annotators' accuracy."""
        with self.session() as session:
            prompt, candidate = session.get(Prompt, prompt_id), session.get(Candidate, best_candidate_id)
            if prompt is None or candidate is None or candidate.prompt_id != prompt_id:
                raise ValueError(f"candidate {best_candidate_id} is not a reply to prompt {prompt_id}")
            prompt.is_gold, prompt.gold_best_candidate_id = True, best_candidate_id
            self.audit(session, actor, "set_gold", prompt_id=prompt_id, candidate_id=best_candidate_id)

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
        if not 0 < len(username) <= MAX_USERNAME_CHARS or username != username.strip():
            raise ValueError(f"a username is 1-{MAX_USERNAME_CHARS} characters, without spaces at either end")
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

    def authenticate(self, username: str, password: str, address: str = "") -> Annotator | None:
        """The active annotator with these credentials, else None: the same answer, after the same password
        hash, for any failure (an unknown name is checked against a decoy), so neither tells which names exist.
        Every attempt is audited by account name or a hash of the typed name, and a hash of ``address``."""
        with self.session() as session:
            annotator = _account(session, username)
            stored = annotator.password_hash if annotator is not None else _decoy_hash()
            ok = verify_password(password, stored) and annotator is not None and annotator.active
            self.audit(session, login_actor(username, annotator), "login" if ok else "login_failed", **_source(address))
            return annotator if ok else None

    def record_refused_login(self, username: str, address: str = "") -> None:
        """Audit an attempt refused by the brute-force limit, without checking its password."""
        with self.session() as session:
            annotator = _account(session, username)
            self.audit(session, login_actor(username, annotator), "login_refused_locked", **_source(address))

    def annotators(self) -> list[Annotator]:
        with self.session() as session:
            return list(session.scalars(select(Annotator).order_by(Annotator.username)))

    def annotator(self, username: str) -> Annotator | None:
        """One account by name (every request of the ranking app looks its user up: one row, not all)."""
        with self.session() as session:
            return _account(session, username)

    def audit_log(self) -> list[AuditEvent]:
        with self.session() as session:
            return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))

    # ---------------------------------------------------------------- assignments and rankings

    def next_assignment(
        self,
        annotator_id: int,
        annotators_per_item: int = 1,
        seed: int | None = None,
        gold_every: int = 0,
        expire_after_s: float | None = None,
    ) -> Assignment | None:
        """The annotator's open item (so they resume where they left off), else a new one, else None.

        A new item is one with candidates that this annotator has never had and that fewer than
        ``annotators_per_item`` people were given. Gold items (known best reply) go to everyone:
        with ``gold_every=N`` every N-th new item is a gold one while any is left for this
        annotator, and the rest follow once the ordinary items run out. Candidates are shown in
        an order shuffled per annotator; the order is stored so position bias can be measured.

        Only pending and finished assignments hold one of an item's slots: a skip frees its slot for
        someone else, and so does an assignment still pending ``expire_after_s`` seconds after it was
        given (it expires here, for everyone, and can no longer be submitted). So every item ends with
        exactly ``annotators_per_item`` rankings, while enough annotators are left.
        """
        with self.session() as session:
            if self.engine.dialect.name == "postgresql":
                # One assignment decision at a time, as SQLite's BEGIN IMMEDIATE gives: otherwise two
                # annotators can both count the last open slot of an item as free and both take it.
                session.execute(select(func.pg_advisory_xact_lock(_ASSIGNMENT_LOCK_KEY)))
            if expire_after_s is not None:
                self._expire_stale_assignments(session, expire_after_s)
            open_item = session.scalar(
                select(Assignment)
                .where(Assignment.annotator_id == annotator_id, Assignment.status == "pending")
                .order_by(Assignment.id)
            )
            if open_item is not None:
                return open_item
            had = session.scalar(select(func.count(Assignment.id)).where(Assignment.annotator_id == annotator_id))
            gold_turn = gold_every > 0 and (had + 1) % gold_every == 0
            prompt_id = _next_gold_item(session, annotator_id) if gold_turn else None
            if prompt_id is None:
                prompt_id = _next_ordinary_item(session, annotator_id, annotators_per_item)
            if prompt_id is None:
                prompt_id = _next_gold_item(session, annotator_id)
            if prompt_id is None:
                return None
            order = list(
                session.scalars(select(Candidate.id).where(Candidate.prompt_id == prompt_id).order_by(Candidate.id))
            )
            random.Random(seed if seed is not None else secrets.randbits(32)).shuffle(order)
            assignment = Assignment(prompt_id=prompt_id, annotator_id=annotator_id, shown_order=order)
            session.add(assignment)
            session.flush()
            self.audit(session, str(annotator_id), "assign", assignment_id=assignment.id, prompt_id=prompt_id)
            return assignment

    def _expire_stale_assignments(self, session: Session, expire_after_s: float) -> None:
        cutoff = utcnow() - dt.timedelta(seconds=expire_after_s)
        # One UPDATE that re-checks "pending": a submit that commits first keeps its "done" (PostgreSQL
        # re-reads a row a concurrent transaction changed before it updates it).
        expired = session.scalars(
            update(Assignment)
            .where(Assignment.status == "pending", Assignment.created_at < cutoff)
            .values(status="expired", completed_at=utcnow())
            .returning(Assignment.id)
        ).all()
        if expired:
            self.audit(session, "system", "expire_assignments", assignment_ids=sorted(expired))

    def submit_ranking(
        self,
        assignment_id: int,
        annotator_id: int,
        judgements: dict[int, CandidateJudgement],
        rationale: str | None = None,
    ) -> int:
        """Store a complete ranking of an assignment's candidates, atomically; return its id."""
        try:
            return self._submit_ranking(assignment_id, annotator_id, judgements, rationale)
        except IntegrityError:  # a concurrent submission of the same assignment won the race
            raise RankingError(f"assignment {assignment_id} was already submitted") from None

    def _submit_ranking(
        self, assignment_id: int, annotator_id: int, judgements: dict[int, CandidateJudgement], rationale: str | None
    ) -> int:
        with self.session() as session:
            assignment = session.get(Assignment, assignment_id, with_for_update=True)
            if assignment is None or assignment.annotator_id != annotator_id:
                raise RankingError(f"assignment {assignment_id} is not yours")
            if assignment.status != "pending":
                raise RankingError(f"assignment {assignment_id} was already {assignment.status}")
            problems = _judgement_problems(judgements, assignment.shown_order)
            if rationale_issue := rationale_problem(rationale):
                problems.append(rationale_issue)
            if problems:
                raise RankingError("; ".join(problems))
            ranking = Ranking(
                assignment_id=assignment.id,
                prompt_id=assignment.prompt_id,
                annotator_id=annotator_id,
                rationale=(rationale or "").strip() or None,
            )
            session.add(ranking)
            session.flush()
            for candidate_id, judgement in judgements.items():
                session.add(
                    RankingEntry(
                        ranking_id=ranking.id,
                        candidate_id=candidate_id,
                        rank=judgement.rank,
                        unsafe=judgement.unsafe,
                        empathy=judgement.empathy,
                        safety=judgement.safety,
                        helpfulness=judgement.helpfulness,
                    )
                )
            assignment.status = "done"
            assignment.completed_at = utcnow()
            self.audit(session, str(annotator_id), "submit_ranking", assignment_id=assignment.id, ranking_id=ranking.id)
            return ranking.id

    def record_ranking(
        self, prompt_id: int, annotator_id: int, judgements: dict[int, CandidateJudgement], rationale: str | None = None
    ) -> int:
        """Store a ranking made elsewhere (an import, Label Studio): an assignment in stored order, then the ranking."""
        with self.session() as session:
            existing = session.scalar(
                select(Assignment).where(Assignment.prompt_id == prompt_id, Assignment.annotator_id == annotator_id)
            )
            if existing is None:
                existing = Assignment(prompt_id=prompt_id, annotator_id=annotator_id, shown_order=sorted(judgements))
                session.add(existing)
                session.flush()
            assignment_id = existing.id
        return self.submit_ranking(assignment_id, annotator_id, judgements, rationale)

    def ensure_annotator(self, username: str, role: str = "annotator") -> int:
        """An account that never logs in (its password is random and discarded), for imported rankings."""
        with self.session() as session:
            existing = session.scalar(select(Annotator.id).where(Annotator.username == username))
        return existing if existing is not None else self.add_annotator(username, secrets.token_urlsafe(24), role)

    def skip(self, assignment_id: int, annotator_id: int) -> None:
        with self.session() as session:
            assignment = session.get(Assignment, assignment_id)
            if assignment is None or assignment.annotator_id != annotator_id or assignment.status != "pending":
                raise RankingError(f"assignment {assignment_id} is not an open item of yours")
            assignment.status = "skipped"
            assignment.completed_at = utcnow()
            self.audit(session, str(annotator_id), "skip", assignment_id=assignment.id)

    def progress(self, annotator_id: int) -> dict[str, int]:
        with self.session() as session:
            rows = session.execute(
                select(Assignment.status, func.count(Assignment.id))
                .where(Assignment.annotator_id == annotator_id)
                .group_by(Assignment.status)
            ).all()
        return {"done": 0, "skipped": 0, "pending": 0, **{status: n for status, n in rows}}

    def rankings(self, prompt_ids: Collection[int] | None = None) -> list[dict[str, Any]]:
        """Every submitted ranking (of the given prompts, if any) with its entries, for export and agreement."""
        query = select(Ranking).order_by(Ranking.id)
        if prompt_ids is not None:
            query = query.where(Ranking.prompt_id.in_(list(prompt_ids)))
        with self.session() as session:
            out = []
            for ranking in session.scalars(query):
                entries = session.scalars(select(RankingEntry).where(RankingEntry.ranking_id == ranking.id))
                out.append(
                    {
                        "ranking_id": ranking.id,
                        "prompt_id": ranking.prompt_id,
                        "annotator_id": ranking.annotator_id,
                        "entries": {e.candidate_id: e for e in entries},
                    }
                )
            return out


def _next_ordinary_item(session: Session, annotator_id: int, annotators_per_item: int) -> int | None:
    """The least-assigned non-gold item with candidates that this annotator never had and that has room."""
    taken = select(Assignment.prompt_id).where(Assignment.annotator_id == annotator_id)
    load = (  # the slots held: a skipped or expired assignment frees its slot
        select(Assignment.prompt_id, func.count(Assignment.id).label("n"))
        .where(Assignment.status.in_(("pending", "done")))
        .group_by(Assignment.prompt_id)
        .subquery()
    )
    return session.scalar(
        select(Prompt.id)
        .where(Prompt.id.in_(select(Candidate.prompt_id)), Prompt.id.not_in(taken), Prompt.is_gold.is_(False))
        .outerjoin(load, load.c.prompt_id == Prompt.id)
        .where(func.coalesce(load.c.n, 0) < annotators_per_item)
        .order_by(func.coalesce(load.c.n, 0), Prompt.id)
    )


def _next_gold_item(session: Session, annotator_id: int) -> int | None:
    """The first gold item this annotator never had (gold items have no cap on annotators)."""
    taken = select(Assignment.prompt_id).where(Assignment.annotator_id == annotator_id)
    return session.scalar(
        select(Prompt.id)
        .where(Prompt.is_gold.is_(True), Prompt.id.in_(select(Candidate.prompt_id)), Prompt.id.not_in(taken))
        .order_by(Prompt.id)
    )


def _judgement_problems(judgements: dict[int, CandidateJudgement], shown: list[int]) -> list[str]:
    problems = []
    if sorted(judgements) != sorted(shown):
        problems.append(f"rank every shown candidate exactly once: expected {sorted(shown)}, got {sorted(judgements)}")
    ranks = sorted({j.rank for j in judgements.values()})
    if ranks and ranks != list(range(1, len(ranks) + 1)):
        problems.append(f"ranks must be 1, 2, 3... with tied candidates sharing a rank; got {ranks}")
    for candidate_id, j in judgements.items():
        for name in ("empathy", "safety", "helpfulness"):
            value = getattr(j, name)
            if value is not None and not 1 <= value <= 5:
                problems.append(f"candidate {candidate_id}: {name} rating must be 1-5, got {value}")
    return problems
