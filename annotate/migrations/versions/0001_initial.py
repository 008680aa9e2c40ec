"""Initial preference store: prompts, candidates, annotators, assignments, rankings, audit log.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "prompts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("external_id", sa.String(200), nullable=False, unique=True),
        sa.Column("conversation", sa.JSON, nullable=False),
        sa.Column("topic", sa.String(100)),
        sa.Column("risk", sa.String(20)),
        sa.Column("is_gold", sa.Boolean, nullable=False),
        sa.Column("gold_best_candidate_id", sa.Integer),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "candidates",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("prompt_id", sa.Integer, sa.ForeignKey("prompts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("sampling", sa.JSON, nullable=False),
        sa.Column("seed", sa.Integer, nullable=False),
        sa.Column("sample_index", sa.Integer, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.UniqueConstraint("prompt_id", "source", "seed", "sample_index", name="uq_candidate_origin"),
    )
    op.create_index("ix_candidates_prompt_id", "candidates", ["prompt_id"])
    op.create_table(
        "annotators",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(100), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("prompt_id", sa.Integer, sa.ForeignKey("prompts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("annotator_id", sa.Integer, sa.ForeignKey("annotators.id"), nullable=False),
        sa.Column("shown_order", sa.JSON, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("completed_at", TZ),
        sa.UniqueConstraint("prompt_id", "annotator_id", name="uq_assignment_once"),
    )
    op.create_index("ix_assignments_prompt_id", "assignments", ["prompt_id"])
    op.create_index("ix_assignments_annotator_id", "assignments", ["annotator_id"])
    op.create_table(
        "rankings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("assignment_id", sa.Integer, sa.ForeignKey("assignments.id"), nullable=False, unique=True),
        sa.Column("prompt_id", sa.Integer, sa.ForeignKey("prompts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("annotator_id", sa.Integer, sa.ForeignKey("annotators.id"), nullable=False),
        sa.Column("rationale", sa.Text),
        sa.Column("submitted_at", TZ, nullable=False),
    )
    op.create_index("ix_rankings_prompt_id", "rankings", ["prompt_id"])
    op.create_index("ix_rankings_annotator_id", "rankings", ["annotator_id"])
    op.create_table(
        "ranking_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ranking_id", sa.Integer, sa.ForeignKey("rankings.id", ondelete="CASCADE"), nullable=False),
        sa.Column("candidate_id", sa.Integer, sa.ForeignKey("candidates.id"), nullable=False),
        sa.Column("rank", sa.Integer, nullable=False),
        sa.Column("unsafe", sa.Boolean, nullable=False),
        sa.Column("empathy", sa.Integer),
        sa.Column("safety", sa.Integer),
        sa.Column("helpfulness", sa.Integer),
        sa.UniqueConstraint("ranking_id", "candidate_id", name="uq_entry_once"),
    )
    op.create_index("ix_ranking_entries_ranking_id", "ranking_entries", ["ranking_id"])
    op.create_index("ix_ranking_entries_candidate_id", "ranking_entries", ["candidate_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    for table in ("audit_log", "ranking_entries", "rankings", "assignments", "annotators", "candidates", "prompts"):
        op.drop_table(table)
