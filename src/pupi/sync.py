"""The blocking API: the same names and arguments as the async one.

Each class holds its async twin and sends every call to one private event loop
(see ``pupi._bridge``), so instances stay open between calls and it works inside
Jupyter too::

    from pupi.sync import PupiPuppeteerSDK

    sdk = PupiPuppeteerSDK()
    run = sdk.execute_steps_locally([{"action": "go", "url": "http://127.0.0.1:8000"}])
    sdk.close_all_instances()
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from pupi import builder, sdk
from pupi._bridge import get_bridge
from pupi._chain import StepMethods
from pupi.browser import reaper
from pupi.browser.instances import InstanceInfo
from pupi.engine import OnStep, RunResult
from pupi.steps import StepsLike

if TYPE_CHECKING:
    from pupi.agent import PromptResult
    from pupi.client import ActiveSessions, SessionEvent, SessionResult, SessionStarted

__all__ = ["PupiPuppeteerSDK", "PupiSDK", "Puppeteer"]


class PupiPuppeteerSDK:
    """Blocking twin of :class:`pupi.PupiPuppeteerSDK`; see it for the details."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        access_token: str | None = None,
        headless: bool = True,
        timeout_ms: float | None = None,
        cdp_url: str | None = None,
    ) -> None:
        reaper.install()
        self._async = sdk.PupiPuppeteerSDK(
            base_url,
            access_token=access_token,
            headless=headless,
            timeout_ms=timeout_ms,
            cdp_url=cdp_url,
        )
        self._bridge = get_bridge()

    def __repr__(self) -> str:
        return repr(self._async)

    def __enter__(self) -> PupiPuppeteerSDK:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close every local instance and the HTTP client, if one was opened."""
        self._bridge.call(self._async.aclose)

    def execute_steps_locally(
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
        """Run ``steps`` in a new instance (left open), or in ``instance_id``'s."""
        return self._bridge.call(
            self._async.execute_steps_locally,
            steps,
            instance_id=instance_id,
            variables=variables,
            headless=headless,
            timeout_ms=timeout_ms,
            stop_on_error=stop_on_error,
            on_step=on_step,
        )

    def list_instances(self) -> list[InstanceInfo]:
        """Every open local instance, oldest first."""
        return self._bridge.call_plain(self._async.list_instances)

    def close_instance(self, instance_id: str) -> None:
        """Close one instance; ``InstanceNotFound`` when no open instance has this id."""
        self._bridge.call(self._async.close_instance, instance_id)

    def close_all_instances(self) -> None:
        """Close every open local instance, ``Puppeteer`` ones included."""
        self._bridge.call(self._async.close_all_instances)

    def run_prompt_locally(
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
        """Let the agent carry out ``prompt`` in a local instance (left open)."""
        return self._bridge.call(
            self._async.run_prompt_locally,
            prompt,
            planner=planner,
            instance_id=instance_id,
            start_url=start_url,
            max_steps=max_steps,
            timeout_s=timeout_s,
            on_step=on_step,
        )

    def set_access_token(self, token: str) -> None:
        """Use ``token`` for every later request to the server."""
        self._async.set_access_token(token)

    def send_prompt_to_ai(
        self,
        prompt: str,
        *,
        start_url: str | None = None,
        planner: str | None = None,
        max_steps: int | None = None,
        timeout_s: float | None = None,
    ) -> SessionStarted:
        """Start a remote session that carries out ``prompt``."""
        return self._bridge.call(
            self._async.send_prompt_to_ai,
            prompt,
            start_url=start_url,
            planner=planner,
            max_steps=max_steps,
            timeout_s=timeout_s,
        )

    def get_session_result(self, session_id: str) -> SessionResult:
        """The session's status, answer, steps and error as they are now."""
        return self._bridge.call(self._async.get_session_result, session_id)

    def wait_for_session(self, session_id: str, *, timeout_s: float = 120) -> SessionResult:
        """Poll until the session reaches a terminal status."""
        return self._bridge.call(self._async.wait_for_session, session_id, timeout_s=timeout_s)

    def close_session(self, session_id: str) -> None:
        """Close the session, cancelling it if it is queued or running."""
        self._bridge.call(self._async.close_session, session_id)

    def get_active_sessions(self, *, include_closed: bool = False) -> ActiveSessions:
        """The caller's active sessions."""
        return self._bridge.call(self._async.get_active_sessions, include_closed=include_closed)

    def close_all_sessions(self) -> int:
        """Close every active session of the caller."""
        return self._bridge.call(self._async.close_all_sessions)

    def iter_session_events(self, session_id: str) -> Iterator[SessionEvent]:
        """The session's events, earlier ones first, as they happen."""
        events = self._async.iter_session_events(session_id)

        async def next_event() -> SessionEvent:
            return await anext(events)

        while True:
            try:
                yield self._bridge.call(next_event)
            except StopAsyncIteration:
                return


PupiSDK = PupiPuppeteerSDK


class Puppeteer(StepMethods):
    """Blocking twin of :class:`pupi.Puppeteer`::

    with Puppeteer() as browser:
        browser.go("http://127.0.0.1:8000").run()
    """

    def __init__(self, *, headless: bool = True, timeout_ms: float | None = None) -> None:
        reaper.install()
        self._async = builder.Puppeteer(headless=headless, timeout_ms=timeout_ms)
        self._bridge = get_bridge()

    def __repr__(self) -> str:
        return repr(self._async)

    @property
    def instance_id(self) -> str | None:
        """The id of this object's instance, once the first ``run()`` opened it."""
        return self._async.instance_id

    @property
    def queued(self) -> list[dict[str, Any]]:
        """The steps waiting for ``run()``."""
        return self._async.queued

    def _queue(self, step: dict[str, Any]) -> None:
        self._async._queue(step)

    def run(
        self, *, variables: Mapping[str, Any] | None = None, stop_on_error: bool = True
    ) -> RunResult:
        """Validate and run the queued steps in this object's instance."""
        return self._bridge.call(self._async.run, variables=variables, stop_on_error=stop_on_error)

    def close(self) -> None:
        """Close this object's instance."""
        self._bridge.call(self._async.close)

    def __enter__(self) -> Puppeteer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
