"""``PupiPuppeteerSDK``: local automation, local prompts, and the remote Pupi AI API."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any, Unpack

from pupi.browser.domains import AllowedDomains, allowed_domains_only
from pupi.browser.instances import Instance, InstanceInfo, get_manager
from pupi.browser.options import BrowserArgs, StorageState, options_for
from pupi.browser.storage import StatePath, save_storage_state
from pupi.browser.tracing import TracePath, tracing
from pupi.client import AsyncApiClient, RemoteSessions
from pupi.engine import OnStep, RunResult, run_steps
from pupi.engine.healing import StepHealer, close_healer, healer_of
from pupi.errors import PupiError
from pupi.steps import Secrets, SecretsLike, StepsLike, parse_steps

if TYPE_CHECKING:
    from pupi.agent import PromptResult
    from pupi.agent.cache import CacheLike
    from pupi.agent.observe.vision import VisionLike
    from pupi.agent.schema import OutputSchemaLike

__all__ = ["PupiPuppeteerSDK"]


class PupiPuppeteerSDK(RemoteSessions):
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

    The remote calls (``send_prompt_to_ai``, ``get_session_result``, ...) are those
    of :class:`pupi.client.AsyncApiClient`: the SDK opens one on first use.

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
        trace: TracePath | None = None,
        secrets: SecretsLike | None = None,
        allowed_domains: Sequence[str] | None = None,
        heal: bool | StepHealer = False,
        planner: str | None = None,
        **browser: Unpack[BrowserArgs],
    ) -> RunResult:
        """Run ``steps`` in a new instance (left open), or in ``instance_id``'s.

        The whole list is validated first: a bad step raises ``InvalidSteps``
        naming every problem, before any browser starts. A step that fails in
        the browser does not raise: the result has ``status="failed"`` and an
        ``error``; call ``raise_for_status()`` to turn that into ``StepFailed``.
        An ``instance_id`` that is not open raises ``InstanceNotFound``, a dead
        one (crashed, or its browser gone) ``InstanceDead``, before anything runs.
        ``trace`` writes a Playwright trace of the run there (a zip; open it with
        ``playwright show-trace``), failed runs included.
        ``heal=True`` re-grounds a step whose selector matches nothing from its
        ``intent`` (what the agent recorded about its element) on the page as it
        is; ``run.healing`` lists those steps and ``run.healed_steps`` holds the
        steps to replay next time (a :class:`~pupi.agent.heal.IntentHealer`, or
        any :class:`~pupi.engine.healing.StepHealer`, may be given instead of True).
        With ``planner`` (``"openai"``, ``"anthropic"``) the healer asks that planner
        for the element when the page's evidence alone is too weak to choose.

        ``secrets`` (``{"password": "..."}``) fill the steps' ``{{secret.password}}``
        as they run; the result, ``on_step`` and the log show the placeholder
        wherever a value would appear (a trace, being a recording of the page,
        holds what was typed). ``allowed_domains`` (``["example.com",
        "*.shop.test"]``) refuses, for this run, every ``go`` and every request
        to another host, naming the rules (see :mod:`pupi.browser.domains`).

        The other keyword arguments set up a new instance (see
        :class:`~pupi.browser.options.BrowserOptions`): ``storage_state``,
        ``profile``, ``proxy``, ``device``, ``user_agent``, ``locale``,
        ``timezone_id``, ``geolocation``, ``permissions``, ``color_scheme``,
        ``extra_http_headers``. They are validated with the steps; a bad one
        raises ``InvalidBrowserOptions``.
        """
        variables = dict(variables or {})
        options = options_for(instance_id, browser)
        hidden = Secrets.of(secrets)
        domains = AllowedDomains.of(allowed_domains)
        parsed = parse_steps(steps, variables=variables, local=True, secrets=hidden.names)
        instance = await get_manager().open_or_get(
            instance_id,
            headless=self.headless if headless is None else headless,
            cdp_url=self.cdp_url,
            options=options,
        )
        healer = healer_of(heal, planner)
        try:
            async with (
                allowed_domains_only(instance, domains),
                tracing(instance.context, trace, title="pupi steps"),
            ):
                return await run_steps(
                    instance,
                    parsed,
                    instance_id=instance.id,
                    variables=variables,
                    timeout_ms=timeout_ms or self.timeout_ms,
                    stop_on_error=stop_on_error,
                    on_step=on_step,
                    secrets=hidden,
                    heal=healer,
                )
        finally:
            await close_healer(healer)

    async def save_storage_state(
        self, instance_id: str, path: StatePath | None = None
    ) -> StorageState:
        """The cookies and local storage of ``instance_id``, as Playwright's storage state.

        A new instance started with ``storage_state=`` this value (or the path it
        was written to) is logged in wherever this one was. With ``path`` it is
        also written there as JSON, readable by its owner only (mode 0o600). The
        state holds session cookies: keep it as secret as a password. Raises
        ``InstanceNotFound`` or ``InstanceDead`` like ``execute_steps_locally``.

            state = await sdk.save_storage_state(run.instance_id, "ada.json")
            await sdk.execute_steps_locally(steps, storage_state="ada.json")
        """
        instance = await get_manager().open_or_get(instance_id)
        return await save_storage_state(instance.context, path)

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
        trace: TracePath | None = None,
        vision: VisionLike = None,
        secrets: SecretsLike | None = None,
        allowed_domains: Sequence[str] | None = None,
        token_budget: int | None = None,
        output_schema: OutputSchemaLike | None = None,
        cache: CacheLike | None = None,
        **browser: Unpack[BrowserArgs],
    ) -> PromptResult:
        """Let the agent carry out ``prompt`` in a local instance (left open).

        ``planner`` is ``"rules"`` (offline, the default), ``"openai"`` or
        ``"anthropic"``. ``result.steps`` replays with ``execute_steps_locally``.
        ``on_step(step_result, step)`` is called after each action, for live output.
        ``instance_id`` is refused like ``execute_steps_locally`` refuses it.
        ``trace`` writes a Playwright trace of the run there, as for steps.
        ``vision`` (``True``, ``"marks"`` for element numbers drawn on it, or a
        :class:`~pupi.agent.Vision`) shows an LLM planner a screenshot each turn;
        None leaves it to ``PUPI_LLM_VISION``.
        The browser options are those of ``execute_steps_locally``.

        ``secrets`` fill the prompt's ``{{secret.password}}`` in the browser only:
        the planner (a remote model too) sees the placeholder, never the value, and
        so do the result's steps, answer and error. ``allowed_domains`` bounds
        where the run's pages may go, as for steps: a planner misled by a page
        into going elsewhere is refused. ``token_budget`` bounds the tokens an
        LLM planner may spend (input and output, summed over its requests): once
        spent, the run fails with ``error["type"] == "budget_exhausted"``.
        ``output_schema`` asks for a structured answer: a pydantic model, a type
        such as ``list[Product]``, or a JSON Schema dict. The answer is validated
        against it and returned as ``result.data`` (model instances, or the JSON
        value for a JSON Schema); one that does not match fails the run with
        ``error["type"] == "output_invalid"``. A schema that cannot be used
        raises ``InvalidOutputSchema`` before any browser starts::

            result = await sdk.run_prompt_locally(
                "list the products with their name and price",
                start_url="http://127.0.0.1:8000/shop",
                output_schema=list[Product],
            )
            result.raise_for_status().data[0].price    # Decimal('24.00')

        ``cache`` (a folder's path, or a :class:`~pupi.agent.cache.PromptCache`)
        replays the steps this prompt took before on the same site with the same
        planner, with healing and without asking the planner (``result.cached``);
        when that replay fails, the prompt is planned in a fresh instance (or in
        ``instance_id``'s) and the cache updated. Runs that complete without an
        answer are cached: an answer is read off the page by the planner.
        """
        from pupi.agent.cached import run_prompt_cached
        from pupi.agent.planners import get_planner
        from pupi.agent.schema import OutputSchema

        output = None if output_schema is None else OutputSchema.of(output_schema)
        options = options_for(instance_id, browser)
        hidden = Secrets.of(secrets)
        hidden.check(prompt, "prompt")
        domains = AllowedDomains.of(allowed_domains)
        chosen = get_planner(planner) if vision is None else get_planner(planner, vision=vision)
        manager = get_manager()

        def guard(instance: Instance) -> AbstractAsyncContextManager[object]:
            return _guarded(instance, domains, trace, prompt)

        async def afresh(instance: Instance) -> Instance:
            if instance_id is not None:
                return instance
            # The failed replay left its traces (half a form, a cart): plan afresh.
            await manager.close(instance.id)
            return await manager.open_or_get(
                None, headless=self.headless, cdp_url=self.cdp_url, options=options
            )

        try:
            instance = await manager.open_or_get(
                instance_id, headless=self.headless, cdp_url=self.cdp_url, options=options
            )
            return await run_prompt_cached(
                instance,
                prompt,
                planner=chosen,
                cache=cache,
                start_url=start_url,
                timeout_s=timeout_s,
                on_step=on_step,
                secrets=hidden,
                output_schema=output,
                guard=guard,
                afresh=afresh,
                max_steps=max_steps,
                token_budget=token_budget,
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

    def _api_client(self) -> AsyncApiClient:
        # Every remote call (written once, in RemoteSessions) goes through here.
        if self.base_url is None:
            raise PupiError(
                "this SDK has no server URL: create it as PupiPuppeteerSDK('http://host:8400')"
            )
        if self._client is None:
            self._client = AsyncApiClient(self.base_url, access_token=self._access_token)
        return self._client


@contextlib.asynccontextmanager
async def _guarded(
    instance: Instance, domains: AllowedDomains | None, trace: TracePath | None, prompt: str
) -> AsyncIterator[None]:
    """A prompt's attempt on ``instance``: held to ``domains``, traced when asked."""
    async with (
        allowed_domains_only(instance, domains),
        tracing(instance.context, trace, title=prompt[:80]),
    ):
        yield
