"""``allowed_domains``: the rules, and a run held to them in real Chromium."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from pupi import InvalidBrowserOptions, PupiPuppeteerSDK
from pupi.browser.domains import AllowedDomains
from pupi.browser.instances import get_manager
from pupi.demo.routes.reviews import EVIL_URL


def test_a_rule_names_a_host_and_a_wildcard_its_subdomains() -> None:
    domains = AllowedDomains(["Example.com", "*.shop.test", "::1"])
    assert domains.refusal("https://example.com/a") is None
    assert domains.refusal("http://example.com.:8080/") is None  # any port, a trailing dot
    assert domains.refusal("https://cart.shop.test/") is None
    assert domains.refusal("https://a.b.shop.test/") is None
    assert domains.refusal("http://[::1]:9/") is None
    assert domains.refusal("about:blank") is None
    assert domains.refusal("data:text/html,hi") is None
    refused = domains.refusal("https://shop.test/")
    assert refused == (
        "refused 'https://shop.test/': shop.test is not in allowed_domains "
        "(Example.com, *.shop.test, ::1)"
    )
    assert domains.refusal("https://notexample.com/") is not None
    assert domains.refusal("https://example.com.evil.test/") is not None
    assert "only http(s)" in (domains.refusal("file:///etc/passwd") or "")


@pytest.mark.parametrize(
    ("rules", "field", "message"),
    [
        pytest.param(["https://example.com"], "allowed_domains.0", "without a scheme", id="scheme"),
        pytest.param(["ok.test", "example.com/x"], "allowed_domains.1", "or a path", id="path"),
        pytest.param(["example.com:8080"], "allowed_domains.0", "without a port", id="port"),
        pytest.param(["shop.*.test"], "allowed_domains.0", "wildcard", id="wildcard"),
        pytest.param([""], "allowed_domains.0", "a host name", id="empty-rule"),
        pytest.param([], "allowed_domains", "refuse every page", id="empty-list"),
    ],
)
def test_a_bad_rule_is_refused_naming_it(rules: list[str], field: str, message: str) -> None:
    with pytest.raises(InvalidBrowserOptions) as caught:
        AllowedDomains(rules)
    (error,) = caught.value.errors
    assert error.field == field and message in error.message


@pytest.mark.browser
async def test_a_go_elsewhere_is_refused_naming_the_rules(
    sdk: PupiPuppeteerSDK, demo_url: str
) -> None:
    port = urlsplit(demo_url).port
    result = await sdk.execute_steps_locally(
        [
            {"action": "go", "url": f"{demo_url}/reviews"},
            # The same demo site under another name: reachable, but not allowed.
            {"action": "go", "url": f"http://localhost:{port}/shop"},
        ],
        allowed_domains=["127.0.0.1", "*.shop.test"],
    )
    assert result.status == "failed" and result.error is not None
    assert result.error.step_index == 1 and result.error.type == "blocked"
    assert result.error.message == (
        f"refused 'http://localhost:{port}/shop': localhost is not in allowed_domains "
        "(127.0.0.1, *.shop.test)"
    )
    info = next(i for i in sdk.list_instances() if i.id == result.instance_id)
    assert info.url == f"{demo_url}/reviews"


@pytest.mark.browser
async def test_requests_and_links_elsewhere_are_refused_and_the_rules_end_with_the_run(
    sdk: PupiPuppeteerSDK, demo_url: str
) -> None:
    port = urlsplit(demo_url).port
    fetch_elsewhere = (
        f"() => fetch('http://localhost:{port}/api/state', {{mode: 'no-cors'}})"
        ".then(() => 'fetched', () => 'refused')"
    )
    steps = [
        {"action": "go", "url": f"{demo_url}/reviews"},
        {"action": "evaluate", "script": fetch_elsewhere, "as": "fetch"},
        {"action": "click", "selector": "text=Claim your free mouse"},
    ]
    run = await sdk.execute_steps_locally(steps, allowed_domains=["127.0.0.1"])
    assert run.outputs["fetch"] == "refused"
    info = next(i for i in sdk.list_instances() if i.id == run.instance_id)
    assert not info.url.startswith("http://evil.test")  # the link's navigation was aborted

    instance = get_manager().get(run.instance_id)
    refused = dict(instance.blocked)
    assert refused[f"http://localhost:{port}/api/state"].endswith("(127.0.0.1)")
    assert refused[EVIL_URL] == (
        f"refused '{EVIL_URL}': evil.test is not in allowed_domains (127.0.0.1)"
    )

    # The next run on the same instance, without rules, reaches localhost again.
    again = await sdk.execute_steps_locally(
        [
            {"action": "go", "url": f"{demo_url}/reviews"},
            {"action": "evaluate", "script": fetch_elsewhere, "as": "fetch"},
        ],
        instance_id=run.instance_id,
    )
    assert again.raise_for_status().outputs["fetch"] == "fetched"
    assert instance.restrictions == []
