"""The chainable step methods shared by the async and the sync ``Puppeteer``.

Each method queues one step and returns the object, so calls chain. Fields are
the step's fields as keyword arguments (``as`` is spelled ``as_``); nothing is
validated until ``run()``, which checks the whole queue at once.
"""

from __future__ import annotations

from typing import Any, Literal, Self

from pupi.steps.models import ElementState, LoadState, WaitUntil

__all__ = ["StepMethods"]

Selector = str | list[str]


class StepMethods:
    """One method per step action; subclasses decide where the steps go."""

    def _queue(self, step: dict[str, Any]) -> None:
        raise NotImplementedError

    def _add(self, action: str, fields: dict[str, Any]) -> Self:
        step: dict[str, Any] = {"action": action}
        for key, value in fields.items():
            if key == "self" or value is None or (key == "optional" and value is False):
                continue
            step["as" if key == "as_" else key] = value
        self._queue(step)
        return self

    def go(
        self,
        url: str,
        *,
        wait_until: WaitUntil | None = None,
        timeout_ms: int | None = None,
        optional: bool = False,
        name: str | None = None,
    ) -> Self:
        """Queue a ``go`` step: navigate to ``url``."""
        return self._add("go", locals())

    def click(
        self,
        selector: Selector,
        *,
        button: Literal["left", "right", "middle"] | None = None,
        click_count: int | None = None,
        position: dict[str, float] | None = None,
        timeout_ms: int | None = None,
        optional: bool = False,
        name: str | None = None,
    ) -> Self:
        """Queue a ``click`` step."""
        return self._add("click", locals())

    def type(
        self,
        selector: Selector,
        text: str,
        *,
        clear: bool | None = None,
        delay_ms: int | None = None,
        timeout_ms: int | None = None,
        optional: bool = False,
        name: str | None = None,
    ) -> Self:
        """Queue a ``type`` step: fill ``text`` into the field."""
        return self._add("type", locals())

    def press(
        self,
        key: str,
        *,
        selector: Selector | None = None,
        timeout_ms: int | None = None,
        optional: bool = False,
        name: str | None = None,
    ) -> Self:
        """Queue a ``press`` step: press ``key`` (on ``selector`` or the focused element)."""
        return self._add("press", locals())

    def select(
        self,
        selector: Selector,
        *,
        value: str | None = None,
        label: str | None = None,
        values: list[str] | None = None,
        timeout_ms: int | None = None,
        optional: bool = False,
        name: str | None = None,
    ) -> Self:
        """Queue a ``select`` step: choose option(s) of a ``<select>``."""
        return self._add("select", locals())

    def check(
        self,
        selector: Selector,
        *,
        timeout_ms: int | None = None,
        optional: bool = False,
        name: str | None = None,
    ) -> Self:
        """Queue a ``check`` step: tick a checkbox or choose a radio."""
        return self._add("check", locals())

    def uncheck(
        self,
        selector: Selector,
        *,
        timeout_ms: int | None = None,
        optional: bool = False,
        name: str | None = None,
    ) -> Self:
        """Queue an ``uncheck`` step."""
        return self._add("uncheck", locals())

    def hover(
        self,
        selector: Selector,
        *,
        timeout_ms: int | None = None,
        optional: bool = False,
        name: str | None = None,
    ) -> Self:
        """Queue a ``hover`` step."""
        return self._add("hover", locals())

    def scroll(
        self,
        selector: Selector | None = None,
        *,
        to: Literal["top", "bottom"] | None = None,
        x: int | None = None,
        y: int | None = None,
        timeout_ms: int | None = None,
        optional: bool = False,
        name: str | None = None,
    ) -> Self:
        """Queue a ``scroll`` step: an element into view, ``to`` top/bottom, or to ``x``/``y``."""
        return self._add("scroll", locals())

    def wait(
        self,
        selector: Selector | None = None,
        *,
        state: ElementState | None = None,
        text: str | None = None,
        url: str | None = None,
        ms: int | None = None,
        load_state: LoadState | None = None,
        expression: str | None = None,
        timeout_ms: int | None = None,
        optional: bool = False,
        name: str | None = None,
    ) -> Self:
        """Queue a ``wait`` step: for an element, text, a URL, a pause or a load state."""
        return self._add("wait", locals())

    def extract(
        self,
        selector: Selector,
        *,
        attribute: str | None = None,
        property: str | None = None,
        all: bool | None = None,
        as_: str | None = None,
        timeout_ms: int | None = None,
        optional: bool = False,
        name: str | None = None,
    ) -> Self:
        """Queue an ``extract`` step: read text, an attribute or a property (``as_`` saves it)."""
        return self._add("extract", locals())

    def screenshot(
        self,
        path: str | None = None,
        *,
        selector: Selector | None = None,
        full_page: bool | None = None,
        as_: str | None = None,
        timeout_ms: int | None = None,
        optional: bool = False,
        name: str | None = None,
    ) -> Self:
        """Queue a ``screenshot`` step."""
        return self._add("screenshot", locals())

    def evaluate(
        self,
        script: str,
        *,
        arg: Any = None,
        as_: str | None = None,
        timeout_ms: int | None = None,
        optional: bool = False,
        name: str | None = None,
    ) -> Self:
        """Queue an ``evaluate`` step: run JavaScript in the page."""
        return self._add("evaluate", locals())

    def assert_(
        self,
        selector: Selector | None = None,
        *,
        state: ElementState | None = None,
        text: str | None = None,
        count: int | None = None,
        url: str | None = None,
        title: str | None = None,
        timeout_ms: int | None = None,
        optional: bool = False,
        name: str | None = None,
    ) -> Self:
        """Queue an ``assert`` step (also reachable as ``.assert`` via ``getattr``)."""
        return self._add("assert", locals())

    def back(
        self, *, timeout_ms: int | None = None, optional: bool = False, name: str | None = None
    ) -> Self:
        """Queue a ``back`` step."""
        return self._add("back", locals())

    def forward(
        self, *, timeout_ms: int | None = None, optional: bool = False, name: str | None = None
    ) -> Self:
        """Queue a ``forward`` step."""
        return self._add("forward", locals())

    def reload(
        self, *, timeout_ms: int | None = None, optional: bool = False, name: str | None = None
    ) -> Self:
        """Queue a ``reload`` step."""
        return self._add("reload", locals())

    def set_viewport(
        self,
        width: int,
        height: int,
        *,
        timeout_ms: int | None = None,
        optional: bool = False,
        name: str | None = None,
    ) -> Self:
        """Queue a ``set_viewport`` step."""
        return self._add("set_viewport", locals())

    def upload(
        self,
        selector: Selector,
        files: str | list[str],
        *,
        timeout_ms: int | None = None,
        optional: bool = False,
        name: str | None = None,
    ) -> Self:
        """Queue an ``upload`` step: set the files of a file input."""
        return self._add("upload", locals())


# ``assert`` is a keyword, so the method is defined as ``assert_`` and also exposed
# under the action's own name for ``getattr(browser, "assert")``.
setattr(StepMethods, "assert", StepMethods.assert_)
