"""What a worker calls to drive a session: the interface, and the real browser agent.

The executor does not care how a session runs. It opens a :class:`SessionBrowser`
with the :data:`SessionRunner` for a :class:`SessionJob`, hands it each
:class:`RunJob` (a prompt, or steps) with a callback for each step, takes back a
:class:`SessionOutcome`, and closes it when the session lets its browser go.
Timeouts and cancellation are the executor's business. The real runner opens a
headless browser instance with the fetch policy as its request filter and its
traffic through the egress proxy, holds each run to the session's allowed
domains, and types each run's secrets; prompts go to the agent, steps to the
engine. A prompt that asks for the cache reads its token's entry through the
job's :data:`CacheLookup` and hands back what it kept in ``SessionOutcome.kept``
for the executor to write. Tests put a fake in its place.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic_core import to_jsonable_python

from pupi.browser.domains import AllowedDomains, allowed_domains_only
from pupi.browser.options import BrowserOptions
from pupi.server.db.specs import FileSpec, RunKind
from pupi.server.fetch_policy import RequestFilter

if TYPE_CHECKING:
    from pupi.agent.cache import CacheKey, MemoryCache
    from pupi.agent.planners.base import Planner
    from pupi.browser.instances import Instance
    from pupi.server.egress import EgressProxy

__all__ = [
    "CacheLookup",
    "RunFile",
    "RunJob",
    "SessionBrowser",
    "SessionJob",
    "SessionOutcome",
    "SessionRunner",
    "StepReport",
    "StepSink",
    "open_agent_browser",
]

logger = logging.getLogger("pupi.server.runner")

LIVE_QUALITY = 50
"""JPEG quality of live frames: a watcher wants to follow the page, not read it pixel by pixel."""
LIVE_TIMEOUT_MS = 2000
DOWNLOAD_WAIT_MS = 30_000
"""How long a run's end waits for the downloads it started to finish."""


@dataclass(frozen=True, slots=True)
class SessionJob:
    """The browser one session needs, for as long as it stays open."""

    session_id: str
    request_filter: RequestFilter
    screenshots: bool = True
    egress_proxy: str | None = None
    """The proxy (``http://127.0.0.1:PORT``) all of the session's browser traffic goes through."""
    cdp_url: str | None = None
    """A remote Chromium's DevTools endpoint (``ws://``, ``http://``); None: launch one."""
    trace: bool = False
    """Record a Playwright trace of the session, returned by ``aclose()``."""
    options: BrowserOptions | None = field(default=None, repr=False)
    """What its browser starts with; a storage state and a proxy's credentials included."""
    keep_state: bool = False
    """Return the browser's storage state with each run's outcome (to save it)."""
    allow_hosts: tuple[str, ...] = ()
    """The fetch policy's exceptions, for the egress proxy in front of the session's own proxy."""
    allowed_domains: tuple[str, ...] | None = None
    """The only hosts its pages may reach, within the fetch policy; None: no such rule."""


CacheLookup = Callable[["CacheKey"], Awaitable[list[dict[str, Any]] | None]]
"""The steps the session's token keeps in its prompt cache under a key, or None."""


@dataclass(frozen=True, slots=True)
class RunJob:
    """One run in the session's browser: a prompt for the agent, or validated steps."""

    n: int
    kind: RunKind
    timeout_s: float
    prompt: str = ""
    start_url: str | None = None
    planner: str = "rules"
    max_steps: int = 30
    steps: list[dict[str, Any]] = field(default_factory=list)
    files: tuple[FileSpec, ...] = ()
    """The session's uploaded files, which the steps' ``upload`` actions name."""
    secrets: dict[str, str] = field(default_factory=dict, repr=False)
    """What its ``{{secret.name}}`` placeholders stand for, opened for this run only."""
    token_budget: int | None = None
    """The most tokens its planner may spend (a prompt); None: no bound."""
    vision: str | None = None
    """``screen`` or ``marks``: the LLM planner is shown screenshots (a prompt)."""
    heal: bool = False
    """Re-ground steps whose selector matches nothing from their intent (steps)."""
    output_schema: dict[str, Any] | None = None
    """A prompt's JSON Schema for its answer; the outcome's ``data`` matches it."""
    cache: CacheLookup | None = field(default=None, repr=False)
    """Reads the token's prompt cache (a prompt that asks for it); None: no cache."""


