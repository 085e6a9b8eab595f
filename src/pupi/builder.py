"""The chainable ``Puppeteer``: queue steps with methods, run them in its own instance."""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import Mapping, Sequence
from typing import Any, Unpack

from pupi._chain import StepMethods
from pupi.browser.domains import AllowedDomains, allowed_domains_only
from pupi.browser.instances import Instance, InstanceManager, get_manager
from pupi.browser.options import BrowserArgs, BrowserOptions, parse_browser_options
from pupi.browser.tracing import TracePath, tracing
from pupi.engine import RunResult, run_steps
from pupi.engine.healing import StepHealer, healer_of
from pupi.errors import InstanceNotFound
from pupi.steps import Secrets, SecretsLike, parse_steps

__all__ = ["Puppeteer"]


class Puppeteer(StepMethods):
    """A browser instance driven by chained calls, one instance for the object's lifetime.

    Each action method queues a step; ``run()`` validates the queue, runs it in
    this object's instance (opened on the first run) and empties it::

        async with Puppeteer() as browser:
            await browser.go("http://127.0.0.1:8000/shop").run()
            result = await browser.click("text=Details").extract("h1", as_="title").run()
            print(result.outputs["title"])

    Keyword arguments besides ``headless`` and ``timeout_ms`` set up the
    instance, as for ``execute_steps_locally`` (``device="iPhone 15"``,
    ``storage_state=...``, ``proxy={...}``); they are validated here.

    The instance is released by ``close()``, leaving ``async with``, garbage
    collection, or ``close_all_instances()``.
    """

    def __init__(
        self,
        *,
        headless: bool = True,
        timeout_ms: float | None = None,
        **browser: Unpack[BrowserArgs],
    ) -> None:
        self.headless = headless
        self.timeout_ms = timeout_ms
        self.options: BrowserOptions | None = parse_browser_options(browser) if browser else None
        """The options its instance opens with (``device=``, ``storage_state=``, ...)."""
        self._queued: list[dict[str, Any]] = []
        self._instance_id: str | None = None
        self._manager: InstanceManager | None = None
        self._finalizer: weakref.finalize[Any, Any] | None = None

    def __repr__(self) -> str:
        instance = self._instance_id[:8] if self._instance_id else "none"
        return f"<Puppeteer instance={instance} queued={len(self._queued)}>"

    @property
    def instance_id(self) -> str | None:
        """The id of this object's instance, once the first ``run()`` opened it."""
        return self._instance_id

    @property
    def queued(self) -> list[dict[str, Any]]:
        """The steps waiting for ``run()``, as step dicts."""
        return list(self._queued)

    def _queue(self, step: dict[str, Any]) -> None:
        self._queued.append(step)

    async def run(
        self,
        *,
        variables: Mapping[str, Any] | None = None,
        stop_on_error: bool = True,
        trace: TracePath | None = None,
        secrets: SecretsLike | None = None,
        allowed_domains: Sequence[str] | None = None,
        heal: bool | StepHealer = False,
    ) -> RunResult:
        """Validate and run the queued steps in this object's instance, then clear the queue.

        ``trace`` writes a Playwright trace of this run there (a zip). ``secrets``
        fill ``{{secret.name}}`` placeholders, shown as placeholders in the result,
        and ``allowed_domains`` bounds the hosts this run reaches, as for
        ``execute_steps_locally``. ``heal`` re-grounds steps whose selector
        matches nothing from their ``intent``, as ``execute_steps_locally(heal=True)`` does.

        An invalid queue raises ``InvalidSteps`` and is kept, so it can be inspected.
        An instance that crashed or lost its browser raises ``InstanceDead`` and
        keeps the queue too; ``close()``, and the next ``run()`` opens a fresh one.
        """
        variables = dict(variables or {})
        hidden = Secrets.of(secrets)
        domains = AllowedDomains.of(allowed_domains)
        steps = parse_steps(self._queued, variables=variables, local=True, secrets=hidden.names)
        instance = await self._instance()
        self._queued = []
        async with (
            allowed_domains_only(instance, domains),
            tracing(instance.context, trace, title="pupi steps"),
        ):
            return await run_steps(
                instance,
                steps,
                instance_id=instance.id,
                variables=variables,
                timeout_ms=self.timeout_ms,
                stop_on_error=stop_on_error,
                secrets=hidden,
                heal=healer_of(heal),
            )

    async def close(self) -> None:
        """Close this object's instance (a no-op when it is not open)."""
        if self._finalizer is not None:
            self._finalizer.detach()
            self._finalizer = None
        if self._instance_id is not None and self._manager is not None:
            instance_id, self._instance_id = self._instance_id, None
            with contextlib.suppress(InstanceNotFound):
                await self._manager.close(instance_id)

    async def __aenter__(self) -> Puppeteer:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _instance(self) -> Instance:
        manager = get_manager()
        if self._instance_id is not None:
            try:
                return await manager.open_or_get(self._instance_id)
            except InstanceNotFound:
                # Closed from outside (close_all_instances): open a fresh one.
                self._instance_id = None
        instance = await manager.open_or_get(None, headless=self.headless, options=self.options)
        self._instance_id, self._manager = instance.id, manager
        self._finalizer = weakref.finalize(
            self, _close_later, asyncio.get_running_loop(), manager, instance.id
        )
        return instance


def _close_later(
    loop: asyncio.AbstractEventLoop, manager: InstanceManager, instance_id: str
) -> None:
    """Close a garbage-collected Puppeteer's instance on its own loop, if it still runs."""
    if loop.is_closed():
        return

    async def close() -> None:
        with contextlib.suppress(InstanceNotFound):
            await manager.close(instance_id)

    def start() -> None:
        task = loop.create_task(close())
        _closing.add(task)  # the loop keeps only a weak reference to tasks
        task.add_done_callback(_closing.discard)

    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(start)


_closing: set[asyncio.Task[None]] = set()
