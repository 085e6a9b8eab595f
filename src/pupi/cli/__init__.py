"""The ``pupi`` command line: thin wrappers over the public API.

Each command group lives in its own module and registers itself on ``app``;
they are imported at the end of this module so that ``app`` is always complete.
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


def main() -> None:
    """Entry point of the ``pupi`` script and ``python -m pupi``."""
    app()


# Imported for their side effect: each adds its commands to ``app`` (defined above,
# which is what makes the circular import safe).
from pupi.cli import (  # noqa: E402
    demo,
    doctor,
    prompt,
    run,
    server,
    sessions,
    steps,
    tokens,
)

del demo, doctor, prompt, run, server, sessions, steps, tokens
