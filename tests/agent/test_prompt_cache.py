"""The prompt cache: keys and files, then hits, misses, failed replays and updates in Chromium."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from pupi import DirectoryCache, PupiPuppeteerSDK
from pupi.agent.cache import CacheKey, MemoryCache, as_cache
from pupi.agent.observe import Observation
from pupi.agent.planners import PLANNERS
from pupi.agent.planners.base import Decision, HistoryEntry, Usage
from pupi.agent.planners.rules import decide
from pupi.demo import DemoServer

LOGIN = "Type ada into the username field, type lovelace into the password field and click Log in"

RELOAD = [{"action": "reload"}]

# -- keys and files ---------------------------------------------------------------


def test_a_key_normalises_blanks_but_keeps_case() -> None:
    key = CacheKey.of("  Log in\n as   ada ", site="http://x/login", planner="Rules")
    assert key == CacheKey(prompt="Log in as ada", site="http://x/login", planner="rules")
    assert key.digest == CacheKey.of("Log in as ada", site="http://x/login", planner="rules").digest
    for prompt, site, planner in [
        ("Log in as Ada", "http://x/login", "rules"),
        ("Log in as ada", "http://y/login", "rules"),
        ("Log in as ada", "http://x/login", "openai"),
    ]:
        assert key.digest != CacheKey.of(prompt, site=site, planner=planner).digest


def test_a_directory_cache_keeps_one_private_file_per_key(tmp_path: Path) -> None:
    cache = DirectoryCache(tmp_path / "cache")
    key = CacheKey.of("Log in", site="", planner="rules")
    assert cache.get(key) is None
    steps = [{"action": "go", "url": "http://x"}]
    cache.put(key, steps)
    cache.put(key, [*steps, {"action": "reload"}])
    assert cache.get(key) == [*steps, {"action": "reload"}]
    assert [path.name for path in (tmp_path / "cache").iterdir()] == [f"{key.digest}.json"]
    assert cache.file(key).stat().st_mode & 0o077 == 0
    cache.delete(key)
    assert cache.get(key) is None


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("{not json", id="unreadable"),
        pytest.param(json.dumps({"format": 99, "steps": RELOAD}), id="other-format"),
        pytest.param(
            json.dumps({"format": 1, "key": ["other", "", "rules"], "steps": RELOAD}),
            id="other-key",
        ),
    ],
)
def test_an_entry_that_is_not_this_keys_is_a_miss(tmp_path: Path, content: str) -> None:
    cache = DirectoryCache(tmp_path)
    key = CacheKey.of("Log in", site="", planner="rules")
    cache.file(key).write_text(content)
    assert cache.get(key) is None


def test_a_memory_cache_remembers_what_was_put_in_it() -> None:
    key = CacheKey.of("Log in", site="", planner="rules")
    other = CacheKey.of("Log out", site="", planner="rules")
    cache = MemoryCache({key: RELOAD})
    assert cache.get(key) == RELOAD and cache.get(other) is None
    assert cache.kept == {}
    cache.put(other, [{"action": "go", "url": "http://x"}])
    assert cache.kept == {other: [{"action": "go", "url": "http://x"}]}
    assert cache.get(other) == cache.kept[other]


def test_a_path_becomes_a_directory_cache_and_a_cache_stays_itself(tmp_path: Path) -> None:
    made = as_cache(os.fspath(tmp_path))
    assert isinstance(made, DirectoryCache) and made.path == tmp_path
    assert as_cache(made) is made


# -- runs -----------------------------------------------------------------------


class CountingPlanner:
    """The offline planner, counting its decisions."""

    name = "counting"
    decisions = 0

    def __init__(self) -> None:
        self.usage = Usage()

    async def decide(
        self, task: str, observation: Observation, history: Sequence[HistoryEntry]
    ) -> Decision:
        CountingPlanner.decisions += 1
        return decide(task, observation, history)


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> type[CountingPlanner]:
    monkeypatch.setitem(PLANNERS, "counting", lambda **options: CountingPlanner())
    CountingPlanner.decisions = 0
    return CountingPlanner


@pytest.fixture(scope="module")
def site() -> Iterator[DemoServer]:
    """A demo site of this module's own: its variant changes between runs."""
    with DemoServer(host="127.0.0.1", port=0) as server:
        yield server


