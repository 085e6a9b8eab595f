"""The ``pupi`` command line: thin wrappers over the public API.

Each command group lives in its own module and registers itself on ``app``.
"""

from __future__ import annotations

import typer

__all__ = ["app", "main"]

app = typer.Typer(
    name="pupi",
    help="Browser automation driven by declarative steps or plain-language prompts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register() -> None:
    # Imported for their side effect: each module adds its commands to ``app``.
    from pupi.cli import demo, doctor, prompt, run, server, sessions, steps, tokens  # noqa: F401


def main() -> None:
    """Entry point of the ``pupi`` script and ``python -m pupi``."""
    _register()
    app()
