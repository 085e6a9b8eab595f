"""Running the app under uvicorn, as ``pupi serve`` and ``python -m pupi.server`` do."""

from __future__ import annotations

import importlib
import logging
import os
from dataclasses import replace

from pupi.server.app import create_app
from pupi.server.connections import ConnectionLimits, protocol_class
from pupi.server.settings import ServerSettings
from pupi.server.shutdown import serve_app
from pupi.server.workers.runner import SessionRunner

__all__ = ["load_runner", "serve"]

logger = logging.getLogger("pupi.server")


def load_runner(spec: str) -> SessionRunner:
    """``"package.module:function"`` -> that function (a custom session runner)."""
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"runner must look like 'package.module:function', not {spec!r}")
    runner: SessionRunner = getattr(importlib.import_module(module_name), attribute)
    return runner


def serve(settings: ServerSettings, *, runner_spec: str | None = None) -> None:
    """Serve the API in this process until interrupted (one process: the pool lives here).

    ``runner_spec`` (or ``PUPI_SESSION_RUNNER``) replaces the browser agent with
    another session runner, for tests and custom deployments.
    """
    runner_spec = runner_spec or os.environ.get("PUPI_SESSION_RUNNER") or None
    if runner_spec:
        settings = replace(settings, runner=load_runner(runner_spec))
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    # uvicorn.run's options; serve_app adds the shutdown order (see shutdown.py).
    serve_app(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        # Event streams would otherwise hold a shutdown open for as long as a reader stays.
        timeout_graceful_shutdown=5,
        log_level="info",
        # uvloop and httptools when installed (the server extra has them): about
        # twice the requests per second of the pure-Python defaults. The protocol
        # adds deadlines for slow clients and the connection cap (connections.py).
        loop="auto",
        http=protocol_class(
            ConnectionLimits(
                header_timeout_s=settings.header_timeout_s,
                body_timeout_s=settings.body_timeout_s,
                max_connections=settings.max_connections,
            )
        ),
        access_log=False,
        server_header=False,
    )
