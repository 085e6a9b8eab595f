"""The chainable step methods shared by the async and the sync ``Puppeteer``.

Each method queues one step and returns the object, so calls chain. Its
parameters are the step model's fields, with the model's types and defaults
(``as`` is spelled ``as_``); the fields every step has (``name``, ``timeout_ms``,
``optional``, ``target``, ``expect_navigation``) come as :class:`StepOptions`
keywords. The methods of steps on an element take ``intent`` too (a
:class:`~pupi.steps.StepIntent`: what the element is, for healing). A test holds
each method to its model in ``pupi.steps.models``.
Nothing is validated until ``run()``, which checks the whole queue at once.
"""

from __future__ import annotations

from typing import Any, Literal, Self, TypedDict, Unpack

from pupi.steps.models import (
    CountComparison,
    ElementState,
    FramePath,
    LoadState,
    MouseButton,
    PopupChoice,
    Position,
    Selector,
    StepIntent,
    WaitUntil,
)
from pupi.steps.parse import ACTIONS

__all__ = ["StepMethods", "StepOptions"]


class StepOptions(TypedDict, total=False):
    """The fields every step takes (those of ``BaseStep``), as keyword arguments."""

    name: str | None
    timeout_ms: int | None
    optional: bool
    target: str | None
    expect_navigation: bool


