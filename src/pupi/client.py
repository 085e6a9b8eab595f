"""The HTTP client of the Pupi AI API.

>>> async with AsyncApiClient("http://127.0.0.1:8400", access_token="pupi_...") as api:
...     started = await api.send_prompt_to_ai("Find the price of the first product on ...")
...     result = await api.wait_for_session(started.session_id, timeout_s=120)
...     print(result.status, result.answer)
...     await api.close_session(started.session_id)

Error answers become the exception whose ``code`` the answer names, with its
message and details (the table is in :mod:`pupi.errors`): ``unauthorized``
:class:`~pupi.AuthenticationError`, ``session_not_found``
:class:`~pupi.SessionNotFound`, ``not_found`` (a wrong URL)
:class:`~pupi.NotFound`, ``rate_limited`` :class:`~pupi.RateLimited` (with
``retry_after``), ``invalid_steps`` :class:`~pupi.InvalidSteps` (with every bad
step), and so on; a code no class has is a plain :class:`~pupi.ApiError`. A server
that cannot be reached is an ``ApiError`` with ``status_code == 0``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import mimetypes
import os
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, Unpack
from urllib.parse import quote

from pydantic import BaseModel

from pupi.agent.schema import OutputSchemaLike, json_schema_of
from pupi.browser.options import BrowserArgs, StorageState, parse_browser_options
from pupi.errors import ApiError, PupiError, error_from_answer
from pupi.steps import StepsLike, parse_steps
from pupi.views import (
    TERMINAL,
    ActiveSessions,
    FileInfo,
    LiveFrame,
    RunRecord,
    SessionEvent,
    SessionInfo,
    SessionResult,
    SessionStarted,
    StepRecord,
    WebhookDelivery,
    WebhookSettings,
)

if TYPE_CHECKING:
    # httpx loads with the first request: a script that only runs local steps
    # imports this module (the SDK's remote methods) without needing it.
    import httpx

__all__ = [
    "ActiveSessions",
    "AsyncApiClient",
    "FileInfo",
    "FilesLike",
    "LiveFrame",
    "RemoteSessions",
    "RunRecord",
    "SessionEvent",
    "SessionInfo",
    "SessionResult",
    "SessionStarted",
    "StepRecord",
    "WebhookDelivery",
    "WebhookSettings",
]

VisionChoice = bool | Literal["marks"]
"""Screenshots for an LLM planner: True, or ``"marks"`` with the elements' numbers drawn."""
FilePath = str | os.PathLike[str]
FilesLike = Mapping[str, bytes | FilePath] | list[FilePath]
"""Files for remote ``upload`` steps: paths (named by their file names), or
``{name: bytes or path}``."""


def _body(**fields: Any) -> dict[str, Any]:
    """A request body of the fields that were given."""
    return {key: value for key, value in fields.items() if value is not None}


def _remote_steps(steps: StepsLike) -> list[dict[str, Any]]:
    """Steps as the server takes them: a list of dicts, which it validates."""
    if isinstance(steps, str | os.PathLike | Mapping):
        # A file to read or a recording to convert: that much happens here.
        steps = parse_steps(steps)
    if isinstance(steps, BaseModel):
        steps = [steps]
    return [
        dict(step.model_dump(mode="json", by_alias=True, exclude_none=True))
        if isinstance(step, BaseModel)
        else dict(step)
        for step in steps
    ]


def _browser_body(browser: BrowserArgs) -> dict[str, Any]:
    """Browser options as request fields, validated here first; a storage state
    given as a path is read here, since the server never reads paths."""
    if not browser:
        return {}
    return parse_browser_options(browser).revealed()


def _schema_body(output_schema: OutputSchemaLike | None) -> dict[str, Any] | None:
    """An output schema as the server takes it: JSON Schema, checked here first."""
    return None if output_schema is None else json_schema_of(output_schema)


