"""The step models: one pydantic model per action, discriminated by ``action``.

Steps are pure data. They know nothing of browsers; the engine gives them meaning.
Every model forbids unknown fields so that a typo (``selecter``) is reported
instead of silently ignored.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from pupi.steps.selectors import check_aria_names

__all__ = [
    "AssertStep",
    "BackStep",
    "BaseStep",
    "ChangeStep",
    "CheckStep",
    "ClickStep",
    "ClosePageStep",
    "CloseTabStep",
    "DownloadStep",
    "EmulateNetworkStep",
    "EvaluateStep",
    "ExtractStep",
    "ForwardStep",
    "GoStep",
    "HoverStep",
    "KeyDownStep",
    "KeyUpStep",
    "LoadState",
    "NewTabStep",
    "PopupChoice",
    "Position",
    "PressStep",
    "ReloadStep",
    "SaveStateStep",
    "ScreenshotStep",
    "ScrollStep",
    "SelectStep",
    "Selector",
    "SetViewportStep",
    "Step",
    "StepIntent",
    "SwitchTabStep",
    "TypeStep",
    "UncheckStep",
    "UploadStep",
    "WaitStep",
]

LoadState: TypeAlias = Literal["load", "domcontentloaded", "networkidle"]
WaitUntil: TypeAlias = Literal["load", "domcontentloaded", "networkidle", "commit"]
ElementState: TypeAlias = Literal["attached", "detached", "visible", "hidden"]
MouseButton: TypeAlias = Literal["left", "right", "middle", "back", "forward"]
CountComparison: TypeAlias = Literal[">=", "==", "<="]
PopupChoice: TypeAlias = Literal["follow", "stay"]
"""What a tab opened by a click or press becomes: the current tab, or a background one."""

_POPUP = (
    "A tab the page opens from this step on (a popup, a target=_blank link): 'follow' "
    "makes it the current tab, 'stay' leaves it in the background. Holds until the next "
    "click or press on the page, so a popup that opens a moment late is treated the same."
)

OutputName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
"""A name under which a step saves its output (``"as"``); a valid ``{{placeholder}}``."""


def _check_selector(value: str | list[str]) -> str | list[str]:
    alternatives = [value] if isinstance(value, str) else value
    if not alternatives:
        raise ValueError("a list of selectors needs at least one alternative")
    for alternative in alternatives:
        if not alternative.strip():
            raise ValueError("a selector may not be empty")
        check_aria_names(alternative)
    return value


Selector = Annotated[
    str | list[str],
    Field(
        description='A Playwright selector (or Pupi\'s aria-name="Name": any element with '
        "that accessible name), or a list of alternatives tried in order."
    ),
]


class BaseStep(BaseModel):
    """Fields every step has."""

    # Each model's validator is built on its first use: a run pays for the actions
    # it has, not for all thirty (building them all was most of ``import pupi``).
    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, validate_assignment=True, defer_build=True
    )

    action: str
    name: str | None = Field(None, description="A label shown in results and logs.")
    timeout_ms: int | None = Field(
        None, gt=0, description="Time limit for this step; defaults to the run's timeout_ms."
    )
    optional: bool = Field(
        False, description="When true a failure is recorded and the run goes on."
    )
    target: str | None = Field(
        None,
        description="The page to act on: the current page by default; 'main' for the "
        "instance's first open page; or a URL: the open page at exactly that URL "
        "(a popup), waited for until the step's timeout.",
    )
    expect_navigation: bool = Field(
        False,
        description="The step starts a navigation: wait until the new page has loaded.",
    )
    # Whether any string field may hold a {{placeholder}}. True unless validation
    # found none, so the engine can skip templating without re-reading the step.
    _templated: bool = PrivateAttr(default=True)

    def describe(self) -> str:
        """The step's name, or a short description made from its main field."""
        if self.name:
            return self.name
        for field in ("url", "selector", "key", "script", "path"):
            value = getattr(self, field, None)
            if isinstance(value, list):
                value = value[0] if value else None
            if value:
                return f"{self.action} {_shorten(str(value))}"
        return self.action


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


