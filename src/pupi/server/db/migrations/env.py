"""Alembic's entry point. Pupi runs migrations itself, handing over an open connection."""

from __future__ import annotations

from alembic import context

from pupi.server.db.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Pupi's migrations run from pupi.server.db.engine.migrate()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
