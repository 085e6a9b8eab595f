"""Logins that outlive an instance: saved storage states, and named profiles.

The demo site's login sets an HttpOnly session cookie and, from the login
form's script, a local storage value; ``/whoami`` shows both, so a test sees
whether each came back.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import RunSteps

from pupi import InstanceNotFound, InvalidSteps, PupiPuppeteerSDK, Puppeteer, parse_steps
from pupi.browser.profiles import ProfileLock
from pupi.demo.app import SESSION_COOKIE
from pupi.demo.routes.identity import REMEMBERED_USER_KEY
from pupi.errors import ProfileInUse

pytestmark = pytest.mark.browser

LOGGED_IN = ("Logged in as ada", "ada")
LOGGED_OUT = ("Not logged in", "nobody")


def login_steps(demo_url: str, *, keep_logged_in: bool = False) -> list[dict[str, Any]]:
    return [
        {"action": "go", "url": f"{demo_url}/login?next=/whoami"},
        {"action": "type", "selector": "#username", "text": "ada"},
        {"action": "type", "selector": "#password", "text": "lovelace"},
        *([{"action": "check", "selector": "#remember"}] if keep_logged_in else []),
        {"action": "click", "selector": "role=button[name='Log in']", "expect_navigation": True},
        {"action": "assert", "selector": "#login-state", "text": "Logged in as ada"},
    ]


def queue_login(browser: Puppeteer, demo_url: str, *, keep_logged_in: bool = False) -> None:
    """The login steps, queued with the chain methods."""
    browser.go(f"{demo_url}/login?next=/whoami").type("#username", "ada")
    browser.type("#password", "lovelace")
    if keep_logged_in:
        browser.check("#remember")
    browser.click("role=button[name='Log in']", expect_navigation=True)


def whoami_steps(demo_url: str) -> list[dict[str, Any]]:
    return [
        {"action": "go", "url": f"{demo_url}/whoami"},
        {"action": "wait", "selector": "#remembered-user[data-ready]", "state": "attached"},
        {"action": "extract", "selector": "#login-state", "as": "login"},
        {"action": "extract", "selector": "#remembered-user", "as": "remembered"},
    ]


async def whoami(run: RunSteps, demo_url: str, **options: Any) -> tuple[str, str]:
    """(what the server says from the cookie, what the page says from local storage)."""
    result = (await run(whoami_steps(demo_url), **options)).raise_for_status()
    return result.outputs["login"], result.outputs["remembered"]


async def logged_in_instance(run: RunSteps, demo_url: str, **options: Any) -> str:
    return (await run(login_steps(demo_url), **options)).raise_for_status().instance_id


def session_token(state: dict[str, Any]) -> str:
    (cookie,) = [cookie for cookie in state["cookies"] if cookie["name"] == SESSION_COOKIE]
    assert cookie["httpOnly"] is True
    return str(cookie["value"])


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- storage states ---------------------------------------------------------


async def test_a_saved_storage_state_logs_a_fresh_instance_in(
    run: RunSteps, sdk: PupiPuppeteerSDK, demo_url: str
) -> None:
    instance_id = await logged_in_instance(run, demo_url)
    state = await sdk.save_storage_state(instance_id)
    assert session_token(state)
    (origin,) = state["origins"]
    assert origin["origin"] == demo_url
    assert {"name": REMEMBERED_USER_KEY, "value": "ada"} in origin["localStorage"]

    assert await whoami(run, demo_url, storage_state=state) == LOGGED_IN
    assert await whoami(run, demo_url) == LOGGED_OUT


@pytest.mark.parametrize("as_text", [False, True], ids=["Path", "str"])
async def test_a_storage_state_file_is_private_and_logs_a_fresh_instance_in(
    run: RunSteps, sdk: PupiPuppeteerSDK, demo_url: str, tmp_path: Path, as_text: bool
) -> None:
    path = tmp_path / "states" / "ada.json"
    state = await sdk.save_storage_state(await logged_in_instance(run, demo_url), path)
    assert mode(path) == 0o600
    assert json.loads(path.read_text()) == state
    assert [entry.name for entry in path.parent.iterdir()] == ["ada.json"]  # nothing left over

    given: str | Path = str(path) if as_text else path
    assert await whoami(run, demo_url, storage_state=given) == LOGGED_IN


async def test_saving_over_a_readable_file_leaves_a_private_one(
    run: RunSteps, sdk: PupiPuppeteerSDK, demo_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "state.json"
    path.write_text("{}")
    path.chmod(0o644)
    await sdk.save_storage_state(await logged_in_instance(run, demo_url), path)
    assert mode(path) == 0o600
    assert session_token(json.loads(path.read_text()))


async def test_saving_the_state_of_an_unknown_instance_raises(sdk: PupiPuppeteerSDK) -> None:
    with pytest.raises(InstanceNotFound):
        await sdk.save_storage_state("no-such-instance")


async def test_a_save_state_step_writes_the_file_and_keeps_the_state_out_of_the_result(
    run: RunSteps, demo_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "ada.json"
    result = await run([*login_steps(demo_url), {"action": "save_state", "path": str(path)}])
    result.raise_for_status()
    assert result.steps[-1].output == {"path": str(path), "cookies": 1, "origins": 1}
    assert result.outputs == {}
    assert mode(path) == 0o600
    token = session_token(json.loads(path.read_text()))
    assert token not in result.model_dump_json()

    assert await whoami(run, demo_url, storage_state=path) == LOGGED_IN


async def test_puppeteer_saves_state_with_a_chain_method(demo_url: str, tmp_path: Path) -> None:
    path = tmp_path / "ada.json"
    async with Puppeteer() as browser:
        queue_login(browser, demo_url)
        (await browser.save_state(str(path)).run()).raise_for_status()
    async with Puppeteer(storage_state=path) as browser:
        browser.go(f"{demo_url}/whoami").extract("#login-state", as_="login")
        assert (await browser.run()).outputs["login"] == "Logged in as ada"


async def test_a_save_state_step_without_a_path_is_refused_before_anything_runs(
    sdk: PupiPuppeteerSDK, demo_url: str
) -> None:
    before = sdk.list_instances()
    with pytest.raises(InvalidSteps) as caught:
        await sdk.execute_steps_locally(
            [{"action": "go", "url": demo_url}, {"action": "save_state"}]
        )
    (error,) = caught.value.errors
    assert (error.index, error.action, error.field) == (1, "save_state", "path")
    assert "required when steps run locally" in error.message
    assert sdk.list_instances() == before
    with pytest.raises(InvalidSteps):
        await Puppeteer().save_state().run()


def test_a_save_state_step_has_no_as() -> None:
    with pytest.raises(InvalidSteps) as caught:
        parse_steps([{"action": "save_state", "path": "x.json", "as": "state"}])
    assert caught.value.errors[0].field == "as"


# -- profiles ---------------------------------------------------------------


@pytest.fixture
def profiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A profiles root of this test's own (``PUPI_PROFILES_DIR``)."""
    root = tmp_path / "profiles"
    monkeypatch.setenv("PUPI_PROFILES_DIR", str(root))
    return root


