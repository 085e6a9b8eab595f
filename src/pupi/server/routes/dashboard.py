"""The web dashboard: a static page at ``/`` and its assets under ``/dashboard/``.

The page holds no data of its own: it asks for an access token, keeps it in the
tab's ``sessionStorage`` and calls the ``/v1`` API with it, like any client. So
these routes need no token, and they stay out of the OpenAPI document. Every
answer carries a strict Content-Security-Policy (no inline script or style, no
other origin), which is why the page has none.
"""

from __future__ import annotations

import functools
from importlib.resources import files

from fastapi import APIRouter
from fastapi.responses import Response

from pupi.errors import NotFound

__all__ = ["ASSETS", "CONTENT_SECURITY_POLICY", "SECURITY_HEADERS", "router"]

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cache-Control": "no-cache",
}
ASSETS = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
"""The files in ``pupi/server/dashboard`` that are served, and their content types."""

router = APIRouter(include_in_schema=False)


@functools.cache
def _read(name: str) -> bytes:
    return files("pupi.server.dashboard").joinpath(name).read_bytes()


def _asset(name: str) -> Response:
    return Response(_read(name), media_type=ASSETS[name], headers=SECURITY_HEADERS)


@router.get("/")
async def dashboard_page() -> Response:
    """The dashboard's page."""
    return _asset("index.html")


@router.get("/dashboard/{name}")
async def dashboard_asset(name: str) -> Response:
    """One of the page's scripts, styles or images; nothing else from the folder."""
    if name not in ASSETS or name == "index.html":
        raise NotFound(f"no dashboard file {name!r}")
    return _asset(name)
