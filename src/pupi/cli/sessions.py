"""``pupi sessions list|show|prompt|run|close|close-all``: a server's sessions, via the client.

The server is ``PUPI_API_URL`` (default http://127.0.0.1:8400) and the token ``PUPI_TOKEN``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer
from rich.console import Console
from rich.table import Table

from pupi.cli import app
from pupi.client import AsyncApiClient, SessionResult, SessionStarted
from pupi.errors import ApiError, InvalidSteps

__all__ = ["sessions_app"]

T = TypeVar("T")

sessions_app = typer.Typer(
    name="sessions",
    help="List, show and close sessions on a Pupi API server.",
    no_args_is_help=True,
)
app.add_typer(sessions_app, name="sessions")

console = Console(highlight=False)

ApiUrl = typer.Option(
    "http://127.0.0.1:8400", "--api-url", envvar="PUPI_API_URL", help="The server's base URL."
)
Token = typer.Option(
    None, "--token", envvar="PUPI_TOKEN", help="Access token (pupi_...).", show_default=False
)


def _call(api_url: str, token: str | None, work: Callable[[AsyncApiClient], Awaitable[T]]) -> T:
    if not token:
        typer.echo("No token: set PUPI_TOKEN or pass --token.", err=True)
        raise typer.Exit(2)

    async def go() -> T:
        async with AsyncApiClient(api_url, access_token=token) as client:
            return await work(client)

    try:
        return asyncio.run(go())
    except InvalidSteps as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(2) from exc
    except ApiError as exc:
        typer.echo(f"Error: {exc.message} ({exc.status_code or 'no connection'})", err=True)
        raise typer.Exit(1) from exc


@sessions_app.command("list")
def list_(
    include_closed: bool = typer.Option(False, "--all", help="Closed sessions too."),
    api_url: str = ApiUrl,
    token: str | None = Token,
) -> None:
    """The caller's active sessions."""
    active = _call(api_url, token, lambda c: c.get_active_sessions(include_closed=include_closed))
    table = Table()
    table.add_column("id", no_wrap=True)  # ids are for copying: never wrapped
    table.add_column("status", no_wrap=True)
    table.add_column("active")
    table.add_column("created")
    table.add_column("prompt", overflow="ellipsis", no_wrap=True)
    for info in active.sessions:
        table.add_row(
            info.session_id,
            info.status,
            "yes" if info.active else "no",
            info.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            info.prompt[:60],
        )
    console.print(table if active.sessions else "No sessions.")


@sessions_app.command("show")
def show(
    session_id: str,
    api_url: str = ApiUrl,
    token: str | None = Token,
) -> None:
    """One session's status, answer, steps and error, as JSON."""
    result = _call(api_url, token, lambda c: c.get_session_result(session_id))
    typer.echo(json.dumps(result.model_dump(mode="json"), indent=2))


@sessions_app.command("prompt")
def prompt(
    session_id: str,
    text: str = typer.Argument(..., metavar="PROMPT", help="What the agent should do next."),
    wait: bool = typer.Option(True, "--wait/--no-wait", help="Wait for the run to end."),
    api_url: str = ApiUrl,
    token: str | None = Token,
) -> None:
    """Send a follow-up prompt to an open session (started with idle_timeout_s)."""
    _follow_up(api_url, token, wait, lambda c: c.send_prompt_to_session(session_id, text))


@sessions_app.command("run")
def run(
    session_id: str,
    file: str = typer.Argument(..., help="A steps file (JSON or YAML) or a Recorder export."),
    wait: bool = typer.Option(True, "--wait/--no-wait", help="Wait for the run to end."),
    api_url: str = ApiUrl,
    token: str | None = Token,
) -> None:
    """Run the steps of FILE in an open session's browser."""
    _follow_up(
        api_url, token, wait, lambda c: c.execute_steps_remotely(file, session_id=session_id)
    )


def _follow_up(
    api_url: str,
    token: str | None,
    wait: bool,
    send: Callable[[AsyncApiClient], Awaitable[SessionStarted]],
) -> None:
    async def work(client: AsyncApiClient) -> SessionStarted | SessionResult:
        started = await send(client)
        if not wait:
            return started
        return await client.wait_for_session(started.session_id, timeout_s=3600)

    outcome = _call(api_url, token, work)
    if isinstance(outcome, SessionStarted):
        typer.echo(f"Queued run {outcome.run} of {outcome.session_id}.")
        return
    latest = outcome.runs[-1].model_dump(mode="json") if outcome.runs else {}
    typer.echo(json.dumps(latest, indent=2))
    if outcome.status != "completed":
        raise typer.Exit(1)


@sessions_app.command("close")
def close(
    session_id: str,
    api_url: str = ApiUrl,
    token: str | None = Token,
) -> None:
    """Close a session, cancelling it if it is still queued or running."""
    result = _call(api_url, token, lambda c: c.close_session(session_id))
    typer.echo(f"Closed {result.session_id} ({result.status}).")


@sessions_app.command("close-all")
def close_all(api_url: str = ApiUrl, token: str | None = Token) -> None:
    """Close every active session of the token."""
    closed = _call(api_url, token, lambda c: c.close_all_sessions())
    typer.echo(f"Closed {closed} session{'s' if closed != 1 else ''}.")
