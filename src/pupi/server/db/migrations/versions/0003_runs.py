"""Sessions that stay open: a session's runs, and when its browser was released.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(
            sa.Column("idle_timeout_s", sa.Float(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("released_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("close_reason", sa.String(16), nullable=True))
    with op.batch_alter_table("session_steps") as batch:
        batch.add_column(sa.Column("run", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "session_runs",
        sa.Column(
            "session_id",
            sa.String(32),
            sa.ForeignKey("sessions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("n", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("prompt", sa.Text, nullable=True),
        sa.Column("start_url", sa.Text, nullable=True),
        sa.Column("planner", sa.String(64), nullable=True),
        sa.Column("max_steps", sa.Integer, nullable=True),
        sa.Column("timeout_s", sa.Float, nullable=False),
        sa.Column("request_steps", sa.JSON, nullable=True),
        sa.Column("answer", sa.JSON, nullable=True),
        sa.Column("outputs", sa.JSON, nullable=True),
        sa.Column("steps", sa.JSON, nullable=True),
        sa.Column("error", sa.JSON, nullable=True),
        sa.Column("usage", sa.JSON, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    # Sessions stored before runs existed: each was one prompt run.
    op.execute(
        """
        INSERT INTO session_runs (session_id, n, kind, status, prompt, start_url, planner,
            max_steps, timeout_s, answer, steps, error, usage, created_at, started_at,
            finished_at)
        SELECT id, 0, 'prompt', status, prompt, start_url, planner, max_steps, timeout_s,
            answer, steps, error, usage, created_at, started_at, finished_at
        FROM sessions
        """
    )
    # Their browsers were released when their run ended (or, for active ones, will be).
    op.execute("UPDATE sessions SET released_at = finished_at WHERE finished_at IS NOT NULL")


def downgrade() -> None:
    op.drop_table("session_runs")
    with op.batch_alter_table("session_steps") as batch:
        batch.drop_column("run")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("close_reason")
        batch.drop_column("released_at")
        batch.drop_column("idle_timeout_s")
