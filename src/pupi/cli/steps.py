"""``pupi steps schema``: the JSON Schema of the steps format, for editors."""

from __future__ import annotations

import json

import typer

from pupi.cli import app
from pupi.steps import steps_json_schema

steps_app = typer.Typer(help="The steps format.", no_args_is_help=True)
app.add_typer(steps_app, name="steps")


@steps_app.command("schema")
def schema() -> None:
    """Print the JSON Schema of a steps file (point your editor's YAML/JSON schema at it)."""
    typer.echo(json.dumps(steps_json_schema(), indent=2))
