"""The demo site as an object: state, login sessions and the route table.

:class:`Site` knows nothing about sockets; :mod:`pupi.demo.server` feeds it
:class:`~pupi.demo.web.Request` values and writes back the
:class:`~pupi.demo.web.Response` it returns.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Callable, Iterable
from typing import NamedTuple

from pupi.demo.data import USERS, User
from pupi.demo.render import layout
from pupi.demo.state import DemoState
from pupi.demo.variants import BASE, Variant
from pupi.demo.web import Request, Response, html, json_error

SESSION_COOKIE = "pupi_session"

Handler = Callable[[Request, "Site"], Response]


class Route(NamedTuple):
    method: str
    pattern: re.Pattern[str]
    handler: Handler


class Routes:
    """Collects one area's routes through decorators: ``@routes.get("/shop")``."""

    def __init__(self) -> None:
        self.entries: list[Route] = []

    def add(self, method: str, pattern: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.entries.append(Route(method, re.compile(pattern), handler))
            return handler

        return register

    def get(self, pattern: str) -> Callable[[Handler], Handler]:
        return self.add("GET", pattern)

    def post(self, pattern: str) -> Callable[[Handler], Handler]:
        return self.add("POST", pattern)


class Site:
    """State, sessions and routing of one running demo site."""

    def __init__(self, routes: Iterable[Route], *, variant: Variant = BASE) -> None:
        self.state = DemoState()
        self.routes = tuple(routes)
        self.variant = variant
        """How pages are dressed: :data:`~pupi.demo.variants.BASE`, or a changed site."""
        self._sessions: dict[str, str] = {}
        self._sessions_lock = threading.Lock()

    def reset(self) -> None:
        """Initial state again; every login session is forgotten too."""
        self.state.reset()
        with self._sessions_lock:
            self._sessions.clear()

    # Sessions --------------------------------------------------------------

    def open_session(self, username: str) -> str:
        token = secrets.token_urlsafe(18)
        with self._sessions_lock:
            self._sessions[token] = username
        return token

    def close_session(self, request: Request) -> str | None:
        """Forget the request's session; return who it belonged to."""
        token = request.cookies.get(SESSION_COOKIE, "")
        with self._sessions_lock:
            return self._sessions.pop(token, None)

    def user(self, request: Request) -> User | None:
        token = request.cookies.get(SESSION_COOKIE, "")
        with self._sessions_lock:
            username = self._sessions.get(token)
        return USERS.get(username) if username else None

    # Rendering -------------------------------------------------------------

    def page(
        self,
        request: Request,
        title: str,
        body: str,
        *,
        scripts: tuple[str, ...] = (),
        status: int = 200,
    ) -> Response:
        """An HTML page in the shared layout (cart count and account link filled in)."""
        user = self.user(request)
        cart_count = sum(line["qty"] for line in self.state.cart())
        document = layout(
            title,
            body,
            cart_count=cart_count,
            user_name=user.first_name if user else None,
            scripts=scripts,
            variant=self.variant,
        )
        return html(self.variant.rewrite_html(document), status)

    def not_found(self, request: Request, what: str = "page") -> Response:
        if request.path.startswith("/api/"):
            return json_error(f"No such {what}.", 404)
        body = (
            "<h1>Page not found</h1>"
            f"<p>Sorry, there is no {what} at this address.</p>"
            '<p><a href="/">Back to the home page</a></p>'
        )
        return self.page(request, "Page not found", body, status=404)

    # Dispatch --------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        """Route ``request``; 404 for unknown paths, 405 for a known path's wrong method."""
        allowed: list[str] = []
        method = "GET" if request.method == "HEAD" else request.method
        for route in self.routes:
            match = route.pattern.fullmatch(request.path)
            if match is None:
                continue
            if route.method == method:
                request.params = match.groupdict()
                return route.handler(request, self)
            allowed.append(route.method)
        if allowed:
            response = json_error("Method not allowed.", 405)
            response.headers.append(("Allow", ", ".join(sorted(set(allowed)))))
            return response
        return self.not_found(request)
