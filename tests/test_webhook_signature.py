"""Webhook signatures: what signs verifies, and nothing else does."""

from __future__ import annotations

from pupi import sign_webhook, verify_webhook

BODY = b'{"session_id": "ab12", "status": "completed"}'


def test_a_signature_verifies_with_its_secret_and_body_only() -> None:
    header = sign_webhook("whsec_one", BODY, timestamp=1_800_000_000)
    assert verify_webhook(BODY, header, "whsec_one", now=1_800_000_010)
    assert not verify_webhook(BODY, header, "whsec_two", now=1_800_000_010)
    assert not verify_webhook(BODY + b" ", header, "whsec_one", now=1_800_000_010)


def test_old_or_malformed_signatures_are_refused() -> None:
    header = sign_webhook("whsec_one", BODY, timestamp=1_800_000_000)
    assert not verify_webhook(BODY, header, "whsec_one", now=1_800_000_000 + 301)
    assert verify_webhook(BODY, header, "whsec_one", now=1_800_000_000 + 301, tolerance_s=600)
    for broken in ("", "v1=abc", "t=soon,v1=abc", header.replace("v1=", "v0=")):
        assert not verify_webhook(BODY, broken, "whsec_one", now=1_800_000_000)


def test_the_header_is_the_documented_scheme() -> None:
    import hashlib
    import hmac

    header = sign_webhook("s", b"{}", timestamp=42)
    expected = hmac.new(b"s", b"42.{}", hashlib.sha256).hexdigest()
    assert header == f"t=42,v1={expected}"
