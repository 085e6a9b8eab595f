"""Dependencies of the routes: the server's state and the caller's token."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from pupi.errors import AuthenticationError
from pupi.server.db.tokens import TOKEN_PREFIX, find_token_id, hash_token
from pupi.server.state import ServerState

__all__ = ["BearerCredentials", "CallerToken", "State", "caller_token", "server_state"]

_bearer = HTTPBearer(auto_error=False, description="A token made with `pupi token create`.")

BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
"""The request's bearer credentials, unchecked; :func:`caller_token` checks them."""


def server_state(request: Request) -> ServerState:
    """The state built by the app's lifespan."""
    state: ServerState = request.app.state.pupi
    return state


State = Annotated[ServerState, Depends(server_state)]


async def caller_token(
    state: State,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """The id of the caller's token; 401 when it is missing, unknown or revoked."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthenticationError(
            "missing access token: send 'Authorization: Bearer pupi_...'", status_code=401
        )
    token = credentials.credentials
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        raise AuthenticationError("invalid access token", status_code=401)
    digest = hash_token(token)
    now = time.monotonic()
    cached = state.token_cache.get(digest)
    if cached is not None and cached[0] > now:
        return cached[1]
    token_id = await find_token_id(state.engine, token)
    if token_id is None:
        state.token_cache.pop(digest, None)
        raise AuthenticationError("invalid or revoked access token", status_code=401)
    if len(state.token_cache) > 10_000:
        state.token_cache.clear()
    # A short trust window spares the database a query per request; it is also
    # the longest a revoked token (revoked by another process) stays usable.
    state.token_cache[digest] = (now + state.settings.token_cache_s, token_id)
    return token_id


CallerToken = Annotated[str, Depends(caller_token)]
