"""Pupi: browser automation driven by declarative steps or plain-language prompts.

The async API is the primary one; ``pupi.sync`` has blocking twins of the same
names. See the README for a quickstart.
"""

from pupi.agent.cache import DirectoryCache
from pupi.agent.result import PromptResult
from pupi.browser.downloads import DownloadedFile
from pupi.browser.instances import InstanceInfo
from pupi.builder import Puppeteer
from pupi.client import (
    ActiveSessions,
    LiveFrame,
    RunRecord,
    SessionEvent,
    SessionInfo,
    SessionResult,
    SessionStarted,
)
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
from pupi.webhooks import sign_webhook, verify_webhook

PupiSDK = PupiPuppeteerSDK

__version__ = "0.1.0"

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
