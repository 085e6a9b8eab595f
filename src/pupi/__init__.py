"""Pupi: browser automation driven by declarative steps or plain-language prompts.

The async API is the primary one; ``pupi.sync`` has blocking twins of the same
names. See the README for a quickstart.
"""

from pupi.browser.instances import InstanceInfo
from pupi.builder import Puppeteer
from pupi.engine.results import RunResult, StepResult
from pupi.errors import (
    AgentError,
    ApiError,
    AuthenticationError,
    BrowserLaunchError,
    InstanceNotFound,
    InvalidSteps,
    PermissionDenied,
    PupiError,
    RateLimited,
    SessionNotFound,
    StepError,
    StepFailed,
)
from pupi.sdk import PupiPuppeteerSDK
from pupi.steps import Step, parse_steps

PupiSDK = PupiPuppeteerSDK

__version__ = "0.1.0"

__all__ = [
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
]
