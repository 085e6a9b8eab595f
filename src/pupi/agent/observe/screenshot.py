"""Screenshots for planners with vision: small JPEGs, optionally with element numbers drawn.

:func:`take_screenshot` takes the picture a :class:`~pupi.agent.observe.Vision`
asks for. The image is the viewport (what a user sees), shrunk to fit
``max_width`` x ``max_height`` and encoded so that its base64 stays within
``max_bytes``: when the first encoding is too large, lower qualities and then
smaller sizes are tried.

With ``marks``, each visible element of the observation gets a box and its
number (``[12]`` in the prompt is the box labelled 12), drawn by an overlay
injected into the page for the capture and removed right after it. The overlay
lives in a shadow root, so the page's styles cannot restyle it, and it takes no
pointer events.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Sequence

from pupi.agent.observe.model import Element, Screenshot
from pupi.agent.observe.vision import Vision
from pupi.engine import PageTarget, PageView
from pupi.engine.translate import PageQueryFailed
from pupi.errors import AgentError

__all__ = ["MARKS_TAG", "take_screenshot"]

logger = logging.getLogger("pupi.agent")

MARKS_TAG = "pupi-marks"
"""The element the marks overlay is drawn in; it exists only while a screenshot is taken."""

# Tried in order until the base64 fits: (quality ceiling, size factor).
_SHRINK_STEPS = ((None, 1.0), (50, 1.0), (35, 1.0), (35, 0.7), (35, 0.5), (30, 0.35))
_MARK_COLOURS = ("#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#008080", "#9a6324")

# Boxes arrive in document coordinates; the overlay is fixed to the viewport, so
# each box is shifted by the scroll position at drawing time.
_DRAW_MARKS_JS = """([tag, marks, colours]) => {
  for (const old of document.querySelectorAll(tag)) old.remove();
  const host = document.createElement(tag);
  host.style.cssText = "all: initial; position: fixed; inset: 0; z-index: 2147483647; " +
    "pointer-events: none; display: block;";
  const root = host.attachShadow({ mode: "closed" });
  const sx = window.scrollX, sy = window.scrollY;
  const vw = window.innerWidth, vh = window.innerHeight;
  let drawn = 0;
  for (const [number, x, y, w, h] of marks) {
    const left = x - sx, top = y - sy;
    if (left + w < 0 || top + h < 0 || left > vw || top > vh) continue;
    const colour = colours[number % colours.length];
    const box = document.createElement("div");
    box.style.cssText = `position: absolute; left: ${left}px; top: ${top}px; width: ${w}px; ` +
      `height: ${h}px; border: 2px solid ${colour}; box-sizing: border-box;`;
    const label = document.createElement("span");
    label.textContent = String(number);
    label.style.cssText = `position: absolute; left: -2px; top: ${top >= 14 ? -14 : -2}px; ` +
      `background: ${colour}; color: #fff; font: bold 11px/12px monospace; padding: 1px 2px;`;
    box.appendChild(label);
    root.appendChild(box);
    drawn += 1;
  }
  document.documentElement.appendChild(host);
  return drawn;
}"""
_REMOVE_MARKS_JS = """(tag) => {
  for (const host of document.querySelectorAll(tag)) host.remove();
}"""


async def take_screenshot(
    page: PageView | PageTarget,
    vision: Vision,
    *,
    elements: Sequence[Element] = (),
) -> Screenshot:
    """A :class:`Screenshot` of ``page``'s viewport as ``vision`` asks, within its byte cap.

    With ``vision.marks``, the visible ones of ``elements`` (an observation's)
    are drawn with their numbers; the overlay is gone again when this returns,
    whether the capture worked or not. Raises :class:`~pupi.errors.AgentError`
    when the page cannot be captured, or no encoding fits ``vision.max_bytes``.
    """
    view = PageView.of(page)
    marks = _marks(elements) if vision.marks else []
    drawn = 0
    try:
        if marks:
            drawn = int(await view.snapshot(_DRAW_MARKS_JS, [MARKS_TAG, marks, _MARK_COLOURS]))
        encoded, width, height = await _fitting_capture(view, vision)
    except PageQueryFailed as exc:
        raise AgentError(f"could not take a screenshot of the page: {exc}") from exc
    finally:
        if marks:
            await _remove_marks(view)
    return Screenshot(data=encoded, width=width, height=height, marks=drawn)


async def _fitting_capture(view: PageView, vision: Vision) -> tuple[str, int, int]:
    size = 0
    for quality_ceiling, factor in _SHRINK_STEPS:
        quality = min(vision.quality, quality_ceiling or vision.quality)
        image, width, height = await view.screenshot_jpeg(
            quality=quality,
            max_width=max(int(vision.max_width * factor), 32),
            max_height=max(int(vision.max_height * factor), 32),
        )
        encoded = base64.b64encode(image).decode("ascii")
        size = len(encoded)
        if size <= vision.max_bytes:
            logger.debug("screenshot %dx%d q%d: %d bytes", width, height, quality, size)
            return encoded, width, height
    raise AgentError(
        f"a screenshot did not fit in {vision.max_bytes} bytes even when shrunk "
        f"(the smallest took {size}); raise Vision.max_bytes"
    )


async def _remove_marks(view: PageView) -> None:
    try:
        await view.snapshot(_REMOVE_MARKS_JS, MARKS_TAG)
    except PageQueryFailed as exc:
        # The page navigated away or closed: the overlay went with its document.
        logger.debug("could not remove the marks overlay: %s", exc)


def _marks(elements: Sequence[Element]) -> list[list[int]]:
    return [
        [element.index, *element.box]
        for element in elements
        if element.visible and element.box is not None and element.box[2] and element.box[3]
    ]
