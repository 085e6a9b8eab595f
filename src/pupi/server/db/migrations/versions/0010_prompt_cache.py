"""The prompt cache: each token's cached steps, and whether a run asked for and used it.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "prompt_cache",
        sa.Column(
            "token_id",
            sa.String(32),
            sa.ForeignKey("tokens.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("session_runs") as batch:
        batch.add_column(sa.Column("cache", sa.Boolean(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("cached", sa.Boolean(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("session_runs") as batch:
        batch.drop_column("cached")
        batch.drop_column("cache")
    op.drop_table("prompt_cache")