def _files_body(files: FilesLike | None) -> list[dict[str, str]] | None:
    if not files:
        return None
    named: Mapping[str, bytes | FilePath] = (
        files if isinstance(files, Mapping) else {Path(path).name: path for path in files}
    )
    body = []
    for name, content in named.items():
        data = content if isinstance(content, bytes) else Path(content).read_bytes()
        body.append(
            {
                "name": name,
                "content": base64.b64encode(data).decode("ascii"),
                "content_type": mimetypes.guess_type(name)[0] or "application/octet-stream",
            }
        )
    return body


def _error_for(response: httpx.Response) -> PupiError:
    try:
        body = response.json()
    except ValueError:
        body = None
    return error_from_answer(
        response.status_code,
        body,
        default_message=response.reason_phrase or f"HTTP {response.status_code}",
        retry_after=response.headers.get("Retry-After"),
    )


def _unreachable(message: str) -> ApiError:
    # Status 0: no answer came, so no status either.
    return ApiError(message, status_code=0, code="connection_error")


class RemoteSessions:
    """The session calls of the Pupi AI API, written once.

    :class:`AsyncApiClient` and :class:`pupi.PupiPuppeteerSDK` both have them;
    each says in ``_api_client`` which client carries the requests.
    """

    def _api_client(self) -> AsyncApiClient:
        raise NotImplementedError

    async def send_prompt_to_ai(
        self,
        prompt: str,
        *,
        start_url: str | None = None,
        planner: str | None = None,
        max_steps: int | None = None,
        timeout_s: float | None = None,
        idle_timeout_s: float | None = None,
        trace: bool = False,
        webhook_url: str | None = None,
        save_state: bool = False,
        secrets: Mapping[str, str] | None = None,
        allowed_domains: Sequence[str] | None = None,
        token_budget: int | None = None,
        output_schema: OutputSchemaLike | None = None,
        vision: VisionChoice | None = None,
        cache: bool = False,
        **browser: Unpack[BrowserArgs],
    ) -> SessionStarted:
        """Start a session that carries out ``prompt``; returns at once with its id and status.

        ``idle_timeout_s`` keeps the session's browser open that long after each
        run, for follow-ups (``send_prompt_to_session``, ``execute_steps_remotely``).
        ``trace`` records a Playwright trace of the session (``get_trace``).
        ``webhook_url`` receives each run's end, signed (see :func:`pupi.verify_webhook`).
        ``save_state`` saves its storage state after each run (``get_storage_state``).
        ``output_schema`` (a pydantic model or type, or a JSON Schema dict) asks for a
        structured answer, as ``run_prompt_locally`` does: it is sent as JSON Schema,
        and the session's ``data`` is the validated answer, as JSON.
        The browser options are those of ``execute_steps_locally`` (``device``,
        ``storage_state``, ``proxy``...); ``profile`` names one of the token's profiles.
        ``secrets`` fill the prompt's ``{{secret.name}}`` in the browser only, for
        this run (kept sealed until it ends, never shown); ``allowed_domains``
        bounds the hosts the session's pages reach, within the server's fetch
        policy; ``token_budget`` bounds what an LLM planner spends on the run.
        ``vision`` (True, or ``"marks"`` with element numbers) shows an LLM planner
        a screenshot each turn. ``cache`` serves the prompt from the token's prompt
        cache, as ``run_prompt_locally(cache=...)`` does from a folder: the steps it
        took before on the same site with the same planner replay without the
        planner (the run's ``cached``); a miss or a failed replay is planned and kept.
        """
        body = _body(
            prompt=prompt,
            start_url=start_url,
            planner=planner,
            max_steps=max_steps,
            timeout_s=timeout_s,
            idle_timeout_s=idle_timeout_s,
            trace=trace or None,
            webhook_url=webhook_url,
            save_state=save_state or None,
            secrets=dict(secrets) if secrets else None,
            allowed_domains=list(allowed_domains) if allowed_domains is not None else None,
            token_budget=token_budget,
            output_schema=_schema_body(output_schema),
            vision=vision,
            cache=cache or None,
            **_browser_body(browser),
        )
        response = await self._api_client()._request("POST", "/v1/sessions", json=body)
        return SessionStarted.model_validate(response.json())

    async def send_prompt_to_session(
        self,
        session_id: str,
        prompt: str,
        *,
        start_url: str | None = None,
        planner: str | None = None,
        max_steps: int | None = None,
        timeout_s: float | None = None,
        secrets: Mapping[str, str] | None = None,
        token_budget: int | None = None,
        output_schema: OutputSchemaLike | None = None,
        vision: VisionChoice | None = None,
        cache: bool = False,
    ) -> SessionStarted:
        """Queue a follow-up prompt in an open session, on the page its last run left.

        ``output_schema``, ``vision`` and ``cache`` are those of ``send_prompt_to_ai``,
        for this run.
        ``SessionNotOpen`` when the session is closed or its browser released.
        ``secrets`` and ``token_budget`` are this run's, as for ``send_prompt_to_ai``:
        a follow-up that types a secret sends it again.
        """
        body = _body(
            prompt=prompt,
            start_url=start_url,
            planner=planner,
            max_steps=max_steps,
            timeout_s=timeout_s,
            secrets=dict(secrets) if secrets else None,
            token_budget=token_budget,
            output_schema=_schema_body(output_schema),
            vision=vision,
            cache=cache or None,
        )
        path = f"/v1/sessions/{session_id}/prompts"
        response = await self._api_client()._request("POST", path, json=body)
        return SessionStarted.model_validate(response.json())

    async def execute_steps_remotely(
        self,
        steps: StepsLike,
        *,
        session_id: str | None = None,
        timeout_s: float | None = None,
        idle_timeout_s: float | None = None,
        trace: bool = False,
        webhook_url: str | None = None,
        files: FilesLike | None = None,
        save_state: bool = False,
        secrets: Mapping[str, str] | None = None,
        allowed_domains: Sequence[str] | None = None,
        heal: bool = False,
        **browser: Unpack[BrowserArgs],
    ) -> SessionStarted:
        """Run declarative steps on the server: in a new session, or in ``session_id``'s browser.

        The steps are validated before anything runs (``InvalidSteps`` naming each
        bad one, from the server). A file path (JSON or YAML) or a Chrome Recorder
        export is read and converted here first. ``files`` go with the request
        for its ``upload`` steps, which name them (``{"action": "upload",
        "selector": "#cv", "files": "cv.pdf"}``). ``idle_timeout_s`` applies to a
        new session only, and so do ``trace``, ``webhook_url``, ``save_state``,
        ``allowed_domains`` and the browser options (those of ``send_prompt_to_ai``).
        ``secrets`` fill the steps' ``{{secret.name}}``, for this run only.
        ``heal`` re-grounds a step whose selector matches nothing from its
        ``intent``, as ``execute_steps_locally(heal=True)`` does; the session's
        steps are then the healed ones.
        """
        payload = _remote_steps(steps)
        hidden = dict(secrets) if secrets else None
        if session_id is None:
            body = _body(
                steps=payload,
                timeout_s=timeout_s,
                idle_timeout_s=idle_timeout_s,
                trace=trace or None,
                webhook_url=webhook_url,
                files=_files_body(files),
                save_state=save_state or None,
                secrets=hidden,
                allowed_domains=list(allowed_domains) if allowed_domains is not None else None,
                heal=heal or None,
                **_browser_body(browser),
            )
            path = "/v1/sessions"
        else:
            if browser or save_state or allowed_domains is not None:
                raise PupiError(
                    "browser options, save_state and allowed_domains apply to a new session only"
                )
            body = _body(
                steps=payload,
                timeout_s=timeout_s,
                files=_files_body(files),
                secrets=hidden,
                heal=heal or None,
            )
            path = f"/v1/sessions/{session_id}/steps"
        response = await self._api_client()._request("POST", path, json=body)
        return SessionStarted.model_validate(response.json())

    async def get_session_result(self, session_id: str) -> SessionResult:
        """The session as it is now (status, answer, steps, error), running, finished or closed."""
        response = await self._api_client()._request("GET", f"/v1/sessions/{session_id}")
        return SessionResult.model_validate(response.json())

    async def wait_for_session(
        self, session_id: str, *, timeout_s: float = 120, poll_interval_s: float = 0.25
    ) -> SessionResult:
        """Poll until the session ends; raises ``TimeoutError`` after ``timeout_s``.

        The interval grows by half each poll, up to 2 seconds, so a long session
        is not polled hard and a short one is seen finishing quickly.
        """
        deadline = time.monotonic() + timeout_s
        interval = poll_interval_s
        while True:
            result = await self.get_session_result(session_id)
            if result.status in TERMINAL:
                return result
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(
                    f"session {session_id} is still {result.status} after {timeout_s:g} s"
                )
            await asyncio.sleep(min(interval, left))
            interval = min(interval * 1.5, max(2.0, poll_interval_s))

    async def close_session(self, session_id: str) -> SessionResult:
        """Close the session (cancelling it if queued or running); returns its final record."""
        response = await self._api_client()._request("DELETE", f"/v1/sessions/{session_id}")
        return SessionResult.model_validate(response.json())

    async def get_active_sessions(self, *, include_closed: bool = False) -> ActiveSessions:
        """The caller's sessions not yet closed (all of them with ``include_closed``)."""
        params = {"include_closed": "true"} if include_closed else None
        response = await self._api_client()._request("GET", "/v1/sessions", params=params)
        return ActiveSessions.model_validate(response.json())

    async def close_all_sessions(self) -> int:
        """Close every active session of the caller; returns how many were closed."""
        response = await self._api_client()._request("DELETE", "/v1/sessions")
        return int(response.json()["closed"])

    async def get_screenshot(self, session_id: str, n: int) -> bytes:
        """The screenshot taken after step ``n`` (image bytes)."""
        path = f"/v1/sessions/{session_id}/screenshots/{n}"
        response = await self._api_client()._request("GET", path)
        return response.content

    async def get_webhook_settings(self) -> WebhookSettings:
        """The caller's default webhook URL and the secret its deliveries are signed with."""
        response = await self._api_client()._request("GET", "/v1/webhook")
        return WebhookSettings.model_validate(response.json())

    async def set_default_webhook(self, url: str | None) -> WebhookSettings:
        """Where sessions started without ``webhook_url`` report (None: nowhere)."""
        response = await self._api_client()._request("PUT", "/v1/webhook", json={"url": url})
        return WebhookSettings.model_validate(response.json())

    async def get_webhook_deliveries(self, session_id: str) -> list[WebhookDelivery]:
        """The session's deliveries, one per run that ended, with every attempt."""
        path = f"/v1/sessions/{session_id}/webhooks"
        response = await self._api_client()._request("GET", path)
        return [WebhookDelivery.model_validate(item) for item in response.json()["deliveries"]]

    async def get_trace(self, session_id: str) -> bytes:
        """The session's Playwright trace (zip bytes), once its browser is released.

        ``NotFound`` before then, or when the session was not started with ``trace``.
        """
        response = await self._api_client()._request("GET", f"/v1/sessions/{session_id}/trace")
        return response.content

    async def get_storage_state(self, session_id: str) -> StorageState:
        """The session's cookies and local storage after its latest run.

        For a session started with ``save_state``; ``NotFound`` until a run has
        ended. Pass it as ``storage_state`` to a local instance or a new session.
        """
        path = f"/v1/sessions/{session_id}/storage_state"
        response = await self._api_client()._request("GET", path)
        state: StorageState = response.json()
        return state

    async def download_session_file(
        self, session_id: str, name: str, *, path: FilePath | None = None
    ) -> bytes:
        """A file of the session (one its runs downloaded, or one sent with it): its bytes.

        With ``path``, they are written there too. ``NotFound`` for a name the
        session's ``files`` do not list, or one the server did not keep.
        """
        url = f"/v1/sessions/{session_id}/files/{quote(name, safe='')}"
        response = await self._api_client()._request("GET", url)
        if path is not None:
            Path(path).write_bytes(response.content)
        return response.content

    async def watch_session(self, session_id: str) -> AsyncIterator[LiveFrame]:
        """The session's page, frame after frame (about 2 a second), until its browser goes.

        ``SessionNotOpen`` when it has no browser any more.
        """
        path = f"/v1/sessions/{session_id}/live"
        async with self._api_client()._stream(path, f"the live view of session {session_id}") as r:
            async for frame in _parse_frames(r.aiter_bytes()):
                yield frame

    async def iter_session_events(self, session_id: str) -> AsyncIterator[SessionEvent]:
        """The session's events: earlier steps replayed, then new ones live, until ``end``."""
        path = f"/v1/sessions/{session_id}/events"
        async with self._api_client()._stream(
            path, f"the event stream of session {session_id}"
        ) as r:
            async for event in _parse_sse(r.aiter_lines()):
                yield event
                if event.event == "end":
                    return


