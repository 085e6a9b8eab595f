"""``pupi serve`` (an API node), ``pupi worker`` (a session runner) and ``pupi db upgrade``.

``serve`` and ``worker`` take the same settings, declared once here: each option
also reads its ``PUPI_*`` variable, and what neither gives comes from
:class:`pupi.server.settings.ServerSettings`'s defaults.
"""

from __future__ import annotations

import asyncio
import os
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pupi.cli import app

if TYPE_CHECKING:
    from pupi.server.settings import ServerSettings

__all__ = ["db_app", "serve", "upgrade", "worker"]

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="PUPI_DATABASE_URL",
        help="sqlite:///path/pupi.db (one machine) or postgresql://user:pass@host/db "
        "(any number of API nodes and workers) [default: ./pupi.db]",
    ),
]
AllowHost = Annotated[
    list[str] | None,
    typer.Option(
        "--allow-host",
        help="A host the agent may reach although it is loopback or private (repeatable; "
        "also PUPI_ALLOW_HOSTS, comma-separated).",
    ),
]
Concurrency = Annotated[
    int | None,
    typer.Option(
        envvar="PUPI_CONCURRENCY",
        help="Sessions this process runs at once [default: CPU count].",
    ),
]
BrowserPath = Annotated[
    str | None,
    typer.Option(
        "--browser-path",
        envvar="PUPI_BROWSER_PATH",
        help="The Chromium or Chrome executable to launch [default: found on the machine].",
    ),
]
CdpUrl = Annotated[
    str | None,
    typer.Option(
        "--cdp-url",
        envvar="PUPI_CDP_URL",
        help="Run sessions on this remote Chromium (browserless, Selenium Grid, "
        "chromium --remote-debugging-port) instead of launching one.",
    ),
]
Screenshots = Annotated[
    bool | None,
    typer.Option(
        "--screenshots/--no-screenshots",
        envvar="PUPI_SCREENSHOTS",
        help="Keep a screenshot after each step [default: on].",
        show_default=False,
    ),
]
RunTimeout = Annotated[
    float | None,
    typer.Option(
        "--run-timeout",
        envvar="PUPI_RUN_TIMEOUT_S",
        help="Default and upper bound of a session's run time, in seconds [default: 300].",
    ),
]
Runner = Annotated[
    str | None,
    typer.Option(
        envvar="PUPI_SESSION_RUNNER",
        hidden=True,
        help="module:function replacing the browser agent (tests, custom deployments).",
    ),
]


def _settings(
    *,
    database_url: str | None,
    allow_host: list[str] | None,
    browser_path: str | None,
    **options: Any,
) -> ServerSettings:
    # Imported here: FastAPI and SQLAlchemy are the `server` extra, not needed by `pupi run`.
    try:
        from pupi.server.settings import ServerSettings
    except ImportError as exc:
        typer.echo(f"The server needs its extra: pip install 'pupi-sdk[server]' ({exc})", err=True)
        raise typer.Exit(1) from exc
    if browser_path:
        # Where browser discovery looks first, in this process and its children.
        os.environ["PUPI_BROWSER_PATH"] = browser_path
    settings = ServerSettings.from_env(database_url=database_url, **options)
    if allow_host:
        settings = ServerSettings.from_env(
            database_url=database_url,
            **options,
            allow_hosts=(*settings.allow_hosts, *allow_host),
        )
    return settings


def _require_postgres(settings: ServerSettings, what: str) -> None:
    if not settings.distributed:
        typer.echo(
            f"{what} needs a PostgreSQL database (--database-url postgresql://..., or "
            "PUPI_DATABASE_URL): with SQLite, sessions run in the pupi serve process.",
            err=True,
        )
        raise typer.Exit(2)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", envvar="PUPI_HOST", help="Address to listen on."),
    port: int = typer.Option(8400, envvar="PUPI_PORT", help="Port to listen on."),
    database_url: DatabaseUrl = None,
    allow_host: AllowHost = None,
    concurrency: Concurrency = None,
    no_worker: bool = typer.Option(
        False,
        "--no-worker",
        help="Run no sessions here: an API-only node, with `pupi worker` processes "
        "elsewhere (PostgreSQL only).",
    ),
    browser_path: BrowserPath = None,
    cdp_url: CdpUrl = None,
    screenshots: Screenshots = None,
    run_timeout: RunTimeout = None,
    runner: Runner = None,
) -> None:
    """Run the Pupi AI API server; it runs sessions too unless --no-worker."""
    settings = _settings(
        host=host,
        port=port,
        database_url=database_url,
        allow_host=allow_host,
        concurrency=concurrency,
        worker=False if no_worker else None,
        browser_path=browser_path,
        cdp_url=cdp_url,
        screenshots=screenshots,
        run_timeout_s=run_timeout,
    )
    if no_worker:
        _require_postgres(settings, "--no-worker")
    from pupi.server.serve import serve as run_server

    run_server(settings, runner_spec=runner)


@app.command()
def worker(
    database_url: DatabaseUrl = None,
    allow_host: AllowHost = None,
    concurrency: Concurrency = None,
    browser_path: BrowserPath = None,
    cdp_url: CdpUrl = None,
    screenshots: Screenshots = None,
    run_timeout: RunTimeout = None,
    runner: Runner = None,
) -> None:
    """Run sessions from the distributed queue (PostgreSQL), on this machine."""
    settings = _settings(
        database_url=database_url,
        allow_host=allow_host,
        concurrency=concurrency,
        browser_path=browser_path,
        cdp_url=cdp_url,
        screenshots=screenshots,
        run_timeout_s=run_timeout,
    )
    _require_postgres(settings, "pupi worker")
    from pupi.server.worker import run_worker

    run_worker(settings, runner_spec=runner)


db_app = typer.Typer(name="db", help="The server's database.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def upgrade(database_url: DatabaseUrl = None) -> None:
    """Create or migrate the database schema (the server also does it when it starts)."""
    from pupi.server.db.engine import create_engine, migrate
    from pupi.server.settings import default_database_url

    async def go() -> None:
        engine = create_engine(database_url or default_database_url())
        try:
            await migrate(engine)
        finally:
            await engine.dispose()

    asyncio.run(go())
    typer.echo("database schema is up to date")
