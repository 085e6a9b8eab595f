"""A run's vision (screenshots for an LLM planner) and healing (steps re-grounded).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("session_runs") as batch:
        batch.add_column(sa.Column("vision", sa.String(8), nullable=True))
        batch.add_column(sa.Column("heal", sa.Boolean(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("session_runs") as batch:
        batch.drop_column("heal")
        batch.drop_column("vision")
