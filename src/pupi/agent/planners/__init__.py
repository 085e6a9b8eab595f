"""Planners: what decides the agent's next action.

``get_planner(name)`` builds one by name. Each planner module is imported only
when asked for, so importing Pupi never loads an HTTP client or reads an API key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pupi.agent.planners.base import Action, Decision, HistoryEntry, Planner, Usage
from pupi.errors import AgentError

__all__ = [
    "PLANNERS",
    "Action",
    "Decision",
    "HistoryEntry",
    "Planner",
    "Usage",
    "get_planner",
]


def _rules(**options: Any) -> Planner:
    from pupi.agent.planners.rules import RulesPlanner

    # The offline planner reads the page's text only; asking it to look is a mistake.
    if options.pop("vision", None):
        raise AgentError("planner 'rules' cannot use vision; choose 'openai' or 'anthropic'")
    return RulesPlanner(**options)


def _openai(**options: Any) -> Planner:
    from pupi.agent.planners.openai import OpenAIPlanner

    return OpenAIPlanner.from_env(**options)


def _anthropic(**options: Any) -> Planner:
    from pupi.agent.planners.anthropic import AnthropicPlanner

    return AnthropicPlanner.from_env(**options)


PLANNERS: dict[str, Callable[..., Planner]] = {
    "rules": _rules,
    "openai": _openai,
    "anthropic": _anthropic,
}
"""Planner names and the factories that build them."""


def get_planner(name: str, **options: Any) -> Planner:
    """The planner called ``name`` ("rules", "openai" or "anthropic"), built with ``options``.

    LLM planners read their settings from the environment (``PUPI_LLM_MODEL``,
    ``PUPI_LLM_BASE_URL``, ``PUPI_LLM_API_KEY``, ``ANTHROPIC_API_KEY``, and
    optionally ``PUPI_LLM_VISION``, ``PUPI_LLM_TIMEOUT``, ``PUPI_LLM_MAX_RETRIES``)
    and raise :class:`~pupi.AgentError` saying what to set when something is
    missing; ``options`` win over the environment (``vision="marks"``). An
    unknown name raises :class:`~pupi.AgentError` listing the known ones.

    >>> planner = get_planner("rules")
    >>> planner.name
    'rules'
    """
    factory = PLANNERS.get(name.strip().lower())
    if factory is None:
        known = ", ".join(repr(known_name) for known_name in PLANNERS)
        raise AgentError(f"unknown planner {name!r}; choose one of {known}")
    return factory(**options)
