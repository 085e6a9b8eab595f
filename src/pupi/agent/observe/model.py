"""The observation: a compact, deterministic snapshot of a page that planners read."""

from __future__ import annotations

from pydantic import BaseModel, Field

__all__ = ["Element", "ItemList", "Observation", "Table"]


class Element(BaseModel):
    """One interactive element, numbered so planners can point at it."""

    index: int
    role: str = Field(description="button, link, textbox, checkbox, radio, combobox, option, tab, ...")
    name: str = Field("", description="Accessible name.")
    tag: str = ""
    type: str | None = Field(None, description="The input type, for inputs.")
    label: str | None = None
    placeholder: str | None = None
    text: str | None = None
    value: str | None = None
    checked: bool | None = None
    selected: bool | None = None
    disabled: bool = False
    visible: bool = True
    options: list[str] | None = Field(None, description="Option labels of a select.")
    href: str | None = None
    box: tuple[int, int, int, int] | None = Field(None, description="x, y, width, height.")
    context: str | None = Field(None, description="Heading or item the element belongs to.")
    selector: str = Field(description="A robust Playwright selector for this element.")


class Table(BaseModel):
    """A data table: header cells and row cells as text."""

    selector: str
    caption: str | None = None
    headers: list[str] = Field(default_factory=list)
    rows: list[list[str]] = Field(default_factory=list)


class ItemList(BaseModel):
    """Repeated items (product cards, result rows, list entries)."""

    selector: str = Field(description="Selector matching every item, in page order.")
    items: list[dict[str, str]] = Field(
        default_factory=list, description="Each item's fields (title, price, ...) and 'text'."
    )


class Observation(BaseModel):
    """What a planner sees of the page at one moment."""

    url: str
    title: str = ""
    headings: list[str] = Field(default_factory=list)
    texts: list[str] = Field(default_factory=list, description="Visible text blocks, in order.")
    elements: list[Element] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    lists: list[ItemList] = Field(default_factory=list)
    dialog: str | None = Field(None, description="Text of an open dialog, if any.")

    def element(self, index: int) -> Element:
        """The element numbered ``index``; ``IndexError`` when there is none."""
        for element in self.elements:
            if element.index == index:
                return element
        raise IndexError(f"no element [{index}] on the page")
