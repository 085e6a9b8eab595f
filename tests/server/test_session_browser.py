"""Browser state and files in remote sessions, with real Chromium behind a real ``pupi serve``.

Logins go from a local instance to a session and back, profiles carry one
session's login to the next, a session's own proxy carries its traffic (the
fetch policy still judging it), emulation reaches the page, files go up with
the request and come back down from the page. Secrets given to the server are
looked for in everything it says and logs.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlsplit

import pytest
from tests.browser.test_emulation import info_steps
from tests.browser.test_storage_state import login_steps, whoami_steps
from tests.proxies import CountingProxy
from tests.server.pupi_service_harness import ApiServer, ServerFactory

from pupi import PupiPuppeteerSDK
from pupi.client import AsyncApiClient, SessionResult

pytestmark = [pytest.mark.service, pytest.mark.browser]

WAIT_S = 90
PASSWORD = "s3ssion-Pr0xy-pw-51f"
LOGGED_IN = "Logged in as ada"


@pytest.fixture
async def server(server_factory: ServerFactory) -> ApiServer:
    # 127.0.0.1: the demo site and the test proxies are on loopback.
    return await server_factory(fake_runner=False, allow_hosts=("127.0.0.1",))


async def finished(api: AsyncApiClient, session_id: str, server: ApiServer) -> SessionResult:
    result = await api.wait_for_session(session_id, timeout_s=WAIT_S)
    assert result.status == "completed", (result.error, server.log()[-3000:])
    return result


async def test_a_login_goes_from_a_local_instance_to_a_session_and_back(
    server: ApiServer, demo_url: str
) -> None:
    local = PupiPuppeteerSDK()
    try:
        run = await local.execute_steps_locally(login_steps(demo_url))
        state = await local.save_storage_state(run.raise_for_status().instance_id)
        cookie = next(c["value"] for c in state["cookies"] if c.get("httpOnly"))
        async with AsyncApiClient(server.url, access_token=await server.token()) as api:
            started = await api.execute_steps_remotely(
                whoami_steps(demo_url), storage_state=state, save_state=True
            )
            result = await finished(api, started.session_id, server)
            assert result.outputs is not None
            assert result.outputs["login"] == LOGGED_IN  # the cookie, from the server
            assert result.outputs["remembered"] == "ada"  # local storage, from the page
            assert result.options is not None and result.options["storage_state"] == "(given)"

            # And back: the session's saved state logs a fresh local instance in.
            saved = await api.get_storage_state(started.session_id)
            again = await local.execute_steps_locally(whoami_steps(demo_url), storage_state=saved)
            assert again.raise_for_status().outputs["login"] == LOGGED_IN

            body = (await api._request("GET", f"/v1/sessions/{started.session_id}")).text
            stream = api.iter_session_events(started.session_id)
            events = [event.model_dump_json() async for event in stream]
        for text in (body, *events, server.log()):
            assert cookie not in text
    finally:
        await local.aclose()


async def test_a_profile_keeps_a_login_from_one_session_to_the_next(
    server: ApiServer, demo_url: str
) -> None:
    async with AsyncApiClient(server.url, access_token=await server.token()) as api:
        first = await api.execute_steps_remotely(login_steps(demo_url), profile="shop")
        await finished(api, first.session_id, server)
        second = await api.execute_steps_remotely(whoami_steps(demo_url), profile="shop")
        result = await finished(api, second.session_id, server)
        assert result.outputs is not None
        assert (result.outputs["login"], result.outputs["remembered"]) == (LOGGED_IN, "ada")
        assert result.profile == "shop"

        elsewhere = await api.execute_steps_remotely(whoami_steps(demo_url), profile="other")
        other = await finished(api, elsewhere.session_id, server)
        assert other.outputs is not None and other.outputs["login"] == "Not logged in"


async def test_emulation_reaches_the_page(server: ApiServer, demo_url: str) -> None:
    async with AsyncApiClient(server.url, access_token=await server.token()) as api:
        started = await api.execute_steps_remotely(
            info_steps(demo_url, "x-pupi-test"),
            device="iPhone 15",
            locale="de-DE",
            timezone_id="Asia/Tokyo",
            color_scheme="dark",
            extra_http_headers={"X-Pupi-Test": "from-the-session"},
        )
        outputs = (await finished(api, started.session_id, server)).outputs
    assert outputs is not None
    assert "iPhone" in outputs["user_agent"]
    assert outputs["viewport_width"] == "393"
    assert outputs["language"] == "de-DE"
    assert outputs["time_zone"] == "Asia/Tokyo"
    assert outputs["color_scheme"] == "dark"
    assert outputs["header_x_pupi_test"] == "from-the-session"


async def test_a_sessions_own_proxy_carries_its_traffic_and_its_password_stays_secret(
    server: ApiServer, demo_url: str
) -> None:
    demo_host = urlsplit(demo_url).netloc
    async with (
        CountingProxy(username="ada", password=PASSWORD) as proxy,
        AsyncApiClient(server.url, access_token=await server.token()) as api,
    ):
        started = await api.execute_steps_remotely(
            whoami_steps(demo_url),
            proxy={"server": proxy.url, "username": "ada", "password": PASSWORD},
        )
        result = await finished(api, started.session_id, server)
        assert result.outputs is not None and result.outputs["login"] == "Not logged in"
        # The egress proxy reached the demo through the session's proxy, by address.
        assert proxy.hits[demo_host] > 0
        assert ("ada", PASSWORD) in proxy.presented

        # The fetch policy still holds: a destination it refuses never reaches the proxy.
        before = sum(proxy.hits.values())
        refused = await api.execute_steps_remotely(
            [{"action": "go", "url": "http://169.254.169.254/latest/meta-data/"}],
            proxy={"server": proxy.url, "username": "ada", "password": PASSWORD},
        )
        failed = await api.wait_for_session(refused.session_id, timeout_s=WAIT_S)
        assert failed.status == "failed"
        assert sum(proxy.hits.values()) == before

        texts = [
            (await api._request("GET", f"/v1/sessions/{sid}")).text
            for sid in (started.session_id, refused.session_id)
        ]
    for text in (*texts, server.log()):
        assert PASSWORD not in text
        assert base64.b64encode(f"ada:{PASSWORD}".encode()).decode() not in text


async def test_files_go_up_with_the_request_and_downloads_come_back(
    server: ApiServer, demo_url: str
) -> None:
    upload: list[dict[str, Any]] = [
        {"action": "go", "url": f"{demo_url}/upload"},
        {"action": "upload", "selector": "#file", "files": "notes.txt"},
        {
            "action": "evaluate",
            "script": "() => document.querySelector('#file').files[0].name + ':' "
            "+ document.querySelector('#file').files[0].size",
            "as": "chosen",
        },
        {"action": "go", "url": f"{demo_url}/downloads"},
        {"action": "click", "selector": "#report-link"},
    ]
    async with AsyncApiClient(server.url, access_token=await server.token()) as api:
        started = await api.execute_steps_remotely(upload, files={"notes.txt": b"twelve bytes"})
        result = await finished(api, started.session_id, server)
        assert result.outputs is not None and result.outputs["chosen"] == "notes.txt:12"
        # Recorded as sent: the upload names its file, not where the worker put it.
        assert result.steps[1]["files"] == ["notes.txt"]
        kinds = {(file.kind, file.name) for file in result.files}
        assert kinds == {("upload", "notes.txt"), ("download", "report.csv")}
        report = next(file for file in result.files if file.kind == "download")
        assert report.content_type.startswith("text/csv")
        data = await api.download_session_file(started.session_id, "report.csv")
        assert len(data) == report.size > 0
        assert data.splitlines()[0] == b"id,name,category,price"


async def test_a_socks5_proxy_and_tabs_work_in_a_session(server: ApiServer, demo_url: str) -> None:
    demo_host = urlsplit(demo_url).netloc
    steps: list[dict[str, Any]] = [
        {"action": "go", "url": f"{demo_url}/popups"},
        {"action": "click", "selector": "#open-popup", "popup": "stay"},
        {"action": "switch_tab", "title": "Opened tab"},
        {"action": "extract", "selector": "#opened-by", "as": "opened_by"},
        {"action": "close_tab"},
        {"action": "extract", "selector": "h1", "as": "back_on"},
    ]
    async with (
        CountingProxy(mode="socks5") as proxy,
        AsyncApiClient(server.url, access_token=await server.token()) as api,
    ):
        started = await api.execute_steps_remotely(steps, proxy={"server": proxy.url})
        result = await finished(api, started.session_id, server)
    assert result.outputs is not None
    assert "Opened by" in result.outputs["opened_by"]
    assert result.outputs["back_on"] == "Popups"
    assert proxy.hits[demo_host] > 0  # the egress proxy tunnelled through SOCKS5


async def test_steps_recorded_by_the_agent_heal_in_a_session(server: ApiServer) -> None:
    from pupi.browser.instances import get_manager
    from pupi.demo import DemoServer

    with DemoServer(host="127.0.0.1", port=0) as site:
        task = (
            f"Go to {site.url}/login, type ada into the username field, type lovelace "
            "into the password field and click Log in"
        )
        recorded = await PupiPuppeteerSDK().run_prompt_locally(task)
        await get_manager().close(recorded.instance_id)
        assert recorded.ok, recorded.error
        site.variant = 1  # ids, classes and layout change: the selectors break
        site.reset()  # the recording logged in
        async with AsyncApiClient(server.url, access_token=await server.token()) as api:
            plain = await api.execute_steps_remotely(recorded.steps, timeout_s=10)
            broken = await api.wait_for_session(plain.session_id, timeout_s=WAIT_S)
            assert broken.status == "failed"
            assert site.state()["logins"] == []

            healing = await api.execute_steps_remotely(recorded.steps, heal=True)
            healed = await finished(api, healing.session_id, server)
        assert site.state()["logins"] == ["ada"]
        changed = [
            (before["selector"], after["selector"])
            for before, after in zip(recorded.steps, healed.steps, strict=True)
            if before.get("selector") != after.get("selector")
        ]
        assert changed  # the session keeps the healed selectors, which replay as they are
