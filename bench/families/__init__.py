"""Generated web-task families: fresh pages, prompts and checkers from a seed.

Each family takes a ``random.Random`` and returns a :class:`~.base.Task`; the
same seed gives the same task, so a failure can be reproduced by its seed.
"""

from __future__ import annotations

import random

from . import forms, lists, widgets
from .base import Family, Run, Task

FAMILIES: dict[str, Family] = {
    "button": widgets.button,
    "link": widgets.link,
    "login": forms.login,
    "form": forms.form,
    "checkbox": widgets.checkbox,
    "radio": widgets.radio,
    "select": widgets.select,
    "row_action": lists.row_action,
    "nth_result": lists.nth_result,
    "modal": widgets.modal,
    "accordion": widgets.accordion,
    "tabs": widgets.tabs,
    "slider": widgets.slider,
    "lookup": lists.lookup,
    "count": lists.count,
    "copy_value": forms.copy_value,
    "refusal": lists.refusal,
}

__all__ = ["FAMILIES", "Family", "Run", "Task", "make"]


def make(family: str, seed: int) -> Task:
    """The task ``family`` builds from ``seed``. The seed is tied to the family's name so
    that families drawing from the same word pools do not pick the same words."""
    return FAMILIES[family](random.Random(f"{family}:{seed}"))
