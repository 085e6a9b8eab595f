"""Migration 0007 (structured answers) on SQLite: existing runs kept, the model matched."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from pupi.server.db.engine import _alembic_config
from pupi.server.db.models import Base

pytestmark = pytest.mark.service


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    made = sa.create_engine(f"sqlite:///{tmp_path / 'pupi.db'}")
    yield made
    made.dispose()


def migrate_to(engine: sa.Engine, revision: str, *, down: bool = False) -> None:
    with engine.begin() as connection:
        config = _alembic_config()
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def run_columns(engine: sa.Engine) -> set[str]:
    return {column["name"] for column in sa.inspect(engine).get_columns("session_runs")}


def test_a_run_stored_before_0007_is_kept_without_schema_or_data(engine: sa.Engine) -> None:
    migrate_to(engine, "0006")
    now = "2026-12-01 10:00:00"
    with engine.begin() as db:
        db.execute(
            sa.text(
                "INSERT INTO tokens (id, name, token_hash, hint, created_at) "
                "VALUES ('t', 'test', 'h', 'pupi_', :now)"
            ),
            {"now": now},
        )
        db.execute(
            sa.text(
                "INSERT INTO sessions (id, token_id, status, prompt, planner, max_steps, "
                "timeout_s, created_at) VALUES ('s', 't', 'completed', 'p', 'rules', 30, 60, :now)"
            ),
            {"now": now},
        )
        db.execute(
            sa.text(
                "INSERT INTO session_runs (session_id, n, kind, status, prompt, timeout_s, "
                "answer, created_at) VALUES ('s', 0, 'prompt', 'completed', 'p', 60, :answer, :now)"
            ),
            {"now": now, "answer": '"42"'},
        )
    assert not {"output_schema", "data"} & run_columns(engine)

    migrate_to(engine, "head")

    with engine.connect() as db:
        row: Any = db.execute(
            sa.text("SELECT prompt, answer, output_schema, data FROM session_runs")
        ).one()
    assert tuple(row) == ("p", '"42"', None, None)


def test_the_migrated_runs_table_is_what_the_model_says(engine: sa.Engine) -> None:
    migrate_to(engine, "head")
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    about_runs = [d for d in differences if "session_runs" in repr(d)]
    assert about_runs == []
    assert {"output_schema", "data"} <= run_columns(engine)


def test_0007_downgrades_to_0006(engine: sa.Engine) -> None:
    migrate_to(engine, "head")
    migrate_to(engine, "0006", down=True)
    assert not {"output_schema", "data"} & run_columns(engine)
    assert "answer" in run_columns(engine)
