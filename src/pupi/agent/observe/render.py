"""A compact plain-text rendering of an observation.

Used by :meth:`Observation.to_text`, by the size budget (which bounds the length
of this text) and when debugging. LLM planners build their own prompt text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pupi.agent.observe.model import Element, Observation

__all__ = ["render_element", "render_text"]


def render_element(element: Element) -> str:
    """One line describing an element: ``[3] textbox "Email" value="a@b.c" (in Login)``."""
    parts = [f"[{element.index}] {element.role}"]
    if element.name:
        parts.append(repr_text(element.name))
    if element.type and element.type not in {"text", "submit", "button"}:
        parts.append(f"type={element.type}")
    if element.label and element.label != element.name:
        parts.append(f"label={repr_text(element.label)}")
    if element.placeholder and element.placeholder != element.name:
        parts.append(f"placeholder={repr_text(element.placeholder)}")
    if element.text:
        parts.append(f"text={repr_text(element.text)}")
    if element.value:
        parts.append(f"value={repr_text(element.value)}")
    for flag in ("checked", "selected", "expanded"):
        value = getattr(element, flag)
        if value is not None:
            parts.append(flag if value else f"not {flag}")
    if element.disabled:
        parts.append("disabled")
    if not element.visible:
        parts.append("hidden")
    if element.options:
        parts.append("options=" + " | ".join(element.options))
    if element.href:
        parts.append(f"href={element.href}")
    if element.context:
        parts.append(f"(in {repr_text(element.context)})")
    return " ".join(parts)


def repr_text(text: str) -> str:
    """Text in double quotes, with inner quotes escaped."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_text(observation: Observation) -> str:
    """The whole observation as compact text, section by section, in page order."""
    lines = [f"URL: {observation.url}", f"Title: {observation.title}"]
    if observation.dialog:
        lines.append(f"Dialog: {observation.dialog}")
    if observation.headings:
        lines.append("Headings: " + " / ".join(observation.headings))
    if observation.elements:
        lines.append("Elements:")
        lines.extend("  " + render_element(element) for element in observation.elements)
    for number, form in enumerate(observation.forms):
        fields = ", ".join(f"[{index}]" for index in form.fields)
        submit = f" submit [{form.submit}]" if form.submit is not None else ""
        lines.append(f"Form {number} {form.name or ''} {form.method.upper()}: {fields}{submit}")
    for table in observation.tables:
        caption = f" {repr_text(table.caption)}" if table.caption else ""
        lines.append(f"Table{caption} ({table.total_rows} rows):")
        if table.headers:
            lines.append("  | " + " | ".join(table.headers) + " |")
        lines.extend("  | " + " | ".join(row) + " |" for row in table.rows)
    for item_list in observation.lists:
        lines.append(f"List ({item_list.total} items):")
        for item in item_list.items:
            fields = "; ".join(f"{key}: {value}" for key, value in item.items() if key != "text")
            lines.append("  - " + (fields or item.get("text", "")))
    if observation.texts:
        lines.append("Text:")
        lines.extend("  " + text for text in observation.texts)
    if observation.omitted:
        left_out = ", ".join(
            f"{count} {kind}" for kind, count in sorted(observation.omitted.items())
        )
        lines.append(f"(left out to save space: {left_out})")
    return "\n".join(lines)
