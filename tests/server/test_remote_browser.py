"""A worker's browsers: a remote Chromium over CDP, none left behind by a killed worker,
and an open session's page kept across its runs and closed with it.

Real processes on one PostgreSQL: an API-only node, a ``pupi worker`` running
the real agent ("rules" planner), and, for the CDP case, a Chromium this test
starts itself with ``--remote-debugging-port``. The waits bound how long a state
may take to arrive; nothing here times anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest
from tests.processes import browsers_of, still_running
from tests.server.pupi_service_harness import (
    POSTGRES_ONLY,
    Cluster,
    WorkerProcess,
    client_for,
    eventually,
    make_token,
    poll,
)

from pupi.browser import reaper
from pupi.browser.discovery import find_browser
from pupi.client import AsyncApiClient
from pupi.demo import DemoServer
from pupi.demo.app import Site
from pupi.demo.web import Request, Response

pytestmark = [pytest.mark.service, pytest.mark.browser, *POSTGRES_ONLY]

TERMINAL = ("completed", "failed", "cancelled")

SURVIVAL_GRACE_S = 30
"""How long a killed worker's browser processes may take to be gone (each takes milliseconds)."""


@dataclass
class RemoteChromium:
    """A Chromium started by the test, as a browser service would run one."""

    process: subprocess.Popen[bytes]
    port: int
    user_agent: str
    """Sent with every request its pages make: tells its requests from any other browser's."""

    @property
    def cdp_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def alive(self) -> bool:
        return self.process.poll() is None