FramePath = Annotated[
    list[Annotated[int, Field(ge=0)]],
    Field(description="Child-frame indexes from the page's main frame, outermost first."),
]


class StepIntent(BaseModel):
    """What an element step meant, beside its selector: the element as a person sees it.

    The agent fills it from the element it acted on; ``execute_steps_locally(heal=True)``
    reads it to find the element again when the selector no longer matches (the site
    renamed an id, moved a field). Every field is optional; the more are given, the
    surer the match. It is never templated: ``{{placeholders}}`` in it stay as written.

    In a steps file::

        {"action": "type", "selector": "#username", "text": "ada",
         "intent": {"role": "textbox", "name": "Username", "tag": "input"}}
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: str | None = Field(None, description="ARIA role: button, link, textbox, ...")
    name: str | None = Field(None, description="Accessible name.")
    label: str | None = Field(None, description="Text of its <label>.")
    placeholder: str | None = None
    text: str | None = Field(None, description="Its own visible text, when not its name.")
    context: str | None = Field(
        None, description="Nearby text: the heading or item (product card, row) it belongs to."
    )
    region: str | None = Field(
        None, description="Landmark it sits in: nav, header, footer, main, aside, dialog."
    )
    tag: str | None = Field(None, description="HTML tag name, lower case.")
    type: str | None = Field(None, description="The input type, for inputs.")
    instruction: str | None = Field(
        None, description="The part of the task (a prompt's clause) the step carried out."
    )


def _intent_field() -> Any:
    # A fresh FieldInfo per model: pydantic completes the one it is given in place.
    return Field(
        None,
        description="What the step's element is (role, name, label, ...), for healing a "
        "selector that no longer matches; recorded by the agent.",
    )


class _SelectorStep(BaseStep):
    selector: Selector
    frame: FramePath | None = None
    intent: StepIntent | None = _intent_field()

    @field_validator("selector")
    @classmethod
    def _selector_not_empty(cls, value: str | list[str]) -> str | list[str]:
        return _check_selector(value)


class _OptionalSelectorStep(BaseStep):
    selector: Selector | None = None
    frame: FramePath | None = None
    intent: StepIntent | None = _intent_field()

    @field_validator("selector")
    @classmethod
    def _selector_not_empty(cls, value: str | list[str] | None) -> str | list[str] | None:
        return None if value is None else _check_selector(value)


def _exactly_one(step: BaseModel, fields: tuple[str, ...]) -> None:
    given = [field for field in fields if getattr(step, field) is not None]
    if len(given) != 1:
        names = ", ".join(fields)
        if given:
            raise ValueError(f"give only one of {names} (got {', '.join(given)})")
        raise ValueError(f"give one of {names}")


class Position(BaseModel):
    """A point relative to the top-left corner of an element, in CSS pixels."""

    model_config = ConfigDict(extra="forbid")
    x: float
    y: float


class GoStep(BaseStep):
    """Navigate to ``url`` and wait for ``wait_until``."""

    action: Literal["go"] = "go"
    url: str = Field(min_length=1)
    wait_until: WaitUntil = "load"
    frame: FramePath | None = None


class ClickStep(_SelectorStep):
    """Click an element (waits until it is visible, enabled, stable and receives events).

    With ``force`` the element only has to be visible and enabled: the mouse is
    pressed at ``position`` (from the corner of its border box) or its centre,
    whatever element lies on top there, as Chrome's Recorder replays a click.

    A tab the click opens becomes the current tab; with ``popup="stay"`` it opens
    in the background and the steps stay on this one.
    """

    action: Literal["click"] = "click"
    button: MouseButton = "left"
    click_count: int = Field(1, ge=1, le=3)
    position: Position | None = None
    delay_ms: int | None = Field(None, ge=0, description="Pause between mouse down and up.")
    force: bool = False
    popup: PopupChoice = Field("follow", description=_POPUP)


class TypeStep(_SelectorStep):
    """Type ``text`` into a field; ``clear`` (default) replaces what was there."""

    action: Literal["type"] = "type"
    text: str
    clear: bool = True
    delay_ms: int | None = Field(None, ge=0, description="Pause between key presses.")


class PressStep(_OptionalSelectorStep):
    """Press a key or chord (``Enter``, ``Control+A``) on ``selector`` or the focused element.

    ``popup`` works as on a click (``Enter`` on a target=_blank link opens a tab)."""

    action: Literal["press"] = "press"
    key: str = Field(min_length=1)
    popup: PopupChoice = Field("follow", description=_POPUP)


class SelectStep(_SelectorStep):
    """Choose options of a ``<select>`` by ``value``, ``label``, or several ``values``."""

    action: Literal["select"] = "select"
    value: str | None = None
    label: str | None = None
    values: list[str] | None = None

    @model_validator(mode="after")
    def _one_choice(self) -> SelectStep:
        _exactly_one(self, ("value", "label", "values"))
        return self


class CheckStep(_SelectorStep):
    """Tick a checkbox or choose a radio button."""

    action: Literal["check"] = "check"


class UncheckStep(_SelectorStep):
    """Untick a checkbox."""

    action: Literal["uncheck"] = "uncheck"


class HoverStep(_SelectorStep):
    """Move the mouse over an element; with ``force``, over its centre once it is visible,
    whatever element lies on top there."""

    action: Literal["hover"] = "hover"
    force: bool = False


class ChangeStep(_SelectorStep):
    """Change a form control's value as Chrome's Recorder replays a ``change``.

    A ``<select>`` gets the option whose value is ``value``; a text-like input, a
    textarea or a contenteditable element is typed into key by key (only the
    missing end when ``value`` extends what is there); any other input (date,
    colour, range, ...) gets ``value`` set, with ``input`` and ``change`` events.
    """

    action: Literal["change"] = "change"
    value: str


class KeyDownStep(BaseStep):
    """Hold a key down (``Shift``, ``a``, ``ArrowLeft``) until a ``key_up``; held
    modifiers apply to the keys pressed meanwhile, so Shift then Tab is Shift+Tab."""

    action: Literal["key_down"] = "key_down"
    key: str = Field(min_length=1)


class KeyUpStep(BaseStep):
    """Release a key held by ``key_down``."""

    action: Literal["key_up"] = "key_up"
    key: str = Field(min_length=1)


class ScrollStep(_OptionalSelectorStep):
    """Scroll an element into view, the page ``to`` its top or bottom, or to ``x``/``y``.

    ``x`` and ``y`` are absolute scroll offsets of the page (or of ``selector``'s
    element when both are given), like ``window.scrollTo``.
    """

    action: Literal["scroll"] = "scroll"
    to: Literal["top", "bottom"] | None = None
    x: int | None = None
    y: int | None = None

    @model_validator(mode="after")
    def _one_target(self) -> ScrollStep:
        has_offset = self.x is not None or self.y is not None
        if self.to is not None and (self.selector is not None or has_offset):
            raise ValueError("'to' cannot be combined with selector, x or y")
        if self.to is None and self.selector is None and not has_offset:
            raise ValueError("give one of selector, to, x / y")
        return self


class WaitStep(_OptionalSelectorStep):
    """Wait for one thing: an element's ``state``, some ``text``, a ``url``, a pause,
    a ``load_state``, or a JavaScript ``expression`` to become truthy.

    With ``selector`` and any of ``count``, ``compare``, ``attributes``,
    ``properties`` or ``negate`` it waits for the matching elements instead (as a
    Recorder ``waitForElement``): their number compares to ``count`` (default 1)
    by ``compare`` (default ``>=``), and every one has the ``attributes`` and
    ``properties`` given; ``negate`` waits for that to be false.
    """

    action: Literal["wait"] = "wait"
    state: ElementState = "visible"
    text: str | None = None
    url: str | None = None
    ms: int | None = Field(None, ge=0)
    load_state: LoadState | None = None
    expression: str | None = None
    count: int | None = Field(None, ge=0)
    compare: CountComparison | None = None
    attributes: dict[str, str] | None = None
    properties: dict[str, Any] | None = None
    negate: bool = False

    @property
    def counts_elements(self) -> bool:
        """Whether this waits for a number of elements rather than one element's state."""
        return self.negate or any(
            value is not None
            for value in (self.count, self.compare, self.attributes, self.properties)
        )

    @model_validator(mode="after")
    def _one_condition(self) -> WaitStep:
        _exactly_one(self, ("selector", "text", "url", "ms", "load_state", "expression"))
        if self.counts_elements:
            if self.selector is None:
                raise ValueError(
                    "count, compare, attributes, properties and negate need a selector"
                )
            if "state" in self.model_fields_set:
                raise ValueError(
                    "state cannot be combined with count, compare, attributes, properties or negate"
                )
        return self


