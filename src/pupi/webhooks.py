"""Signing webhook deliveries, and checking a delivery's signature where it arrives.

Every delivery carries ``Pupi-Signature: t=<unix seconds>,v1=<hex>``, where the
hex is the HMAC-SHA256, keyed with the token's webhook secret, of the
timestamp, a dot and the raw request body: ``f"{t}.".encode() + body``. A
receiver checks it with :func:`verify_webhook` before trusting the body, and
refuses old timestamps so that a captured delivery cannot be replayed later.

>>> if not verify_webhook(request.body, request.headers["Pupi-Signature"], secret):
...     return 400
"""

from __future__ import annotations

import hashlib
import hmac
import time

__all__ = ["SIGNATURE_HEADER", "sign_webhook", "verify_webhook"]

SIGNATURE_HEADER = "Pupi-Signature"


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign_webhook(secret: str, body: bytes, *, timestamp: int | None = None) -> str:
    """The ``Pupi-Signature`` header value for ``body``, signed now (or at ``timestamp``)."""
    at = int(time.time()) if timestamp is None else timestamp
    return f"t={at},v1={_digest(secret, at, body)}"


def verify_webhook(
    body: bytes,
    signature: str,
    secret: str,
    *,
    tolerance_s: float = 300,
    now: float | None = None,
) -> bool:
    """Whether ``signature`` (the header's value) signs ``body`` with ``secret``, recently.

    ``tolerance_s`` is how old the signature may be; retries are signed afresh,
    so a genuine delivery is always recent.
    """
    fields: dict[str, list[str]] = {}
    for part in signature.split(","):
        key, _, value = part.strip().partition("=")
        fields.setdefault(key, []).append(value)
    try:
        timestamp = int(fields["t"][0])
    except (KeyError, ValueError):
        return False
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_s:
        return False
    expected = _digest(secret, timestamp, body)
    return any(hmac.compare_digest(expected, given) for given in fields.get("v1", []))