@pytest.fixture
def login_url(site: DemoServer) -> str:
    site.variant = 0
    site.reset()
    return f"{site.url}/login"


@pytest.mark.browser
async def test_a_miss_plans_and_fills_the_cache_and_a_hit_replays_without_the_planner(
    sdk: PupiPuppeteerSDK,
    site: DemoServer,
    login_url: str,
    counting: type[CountingPlanner],
    tmp_path: Path,
) -> None:
    planned = await sdk.run_prompt_locally(
        LOGIN, planner="counting", start_url=login_url, cache=tmp_path
    )
    assert planned.ok, planned.error
    assert not planned.cached
    asked = counting.decisions
    assert asked > 0
    key = CacheKey.of(LOGIN, site=login_url, planner="counting")
    assert DirectoryCache(tmp_path).get(key) == planned.steps

    replayed = await sdk.run_prompt_locally(
        LOGIN, planner="counting", start_url=login_url, cache=tmp_path
    )
    assert replayed.ok, replayed.error
    assert replayed.cached
    assert counting.decisions == asked
    assert replayed.usage == {"input_tokens": 0, "output_tokens": 0, "requests": 0}
    assert replayed.steps == planned.steps
    assert replayed.healing == []
    assert site.state()["logins"] == ["ada", "ada"]


@pytest.mark.browser
async def test_a_hit_on_a_changed_site_heals_and_the_cache_keeps_the_healed_steps(
    sdk: PupiPuppeteerSDK,
    site: DemoServer,
    login_url: str,
    counting: type[CountingPlanner],
    tmp_path: Path,
) -> None:
    cache = DirectoryCache(tmp_path)
    key = CacheKey.of(LOGIN, site=login_url, planner="counting")
    await sdk.run_prompt_locally(LOGIN, planner="counting", start_url=login_url, cache=cache)
    asked = counting.decisions
    site.variant = 1

    healed = await sdk.run_prompt_locally(
        LOGIN, planner="counting", start_url=login_url, cache=cache
    )
    assert healed.ok, healed.error
    assert healed.cached and healed.healing
    assert counting.decisions == asked
    cached = cache.get(key)
    assert cached == healed.steps
    assert "#v1-username" in [step.get("selector") for step in cached or []]

    again = await sdk.run_prompt_locally(
        LOGIN, planner="counting", start_url=login_url, cache=cache
    )
    assert again.cached and again.ok, again.error
    assert again.healing == []
    assert site.state()["logins"] == ["ada", "ada", "ada"]


@pytest.mark.browser
@pytest.mark.parametrize(
    "stale",
    [
        pytest.param(
            [{"action": "evaluate", "script": "() => { throw new Error('gone') }"}],
            id="replay-fails",
        ),
        pytest.param([{"action": "no-longer-an-action"}], id="steps-invalid"),
    ],
)
async def test_a_cached_replay_that_fails_falls_back_to_planning_and_updates_the_cache(
    sdk: PupiPuppeteerSDK,
    site: DemoServer,
    login_url: str,
    counting: type[CountingPlanner],
    tmp_path: Path,
    stale: list[dict[str, str]],
) -> None:
    cache = DirectoryCache(tmp_path)
    key = CacheKey.of(LOGIN, site=login_url, planner="counting")
    cache.put(key, stale)
    opened_before = len(sdk.list_instances())

    result = await sdk.run_prompt_locally(
        LOGIN, planner="counting", start_url=login_url, cache=cache
    )
    assert result.ok, result.error
    assert not result.cached
    assert counting.decisions > 0
    assert cache.get(key) == result.steps != stale
    assert site.state()["logins"] == ["ada"]
    # The failed replay's instance was closed; the plan ran in a fresh one.
    assert len(sdk.list_instances()) == opened_before + 1


@pytest.mark.browser
async def test_a_prompt_answered_from_the_page_is_not_cached(
    sdk: PupiPuppeteerSDK, site: DemoServer, login_url: str, tmp_path: Path
) -> None:
    result = await sdk.run_prompt_locally(
        f"What is the price of the Desk Lamp on {site.url}/shop?", cache=tmp_path
    )
    assert result.ok, result.error
    assert result.answer
    assert not result.cached
    assert list(tmp_path.iterdir()) == []
