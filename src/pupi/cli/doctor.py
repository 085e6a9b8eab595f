"""``pupi doctor``: what Pupi found on this machine and what is missing."""

from __future__ import annotations

import asyncio
import os
import sys
from importlib import metadata

import typer
from rich.console import Console

from pupi.browser.discovery import install_hint, search_browsers
from pupi.cli import app

console = Console(highlight=False)


@app.command()
def doctor(
    launch: bool = typer.Option(True, help="Also start the browser once to prove it works."),
) -> None:
    """Find the browser, check it starts, and say how to fix what is missing."""

    console.print(f"Python {sys.version.split()[0]} at {sys.executable}")
    console.print(f"Playwright {metadata.version('playwright')}")
    found, misses = search_browsers()
    for location in found:
        note = f" ({location.note})" if location.note else ""
        console.print(f"[green]✓[/] browser from {location.source}: {location.path}{note}")
    for miss in misses:
        console.print(f"[dim]· {miss}[/]")
    cdp_url = os.environ.get("PUPI_CDP_URL")
    if cdp_url:
        console.print(f"PUPI_CDP_URL={cdp_url}: instances connect to that browser instead")
    if not found and not cdp_url:
        console.print(f"[red]✗ no browser found.[/] {install_hint()}")
        raise typer.Exit(1)
    if launch:
        error = asyncio.run(_try_launch())
        if error:
            console.print(f"[red]✗ the browser did not start:[/] {error}")
            raise typer.Exit(1)
        console.print("[green]✓[/] the browser starts and renders a page")


async def _try_launch() -> str | None:
    from pupi import PupiError, PupiPuppeteerSDK

    sdk = PupiPuppeteerSDK()
    try:
        run = await sdk.execute_steps_locally(
            [
                {"action": "go", "url": "data:text/html,<h1>ok</h1>"},
                {"action": "assert", "selector": "h1", "text": "ok"},
            ]
        )
        return None if run.ok else str(run.error)
    except PupiError as exc:
        return str(exc)
    finally:
        await sdk.close_all_instances()
