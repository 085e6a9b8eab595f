"""Finding the browser processes a Pupi process launched, for the survival tests."""

from __future__ import annotations

import psutil

__all__ = ["browsers_of", "still_running"]


def browsers_of(pid: int) -> list[psutil.Process]:
    """Every process carrying the marker of the Chromium that process ``pid`` launched."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        try:
            if f"--pupi-owner={pid}" in (process.info["cmdline"] or []):
                found.append(process)
        except psutil.Error:
            continue
    return found


def still_running(processes: list[psutil.Process]) -> list[psutil.Process]:
    """Those of ``processes`` that are alive (zombies count as gone)."""
    alive = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(process)
        except psutil.Error:
            continue
    return alive
