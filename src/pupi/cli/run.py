"""``pupi run FILE``: run a steps file and show each step as it finishes."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from pupi.cli import app
from pupi.cli.output import console, errors, parse_vars, show_json, show_step
from pupi.engine import RunResult
from pupi.errors import PupiError


@app.command()
def run(
    file: Path = typer.Argument(..., help="Steps as JSON or YAML, or a Chrome Recorder export."),
    var: list[str] = typer.Option([], "--var", help="A {{placeholder}} value, NAME=VALUE."),
    headful: bool = typer.Option(False, "--headful", help="Show the browser window."),
    keep_open: bool = typer.Option(
        False, "--keep-open", help="Leave the browser open until Enter is pressed."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the RunResult as JSON."),
    timeout_ms: int | None = typer.Option(None, help="Default time limit of each step."),
    trace: Path | None = typer.Option(
        None,
        "--trace",
        help="Write a Playwright trace of the run to this zip (playwright show-trace opens it).",
    ),
) -> None:
    """Run the steps in FILE in a new browser instance."""
    try:
        variables = parse_vars(var)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    try:
        result = asyncio.run(
            _run(
                file,
                variables,
                headful=headful,
                keep_open=keep_open,
                as_json=as_json,
                timeout_ms=timeout_ms,
                trace=trace,
            )
        )
    except PupiError as exc:
        errors.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    if trace is not None and not as_json:
        # Plain: a path to copy must not be wrapped or shortened.
        typer.echo(f"trace: {trace} (open it with: playwright show-trace {trace})")
    if as_json:
        show_json(result.model_dump(mode="json"))
    else:
        for name, value in result.outputs.items():
            console.print(f"[bold]{name}[/] = {value!r}")
        if result.error:
            errors.print(
                f"[red]failed at step {result.error['step_index']}:[/] {result.error['message']}"
            )
            if result.error.get("screenshot"):
                errors.print(f"screenshot: {result.error['screenshot']}")
    raise typer.Exit(0 if result.ok else 1)


async def _run(
    file: Path,
    variables: dict[str, str],
    *,
    headful: bool,
    keep_open: bool,
    as_json: bool,
    timeout_ms: int | None,
    trace: Path | None,
) -> RunResult:
    from pupi import PupiPuppeteerSDK

    async with PupiPuppeteerSDK(headless=not headful) as sdk:
        result = await sdk.execute_steps_locally(
            file,
            variables=variables,
            timeout_ms=timeout_ms,
            on_step=None if as_json else show_step,
            trace=trace,
        )
        if keep_open:
            console.print("Browser left open; press Enter to close it.")
            await asyncio.to_thread(input)
        return result
