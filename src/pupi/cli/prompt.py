"""``pupi prompt "..."``: let the agent carry out a task, showing each step as it runs.

Locally (the default) the agent drives a new browser instance with the chosen
planner; with ``--api URL`` the task runs as a session on a Pupi API server and
its steps are streamed from there. The answer is printed last.
"""

from __future__ import annotations

import asyncio
from typing import Any

import typer

from pupi.cli import app
from pupi.cli.output import console, errors, show_json, show_step
from pupi.errors import PupiError

__all__ = ["prompt"]


@app.command()
def prompt(
    task: str = typer.Argument(..., help="What to do, in plain language."),
    planner: str = typer.Option(
        "rules", "--planner", "-p", help="rules (offline), openai or anthropic."
    ),
    start_url: str | None = typer.Option(None, "--start-url", help="Open this page first."),
    max_steps: int = typer.Option(30, "--max-steps", min=1, help="Most actions to take."),
    timeout_s: float = typer.Option(120, "--timeout", min=1, help="Time limit in seconds."),
    headful: bool = typer.Option(False, "--headful", help="Show the browser window."),
    as_json: bool = typer.Option(False, "--json", help="Print the whole result as JSON."),
    api: str | None = typer.Option(
        None, "--api", envvar="PUPI_API_URL", help="Run on this Pupi API server instead."
    ),
    token: str | None = typer.Option(
        None, "--token", envvar="PUPI_TOKEN", help="Access token for --api.", show_default=False
    ),
) -> None:
    """Carry out TASK in a browser and print the answer.

    Exit status: 0 when the task completed, 1 when it failed, 2 on a usage or
    setup error (unknown planner, missing API key, no browser).
    """
    options: dict[str, Any] = {
        "planner": planner,
        "start_url": start_url,
        "max_steps": max_steps,
        "timeout_s": timeout_s,
    }
    try:
        if api:
            data = asyncio.run(_remote(api, token, task, options, live=not as_json))
        else:
            data = asyncio.run(_local(task, options, headful=headful, live=not as_json))
    except PupiError as exc:
        errors.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    if as_json:
        show_json(data)
    else:
        _show_outcome(data)
    raise typer.Exit(0 if data.get("status") == "completed" else 1)


async def _local(task: str, options: dict[str, Any], *, headful: bool, live: bool) -> Any:
    from pupi import PupiPuppeteerSDK

    async with PupiPuppeteerSDK(headless=not headful) as sdk:
        result = await sdk.run_prompt_locally(task, on_step=show_step if live else None, **options)
        return result.model_dump(mode="json")


async def _remote(
    api: str, token: str | None, task: str, options: dict[str, Any], *, live: bool
) -> Any:
    from pupi import PupiPuppeteerSDK

    if not token:
        raise PupiError("no access token for --api: set PUPI_TOKEN or pass --token")
    async with PupiPuppeteerSDK(api, access_token=token) as sdk:
        started = await sdk.send_prompt_to_ai(task, **options)
        if live:
            console.print(f"[dim]session {started.session_id} ({started.status})[/]")
            async for event in sdk.iter_session_events(started.session_id):
                if event.event == "step":
                    _show_remote_step(event.data)
                elif event.event == "end":
                    break
        result = await sdk.wait_for_session(
            started.session_id, timeout_s=float(options["timeout_s"]) + 30
        )
        return result.model_dump(mode="json")


def _show_remote_step(data: dict[str, Any]) -> None:
    ok = data.get("status", "ok") == "ok"
    mark = "[green]✓[/]" if ok else "[red]✗[/]"
    step = data.get("step") or {}
    label = step.get("action", data.get("action", "step"))
    target = step.get("selector") or step.get("url") or step.get("key") or ""
    line = f"{mark} {data.get('n', '?'):>3}  {label} {target}".rstrip()
    if data.get("error"):
        line += f"\n        [red]{data['error']}[/]"
    console.print(line)


def _show_outcome(data: dict[str, Any]) -> None:
    error = data.get("error")
    if error:
        errors.print(f"[red]failed ({error.get('type')}):[/] {error.get('message')}")
    answer = data.get("answer")
    if answer is not None:
        text = answer if isinstance(answer, str) else _json(answer)
        console.print(f"[bold]answer:[/] {text}")
    elif not error:
        console.print("[green]done[/]")


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, indent=2)
