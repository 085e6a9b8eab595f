"""Sealing what the server keeps for a session but must never show: storage states,
proxy credentials, profiles.

Sealed values are JSON encrypted and authenticated with Fernet (AES-128-CBC and
HMAC-SHA256, from ``cryptography``). The key comes from ``PUPI_SECRET_KEY`` (any
string; it is hashed into a key), else from a key file created on first use
with mode 0600 (``PUPI_SECRET_KEY_FILE``, by default
``~/.local/share/pupi/secret.key``). Every node of a deployment that shares a
database must have the same key: set ``PUPI_SECRET_KEY`` on all of them. A
value sealed under another key does not open: :class:`SealBroken` says so,
and nothing of the value is shown.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import secrets
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

__all__ = ["SealBroken", "Sealer", "default_key_file", "sealer_for"]


class SealBroken(Exception):
    """A sealed value would not open: sealed under another key, or altered."""


def default_key_file() -> Path:
    """``$XDG_DATA_HOME/pupi/secret.key``, else ``~/.local/share/pupi/secret.key``."""
    data = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data) / "pupi" / "secret.key"


def _key_from_file(path: Path) -> bytes:
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(32).encode()
    try:
        # O_EXCL: two nodes starting at once on one machine must agree on one key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as file:
        file.write(key + b"\n")
    return key


class Sealer:
    """Seals JSON values with one key; see the module's docstring for where it comes from."""

    def __init__(self, secret: str | bytes) -> None:
        raw = secret.encode() if isinstance(secret, str) else secret
        self._fernet = Fernet(base64.urlsafe_b64encode(hashlib.sha256(raw).digest()))

    @classmethod
    def from_settings(cls, secret_key: str | None, key_file: str | None) -> Sealer:
        """The sealer for ``PUPI_SECRET_KEY``, else for the key file."""
        if secret_key:
            return cls(secret_key)
        return cls(_key_from_file(Path(key_file) if key_file else default_key_file()))

    def seal(self, value: Any) -> bytes:
        """``value`` (JSON-able) as an opaque, authenticated token."""
        return self._fernet.encrypt(json.dumps(value, separators=(",", ":")).encode())

    def open(self, token: bytes) -> Any:
        """The value sealed in ``token``, or :class:`SealBroken`."""
        try:
            return json.loads(self._fernet.decrypt(token))
        except InvalidToken:
            raise SealBroken(
                "a sealed value would not open: it was sealed under another key "
                "(give every node the same PUPI_SECRET_KEY)"
            ) from None

    def __repr__(self) -> str:
        return "<Sealer>"


@functools.cache
def sealer_for(secret_key: str | None, key_file: str | None) -> Sealer:
    """The one sealer of a process for these settings (the key file is read once)."""
    return Sealer.from_settings(secret_key, key_file)
