"""Guard rails: a run's sealed secrets and token budget, a session's allowed domains.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("session_runs") as batch:
        # Sealed, and set to NULL when the run ends: secrets live as long as their run.
        batch.add_column(sa.Column("secrets", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("token_budget", sa.Integer(), nullable=True))
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("allowed_domains", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("allowed_domains")
    with op.batch_alter_table("session_runs") as batch:
        batch.drop_column("token_budget")
        batch.drop_column("secrets")
