"""Browser options, sealed secrets and saved states, session files, token profiles.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("options", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("sealed", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("profile", sa.String(64), nullable=True))
        batch.add_column(sa.Column("save_state", sa.Boolean(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("saved_state", sa.LargeBinary(), nullable=True))
    op.create_table(
        "session_files",
        sa.Column(
            "session_id",
            sa.String(32),
            sa.ForeignKey("sessions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("name", sa.String(255), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("run", sa.Integer, nullable=False),
        sa.Column("content_type", sa.String(255), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=True),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "profiles",
        sa.Column(
            "token_id",
            sa.String(32),
            sa.ForeignKey("tokens.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("sealed", sa.LargeBinary, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("profiles")
    op.drop_table("session_files")
    with op.batch_alter_table("sessions") as batch:
        for column in ("saved_state", "save_state", "profile", "sealed", "options"):
            batch.drop_column(column)
