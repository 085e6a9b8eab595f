"""Pupi: browser automation driven by declarative steps or plain-language prompts.

The async API is the primary one; ``pupi.sync`` has blocking twins of the same
names. See the README for a quickstart.

Its names load on first use (PEP 562): a script that only runs steps locally
does not pay for the agent, the server or the webhooks.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pupi.agent.cache import DirectoryCache
    from pupi.agent.result import PromptResult
    from pupi.browser.downloads import DownloadedFile
    from pupi.browser.instances import InstanceInfo
    from pupi.builder import Puppeteer
    from pupi.engine.healing import Healing
    from pupi.engine.results import RunError, RunResult, StepResult
    from pupi.errors import (
        AgentError,
        ApiError,
        AuthenticationError,
        BrowserLaunchError,
        DatabaseUnavailable,
        InstanceDead,
        InstanceNotFound,
        InvalidBrowserOptions,
        InvalidOutputSchema,
        InvalidRequest,
        InvalidSteps,
        NotFound,
        PayloadTooLarge,
        PermissionDenied,
        ProfileInUse,
        PromptFailed,
        PupiError,
        RateLimited,
        RequestTimeout,
        ServerBusy,
        SessionNotFound,
        SessionNotOpen,
        StepError,
        StepFailed,
    )
    from pupi.sdk import PupiPuppeteerSDK
    from pupi.steps import Step, StepIntent, parse_steps
    from pupi.views import (
        ActiveSessions,
        LiveFrame,
        RunRecord,
        SessionEvent,
        SessionInfo,
        SessionResult,
        SessionStarted,
    )
    from pupi.webhooks import sign_webhook, verify_webhook

    PupiSDK = PupiPuppeteerSDK

__version__ = "0.1.0"

_HOMES = {
    "ActiveSessions": "pupi.views",
    "AgentError": "pupi.errors",
    "ApiError": "pupi.errors",
    "AuthenticationError": "pupi.errors",
    "BrowserLaunchError": "pupi.errors",
    "DatabaseUnavailable": "pupi.errors",
    "DirectoryCache": "pupi.agent.cache",
    "DownloadedFile": "pupi.browser.downloads",
    "Healing": "pupi.engine.healing",
    "InstanceDead": "pupi.errors",
    "InstanceInfo": "pupi.browser.instances",
    "InstanceNotFound": "pupi.errors",
    "InvalidBrowserOptions": "pupi.errors",
    "InvalidOutputSchema": "pupi.errors",
    "InvalidRequest": "pupi.errors",
    "InvalidSteps": "pupi.errors",
    "LiveFrame": "pupi.views",
    "NotFound": "pupi.errors",
    "PayloadTooLarge": "pupi.errors",
    "PermissionDenied": "pupi.errors",
    "ProfileInUse": "pupi.errors",
    "PromptFailed": "pupi.errors",
    "PromptResult": "pupi.agent.result",
    "PupiError": "pupi.errors",
    "PupiPuppeteerSDK": "pupi.sdk",
    "Puppeteer": "pupi.builder",
    "RateLimited": "pupi.errors",
    "RequestTimeout": "pupi.errors",
    "RunError": "pupi.engine.results",
    "RunRecord": "pupi.views",
    "RunResult": "pupi.engine.results",
    "ServerBusy": "pupi.errors",
    "SessionEvent": "pupi.views",
    "SessionInfo": "pupi.views",
    "SessionNotFound": "pupi.errors",
    "SessionNotOpen": "pupi.errors",
    "SessionResult": "pupi.views",
    "SessionStarted": "pupi.views",
    "Step": "pupi.steps",
    "StepError": "pupi.errors",
    "StepFailed": "pupi.errors",
    "StepIntent": "pupi.steps",
    "StepResult": "pupi.engine.results",
    "parse_steps": "pupi.steps",
    "sign_webhook": "pupi.webhooks",
    "verify_webhook": "pupi.webhooks",
    "PupiSDK": "pupi.sdk",
}


# Literal, not derived from _HOMES: type checkers and linters read it as written
# (a test checks that the two agree).
__all__ = [
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
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'pupi' has no attribute {name!r}")
    attribute = "PupiPuppeteerSDK" if name == "PupiSDK" else name
    value = getattr(importlib.import_module(home), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
