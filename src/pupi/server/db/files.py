"""A session's files (uploads and downloads), its saved storage state, and token profiles.

Storage states and profiles arrive here sealed (:mod:`pupi.server.sealing`):
the store keeps bytes it cannot read, and they go with the session's record.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from pupi.server.db.changes import CHANGED, StoreBase, writes_one
from pupi.server.db.models import FileRow, ProfileRow, SessionRow, utcnow
from pupi.server.db.specs import FileSpec

__all__ = ["SessionFiles", "unique_name", "upload_rows"]


def unique_name(name: str, taken: set[str]) -> str:
    """``name``, or ``stem (1).ext``, ``stem (2).ext``... the first not in ``taken``."""
    if name not in taken:
        return name
    path = PurePosixPath(name)
    n = 1
    while f"{path.stem} ({n}){path.suffix}" in taken:
        n += 1
    return f"{path.stem} ({n}){path.suffix}"


def upload_rows(session_id: str, run: int, files: tuple[FileSpec, ...]) -> list[FileRow]:
    """The rows of files sent with a run's request."""
    now = utcnow()
    return [
        FileRow(
            session_id=session_id,
            name=file.name,
            kind="upload",
            run=run,
            content_type=file.content_type,
            size=len(file.data),
            data=file.data,
            created_at=now,
        )
        for file in files
    ]


class SessionFiles(StoreBase):
    """Files, saved states and profiles of the session store."""

    @writes_one
    async def add_download(
        self,
        session_id: str,
        run: int,
        *,
        name: str,
        content_type: str,
        size: int,
        data: bytes | None,
        note: str | None = None,
    ) -> str:
        """Keep a file a run downloaded (``data`` None: listed only); its stored name."""
        async with self._maker() as db, db.begin():
            if await self._locked(db, session_id) is None:
                return name
            taken = set(
                await db.scalars(select(FileRow.name).where(FileRow.session_id == session_id))
            )
            stored = unique_name(name, taken)
            db.add(
                FileRow(
                    session_id=session_id,
                    name=stored,
                    kind="download",
                    run=run,
                    content_type=content_type,
                    size=size,
                    data=data,
                    note=note,
                    created_at=utcnow(),
                )
            )
            await self._announce(db, session_id, CHANGED)
        return stored

    async def files(self, session_id: str, *, with_data: bool = False) -> list[FileRow]:
        """The session's files, oldest first (their bytes only when asked)."""
        async with self._maker() as db:
            query = select(FileRow).where(FileRow.session_id == session_id)
            if not with_data:
                query = query.options(defer(FileRow.data))
            rows = await db.scalars(query.order_by(FileRow.created_at, FileRow.name))
            return list(rows)

    async def file(self, session_id: str, name: str) -> FileRow | None:
        """One of the session's files, with its bytes."""
        async with self._maker() as db:
            return await db.get(FileRow, (session_id, name))

    async def count_downloads(self, session_id: str) -> int:
        """How many downloaded files the session keeps."""
        async with self._maker() as db:
            count = await db.scalar(
                select(func.count())
                .select_from(FileRow)
                .where(
                    FileRow.session_id == session_id,
                    FileRow.kind == "download",
                    FileRow.note.is_(None),  # what was not kept says why
                )
            )
        return int(count or 0)

    @writes_one
    async def save_state(self, session_id: str, sealed: bytes) -> None:
        """Keep the session's storage state after a run (sealed)."""
        async with self._maker() as db, db.begin():
            session = await self._locked(db, session_id)
            if session is not None:
                session.saved_state = sealed
                await self._announce(db, session_id, CHANGED)

    async def sealed_secrets(self, session_id: str) -> bytes | None:
        """What the session was started with, sealed: storage state and proxy."""
        async with self._maker() as db:
            return await db.scalar(select(SessionRow.sealed).where(SessionRow.id == session_id))

    async def profile(self, token_id: str, name: str) -> bytes | None:
        """The token's profile, sealed; None before its first session saved it."""
        async with self._maker() as db:
            row = await db.get(ProfileRow, (token_id, name))
            return None if row is None else row.sealed

    async def save_profile(self, token_id: str, name: str, sealed: bytes) -> None:
        """Keep the token's profile (its last session's storage state)."""
        async with self._maker() as db, db.begin():
            await db.merge(
                ProfileRow(token_id=token_id, name=name, sealed=sealed, updated_at=utcnow())
            )

    @staticmethod
    async def _profile_held(db: AsyncSession, token_id: str, name: str) -> bool:
        # Held from the session's creation until its browser is let go; a session
        # closed before it ever started never gets a browser to let go.
        holder = await db.scalar(
            select(SessionRow.id)
            .where(
                SessionRow.token_id == token_id,
                SessionRow.profile == name,
                SessionRow.released_at.is_(None),
                or_(SessionRow.closed_at.is_(None), SessionRow.started_at.is_not(None)),
            )
            .limit(1)
        )
        return holder is not None
