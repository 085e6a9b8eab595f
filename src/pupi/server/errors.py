"""Turning exceptions into the API's JSON errors: ``{"error": {"code", "message", "details"}}``.

Status and code come from the exception's class (the table in :mod:`pupi.errors`),
so routes just raise Pupi's own errors and the client rebuilds the same class from
the answer. Framework errors (an unknown route, a bad body) get the code of the
class with their status, so a wrong URL is ``not_found``, never ``session_not_found``.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException

from pupi.errors import (
    AuthenticationError,
    DatabaseUnavailable,
    InvalidRequest,
    PupiError,
    RateLimited,
    code_for_status,
    error_answer,
)
from pupi.server.db.engine import is_unreachable

__all__ = ["error_response", "install_error_handlers", "status_for"]

logger = logging.getLogger("pupi.server")


def status_for(exc: PupiError) -> int:
    """The HTTP status for one of Pupi's errors."""
    return error_answer(exc)[0]


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    """A JSON error answer."""
    return JSONResponse({"error": {"code": code, "message": message}}, status, headers=headers)


async def _pupi_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PupiError)
    headers: dict[str, str] = {}
    if isinstance(exc, RateLimited) and exc.retry_after is not None:
        headers["Retry-After"] = str(max(1, round(exc.retry_after)))
    if isinstance(exc, AuthenticationError):
        headers["WWW-Authenticate"] = "Bearer"
    status, body = error_answer(exc)
    return JSONResponse(body, status, headers=headers)


def _describe(error: dict[str, Any]) -> str:
    where = ".".join(str(part) for part in error.get("loc", ()))
    return f"{where}: {error.get('msg', 'invalid')}" if where else str(error.get("msg"))


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if any(error.get("type") == "json_invalid" for error in errors):
        return error_response(400, "invalid_json", "the request body is not valid JSON")
    message = "; ".join(_describe(error) for error in errors[:10]) or "invalid request"
    return error_response(InvalidRequest.status, InvalidRequest.code, message)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = code_for_status(exc.status_code)
    return error_response(exc.status_code, code, str(exc.detail), dict(exc.headers or {}))


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DBAPIError)
    # The database away (restarting, failing over, a network blip) is worth a
    # retry; anything else the database says is a bug, answered as one.
    if is_unreachable(exc):
        logger.warning("the database is unreachable: %s", type(exc.orig).__name__)
        status, body = error_answer(
            DatabaseUnavailable("the server cannot reach its database; try again in a moment")
        )
        return JSONResponse(body, status, headers={"Retry-After": "1"})
    return await _unexpected(request, exc)


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error", exc_info=exc)
    return error_response(500, "internal_error", "internal server error; see the server log")


def install_error_handlers(app: FastAPI) -> None:
    """Make every error answer of ``app`` the same JSON shape."""
    app.add_exception_handler(PupiError, _pupi_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(DBAPIError, _database_error)
    app.add_exception_handler(Exception, _unexpected)
