"""The error table both ways: what the server answers, the client raises again.

The answers come from the server's real error handlers, served in-process
(``httpx.ASGITransport``), and are read by the real client.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI

from pupi import errors
from pupi.agent.result import PromptResult
from pupi.client import AsyncApiClient
from pupi.engine.results import RunResult
from pupi.errors import ERRORS, PupiError, StepError
from pupi.server.errors import install_error_handlers

BAD_STEPS = [
    StepError(index=0, action="go", field="url", message="Field required"),
    StepError(index=2, action=None, field="action", message="unknown action 'clik'"),
    StepError(index=-1, action=None, field=None, message="a list of steps is empty"),
]

# One example of every class in the table that a server can answer with.
ANSWERED: dict[type[PupiError], Callable[[], PupiError]] = {
    errors.InvalidSteps: lambda: errors.InvalidSteps(BAD_STEPS),
    errors.InvalidBrowserOptions: lambda: errors.InvalidBrowserOptions(
        [errors.OptionError("device", "unknown device 'Nokia 3310'")]
    ),
    errors.InvalidOutputSchema: lambda: errors.InvalidOutputSchema(
        ["#: unknown or unsupported keyword 'requried'"]
    ),
    errors.ProfileInUse: lambda: errors.ProfileInUse("work"),
    errors.InstanceNotFound: lambda: errors.InstanceNotFound("ab12"),
    errors.InstanceDead: lambda: errors.InstanceDead("ab12", "its page crashed"),
    errors.BrowserLaunchError: lambda: errors.BrowserLaunchError("no Chromium; run pupi doctor"),
    errors.AgentError: lambda: errors.AgentError("set PUPI_LLM_MODEL"),
    errors.ApiError: lambda: errors.ApiError("conflict", status_code=409, code="conflict"),
    errors.AuthenticationError: lambda: errors.AuthenticationError("invalid access token"),
    errors.PermissionDenied: lambda: errors.PermissionDenied("not yours"),
    errors.NotFound: lambda: errors.NotFound("no screenshot 3 for session 'x'"),
    errors.SessionNotFound: lambda: errors.SessionNotFound("no session 'x' for this token"),
    errors.RequestTimeout: lambda: errors.RequestTimeout("the request body stopped arriving"),
    errors.SessionNotOpen: lambda: errors.SessionNotOpen("its browser was released"),
    errors.PayloadTooLarge: lambda: errors.PayloadTooLarge("larger than 1000 bytes"),
    errors.InvalidRequest: lambda: errors.InvalidRequest("body.max_steps: too small"),
    errors.RateLimited: lambda: errors.RateLimited("too many queued", retry_after=3),
    errors.ServerBusy: lambda: errors.ServerBusy("at its maximum of 10 connections"),
    errors.DatabaseUnavailable: lambda: errors.DatabaseUnavailable("cannot reach its database"),
}
# Raised only on the caller's side: their result does not travel, their message does.
LOCAL_ONLY = {errors.PupiError, errors.StepFailed, errors.PromptFailed}


def _app(exc: PupiError) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/v1/sessions")
    async def fail() -> None:
        raise exc

    return app


def _client(app: FastAPI) -> AsyncApiClient:
    return AsyncApiClient("http://pupi.test", transport=httpx.ASGITransport(app=app))


def test_every_class_in_the_table_is_answered_or_local_only() -> None:
    assert set(ERRORS.values()) == set(ANSWERED) | LOCAL_ONLY


def test_every_code_maps_back_to_exactly_the_class_that_has_it() -> None:
    for code, cls in ERRORS.items():
        assert cls.code == code
        assert errors.error_class(code) is (errors.ApiError if cls is PupiError else cls)
    for code in ("method_not_allowed", "invalid_json", "internal_error", None):
        assert errors.error_class(code) is errors.ApiError


def test_framework_statuses_get_the_code_of_the_most_general_class() -> None:
    assert errors.code_for_status(404) == "not_found"
    assert errors.code_for_status(401) == "unauthorized"
    assert errors.code_for_status(413) == "payload_too_large"
    assert errors.code_for_status(405) == "method_not_allowed"


@pytest.mark.parametrize(
    "make", [pytest.param(make, id=cls.__name__) for cls, make in ANSWERED.items()]
)
async def test_an_error_raised_in_a_route_reaches_the_client_as_the_same_class(
    make: Callable[[], PupiError],
) -> None:
    sent = make()
    async with _client(_app(sent)) as api:
        with pytest.raises(PupiError) as caught:
            await api.get_active_sessions()
    received = caught.value
    assert type(received) is type(sent)
    assert str(received) == str(sent)
    assert received.details == sent.details
    assert received.code == sent.code
    if isinstance(sent, errors.ApiError):
        assert isinstance(received, errors.ApiError)
        assert received.status_code == sent.status_code


async def test_invalid_steps_come_back_with_every_steps_index_action_and_field() -> None:
    async with _client(_app(errors.InvalidSteps(BAD_STEPS))) as api:
        with pytest.raises(errors.InvalidSteps) as caught:
            await api.get_active_sessions()
    assert caught.value.errors == BAD_STEPS


async def test_a_result_carrying_error_comes_back_as_an_api_error_with_its_code() -> None:
    run = RunResult(
        instance_id="ab12",
        status="failed",
        error={"step_index": 1, "type": "timeout", "message": "no #buy"},
    )
    async with _client(_app(errors.StepFailed(run))) as api:
        with pytest.raises(errors.ApiError) as caught:
            await api.get_active_sessions()
    assert caught.value.code == "step_failed"
    assert caught.value.message == "step 1 failed (timeout): no #buy"


async def test_an_unknown_route_is_not_found_but_not_session_not_found() -> None:
    async with _client(_app(errors.PupiError())) as api:
        with pytest.raises(errors.NotFound) as caught:
            await api.get_session_result("x/nothing/here")
    assert not isinstance(caught.value, errors.SessionNotFound)
    assert (caught.value.code, caught.value.status_code) == ("not_found", 404)


async def test_an_answer_that_is_not_the_apis_json_is_a_plain_api_error() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(502, text="<html>"))
    async with AsyncApiClient("http://pupi.test", transport=transport) as api:
        with pytest.raises(errors.ApiError) as caught:
            await api.get_active_sessions()
    assert type(caught.value) is errors.ApiError
    assert caught.value.status_code == 502


def test_a_failed_prompt_raises_prompt_failed_carrying_the_result() -> None:
    result = PromptResult(
        status="failed",
        instance_id="abcdef123456",
        error={"type": "max_steps", "message": "gave up after 30 steps"},
    )
    with pytest.raises(errors.PromptFailed, match="gave up after 30 steps") as caught:
        result.raise_for_status()
    assert caught.value.result is result
    assert not isinstance(caught.value, errors.AgentError | errors.StepFailed)


def test_a_runs_error_is_a_model_that_still_reads_like_a_dict() -> None:
    run = RunResult(
        instance_id="ab12",
        status="failed",
        error={"step_index": 1, "type": "timeout", "message": "no #buy", "screenshot": "/s.png"},
    )
    assert run.error is not None
    assert (run.error.step_index, run.error.type, run.error.screenshot) == (1, "timeout", "/s.png")
    assert run.error["message"] == "no #buy"
    assert run.error.get("screenshot") == "/s.png"
    assert run.error.get("nothing", "default") == "default"
    with pytest.raises(KeyError):
        run.error["nothing"]
    with pytest.raises(errors.StepFailed, match=r"step 1 failed \(timeout\): no #buy") as caught:
        run.raise_for_status()
    assert caught.value.run is run
