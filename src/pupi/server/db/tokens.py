"""Access tokens: minted here, shown once, kept only as a SHA-256 hash.

Tokens carry 256 random bits, so a plain SHA-256 (no salt, no slow hash) is
enough: nobody can guess one from its hash, and lookups stay a single indexed query.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from pupi.server.db.models import TokenRow, utcnow

__all__ = [
    "TOKEN_PREFIX",
    "TokenInfo",
    "create_token",
    "find_token_id",
    "hash_token",
    "list_tokens",
    "revoke_token",
]

TOKEN_PREFIX = "pupi_"


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """What may be shown about a token: never the secret."""

    id: str
    name: str
    hint: str
    created_at: datetime
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        """Whether the token is still accepted."""
        return self.revoked_at is None


def hash_token(token: str) -> str:
    """The hex SHA-256 of a token, as stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _info(row: TokenRow) -> TokenInfo:
    return TokenInfo(row.id, row.name, row.hint, row.created_at, row.revoked_at)


async def create_token(engine: AsyncEngine, name: str) -> tuple[TokenInfo, str]:
    """Mint a token; returns its record and the secret, which is not stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = TokenRow(
        id=uuid.uuid4().hex[:12],
        name=name,
        token_hash=hash_token(secret),
        hint=secret[: len(TOKEN_PREFIX) + 4],
        created_at=utcnow(),
    )
    async with async_sessionmaker(engine, expire_on_commit=False)() as db, db.begin():
        db.add(row)
    return _info(row), secret


async def list_tokens(engine: AsyncEngine) -> list[TokenInfo]:
    """Every token, oldest first, revoked ones included."""
    async with async_sessionmaker(engine)() as db:
        rows = await db.scalars(select(TokenRow).order_by(TokenRow.created_at, TokenRow.id))
        return [_info(row) for row in rows]


async def revoke_token(engine: AsyncEngine, token_id: str) -> bool:
    """Revoke the token with this id (or this name); False when none was active."""
    async with engine.begin() as connection:
        result = await connection.execute(
            update(TokenRow)
            .where(or_(TokenRow.id == token_id, TokenRow.name == token_id))
            .where(TokenRow.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
        return bool(result.rowcount)


async def find_token_id(engine: AsyncEngine, token: str) -> str | None:
    """The id of the active token with this secret, or None."""
    digest = hash_token(token)
    async with engine.connect() as connection:
        row = (
            await connection.execute(
                select(TokenRow.id, TokenRow.token_hash)
                .where(TokenRow.token_hash == digest)
                .where(TokenRow.revoked_at.is_(None))
            )
        ).first()
    # The lookup is by hash, so its timing says nothing about the secret; the
    # constant-time comparison guards against a database that matched loosely.
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    return str(row.id)
