"""Turning a plain database URL into an async engine, and bringing the schema up to date."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

__all__ = ["async_url", "create_engine", "is_unreachable", "libpq_url", "migrate"]

_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
}


def async_url(url: str) -> str:
    """``sqlite:///x.db`` -> ``sqlite+aiosqlite:///x.db``; ``postgresql://`` -> psycopg (3, async).

    URLs that already name a driver are left alone.
    """
    parsed = make_url(url)
    if "+" in parsed.drivername:
        return parsed.render_as_string(hide_password=False)
    driver = _DRIVERS.get(parsed.drivername)
    if driver is None:
        raise ValueError(
            f"unsupported database URL scheme {parsed.drivername!r}: "
            "use sqlite:///path/pupi.db or postgresql://user:pass@host/db"
        )
    return parsed.set(drivername=driver).render_as_string(hide_password=False)


def libpq_url(url: str) -> str:
    """Any spelling of a PostgreSQL URL (``postgresql+psycopg://``...) as libpq takes it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def is_unreachable(exc: DBAPIError) -> bool:
    """Whether the error says the database could not be reached (worth a retry), not a bug.

    psycopg's OperationalError covers a refused or dropped connection; SQLite's
    "database is locked" is one too, and also worth waiting out.
    """
    return exc.connection_invalidated or type(exc.orig).__name__ in {
        "OperationalError",
        "InterfaceError",
    }


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers go on while a session writes; busy_timeout makes concurrent
    # writers wait for each other instead of failing with "database is locked".
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_engine(url: str) -> AsyncEngine:
    """An async engine for a plain URL; a SQLite file's folder is created if missing."""
    full = make_url(async_url(url))
    if full.get_backend_name() == "sqlite":
        if full.database and full.database != ":memory:":
            Path(full.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(full)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(full, pool_size=10, max_overflow=10, pool_pre_ping=True)


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(files("pupi.server.db") / "migrations"))
    return config


MIGRATION_LOCK = 0x70757069
"""PostgreSQL advisory lock held while migrating: nodes starting together take turns."""


def _upgrade(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
    config = _alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def migrate(engine: AsyncEngine) -> None:
    """Create or upgrade the schema to the newest migration (idempotent)."""
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)
