"""The built-in offline planner (``planner="rules"``): plain English, no model.

:class:`RulesPlanner` implements the :class:`~pupi.agent.planners.base.Planner`
protocol; :func:`decide` is its pure decision step.
"""

from pupi.agent.planners.rules.planner import RulesPlanner, decide

__all__ = ["RulesPlanner", "decide"]
