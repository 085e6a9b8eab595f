"""Structured answers: a run's output schema, and its answer as data.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("session_runs") as batch:
        batch.add_column(sa.Column("output_schema", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("data", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("session_runs") as batch:
        for column in ("data", "output_schema"):
            batch.drop_column(column)
