"""No Chromium outlives the Python process that launched it.

Every browser Pupi launches carries a marker switch naming this process's pid.
At interpreter exit (normal or after an uncaught exception) and on SIGTERM or
SIGHUP, every process tree carrying the marker is killed. The Playwright driver
would usually take its browsers down with it, but not when Python is killed by a
signal, and not reliably when the driver itself is stuck.

A host with a graceful shutdown of its own (``pupi serve``) calls
:func:`defer_signals_to_host` first: its SIGTERM must let running work finish
before the browsers go, so the reaper then only acts after the host is done.
"""

from __future__ import annotations

import atexit
import logging
import os
import signal
import threading
from types import FrameType
from typing import Any

import psutil

__all__ = [
    "MARKER",
    "browser_pids",
    "defer_signals_to_host",
    "install",
    "kill_owned_browsers",
    "kill_trees",
]

logger = logging.getLogger("pupi.browser")

MARKER = f"--pupi-owner={os.getpid()}"
"""Chromium ignores unknown switches; this one lets us find our own browsers."""

_installed = False
_deferred = False
_install_lock = threading.Lock()
_signals = (signal.SIGTERM, signal.SIGHUP)


def browser_pids(marker: str = MARKER) -> list[int]:
    """Pids of the main browser processes launched by this Python process."""
    pids = []
    for process in psutil.process_iter(["cmdline"]):
        try:
            cmdline = process.info["cmdline"] or []
        except (psutil.Error, KeyError):
            continue
        if marker in cmdline and not any(arg.startswith("--type=") for arg in cmdline):
            pids.append(process.pid)
    return pids


def kill_owned_browsers(marker: str = MARKER) -> int:
    """Kill every browser process tree carrying ``marker``; return how many processes.

    The default marker names every browser this Python process launched.
    """
    return kill_trees(browser_pids(marker))


def kill_trees(pids: list[int]) -> int:
    """Kill each process and all its descendants; return how many were killed."""
    killed = 0
    for pid in pids:
        try:
            root = psutil.Process(pid)
            tree = [*root.children(recursive=True), root]
        except psutil.Error:
            continue
        for process in tree:
            try:
                process.kill()
                killed += 1
            except psutil.Error:
                pass
        psutil.wait_procs(tree, timeout=2)
    return killed


def install() -> None:
    """Arrange for owned browsers to be killed at exit and on SIGTERM/SIGHUP (idempotent).

    Signal handlers can only be installed from the main thread; called from
    another thread, only the exit hook is set up (a later call from the main
    thread adds the handlers).
    """
    global _installed
    with _install_lock:
        if not _installed:
            atexit.register(kill_owned_browsers)
            _installed = True
        if not _deferred and threading.current_thread() is threading.main_thread():
            for signum in _signals:
                _chain_signal(signum)


def defer_signals_to_host() -> None:
    """Install now, and let later :func:`install` calls leave the signal handlers alone.

    For a process whose host (uvicorn under ``pupi serve``) handles SIGTERM with a
    graceful shutdown: every browser launch calls :func:`install`, which would
    otherwise put the reaper in front of the host's handler and kill the browsers
    of the sessions the host means to let finish. Call it from the main thread
    before the host takes the signals over: the handlers installed here are the
    ones the host restores and re-raises the signal to when it is done, so they
    still kill whatever browser is left.
    """
    global _deferred
    install()
    with _install_lock:
        _deferred = True


def _chain_signal(signum: int) -> None:
    previous = signal.getsignal(signum)
    if previous is signal.SIG_IGN or getattr(previous, "_pupi_reaper", False):
        return

    def handler(received: int, frame: FrameType | None) -> None:
        kill_owned_browsers()
        if callable(previous):
            previous(received, frame)
            return
        # Die the way the signal would have killed us, now that the browsers are gone.
        signal.signal(received, signal.SIG_DFL)
        os.kill(os.getpid(), received)

    marked: Any = handler
    marked._pupi_reaper = True
    signal.signal(signum, marked)
