"""Conversion of Chrome DevTools Recorder exports into Pupi steps.

A Recorder export is ``{"title": ..., "steps": [{"type": "navigate", ...}, ...]}``.
Its selectors are lists of alternatives; each alternative is a list of parts
(shadow hosts or frames, outermost first) using the prefixes ``aria/``,
``text/``, ``xpath/`` and ``pierce/``, or plain CSS.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["convert_recording", "is_recording", "recorder_selector"]

_RECORDER_TYPES = frozenset(
    {
        "navigate",
        "click",
        "doubleClick",
        "change",
        "keyDown",
        "keyUp",
        "scroll",
        "hover",
        "setViewport",
        "waitForElement",
        "waitForExpression",
        "close",
        "customStep",
    }
)
_ARIA_ROLE = re.compile(r'^(?P<name>.*?)\[role=["\']?(?P<role>[\w-]+)["\']?\]$')


def is_recording(data: Any) -> bool:
    """Whether ``data`` looks like a Recorder export rather than a Pupi step list."""
    if not isinstance(data, Mapping) or not isinstance(data.get("steps"), list):
        return False
    steps = data["steps"]
    return bool(steps) and all(
        isinstance(step, Mapping) and "type" in step and "action" not in step for step in steps
    )


def recorder_selector(selectors: Any) -> str | list[str]:
    """Translate a Recorder ``selectors`` field into Pupi alternatives."""
    if isinstance(selectors, str):
        selectors = [[selectors]]
    alternatives: list[str] = []
    for alternative in selectors:
        parts = [alternative] if isinstance(alternative, str) else list(alternative)
        chains: list[str] = [""]
        for part in parts:
            options = _part(str(part))
            chains = [
                f"{chain} >> {option}" if chain else option
                for chain in chains
                for option in options
            ]
        alternatives.extend(chain for chain in chains if chain not in alternatives)
    if not alternatives:
        raise ValueError(f"no usable selector in {json.dumps(selectors)[:80]}")
    return alternatives[0] if len(alternatives) == 1 else alternatives


def _part(selector: str) -> list[str]:
    """Playwright selectors for one Recorder selector part, best first."""
    if selector.startswith("aria/"):
        name = selector[len("aria/") :]
        role = _ARIA_ROLE.match(name)
        if role:
            return [f"role={role['role']}[name={json.dumps(role['name'])}]"]
        # Playwright cannot query by accessible name without a role; the
        # aria-label attribute and the exact text cover what the Recorder emits.
        return [f"[aria-label={json.dumps(name)}]", f"text={json.dumps(name)}"]
    if selector.startswith("text/"):
        return [f"text={json.dumps(selector[len('text/') :])}"]
    if selector.startswith("xpath/"):
        return [f"xpath={selector[len('xpath/') :]}"]
    if selector.startswith("pierce/"):
        # Playwright's CSS engine already pierces open shadow roots.
        return [selector[len("pierce/") :]]
    return [selector]


def convert_recording(recording: Mapping[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """Turn a Recorder export into Pupi step dicts.

    Returns the steps and a list of problems, one line per Recorder step that
    could not be converted (``"recorder step 3 (customStep): not supported"``).
    ``keyUp`` and ``close`` steps have no Pupi twin and are dropped silently.
    """
    steps: list[dict[str, Any]] = []
    problems: list[str] = []
    for index, raw in enumerate(recording.get("steps", [])):
        kind = raw.get("type")
        try:
            converted = _convert(raw)
        except (KeyError, ValueError, TypeError) as exc:
            problems.append(f"recorder step {index} ({kind}): {exc}")
            continue
        steps.extend(converted)
    return steps, problems


def _timeout(raw: Mapping[str, Any], step: dict[str, Any]) -> dict[str, Any]:
    if isinstance(raw.get("timeout"), int | float) and raw["timeout"] > 0:
        step["timeout_ms"] = int(raw["timeout"])
    return step


def _navigation_waits(raw: Mapping[str, Any]) -> list[dict[str, Any]]:
    waits = []
    for event in raw.get("assertedEvents") or []:
        if event.get("type") == "navigation" and event.get("url"):
            waits.append({"action": "wait", "url": event["url"]})
    return waits


def _convert(raw: Mapping[str, Any]) -> list[dict[str, Any]]:
    kind = raw.get("type")
    if kind not in _RECORDER_TYPES:
        raise ValueError(f"unknown Recorder step type {kind!r}")
    if kind == "navigate":
        return [_timeout(raw, {"action": "go", "url": raw["url"]})]
    if kind in ("click", "doubleClick"):
        step: dict[str, Any] = {"action": "click", "selector": recorder_selector(raw["selectors"])}
        if kind == "doubleClick":
            step["click_count"] = 2
        if raw.get("button") in ("secondary", "auxiliary"):
            step["button"] = "right" if raw["button"] == "secondary" else "middle"
        if "offsetX" in raw and "offsetY" in raw:
            step["position"] = {"x": raw["offsetX"], "y": raw["offsetY"]}
        return [_timeout(raw, step), *_navigation_waits(raw)]
    if kind == "change":
        selector = recorder_selector(raw["selectors"])
        return [_timeout(raw, {"action": "type", "selector": selector, "text": str(raw["value"])})]
    if kind == "keyDown":
        return [_timeout(raw, {"action": "press", "key": raw["key"]}), *_navigation_waits(raw)]
    if kind == "hover":
        return [_timeout(raw, {"action": "hover", "selector": recorder_selector(raw["selectors"])})]
    if kind == "scroll":
        step = {"action": "scroll", "x": int(raw.get("x", 0)), "y": int(raw.get("y", 0))}
        if raw.get("selectors"):
            step["selector"] = recorder_selector(raw["selectors"])
        return [step]
    if kind == "setViewport":
        return [{"action": "set_viewport", "width": raw["width"], "height": raw["height"]}]
    if kind == "waitForElement":
        return [_wait_for_element(raw)]
    if kind == "waitForExpression":
        return [_timeout(raw, {"action": "wait", "expression": raw["expression"]})]
    if kind in ("keyUp", "close"):
        return []
    raise ValueError("custom steps are not supported")


def _wait_for_element(raw: Mapping[str, Any]) -> dict[str, Any]:
    selector = recorder_selector(raw["selectors"])
    visible = raw.get("visible", True)
    count = raw.get("count")
    operator = raw.get("operator", ">=")
    if count is not None and operator == "==":
        return _timeout(raw, {"action": "assert", "selector": selector, "count": int(count)})
    state = "visible" if visible else "hidden"
    return _timeout(raw, {"action": "wait", "selector": selector, "state": state})
