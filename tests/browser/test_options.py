"""Browser options are validated before any browser starts, and say what is wrong without secrets.

Nothing here launches Chromium: a bad option must be refused first, which is
what these tests check (``InstanceManager.open`` is replaced by a tripwire).
"""

from __future__ import annotations

import subprocess
import sys
import types
import typing
from pathlib import Path
from typing import Any, Union, get_args, get_origin

import pytest

from pupi import PupiPuppeteerSDK, Puppeteer
from pupi.browser import reaper
from pupi.browser.instances import InstanceManager
from pupi.browser.options import BrowserArgs, BrowserOptions, device_names, parse_browser_options
from pupi.errors import InvalidBrowserOptions

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "pr0xy-Pa55word-9f2c"
COOKIE_VALUE = "session-cookie-value-4b1d"
STEPS = [{"action": "go", "url": "http://127.0.0.1:9/never-visited"}]
STATE = {"cookies": [{"name": "sid", "value": COOKIE_VALUE, "domain": "x", "path": "/"}]}


@pytest.fixture
def no_browser(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Fail the test if anything tries to open an instance; also checks no process started."""
    opened: list[object] = []

    async def tripwire(self: InstanceManager, **options: Any) -> None:
        opened.append(options)
        raise AssertionError("an instance was opened despite invalid options")

    monkeypatch.setattr(InstanceManager, "open", tripwire)
    return opened


BAD_OPTIONS = [
    pytest.param({"device": "iPhone 99"}, "device", "known devices: ", id="unknown-device"),
    pytest.param(
        {"proxy": {"server": "ftp://127.0.0.1:21"}}, "proxy.server", "scheme", id="proxy-scheme"
    ),
    pytest.param(
        {"proxy": {"server": "socks5://127.0.0.1:1080", "username": "u", "password": PASSWORD}},
        "proxy",
        "SOCKS5",
        id="socks5-with-credentials",
    ),
    pytest.param(
        {"proxy": {"server": "SOCKS5://127.0.0.1:1080", "username": "u", "password": PASSWORD}},
        "proxy",
        "SOCKS5",
        id="socks5-in-capitals-with-credentials",
    ),
    pytest.param(
        {"proxy": {"server": f"http://ada:{PASSWORD}@127.0.0.1:3128"}},
        "proxy.server",
        "not in the URL",
        id="credentials-in-url",
    ),
    pytest.param(
        {"proxy": {"server": "http://127.0.0.1:3128", "username": "ada"}},
        "proxy",
        "both username and password",
        id="username-without-password",
    ),
    pytest.param(
        {"proxy": {"server": "http://127.0.0.1:3128", "password": PASSWORD}},
        "proxy",
        "both username and password",
        id="password-without-username",
    ),
    pytest.param(
        {"proxy": {"server": "http://127.0.0.1:http"}}, "proxy.server", "port", id="proxy-port"
    ),
    pytest.param({"locale": "not a locale"}, "locale", "BCP 47", id="bad-locale"),
    pytest.param({"timezone_id": "Mars/Olympus_Mons"}, "timezone_id", "IANA", id="bad-timezone"),
    pytest.param(
        {"profile": "work", "storage_state": STATE}, None, "not both", id="profile-and-state"
    ),
    pytest.param({"profile": "../etc"}, "profile", "pattern", id="profile-name"),
    pytest.param(
        {"storage_state": {**STATE, "token": COOKIE_VALUE}},
        "storage_state",
        "cookies and origins",
        id="not-a-storage-state",
    ),
    pytest.param(
        {"storage_state": "/nonexistent/state.json"}, "storage_state", "cannot read", id="no-file"
    ),
    pytest.param({"permissions": ["telepathy"]}, "permissions.0", "Input", id="bad-permission"),
    pytest.param(
        {"geolocation": {"latitude": 91, "longitude": 0}}, "geolocation.latitude", "90", id="lat"
    ),
    pytest.param({"headles": True}, "headles", "Extra inputs", id="unknown-option"),
]


@pytest.mark.parametrize(("options", "field", "says"), BAD_OPTIONS)
async def test_bad_options_are_refused_before_any_browser_starts(
    sdk: PupiPuppeteerSDK,
    no_browser: list[object],
    options: dict[str, Any],
    field: str | None,
    says: str,
) -> None:
    instances, browsers = sdk.list_instances(), reaper.browser_pids()
    with pytest.raises(InvalidBrowserOptions) as caught:
        await sdk.execute_steps_locally(STEPS, **options)
    assert [error.field for error in caught.value.errors] == [field]
    assert says in str(caught.value)
    assert no_browser == []
    assert sdk.list_instances() == instances
    assert reaper.browser_pids() == browsers
    for text in (str(caught.value), repr(caught.value.details)):
        assert PASSWORD not in text
        assert COOKIE_VALUE not in text


def test_an_unknown_device_lists_the_devices_there_are() -> None:
    with pytest.raises(InvalidBrowserOptions) as caught:
        parse_browser_options({"device": "iPhone 99"})
    for name in ("iPhone 15", "Pixel 7", "Desktop Chrome"):
        assert name in device_names()
        assert name in str(caught.value)


def test_every_bad_option_is_named_at_once() -> None:
    with pytest.raises(InvalidBrowserOptions) as caught:
        parse_browser_options({"device": "Nokia 3310", "locale": "?", "color_scheme": "sepia"})
    assert {error.field for error in caught.value.errors} == {"device", "locale", "color_scheme"}
    assert str(caught.value).startswith("3 invalid browser options:")


async def test_prompts_and_puppeteer_refuse_bad_options_too(
    sdk: PupiPuppeteerSDK, no_browser: list[object]
) -> None:
    with pytest.raises(InvalidBrowserOptions):
        await sdk.run_prompt_locally("Open the shop", device="iPhone 99")
    with pytest.raises(InvalidBrowserOptions):
        Puppeteer(proxy={"server": f"http://u:{PASSWORD}@127.0.0.1:1"})
    assert no_browser == []


async def test_options_with_an_open_instance_id_are_refused(
    sdk: PupiPuppeteerSDK, no_browser: list[object]
) -> None:
    with pytest.raises(InvalidBrowserOptions) as caught:
        await sdk.execute_steps_locally(STEPS, instance_id="abc123", locale="de-DE")
    assert "locale: options set up a new instance, not 'abc123'" in str(caught.value)
    with pytest.raises(InvalidBrowserOptions):
        await sdk.run_prompt_locally("Open the shop", instance_id="abc123", device="iPhone 15")
    assert no_browser == []


def test_good_options_validate_and_say_what_they_set() -> None:
    options = parse_browser_options(
        {
            "device": "iPhone 15",
            "locale": "de-DE",
            "timezone_id": "Europe/Berlin",
            "proxy": {"server": "127.0.0.1:3128", "username": "ada", "password": PASSWORD},
            "storage_state": STATE,
        }
    )
    assert not options.plain
    assert BrowserOptions().plain
    assert options.public() == {
        "device": "iPhone 15",
        "locale": "de-DE",
        "timezone_id": "Europe/Berlin",
        "proxy": {"server": "127.0.0.1:3128"},
        "storage_state": "(given)",
    }
    kwargs = options.context_kwargs()
    assert kwargs["is_mobile"] is True
    assert kwargs["locale"] == "de-DE"
    assert kwargs["storage_state"] == STATE
    assert options.proxy is not None
    assert options.proxy.playwright()["password"] == PASSWORD


def test_a_storage_state_file_is_read_when_the_options_are_validated(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text('{"cookies": [], "origins": []}')
    assert parse_browser_options({"storage_state": path}).storage_state == {
        "cookies": [],
        "origins": [],
    }
    path.write_text(f"not json {COOKIE_VALUE}")
    with pytest.raises(InvalidBrowserOptions) as caught:
        parse_browser_options({"storage_state": str(path)})
    assert "not a storage state" in str(caught.value)
    assert COOKIE_VALUE not in str(caught.value)


def test_the_device_table_is_playwrights_current_one() -> None:
    # It starts Playwright's driver (no browser) to read the descriptors.
    check = subprocess.run(
        [sys.executable, "scripts/gen_devices.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert check.returncode == 0, check.stderr


def _members(annotation: Any) -> set[Any]:
    """The types of a union, one level deep (``X | None`` gives ``{X, None}``)."""
    if get_origin(annotation) in (Union, types.UnionType):
        return {type(None) if arg is type(None) else arg for arg in get_args(annotation)}
    return {annotation}


def test_browser_args_is_the_keyword_twin_of_the_model() -> None:
    # BrowserArgs is kept by hand so that editors complete the keyword arguments;
    # each of its types is the field's, plus what the model coerces (a path, a dict).
    hints = typing.get_type_hints(BrowserArgs)
    assert list(hints) == list(BrowserOptions.model_fields)
    assert not BrowserArgs.__required_keys__
    for name, info in BrowserOptions.model_fields.items():
        assert info.default is None, name
        field = _members(info.annotation) - {type(None)}
        assert field <= _members(hints[name]), name
