"""Resolving ``aria-name=`` selector parts through Chromium's accessibility tree.

Puppeteer's ARIA query (what Chrome's Recorder records as ``aria/Name``) asks
CDP's ``Accessibility.queryAXTree`` for the nodes of a document whose computed
name is exactly the name, keeps those that are not ignored for accessibility
and are elements rather than text, and takes them in tree order. Playwright has
no such query without a role, so the engine asks the same question, marks the
answers with a ``data-pupi-ax`` attribute and hands Playwright a locator for
that mark: actions keep Playwright's own checks (visible, stable, enabled).

The answer is a snapshot: the marked elements are those named when it was
asked, and each lookup in a document first removes the marks of the one
before. Searched: the step's frame, in the page's process or out of it, and
its open shadow roots. Not searched: closed shadow roots (Playwright cannot
act inside them) and other frames, so a chain cannot enter an iframe before
an ``aria-name=`` part.
"""

from __future__ import annotations

import asyncio
import secrets
from contextlib import suppress
from typing import Any

from playwright.async_api import CDPSession, Frame, Locator, Page
from playwright.async_api import Error as PlaywrightError

from pupi.engine.pages import frame_session
from pupi.engine.translate import is_transient
from pupi.steps.selectors import aria_name, has_aria_name, split_chain

__all__ = ["named_now"]

_MARK = "data-pupi-ax"
_GROUP = "pupi-aria-names"
"""The CDP object group of a lookup's remote objects, released when it ends."""
_STATE = "pupi.aria-names"
"""``Symbol.for`` key of a lookup's state on its document, in the page's main
world, where CDP resolves nodes and where Playwright's ``evaluate`` runs."""
_FRAME = "pupi.aria-names.frame"
_NOT_ELEMENTS = frozenset({"StaticText", "InlineTextBox"})

_RESET_JS = """function (key, mark) {
  const previous = this[Symbol.for(key)];
  if (previous) for (const el of previous.marked) el.removeAttribute(mark);
  this[Symbol.for(key)] = {marked: new Set(), scopes: new Set()};
}"""

_SCOPES_JS = """(elements, key) => {
  document[Symbol.for(key)].scopes = new Set(elements);
  return elements.length;
}"""

# Marks the nodes (in tree order) that are elements Playwright can reach and,
# for a part after others in a chain, lie inside one of that chain's matches.
_MARK_JS = """function (key, mark, token, within, first, ...nodes) {
  const state = this[Symbol.for(key)];
  const inClosedShadow = node => {
    for (let root = node.getRootNode(); root.host; root = root.host.getRootNode())
      if (root.mode === "closed") return true;
    return false;
  };
  const inScope = node => {
    for (let up = node.parentNode || node.host; up; up = up.parentNode || up.host)
      if (state.scopes.has(up)) return true;
    return false;
  };
  let marked = 0;
  for (const node of nodes) {
    if (node.nodeType !== 1 || inClosedShadow(node) || (within && !inScope(node))) continue;
    const tokens = node.getAttribute(mark);
    node.setAttribute(mark, tokens ? tokens + " " + token : token);
    state.marked.add(node);
    marked += 1;
    if (first) break;
  }
  return marked;
}"""

_FRAME_OWNER_JS = "(el, key) => { el.ownerDocument[Symbol.for(key)] = el; }"
_FRAME_ELEMENT_JS = "function (key) { return this[Symbol.for(key)]; }"


class _Stale(Exception):
    """The document changed between two CDP calls of a lookup."""


async def named_now(scope: Page | Frame, selector: str, *, first: bool) -> Locator:
    """A locator for what ``selector`` matches now in ``scope``.

    A selector without ``aria-name=`` parts is Playwright's, returned as is. With
    them, the elements named now are marked, and the locator is for those marks:
    the first element in tree order with ``first`` (Puppeteer's choice), every
    one otherwise; it matches nothing when no element has the name.
    """
    if not has_aria_name(selector):
        return scope.locator(selector)
    frame = scope.main_frame if isinstance(scope, Page) else scope
    async with frame_session(frame) as (session, path):
        try:
            return await _resolve(session, path, split_chain(selector), first=first)
        except (PlaywrightError, _Stale) as exc:
            if isinstance(exc, PlaywrightError) and not is_transient(exc):
                raise
            # The document changed between two calls (a navigation, a node that
            # went away): nothing matches now, and the caller asks again.
            return frame.locator(_marked(_token()))
        finally:
            await _release(session)


