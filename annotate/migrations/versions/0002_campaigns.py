"""Campaigns: a prompt may belong to a named batch, e.g. a blinded human A/B comparison of two models.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("prompts") as batch:
        batch.add_column(sa.Column("campaign", sa.String(200)))
        batch.create_index("ix_prompts_campaign", ["campaign"])


def downgrade() -> None:
    with op.batch_alter_table("prompts") as batch:
        batch.drop_index("ix_prompts_campaign")
        batch.drop_column("campaign")