@pytest.fixture
def remote_chromium(tmp_path: Path) -> Iterator[RemoteChromium]:
    profile = tmp_path / "remote-profile"
    user_agent = f"PupiRemoteChromium/{uuid.uuid4().hex}"
    command = [
        find_browser().path,
        "--headless=new",
        "--remote-debugging-port=0",
        f"--user-data-dir={profile}",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-agent={user_agent}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--no-sandbox")  # Chromium refuses to sandbox as root.
    command.append("about:blank")
    log = (tmp_path / "remote-chromium.log").open("wb")
    # A process group of its own, so that it can be killed whole at the end.
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    log.close()
    try:
        port = _devtools_port(profile / "DevToolsActivePort", process, tmp_path)
        yield RemoteChromium(process, port, user_agent)
    finally:
        try:
            tree = psutil.Process(process.pid).children(recursive=True)
        except psutil.Error:
            tree = []
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(30)
        _kill(tree)  # any that left the process group


def _devtools_port(path: Path, process: subprocess.Popen[bytes], logs: Path) -> int:
    """The port Chromium chose, from the file it writes once it listens."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (logs / "remote-chromium.log").read_text(errors="replace")
            raise RuntimeError(f"Chromium exited early:\n{log}")
        lines = path.read_text().splitlines() if path.exists() else []
        # Written as "PORT\n/devtools/browser/ID"; the second line means the first is whole.
        if len(lines) >= 2 and lines[0].isdigit():
            return int(lines[0])
        time.sleep(0.05)
    raise RuntimeError("Chromium wrote no DevToolsActivePort in 60 s")


def _describe(processes: list[psutil.Process]) -> list[dict[str, Any]]:
    described = []
    for process in processes:
        try:
            described.append(
                {
                    "pid": process.pid,
                    "ppid": process.ppid(),
                    "pgid": os.getpgid(process.pid),
                    "status": process.status(),
                    "cmdline": process.cmdline()[:3],
                }
            )
        except (psutil.Error, ProcessLookupError):
            continue
    return described


def _kill(processes: list[psutil.Process]) -> None:
    for process in still_running(processes):
        with contextlib.suppress(psutil.Error):
            process.kill()
    psutil.wait_procs(processes, timeout=5)


def _chromium_under(pid: int) -> list[psutil.Process]:
    """The Chromium processes among ``pid``'s descendants (its Playwright driver is node)."""
    try:
        descendants = psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []
    found = []
    for process in descendants:
        with contextlib.suppress(psutil.Error):
            if "chrom" in process.name().lower():
                found.append(process)
    return found


@pytest.fixture
def demo_requests(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """(path, User-Agent) of every request the demo site answers during the test."""
    seen: list[tuple[str, str]] = []
    handle = Site.handle

    def recording(site: Site, request: Request) -> Response:
        seen.append((request.path, request.headers.get("User-Agent", "")))
        return handle(site, request)

    monkeypatch.setattr(Site, "handle", recording)
    return seen


async def start(api: httpx.AsyncClient, prompt: str, **options: Any) -> str:
    response = await api.post("/v1/sessions", json={"prompt": prompt, **options})
    assert response.status_code == 201, response.text
    session_id: str = response.json()["session_id"]
    return session_id


async def find_the_price(api: httpx.AsyncClient, demo_url: str, worker: WorkerProcess) -> None:
    """The real agent's offline prompt on the demo shop, run to its end."""
    prompt = f"Find the price of the first product on {demo_url}/shop"
    session_id = await start(api, prompt, planner="rules")
    result = await poll(api, session_id, *TERMINAL)
    assert result["status"] == "completed", (result["error"], worker.log()[-3000:])
    assert "$24.00" in str(result["answer"])
    assert result["steps"][0]["action"] == "go"
    assert result["step_results"]


async def test_a_worker_runs_sessions_on_a_remote_chromium(
    cluster: Cluster,
    remote_chromium: RemoteChromium,
    demo_site: DemoServer,
    demo_url: str,
    demo_requests: list[tuple[str, str]],
) -> None:
    api_node = await cluster.api_node()
    token = await make_token(cluster.database_url, "cdp")
    allow_hosts = (f"{demo_site.host}:{demo_site.port}",)
    on_remote = ("--cdp-url", remote_chromium.cdp_url)
    first = await cluster.worker(
        "first", fake_runner=False, allow_hosts=allow_hosts, args=on_remote
    )
    workers = [first]
    own_browsers: list[dict[str, Any]] = []
    done = asyncio.Event()

    async def watch_the_workers() -> None:
        # A Chromium a worker launched at any time during the sessions shows up here.
        while not done.is_set():
            for worker in workers:
                found = browsers_of(worker.pid) + _chromium_under(worker.pid)
                own_browsers.extend(_describe(found))
            await asyncio.sleep(0.1)

    watcher = asyncio.create_task(watch_the_workers())
    try:
        async with client_for(api_node.url, token) as api:
            # The second session reuses the worker's connection to the browser.
            for _ in range(2):
                await find_the_price(api, demo_url, first)
            # A worker leaving (gracefully) disconnects from the browser; it does
            # not close it, and the next worker runs its sessions there.
            await asyncio.to_thread(first.stop)
            assert first.process is not None
            assert first.process.returncode == 0, first.log()[-3000:]
            assert remote_chromium.alive()
            second = await cluster.worker(
                "second", fake_runner=False, allow_hosts=allow_hosts, args=on_remote
            )
            workers.append(second)
            await find_the_price(api, demo_url, second)
    finally:
        done.set()
        await watcher
    assert own_browsers == []
    assert browsers_of(second.pid) == []
    assert _chromium_under(second.pid) == []
    assert remote_chromium.alive()
    # The pages were the remote Chromium's: its user agent asked for the shop, every time.
    shop = [agent for path, agent in demo_requests if path == "/shop"]
    assert len(shop) >= 3
    assert set(shop) == {remote_chromium.user_agent}, demo_requests


async def test_a_killed_worker_leaves_no_browser_behind(cluster: Cluster) -> None:
    # The agent's first step opens a page that never answers: the session is
    # certainly mid-run, with its Chromium up, when the worker is killed.
    asked = asyncio.Event()
    hang_up = asyncio.Event()

    async def never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(100)
        asked.set()
        await hang_up.wait()
        writer.close()

    target = await asyncio.start_server(never_answer, "127.0.0.1", 0)
    port = target.sockets[0].getsockname()[1]
    tree: list[psutil.Process] = []
    try:
        api_node = await cluster.api_node()
        worker = await cluster.worker(
            "doomed", fake_runner=False, allow_hosts=(f"127.0.0.1:{port}",)
        )
        token = await make_token(cluster.database_url, "killed")
        async with client_for(api_node.url, token) as api:
            session_id = await start(
                api,
                f"Find the price of the first product on http://127.0.0.1:{port}/shop",
                planner="rules",
                timeout_s=600,
            )
            await asyncio.wait_for(asked.wait(), 60)
            assert (await api.get(f"/v1/sessions/{session_id}")).json()["status"] == "running"

            async def has_a_browser() -> list[psutil.Process]:
                return browsers_of(worker.pid)

            browsers = await eventually(has_a_browser, "the worker's Chromium")
            # Taken before the kill: afterwards they are no longer the worker's descendants.
            tree = psutil.Process(worker.pid).children(recursive=True)
            known = {process.pid for process in tree}
            tree += [process for process in browsers if process.pid not in known]
            main = reaper.browser_pids(f"--pupi-owner={worker.pid}")
            assert main and set(main) <= known, "the worker's Chromium is not its descendant"
            worker.kill()  # SIGKILL: no atexit hook, no signal handler, no reaper runs

            def survivors() -> list[psutil.Process]:
                found = still_running(tree)
                seen = {process.pid for process in found}
                return found + [
                    p for p in still_running(browsers_of(worker.pid)) if p.pid not in seen
                ]

            deadline = time.monotonic() + SURVIVAL_GRACE_S
            while True:
                left = survivors()
                if not left or time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.1)
            tree += left  # for the cleanup below
            # Each survivor with its parent and process group: who should have killed it.
            assert _describe(left) == [], f"alive {SURVIVAL_GRACE_S} s after the worker's SIGKILL"

            ended = await poll(api, session_id, *TERMINAL)
            assert ended["status"] == "failed"
            assert ended["error"]["type"] == "worker_lost"
    finally:
        _kill(tree)  # whatever survived, so that no test after this one inherits it
        hang_up.set()
        target.close()
        await target.wait_closed()


async def _pages(chromium: RemoteChromium) -> list[str]:
    """The URLs of the remote Chromium's open pages (DevTools' target list)."""
    async with httpx.AsyncClient(timeout=10) as devtools:
        targets = (await devtools.get(f"{chromium.cdp_url}/json/list")).json()
    return [target["url"] for target in targets if target["type"] == "page"]


async def test_an_open_session_keeps_its_login_across_runs_and_its_page_goes_with_it(
    cluster: Cluster, remote_chromium: RemoteChromium, demo_site: DemoServer, demo_url: str
) -> None:
    api_node = await cluster.api_node()
    token = await make_token(cluster.database_url, "live")
    await cluster.worker(
        "one",
        fake_runner=False,
        allow_hosts=(f"{demo_site.host}:{demo_site.port}",),
        args=("--cdp-url", remote_chromium.cdp_url),
    )
    before = await _pages(remote_chromium)
    async with AsyncApiClient(api_node.url, access_token=token) as api:
        started = await api.send_prompt_to_ai(
            f"Go to {demo_url}/login and log in as ada with password lovelace",
            idle_timeout_s=600,
        )
        first = await api.wait_for_session(started.session_id, timeout_s=120)
        assert first.status == "completed", first.error
        assert first.open
        assert len(await _pages(remote_chromium)) == len(before) + 1  # the session's page, kept
        # Its page, live, from the worker through the database to the API node.
        async for frame in api.watch_session(started.session_id):
            assert frame.content_type == "image/jpeg"
            assert frame.data[:3] == b"\xff\xd8\xff"
            break

        # Steps in the same browser: /account answers only a logged-in visitor.
        steps = [
            {"action": "go", "url": f"{demo_url}/account"},
            {"action": "extract", "selector": "#account-username", "as": "user"},
        ]
        ran = await api.execute_steps_remotely(steps, session_id=started.session_id)
        assert ran.run == 1
        second = await api.wait_for_session(started.session_id, timeout_s=120)
        assert second.status == "completed", second.error
        assert second.outputs == {"user": "ada"}

        asked = await api.send_prompt_to_session(
            started.session_id, f"Open {demo_url}/account and tell me the full name"
        )
        assert asked.run == 2
        third = await api.wait_for_session(started.session_id, timeout_s=120)
        assert third.status == "completed", third.error
        assert third.answer == "Ada Lovelace"
        assert [run.kind for run in third.runs] == ["prompt", "steps", "prompt"]

        closed = await api.close_session(started.session_id)
        assert not closed.open

        async def page_gone() -> bool:
            return len(await _pages(remote_chromium)) == len(before)

        await eventually(page_gone, "the closed session's page gone")

        # Idle past its timeout, a session's page goes too, and it is closed.
        idle = await api.send_prompt_to_ai(
            f"Find the price of the first product on {demo_url}/shop", idle_timeout_s=1
        )
        done = await api.wait_for_session(idle.session_id, timeout_s=120)
        assert done.status == "completed", done.error

        async def expired() -> bool:
            result = await api.get_session_result(idle.session_id)
            return result.close_reason == "idle" and not result.open

        await eventually(expired, "the idle session closed by expiry")
        await eventually(page_gone, "the expired session's page gone")
    assert remote_chromium.alive()
