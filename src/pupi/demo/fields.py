"""Form controls rendered with their label, current value and inline error.

Every control gets a ``<label for>``; an invalid one gets ``aria-invalid`` and
``aria-describedby`` pointing at its error text, so screen readers (and
accessibility-tree-based agents) hear the problem next to the field.
"""

from __future__ import annotations

from pupi.demo.render import esc, field_error

Values = dict[str, str | list[str]]


def _aria(name: str, errors: dict[str, str], required: bool) -> str:
    attrs = ' required aria-required="true"' if required else ""
    if name in errors:
        attrs += f' aria-invalid="true" aria-describedby="{name}-error"'
    return attrs


def _text(values: Values, name: str) -> str:
    value = values.get(name, "")
    return esc(value if isinstance(value, str) else ", ".join(value))


def input_field(
    name: str,
    label: str,
    values: Values,
    errors: dict[str, str],
    *,
    type: str = "text",
    required: bool = False,
    attrs: str = "",
) -> str:
    return (
        f'<label for="{name}">{esc(label)}</label>'
        f'<input id="{name}" name="{name}" type="{type}" value="{_text(values, name)}"'
        f"{_aria(name, errors, required)} {attrs}>"
        f"{field_error(errors, name)}"
    )


def textarea_field(
    name: str, label: str, values: Values, errors: dict[str, str], *, required: bool = False
) -> str:
    return (
        f'<label for="{name}">{esc(label)}</label>'
        f'<textarea id="{name}" name="{name}" rows="4"{_aria(name, errors, required)}>'
        f"{_text(values, name)}</textarea>{field_error(errors, name)}"
    )


def select_field(
    name: str,
    label: str,
    options: dict[str, str],
    values: Values,
    errors: dict[str, str],
    *,
    required: bool = False,
) -> str:
    """``options`` maps value -> label; an empty value is the "choose one" prompt."""
    chosen = values.get(name, "")
    rendered = "".join(
        f'<option value="{esc(value)}"{" selected" if value == chosen else ""}>{esc(text)}</option>'
        for value, text in options.items()
    )
    return (
        f'<label for="{name}">{esc(label)}</label>'
        f'<select id="{name}" name="{name}"{_aria(name, errors, required)}>{rendered}</select>'
        f"{field_error(errors, name)}"
    )


def choice_group(
    name: str,
    legend: str,
    options: dict[str, str],
    values: Values,
    errors: dict[str, str],
    *,
    multiple: bool = False,
    required: bool = False,
) -> str:
    """A fieldset of radio buttons, or of checkboxes when ``multiple``."""
    kind = "checkbox" if multiple else "radio"
    chosen = values.get(name, [])
    chosen_set = set(chosen) if isinstance(chosen, list) else {chosen}
    boxes = "".join(
        f'<label class="check"><input type="{kind}" id="{name}-{esc(value)}" name="{name}" '
        f'value="{esc(value)}"{" checked" if value in chosen_set else ""}> {esc(text)}</label>'
        for value, text in options.items()
    )
    role = ' role="radiogroup"' if not multiple else ""
    invalid = f' aria-describedby="{name}-error"' if name in errors else ""
    required_mark = ' aria-required="true"' if required and not multiple else ""
    return (
        f"<fieldset{role}{required_mark}{invalid}><legend>{esc(legend)}</legend>{boxes}"
        f"{field_error(errors, name)}</fieldset>"
    )


def checkbox_field(
    name: str, label: str, values: Values, errors: dict[str, str], *, required: bool = False
) -> str:
    checked = " checked" if values.get(name) else ""
    return (
        f'<label class="check"><input type="checkbox" id="{name}" name="{name}" value="yes"'
        f"{checked}{_aria(name, errors, required)}> {esc(label)}</label>"
        f"{field_error(errors, name)}"
    )


def collect(
    form: dict[str, list[str]], names: tuple[str, ...], lists: tuple[str, ...] = ()
) -> Values:
    """Posted values of ``names`` in that order, stripped; ``lists`` stay lists."""
    values: Values = {}
    for name in names:
        posted = [value.strip() for value in form.get(name, [])]
        values[name] = posted if name in lists else (posted[0] if posted else "")
    return values
