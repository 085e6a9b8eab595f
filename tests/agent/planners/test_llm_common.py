"""The LLM planners' shared pure parts: retry delays, settings from the environment,
adding up a streamed completion, and reading vision settings."""

from __future__ import annotations

from typing import Any

import pytest

from pupi.agent.observe import Vision
from pupi.agent.observe.vision import vision_from, vision_from_env
from pupi.agent.planners.llm_common import env_options, retry_delay
from pupi.agent.planners.openai_stream import CompletionStream
from pupi.errors import AgentError


@pytest.mark.parametrize(
    ("headers", "retry", "expected"),
    [
        pytest.param({"retry-after": "3"}, 1, 3.0, id="retry-after-seconds"),
        pytest.param({"retry-after": "0"}, 2, 0.0, id="retry-after-zero"),
        pytest.param({"retry-after-ms": "250", "retry-after": "9"}, 1, 0.25, id="ms-wins"),
        pytest.param({"retry-after": "3600"}, 1, 10.0, id="capped"),
        pytest.param({"retry-after": "-5"}, 1, 0.0, id="never-negative"),
        pytest.param({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}, 1, 0.5, id="date-backs-off"),
        pytest.param(None, 1, 0.5, id="first-backoff"),
        pytest.param(None, 3, 2.0, id="doubles"),
        pytest.param(None, 10, 10.0, id="backoff-capped"),
    ],
)
def test_the_retry_delay_follows_the_server_then_backs_off_within_the_cap(
    headers: dict[str, str] | None, retry: int, expected: float
) -> None:
    assert retry_delay(headers, retry, backoff=0.5, cap=10.0) == expected


def test_env_options_read_vision_timeout_and_retries() -> None:
    env = {"PUPI_LLM_VISION": "marks", "PUPI_LLM_TIMEOUT": "2.5", "PUPI_LLM_MAX_RETRIES": "4"}

    options = env_options(env, {})

    assert options == {"vision": Vision(marks=True), "timeout": 2.5, "max_retries": 4}


def test_explicit_options_win_over_the_environment() -> None:
    env = {"PUPI_LLM_VISION": "1", "PUPI_LLM_MAX_RETRIES": "4"}

    options = env_options(env, {"vision": False, "max_retries": 0})

    assert options == {"vision": False, "max_retries": 0}


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        pytest.param({"PUPI_LLM_VISION": "pictures"}, "PUPI_LLM_VISION", id="vision"),
        pytest.param({"PUPI_LLM_TIMEOUT": "soon"}, "PUPI_LLM_TIMEOUT", id="timeout"),
        pytest.param({"PUPI_LLM_MAX_RETRIES": "-1"}, "PUPI_LLM_MAX_RETRIES", id="negative"),
    ],
)
def test_a_setting_that_does_not_parse_is_named(env: dict[str, str], variable: str) -> None:
    with pytest.raises(AgentError, match=variable):
        env_options(env, {})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(None, None, id="none"),
        pytest.param(False, None, id="false"),
        pytest.param(True, Vision(), id="true"),
        pytest.param("marks", Vision(marks=True), id="marks"),
        pytest.param(Vision(quality=40), Vision(quality=40), id="vision"),
    ],
)
def test_vision_is_asked_for_with_a_flag_marks_or_a_vision(value: Any, expected: Any) -> None:
    assert vision_from(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", None, id="unset"),
        pytest.param("0", None, id="zero"),
        pytest.param(" TRUE ", Vision(), id="true"),
        pytest.param("marks", Vision(marks=True), id="marks"),
    ],
)
def test_pupi_llm_vision_reads_as_a_flag_or_marks(text: str, expected: Vision | None) -> None:
    assert vision_from_env(text) == expected


def test_a_vision_refuses_bounds_that_cannot_hold_a_picture() -> None:
    with pytest.raises(ValueError, match="max_bytes"):
        Vision(max_bytes=10)
    with pytest.raises(ValueError, match="quality"):
        Vision(quality=0)


def test_streamed_tool_call_pieces_add_up_to_one_completion() -> None:
    stream = CompletionStream()
    chunks: list[dict[str, Any]] = [
        {"id": "c1", "model": "m", "choices": [{"index": 0, "delta": {"role": "assistant"}}]},
        {
            "choices": [
                {
                    "index": 0,
                    "delta": {
                        "tool_calls": [
                            {
                                "index": 0,
                                "id": "call_9",
                                "type": "function",
                                "function": {"name": "decide", "arguments": '{"do'},
                            }
                        ]
                    },
                }
            ]
        },
        {
            "choices": [
                {
                    "index": 0,
                    "delta": {
                        "tool_calls": [
                            {"index": 0, "function": {"name": "decide", "arguments": 'ne": true}'}}
                        ]
                    },
                }
            ]
        },
        {"choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]},
        {"choices": [], "usage": {"prompt_tokens": 7, "completion_tokens": 3}},
    ]
    for chunk in chunks:
        stream.add(chunk)

    body = stream.body()

    assert body["choices"][0]["message"]["tool_calls"] == [
        {
            "id": "call_9",
            "type": "function",
            "function": {"name": "decide", "arguments": '{"done": true}'},
        }
    ]
    assert body["choices"][0]["finish_reason"] == "tool_calls"
    assert body["usage"] == {"prompt_tokens": 7, "completion_tokens": 3}
    assert body["id"] == "c1"


def test_streamed_content_pieces_add_up_and_an_error_chunk_is_kept() -> None:
    stream = CompletionStream()
    for piece in ('{"done": ', "true}"):
        stream.add({"choices": [{"index": 0, "delta": {"content": piece}}]})
    stream.add({"error": {"message": "model unloaded"}})

    assert stream.body()["choices"][0]["message"]["content"] == '{"done": true}'
    assert stream.error == {"message": "model unloaded"}