async def test_a_login_in_a_profile_survives_closing_and_reopening_it(
    run: RunSteps, sdk: PupiPuppeteerSDK, demo_url: str, profiles: Path
) -> None:
    first = await run(login_steps(demo_url, keep_logged_in=True), profile="a")
    first.raise_for_status()
    await sdk.close_instance(first.instance_id)
    assert (profiles / "a").is_dir()
    assert mode(profiles / "a") == 0o700

    assert await whoami(run, demo_url, profile="a") == LOGGED_IN


async def test_a_session_cookie_ends_with_the_profiles_browser_but_local_storage_stays(
    run: RunSteps, sdk: PupiPuppeteerSDK, demo_url: str, profiles: Path
) -> None:
    # As in a desktop browser: a cookie without an expiry lasts until the browser
    # exits. Sites that keep a login between runs ask first ("keep me logged in").
    await sdk.close_instance(await logged_in_instance(run, demo_url, profile="a"))
    assert await whoami(run, demo_url, profile="a") == ("Not logged in", "ada")


async def test_a_profile_is_open_in_one_instance_at_a_time(
    run: RunSteps, sdk: PupiPuppeteerSDK, demo_url: str, profiles: Path
) -> None:
    first = await logged_in_instance(run, demo_url, profile="a")
    opened = sdk.list_instances()
    with pytest.raises(ProfileInUse) as caught:
        await run(whoami_steps(demo_url), profile="a")
    assert caught.value.profile == "a"
    assert sdk.list_instances() == opened  # refused before a browser started

    assert await whoami(run, demo_url, profile="b") == LOGGED_OUT  # another is independent

    await sdk.close_instance(first)
    lock = ProfileLock("a")  # released with the instance
    lock.acquire()
    lock.release()
    assert await whoami(run, demo_url, profile="a") == ("Not logged in", "ada")


def test_a_profile_in_use_is_refused_to_other_processes_too(profiles: Path) -> None:
    script = "from pupi.browser.profiles import ProfileLock; ProfileLock('a').acquire()"

    def other_process() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", script],
            env=os.environ | {"PUPI_PROFILES_DIR": str(profiles)},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    lock = ProfileLock("a")  # what an instance holds while the profile is open
    lock.acquire()
    try:
        refused = other_process()
        assert refused.returncode != 0
        assert "ProfileInUse" in refused.stderr
    finally:
        lock.release()
    assert other_process().returncode == 0


async def test_puppeteer_opens_a_profile_and_lets_it_go_when_closed(
    run: RunSteps, demo_url: str, profiles: Path
) -> None:
    async with Puppeteer(profile="work") as browser:
        queue_login(browser, demo_url, keep_logged_in=True)
        (await browser.run()).raise_for_status()
        with pytest.raises(ProfileInUse):
            await whoami(run, demo_url, profile="work")
    assert await whoami(run, demo_url, profile="work") == LOGGED_IN
