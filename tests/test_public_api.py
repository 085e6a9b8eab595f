"""The package's public surface, pinned."""

from __future__ import annotations

import pupi
import pupi.sync


def test_all_is_sorted_and_pinned() -> None:
    assert pupi.__all__ == sorted(pupi.__all__)
    assert set(pupi.__all__) == {
        "ActiveSessions",
        "AgentError",
        "ApiError",
        "AuthenticationError",
        "BrowserLaunchError",
        "DatabaseUnavailable",
        "DirectoryCache",
        "DownloadedFile",
        "Healing",
        "InstanceDead",
        "InstanceInfo",
        "InstanceNotFound",
        "InvalidBrowserOptions",
        "InvalidOutputSchema",
        "InvalidRequest",
        "InvalidSteps",
        "LiveFrame",
        "NotFound",
        "PayloadTooLarge",
        "PermissionDenied",
        "ProfileInUse",
        "PromptFailed",
        "PromptResult",
        "PupiError",
        "PupiPuppeteerSDK",
        "PupiSDK",
        "Puppeteer",
        "RateLimited",
        "RequestTimeout",
        "RunError",
        "RunRecord",
        "RunResult",
        "ServerBusy",
        "SessionEvent",
        "SessionInfo",
        "SessionNotFound",
        "SessionNotOpen",
        "SessionResult",
        "SessionStarted",
        "Step",
        "StepError",
        "StepFailed",
        "StepIntent",
        "StepResult",
        "parse_steps",
        "sign_webhook",
        "verify_webhook",
    }
    for name in pupi.__all__:
        assert getattr(pupi, name) is not None


def test_aliases_and_the_exception_tree() -> None:
    assert pupi.PupiSDK is pupi.PupiPuppeteerSDK
    assert pupi.sync.PupiSDK is pupi.sync.PupiPuppeteerSDK
    for name in (
        "InvalidSteps",
        "StepFailed",
        "InstanceNotFound",
        "InstanceDead",
        "BrowserLaunchError",
        "DatabaseUnavailable",
        "AgentError",
        "ApiError",
    ):
        assert issubclass(getattr(pupi, name), pupi.PupiError)
    for name in (
        "AuthenticationError",
        "PermissionDenied",
        "NotFound",
        "SessionNotFound",
        "SessionNotOpen",
        "RequestTimeout",
        "PayloadTooLarge",
        "InvalidRequest",
        "RateLimited",
        "ServerBusy",
    ):
        assert issubclass(getattr(pupi, name), pupi.ApiError)
    assert issubclass(pupi.SessionNotFound, pupi.NotFound)
    # The two "carries the result" errors are siblings, not API or agent errors.
    for name in ("StepFailed", "PromptFailed"):
        assert getattr(pupi, name).__bases__ == (pupi.PupiError,)
    assert pupi.RateLimited("x", retry_after=3).retry_after == 3
    assert pupi.RateLimited("x").status_code == 429


def test_the_tree_in_the_errors_docstring_names_every_exception() -> None:
    import pupi.errors

    doc = pupi.errors.__doc__ or ""
    for cls in pupi.errors.ERRORS.values():
        assert f" {cls.__name__}" in doc, cls.__name__
        if cls.status != pupi.PupiError.status:
            assert f"{cls.status} {cls.code}" in doc, cls.__name__
