"""The held-out site: static pages on a loopback port that record submissions."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

PAGES = Path(__file__).parent / "pages"


@dataclass
class SiteState:
    """Pages requested and forms submitted since the last reset."""

    visited: list[str] = field(default_factory=list)
    submissions: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def last(self, kind: str) -> dict[str, Any] | None:
        """The latest submission of ``kind`` (``transfer``, ``settings`` ...), or None."""
        found = [data for k, data in self.submissions if k == kind]
        return found[-1] if found else None


def _flat(values: dict[str, list[str]]) -> dict[str, Any]:
    return {k: v[0] if len(v) == 1 else v for k, v in values.items()}


class HeldoutSite:
    """The held-out pages (``pages``) on a free loopback port, recording into :attr:`state`."""

    def __init__(self, pages: Path = PAGES) -> None:
        self.state = SiteState()
        self.pages = pages
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _page(self, name: str) -> None:
                body = (site.pages / name).read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                site.state.visited.append(url.path)
                if url.path == "/flights/results":
                    site.state.submissions.append(("flights", _flat(parse_qs(url.query))))
                    self._page("results.html")
                    return
                name = url.path.rsplit("/", 1)[-1] or "index.html"
                if (site.pages / name).is_file():
                    self._page(name)
                else:
                    self.send_error(404)

            def do_POST(self) -> None:
                url = urlsplit(self.path)
                size = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(size).decode()
                if "json" in (self.headers.get("Content-Type") or ""):
                    data = json.loads(raw or "{}")
                else:
                    data = _flat(parse_qs(raw, keep_blank_values=True))
                kind = url.path.rsplit("/", 1)[-1]
                site.state.submissions.append((kind, data))
                body = f"<!doctype html><title>Saved</title><h1>Saved {kind}</h1>".encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def reset(self) -> None:
        self.state = SiteState()


def serving(pages: Path = PAGES) -> Iterator[HeldoutSite]:
    """A site serving ``pages`` on a loopback port until the generator is closed."""
    site = HeldoutSite(pages)
    site.thread.start()
    try:
        yield site
    finally:
        site.server.shutdown()
        site.server.server_close()
