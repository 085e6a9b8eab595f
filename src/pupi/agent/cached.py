"""Replaying a cached prompt: its steps, healed where the site changed, as a PromptResult.

:func:`run_prompt_cached` is the whole way of a cached prompt, shared by
``run_prompt_locally(cache=...)`` and the server's sessions (``cache: true``): on a
hit no planner runs, and the cached steps go through the engine with an
:class:`~pupi.agent.heal.IntentHealer` (:func:`replay_cached`). A replay that
fails (or steps that no longer validate) is planned instead, and a planned run
that completes without an answer is kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any, TypeVar
from urllib.parse import urlsplit

from pupi.agent.cache import CacheKey, CacheLike, PromptCache, as_cache
from pupi.agent.heal import IntentHealer
from pupi.agent.loop import STEP_TIMEOUT_S, AgentInstance, run_agent
from pupi.agent.planners.base import Planner, Usage
from pupi.agent.result import PromptResult
from pupi.agent.schema import OutputSchemaLike
from pupi.engine import OnStep, run_steps
from pupi.errors import InvalidSteps
from pupi.steps import Secrets, parse_steps

__all__ = ["CachedPrompt", "cache_key", "cache_site", "replay_cached", "run_prompt_cached"]

InstanceT = TypeVar("InstanceT", bound=AgentInstance)

logger = logging.getLogger("pupi.agent")


def cache_site(start_url: str | None, current_url: str) -> str:
    """The site part of a cache key: ``start_url``, else the origin of the page the run
    starts on ("" for a blank page, whose prompt names its URL itself)."""
    if start_url:
        return start_url
    parts = urlsplit(current_url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else ""


def cache_key(prompt: str, start_url: str | None, current_url: str, planner: Planner) -> CacheKey:
    """Where ``prompt`` run by ``planner`` from ``start_url`` (or ``current_url``) is filed."""
    return CacheKey.of(prompt, site=cache_site(start_url, current_url), planner=planner.name)


async def replay_cached(
    instance: AgentInstance,
    steps: list[dict[str, Any]],
    *,
    timeout_s: float,
    step_timeout_s: float = STEP_TIMEOUT_S,
    on_step: OnStep | None = None,
    secrets: Secrets | None = None,
) -> PromptResult | None:
    """Run cached ``steps`` on ``instance`` with healing; the result, or None when they fail.

    ``result.steps`` are the steps as they ran (healed ones with their new
    selector), ready to go back into the cache; ``result.healing`` says which.
    """
    started = time.monotonic()
    try:
        parsed = parse_steps(steps, local=True, secrets=secrets.names if secrets else ())
    except InvalidSteps as exc:
        logger.info("the cached steps no longer validate: %s", exc)
        return None
    try:
        async with asyncio.timeout(timeout_s):
            run = await run_steps(
                instance,
                parsed,
                instance_id=instance.id,
                timeout_ms=step_timeout_s * 1000,
                on_step=on_step,
                heal=IntentHealer(),
                secrets=secrets,
            )
    except TimeoutError:
        logger.info("the cached steps ran out of time (%s s)", timeout_s)
        return None
    if not run.ok:
        logger.info("the cached steps failed to replay: %s", run.error)
        return None
    return PromptResult(
        status="completed",
        steps=run.healed_steps,
        instance_id=instance.id,
        usage=Usage().model_dump(),
        duration_ms=round((time.monotonic() - started) * 1000, 3),
        step_results=run.steps,
        cached=True,
        healing=run.healing,
    )


class CachedPrompt:
    """One prompt's way through the cache: look up, replay, keep the planned result.

    Without a cache (``cache=None``) it finds nothing and keeps nothing, so the
    caller needs no second path.
    """

    def __init__(self, store: PromptCache | None, key: CacheKey | None) -> None:
        self.store = store
        self.key = key
        self.steps = store.get(key) if store is not None and key is not None else None
        """The cached steps, or None on a miss."""

    @classmethod
    def look_up(
        cls,
        cache: CacheLike | None,
        prompt: str,
        start_url: str | None,
        current_url: str,
        planner: Planner,
    ) -> CachedPrompt:
        """The entry for ``prompt`` run by ``planner`` from ``start_url`` (or ``current_url``)."""
        if cache is None:
            return cls(None, None)
        return cls(as_cache(cache), cache_key(prompt, start_url, current_url, planner))

    async def replay(
        self,
        instance: AgentInstance,
        *,
        timeout_s: float,
        on_step: OnStep | None = None,
        secrets: Secrets | None = None,
    ) -> PromptResult | None:
        """Replay the cached steps (see :func:`replay_cached`); healed ones update the cache."""
        if self.steps is None:
            return None
        result = await replay_cached(
            instance, self.steps, timeout_s=timeout_s, on_step=on_step, secrets=secrets
        )
        if result is not None and result.healing:
            self._put(result.steps)
        return result

    def keep(self, result: PromptResult) -> None:
        """Cache a planned ``result``'s steps when it completed without an answer."""
        if result.ok and result.answer is None and result.steps:
            self._put(result.steps)

    def _put(self, steps: list[dict[str, Any]]) -> None:
        if self.store is None or self.key is None:
            return
        try:
            self.store.put(self.key, steps)
        except OSError as exc:
            # A cache that cannot be written costs the next run a plan, not this run its result.
            logger.warning("could not update the prompt cache: %s", exc)


async def run_prompt_cached(
    instance: InstanceT,
    prompt: str,
    *,
    planner: Planner,
    cache: CacheLike | None,
    start_url: str | None = None,
    timeout_s: float = 120,
    on_step: OnStep | None = None,
    secrets: Secrets | None = None,
    output_schema: OutputSchemaLike | None = None,
    guard: Callable[[InstanceT], AbstractAsyncContextManager[object]] | None = None,
    afresh: Callable[[InstanceT], Awaitable[InstanceT]] | None = None,
    **agent: Any,
) -> PromptResult:
    """Carry out ``prompt`` from ``cache`` when it holds its steps, else with ``planner``.

    A hit replays the cached steps (``result.cached``); a miss, or a replay that
    fails, runs :func:`~pupi.agent.run_agent` (``agent`` holds its other
    arguments: ``max_steps``, ``token_budget``) on ``afresh(instance)`` when
    given, and keeps a completed run's steps. A prompt with an ``output_schema``
    is always planned: replayed steps give no answer. Each attempt runs inside
    ``guard(instance)`` (allowed domains, a trace).
    """

    def held(on: InstanceT) -> AbstractAsyncContextManager[object]:
        return contextlib.nullcontext() if guard is None else guard(on)

    lookup = CachedPrompt.look_up(
        cache if output_schema is None else None, prompt, start_url, instance.page.url, planner
    )
    if lookup.steps is not None:
        async with held(instance):
            replayed = await lookup.replay(
                instance, timeout_s=timeout_s, on_step=on_step, secrets=secrets
            )
        if replayed is not None:
            return replayed
        if afresh is not None:
            instance = await afresh(instance)
    async with held(instance):
        result = await run_agent(
            instance,
            prompt,
            planner=planner,
            start_url=start_url,
            timeout_s=timeout_s,
            on_step=on_step,
            secrets=secrets,
            output_schema=output_schema,
            **agent,
        )
    lookup.keep(result)
    return result
