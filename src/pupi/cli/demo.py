"""``pupi demo``: Pupi's main job on its embedded defaults, against the bundled demo site.

It serves the demo site on loopback, runs a browser session of declarative
steps (shop, login, table), then has the offline planner carry out a prompt.
"""

from __future__ import annotations

import asyncio
from typing import Any

import typer
from rich.markup import escape

from pupi.cli import app
from pupi.cli.output import console, show_step


def demo_steps(base_url: str) -> list[dict[str, Any]]:
    """The demo's step session: read the shop, add to cart, log in, read a table."""
    return [
        {"action": "go", "url": f"{base_url}/shop", "name": "open the shop"},
        {"action": "extract", "selector": ".product-card h2", "all": True, "as": "products"},
        {"action": "extract", "selector": ".product-card .price", "as": "first_price"},
        {"action": "click", "selector": "role=button[name='Add to cart'] >> nth=0"},
        {"action": "go", "url": f"{base_url}/login", "name": "open the login page"},
        {"action": "type", "selector": "#username", "text": "ada"},
        {"action": "type", "selector": "#password", "text": "lovelace"},
        {"action": "click", "selector": "role=button[name='Log in']"},
        {"action": "assert", "selector": "h1", "text": "Welcome"},
        {"action": "go", "url": f"{base_url}/table"},
        {"action": "extract", "selector": "table tbody tr", "all": True, "as": "rows"},
        {
            "action": "evaluate",
            "script": "document.querySelectorAll('tbody tr').length",
            "as": "employees",
        },
    ]


def default_prompts(base_url: str) -> list[str]:
    """The demo's prompts: the seed's question, a form to fill, a table look-up."""
    return [
        f"Find the price of the first product on {base_url}/shop",
        f"Log in on {base_url}/login as ada with password lovelace, then tell me the heading",
        f"Go to {base_url}/table and tell me the department of Grace Hopper",
    ]


@app.command()
def demo(
    headful: bool = typer.Option(False, "--headful", help="Show the browser window."),
    prompt: str | None = typer.Option(
        None, help="A prompt for the offline planner instead of the demo's three."
    ),
) -> None:
    """Serve the demo site, run a step session and an offline AI prompt on it."""
    ok = asyncio.run(_demo(headful=headful, prompt=prompt))
    raise typer.Exit(0 if ok else 1)


async def _demo(*, headful: bool, prompt: str | None) -> bool:
    from pupi import PupiPuppeteerSDK
    from pupi.demo import DemoServer

    with DemoServer() as site:
        console.print(f"[bold]Demo site[/] at {site.url}\n")
        async with PupiPuppeteerSDK(headless=not headful) as sdk:
            console.print("[bold]1. A browser session of declarative steps[/]")
            run = await sdk.execute_steps_locally(demo_steps(site.url), on_step=show_step)
            products = run.outputs.get("products") or []
            console.print(
                f"   {len(products)} products, the first costs {run.outputs.get('first_price')}; "
                f"{run.outputs.get('employees')} employees in the table; "
                f"cart on the server: {site.state()['cart']}"
            )
            tasks = [prompt] if prompt else default_prompts(site.url)
            console.print("\n[bold]2. AI prompts, offline planner[/]")
            answered = 0
            for task in tasks:
                console.print(f"\n   [bold]prompt:[/] {escape(task)}")
                result = await sdk.run_prompt_locally(task, on_step=show_step)
                if result.status == "completed":
                    answered += 1
                    console.print(f"   [bold]answer:[/] {escape(str(result.answer))}")
                else:
                    console.print(f"   [red]failed:[/] {escape(str(result.error))}")
        return run.ok and answered == len(tasks)
