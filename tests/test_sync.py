"""The blocking facade: same names and signatures, instances kept between calls."""

from __future__ import annotations

import asyncio
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import pupi
import pupi.sync
from pupi import InstanceNotFound
from pupi.demo import DemoServer

TWINS = [
    pytest.param(pupi.PupiPuppeteerSDK, pupi.sync.PupiPuppeteerSDK, id="sdk"),
    pytest.param(pupi.Puppeteer, pupi.sync.Puppeteer, id="puppeteer"),
]

# Async-only spellings whose sync twins follow Python's own naming.
RENAMED = {"aclose": "close", "__aenter__": "__enter__", "__aexit__": "__exit__"}


def _public_methods(cls: type) -> dict[str, object]:
    return {
        name: member
        for name, member in inspect.getmembers(cls, callable)
        if not name.startswith("_") or name in RENAMED or name in RENAMED.values()
    }


@pytest.mark.parametrize(("async_cls", "sync_cls"), TWINS)
def test_every_public_async_method_has_a_sync_twin_with_the_same_signature(
    async_cls: type, sync_cls: type
) -> None:
    sync_methods = _public_methods(sync_cls)
    for name, method in _public_methods(async_cls).items():
        twin_name = RENAMED.get(name, name)
        assert twin_name in sync_methods, f"{sync_cls.__qualname__} lacks {twin_name}"
        twin = sync_methods[twin_name]
        async_params = list(inspect.signature(method).parameters.values())  # type: ignore[arg-type]
        sync_params = list(inspect.signature(twin).parameters.values())  # type: ignore[arg-type]
        if name.startswith("__a"):
            continue  # context-manager protocols differ by design
        assert [(p.name, p.kind, p.default, p.annotation) for p in sync_params] == [
            (p.name, p.kind, p.default, p.annotation) for p in async_params
        ], name
        returns = str(inspect.signature(method).return_annotation)  # type: ignore[arg-type]
        assert str(inspect.signature(twin).return_annotation) == (  # type: ignore[arg-type]
            returns.replace("AsyncIterator[", "Iterator[")
        ), name
        if inspect.iscoroutinefunction(method):
            assert not inspect.iscoroutinefunction(twin), name


def test_the_generated_sync_module_is_current() -> None:
    root = Path(__file__).resolve().parent.parent
    check = subprocess.run(
        [sys.executable, str(root / "scripts" / "gen_sync.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=root,
    )
    assert check.returncode == 0, check.stderr


@pytest.mark.browser
def test_sync_instances_stay_open_between_calls(demo_site: DemoServer) -> None:
    sdk = pupi.sync.PupiPuppeteerSDK()
    first = sdk.execute_steps_locally([{"action": "go", "url": f"{demo_site.url}/shop"}])
    more = sdk.execute_steps_locally(
        [{"action": "evaluate", "script": "location.pathname", "as": "path"}],
        instance_id=first.instance_id,
    )
    assert more.outputs["path"] == "/shop"
    assert first.instance_id in {info.id for info in sdk.list_instances()}
    sdk.close_instance(first.instance_id)
    with pytest.raises(InstanceNotFound):
        sdk.close_instance(first.instance_id)
    sdk.close_all_instances()
    assert sdk.list_instances() == []


@pytest.mark.browser
def test_sync_puppeteer_chains_and_closes(demo_site: DemoServer) -> None:
    with pupi.sync.Puppeteer() as browser:
        browser.go(f"{demo_site.url}/").run()
        result = browser.evaluate("document.title", as_="title").run()
        assert result.outputs["title"]
        instance_id = browser.instance_id
        assert instance_id in {i.id for i in pupi.sync.PupiPuppeteerSDK().list_instances()}
    assert instance_id not in {i.id for i in pupi.sync.PupiPuppeteerSDK().list_instances()}


@pytest.mark.browser
async def test_the_sync_api_works_while_an_event_loop_runs(demo_site: DemoServer) -> None:
    # As in Jupyter: the caller's thread runs a loop, the sync API must not touch it.
    assert asyncio.get_running_loop()
    sdk = pupi.sync.PupiPuppeteerSDK()
    run = sdk.execute_steps_locally([{"action": "go", "url": f"{demo_site.url}/"}])
    assert run.ok
    sdk.close_instance(run.instance_id)