class ExtractStep(_SelectorStep):
    """Read an element's text (default), an ``attribute`` or a DOM ``property``.

    With ``all`` the value of every matching element comes back as a list.
    """

    action: Literal["extract"] = "extract"
    attribute: str | None = None
    property: str | None = None
    all: bool = False
    as_: OutputName | None = Field(None, alias="as")

    @model_validator(mode="after")
    def _one_source(self) -> ExtractStep:
        if self.attribute is not None and self.property is not None:
            raise ValueError("give attribute or property, not both")
        return self


class ScreenshotStep(_OptionalSelectorStep):
    """Save a PNG of the viewport, the ``full_page`` or one element; outputs its path."""

    action: Literal["screenshot"] = "screenshot"
    path: str | None = None
    full_page: bool = False
    as_: OutputName | None = Field(None, alias="as")


class EvaluateStep(BaseStep):
    """Run JavaScript in the page; its (JSON-serialisable) result is the output.

    ``script`` is an expression or a function; a function receives ``arg``.
    """

    action: Literal["evaluate"] = "evaluate"
    script: str = Field(min_length=1)
    frame: FramePath | None = None
    arg: Any = None
    as_: OutputName | None = Field(None, alias="as")


class AssertStep(_OptionalSelectorStep):
    """Fail the run unless the page matches, retrying until the step's timeout.

    With ``selector``: the element has ``state`` (default visible when neither
    ``text`` nor ``count`` is given), contains ``text``, or matches ``count``
    times. Otherwise ``url`` or ``title`` must match.
    """

    action: Literal["assert"] = "assert"
    state: ElementState | None = None
    text: str | None = None
    count: int | None = Field(None, ge=0)
    url: str | None = None
    title: str | None = None

    @model_validator(mode="after")
    def _one_subject(self) -> AssertStep:
        _exactly_one(self, ("selector", "url", "title"))
        if self.selector is None and (
            self.state is not None or self.text is not None or self.count is not None
        ):
            raise ValueError("state, text and count need a selector")
        return self


