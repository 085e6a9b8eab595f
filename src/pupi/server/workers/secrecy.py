"""Keeping a run's secrets out of what the server records about it.

The engine and the agent already show each secret as its placeholder; this is
the worker's own pass over everything it is about to store or announce (steps,
step results, answer, outputs, error), so that a runner that let a value slip,
or an exception that quoted one, still leaves no trace of it.
"""

from __future__ import annotations

import dataclasses

from pupi.server.workers.runner import SessionOutcome, StepReport
from pupi.steps import Secrets

__all__ = ["redact_outcome", "redact_report"]


def redact_report(report: StepReport, secrets: Secrets) -> StepReport:
    """A step's report with each secret's value written as its placeholder."""
    if not secrets:
        return report
    return dataclasses.replace(
        report, step=secrets.redact(report.step), result=secrets.redact(report.result)
    )


def redact_outcome(outcome: SessionOutcome, secrets: Secrets) -> SessionOutcome:
    """A run's outcome with each secret's value written as its placeholder."""
    if not secrets:
        return outcome
    return dataclasses.replace(
        outcome,
        answer=secrets.redact(outcome.answer),
        steps=secrets.redact(outcome.steps),
        error=secrets.redact(outcome.error),
        outputs=secrets.redact(outcome.outputs),
        # Cached steps keep their placeholders already; this is the last word on it.
        kept={key: secrets.redact(steps) for key, steps in outcome.kept.items()},
    )