class AsyncApiClient(RemoteSessions):
    """An async client of the Pupi AI API, one ``httpx.AsyncClient`` underneath.

    Close it with :meth:`aclose` or use it as ``async with``. ``transport`` is
    handed to httpx (an ``httpx.ASGITransport`` serves an app in-process).
    """

    def __init__(
        self,
        base_url: str,
        *,
        access_token: str | None = None,
        timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        import httpx

        self.base_url = base_url.rstrip("/")
        self._token = access_token
        self._http = httpx.AsyncClient(base_url=self.base_url, timeout=timeout, transport=transport)

    def _api_client(self) -> AsyncApiClient:
        return self

    def set_access_token(self, access_token: str | None) -> None:
        """Use this bearer token from now on."""
        self._token = access_token

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"} if self._token else {}

    async def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        import httpx

        try:
            response = await self._http.request(method, path, headers=self._headers(), **kwargs)
        except httpx.TransportError as exc:
            problem = exc or type(exc).__name__
            raise _unreachable(f"cannot reach the Pupi API at {self.base_url}: {problem}") from exc
        if response.status_code >= 400:
            raise _error_for(response)
        return response

    @contextlib.asynccontextmanager
    async def _stream(self, path: str, what: str) -> AsyncIterator[httpx.Response]:
        """A long GET (live frames, events): no read timeout, errors as API errors,
        a connection lost midway as ``what`` lost."""
        import httpx

        timeout = httpx.Timeout(30.0, read=None)
        try:
            async with self._http.stream(
                "GET", path, headers=self._headers(), timeout=timeout
            ) as response:
                if response.status_code >= 400:
                    await response.aread()
                    raise _error_for(response)
                yield response
        except httpx.TransportError as exc:
            raise _unreachable(f"lost {what}: {exc}") from exc

    async def aclose(self) -> None:
        """Close the connections."""
        await self._http.aclose()

    async def __aenter__(self) -> AsyncApiClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"<AsyncApiClient {self.base_url}>"


async def _parse_sse(lines: AsyncIterator[str]) -> AsyncIterator[SessionEvent]:
    kind, event_id, data = "message", None, list[str]()
    async for line in lines:
        if not line:
            if data:
                yield SessionEvent(event=kind, data=json.loads("\n".join(data)), id=event_id)
            kind, event_id, data = "message", None, list[str]()
        elif line.startswith(":"):
            continue  # a keep-alive comment
        else:
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "event":
                kind = value
            elif name == "data":
                data.append(value)
            elif name == "id":
                event_id = value


async def _parse_frames(chunks: AsyncIterator[bytes]) -> AsyncIterator[LiveFrame]:
    """The parts of a ``multipart/x-mixed-replace`` stream, each sized by Content-Length."""
    buffer = b""
    async for chunk in chunks:
        buffer += chunk
        while True:
            head_end = buffer.find(b"\r\n\r\n")
            if head_end < 0:
                break
            lines = buffer[:head_end].decode("latin-1").split("\r\n")
            if lines[0].endswith("--"):
                return  # the closing boundary: the browser is gone
            headers = {
                name.strip().lower(): value.strip()
                for name, _, value in (line.partition(":") for line in lines[1:])
            }
            length = int(headers.get("content-length", "0"))
            start = head_end + 4
            if len(buffer) < start + length + 2:
                break  # the rest of this frame is still on its way
            yield LiveFrame(
                seq=int(headers.get("x-frame", "0")),
                content_type=headers.get("content-type", "application/octet-stream"),
                data=buffer[start : start + length],
            )
            buffer = buffer[start + length + 2 :]
