"""Turning whatever the user gave into a validated list of steps, or one clear error.

Everything is checked before anything runs: every step of the list is
validated, every problem is collected, and :class:`~pupi.errors.InvalidSteps`
reports them all in one message.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeAlias, cast, get_args

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from pupi.errors import InvalidSteps, StepError
from pupi.steps.models import BaseStep, SaveStateStep, Step
from pupi.steps.recorder import convert_recording, is_recording
from pupi.steps.secrets import SECRET_ROOT, secret_problems
from pupi.steps.templating import find_placeholders

__all__ = ["ACTIONS", "StepsLike", "load_steps_file", "parse_steps", "steps_json_schema"]

StepsLike: TypeAlias = (
    "Sequence[Mapping[str, Any] | BaseStep] | Mapping[str, Any] | str | os.PathLike[str]"
)
"""Steps as the public API accepts them: a list of dicts or models, a Recorder
export or ``{"steps": [...]}`` mapping, or the path of a JSON or YAML file."""

_STATE_PATH_NEEDED = (
    "required when steps run locally: the storage state is a secret, "
    "written to this file and nowhere else"
)
ACTIONS: dict[str, type[BaseStep]] = {
    model.model_fields["action"].default: model for model in get_args(get_args(Step)[0])
}
"""Every action name and its model, in the order of the reference."""


def parse_steps(
    source: StepsLike,
    *,
    variables: Iterable[str] = (),
    local: bool = False,
    secrets: Iterable[str] = (),
) -> list[Step]:
    """Validate ``source`` and return step models, or raise ``InvalidSteps``.

    ``variables`` names the placeholders that will have a value at run time; a
    ``{{name}}`` that is neither among them nor saved by an earlier step's
    ``as`` is reported as an error too. ``local`` checks what running in this
    process needs besides: a ``save_state`` step's ``path``. ``secrets`` names
    the secrets given, which steps write ``{{secret.name}}``; with secrets, no
    variable may be called ``secret``.
    """
    raw = _as_list(source)
    steps: list[Step] = []
    errors: list[StepError] = []
    known = set(variables)
    secret_names = frozenset(secrets)
    if secret_names and SECRET_ROOT in known:
        errors.append(
            StepError(-1, None, f"variables.{SECRET_ROOT}", "reserved for secrets, which are given")
        )
    # Without secrets, {{secret.x}} may still name a variable called "secret".
    secrets_apply = bool(secret_names) or SECRET_ROOT not in known
    for index, item in enumerate(raw):
        step = _validate_one(index, item, errors)
        if step is None:
            continue
        # An intent describes the page as it was recorded; its text is never templated.
        fields = step.model_dump(by_alias=True, exclude={"action", "intent"})
        placeholders = list(find_placeholders(fields))
        step._templated = bool(placeholders)
        if secrets_apply:
            for field, message in secret_problems(fields, secret_names):
                errors.append(StepError(index, step.action, field, message))
        for field, name in placeholders:
            if name == SECRET_ROOT and secrets_apply:
                continue  # judged above
            if name not in known:
                errors.append(
                    StepError(
                        index,
                        step.action,
                        field,
                        f"unknown placeholder {{{{{name}}}}}: pass it in variables "
                        "or save it with 'as' in an earlier step",
                    )
                )
        if local and isinstance(step, SaveStateStep) and step.path is None:
            errors.append(StepError(index, step.action, "path", _STATE_PATH_NEEDED))
        saved = getattr(step, "as_", None)
        if saved:
            known.add(saved)
        steps.append(step)
    if errors:
        raise InvalidSteps(errors)
    return steps


def load_steps_file(path: str | os.PathLike[str]) -> Any:
    """Read a JSON or YAML steps file (YAML is a superset of JSON)."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidSteps(
            [StepError(-1, None, None, f"cannot read {file}: {exc.strerror}")]
        ) from exc
    try:
        if file.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise InvalidSteps([StepError(-1, None, None, f"{file} is not valid: {exc}")]) from exc


def steps_json_schema() -> dict[str, Any]:
    """The JSON Schema of a steps file: a list of steps, or ``{"steps": [...]}``."""
    schema = TypeAdapter(list[Step]).json_schema(by_alias=True)
    schema["title"] = "Pupi steps"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def _as_list(source: StepsLike) -> list[Any]:
    if isinstance(source, str | os.PathLike):
        source = load_steps_file(source)
    if isinstance(source, Mapping):
        if is_recording(source):
            steps, problems = convert_recording(source)
            if problems:
                raise InvalidSteps(problems)
            return steps
        if isinstance(source.get("steps"), list):
            return list(source["steps"])
        raise InvalidSteps(
            [StepError(-1, None, None, "expected a list of steps or a mapping with 'steps'")]
        )
    if isinstance(source, BaseModel):
        return [source]
    if isinstance(source, Sequence) and not isinstance(source, bytes):
        return list(source)
    raise InvalidSteps(
        [StepError(-1, None, None, f"expected a list of steps, got {type(source).__name__}")]
    )


def _validate_one(index: int, item: Any, errors: list[StepError]) -> Step | None:
    if isinstance(item, BaseStep):
        item = item.model_dump(by_alias=True, exclude_unset=True) | {"action": item.action}
    if not isinstance(item, Mapping):
        errors.append(
            StepError(index, None, None, f"a step must be a mapping, got {type(item).__name__}")
        )
        return None
    action = item.get("action")
    if not isinstance(action, str) or action not in ACTIONS:
        errors.append(StepError(index, None, "action", _unknown_action(action)))
        return None
    try:
        # The action is known: its own model, not the union, so that only the
        # models of the actions a run has are ever built (see BaseStep).
        return cast(Step, ACTIONS[action].model_validate(item))
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            errors.append(_step_error(index, action, error, item))
        return None


def _unknown_action(action: object) -> str:
    if action is None:
        return f"missing; expected one of {', '.join(ACTIONS)}"
    close = difflib.get_close_matches(str(action), ACTIONS, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown action {action!r}{hint}; expected one of {', '.join(ACTIONS)}"


def _step_error(index: int, action: str, error: Any, item: Mapping[str, Any]) -> StepError:
    location = [str(part) for part in error["loc"]]
    field = ".".join(location) or None
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        fields = ACTIONS[action].model_fields
        names = [info.alias or name for name, info in fields.items()]
        close = difflib.get_close_matches(location[-1], names, n=1)
        message = "unknown field" + (f" (did you mean '{close[0]}'?)" if close else "")
    elif error["type"] == "missing":
        message = "required"
    return StepError(index, action, field, message)
