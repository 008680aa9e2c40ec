"""The preference store's tables (SQLAlchemy). The schema itself is created by Alembic
migrations in ``annotate/migrations`` so an existing store survives an upgrade.

prompts ─┬─ candidates          a client message (with earlier turns) and the replies to rank,
         │                      optionally in a campaign (e.g. a blinded A/B comparison of two models)
         └─ assignments ── rankings ── ranking_entries
annotators ─┘                               (rank per candidate, ties share a rank,
                                             plus the unsafe flag and 1-5 ratings)
audit_log                       append-only record of every write
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    pass


class Prompt(Base):
    """A client message to rank replies for; ``conversation`` holds earlier turns too."""

    __tablename__ = "prompts"
    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(200), unique=True)
    conversation: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    topic: Mapped[str | None] = mapped_column(String(100))
    risk: Mapped[str | None] = mapped_column(String(20))
    campaign: Mapped[str | None] = mapped_column(String(200), index=True)  # None: an ordinary ranking item
    is_gold: Mapped[bool] = mapped_column(Boolean, default=False)
    gold_best_candidate_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Candidate(Base):
    """One candidate reply and where it came from (checkpoint, sampling settings, seed)."""

    __tablename__ = "candidates"
    __table_args__ = (UniqueConstraint("prompt_id", "source", "seed", "sample_index", name="uq_candidate_origin"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    prompt_id: Mapped[int] = mapped_column(ForeignKey("prompts.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(500))  # checkpoint / run directory, or "written" for sample data
    sampling: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    seed: Mapped[int] = mapped_column(Integer, default=0)
    sample_index: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Annotator(Base):
    __tablename__ = "annotators"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20), default="annotator")  # "annotator" or "admin"
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Assignment(Base):
    """An item given to one annotator, with the order its candidates were shown in."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("prompt_id", "annotator_id", name="uq_assignment_once"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    prompt_id: Mapped[int] = mapped_column(ForeignKey("prompts.id", ondelete="CASCADE"), index=True)
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id"), index=True)
    shown_order: Mapped[list[int]] = mapped_column(JSON)  # candidate ids, as displayed (position bias)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | done | skipped | expired
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Ranking(Base):
    """One annotator's submitted ranking of one item (at most one per assignment)."""

    __tablename__ = "rankings"
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), unique=True)
    prompt_id: Mapped[int] = mapped_column(ForeignKey("prompts.id", ondelete="CASCADE"), index=True)
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id"), index=True)
    rationale: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RankingEntry(Base):
    """A candidate's place in a ranking (1 = best; tied candidates share a rank), flag and ratings."""

    __tablename__ = "ranking_entries"
    __table_args__ = (UniqueConstraint("ranking_id", "candidate_id", name="uq_entry_once"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    ranking_id: Mapped[int] = mapped_column(ForeignKey("rankings.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"), index=True)
    rank: Mapped[int] = mapped_column(Integer)
    unsafe: Mapped[bool] = mapped_column(Boolean, default=False)
    empathy: Mapped[int | None] = mapped_column(Integer)
    safety: Mapped[int | None] = mapped_column(Integer)
    helpfulness: Mapped[int | None] = mapped_column(Integer)


class AuditEvent(Base):
    """Append-only: who did what, when. Never holds clinical text, only ids and counts."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(100))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