@dataclass(frozen=True, slots=True)
class RunFile:
    """A file a run's page downloaded, on the worker's disk until the browser goes."""

    name: str
    content_type: str
    size: int
    path: Path | None
    """None when the download failed (``error`` says why)."""
    error: str | None = None


@dataclass(frozen=True, slots=True)
class StepReport:
    """One step done: the concrete step, its outcome and the page afterwards."""

    step: dict[str, Any]
    result: dict[str, Any]
    screenshot: tuple[str, bytes] | None = None
    """(content type, bytes) of the page after the step."""


@dataclass(frozen=True, slots=True)
class SessionOutcome:
    """How a run ended, when it ended by itself."""

    status: Literal["completed", "failed"]
    answer: Any = None
    steps: list[dict[str, Any]] = field(default_factory=list)
    error: dict[str, Any] | None = None
    usage: dict[str, Any] | None = None
    outputs: dict[str, Any] | None = None
    """What ``extract`` steps (and the like) stored, for a steps run."""
    files: list[RunFile] = field(default_factory=list)
    """What the run downloaded."""
    storage_state: dict[str, Any] | None = field(default=None, repr=False)
    """The browser's cookies and storage after the run, when the job keeps its state."""
    data: Any = None
    """The answer validated against the job's ``output_schema``, as JSON."""
    cached: bool = False
    """The prompt's steps were replayed from the cache; no planner was asked."""
    kept: dict[CacheKey, list[dict[str, Any]]] = field(default_factory=dict, repr=False)
    """What the run put in the prompt cache, to write back to the token's."""


StepSink = Callable[[StepReport], Awaitable[None]]


class SessionBrowser(Protocol):
    """A session's browser while it is open."""

    async def run(self, job: RunJob, report: StepSink) -> SessionOutcome:
        """Carry out one run on the page as the previous run left it."""
        ...

    async def frame(self) -> tuple[str, bytes] | None:
        """The page as it looks now, for the live view: (content type, bytes), or None."""
        ...

    async def aclose(self) -> bytes | None:
        """Let the browser go (called once, however the session ends).

        Returns the session's Playwright trace (a zip) when the job asked for one.
        """
        ...


SessionRunner = Callable[[SessionJob], Awaitable[SessionBrowser]]
"""Opens a session's browser."""


def _dump(value: Any) -> dict[str, Any]:
    dump = getattr(value, "model_dump", None)
    if dump is not None:
        return dict(dump(mode="json", by_alias=True, exclude_none=True))
    return dict(value) if isinstance(value, dict) else {"value": repr(value)}


def _error(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, dict):
        return {
            "type": str(value.get("type", "agent_error")),
            **value,
            "message": str(value.get("message", value)),
        }
    dumped = _dump(value)  # the engine's RunError
    return {
        "type": str(dumped.get("type", "agent_error")),
        **dumped,
        "message": str(dumped.get("message", value)),
    }


