"""The agent: observe a page, let a planner decide, act through the step engine.

>>> from pupi.agent import run_agent
>>> from pupi.agent.planners import get_planner
>>> result = await run_agent(instance, "Find the price of the first product",
...                          planner=get_planner("rules"), start_url=site_url + "/shop")

Its names load on first use: ``import pupi`` (which exports ``PromptResult``)
must not pay for the observation and the loop when a script only runs steps.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pupi.agent.loop import run_agent
    from pupi.agent.observe import Observation, Vision
    from pupi.agent.result import PromptResult
    from pupi.agent.schema import OutputSchema

__all__ = ["Observation", "OutputSchema", "PromptResult", "Vision", "run_agent"]

_HOMES = {
    "Observation": "pupi.agent.observe",
    "OutputSchema": "pupi.agent.schema",
    "PromptResult": "pupi.agent.result",
    "Vision": "pupi.agent.observe",
    "run_agent": "pupi.agent.loop",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'pupi.agent' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
