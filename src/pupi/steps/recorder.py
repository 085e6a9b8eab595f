"""Conversion of Chrome DevTools Recorder exports into Pupi steps.

A Recorder export is ``{"title": ..., "steps": [{"type": "navigate", ...}, ...]}``
(the schema of ``@puppeteer/replay``). Each step becomes Pupi steps that replay
it as Chrome's own replayer (``PuppeteerRunnerExtension``) does; a step or field
that cannot be replayed that way is reported, naming the Recorder step's index,
type and field, so nothing is silently dropped. docs/steps.md has the table.

Selectors are lists of alternatives; each alternative is a list of parts
(shadow hosts, outermost first) using the prefixes ``aria/``, ``text/``,
``xpath/`` and ``pierce/``, or plain CSS. A role-less ``aria/Name`` becomes Pupi's
``aria-name="Name"`` part (``pupi.steps.selectors``), which the engine resolves
through the browser's accessibility tree.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from pupi.errors import StepError
from pupi.steps.selectors import aria_name_part

__all__ = ["convert_recording", "is_recording", "recorder_selector"]

_WITH_TARGET = frozenset({"type", "timeout", "assertedEvents", "target"})
_WITH_FRAME = _WITH_TARGET | {"frame"}
_WITH_SELECTORS = _WITH_FRAME | {"selectors"}
_CLICK = _WITH_SELECTORS | {"offsetX", "offsetY", "button", "deviceType", "duration"}

_FIELDS: dict[str, frozenset[str]] = {
    "navigate": _WITH_FRAME | {"url"},
    "click": _CLICK,
    "doubleClick": _CLICK,
    "hover": _WITH_SELECTORS,
    "change": _WITH_SELECTORS | {"value"},
    # The replayer presses keys, sets the viewport, closes and throttles whole
    # pages, so a `frame` on these steps changes nothing there either.
    "keyDown": _WITH_FRAME | {"key"},
    "keyUp": _WITH_FRAME | {"key"},
    "setViewport": _WITH_FRAME
    | {"width", "height", "deviceScaleFactor", "isMobile", "hasTouch", "isLandscape"},
    "close": _WITH_FRAME,
    "emulateNetworkConditions": _WITH_FRAME | {"download", "upload", "latency"},
    "scroll": _WITH_SELECTORS | {"x", "y"},
    "waitForElement": _WITH_SELECTORS
    | {"operator", "count", "visible", "properties", "attributes"},
    "waitForExpression": _WITH_FRAME | {"expression"},
    "customStep": _WITH_FRAME | {"name", "parameters"},
}
"""Every Recorder step type and the fields its schema gives it."""

_RECORDING_FIELDS = frozenset({"title", "timeout", "selectorAttribute", "steps"})

_BUTTONS = {
    "primary": "left",
    "auxiliary": "middle",
    "secondary": "right",
    "back": "back",
    "forward": "forward",
}

_UNKNOWN_KEYS = frozenset(
    [
        "Power",
        "Eject",
        "Abort",
        "Help",
        "Convert",
        "NonConvert",
        "Select",
        "Open",
        "F13",
        "F14",
        "F15",
        "F16",
        "F17",
        "F18",
        "F19",
        "F20",
        "F21",
        "F22",
        "F23",
        "F24",
        "MediaStop",
        "NumpadEqual",
        "Props",
        "Cancel",
        "Clear",
        "Accept",
        "ModeChange",
        "Print",
        "Execute",
        "Attn",
        "CrSel",
        "ExSel",
        "EraseEof",
        "Play",
        "ZoomOut",
        "SoftLeft",
        "SoftRight",
        "Camera",
        "Call",
        "EndCall",
        "VolumeDown",
        "VolumeUp",
    ]
) | {"\u0000"}
"""Keys of the Recorder's schema that Playwright's keyboard does not know."""

_ARIA_ROLE = re.compile(r'^(?P<name>.*?)\[role=["\']?(?P<role>[\w-]+)["\']?\]$')
_REGEX_SPECIAL = re.compile(r"""([\\^$.*+?()\[\]{}|/'"`>])""")


class _Refused(Exception):
    """A Recorder step (or one of its fields) that cannot be replayed faithfully."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def is_recording(data: Any) -> bool:
    """Whether ``data`` looks like a Recorder export rather than a Pupi step list."""
    if not isinstance(data, Mapping) or not isinstance(data.get("steps"), list):
        return False
    steps = data["steps"]
    return bool(steps) and all(
        isinstance(step, Mapping) and "type" in step and "action" not in step for step in steps
    )


def recorder_selector(selectors: Any) -> str | list[str]:
    """Translate a Recorder ``selectors`` field into Pupi alternatives, best first."""
    if isinstance(selectors, str):
        selectors = [[selectors]]
    if not isinstance(selectors, list) or not selectors:
        raise _Refused("expected a non-empty list of selectors", "selectors")
    alternatives: list[str] = []
    for alternative in selectors:
        parts = [alternative] if isinstance(alternative, str) else alternative
        if not isinstance(parts, list) or not parts:
            raise _Refused(f"not a selector: {json.dumps(alternative)[:80]}", "selectors")
        chains: list[str] = [""]
        for part in parts:
            options = _part(str(part))
            chains = [
                f"{chain} >> {option}" if chain else option
                for chain in chains
                for option in options
            ]
        alternatives.extend(chain for chain in chains if chain not in alternatives)
    return alternatives[0] if len(alternatives) == 1 else alternatives


def _part(selector: str) -> list[str]:
    """Playwright selectors for one Recorder selector part, best first."""
    if selector.startswith("aria/"):
        # Puppeteer's ARIA query collapses runs of spaces and trims the name, then
        # matches the accessible name exactly.
        name = selector[len("aria/") :]
        role = _ARIA_ROLE.match(name)
        if role:
            return [f"role={role['role']}[name={_quoted(_normalized(role['name']))}s]"]
        if not _normalized(name):
            raise _Refused("an aria/ selector needs an accessible name", "selectors")
        # Playwright cannot query a name without a role; the engine asks the
        # browser's accessibility tree, as Puppeteer does.
        return [aria_name_part(_normalized(name))]
    if selector.startswith("text/"):
        # Puppeteer's text handler: the smallest elements whose text *contains*
        # it, case-sensitively; a regex text selector matches the same way.
        return [f"text=/{_regex_source(selector[len('text/') :])}/"]
    if selector.startswith("xpath/"):
        return [f"xpath={selector[len('xpath/') :]}"]
    if selector.startswith("pierce/"):
        # Playwright's CSS engine already pierces open shadow roots.
        return [selector[len("pierce/") :]]
    if "::-p-" in selector or ">>>" in selector:
        raise _Refused(
            f"Puppeteer's extended CSS ({selector!r}) has no Playwright equivalent; "
            "use the aria/, text/, xpath/ or pierce/ form",
            "selectors",
        )
    return [selector]


def _normalized(name: str) -> str:
    return re.sub(" +", " ", name).strip()


def _regex_source(text: str) -> str:
    """``text`` as a literal JavaScript regex; quotes and ``>`` are escaped too, so
    Playwright's selector parser sees no string and no ``>>`` in it."""
    return _REGEX_SPECIAL.sub(r"\\\1", text).replace("\n", "\\n")


def _quoted(text: str) -> str:
    """A string as Playwright's selector parser reads one: JSON, quotes escaped."""
    return json.dumps(text, ensure_ascii=False)


def convert_recording(
    recording: Mapping[str, Any],
) -> tuple[list[dict[str, Any]], list[StepError]]:
    """Turn a Recorder export into Pupi step dicts.

    Returns the steps and the problems: one :class:`~pupi.errors.StepError` per
    Recorder step or field that cannot be replayed, with the Recorder step's
    index and ``"recorder <type>"`` as its action.
    """
    problems: list[StepError] = []
    for name in recording:
        if name not in _RECORDING_FIELDS:
            problems.append(StepError(-1, None, name, "unknown field of a Recorder export"))
    default_timeout = recording.get("timeout")
    steps: list[dict[str, Any]] = []
    for index, raw in enumerate(recording.get("steps", [])):
        kind = raw.get("type")
        try:
            steps.extend(_convert(raw, default_timeout))
        except _Refused as exc:
            problems.append(StepError(index, f"recorder {kind}", exc.field, str(exc)))
        except (KeyError, ValueError, TypeError) as exc:
            field = exc.args[0] if isinstance(exc, KeyError) else None
            message = "required" if isinstance(exc, KeyError) else str(exc)
            problems.append(StepError(index, f"recorder {kind}", field, message))
    return steps, problems


def _convert(raw: Mapping[str, Any], default_timeout: Any) -> list[dict[str, Any]]:
    kind = raw.get("type")
    if kind not in _FIELDS:
        raise _Refused(
            f"unknown Recorder step type {kind!r}; expected one of {', '.join(_FIELDS)}", "type"
        )
    for name in raw:
        if name not in _FIELDS[kind]:
            raise _Refused(f"not a field of a Recorder {kind} step", name)
    if kind == "customStep":
        raise _Refused(
            f"custom step {raw.get('name')!r} needs the replay extension that defines it; "
            "Pupi has none (Chrome's own replayer skips it)",
            "name",
        )
    step = _CONVERTERS[kind](raw)
    step["target"] = _target(raw)
    timeout = raw.get("timeout", default_timeout)
    if timeout is not None:
        if not isinstance(timeout, int | float) or isinstance(timeout, bool) or timeout <= 0:
            raise _Refused("expected a positive number of milliseconds", "timeout")
        step["timeout_ms"] = int(timeout)
    if _expects_navigation(raw) and kind != "navigate":
        # `go` waits for the load itself, as the replayer's goto does.
        step["expect_navigation"] = True
    return [step]


def _target(raw: Mapping[str, Any]) -> str:
    target = raw.get("target", "main")
    if not isinstance(target, str) or not target:
        raise _Refused("expected 'main' or the URL of a page", "target")
    return target


def _frame(raw: Mapping[str, Any], step: dict[str, Any]) -> dict[str, Any]:
    frame = raw.get("frame")
    if frame:
        if not isinstance(frame, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in frame
        ):
            raise _Refused("expected a list of child-frame indexes", "frame")
        step["frame"] = list(frame)
    return step


def _expects_navigation(raw: Mapping[str, Any]) -> bool:
    events = raw.get("assertedEvents") or []
    if not isinstance(events, list):
        raise _Refused("expected a list of events", "assertedEvents")
    for event in events:
        if not isinstance(event, Mapping) or event.get("type") != "navigation":
            raise _Refused("only navigation events can be asserted", "assertedEvents")
        extra = set(event) - {"type", "url", "title"}
        if extra:
            raise _Refused(f"unknown field {sorted(extra)[0]!r} of an event", "assertedEvents")
    # The replayer waits for a navigation; it checks neither its url nor its title.
    return bool(events)


def _number(raw: Mapping[str, Any], name: str, default: float | None = None) -> float:
    value = raw.get(name, default)
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise _Refused("expected a number", name)
    return value


def _selector(raw: Mapping[str, Any]) -> str | list[str]:
    if "selectors" not in raw:
        raise _Refused("required", "selectors")
    return recorder_selector(raw["selectors"])


def _navigate(raw: Mapping[str, Any]) -> dict[str, Any]:
    return _frame(raw, {"action": "go", "url": raw["url"]})


def _click(raw: Mapping[str, Any]) -> dict[str, Any]:
    # The replayer presses the mouse at the offset whatever lies there, so the
    # click is forced past Playwright's "receives events" check.
    step: dict[str, Any] = {"action": "click", "selector": _selector(raw), "force": True}
    if raw["type"] == "doubleClick":
        step["click_count"] = 2
    button = raw.get("button", "primary")
    if button not in _BUTTONS:
        raise _Refused(
            f"unknown button {button!r}; expected one of {', '.join(_BUTTONS)}", "button"
        )
    if _BUTTONS[button] != "left":
        step["button"] = _BUTTONS[button]
    if raw.get("deviceType", "mouse") not in ("mouse", "pen", "touch"):
        raise _Refused("expected mouse, pen or touch", "deviceType")
    if "offsetX" in raw or "offsetY" in raw:
        step["position"] = {"x": _number(raw, "offsetX", 0), "y": _number(raw, "offsetY", 0)}
    if "duration" in raw:
        step["delay_ms"] = int(_number(raw, "duration"))
    return _frame(raw, step)


def _hover(raw: Mapping[str, Any]) -> dict[str, Any]:
    return _frame(raw, {"action": "hover", "selector": _selector(raw), "force": True})


def _change(raw: Mapping[str, Any]) -> dict[str, Any]:
    return _frame(raw, {"action": "change", "selector": _selector(raw), "value": str(raw["value"])})


def _key(raw: Mapping[str, Any]) -> dict[str, Any]:
    key = raw["key"]
    if not isinstance(key, str) or not key:
        raise _Refused("expected a key name", "key")
    if key in _UNKNOWN_KEYS:
        raise _Refused(f"Playwright's keyboard has no key {key!r}", "key")
    return {"action": "key_down" if raw["type"] == "keyDown" else "key_up", "key": key}


def _set_viewport(raw: Mapping[str, Any]) -> dict[str, Any]:
    step: dict[str, Any] = {
        "action": "set_viewport",
        "width": int(_number(raw, "width")),
        "height": int(_number(raw, "height")),
    }
    scale = _number(raw, "deviceScaleFactor", 1)
    if scale != 1:
        step["device_scale_factor"] = scale
    for recorded, field in (
        ("isMobile", "is_mobile"),
        ("hasTouch", "has_touch"),
        ("isLandscape", "is_landscape"),
    ):
        value = raw.get(recorded, False)
        if not isinstance(value, bool):
            raise _Refused("expected true or false", recorded)
        if value:
            step[field] = True
    return step


def _close(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {"action": "close_page"}


def _emulate_network(raw: Mapping[str, Any]) -> dict[str, Any]:
    # Puppeteer's emulateNetworkConditions: throughputs in bytes per second,
    # -1 for none; it never takes the page offline.
    return {
        "action": "emulate_network",
        "download": _number(raw, "download"),
        "upload": _number(raw, "upload"),
        "latency_ms": _number(raw, "latency"),
    }


def _scroll(raw: Mapping[str, Any]) -> dict[str, Any]:
    step: dict[str, Any] = {
        "action": "scroll",
        "x": round(_number(raw, "x", 0)),
        "y": round(_number(raw, "y", 0)),
    }
    if raw.get("selectors"):
        step["selector"] = _selector(raw)
    return _frame(raw, step)


def _wait_for_element(raw: Mapping[str, Any]) -> dict[str, Any]:
    operator = raw.get("operator", ">=")
    if operator not in (">=", "==", "<="):
        raise _Refused("expected '>=', '==' or '<='", "operator")
    count = raw.get("count", 1)
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise _Refused("expected a whole number", "count")
    visible = raw.get("visible", True)
    if not isinstance(visible, bool):
        raise _Refused("expected true or false", "visible")
    step: dict[str, Any] = {
        "action": "wait",
        "selector": _selector(raw),
        "count": count,
        "compare": operator,
    }
    if not visible:
        step["negate"] = True
    for name in ("attributes", "properties"):
        if name in raw:
            if not isinstance(raw[name], Mapping):
                raise _Refused("expected an object", name)
            step[name] = dict(raw[name])
    return _frame(raw, step)


def _wait_for_expression(raw: Mapping[str, Any]) -> dict[str, Any]:
    return _frame(raw, {"action": "wait", "expression": raw["expression"]})


_CONVERTERS: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    "navigate": _navigate,
    "click": _click,
    "doubleClick": _click,
    "hover": _hover,
    "change": _change,
    "keyDown": _key,
    "keyUp": _key,
    "setViewport": _set_viewport,
    "close": _close,
    "emulateNetworkConditions": _emulate_network,
    "scroll": _scroll,
    "waitForElement": _wait_for_element,
    "waitForExpression": _wait_for_expression,
}
