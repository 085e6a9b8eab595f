"""The HTTP side of the demo site: a stdlib threading server on a daemon thread.

Example::

    from pupi.demo import DemoServer

    with DemoServer(host="127.0.0.1", port=0) as site:
        print(site.url)          # http://127.0.0.1:54321
        ...                      # drive a browser against site.url
        assert site.state()["logins"] == ["ada"]
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, unquote, urlsplit

from pupi.demo.app import Site
from pupi.demo.routes import ALL_ROUTES
from pupi.demo.variants import Variant
from pupi.demo.web import Request, Response, html, json_error

logger = logging.getLogger("pupi.demo")

MAX_BODY_BYTES = 20 * 1024 * 1024


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], site: Site) -> None:
        self.site = site
        # Kept so that stop() can close idle keep-alive connections, whose
        # threads would otherwise wait for the next request until they time out.
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self.connections_lock:
            connections = list(self.connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # already closed by the client
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser dropping a connection is routine, not worth a traceback.
        logger.debug("connection error from %s", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive; every response carries Content-Length
    server_version = "PupiDemo/1.0"
    timeout = 60  # an idle keep-alive connection is closed after this many seconds
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; with Nagle's algorithm on, the
        # second waits for the client's delayed ACK (~40 ms per keep-alive request).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._serve()

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: tests and benchmarks do not want a line per request

    def _serve(self) -> None:
        response = self._respond()
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def _respond(self) -> Response:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            # The body is left unread, so this connection cannot be reused.
            self.close_connection = True
            return json_error("Request body missing a valid length or too large.", 413)
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=unquote(url.path),
            query=parse_qs(url.query, keep_blank_values=True),
            headers=self.headers,
            body=body,
        )
        try:
            return self.server.site.handle(request)
        except Exception:
            logger.exception("demo site failed on %s %s", self.command, self.path)
            return html("<h1>Internal server error</h1>", 500)


class DemoServer:
    """The bundled demo web site, served from a background thread.

    ``port=0`` picks a free port; read the chosen address from :attr:`url`.
    Use it as a context manager, or call :meth:`start` and :meth:`stop`.
    ``variant`` (settable while it serves) changes ids, classes and layout as a
    redesign would (see :mod:`pupi.demo.variants`); 0 is the site as it is.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, variant: int = 0) -> None:
        self.host = host
        self.port = port
        self._site = Site(ALL_ROUTES, variant=Variant(variant))
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        where = self.url if self._httpd else "stopped"
        return f"<DemoServer {where}>"

    @property
    def url(self) -> str:
        """Base URL without a trailing slash, such as ``http://127.0.0.1:8000``."""
        if self._httpd is None:
            raise RuntimeError("DemoServer is not running; call start() first")
        return f"http://{self.host}:{self.port}"

    def start(self) -> Self:
        """Bind and serve in a daemon thread; returns self. Idempotent."""
        if self._httpd is not None:
            return self
        self._httpd = _HTTPServer((self.host, self.port), self._site)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"pupi-demo-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket and open connections. Idempotent."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        httpd.close_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (used by ``python -m pupi.demo``)."""
        self.start()
        assert self._thread is not None
        try:
            while self._thread.is_alive():
                self._thread.join(timeout=0.5)
        finally:
            self.stop()

    @property
    def variant(self) -> int:
        """The variant served now: 0 for the site as it is, 1 and up for a changed one."""
        return self._site.variant.number

    @variant.setter
    def variant(self, number: int) -> None:
        # Pages are rendered per request, so the next page loaded is the new variant.
        self._site.variant = Variant(number)

    def state(self) -> dict[str, Any]:
        """A deep copy of the server-side state (logins, submissions, cart, todos, ...)."""
        return self._site.state.snapshot()

    def reset(self) -> None:
        """Back to the initial state; logged-in sessions are dropped too."""
        self._site.reset()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
