"""Steps with ``secrets``: the value reaches the page, and nothing the run returns or logs."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from pupi import PupiPuppeteerSDK, Puppeteer, StepResult
from pupi.steps import BaseStep

pytestmark = pytest.mark.browser

# ada's demo password; the login page prints it too, so a leak would be easy to miss.
PASSWORD = "lovelace"
SECRETS = {"password": PASSWORD}


def login_steps(demo_url: str) -> list[dict[str, Any]]:
    return [
        {"action": "go", "url": f"{demo_url}/login"},
        {"action": "type", "selector": "#username", "text": "ada"},
        {"action": "type", "selector": "#password", "text": "{{secret.password}}"},
        {
            "action": "evaluate",
            "script": "() => document.querySelector('#password').value",
            "as": "typed",
        },
        {"action": "click", "selector": "button[type=submit]", "expect_navigation": True},
        {"action": "extract", "selector": "h1", "as": "heading"},
    ]


async def test_a_secret_is_typed_into_the_page_and_shown_as_its_placeholder(
    sdk: PupiPuppeteerSDK, demo_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="pupi")
    seen: list[tuple[StepResult, BaseStep]] = []
    run = await sdk.execute_steps_locally(
        login_steps(demo_url),
        secrets=SECRETS,
        on_step=lambda result, step: seen.append((result, step)),
    )
    # The password was right: the page logged ada in.
    assert run.raise_for_status().outputs["heading"] == "Welcome, Ada"
    # The field held the value; the output says which secret it was.
    assert run.outputs["typed"] == "{{secret.password}}"
    assert seen[2][1].model_dump()["text"] == "{{secret.password}}"
    shown = [run.model_dump_json(), *(step.model_dump_json() for _, step in seen), caplog.text]
    for text in shown:
        assert PASSWORD not in text


async def test_a_later_step_gets_the_value_an_earlier_one_read(
    sdk: PupiPuppeteerSDK, demo_url: str
) -> None:
    steps = [
        *login_steps(demo_url)[:4],
        {"action": "type", "selector": "#username", "text": "{{typed}}"},
        {
            "action": "evaluate",
            "script": "() => document.querySelector('#username').value.length",
            "as": "length",
        },
    ]
    run = await sdk.execute_steps_locally(steps, secrets=SECRETS)
    assert run.raise_for_status().outputs["length"] == len(PASSWORD)


async def test_an_error_that_quotes_a_secret_is_redacted(
    sdk: PupiPuppeteerSDK, demo_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="pupi")
    run = await sdk.execute_steps_locally(
        [
            {"action": "go", "url": f"{demo_url}/login"},
            {"action": "type", "selector": "#password", "text": "{{secret.password}}"},
            {
                "action": "evaluate",
                "script": "() => { throw new Error('wrong: ' + "
                "document.querySelector('#password').value) }",
            },
        ],
        secrets=SECRETS,
    )
    assert run.status == "failed" and run.error is not None
    assert "wrong: {{secret.password}}" in run.error.message
    assert "wrong: {{secret.password}}" in (run.steps[2].error or "")
    for text in (run.model_dump_json(), caplog.text):
        assert PASSWORD not in text


async def test_the_chainable_builder_takes_secrets_for_its_run(demo_url: str) -> None:
    async with Puppeteer() as browser:
        run = await (
            browser.go(f"{demo_url}/login")
            .type("#username", "ada")
            .type("#password", "{{secret.password}}")
            .click("button[type=submit]", expect_navigation=True)
            .extract("h1", as_="heading")
            .run(secrets=SECRETS)
        )
    assert run.raise_for_status().outputs["heading"] == "Welcome, Ada"
    assert PASSWORD not in run.model_dump_json()
