"""``PupiPuppeteerSDK``: local automation, local prompts, and the remote Pupi AI API."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING, Any

from pupi.browser.instances import InstanceInfo, get_manager
from pupi.engine import OnStep, RunResult, run_steps
from pupi.errors import PupiError
from pupi.steps import StepsLike, parse_steps

if TYPE_CHECKING:
    from pupi.agent import PromptResult
    from pupi.client import (
        ActiveSessions,
        AsyncApiClient,
        SessionEvent,
        SessionResult,
        SessionStarted,
    )

__all__ = ["PupiPuppeteerSDK"]


class PupiPuppeteerSDK:
    """Run steps and prompts in local Chromium instances, or prompts on a Pupi server.

    Local use needs no arguments::

        sdk = PupiPuppeteerSDK()
        run = await sdk.execute_steps_locally([
            {"action": "go", "url": "http://127.0.0.1:8000/shop"},
            {"action": "extract", "selector": ".product .price", "as": "price"},
        ])
        print(run.outputs["price"], run.instance_id)   # the instance stays open
        await sdk.close_all_instances()

    Remote use takes the server's URL and a token::

        sdk = PupiPuppeteerSDK("http://127.0.0.1:8400")
        sdk.set_access_token("pupi_...")
        started = await sdk.send_prompt_to_ai("Find the price of the first product on ...")
        result = await sdk.wait_for_session(started.session_id)

    Instances belong to the event loop, not to one SDK object: every SDK and
    ``Puppeteer`` on a loop shares them, so ``close_all_instances`` closes them all.
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        access_token: str | None = None,
        headless: bool = True,
        timeout_ms: float | None = None,
        cdp_url: str | None = None,
    ) -> None:
        self.base_url = base_url
        self.headless = headless
        self.timeout_ms = timeout_ms
        self.cdp_url = cdp_url
        self._access_token = access_token
        self._client: AsyncApiClient | None = None

    def __repr__(self) -> str:
        return f"<PupiPuppeteerSDK {self.base_url or 'local'}>"

    async def __aenter__(self) -> PupiPuppeteerSDK:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close every local instance and the HTTP client, if one was opened."""
        await self.close_all_instances()
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()

    # -- local automation -------------------------------------------------

    async def execute_steps_locally(
        self,
        steps: StepsLike,
        *,
        instance_id: str | None = None,
        variables: Mapping[str, Any] | None = None,
        headless: bool | None = None,
        timeout_ms: float | None = None,
        stop_on_error: bool = True,
        on_step: OnStep | None = None,
    ) -> RunResult:
        """Run ``steps`` in a new instance (left open), or in ``instance_id``'s.

        The whole list is validated first: a bad step raises ``InvalidSteps``
        naming every problem, before any browser starts. A step that fails in
        the browser does not raise: the result has ``status="failed"`` and an
        ``error``; call ``raise_for_status()`` to turn that into ``StepFailed``.
        """
        variables = dict(variables or {})
        parsed = parse_steps(steps, variables=variables)
        manager = get_manager()
        if instance_id is None:
            instance = await manager.open(
                headless=self.headless if headless is None else headless, cdp_url=self.cdp_url
            )
        else:
            instance = manager.get(instance_id)
        if not instance.alive:
            return RunResult(
                instance_id=instance.id,
                status="failed",
                error={
                    "step_index": 0,
                    "type": "instance_dead",
                    "message": f"instance {instance.id} is dead: {instance.dead_reason}; "
                    "close it and run on a new instance",
                    "screenshot": None,
                },
            )
        return await run_steps(
            instance,
            parsed,
            instance_id=instance.id,
            variables=variables,
            timeout_ms=timeout_ms or self.timeout_ms,
            stop_on_error=stop_on_error,
            on_step=on_step,
        )

    def list_instances(self) -> list[InstanceInfo]:
        """Every open local instance (of this event loop), oldest first."""
        return get_manager().list()

    async def close_instance(self, instance_id: str) -> None:
        """Close one instance; ``InstanceNotFound`` when no open instance has this id."""
        await get_manager().close(instance_id)

    async def close_all_instances(self) -> None:
        """Close every open local instance, ``Puppeteer`` ones included."""
        await get_manager().close_all()

    async def run_prompt_locally(
        self,
        prompt: str,
        *,
        planner: str = "rules",
        instance_id: str | None = None,
        start_url: str | None = None,
        max_steps: int = 30,
        timeout_s: float = 120,
        on_step: OnStep | None = None,
    ) -> PromptResult:
        """Let the agent carry out ``prompt`` in a local instance (left open).

        ``planner`` is ``"rules"`` (offline, the default), ``"openai"`` or
        ``"anthropic"``. ``result.steps`` replays with ``execute_steps_locally``.
        ``on_step(step_result, step)`` is called after each action, for live output.
        """
        from pupi.agent import run_agent
        from pupi.agent.planners import get_planner

        chosen = get_planner(planner)
        manager = get_manager()
        if instance_id is None:
            instance = await manager.open(headless=self.headless, cdp_url=self.cdp_url)
        else:
            instance = manager.get(instance_id)
        try:
            return await run_agent(
                instance,
                prompt,
                planner=chosen,
                start_url=start_url,
                max_steps=max_steps,
                timeout_s=timeout_s,
                on_step=on_step,
            )
        finally:
            closer = getattr(chosen, "aclose", None)
            if closer is not None:
                await closer()

    # -- the Pupi AI API --------------------------------------------------

    def set_access_token(self, token: str) -> None:
        """Use ``token`` (``pupi_...``) for every later request to the server."""
        self._access_token = token
        if self._client is not None:
            self._client.set_access_token(token)

    def _remote(self) -> AsyncApiClient:
        if self.base_url is None:
            raise PupiError(
                "this SDK has no server URL: create it as PupiPuppeteerSDK('http://host:8400')"
            )
        if self._client is None:
            from pupi.client import AsyncApiClient

            self._client = AsyncApiClient(self.base_url, access_token=self._access_token)
        return self._client

    async def send_prompt_to_ai(
        self,
        prompt: str,
        *,
        start_url: str | None = None,
        planner: str | None = None,
        max_steps: int | None = None,
        timeout_s: float | None = None,
    ) -> SessionStarted:
        """Start a remote session that carries out ``prompt``; returns its id and status."""
        return await self._remote().send_prompt_to_ai(
            prompt, start_url=start_url, planner=planner, max_steps=max_steps, timeout_s=timeout_s
        )

    async def get_session_result(self, session_id: str) -> SessionResult:
        """The session's status, answer, steps and error as they are now."""
        return await self._remote().get_session_result(session_id)

    async def wait_for_session(self, session_id: str, *, timeout_s: float = 120) -> SessionResult:
        """Poll until the session is completed, failed or cancelled (or ``timeout_s`` passes)."""
        return await self._remote().wait_for_session(session_id, timeout_s=timeout_s)

    async def close_session(self, session_id: str) -> None:
        """Close the session, cancelling it if it is queued or running."""
        await self._remote().close_session(session_id)

    async def get_active_sessions(self, *, include_closed: bool = False) -> ActiveSessions:
        """The caller's active sessions (``.sessions``)."""
        return await self._remote().get_active_sessions(include_closed=include_closed)

    async def close_all_sessions(self) -> int:
        """Close every active session of the caller; returns how many were closed."""
        return await self._remote().close_all_sessions()

    def iter_session_events(self, session_id: str) -> AsyncIterator[SessionEvent]:
        """The session's events (one per step), earlier ones first, as they happen."""
        return self._remote().iter_session_events(session_id)