class _AgentBrowser:
    """A headless instance: prompts go to the agent, steps to the engine."""

    def __init__(
        self, job: SessionJob, instance: Instance, session_proxy: EgressProxy | None = None
    ) -> None:
        self._job = job
        self._instance = instance
        self._session_proxy = session_proxy
        self._uploads: Path | None = None
        self._held = contextlib.AsyncExitStack()

    async def hold_to_domains(self) -> None:
        """Hold the session's pages to its allowed domains from now until ``aclose``.

        For the session's whole life, not run by run: a page left open between
        runs keeps running its scripts.
        """
        domains = AllowedDomains.of(self._job.allowed_domains)
        await self._held.enter_async_context(allowed_domains_only(self._instance, domains))

    async def _screenshot(self) -> tuple[str, bytes] | None:
        if not self._job.screenshots:
            return None
        try:
            return "image/jpeg", await self._instance.page.screenshot(type="jpeg", quality=70)
        except Exception:  # a screenshot is a nicety; a closed page must not fail the run
            logger.debug("no screenshot after a step", exc_info=True)
            return None

    async def frame(self) -> tuple[str, bytes] | None:
        try:
            return "image/jpeg", await self._instance.page.screenshot(
                type="jpeg", quality=LIVE_QUALITY, timeout=LIVE_TIMEOUT_MS
            )
        except Exception:  # between pages, or the page closed: the next frame will do
            return None

    async def run(self, job: RunJob, report: StepSink) -> SessionOutcome:
        since = self._instance.downloads.started
        outcome = await self._run(job, report)
        files = await self._downloads(since)
        state = await self._storage_state() if self._job.keep_state else None
        if files or state is not None:
            outcome = dataclasses.replace(outcome, files=files, storage_state=state)
        return outcome

    async def _run(self, job: RunJob, report: StepSink) -> SessionOutcome:
        async def on_step(step_result: Any, step: Any) -> None:
            shot = await self._screenshot()
            await report(StepReport(step=_dump(step), result=_dump(step_result), screenshot=shot))

        if job.kind is RunKind.STEPS:
            return await self._steps(job, on_step)
        from pupi.agent.cached import run_prompt_cached
        from pupi.agent.planners import get_planner
        from pupi.steps import Secrets

        planner = (
            get_planner(job.planner)
            if job.vision is None
            else get_planner(job.planner, vision="marks" if job.vision == "marks" else True)
        )
        try:
            cache = await self._prompt_cache(job, planner)
            # A failed replay is planned on the same page: the session's browser
            # (its logins, earlier runs' pages) is the one the prompt was sent to.
            result = await run_prompt_cached(
                self._instance,
                job.prompt,
                planner=planner,
                cache=cache,
                start_url=job.start_url,
                timeout_s=job.timeout_s,
                on_step=on_step,
                secrets=Secrets.of(job.secrets),
                output_schema=job.output_schema,
                max_steps=job.max_steps,
                token_budget=job.token_budget,
            )
        finally:
            closer = getattr(planner, "aclose", None)
            if closer is not None:  # LLM planners hold an HTTP client
                await closer()
        usage = getattr(result, "usage", None)
        return SessionOutcome(
            status="completed" if result.status == "completed" else "failed",
            answer=result.answer,
            steps=[_dump(step) for step in result.steps],
            error=_error(result.error),
            usage=_dump(usage) if usage is not None else None,
            data=to_jsonable_python(result.data),
            cached=result.cached,
            kept=dict(cache.kept) if cache is not None else {},
        )

    async def _prompt_cache(self, job: RunJob, planner: Planner) -> MemoryCache | None:
        """The token's entry for the prompt, in memory; None when the run is not cached."""
        from pupi.agent.cache import MemoryCache
        from pupi.agent.cached import cache_key

        if job.cache is None or job.output_schema is not None:
            return None
        key = cache_key(job.prompt, job.start_url, self._instance.page.url, planner)
        steps = await job.cache(key)
        return MemoryCache({key: steps} if steps else None)

    async def _steps(self, job: RunJob, on_step: Any) -> SessionOutcome:
        from pupi.agent.heal import IntentHealer
        from pupi.engine import DEFAULT_TIMEOUT_MS, run_steps
        from pupi.steps import parse_steps

        secrets = job.secrets.keys()
        # Validated when stored; parsed again into models.
        named = parse_steps(job.steps, secrets=secrets)
        runnable = parse_steps(self._with_paths(job), secrets=secrets) if job.files else named

        async def report(step_result: Any, step: Any) -> None:
            # Recorded as sent: an upload names its file, not where this worker put it.
            index = getattr(step_result, "index", None)
            await on_step(step_result, named[index] if isinstance(index, int) else step)

        result = await run_steps(
            self._instance,
            runnable,
            instance_id=self._instance.id,
            # Each step waits as long as it would locally (within the run's own bound,
            # which the executor holds): a missing element fails its step, not the run's clock.
            timeout_ms=min(DEFAULT_TIMEOUT_MS, job.timeout_s * 1000),
            on_step=report,
            secrets=job.secrets,
            heal=IntentHealer() if job.heal else None,
        )
        recorded = [_dump(step) for step in named]
        for healed in result.healing:
            # The session keeps the steps that replay: a healed one with its new selector.
            recorded[healed.index] = {**recorded[healed.index], "selector": healed.new_selector}
        return SessionOutcome(
            status="completed" if result.status == "completed" else "failed",
            steps=recorded,
            error=_error(result.error),
            outputs=dict(result.outputs),
        )

    def _with_paths(self, job: RunJob) -> list[dict[str, Any]]:
        """The steps with each upload's file names replaced by where the files are."""
        if self._uploads is None:
            self._uploads = Path(tempfile.mkdtemp(prefix="pupi-uploads-"))
        paths = {}
        for file in job.files:
            path = self._uploads / file.name
            path.write_bytes(file.data)
            paths[file.name] = str(path)
        return [
            {**step, "files": [paths[name] for name in _names(step["files"])]}
            if step.get("action") == "upload"
            else step
            for step in job.steps
        ]

    async def _downloads(self, since: int) -> list[RunFile]:
        # A steps run has waited for its downloads already; the agent's has not.
        downloads = await self._instance.downloads.collect(since, timeout_ms=DOWNLOAD_WAIT_MS)
        return [
            RunFile(
                name=download.name,
                content_type=download.content_type,
                size=download.size,
                path=None if download.path is None else Path(download.path),
                error=download.error,
            )
            for download in downloads
        ]

    async def _storage_state(self) -> dict[str, Any] | None:
        try:
            return dict(await self._instance.context.storage_state())
        except Exception:  # the context is gone: there is no state left to keep
            logger.warning("could not read a session's storage state", exc_info=True)
            return None

    async def aclose(self) -> bytes | None:
        from pupi.browser.instances import get_manager
        from pupi.browser.tracing import read_trace

        try:
            if self._job.trace:
                return await read_trace(self._instance.context)
            return None
        finally:
            try:
                await self._held.aclose()
                await get_manager().close(self._instance.id)
            finally:
                if self._session_proxy is not None:
                    await self._session_proxy.aclose()
                if self._uploads is not None:
                    shutil.rmtree(self._uploads, ignore_errors=True)


