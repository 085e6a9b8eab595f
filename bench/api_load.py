"""Load figures for the Pupi AI API server, on loopback only, in bounded loops.

    .venv/bin/python bench/api_load.py                # fake runner: measures the API itself
    .venv/bin/python bench/api_load.py --real-agent   # 20 sessions with the real agent + demo site

It starts its own `pupi serve` on a free loopback port with a temporary SQLite
database and reports:

1. GET /v1/sessions/{id} with 50 concurrent clients: requests/s, p50, p99;
2. prompt-to-running latency when workers are free (POST sent -> the session's
   ``started_at``, and -> the client seeing ``running``), median and p90;
3. closing a running session: how long the DELETE takes (the contract says 2 s),
   with the fake runner, and with ``--real-agent`` for an agent stuck in a ``go``
   to a page that never answers;
4. 20 sessions sent at once: all complete? and how long until the last one ends.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.server.pupi_service_harness import ApiServer  # noqa: E402


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def _raw_get(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> int:
    """One keep-alive HTTP/1.1 GET on an open connection; returns the status."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    return int(head.split(b" ", 2)[1])


async def _hammer(
    url: str, token: str, session_id: str, *, clients: int, seconds: float, rate: float = 0
) -> tuple[list[float], int, float]:
    """``clients`` keep-alive connections GETting one session for ``seconds``.

    With ``rate`` (requests per second, all clients together) each client sends
    on a fixed schedule, and a latency counts from the time the request was due,
    so a stalled server is charged for the requests it delayed. Without it the
    clients send as fast as answers come (the server's throughput).

    A minimal HTTP/1.1 client on asyncio streams: httpx costs the load generator
    more CPU per request than the server spends answering, which on a 2-core
    machine would measure the client, not the server.
    """
    host, port = url.removeprefix("http://").split(":")
    request = (
        f"GET /v1/sessions/{session_id} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Authorization: Bearer {token}\r\n\r\n"
    ).encode()
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    interval = clients / rate if rate else 0.0

    async def one_client(offset: float) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            await _raw_get(reader, writer, request)  # warm-up
            due = time.perf_counter() + offset
            while time.perf_counter() < deadline:
                if interval:
                    await asyncio.sleep(max(0.0, due - time.perf_counter()))
                    began, due = due, due + interval
                else:
                    began = time.perf_counter()
                status = await _raw_get(reader, writer, request)
                latencies.append(time.perf_counter() - began)
                errors += status != 200
        finally:
            writer.close()
            await writer.wait_closed()

    began = time.perf_counter()
    await asyncio.gather(*(one_client(interval * i / clients) for i in range(clients)))
    return latencies, errors, time.perf_counter() - began


async def get_throughput(
    server: ApiServer,
    token: str,
    *,
    clients: int,
    seconds: float,
    processes: int,
    rate: float = 0,
) -> dict[str, float]:
    """GET one session from ``clients`` connections spread over ``processes`` processes.

    The connections are shared among ``processes`` load-generating processes,
    as real clients would be separate programs.
    """
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=server.url, headers=headers) as api:
        created = await api.post("/v1/sessions", json={"prompt": "steps=3"})
        session_id = created.json()["session_id"]
        await asyncio.sleep(0.5)
    share = [clients // processes + (i < clients % processes) for i in range(processes)]
    children = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            "--child",
            server.url,
            token,
            session_id,
            str(n),
            str(seconds),
            str(rate * n / clients),
            stdout=asyncio.subprocess.PIPE,
        )
        for n in share
    ]
    outputs = [json.loads((await child.communicate())[0]) for child in children]
    latencies = [value for out in outputs for value in out["latencies"]]
    elapsed = max(out["elapsed"] for out in outputs)
    return {
        "clients": clients,
        "processes": processes,
        "target_rate": rate or "as fast as answered",
        "requests": len(latencies),
        "errors": sum(out["errors"] for out in outputs),
        "req_per_s": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 0.5) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
    }


