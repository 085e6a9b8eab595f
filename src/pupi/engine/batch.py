"""Runs of read-only steps in one round trip to the page.

Consecutive ``extract`` steps (of text, an attribute or a property holding a
string, number or boolean), ``assert`` steps (an
element visible, attached or containing text) and ``wait`` steps for an element
visible or attached, with no action between them, are
sent to the page as one evaluation over CDP. Each read is tried in order; the
answer holds the value and in-page time of every read that held at once, up to
the first that did not (its element not there yet, a check not true yet, a
selector the browser cannot query natively). The runner then runs that step
with its own handler, which waits and fails exactly as it always did, and tries
a batch again after it.

So the batch is only ever a shortcut for steps that would have succeeded on
their first try, and each check it makes is at least as strict as Playwright's:
visibility as Playwright defines it (visibility style and a non-empty box) plus
``checkVisibility()``, text as Playwright's ``to_contain_text`` collects and
normalises it. Pages with open shadow roots are left to Playwright, whose CSS
pierces them and ``querySelector`` does not.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from playwright.async_api import Page

from pupi.engine.handlers import READ_JS
from pupi.engine.inpage import SHADOW_JS, VISIBLE_JS, evaluate_now, plain_css
from pupi.steps import Step
from pupi.steps import models as m

__all__ = ["BatchRead", "batchable", "read_batch"]

_ENABLED = True
"""Off only in tests that compare a run with and without batching."""


def batchable(step: Step) -> bool:
    """Whether ``step`` may run in a batch: a read of the page's main frame,
    already concrete, with a plain CSS selector."""
    if not _ENABLED or step._templated or step.target is not None or step.expect_navigation:
        return False
    if getattr(step, "frame", None) is not None:
        return False
    if not plain_css(getattr(step, "selector", None)):
        return False
    if isinstance(step, m.ExtractStep):
        return True
    if isinstance(step, m.AssertStep):
        return step.count is None and step.state in (None, "visible", "attached")
    if isinstance(step, m.WaitStep):
        return not step.counts_elements and step.state in ("visible", "attached")
    return False


def _read(step: Step) -> dict[str, Any]:
    if isinstance(step, m.ExtractStep):
        return {
            "kind": "extract",
            "selector": step.selector,
            "attribute": step.attribute,
            "property": step.property,
            "all": step.all,
        }
    if isinstance(step, m.WaitStep):
        # The handler waits for the first match's state: an assert of it, here.
        return {
            "kind": "assert",
            "selector": step.selector,
            "text": None,
            "visible": step.state == "visible",
        }
    assert isinstance(step, m.AssertStep)
    visible = step.state == "visible" or (step.state is None and step.text is None)
    return {"kind": "assert", "selector": step.selector, "text": step.text, "visible": visible}


@dataclass(frozen=True, slots=True)
class BatchRead:
    """One read that held at once: its output and how long it took."""

    output: Any
    duration_ms: float


# One function for the whole batch; it stops at the first read that does not
# hold now, and answers null when the page is one it leaves to Playwright.
_BATCH_JS = r"""(reads) => {
  const read = READ_JS;
  if (SHADOW_JS) return null;
  const formControl = el => el instanceof HTMLInputElement
    || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement;
  const readText = el => {
    if (!(el instanceof HTMLElement)) return undefined;  // Playwright's inner_text throws
    const text = el.innerText;
    if ((!text || text.includes("\n")) && formControl(el)) return read(el, [null, null]);
    return text.trim();
  };
  // Playwright's elementText: text nodes, no script or style, then normalised.
  const elementText = node => {
    if (node.nodeType === Node.TEXT_NODE) return node.nodeValue;
    if (node.nodeType !== Node.ELEMENT_NODE) return "";
    if (["SCRIPT", "STYLE", "NOSCRIPT"].includes(node.nodeName)) return "";
    let text = "";
    for (let child = node.firstChild; child; child = child.nextSibling) text += elementText(child);
    return text;
  };
  const plain = v => v === null || typeof v === "string" || typeof v === "boolean"
    || (typeof v === "number" && Number.isFinite(v));
  const normal = s => s.trim().replace(/\u200b/g, "").replace(/\s+/g, " ");
  const visible = VISIBLE_JS;
  const done = [];
  for (const r of reads) {
    const start = performance.now();
    let found;
    try { found = document.querySelectorAll(r.selector); } catch { break; }
    if (!found.length) break;
    const el = found[0];
    let output = null;
    if (r.kind === "extract") {
      if (r.all) output = Array.from(found, e => read(e, [r.attribute, r.property]));
      else if (r.attribute !== null) output = el.getAttribute(r.attribute);
      else if (r.property !== null) output = read(el, [null, r.property]);
      else output = readText(el);
      if (output === undefined) break;
      // A property may hold an object, a function or NaN, which Playwright
      // serialises its own way: such a read is left to the handler.
      if (r.property !== null && !(r.all ? output.every(plain) : plain(output))) break;
    } else {
      if (r.text !== null && !normal(elementText(el)).includes(normal(r.text))) break;
      if (r.visible && !visible(el)) break;
    }
    done.push([output, performance.now() - start]);
  }
  return done;
}"""
_BATCH_JS = (
    _BATCH_JS.replace("READ_JS", READ_JS)
    .replace("SHADOW_JS", SHADOW_JS)
    .replace("VISIBLE_JS", VISIBLE_JS)
)


async def read_batch(
    page: Page, steps: Sequence[Step], timeout_ms: float
) -> list[BatchRead] | None:
    """The reads of ``steps`` that held at once, in order (maybe none), or None
    for a page left to Playwright (open shadow roots).

    Anything that goes wrong on the way (a navigation under the evaluation, a
    closed page) answers no reads: the steps then run one by one as usual.
    """
    reads = [_read(step) for step in steps]
    begun = time.perf_counter()
    done = await evaluate_now(page, f"({_BATCH_JS})({json.dumps(reads)})", timeout_ms, [])
    if not done:
        return None if done is None else []
    elapsed_ms = (time.perf_counter() - begun) * 1000
    # The round trip is shared out evenly; each read keeps its own in-page time.
    overhead = max(0.0, elapsed_ms - sum(ms for _, ms in done)) / len(done)
    return [BatchRead(output, round(ms + overhead, 3)) for output, ms in done]