async def _resolve(
    session: CDPSession, path: list[Frame], parts: list[str], *, first: bool
) -> Locator:
    frame = path[-1]
    document = await _document(session, path)
    await _call(session, document, _RESET_JS, _STATE, _MARK)
    chain = ""
    for position, part in enumerate(parts):
        name = aria_name(part)
        if name is None:
            chain = f"{chain} >> {part}" if chain else part
            continue
        if chain and not await frame.locator(chain).evaluate_all(_SCOPES_JS, _STATE):
            return frame.locator(_marked(_token()))
        token = _token()
        nodes = await _named_nodes(session, document, name)
        last = position == len(parts) - 1
        marked = await _mark(
            session, document, nodes, token, within=bool(chain), first=first and last
        )
        chain = _marked(token)
        if not marked:
            break
    return frame.locator(chain)


async def _document(session: CDPSession, path: list[Frame]) -> str:
    """The remote object of ``path[-1]``'s document; ``path[0]`` is the frame whose
    document is the session's own, the others are iframes in its process."""
    answer = await session.send(
        "Runtime.evaluate", {"expression": "document", "objectGroup": _GROUP}
    )
    if "objectId" not in answer["result"]:  # between two documents: no context yet
        raise _Stale("the frame has no document now")
    document: str = answer["result"]["objectId"]
    for frame in path[1:]:
        # Playwright knows the iframe element, CDP its content document: the
        # element is handed over through its document, in the main world.
        owner = await frame.frame_element()
        try:
            await owner.evaluate(_FRAME_OWNER_JS, _FRAME)
        finally:
            await owner.dispose()
        element = await _call(session, document, _FRAME_ELEMENT_JS, _FRAME, by_value=False)
        described = await session.send("DOM.describeNode", {"objectId": element})
        content = described["node"].get("contentDocument")
        if content is None:  # the iframe moved to a process of its own
            raise _Stale("the iframe has no content document in this session")
        resolved = await session.send(
            "DOM.resolveNode", {"backendNodeId": content["backendNodeId"], "objectGroup": _GROUP}
        )
        document = resolved["object"]["objectId"]
    return document


async def _named_nodes(session: CDPSession, document: str, name: str) -> list[int]:
    """The backend ids of the elements named ``name``, in tree order, as Puppeteer
    filters them: not ignored for accessibility, with a role, not text."""
    answer = await session.send(
        "Accessibility.queryAXTree", {"objectId": document, "accessibleName": name}
    )
    return [
        node["backendDOMNodeId"]
        for node in answer["nodes"]
        if not node.get("ignored")
        and node.get("role", {}).get("value") not in (None, *_NOT_ELEMENTS)
        and "backendDOMNodeId" in node
    ]


async def _mark(
    session: CDPSession,
    document: str,
    nodes: list[int],
    token: str,
    *,
    within: bool,
    first: bool,
) -> int:
    if not nodes:
        return 0
    resolved = await asyncio.gather(
        *(
            session.send("DOM.resolveNode", {"backendNodeId": node, "objectGroup": _GROUP})
            for node in nodes
        )
    )
    objects = [{"objectId": answer["object"]["objectId"]} for answer in resolved]
    marked: int = await _call(
        session, document, _MARK_JS, _STATE, _MARK, token, within, first, objects=objects
    )
    return marked


async def _call(
    session: CDPSession,
    target: str,
    function: str,
    *values: Any,
    objects: list[dict[str, str]] | None = None,
    by_value: bool = True,
) -> Any:
    """Call ``function`` with ``this`` the remote object ``target``: the result's
    value, or with ``by_value=False`` its remote object."""
    answer = await session.send(
        "Runtime.callFunctionOn",
        {
            "objectId": target,
            "functionDeclaration": function,
            "arguments": [{"value": value} for value in values] + (objects or []),
            "returnByValue": by_value,
            "objectGroup": _GROUP,
        },
    )
    result = answer["result"]
    if "exceptionDetails" in answer or not (by_value or "objectId" in result):
        # The state a lookup keeps on its document is gone: a new document.
        raise _Stale(answer.get("exceptionDetails", {}).get("text", "no such object"))
    return result.get("value") if by_value else result["objectId"]


async def _release(session: CDPSession) -> None:
    with suppress(PlaywrightError):  # a closed page or session holds no objects any more
        await session.send("Runtime.releaseObjectGroup", {"objectGroup": _GROUP})


def _token() -> str:
    return secrets.token_hex(6)


def _marked(token: str) -> str:
    return f'[{_MARK}~="{token}"]'
