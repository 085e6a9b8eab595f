"""Pure parts of the server: settings, database URLs, the view cache, metrics text."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from pupi.server.db.changes import StoreBase, writes_all, writes_one
from pupi.server.db.engine import async_url
from pupi.server.metrics import Metrics, render
from pupi.server.settings import MetricsExposure, ServerSettings
from pupi.server.views import ViewCache
from pupi.server.workers.estimate import (
    DEFAULT_SESSION_S,
    MAX_RETRY_AFTER_S,
    RECENT_SESSIONS,
    retry_after_s,
)


@pytest.mark.parametrize(
    ("plain", "driver"),
    [
        ("sqlite:///tmp/pupi.db", "sqlite+aiosqlite:///tmp/pupi.db"),
        ("postgresql://u:p@db:5432/pupi", "postgresql+psycopg://u:p@db:5432/pupi"),
        ("postgres://u@db/pupi", "postgresql+psycopg://u@db/pupi"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
    ],
)
def test_plain_database_urls_get_an_async_driver(plain: str, driver: str) -> None:
    assert async_url(plain) == driver


def test_unsupported_database_urls_are_refused_with_the_supported_forms() -> None:
    with pytest.raises(ValueError, match="postgresql://"):
        async_url("mysql://db/pupi")


def test_settings_come_from_the_environment_then_overrides() -> None:
    env = {
        "PUPI_PORT": "9000",
        "PUPI_ALLOW_HOSTS": "127.0.0.1, intranet.test",
        "PUPI_RUN_TIMEOUT_S": "60",
        "PUPI_SCREENSHOTS": "off",
    }
    settings = ServerSettings.from_env(env, port=9100, host=None)
    assert settings.port == 9100
    assert settings.host == "127.0.0.1"
    assert settings.allow_hosts == ("127.0.0.1", "intranet.test")
    assert settings.run_timeout_s == 60.0
    assert settings.screenshots is False
    assert settings.concurrency >= 2
    with pytest.raises(ValueError, match="PUPI_PORT"):
        ServerSettings.from_env({"PUPI_PORT": "many"})


async def test_the_view_cache_serves_a_view_until_its_generation_changes() -> None:
    cache = ViewCache(size=2)
    generation = [0]
    renders = 0

    async def render() -> tuple[str, bytes]:
        nonlocal renders
        renders += 1
        return "owner", f"v{generation[0]}".encode()

    def current() -> tuple[int, int]:
        return 0, generation[0]

    assert await cache.get("s", "owner", current, render) == b"v0"
    assert await cache.get("s", "owner", current, render) == b"v0"
    assert renders == 1
    assert await cache.get("s", "intruder", current, render) is None
    generation[0] += 1
    assert await cache.get("s", "owner", current, render) == b"v1"
    assert renders == 2


async def test_a_view_rendered_during_a_write_is_not_cached() -> None:
    cache = ViewCache()
    generation = [0]

    async def render_while_writing() -> tuple[str, bytes]:
        generation[0] += 1
        return "owner", b"maybe stale"

    await cache.get("s", "owner", lambda: (0, generation[0]), render_while_writing)
    calls = []

    async def render() -> tuple[str, bytes]:
        calls.append(1)
        return "owner", b"fresh"

    assert await cache.get("s", "owner", lambda: (0, generation[0]), render) == b"fresh"
    assert calls == [1]


class _GatedStore(StoreBase):
    """Writes that stay in flight until their gate opens, as a slow commit would."""

    def __init__(self) -> None:
        super().__init__(create_async_engine("sqlite+aiosqlite://"))
        self.gate = asyncio.Event()

    @writes_one
    async def write(self, session_id: str) -> None:
        await self.gate.wait()

    @writes_all
    async def write_all(self) -> None:
        await self.gate.wait()


@pytest.mark.parametrize("bulk", [False, True], ids=["one", "all"])
async def test_no_generation_repeats_while_a_write_is_in_flight(bulk: bool) -> None:
    # A reader may see a write's commit before the writer resumes: a generation
    # read then must not match the one read after, or a mixed view is kept.
    store = _GatedStore()
    before = store.generation("s")
    assert store.generation("s") == before
    writing = asyncio.create_task(store.write_all() if bulk else store.write("s"))
    await asyncio.sleep(0)
    during = {store.generation("s") for _ in range(3)}
    assert len(during) == 3 and before not in during
    if not bulk:
        assert store.generation("other") == store.generation("other")
    store.gate.set()
    await writing
    after = store.generation("s")
    assert after == store.generation("s")
    assert after != before and after not in during
    await store.engine.dispose()


def test_metrics_render_histograms_cumulatively() -> None:
    metrics = Metrics()
    for seconds in (0.07, 0.3, 40.0):
        metrics.step_seconds.observe(seconds)
    text = render(
        metrics, sessions_by_status={"completed": 2}, queue_depth=1, running=0, concurrency=2
    )
    assert 'pupi_step_duration_seconds_bucket{le="0.1"} 1' in text
    assert 'pupi_step_duration_seconds_bucket{le="0.5"} 2' in text
    assert 'pupi_step_duration_seconds_bucket{le="+Inf"} 3' in text
    assert 'pupi_sessions{status="completed"} 2' in text
    assert 'pupi_sessions{status="failed"} 0' in text


def test_metrics_exposure_is_off_unless_the_environment_opens_it() -> None:
    assert ServerSettings.from_env({}).metrics is MetricsExposure.OFF
    assert ServerSettings.from_env({"PUPI_METRICS": "Public"}).metrics is MetricsExposure.PUBLIC
    assert ServerSettings.from_env({"PUPI_METRICS": "token"}).metrics is MetricsExposure.TOKEN
    with pytest.raises(ValueError, match="off, token, public"):
        ServerSettings.from_env({"PUPI_METRICS": "yes"})


def test_retry_after_follows_recent_sessions_not_the_cold_first_ones() -> None:
    # A batch's first sessions wait for a browser launch; the rest take 2 s.
    cold_then_warm = [30.0, 28.0, 25.0] + [2.0] * 10
    warm = [2.0] * 10
    # 8 sessions ahead, 2 at a time: 4 waves of a typical 2 s session.
    assert retry_after_s(cold_then_warm, ahead=8, concurrency=2) == 8
    assert retry_after_s(warm, ahead=8, concurrency=2) == 8
    # A mean (what the estimate used to take) says 32 s: the cold starts dominate.
    mean = sum(cold_then_warm) / len(cold_then_warm)
    assert mean * 8 / 2 > 3 * retry_after_s(cold_then_warm, ahead=8, concurrency=2)


def test_retry_after_looks_only_at_the_latest_sessions_and_stays_in_bounds() -> None:
    slow_then_fast = [40.0] * 30 + [1.0] * (RECENT_SESSIONS // 2 + 1)
    assert retry_after_s(slow_then_fast, ahead=1, concurrency=1) == 1
    assert retry_after_s([], ahead=2, concurrency=1) == 2 * DEFAULT_SESSION_S
    assert retry_after_s([0.01], ahead=1, concurrency=8) == 1
    assert retry_after_s([200.0], ahead=50, concurrency=1) == MAX_RETRY_AFTER_S
