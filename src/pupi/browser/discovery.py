"""Finding a Chromium to launch, and saying exactly what is missing when there is none.

Search order: ``PUPI_BROWSER_PATH``, a Playwright-managed Chromium, then
``chromium``, ``chromium-browser``, ``google-chrome`` and friends on ``PATH``.
"""

from __future__ import annotations

import os
import platform
import shutil
from dataclasses import dataclass
from pathlib import Path

from pupi.errors import BrowserLaunchError

__all__ = ["BrowserLocation", "find_browser", "install_hint", "search_browsers"]

_PATH_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


@dataclass(frozen=True, slots=True)
class BrowserLocation:
    """A browser executable and where it was found."""

    path: str
    source: str
    """``PUPI_BROWSER_PATH``, ``playwright`` or ``PATH``."""
    note: str = ""


def search_browsers() -> tuple[list[BrowserLocation], list[str]]:
    """Every usable browser in search order, and a line for each place that had none."""
    found: list[BrowserLocation] = []
    misses: list[str] = []

    configured = os.environ.get("PUPI_BROWSER_PATH")
    if configured:
        if _is_executable(configured):
            found.append(BrowserLocation(_real_binary(configured), "PUPI_BROWSER_PATH"))
        else:
            misses.append(f"PUPI_BROWSER_PATH={configured} is not an executable file")
    else:
        misses.append("PUPI_BROWSER_PATH is not set")

    managed = _playwright_chromium()
    if managed:
        found.append(BrowserLocation(managed, "playwright"))
    else:
        misses.append(f"no Playwright-managed Chromium in {_playwright_cache()}")

    for name in _PATH_NAMES:
        located = shutil.which(name)
        if located:
            binary = _real_binary(located)
            note = f"wrapper {located}" if binary != located else ""
            found.append(BrowserLocation(binary, "PATH", note))
            break
    else:
        misses.append(f"none of {', '.join(_PATH_NAMES)} on PATH")
    return found, misses


def find_browser() -> BrowserLocation:
    """The first usable browser, or ``BrowserLaunchError`` saying how to get one."""
    found, misses = search_browsers()
    if found:
        return found[0]
    tried = "\n".join(f"  - {miss}" for miss in misses)
    raise BrowserLaunchError(f"No Chromium found. Looked for:\n{tried}\n{install_hint()}")


def install_hint() -> str:
    """How to install a browser on this kind of machine."""
    if Path("/etc/debian_version").exists():
        return (
            "Fix: install Debian's Chromium (`sudo apt-get install -y chromium`), or run "
            "`python -m playwright install chromium` where downloads are allowed, or set "
            "PUPI_BROWSER_PATH to a Chromium/Chrome executable."
        )
    return (
        "Fix: run `python -m playwright install chromium`, install Chromium or Google Chrome "
        "with your package manager, or set PUPI_BROWSER_PATH to its executable."
    )


def _is_executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def _real_binary(path: str) -> str:
    """Skip distribution shell wrappers such as Debian's ``/usr/bin/chromium``.

    The wrapper only sets flags and runs sanity checks that fail in containers;
    the binary it execs lives in the package's lib folder and starts faster.
    """
    resolved = os.path.realpath(path)
    try:
        with open(resolved, "rb") as file:
            if file.read(2) != b"#!":
                return resolved
    except OSError:
        return resolved
    name = Path(resolved).name
    for libdir in ("/usr/lib", "/usr/lib64", "/usr/local/lib"):
        for candidate in (f"{libdir}/{name}/{name}", f"{libdir}/{name}/chrome"):
            if _is_executable(candidate):
                return candidate
    return resolved


def _playwright_cache() -> Path:
    configured = os.environ.get("PLAYWRIGHT_BROWSERS_PATH")
    if configured and configured != "0":
        return Path(configured)
    if platform.system() == "Darwin":
        return Path.home() / "Library" / "Caches" / "ms-playwright"
    if platform.system() == "Windows":
        return Path(os.environ.get("LOCALAPPDATA", Path.home())) / "ms-playwright"
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "ms-playwright"


def _playwright_chromium() -> str | None:
    cache = _playwright_cache()
    if not cache.is_dir():
        return None
    patterns = (
        "chromium-*/chrome-linux*/chrome",
        "chromium-*/chrome-mac*/Chromium.app/Contents/MacOS/Chromium",
        "chromium-*/chrome-win*/chrome.exe",
        "chromium_headless_shell-*/chrome-*/headless_shell",
    )
    for pattern in patterns:
        # Newest build first: the revision number is part of the folder name.
        for candidate in sorted(cache.glob(pattern), reverse=True):
            if _is_executable(str(candidate)):
                return str(candidate)
    return None
