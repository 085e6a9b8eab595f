"""Downloads in real Chromium: saved, listed in the run, the ``download`` step."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import RunSteps

from pupi import DownloadedFile, InvalidSteps, PupiPuppeteerSDK, Puppeteer
from pupi.browser.instances import get_manager
from pupi.demo.routes.downloads import DEFAULT_CUSTOMER, invoice_pdf, report_csv

pytestmark = pytest.mark.browser


def saved(file: DownloadedFile) -> bytes:
    assert file.error is None and file.path is not None, file
    return Path(file.path).read_bytes()


async def test_a_click_that_starts_a_download_lists_the_saved_file_in_the_run(
    run: RunSteps, demo_url: str
) -> None:
    # The click is the last step: the run itself must wait for the download.
    result = await run(
        [
            {"action": "go", "url": f"{demo_url}/downloads"},
            {"action": "click", "selector": "#report-link"},
        ]
    )
    (file,) = result.raise_for_status().downloads
    assert file.name == "report.csv"
    assert file.url == f"{demo_url}/downloads/report.csv"
    assert file.content_type == "text/csv; charset=utf-8"
    assert file.size == len(report_csv())
    assert saved(file) == report_csv()


async def test_the_download_step_saves_under_save_as_and_outputs_the_file(
    run: RunSteps, demo_url: str
) -> None:
    result = await run(
        [
            {"action": "go", "url": f"{demo_url}/downloads"},
            {"action": "type", "selector": "#customer", "text": "Grace Hopper"},
            {
                "action": "download",
                "selector": "role=button[name='Generate PDF invoice']",
                "save_as": "hopper.pdf",
                "as": "invoice",
            },
            {"action": "evaluate", "script": "'{{invoice.name}}'", "as": "named"},
        ]
    )
    result.raise_for_status()
    (file,) = result.downloads
    assert result.outputs["invoice"] == file.model_dump(mode="json")
    assert result.outputs["named"] == "hopper.pdf"
    assert file.content_type == "application/pdf"
    assert Path(file.path or "").name == "hopper.pdf"
    assert saved(file) == invoice_pdf("Grace Hopper")
    assert saved(file).startswith(b"%PDF-1.4")


async def test_a_download_in_a_new_tab_is_recorded_too(run: RunSteps, demo_url: str) -> None:
    result = await run(
        [
            {"action": "go", "url": f"{demo_url}/downloads"},
            {"action": "download", "selector": "#report-new-tab", "as": "report"},
        ]
    )
    (file,) = result.raise_for_status().downloads
    assert file.name == "report.csv"
    assert saved(file) == report_csv()


async def test_downloads_of_one_name_get_unique_names(run: RunSteps, demo_url: str) -> None:
    result = await run(
        [
            {"action": "go", "url": f"{demo_url}/downloads"},
            {"action": "click", "selector": "#report-link"},
            {"action": "click", "selector": "#report-link"},
            {"action": "download", "selector": "#report-link", "save_as": "report.csv"},
            {"action": "download", "selector": "#invoice-button", "save_as": "report.csv"},
        ]
    )
    names = [file.name for file in result.raise_for_status().downloads]
    assert names == ["report.csv", "report (1).csv", "report (2).csv", "report (3).csv"]
    contents = [saved(file) for file in result.downloads]
    assert contents == [report_csv()] * 3 + [invoice_pdf(DEFAULT_CUSTOMER)]
    assert len({file.path for file in result.downloads}) == 4


async def test_a_download_step_fails_clearly_when_no_download_starts(
    run: RunSteps, demo_url: str
) -> None:
    result = await run(
        [
            {"action": "go", "url": f"{demo_url}/downloads"},
            {"action": "download", "selector": "h1", "timeout_ms": 2_000},
        ]
    )
    assert result.status == "failed"
    assert result.error is not None
    assert result.error.type == "timeout"
    assert result.error.message == "no download started within 2000 ms of the click on 'h1'"
    assert result.downloads == []


@pytest.mark.parametrize(
    "save_as",
    [
        pytest.param("../report.csv", id="parent"),
        pytest.param("files/report.csv", id="folder"),
        pytest.param("C:\\report.csv", id="backslash"),
        pytest.param("..", id="dot-dot"),
        pytest.param(" ", id="blank"),
    ],
)
async def test_a_save_as_that_is_no_plain_file_name_is_refused_before_any_browser_starts(
    sdk: PupiPuppeteerSDK, save_as: str
) -> None:
    before = len(get_manager().list())
    with pytest.raises(InvalidSteps) as caught:
        await sdk.execute_steps_locally(
            [
                {"action": "go", "url": "http://127.0.0.1:9/"},
                {"action": "download", "selector": "#report-link", "save_as": save_as},
            ]
        )
    assert [(e.index, e.action, e.field) for e in caught.value.errors] == [
        (1, "download", "save_as")
    ]
    assert "step 1 (download), field 'save_as'" in str(caught.value)
    assert len(get_manager().list()) == before


async def test_closing_the_instance_removes_its_downloads_directory(
    sdk: PupiPuppeteerSDK, demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PUPI_DOWNLOADS_DIR", str(tmp_path / "root"))
    result = await sdk.execute_steps_locally(
        [
            {"action": "go", "url": f"{demo_url}/downloads"},
            {"action": "download", "selector": "#report-link"},
        ]
    )
    (file,) = result.raise_for_status().downloads
    directory = Path(file.path or "").parent
    assert directory.parent == tmp_path / "root"
    assert get_manager().get(result.instance_id).downloads.directory == directory
    await sdk.close_instance(result.instance_id)
    assert not directory.exists()
    assert (tmp_path / "root").is_dir()  # the root is shared: only the instance's folder goes


async def test_puppeteer_chains_a_download_and_each_run_lists_only_its_own(
    demo_url: str,
) -> None:
    async with Puppeteer() as browser:
        first = await browser.go(f"{demo_url}/downloads").download("#report-link", as_="r").run()
        second = await browser.download("#invoice-button", save_as="invoice.pdf").run()
        third = await browser.extract("h1", as_="title").run()
    assert [file.name for file in first.downloads] == ["report.csv"]
    assert first.outputs["r"]["name"] == "report.csv"
    assert [file.name for file in second.downloads] == ["invoice.pdf"]
    assert third.downloads == []