async def prompt_to_running(server: ApiServer, token: str, *, samples: int) -> dict[str, float]:
    headers = {"Authorization": f"Bearer {token}"}
    to_started: list[float] = []
    to_seen: list[float] = []
    async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=30) as api:
        for _ in range(samples):
            sent = time.time()
            sent_perf = time.perf_counter()
            created = (await api.post("/v1/sessions", json={"prompt": "steps=1"})).json()
            path = f"/v1/sessions/{created['session_id']}"
            while True:
                body = (await api.get(path)).json()
                if body["status"] != "queued":
                    to_seen.append(time.perf_counter() - sent_perf)
                    break
            started = datetime.fromisoformat(body["started_at"]).timestamp()
            to_started.append(started - sent)
            while body["status"] in {"queued", "running"}:  # keep capacity free
                await asyncio.sleep(0.01)
                body = (await api.get(path)).json()
    return {
        "samples": samples,
        "to_started_median_ms": statistics.median(to_started) * 1000,
        "to_started_p90_ms": percentile(to_started, 0.9) * 1000,
        "client_sees_running_median_ms": statistics.median(to_seen) * 1000,
    }


async def _until(check: Callable[[], Awaitable[bool]]) -> None:
    while True:
        if await check():
            return
        await asyncio.sleep(0.01)


async def _status_is(api: httpx.AsyncClient, path: str, status: str) -> bool:
    return bool((await api.get(path)).json()["status"] == status)


async def _nothing_running(api: httpx.AsyncClient) -> bool:
    return bool((await api.get("/healthz")).json()["running"] == 0)


async def close_running(
    server: ApiServer, token: str, *, samples: int, prompt: str
) -> dict[str, float]:
    """Start a session, wait until it runs, time its DELETE; ``samples`` times."""
    headers = {"Authorization": f"Bearer {token}"}
    took: list[float] = []
    async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=60) as api:
        for _ in range(samples):
            created = (await api.post("/v1/sessions", json={"prompt": prompt})).json()
            path = f"/v1/sessions/{created['session_id']}"
            await _until(functools.partial(_status_is, api, path, "running"))
            await asyncio.sleep(0.3)  # into the run, past its first steps
            began = time.perf_counter()
            closed = (await api.delete(path)).json()
            took.append(time.perf_counter() - began)
            assert closed["status"] == "cancelled", closed
            # Unwound: its worker is free again for the next sample.
            await _until(functools.partial(_nothing_running, api))
    return {
        "samples": samples,
        "close_median_ms": statistics.median(took) * 1000,
        "close_max_ms": max(took) * 1000,
    }


async def _never_answering_site() -> tuple[asyncio.Server, asyncio.Event]:
    """A loopback server that reads each request and never answers it (until the event)."""
    hang_up = asyncio.Event()

    async def never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(100)
        await hang_up.wait()
        writer.close()

    return await asyncio.start_server(never_answer, "127.0.0.1", 0), hang_up