class BackStep(BaseStep):
    """Go back in the page's history."""

    action: Literal["back"] = "back"


class ForwardStep(BaseStep):
    """Go forward in the page's history."""

    action: Literal["forward"] = "forward"


class ReloadStep(BaseStep):
    """Reload the page."""

    action: Literal["reload"] = "reload"


class SetViewportStep(BaseStep):
    """Resize the page's viewport; optionally emulate a device's pixel ratio, a mobile
    viewport, touch and a landscape screen (changing mobile or touch reloads the page,
    as in Puppeteer)."""

    action: Literal["set_viewport"] = "set_viewport"
    width: int = Field(gt=0, le=10_000)
    height: int = Field(gt=0, le=10_000)
    device_scale_factor: float | None = Field(None, gt=0, le=10)
    is_mobile: bool = False
    has_touch: bool = False
    is_landscape: bool = False


class EmulateNetworkStep(BaseStep):
    """Throttle the page's network, or take the instance offline.

    ``download`` and ``upload`` are in bytes per second (omitted or -1: not
    throttled); ``latency_ms`` is added to every request.
    """

    action: Literal["emulate_network"] = "emulate_network"
    download: float | None = Field(None, ge=-1)
    upload: float | None = Field(None, ge=-1)
    latency_ms: float = Field(0, ge=0)
    offline: bool = False


