"""The package's public surface, pinned."""

from __future__ import annotations

import pupi
import pupi.sync


def test_all_is_sorted_and_pinned() -> None:
    assert pupi.__all__ == sorted(pupi.__all__)
    assert set(pupi.__all__) == {
        "AgentError",
        "ApiError",
        "AuthenticationError",
        "BrowserLaunchError",
        "InstanceInfo",
        "InstanceNotFound",
        "InvalidSteps",
        "PermissionDenied",
        "PupiError",
        "PupiPuppeteerSDK",
        "PupiSDK",
        "Puppeteer",
        "RateLimited",
        "RunResult",
        "SessionNotFound",
        "Step",
        "StepError",
        "StepFailed",
        "StepResult",
        "parse_steps",
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
        "BrowserLaunchError",
        "AgentError",
        "ApiError",
    ):
        assert issubclass(getattr(pupi, name), pupi.PupiError)
    for name in ("AuthenticationError", "PermissionDenied", "SessionNotFound", "RateLimited"):
        assert issubclass(getattr(pupi, name), pupi.ApiError)
    assert pupi.RateLimited("x", retry_after=3).retry_after == 3
