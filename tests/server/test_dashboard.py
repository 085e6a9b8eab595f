"""The web dashboard at ``/``: its page and assets, and the page driven in Chromium.

The browser test runs a real ``pupi serve`` with the real agent ("rules"
planner) on the demo site and uses the dashboard as a person would: sign in,
start a session that stays open, watch it, send a follow-up, close it. Any
console error or page error fails it; a Content-Security-Policy violation is
one. With ``PUPI_DOCS_SCREENSHOTS=1`` it also writes the two screenshots of
docs/server.md (docs/images/dashboard-*.png); CI leaves the tree alone.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, ConsoleMessage, Error, Page, async_playwright, expect
from tests.server.pupi_service_harness import ROOT, ServerFactory, client_for, eventually

from pupi.browser.discovery import find_browser
from pupi.server.routes.dashboard import CONTENT_SECURITY_POLICY

# The page tests need a server only; the ones that drive Chromium are marked browser too.
pytestmark = [pytest.mark.service]

WAIT_MS = 60_000
"""Generous: a bound on waiting for a state the page reaches, not a time measured."""
DOCS_IMAGES = ROOT / "docs" / "images"
TOKEN_KEY = "pupi.dashboard.token"

ASSET_TYPES = {
    "app.js": "text/javascript",
    "app.css": "text/css",
    "favicon.svg": "image/svg+xml",
}


def _directives(policy: str) -> dict[str, str]:
    parts = (part.strip().split(None, 1) for part in policy.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


def _assert_security_headers(response: httpx.Response) -> None:
    directives = _directives(response.headers["content-security-policy"])
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


async def test_the_page_and_its_assets_are_served_without_a_token_under_a_strict_policy(
    server_factory: ServerFactory,
) -> None:
    server = await server_factory()
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        page = await client.get("/")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        _assert_security_headers(page)
        html = page.text

        # Nothing inline: every script has a src and no body; no style attribute or
        # element; no event-handler attribute; no javascript: URL.
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script\s*>", html, re.S | re.I)
        assert scripts
        for attributes, body in scripts:
            assert re.search(r"\bsrc\s*=", attributes), attributes
            assert body.strip() == ""
        assert len(scripts) == len(re.findall(r"<script\b", html, re.I))
        assert not re.search(r"\sstyle\s*=", html, re.I)
        assert not re.search(r"<style\b", html, re.I)
        assert not re.search(r"\son[a-z]+\s*=", html, re.I)
        assert "javascript:" not in html.lower()
        # A real label for the token field, and the prompt's.
        assert re.search(r'<label for="token-input">Access token</label>', html)
        assert re.search(r'<label for="prompt-input">Prompt</label>', html)

        # Every file the page refers to is served, with its type and the same headers.
        referred = set(re.findall(r'(?:src|href)="(/dashboard/[^"]+)"', html))
        assert referred == {f"/dashboard/{name}" for name in ASSET_TYPES}
        for name, content_type in ASSET_TYPES.items():
            asset = await client.get(f"/dashboard/{name}")
            assert asset.status_code == 200, name
            assert asset.headers["content-type"].startswith(content_type), name
            _assert_security_headers(asset)
        script = (await client.get("/dashboard/app.js")).text
        # Server data is written as text, and no style is set from the script.
        for unsafe in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert unsafe not in script, unsafe
        assert ".style" not in script
        assert 'setAttribute("style"' not in script

        # Only those files: anything else under /dashboard/ is the API's JSON 404.
        for path in (
            "/dashboard/__init__.py",
            "/dashboard/index.html",
            "/dashboard/nope.js",
            "/dashboard/..%2f..%2fapp.py",
        ):
            missing = await client.get(path)
            assert missing.status_code == 404, path
            assert missing.json()["error"]["code"] == "not_found", path

        # The page holds no data, so it needs no token; it is no part of the API's document.
        paths = (await client.get("/openapi.json")).json()["paths"]
        assert "/" not in paths
        assert not [path for path in paths if path.startswith("/dashboard")]
        assert (await client.get("/v1/sessions")).status_code == 401


def test_the_assets_ship_inside_the_package() -> None:
    from importlib.resources import files

    folder = files("pupi.server.dashboard")
    for name in ("index.html", *ASSET_TYPES):
        assert folder.joinpath(name).is_file(), name
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY


@pytest.fixture
async def chromium() -> AsyncIterator[Browser]:
    args = ["--disable-gpu", "--disable-dev-shm-usage"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to sandbox as root.
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=find_browser().path, args=args)
        yield browser
        await browser.close()


def _watch_for_errors(page: Page) -> list[str]:
    """Console errors (CSP violations among them) and uncaught page errors, as they come."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console: {message.text} at {message.location}")

    def on_page_error(error: Error) -> None:
        problems.append(f"pageerror: {error}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    return problems


async def _docs_screenshot(page: Page, name: str) -> None:
    if os.environ.get("PUPI_DOCS_SCREENSHOTS") != "1":
        return
    DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
    await page.mouse.move(0, 0)  # no hover colour in the picture
    await page.screenshot(path=str(DOCS_IMAGES / name))


async def _some_image_loaded(page: Page, selector: str) -> None:
    await page.wait_for_function(
        """selector => [...document.querySelectorAll(selector)]
            .some(image => image.complete && image.naturalWidth > 0)""",
        arg=selector,
        timeout=WAIT_MS,
    )


@pytest.mark.browser
@pytest.mark.timeout(300)
async def test_a_session_is_started_watched_followed_up_and_closed_from_the_dashboard(
    server_factory: ServerFactory, demo_url: str, chromium: Browser, tmp_path: Path
) -> None:
    server = await server_factory(fake_runner=False, allow_hosts=("127.0.0.1",))
    token = await server.token("dashboard")
    context = await chromium.new_context(
        base_url=server.url, viewport={"width": 1280, "height": 800}, accept_downloads=True
    )
    await context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page = await context.new_page()
    problems = _watch_for_errors(page)
    try:
        await page.goto("/")
        await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

        # Signed in from the keyboard: Tab to the labelled field (its focus visible), then Enter.
        for _ in range(5):
            await page.keyboard.press("Tab")
            if await page.evaluate("document.activeElement.id") == "token-input":
                break
        await expect(page.get_by_label("Access token")).to_be_focused()
        outline = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline == "solid"
        await page.keyboard.type(token)
        await page.keyboard.press("Enter")
        await expect(page.get_by_role("heading", name="Sessions", exact=True)).to_be_visible()
        await expect(page.get_by_role("button", name="Sign out")).to_be_visible()

        login = f"Go to {demo_url}/login and log in as ada with password lovelace"
        await page.get_by_label("Prompt", exact=True).fill(login)
        await page.get_by_label("Keep the browser open for follow-ups").check()
        await page.get_by_role("button", name="Start session").click()
        await expect(page.locator("#announcer")).to_have_text("Session started.")
        link = page.get_by_role("link", name=login)
        await expect(link).to_be_visible(timeout=WAIT_MS)
        row = page.locator("#sessions-body tr").filter(has=link)
        await expect(row.locator(".badge")).to_have_text("completed", timeout=WAIT_MS)
        await expect(row.get_by_role("button", name=re.compile("^Close session"))).to_be_visible()
        await _docs_screenshot(page, "dashboard-sessions.png")

        await link.click()
        await expect(page).to_have_url(re.compile(r"#/sessions/[A-Za-z0-9_-]+$"))
        session_id = page.url.rsplit("/", 1)[1]
        await expect(page.locator("#session-status")).to_have_text("completed", timeout=WAIT_MS)
        await expect(page.locator("#session-prompt")).to_have_text(login)
        await expect(page.locator("#session-state")).to_have_text(re.compile("^Open"))
        steps = page.locator("#session-steps > li")
        await expect(steps.first).to_be_visible(timeout=WAIT_MS)
        assert await steps.count() > 0
        await expect(steps.first.locator(".step-action")).to_have_text("go")
        shots = page.get_by_role("img", name=re.compile(r"^Screenshot after step \d+$"))
        await expect(shots.first).to_be_visible(timeout=WAIT_MS)
        await _some_image_loaded(page, 'img[alt^="Screenshot after step"]')
        # While the browser is held, its page is shown live.
        live = page.get_by_role("img", name="The session's page, live")
        await expect(live).to_be_visible(timeout=WAIT_MS)
        await _some_image_loaded(page, "#live-image")

        # A follow-up in the same browser: /account answers only a logged-in visitor.
        await page.get_by_label("Follow-up prompt").fill(
            f"Open {demo_url}/account and tell me the full name"
        )
        await page.get_by_role("button", name="Send follow-up").click()
        await expect(page.locator("#session-answer")).to_have_text("Ada Lovelace", timeout=WAIT_MS)
        await expect(page.locator("#session-status")).to_have_text("completed")
        await expect(page.locator("#session-runs > li")).to_have_count(2)
        await expect(page.locator("#session-runs > li").nth(1)).to_contain_text("Ada Lovelace")

        # The replayable steps: the same as the API's, copied and downloaded.
        async with client_for(server.url, token) as api:
            detail = (await api.get(f"/v1/sessions/{session_id}")).json()
        await expect(page.locator("#session-steps > li")).to_have_count(len(detail["step_results"]))
        await page.get_by_role("button", name="Copy steps").click()
        await expect(page.locator("#announcer")).to_have_text("Steps copied to the clipboard.")
        copied = await page.evaluate("navigator.clipboard.readText()")
        assert json.loads(copied) == detail["steps"]
        async with page.expect_download() as download_info:
            await page.get_by_role("link", name="Download steps").click()
        download = await download_info.value
        assert download.suggested_filename == f"pupi-steps-{session_id}.json"
        saved = tmp_path / "steps.json"
        await download.save_as(saved)
        assert json.loads(saved.read_text()) == detail["steps"]
        await page.evaluate("window.scrollTo(0, 0)")
        await _docs_screenshot(page, "dashboard-session.png")

        # The token lives in the tab's sessionStorage only.
        assert await page.evaluate(f"sessionStorage.getItem({TOKEN_KEY!r})") == token
        assert token not in page.url
        assert token not in await page.evaluate("document.cookie")
        assert await context.cookies() == []
        assert await page.evaluate("localStorage.length") == 0

        await page.get_by_role("button", name="Close session").click()
        await expect(page.locator("#session-state")).to_have_text(re.compile("^Closed"))
        await expect(page.get_by_label("Follow-up prompt")).to_be_hidden()
        await expect(page.get_by_role("button", name="Close session")).to_be_hidden()
        # Released, the side panel shows the last screenshot instead of the live view.
        await expect(page.locator("#live-title")).to_have_text("Last page", timeout=WAIT_MS)
        async with client_for(server.url, token) as api:
            closed = (await api.get(f"/v1/sessions/{session_id}")).json()
        assert not closed["active"]
        assert not closed["open"]

        await page.get_by_role("link", name="All sessions").click()
        await expect(page.get_by_text("No sessions yet: start one above.")).to_be_visible()
        await page.get_by_label("Show closed sessions").check()
        await expect(row.locator(".tag")).to_have_text("closed")

        await page.get_by_role("button", name="Sign out").click()
        await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        assert await page.evaluate(f"sessionStorage.getItem({TOKEN_KEY!r})") is None
    finally:
        await context.close()
    assert problems == []


@pytest.mark.browser
@pytest.mark.timeout(300)
async def test_a_trace_is_downloaded_an_error_shown_and_all_sessions_closed(
    server_factory: ServerFactory, demo_url: str, chromium: Browser, tmp_path: Path
) -> None:
    server = await server_factory(fake_runner=False, allow_hosts=("127.0.0.1",))
    token = await server.token("dashboard")
    # A phone's viewport: the one-column layout works the same.
    phone = {"width": 390, "height": 844}
    context = await chromium.new_context(base_url=server.url, viewport=phone)
    page = await context.new_page()
    problems = _watch_for_errors(page)
    try:
        await page.goto("/")
        await page.get_by_label("Access token").fill(token)
        await page.get_by_role("button", name="Sign in").click()

        # Refused by the fetch policy (a private address): failed, saying why.
        refused = "Find the price of the first product on http://10.255.255.1/shop"
        await page.get_by_label("Prompt", exact=True).fill(refused)
        await page.get_by_role("button", name="Start session").click()
        await expect(page.get_by_role("link", name=refused)).to_be_visible(timeout=WAIT_MS)

        shop = f"Find the price of the first product on {demo_url}/shop"
        await page.get_by_label("Prompt", exact=True).fill(shop)
        await page.get_by_label("Record a trace").check()
        await page.get_by_role("button", name="Start session").click()
        await page.get_by_role("link", name=shop).click()
        await expect(page.locator("#session-status")).to_have_text("completed", timeout=WAIT_MS)
        await expect(page.locator("#session-answer")).to_contain_text("$24.00")
        # Not kept open: released at the run's end, so no follow-up box, and the trace is there.
        await expect(page.locator("#session-state")).to_have_text(re.compile("^Released"))
        await expect(page.get_by_label("Follow-up prompt")).to_be_hidden()
        await expect(page.locator("#live-title")).to_have_text("Last page", timeout=WAIT_MS)
        # The session reads released (open: false) a moment before its trace is stored
        # (the worker closes the browser after recording the run's end): wait for it.
        session_id = page.url.rsplit("/", 1)[1]
        async with client_for(server.url, token) as api:

            async def trace_stored() -> bool:
                return (await api.get(f"/v1/sessions/{session_id}/trace")).status_code == 200

            await eventually(trace_stored, "the trace stored")
        async with page.expect_download() as download_info:
            await page.get_by_role("button", name="Download trace").click()
        download = await download_info.value
        assert download.suggested_filename.endswith(".zip")
        saved = tmp_path / "trace.zip"
        await download.save_as(saved)
        assert saved.read_bytes()[:2] == b"PK"

        await page.get_by_role("link", name="All sessions").click()
        await page.get_by_role("link", name=refused).click()
        await expect(page.locator("#session-status")).to_have_text("failed", timeout=WAIT_MS)
        await expect(page.locator("#session-error")).to_contain_text("fetch_refused")
        await expect(page.locator("#no-steps")).to_be_visible()

        await page.get_by_role("link", name="All sessions").click()
        await expect(page.locator("#sessions-body tr")).to_have_count(2)
        await page.get_by_role("button", name="Close all").click()
        await expect(page.locator("#announcer")).to_have_text("Closed 2 sessions.")
        await expect(page.get_by_text("No sessions yet: start one above.")).to_be_visible()
    finally:
        await context.close()
    assert problems == []
