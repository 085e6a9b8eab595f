"""``pupi token create|list|revoke``: access tokens of the API server, in its database.

These commands talk to the database directly (not to a running server), so
they work before the server first starts; ``create`` creates the database too.
They hold no token logic of their own: minting, hashing, listing and revoking
are :mod:`pupi.server.db.tokens`, the store the server checks tokens against.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from pupi.cli import app

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = ["token_app"]

T = TypeVar("T")

token_app = typer.Typer(
    name="token", help="Create, list and revoke API access tokens.", no_args_is_help=True
)
app.add_typer(token_app, name="token")

console = Console(highlight=False)

DatabaseUrl = typer.Option(
    None,
    "--database-url",
    envvar="PUPI_DATABASE_URL",
    help="sqlite:///path/pupi.db or postgresql://user:pass@host/db [default: ./pupi.db]",
)


def _with_database(database_url: str | None, work: Callable[[AsyncEngine], Awaitable[T]]) -> T:
    # Imported here so that `pupi --help` does not load SQLAlchemy and Alembic.
    from pupi.server.db.engine import create_engine, migrate
    from pupi.server.settings import default_database_url

    async def go() -> T:
        engine = create_engine(database_url or default_database_url())
        try:
            await migrate(engine)
            return await work(engine)
        finally:
            await engine.dispose()

    return asyncio.run(go())


@token_app.command("create")
def create(
    name: str = typer.Option(..., "--name", help="Who or what the token is for."),
    database_url: str | None = DatabaseUrl,
) -> None:
    """Make a token; it is printed once, alone on the last line, and never stored."""
    from pupi.server.db.tokens import create_token

    info, secret = _with_database(database_url, lambda engine: create_token(engine, name))
    typer.echo(f"Created token {info.id} ({info.name}). Keep it now: it is not shown again.")
    typer.echo(secret)


@token_app.command("list")
def list_(database_url: str | None = DatabaseUrl) -> None:
    """Every token: id, name, the first characters, created, revoked."""
    from pupi.server.db.tokens import list_tokens

    tokens = _with_database(database_url, list_tokens)
    table = Table("id", "name", "starts with", "created", "revoked")
    for token in tokens:
        revoked = token.revoked_at.strftime("%Y-%m-%d %H:%M") if token.revoked_at else "-"
        table.add_row(
            token.id,
            token.name,
            token.hint + "…",
            token.created_at.strftime("%Y-%m-%d %H:%M"),
            revoked,
        )
    console.print(table if tokens else "No tokens yet: pupi token create --name NAME")


@token_app.command("revoke")
def revoke(
    token_id: str = typer.Argument(..., help="The token's id (or name), from `pupi token list`."),
    database_url: str | None = DatabaseUrl,
) -> None:
    """Revoke a token; requests with it get 401 within a few seconds."""
    from pupi.server.db.tokens import revoke_token

    if not _with_database(database_url, lambda engine: revoke_token(engine, token_id)):
        typer.echo(f"No active token {token_id!r}.", err=True)
        raise typer.Exit(1)
    typer.echo(f"Revoked {token_id}.")