def _names(files: Any) -> list[str]:
    return [files] if isinstance(files, str) else list(files)


async def open_agent_browser(job: SessionJob) -> SessionBrowser:
    """The real runner: a fresh headless browser instance for the session.

    A session with a proxy of its own gets an egress proxy of its own in front of
    it: the browser talks to that one, which judges every destination with the
    fetch policy and reaches the allowed ones through the session's proxy.
    """
    # Imported here: the browser and agent packages are heavy and the server's
    # tests that use a fake runner should not need them.
    from pupi.browser.instances import get_manager
    from pupi.browser.options import ProxySettings
    from pupi.browser.tracing import start_trace
    from pupi.server.egress import EgressProxy

    manager = get_manager()
    options = job.options
    session_proxy: EgressProxy | None = None
    if options is not None and options.proxy is not None and job.egress_proxy is not None:
        session_proxy = EgressProxy(allow_hosts=job.allow_hosts, upstream=options.proxy)
        await session_proxy.start()
        options = options.model_copy(update={"proxy": ProxySettings(server=session_proxy.url)})
    try:
        instance = await manager.open(
            headless=True,
            cdp_url=job.cdp_url,
            request_filter=job.request_filter,
            egress_proxy=job.egress_proxy,
            options=options,
        )
    except BaseException:
        if session_proxy is not None:
            await session_proxy.aclose()
        raise
    browser = _AgentBrowser(job, instance, session_proxy)
    try:
        await browser.hold_to_domains()
        if job.trace:
            await start_trace(instance.context, title=f"pupi session {job.session_id}")
    except BaseException:
        await browser.aclose()
        raise
    return browser