class ClosePageStep(BaseStep):
    """Close the page (the ``target``, by default the current page); the next steps
    act on the tab that was current before it (see :class:`CloseTabStep`)."""

    action: Literal["close_page"] = "close_page"


class SaveStateStep(BaseStep):
    """Write the instance's cookies and local storage (its storage state) to ``path`` as JSON.

    A new instance started with ``storage_state=path`` is logged in where this
    one was. The state is a secret: the file is readable by its owner only, and
    the step's output is the path and how many cookies and origins were saved,
    never the state itself (so there is no ``as``). Locally ``path`` is required.
    """

    action: Literal["save_state"] = "save_state"
    path: str | None = Field(
        None,
        min_length=1,
        description="Where to write the JSON file (mode 0600); required when run locally.",
    )


class NewTabStep(BaseStep):
    """Open a new tab and make it the current one; with ``url``, navigate it there as
    ``go`` does (the instance's request filter applies)."""

    action: Literal["new_tab"] = "new_tab"
    url: str | None = Field(None, min_length=1)
    wait_until: WaitUntil = "load"


class SwitchTabStep(BaseStep):
    """Make another open tab the current one: the tab at ``index`` (0 is the oldest
    open tab, -1 the newest), or the oldest whose ``url`` or ``title`` matches.

    ``url`` and ``title`` match as ``wait``'s ``url`` does: a pattern with ``*``
    is a glob over the whole text, plain text matches anywhere in it. The tab is
    waited for until the step's timeout, since a popup may still be opening.
    """

    action: Literal["switch_tab"] = "switch_tab"
    index: int | None = None
    url: str | None = Field(None, min_length=1)
    title: str | None = Field(None, min_length=1)

    @model_validator(mode="after")
    def _one_tab(self) -> SwitchTabStep:
        _exactly_one(self, ("index", "url", "title"))
        return self


class CloseTabStep(BaseStep):
    """Close the tab at ``index`` (as ``switch_tab`` counts), by default the current one.

    The current tab is then the one that was current most recently among those
    still open. Closing an instance's last tab is refused: close the instance.
    """

    action: Literal["close_tab"] = "close_tab"
    index: int | None = None


class UploadStep(_SelectorStep):
    """Set the files of an ``<input type=file>``."""

    action: Literal["upload"] = "upload"
    files: list[str] = Field(min_length=1)

    @field_validator("files", mode="before")
    @classmethod
    def _one_file_is_a_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class DownloadStep(_SelectorStep):
    """Click an element and wait for the download it starts to be saved; outputs the file.

    The output is the :class:`~pupi.DownloadedFile` as JSON (``name``, ``url``,
    ``content_type``, ``size``, ``path``). ``save_as`` names the saved file
    (a plain file name; made unique like every download's name).
    """

    action: Literal["download"] = "download"
    save_as: str | None = Field(
        None,
        description="The saved file's name (no folders); default: the name the site suggests.",
    )
    as_: OutputName | None = Field(None, alias="as")

    @field_validator("save_as")
    @classmethod
    def _plain_file_name(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.strip() or value in {".", ".."}:
            raise ValueError("a file name may not be empty, '.' or '..'")
        if any(character in value for character in "/\\\0"):
            raise ValueError("a plain file name is expected, without '/', '\\' or NUL")
        return value


Step = Annotated[
    GoStep
    | ClickStep
    | TypeStep
    | PressStep
    | SelectStep
    | CheckStep
    | UncheckStep
    | HoverStep
    | ScrollStep
    | WaitStep
    | ExtractStep
    | ScreenshotStep
    | EvaluateStep
    | AssertStep
    | BackStep
    | ForwardStep
    | ReloadStep
    | SetViewportStep
    | UploadStep
    | ChangeStep
    | KeyDownStep
    | KeyUpStep
    | EmulateNetworkStep
    | ClosePageStep
    | SaveStateStep
    | DownloadStep
    | NewTabStep
    | SwitchTabStep
    | CloseTabStep,
    Field(discriminator="action"),
]
"""Any one step; pydantic picks the model from ``action``."""
