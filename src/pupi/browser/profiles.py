"""Local profiles: a named user-data directory per profile, used by one browser at a time.

The root is ``$PUPI_PROFILES_DIR``, else ``$XDG_DATA_HOME/pupi/profiles``, else
``~/.local/share/pupi/profiles``; the profile ``work`` lives in ``ROOT/work``.
Chromium's own lock on a user-data directory only tells a second Chromium to
hand its window to the first, which a headless automation cannot use, so Pupi
takes an exclusive ``flock`` on ``ROOT/NAME.lock`` for as long as an instance
has the profile open: a second instance, in this process or another, gets
:class:`~pupi.errors.ProfileInUse` before its browser starts. The kernel drops
the lock when the holder dies, so a killed script leaves nothing stale.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from pupi.errors import ProfileInUse

__all__ = ["ProfileLock", "profile_dir", "profiles_root"]


def profiles_root() -> Path:
    """Where local profiles live (see the module's docstring)."""
    configured = os.environ.get("PUPI_PROFILES_DIR")
    if configured:
        return Path(configured).expanduser()
    data = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data) / "pupi" / "profiles"


def profile_dir(name: str) -> Path:
    """The user-data directory of the profile ``name`` (validated by BrowserOptions)."""
    return profiles_root() / name


class ProfileLock:
    """The exclusive hold on one profile, from :meth:`acquire` to :meth:`release`."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._fd: int | None = None

    def acquire(self) -> Path:
        """Take the profile or raise ``ProfileInUse``; returns its directory."""
        root = profiles_root()
        root.mkdir(parents=True, exist_ok=True)
        fd = os.open(root / f"{self.name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise ProfileInUse(self.name) from None
        self._fd = fd
        directory = profile_dir(self.name)
        directory.mkdir(mode=0o700, exist_ok=True)
        return directory

    def release(self) -> None:
        """Let the profile go (idempotent)."""
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)  # closing the descriptor drops the flock
