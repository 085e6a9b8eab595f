"""``output_schema`` through the API: checked, stored with the run, handed to the runner.

Real server processes (SQLite, and PostgreSQL when configured) with the fake
runner, which validates its ``data=`` against the schema it was handed, as the
agent does; the last test runs the real agent on the demo shop.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from pydantic import BaseModel, TypeAdapter
from tests.server.pupi_service_harness import ApiServer, ServerFactory, client_for, eventually
from tests.server.test_webhooks import Receiver

from pupi.client import AsyncApiClient
from pupi.errors import InvalidOutputSchema, InvalidRequest
from pupi.server.schemas import OUTPUT_SCHEMA_LIMIT

pytestmark = pytest.mark.service

TERMINAL = ("completed", "failed", "cancelled")
PRODUCTS: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"name": {"type": "string"}, "price": {"type": "number"}},
        "required": ["name", "price"],
    },
}
MUG = [{"name": "Mug", "price": 12.5}]


class Product(BaseModel):
    name: str
    price: Decimal


def data_words(value: Any) -> str:
    """A fake runner prompt word carrying ``value`` (JSON without spaces)."""
    return "data=" + json.dumps(value, separators=(",", ":"))


async def ended(api: httpx.AsyncClient, session_id: str, n: int = 0) -> dict[str, Any]:
    async def done() -> dict[str, Any] | None:
        body: dict[str, Any] = (await api.get(f"/v1/sessions/{session_id}")).json()
        runs = body["runs"]
        return body if len(runs) > n and runs[n]["status"] in TERMINAL else None

    found: dict[str, Any] = await eventually(done, f"run {n} of {session_id} ending")
    return found


async def start(api: httpx.AsyncClient, body: dict[str, Any]) -> str:
    response = await api.post("/v1/sessions", json=body)
    assert response.status_code == 201, response.text
    session_id: str = response.json()["session_id"]
    return session_id


async def test_the_schema_is_stored_with_the_run_and_its_answer_comes_back_as_data(
    api: httpx.AsyncClient, shared_server: ApiServer
) -> None:
    session_id = await start(
        api, {"prompt": f"steps=1 answer=ok {data_words(MUG)}", "output_schema": PRODUCTS}
    )

    body = await ended(api, session_id)

    assert body["status"] == "completed", body["error"]
    assert body["data"] == MUG
    assert body["answer"] == "ok"  # the text answer, as before
    assert body["runs"][0]["data"] == MUG
    if shared_server.database_url.startswith("sqlite"):
        path = shared_server.database_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as db:
            stored, data = db.execute(
                "SELECT output_schema, data FROM session_runs WHERE session_id = ?",
                (session_id,),
            ).fetchone()
        assert json.loads(stored) == PRODUCTS
        assert json.loads(data) == MUG


async def test_an_answer_that_does_not_match_fails_the_run_with_its_problems(
    api: httpx.AsyncClient,
) -> None:
    session_id = await start(
        api, {"prompt": f"steps=1 {data_words([{'name': 'Mug'}])}", "output_schema": PRODUCTS}
    )

    body = await ended(api, session_id)

    assert body["status"] == "failed"
    assert body["data"] is None
    assert body["error"]["type"] == "output_invalid"
    assert body["error"]["errors"] == [{"path": "0.price", "message": "is required"}]


async def test_without_a_schema_the_run_has_no_data(api: httpx.AsyncClient) -> None:
    session_id = await start(api, {"prompt": f"steps=1 {data_words(MUG)}"})
    body = await ended(api, session_id)
    assert body["status"] == "completed"
    assert body["data"] is None


async def test_a_schema_the_agent_could_not_check_is_refused_before_anything_runs(
    api: httpx.AsyncClient,
) -> None:
    response = await api.post(
        "/v1/sessions",
        json={"prompt": "steps=1", "output_schema": {"type": "array", "itemz": {}}},
    )

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_output_schema"
    assert error["details"] == {"errors": ["#: unknown or unsupported keyword 'itemz'"]}
    listed = (await api.get("/v1/sessions")).json()["sessions"]
    assert listed == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param(
            {"prompt": "x", "output_schema": {"description": "x" * OUTPUT_SCHEMA_LIMIT}},
            "output_schema",
            id="too large",
        ),
        pytest.param(
            {"steps": [{"action": "go", "url": "http://x"}], "output_schema": PRODUCTS},
            "output_schema",
            id="with steps",
        ),
        pytest.param({"prompt": "x", "output_schema": [1]}, "output_schema", id="not an object"),
    ],
)
async def test_a_schema_out_of_bounds_is_a_validation_error(
    api: httpx.AsyncClient, body: dict[str, Any], field: str
) -> None:
    response = await api.post("/v1/sessions", json=body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["message"]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    hook = Receiver(failures=0)
    server = await asyncio.start_server(hook.handle, "127.0.0.1", 0)
    hook.port = server.sockets[0].getsockname()[1]
    async with server:
        yield hook


async def test_the_webhook_of_a_runs_end_carries_its_data(
    server_factory: ServerFactory, receiver: Receiver
) -> None:
    server = await server_factory(allow_hosts=(f"127.0.0.1:{receiver.port}",))
    async with client_for(server.url, await server.token()) as api:
        session_id = await start(
            api,
            {
                "prompt": f"steps=1 {data_words(MUG)}",
                "output_schema": PRODUCTS,
                "webhook_url": receiver.url,
            },
        )
        await ended(api, session_id)

    async def delivered() -> bytes | None:
        accepted = receiver.accepted()
        return accepted[0][1] if accepted else None

    payload = json.loads(await eventually(delivered, "the delivery"))
    assert (payload["session_id"], payload["data"]) == (session_id, MUG)


async def test_a_follow_up_prompt_takes_its_own_schema(api: httpx.AsyncClient) -> None:
    session_id = await start(api, {"prompt": "steps=1 answer=first", "idle_timeout_s": 60})
    await ended(api, session_id)
    count = {"type": "integer", "minimum": 0}

    response = await api.post(
        f"/v1/sessions/{session_id}/prompts",
        json={"prompt": "steps=1 data=3", "output_schema": count},
    )
    assert response.status_code == 201, response.text
    body = await ended(api, session_id, 1)

    assert [run["data"] for run in body["runs"]] == [None, 3]
    assert body["data"] == 3
    bad = await api.post(
        f"/v1/sessions/{session_id}/prompts",
        json={"prompt": "steps=1", "output_schema": {"type": "integer", "minimun": 0}},
    )
    assert bad.json()["error"]["code"] == "invalid_output_schema"
    await api.delete(f"/v1/sessions/{session_id}")


async def test_the_client_sends_a_pydantic_type_as_json_schema_and_reads_data_back(
    shared_server: ApiServer,
) -> None:
    answer = [{"name": "Mug", "price": "12.50"}]
    async with AsyncApiClient(shared_server.url, access_token=await shared_server.token()) as api:
        started = await api.send_prompt_to_ai(
            f"steps=1 {data_words(answer)}", output_schema=list[Product], idle_timeout_s=60
        )
        result = await api.wait_for_session(started.session_id, timeout_s=60)
        assert result.status == "completed", result.error
        assert result.data == answer
        assert result.runs[0].data == answer
        products = TypeAdapter(list[Product]).validate_python(result.data)
        assert products == [Product(name="Mug", price=Decimal("12.50"))]

        follow = await api.send_prompt_to_session(
            started.session_id, "steps=1 data=[]", output_schema=list[Product]
        )
        assert follow.run == 1
        with pytest.raises(InvalidOutputSchema, match="minimun"):
            await api.send_prompt_to_ai("steps=1", output_schema={"type": "integer", "minimun": 1})
        with pytest.raises(InvalidRequest, match="output_schema"):
            await api._request(
                "POST", "/v1/sessions", json={"prompt": "steps=1", "output_schema": "int"}
            )
        await api.close_session(started.session_id)


@pytest.mark.browser
async def test_the_real_agent_fills_the_schema_on_the_demo_shop(
    server_factory: ServerFactory, demo_url: str
) -> None:
    server = await server_factory(fake_runner=False, allow_hosts=("127.0.0.1",))
    async with AsyncApiClient(server.url, access_token=await server.token()) as api:
        started = await api.send_prompt_to_ai(
            "list the products with their name and price",
            start_url=f"{demo_url}/shop",
            output_schema=list[Product],
        )
        result = await api.wait_for_session(started.session_id, timeout_s=90)

    assert result.status == "completed", (result.error, server.log()[-3000:])
    assert result.data is not None and len(result.data) == 12
    assert result.data[0] == {"name": "Wireless Mouse", "price": "24.00"}
    products = TypeAdapter(list[Product]).validate_python(result.data)
    assert products[3] == Product(name="Ceramic Coffee Mug", price=Decimal("12.50"))
    assert "$24.00" in str(result.answer)
