"""The agent: observe a page, let a planner decide, act through the step engine.

>>> from pupi.agent import run_agent
>>> from pupi.agent.planners import get_planner
>>> result = await run_agent(instance, "Find the price of the first product",
...                          planner=get_planner("rules"), start_url=site_url + "/shop")
"""

from pupi.agent.loop import run_agent
from pupi.agent.observe import Observation, Vision, observe
from pupi.agent.result import PromptResult
from pupi.agent.schema import OutputSchema

__all__ = ["Observation", "OutputSchema", "PromptResult", "Vision", "observe", "run_agent"]
