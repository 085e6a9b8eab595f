"""Emulation options, each read back from the demo site's /browser-info page.

The page shows what its script sees (``navigator``, ``Intl``, media queries,
geolocation) and, from the server, the request headers that arrived.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.conftest import RunSteps

from pupi import Puppeteer
from pupi.browser.options import BrowserOptions

pytestmark = pytest.mark.browser

SHOWN = (
    "user-agent",
    "language",
    "time-zone",
    "color-scheme",
    "viewport-width",
    "screen-width",
    "touch-points",
    "geolocation",
)


def info_steps(demo_url: str, *headers: str) -> list[dict[str, Any]]:
    """Open /browser-info, wait for its script, extract each value and each header's.

    A value is saved under its id (``time_zone``), a header as ``header_accept_language``.
    """
    return [
        {"action": "go", "url": f"{demo_url}/browser-info"},
        {"action": "wait", "selector": "#browser-info[data-ready]", "state": "attached"},
        *({"action": "extract", "selector": f"#{name}", "as": _name(name)} for name in SHOWN),
        *(
            {
                "action": "extract",
                "selector": f'[data-header="{header}"]',
                "as": f"header_{_name(header)}",
            }
            for header in headers
        ),
    ]


def _name(text: str) -> str:
    return text.replace("-", "_")


async def browser_info(run: RunSteps, demo_url: str, *headers: str, **options: Any) -> Any:
    result = await run(info_steps(demo_url, *headers), **options)
    assert result.status == "completed", result.error
    return result.outputs


async def test_without_options_the_browser_is_a_plain_desktop(run: RunSteps, demo_url: str) -> None:
    shown = await browser_info(run, demo_url)
    assert shown["viewport_width"] == "1280"
    assert shown["touch_points"] == "0"
    assert shown["color_scheme"] == "light"
    assert shown["geolocation"] == "prompt"  # asked for nothing, granted nothing
    assert "iPhone" not in shown["user_agent"]


async def test_a_device_brings_its_user_agent_viewport_screen_and_touch(
    run: RunSteps, demo_url: str
) -> None:
    iphone = BrowserOptions(device="iPhone 15").context_kwargs()
    shown = await browser_info(run, demo_url, "user-agent", device="iPhone 15")
    assert shown["user_agent"] == shown["header_user_agent"] == iphone["user_agent"]
    assert shown["viewport_width"] == str(iphone["viewport"]["width"]) == "393"
    assert shown["screen_width"] == str(iphone["screen"]["width"])
    assert int(shown["touch_points"]) > 0


async def test_a_user_agent_reaches_the_page_and_the_server(run: RunSteps, demo_url: str) -> None:
    agent = "PupiTest/1.0 (emulation test)"
    shown = await browser_info(run, demo_url, "user-agent", user_agent=agent)
    assert shown["user_agent"] == agent
    assert shown["header_user_agent"] == agent


async def test_a_user_agent_overrides_the_devices_own(run: RunSteps, demo_url: str) -> None:
    shown = await browser_info(run, demo_url, device="iPhone 15", user_agent="PupiTest/2.0")
    assert shown["user_agent"] == "PupiTest/2.0"
    assert shown["viewport_width"] == "393"


async def test_a_locale_sets_the_language_and_accept_language(run: RunSteps, demo_url: str) -> None:
    shown = await browser_info(run, demo_url, "accept-language", locale="de-DE")
    assert shown["language"] == "de-DE"
    assert shown["header_accept_language"].startswith("de-DE")


async def test_a_time_zone_is_what_intl_reports(run: RunSteps, demo_url: str) -> None:
    shown = await browser_info(run, demo_url, timezone_id="Pacific/Auckland")
    assert shown["time_zone"] == "Pacific/Auckland"


@pytest.mark.parametrize("scheme", ["dark", "light"])
async def test_a_color_scheme_is_what_the_media_query_matches(
    run: RunSteps, demo_url: str, scheme: str
) -> None:
    shown = await browser_info(run, demo_url, color_scheme=scheme)
    assert shown["color_scheme"] == scheme


async def test_a_granted_geolocation_is_where_the_page_finds_itself(
    run: RunSteps, demo_url: str
) -> None:
    shown = await browser_info(
        run,
        demo_url,
        geolocation={"latitude": 52.5, "longitude": 13.25},
        permissions=["geolocation"],
    )
    assert shown["geolocation"] == "52.5,13.25"


async def test_a_geolocation_without_the_permission_stays_private(
    run: RunSteps, demo_url: str
) -> None:
    shown = await browser_info(run, demo_url, geolocation={"latitude": 52.5, "longitude": 13.25})
    assert shown["geolocation"] == "prompt"


async def test_extra_http_headers_are_sent_with_each_request(run: RunSteps, demo_url: str) -> None:
    shown = await browser_info(
        run, demo_url, "x-pupi-test", extra_http_headers={"X-Pupi-Test": "hello from pupi"}
    )
    assert shown["header_x_pupi_test"] == "hello from pupi"


async def test_puppeteer_takes_the_same_options(demo_url: str) -> None:
    async with Puppeteer(device="Pixel 7", locale="fr-FR") as browser:
        browser.go(f"{demo_url}/browser-info").wait("#browser-info[data-ready]", state="attached")
        for name in ("user-agent", "language", "touch-points"):
            browser.extract(f"#{name}", as_=_name(name))
        result = (await browser.run()).raise_for_status()
    assert "Pixel 7" in result.outputs["user_agent"]
    assert result.outputs["language"] == "fr-FR"
    assert result.outputs["touch_points"] != "0"
