"""``pupi serve`` (the API server) and ``pupi worker``."""

from __future__ import annotations

from typing import Annotated

import typer

from pupi.cli import app

__all__ = ["serve", "worker"]


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", envvar="PUPI_HOST", help="Address to listen on."),
    port: int = typer.Option(8400, envvar="PUPI_PORT", help="Port to listen on."),
    database_url: str | None = typer.Option(
        None,
        "--database-url",
        envvar="PUPI_DATABASE_URL",
        help="sqlite:///path/pupi.db or postgresql://user:pass@host/db [default: ./pupi.db]",
    ),
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            help="A host the agent may reach although it is loopback or private (repeatable; "
            "also PUPI_ALLOW_HOSTS, comma-separated).",
        ),
    ] = None,
    concurrency: int | None = typer.Option(
        None, envvar="PUPI_CONCURRENCY", help="Sessions running at once [default: CPU count]."
    ),
    runner: str | None = typer.Option(
        None,
        envvar="PUPI_SESSION_RUNNER",
        hidden=True,
        help="module:function replacing the browser agent (tests, custom deployments).",
    ),
) -> None:
    """Run the Pupi AI API server (workers run in the same process)."""
    # Imported here: FastAPI and SQLAlchemy are the `server` extra, not needed by `pupi run`.
    try:
        from pupi.server.serve import serve as run_server
        from pupi.server.settings import ServerSettings
    except ImportError as exc:
        typer.echo(f"The server needs its extra: pip install 'pupi-sdk[server]' ({exc})", err=True)
        raise typer.Exit(1) from exc

    settings = ServerSettings.from_env(
        host=host, port=port, database_url=database_url, concurrency=concurrency
    )
    if allow_host:
        settings = ServerSettings.from_env(
            host=host,
            port=port,
            database_url=database_url,
            concurrency=concurrency,
            allow_hosts=(*settings.allow_hosts, *allow_host),
        )
    run_server(settings, runner_spec=runner)


@app.command()
def worker() -> None:
    """Not needed: `pupi serve` runs its workers in-process (size them with --concurrency)."""
    typer.echo(
        "pupi serve runs sessions on an in-process worker pool; there is no separate worker "
        "to start. Use `pupi serve --concurrency N` to size it.",
        err=True,
    )
    raise typer.Exit(2)
