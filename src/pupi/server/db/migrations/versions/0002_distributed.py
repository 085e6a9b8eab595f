"""The distributed queue: procrastinate's schema (PostgreSQL only) and each session's job.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

procrastinate's schema is the one shipped with the pinned release (pyproject
says which). A later release that changes it comes with its own migration here,
applying that release's files from ``procrastinate/sql/migrations`` in order.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("job_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("worker", sa.String(200), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    exists = bind.execute(sa.text("SELECT to_regclass('procrastinate_jobs')")).scalar()
    if exists is None:
        from procrastinate.schema import SchemaManager

        # Straight to the driver, without parameters: the file is many statements,
        # with % and :: in them that neither SQLAlchemy nor psycopg must read as placeholders.
        cursor = bind.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(SchemaManager.get_schema())
        finally:
            cursor.close()


def downgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("worker")
        batch.drop_column("job_id")
