"""A session's files (sent with its requests, or downloaded by its runs) and its
saved storage state."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Response
from fastapi import Path as PathParam

from pupi.errors import NotFound
from pupi.server.deps import CallerToken, State
from pupi.server.routes.sessions import not_found
from pupi.server.schemas import FILE_NAME

__all__ = ["router"]

router = APIRouter(prefix="/v1/sessions", tags=["files"])


@router.get(
    "/{session_id}/files/{name}",
    summary="One of the session's files",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
async def session_file(
    session_id: str,
    state: State,
    token_id: CallerToken,
    name: str = PathParam(pattern=FILE_NAME),
) -> Response:
    """The file's bytes: one the session downloaded, or one sent with it."""
    if await state.store.get(session_id, token_id) is None:
        raise not_found(session_id)
    row = await state.store.file(session_id, name)
    if row is None or row.data is None:
        why = row.note if row is not None and row.note else "it has no file of that name"
        raise NotFound(f"no file {name!r} in session {session_id!r}: {why}")
    disposition = f"attachment; filename*=UTF-8''{quote(row.name)}"
    return Response(
        row.data, media_type=row.content_type, headers={"Content-Disposition": disposition}
    )


@router.get("/{session_id}/storage_state", summary="The session's saved storage state")
async def session_storage_state(
    session_id: str, state: State, token_id: CallerToken
) -> dict[str, Any]:
    """Cookies and local storage after its latest run (``save_state: true``).

    Give it to a new instance or session as ``storage_state`` to start logged in.
    """
    row = await state.store.get(session_id, token_id)
    if row is None:
        raise not_found(session_id)
    if row.saved_state is None:
        why = (
            "it is saved when a run ends"
            if row.save_state
            else "start the session with save_state: true to save one"
        )
        raise NotFound(f"no storage state for session {session_id!r} yet: {why}")
    saved: dict[str, Any] = state.settings.sealer.open(row.saved_state)
    return saved