async def concurrent_sessions(
    server: ApiServer, token: str, *, count: int, prompt: str, timeout_s: float
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=60) as api:
        began = time.perf_counter()
        responses = await asyncio.gather(
            *(api.post("/v1/sessions", json={"prompt": prompt}) for _ in range(count))
        )
        ids = [response.json()["session_id"] for response in responses]
        final: dict[str, str] = {}
        deadline = time.perf_counter() + timeout_s
        while len(final) < count and time.perf_counter() < deadline:
            for session_id in ids:
                if session_id in final:
                    continue
                body = (await api.get(f"/v1/sessions/{session_id}")).json()
                if body["status"] in {"completed", "failed", "cancelled"}:
                    final[session_id] = body["status"]
            await asyncio.sleep(0.1)
        elapsed = time.perf_counter() - began
        await api.delete("/v1/sessions")
    statuses = list(final.values())
    return {
        "sessions": count,
        "completed": statuses.count("completed"),
        "failed": statuses.count("failed"),
        "unfinished": count - len(final),
        "all_done_s": elapsed,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--processes", type=int, default=1, help="load-generating processes")
    parser.add_argument("--child", nargs=6, help=argparse.SUPPRESS)
    parser.add_argument(
        "--rate", type=float, default=1000.0, help="paced GET load, requests per second"
    )
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument(
        "--real-agent",
        action="store_true",
        help="Run the 20 sessions with the real agent on the demo site.",
    )
    parser.add_argument("--json", type=Path, help="Also write the figures to this file.")
    args = parser.parse_args()
    if args.child:
        url, token, session_id, clients, seconds, rate = args.child
        latencies, errors, elapsed = await _hammer(
            url,
            token,
            session_id,
            clients=int(clients),
            seconds=float(seconds),
            rate=float(rate),
        )
        print(json.dumps({"latencies": latencies, "errors": errors, "elapsed": elapsed}))
        return
    figures: dict[str, Any] = {"cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        workdir = Path(tmp)
        env = {"PUPI_MAX_QUEUED_PER_TOKEN": "1000"}
        server = ApiServer(f"sqlite:///{workdir / 'bench.db'}", workdir, env=env)
        server.start()
        stack.callback(server.stop)
        token = await server.token("bench")
        figures["get_session"] = await get_throughput(
            server, token, clients=args.clients, seconds=args.seconds, processes=args.processes
        )
        print("GET session:", json.dumps(figures["get_session"]), flush=True)
        figures["get_session_paced"] = await get_throughput(
            server,
            token,
            clients=args.clients,
            seconds=args.seconds,
            processes=args.processes,
            rate=args.rate,
        )
        print("GET session, paced:", json.dumps(figures["get_session_paced"]), flush=True)
        figures["prompt_to_running"] = await prompt_to_running(server, token, samples=args.samples)
        print("prompt -> running:", json.dumps(figures["prompt_to_running"]), flush=True)
        figures["close_running"] = await close_running(
            server, token, samples=args.samples, prompt="steps=1000 delay=0.5"
        )
        print("close a running session:", json.dumps(figures["close_running"]), flush=True)
        if args.real_agent:
            from pupi.demo import DemoServer

            site = stack.enter_context(DemoServer(host="127.0.0.1", port=0))
            agent_dir = workdir / "agent"
            agent_dir.mkdir()
            real = ApiServer(
                f"sqlite:///{agent_dir / 'bench.db'}",
                agent_dir,
                fake_runner=False,
                allow_hosts=("127.0.0.1",),
                env=env,
            )
            real.start()
            stack.callback(real.stop)
            hanging, hang_up = await _never_answering_site()
            port = hanging.sockets[0].getsockname()[1]
            figures["close_running_agent"] = await close_running(
                real,
                await real.token("bench-close"),
                samples=10,
                prompt=f"Find the price of the first product on http://127.0.0.1:{port}/shop",
            )
            hang_up.set()
            hanging.close()
            print(
                "close a running agent session:",
                json.dumps(figures["close_running_agent"]),
                flush=True,
            )
            prompt = f"Find the price of the first product on {site.url}/shop"
            figures["concurrent_sessions"] = await concurrent_sessions(
                real,
                await real.token("bench"),
                count=args.sessions,
                prompt=prompt,
                timeout_s=300,
            )
            figures["concurrent_sessions"]["runner"] = "real agent (rules) on the demo site"
        else:
            figures["concurrent_sessions"] = await concurrent_sessions(
                server, token, count=args.sessions, prompt="steps=5 delay=0.1", timeout_s=120
            )
            figures["concurrent_sessions"]["runner"] = "fake runner, 5 steps x 0.1 s"
        print("concurrent sessions:", json.dumps(figures["concurrent_sessions"]), flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
