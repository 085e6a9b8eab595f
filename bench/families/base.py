"""What a task family produces, and the pieces its pages and checkers share."""

from __future__ import annotations

import html
import json
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar


@dataclass(frozen=True)
class Run:
    """What one agent run left behind: the page's records, the status and the answer."""

    records: list[dict[str, Any]] = field(default_factory=list)
    status: str = "completed"
    answer: Any = None


Checker = Callable[[Run], bool]


@dataclass(frozen=True)
class Task:
    """One generated task: a page, what to ask of it, and how to tell it was done.

    ``solution`` is one run the checker must accept, so that a test can tell a
    checker that accepts nothing from one that is merely strict.
    ``refusal`` marks a task the page cannot satisfy: the right outcome is a
    failed run that recorded nothing.
    """

    family: str
    html: str
    prompt: str
    check: Checker
    solution: Run
    refusal: bool = False


Family = Callable[[random.Random], Task]

T = TypeVar("T")


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# Every page records through this one helper; the runner waits for ``window.__pending``
# to fall to zero, since a click's fetch may still be unanswered when the agent stops.
_SEND = """
function record(data){
 window.__pending=(window.__pending||0)+1;
 return fetch('/record',{method:'POST',headers:{'Content-Type':'application/json'},
  body:JSON.stringify(data)}).finally(()=>{window.__pending--;});
}
"""

TOOLBAR_SCRIPT = """
document.querySelectorAll('[role=toolbar] button').forEach(b=>b.addEventListener('click',()=>{
 record({clicked:b.textContent});
 document.getElementById('msg').textContent='Done: '+b.textContent;}));
"""

_STYLE = """
body{font-family:system-ui,sans-serif;margin:0;color:#222}
header{background:#234;color:#fff;padding:10px 16px}
header a{color:#cde;margin-right:12px}
main{padding:16px;max-width:760px}
label{display:block;margin:8px 0 2px}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}
button{margin:2px}
"""


def page(title: str, body: str, script: str = "", *, site: str = "") -> str:
    """A whole HTML document: a header with the site's name, ``body``, then ``script``."""
    brand = f"<header><strong>{esc(site)}</strong></header>" if site else ""
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title><style>{_STYLE}</style></head>\n<body>{brand}\n"
        f"<main>\n{body}\n</main>\n<script>{_SEND}{script}</script>\n</body></html>\n"
    )


def js(value: Any) -> str:
    """``value`` as a JavaScript literal, safe inside a script element."""
    return json.dumps(value).replace("</", "<\\/")


def pick(rng: random.Random, pool: Sequence[T], k: int) -> list[T]:
    """``k`` different words of ``pool``, in random order."""
    return rng.sample(list(pool), k)


def norm(value: Any) -> str:
    """An answer as lower-case text with single spaces, for lenient comparison."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return re.sub(r"\s+", " ", text).strip().lower()


def has_record(run: Run, **fields: Any) -> bool:
    """Some record holds every one of ``fields`` (compared as text: forms send strings)."""
    return any(
        all(str(record.get(k)) == str(v) for k, v in fields.items()) for record in run.records
    )


def only_records(run: Run, **fields: Any) -> bool:
    """At least one record, and every record holds ``fields``: no stray action besides."""
    return bool(run.records) and all(
        all(str(record.get(k)) == str(v) for k, v in fields.items()) for record in run.records
    )
