"""Fixtures of the engine's browser tests: the Recorder fixtures' pages, served locally."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

PAGES = Path(__file__).parents[1] / "steps" / "recorder_fixtures" / "pages"


class _Pages(SimpleHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/slow.png":
            # Holds the page's load event back, so a step that does not wait for
            # the load after a navigation would see the page still loading.
            time.sleep(0.5)
            self.send_response(404)
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    """The URL of a local server for tests/steps/recorder_fixtures/pages/, on 127.0.0.1
    (the same port on ``localhost`` is another site, so its iframes run out of process)."""
    handler = partial(_Pages, directory=str(PAGES))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