class StepMethods:
    """One method per step action; subclasses decide where the steps go."""

    def _queue(self, step: dict[str, Any]) -> None:
        raise NotImplementedError

    def _add(self, action: str, arguments: dict[str, Any]) -> Self:
        # Only what differs from the model's defaults is queued, so a queued step
        # reads as it would be written by hand.
        fields = ACTIONS[action].model_fields
        given = {key: value for key, value in arguments.items() if key not in {"self", "options"}}
        given.update(arguments.get("options", {}))
        step: dict[str, Any] = {"action": action}
        for key, value in given.items():
            field = fields.get(key)
            if field is not None and not field.is_required() and value == field.default:
                continue
            step["as" if key == "as_" else key] = value
        self._queue(step)
        return self

    def go(
        self,
        url: str,
        *,
        wait_until: WaitUntil = "load",
        frame: FramePath | None = None,
        **options: Unpack[StepOptions],
    ) -> Self:
        """Queue a ``go`` step: navigate to ``url``."""
        return self._add("go", locals())

    def click(
        self,
        selector: Selector,
        *,
        frame: FramePath | None = None,
        button: MouseButton = "left",
        click_count: int = 1,
        position: Position | dict[str, float] | None = None,
        delay_ms: int | None = None,
        force: bool = False,
        popup: PopupChoice = "follow",
        intent: StepIntent | None = None,
        **options: Unpack[StepOptions],
    ) -> Self:
        """Queue a ``click`` step (``popup="stay"``: a tab it opens stays in the background)."""
        return self._add("click", locals())

    def type(
        self,
        selector: Selector,
        text: str,
        *,
        frame: FramePath | None = None,
        clear: bool = True,
        delay_ms: int | None = None,
        intent: StepIntent | None = None,
        **options: Unpack[StepOptions],
    ) -> Self:
        """Queue a ``type`` step: fill ``text`` into the field."""
        return self._add("type", locals())

    def press(
        self,
        key: str,
        *,
        selector: Selector | None = None,
        frame: FramePath | None = None,
        popup: PopupChoice = "follow",
        intent: StepIntent | None = None,
        **options: Unpack[StepOptions],
    ) -> Self:
        """Queue a ``press`` step: press ``key`` (on ``selector`` or the focused element)."""
        return self._add("press", locals())

    def select(
        self,
        selector: Selector,
        *,
        frame: FramePath | None = None,
        value: str | None = None,
        label: str | None = None,
        values: list[str] | None = None,
        intent: StepIntent | None = None,
        **options: Unpack[StepOptions],
    ) -> Self:
        """Queue a ``select`` step: choose option(s) of a ``<select>``."""
        return self._add("select", locals())

    def check(
        self,
        selector: Selector,
        *,
        frame: FramePath | None = None,
        intent: StepIntent | None = None,
        **options: Unpack[StepOptions],
    ) -> Self:
        """Queue a ``check`` step: tick a checkbox or choose a radio."""
        return self._add("check", locals())

    def uncheck(
        self,
        selector: Selector,
        *,
        frame: FramePath | None = None,
        intent: StepIntent | None = None,
        **options: Unpack[StepOptions],
    ) -> Self:
        """Queue an ``uncheck`` step."""
        return self._add("uncheck", locals())

    def hover(
        self,
        selector: Selector,
        *,
        frame: FramePath | None = None,
        force: bool = False,
        intent: StepIntent | None = None,
        **options: Unpack[StepOptions],
    ) -> Self:
        """Queue a ``hover`` step."""
        return self._add("hover", locals())

    def scroll(
        self,
        selector: Selector | None = None,
        *,
        frame: FramePath | None = None,
        to: Literal["top", "bottom"] | None = None,
        x: int | None = None,
        y: int | None = None,
        intent: StepIntent | None = None,
        **options: Unpack[StepOptions],
    ) -> Self:
        """Queue a ``scroll`` step: an element into view, ``to`` top/bottom, or to ``x``/``y``."""
        return self._add("scroll", locals())

    def wait(
        self,
        selector: Selector | None = None,
        *,
        frame: FramePath | None = None,
        state: ElementState = "visible",
        text: str | None = None,
        url: str | None = None,
        ms: int | None = None,
        load_state: LoadState | None = None,
        expression: str | None = None,
        count: int | None = None,
        compare: CountComparison | None = None,
        attributes: dict[str, str] | None = None,
        properties: dict[str, Any] | None = None,
        negate: bool = False,
        intent: StepIntent | None = None,
        **options: Unpack[StepOptions],
    ) -> Self:
        """Queue a ``wait`` step: for an element, text, a URL, a pause or a load state."""
        return self._add("wait", locals())

    def extract(
        self,
        selector: Selector,
        *,
        frame: FramePath | None = None,
        attribute: str | None = None,
        property: str | None = None,
        all: bool = False,
        as_: str | None = None,
        intent: StepIntent | None = None,
        **options: Unpack[StepOptions],
    ) -> Self:
        """Queue an ``extract`` step: read text, an attribute or a property (``as_`` saves it)."""
        return self._add("extract", locals())

    def screenshot(
        self,
        path: str | None = None,
        *,
        selector: Selector | None = None,
        frame: FramePath | None = None,
        full_page: bool = False,
        as_: str | None = None,
        intent: StepIntent | None = None,
        **options: Unpack[StepOptions],
    ) -> Self:
        """Queue a ``screenshot`` step."""
        return self._add("screenshot", locals())

    def evaluate(
        self,
        script: str,
        *,
        frame: FramePath | None = None,
        arg: Any = None,
        as_: str | None = None,
        **options: Unpack[StepOptions],
    ) -> Self:
        """Queue an ``evaluate`` step: run JavaScript in the page."""
        return self._add("evaluate", locals())

    def assert_(
        self,
        selector: Selector | None = None,
        *,
        frame: FramePath | None = None,
        state: ElementState | None = None,
        text: str | None = None,
        count: int | None = None,
        url: str | None = None,
        title: str | None = None,
        intent: StepIntent | None = None,
        **options: Unpack[StepOptions],
    ) -> Self:
        """Queue an ``assert`` step (also reachable as ``.assert`` via ``getattr``)."""
        return self._add("assert", locals())

    def back(self, **options: Unpack[StepOptions]) -> Self:
        """Queue a ``back`` step."""
        return self._add("back", locals())

    def forward(self, **options: Unpack[StepOptions]) -> Self:
        """Queue a ``forward`` step."""
        return self._add("forward", locals())

    def reload(self, **options: Unpack[StepOptions]) -> Self:
        """Queue a ``reload`` step."""
        return self._add("reload", locals())

    def set_viewport(
        self,
        width: int,
        height: int,
        *,
        device_scale_factor: float | None = None,
        is_mobile: bool = False,
        has_touch: bool = False,
        is_landscape: bool = False,
        **options: Unpack[StepOptions],
    ) -> Self:
        """Queue a ``set_viewport`` step."""
        return self._add("set_viewport", locals())

    def upload(
        self,
        selector: Selector,
        files: str | list[str],
        *,
        frame: FramePath | None = None,
        intent: StepIntent | None = None,
        **options: Unpack[StepOptions],
    ) -> Self:
        """Queue an ``upload`` step: set the files of a file input."""
        return self._add("upload", locals())

    def change(
        self,
        selector: Selector,
        value: str,
        *,
        frame: FramePath | None = None,
        intent: StepIntent | None = None,
        **options: Unpack[StepOptions],
    ) -> Self:
        """Queue a ``change`` step: set a form control's value as the Recorder replays it."""
        return self._add("change", locals())

    def key_down(self, key: str, **options: Unpack[StepOptions]) -> Self:
        """Queue a ``key_down`` step: hold ``key`` until a ``key_up``."""
        return self._add("key_down", locals())

    def key_up(self, key: str, **options: Unpack[StepOptions]) -> Self:
        """Queue a ``key_up`` step: release a held ``key``."""
        return self._add("key_up", locals())

    def emulate_network(
        self,
        *,
        download: float | None = None,
        upload: float | None = None,
        latency_ms: float = 0,
        offline: bool = False,
        **options: Unpack[StepOptions],
    ) -> Self:
        """Queue an ``emulate_network`` step: throttle the network or go offline."""
        return self._add("emulate_network", locals())

    def close_page(self, **options: Unpack[StepOptions]) -> Self:
        """Queue a ``close_page`` step: close the current (or the ``target``) page."""
        return self._add("close_page", locals())

    def save_state(self, path: str | None = None, **options: Unpack[StepOptions]) -> Self:
        """Queue a ``save_state`` step: write the cookies and local storage to ``path``."""
        return self._add("save_state", locals())

    def download(
        self,
        selector: Selector,
        *,
        frame: FramePath | None = None,
        save_as: str | None = None,
        as_: str | None = None,
        intent: StepIntent | None = None,
        **options: Unpack[StepOptions],
    ) -> Self:
        """Queue a ``download`` step: click ``selector``, wait for the file it downloads."""
        return self._add("download", locals())

    def new_tab(
        self,
        url: str | None = None,
        *,
        wait_until: WaitUntil = "load",
        **options: Unpack[StepOptions],
    ) -> Self:
        """Queue a ``new_tab`` step: open a tab, make it current, go to ``url`` if given."""
        return self._add("new_tab", locals())

    def switch_tab(
        self,
        index: int | None = None,
        *,
        url: str | None = None,
        title: str | None = None,
        **options: Unpack[StepOptions],
    ) -> Self:
        """Queue a ``switch_tab`` step: make the tab at ``index``, or matching ``url`` or
        ``title``, current."""
        return self._add("switch_tab", locals())

    def close_tab(self, index: int | None = None, **options: Unpack[StepOptions]) -> Self:
        """Queue a ``close_tab`` step: close the tab at ``index``, by default the current one."""
        return self._add("close_tab", locals())


# ``assert`` is a keyword, so the method is defined as ``assert_`` and also exposed
# under the action's own name for ``getattr(browser, "assert")``.
setattr(StepMethods, "assert", StepMethods.assert_)
