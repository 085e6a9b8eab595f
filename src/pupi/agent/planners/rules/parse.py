"""From a prompt to a list of intents, one per clause, without looking at the page.

The prompt is split into clauses at sentence ends, at "then", and at commas or
"and" that are followed by a new verb ("type ada and press Enter" is two
clauses; "tick Email, SMS and Post" is one). Each clause becomes an
:class:`Intent`: what to do (``kind``), what to do it to (a :class:`Target`,
a description that :mod:`.ground` later matches against the page), and the
value, key or URL involved. Quoted text is kept verbatim and marks an exact
name or value.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from pupi.agent.planners.rules.text import ORDINALS
from pupi.agent.planners.rules.values import KEYS

__all__ = ["Intent", "Target", "parse_target", "parse_task"]


@dataclass(frozen=True)
class Target:
    """A description of one element (or list item) in the user's words.

    ``text`` is what remains after the role word ("button"), the ordinal
    ("second") and the context ("for the Blue Mug") are taken out.
    """

    text: str = ""
    role: str | None = None
    ordinal: int | None = None
    superlative: str | None = None
    context: str = ""
    exact: bool = False

    def describe(self) -> str:
        """The description as a short phrase for messages."""
        parts = []
        if self.ordinal is not None:
            parts.append("last" if self.ordinal == -1 else f"#{self.ordinal}")
        if self.superlative:
            parts.append(self.superlative)
        if self.text:
            parts.append(f"'{self.text}'")
        if self.role:
            parts.append(self.role)
        if self.context:
            parts.append(f"for '{self.context}'")
        return " ".join(parts) or "(nothing)"


@dataclass(frozen=True)
class Intent:
    """One clause of the prompt, understood but not yet grounded on a page."""

    kind: str
    clause: str
    target: Target | None = None
    value: str | None = None
    field: Target | None = None
    pairs: tuple[tuple[str | None, str], ...] = ()
    targets: tuple[Target, ...] = ()
    url: str | None = None
    key: str | None = None
    ms: int | None = None
    exact_value: bool = False
    extra: dict[str, str] = dataclasses.field(default_factory=dict, compare=False, hash=False)


# Quoted text and URLs are swapped for placeholders before splitting, so a
# comma or an "and" inside them never splits a clause.
# Curly quotes are matched on purpose: pasted tasks often use them.
_QUOTED = re.compile(r"\"([^\"]*)\"|“([^”]*)”|‘([^’]*)’|(?<![\w])'([^']+)'(?![\w])")  # noqa: RUF001
_URL = re.compile(
    r"\b(?:https?://|file:///|www\.)[^\s\"'<>]+|\b(?:localhost|127\.0\.0\.1)(?::\d+)?(?:/[^\s\"'<>]*)?"
)
_SLOT = re.compile(r"\u27e6(\d+)\u27e7")

_VERBS = frozenset(
    [
        "go",
        "open",
        "visit",
        "navigate",
        "browse",
        "load",
        "head",
        "return",
        "back",
        "reload",
        "refresh",
        "click",
        "press",
        "tap",
        "hit",
        "choose",
        "select",
        "pick",
        "follow",
        "type",
        "enter",
        "input",
        "write",
        "fill",
        "put",
        "set",
        "use",
        "search",
        "look",
        "tick",
        "check",
        "uncheck",
        "untick",
        "mark",
        "unmark",
        "toggle",
        "enable",
        "disable",
        "submit",
        "send",
        "save",
        "confirm",
        "add",
        "remove",
        "delete",
        "clear",
        "log",
        "login",
        "logout",
        "sign",
        "register",
        "scroll",
        "wait",
        "hover",
        "expand",
        "collapse",
        "switch",
        "close",
        "dismiss",
        "accept",
        "book",
        "find",
        "get",
        "tell",
        "give",
        "extract",
        "read",
        "report",
        "show",
        "list",
        "count",
        "what",
        "what's",
        "which",
        "who",
        "how",
        "when",
        "where",
        "is",
        "are",
        "does",
        "do",
        "can",
        "verify",
        "make",
        "ensure",
        "place",
        "sort",
        "filter",
        "buy",
        "purchase",
        "agree",
        "subscribe",
        "provide",
        "leave",
        "change",
        "update",
        "edit",
        "increase",
        "decrease",
        "order",
        "reject",
        "cancel",
        "unsubscribe",
        "complete",
        "finish",
        "apply",
        "answer",
        "compare",
        "print",
        "create",
    ]
)
_FILLERS = re.compile(
    r"^(?:(?:please|then|and|also|now|next|finally|first(?:ly)?|lastly|afterwards|after that|"
    r"just|kindly|go ahead and|i want to|i'd like to|i would like to|i need to|can you|"
    r"could you|would you|will you|try to|you should|we need to|let's|let us|and then)[,:]?\s+)+",
    re.IGNORECASE,
)
_HARD_SPLIT = re.compile(
    r",?\s+(?:and\s+)?then\s+|,\s*and\s+then\s+|,?\s+after\s+that,?\s+|,?\s+afterwards,?\s+"
    r"|,\s*finally,?\s+|\s*;\s*|(?<=[a-z0-9\u27e7)])[.!?]\s+(?=\S)|\n+",
    re.IGNORECASE,
)
_SOFT_SPLIT = re.compile(r",\s*(?:and\s+)?|\s+and\s+|\s+&\s+", re.IGNORECASE)

ROLE_WORDS: dict[str, str] = {
    "button": "button",
    "btn": "button",
    "link": "link",
    "hyperlink": "link",
    "tab": "tab",
    "checkbox": "checkbox",
    "check box": "checkbox",
    "tickbox": "checkbox",
    "tick box": "checkbox",
    "radio button": "radio",
    "radio": "radio",
    "option button": "radio",
    "dropdown": "combobox",
    "drop-down": "combobox",
    "drop down": "combobox",
    "select box": "combobox",
    "select": "combobox",
    "combobox": "combobox",
    "combo box": "combobox",
    "list box": "combobox",
    "picker": "combobox",
    "menu": "combobox",
    "field": "textbox",
    "text field": "textbox",
    "input": "textbox",
    "input field": "textbox",
    "textbox": "textbox",
    "text box": "textbox",
    "box": "textbox",
    "textarea": "textbox",
    "text area": "textbox",
    "area": "textbox",
    "option": "option",
    "menu item": "menuitem",
    "item": "item",
    "entry": "item",
    "row": "item",
    "card": "item",
    "image": "img",
    "icon": "img",
    "section": "section",
    "panel": "section",
    "question": "section",
    "heading": "heading",
    "switch": "checkbox",
    "toggle": "checkbox",
}
_ROLE_SUFFIX = re.compile(
    r"\s+(" + "|".join(sorted((re.escape(w) for w in ROLE_WORDS), key=len, reverse=True)) + r")s?$"
)
_ORDINAL = re.compile(
    r"\b("
    + "|".join(ORDINALS)
    + r")\b|(?:number|no\.?|#)\s*(\d+)\b|\b(?:the\s+)?(\d+)(?:st|nd|rd|th)\b",
    re.IGNORECASE,
)
_SUPERLATIVE = re.compile(
    r"\b(cheapest|least expensive|lowest[- ]priced|most expensive|priciest|highest[- ]priced|"
    r"dearest|(?:highest|best|top|lowest|worst)[- ]rated|most popular|newest|latest|"
    r"most recent(?:ly \w+)?|oldest|"
    r"earliest|(?:highest|lowest|largest|smallest|biggest|longest|shortest|most|least|fewest|"
    r"greatest|youngest|heaviest|lightest)(?:\s+[a-z]+)?)\b",
    re.IGNORECASE,
)
_CONTEXT = re.compile(
    r"\s+(?:for|next to|beside|near|belonging to|of the item|in the row (?:of|for)|in the row with"
    r"|in the card (?:of|for)|on the row (?:of|for)|under)\s+(.+)$",
    re.IGNORECASE,
)
_DETERMINER = re.compile(r"^(?:the|a|an|this|that|its|their|my|our|on|at)\s+", re.IGNORECASE)
_QUESTION_START = re.compile(
    r"^(?:what|what's|whats|which|who|whose|how|when|where|why|is|are|was|were|does|do|did|can|"
    r"has|have|find|get|tell|give|extract|read|report|return|show me|list|count|look up|"
    r"verify|make sure|ensure|confirm that|confirm whether|check whether|check if|check that|"
    r"see if|see whether|find out|determine|print|say)\b",
    re.IGNORECASE,
)
_KEY_NAMES = "|".join(sorted((re.escape(k) for k in KEYS), key=len, reverse=True))
_PRESS_KEY = re.compile(
    rf"^(?:press|hit|type|tap|push)\s+(?:the\s+)?(?:({_KEY_NAMES})|(ctrl|control|shift|alt|meta|cmd)"
    rf"\s*\+\s*(\w+))(?:\s+key)?(?:\s+(?:in|on|into)\s+(.+))?$",
    re.IGNORECASE,
)


def _protect(text: str) -> tuple[str, list[str]]:
    """Swap quoted text and URLs for numbered slots; return the text and the slots."""
    slots: list[str] = []

    def keep(found: re.Match[str], *, quoted: bool) -> str:
        value = next((g for g in found.groups() if g is not None), "") if quoted else found[0]
        if not quoted:
            trimmed = value.rstrip(".,;:!?)")
            tail = value[len(trimmed) :]
            slots.append("\x01" + trimmed)  # \x01 marks a URL
            return f"\u27e6{len(slots) - 1}\u27e7{tail}"
        slots.append(value)
        return f"\u27e6{len(slots) - 1}\u27e7"

    text = _URL.sub(lambda m: keep(m, quoted=False), text)
    text = _QUOTED.sub(lambda m: keep(m, quoted=True), text)
    return text, slots


def _first_word(piece: str) -> str:
    stripped = _FILLERS.sub("", piece.strip())
    words = stripped.split(maxsplit=1)
    return words[0].lower().rstrip(",:") if words else ""


def _split(text: str) -> list[str]:
    clauses: list[str] = []
    for chunk in _HARD_SPLIT.split(text):
        if not chunk or not chunk.strip(" ,."):
            continue
        pieces: list[str] = []
        start = 0
        for found in _SOFT_SPLIT.finditer(chunk):
            if _first_word(chunk[found.end() :]) in _VERBS:
                pieces.append(chunk[start : found.start()])
                start = found.end()
        pieces.append(chunk[start:])
        clauses.extend(p.strip(" ,.") for p in pieces if p.strip(" ,."))
    return clauses


def _restore(text: str, slots: list[str]) -> str:
    return _SLOT.sub(lambda m: slots[int(m[1])].lstrip("\x01"), text)


def parse_target(phrase: str, slots: list[str] | None = None) -> Target:
    """Read a description such as "the second 'Add to cart' button for the mug"."""
    slots = slots or []
    text = phrase.strip(" ,.?!:")
    context = ""
    found = _CONTEXT.search(text)
    if found and not _SLOT.fullmatch(text):
        context = _restore(_DETERMINER.sub("", found[1]).strip(), slots)
        text = text[: found.start()]
    ordinal: int | None = None
    if found := _ORDINAL.search(text):
        word, number, suffixed = found.groups()
        ordinal = ORDINALS[word.lower()] if word else int(number or suffixed)
        text = (text[: found.start()] + " " + text[found.end() :]).strip()
    superlative: str | None = None
    if found := _SUPERLATIVE.search(text):
        superlative = found[1].lower()
        text = (text[: found.start()] + " " + text[found.end() :]).strip()
    while (stripped := _DETERMINER.sub("", text)) != text:
        text = stripped
    role: str | None = None
    if found := _ROLE_SUFFIX.search(" " + text.lower()):
        role = ROLE_WORDS[found[1]]
        text = text[: max(0, len(text) - len(found[0]) + 1)].strip()
    elif text.lower().rstrip("s") in ROLE_WORDS:
        role = ROLE_WORDS[text.lower().rstrip("s")]
        text = ""
    text = re.sub(r"\s+(?:on|from|in) the (?:page|screen|site)$", "", text.strip())
    exact = bool(_SLOT.fullmatch(text.strip()))
    return Target(
        text=_restore(text, slots).strip(),
        role=role,
        ordinal=ordinal,
        superlative=superlative,
        context=context,
        exact=exact,
    )


def _value(raw: str, slots: list[str]) -> tuple[str, bool]:
    raw = raw.strip(" ,.")
    return _restore(raw, slots), bool(_SLOT.fullmatch(raw))


def _pairs(body: str, slots: list[str]) -> tuple[tuple[str | None, str], ...]:
    """Field/value pairs: "ada as the username", "email: a@b.c", "name Ada"."""
    out: list[tuple[str | None, str]] = []
    for chunk in _SOFT_SPLIT.split(body):
        chunk = _DETERMINER.sub("", chunk.strip(" ,."))
        if not chunk:
            continue
        if found := re.match(r"^(.+?)\s+(?:as|for)\s+(?:the\s+|my\s+|a\s+)?(.+)$", chunk):
            out.append((_restore(found[2], slots), _value(found[1], slots)[0]))
        elif found := re.match(r"^(.+?)\s*(?::(?!\d)|=|\bwith\b|\bis\b)\s*(.+)$", chunk):
            out.append((_restore(found[1], slots), _value(found[2], slots)[0]))
        else:
            out.append((None, _restore(chunk, slots)))
    return tuple(out)


def _targets(body: str, slots: list[str]) -> tuple[Target, ...]:
    body = re.sub(r"^(?:all|each|every|both)\s+(?:of\s+)?(?:the\s+)?", "", body.strip())
    body = re.sub(r"^(?:boxes|checkboxes|options)\s*:?\s*", "", body)
    return tuple(parse_target(p, slots) for p in _SOFT_SPLIT.split(body) if p.strip())


def _duration(text: str) -> int | None:
    if found := re.search(
        r"(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?|minutes?)\b", text
    ):
        amount = float(found[1])
        unit = found[2]
        factor = 1 if unit.startswith("m") and unit != "minute" and "minute" not in unit else 1000
        if "minute" in unit:
            factor = 60_000
        return int(amount * factor)
    if re.search(r"\b(a|one) (second|moment|bit|sec)\b", text):
        return 1000
    return None


_TYPE_VERBS = r"type|enter|input|write|put|key in|insert|provide|fill in|fill out|fill|use|set"
_NAV_VERBS = (
    r"go to|go|open|visit|navigate to|navigate|browse to|load|head to|head over to|return to"
)


def _parse_clause(clause: str, slots: list[str]) -> Intent:
    raw = _restore(clause, slots)
    text = _FILLERS.sub("", clause.strip()).strip(" ,.")
    low = text.lower()
    urls = [
        slots[int(m[1])][1:] for m in _SLOT.finditer(text) if slots[int(m[1])].startswith("\x01")
    ]

    def intent(kind: str, **kw: object) -> Intent:
        return Intent(kind, raw, **kw)  # type: ignore[arg-type]

    if re.match(rf"^(?:{_NAV_VERBS})\s+back\b|^back\b|^return to the previous", low):
        return intent("back")
    if re.match(r"^(?:go|navigate|move)\s+forward\b|^forward\b", low):
        return intent("forward")
    if re.match(r"^(?:reload|refresh)\b", low):
        return intent("reload")
    if _QUESTION_START.match(low) or low.endswith("?"):
        return intent("ask", url=urls[0] if urls else None, value=_restore(text, slots))
    if urls and (re.match(rf"^(?:{_NAV_VERBS})\b", low) or _SLOT.fullmatch(text)):
        return intent("go", url=urls[0])
    if found := re.match(rf"^(?:{_NAV_VERBS})\s+(?:the\s+)?(/\S*)", text, re.IGNORECASE):
        return intent("go", url=found[1])
    if found := _PRESS_KEY.match(text):
        key = KEYS[found[1].lower()] if found[1] else None
        if key is None:
            mod = {"ctrl": "Control", "control": "Control", "cmd": "Meta"}.get(
                found[2].lower(), found[2].capitalize()
            )
            key = f"{mod}+{found[3] if len(found[3]) == 1 else found[3].capitalize()}"
        field_target = parse_target(found[4], slots) if found[4] else None
        return intent("press", key=key, field=field_target)
    if re.match(r"^(?:wait|pause|sleep)\b", low):
        rest = re.sub(r"^(?:wait|pause|sleep)\s*(?:for|until|till)?\s*", "", text, flags=re.I)
        ms = _duration(rest.lower())
        if ms is not None:
            return intent("wait", ms=ms)
        rest = re.sub(r"\s+(?:to appear|appears?|is shown|shows up|to load|loads?)$", "", rest)
        value, exact = _value(re.sub(r"^(?:the\s+)?(?:text\s+)?", "", rest), slots)
        return intent("wait", value=value, exact_value=exact)
    if found := re.match(r"^scroll\s*(?:down|up)?\s*(?:to\s+)?(?:the\s+)?(.*)$", text, re.I):
        where = found[1].lower()
        if where in ("", "bottom", "end", "bottom of the page", "end of the page") or (
            low.startswith("scroll down") and not where
        ):
            return intent("scroll", value="top" if "up" in low.split()[:2] else "bottom")
        if where in ("top", "top of the page", "start"):
            return intent("scroll", value="top")
        return intent("scroll", target=parse_target(found[1], slots))
    if found := re.match(r"^(?:hover|mouse)\s+(?:over|on)?\s*(.+)$", text, re.I):
        return intent("hover", target=parse_target(found[1], slots))
    if (found := re.match(r"^(\w+)\s+[^:]{0,40}?:\s+(.+)$", text)) and found[1].lower() in (
        "send",
        "submit",
        "book",
        "register",
        "fill",
        "complete",
        "enter",
        "create",
        "order",
        "post",
    ):
        submit = found[1].lower() not in ("fill", "complete", "enter")
        return intent(
            "fill", pairs=_pairs(found[2], slots), extra={"submit": "1"} if submit else {}
        )
    if re.match(r"^(?:log|sign)\s*(?:out|off)\b", low):
        return intent("click", target=Target(text="log out"), extra={"alt": "sign out|logout"})
    if found := re.match(r"^(?:log|sign)\s*(?:in|on)(?:to\s+\S+)?\s*(.*)$", text, re.I):
        return intent("login", pairs=_login_pairs(found[1], slots))
    if found := re.match(
        r"^(?:register|sign up|create an account)\s*(?:with|using|as)?\s*(.*)$", text, re.I
    ):
        if found[1].strip():
            return intent("fill", pairs=_pairs(found[1], slots), extra={"submit": "1"})
        return intent("click", target=Target(text=found[0].strip()))
    if found := re.match(
        r"^(?:search|look)\s+(?:for|up)\s+(.+?)(?:\s+(?:in|on|using)\s+(?:the\s+)?(.+))?$",
        text,
        re.I,
    ):
        value, exact = _value(found[1], slots)
        return intent(
            "search",
            value=value,
            exact_value=exact,
            field=parse_target(found[2], slots) if found[2] else None,
        )
    if found := re.match(r"^search\s+(.+)$", text, re.I):
        value, exact = _value(found[1], slots)
        return intent("search", value=value, exact_value=exact)
    if found := re.match(r"^(?:add)\s+(.+?)\s+(?:to|into)\s+(?:the\s+|my\s+)?(.+)$", text, re.I):
        return intent(
            "add",
            target=parse_target(found[1], slots),
            value=_value(found[1], slots)[0],
            field=parse_target(found[2], slots),
            exact_value=bool(_SLOT.fullmatch(found[1].strip())),
        )
    if found := re.match(
        r"^add\s+(?:a|an|the)?\s*(?:new\s+)?(?:\w+\s+)?"
        r"(?:called|named|titled|saying|with the (?:text|title))\s+(.+)$",
        text,
        re.I,
    ) or re.match(r"^add\s+(.+)$", text, re.I):
        value, exact = _value(found[1], slots)
        return intent("add", value=value, exact_value=exact, target=parse_target(found[1], slots))
    if found := re.match(
        r"^(?:remove|delete|discard|drop)\s+(.+?)(?:\s+from\s+(?:the\s+|my\s+)?(.+))?$", text, re.I
    ):
        verb = low.split()[0]
        return intent("remove", target=parse_target(found[1], slots), value=verb)
    if found := re.match(r"^(?:sort|order)\s+(?:the\s+)?(?:[\w ]+?\s+)?by\s+(.+)$", text, re.I):
        value, exact = _value(found[1], slots)
        return intent("sort", value=value, exact_value=exact)
    if found := re.match(
        r"^(?:filter|narrow)\s+(?:the\s+)?(?:[\w ]+?\s+)?(?:by|to|on)\s+(.+)$", text, re.I
    ):
        value, exact = _value(found[1], slots)
        return intent("choose", target=parse_target(found[1], slots), value=value)
    if found := re.match(
        r"^(?:mark|set)\s+(.+?)\s+as\s+(?:done|complete|completed|finished|read)$", text, re.I
    ):
        return intent("check", targets=(parse_target(found[1], slots),))
    if found := re.match(
        r"^(?:mark|set)\s+(.+?)\s+as\s+(?:not done|incomplete|undone|unread|open|pending)$",
        text,
        re.I,
    ):
        return intent("uncheck", targets=(parse_target(found[1], slots),))
    if found := re.match(
        r"^(?:uncheck|untick|unmark|deselect|unselect|disable|turn off|clear|unsubscribe from)"
        r"\s+(.+)$",
        text,
        re.I,
    ):
        return intent("uncheck", targets=_targets(found[1], slots))
    if found := re.match(
        r"^(?:check|tick|mark|enable|turn on|agree to|accept|subscribe to|opt in to|opt into)"
        r"\s+(.+)$",
        text,
        re.I,
    ):
        return intent("check", targets=_targets(found[1], slots))
    if found := re.match(
        r"^(?:choose|select|pick)\s+(.+?)\s+(?:from|in|for|on|under)\s+(?:the\s+)?(.+)$", text, re.I
    ):
        value, exact = _value(found[1], slots)
        return intent("select", value=value, exact_value=exact, field=parse_target(found[2], slots))
    if (
        (found := re.match(r"^(?:choose|select|pick|use|enter)\s+(.+)$", text, re.I))
        and len(chunks := _SOFT_SPLIT.split(found[1])) > 1
        and all(re.search(r"\sas\s", c) for c in chunks)
    ):
        return intent("fill", pairs=_pairs(found[1], slots))
    if found := re.match(
        r"^(?:choose|select|pick|use)\s+(.+?)\s+as\s+(?:the\s+|my\s+|your\s+)?(.+)$", text, re.I
    ):
        value, exact = _value(found[1], slots)
        return intent("set", value=value, exact_value=exact, field=parse_target(found[2], slots))
    if found := re.match(
        r"^(?:choose|select|pick)\s+(?:all|each|every|both)\s+(?:of\s+)?(.+)$", text, re.I
    ):
        return intent("check", targets=_targets(found[1], slots))
    if found := re.match(r"^(?:choose|select|pick)\s+(.+)$", text, re.I):
        targets = _targets(found[1], slots)
        if len(targets) > 1:
            return intent("check", targets=targets)
        return intent(
            "choose", target=targets[0] if targets else Target(), value=_value(found[1], slots)[0]
        )
    if (
        (found := re.match(r"^(?:set|change|update)\s+(.+)$", text, re.I))
        and len(chunks := re.split(r"\s+and\s+", found[1])) > 1
        and all(" to " in c for c in chunks)
    ):
        pairs: list[tuple[str | None, str]] = []
        for chunk in chunks:
            name, _, value = chunk.rpartition(" to ")
            pairs.append(
                (_restore(_DETERMINER.sub("", name.strip()), slots), _value(value, slots)[0])
            )
        return intent("fill", pairs=tuple(pairs))
    if found := re.match(
        r"^(?:set|change|update)\s+(?:the\s+)?(.+?)\s+(?:to|as|=)\s+(.+)$", text, re.I
    ):
        value, exact = _value(found[2], slots)
        return intent("set", value=value, exact_value=exact, field=parse_target(found[1], slots))
    if (
        found := re.match(
            rf"^(?:{_TYPE_VERBS})\s+(.+?)\s+(?:into|in|inside|on|under)\s+(?:the\s+)?(.+?)$",
            text,
            re.I,
        )
    ) and not re.search(r"\s(?:as|with)\s", found[1]):
        value, exact = _value(found[1], slots)
        return intent("type", value=value, exact_value=exact, field=parse_target(found[2], slots))
    if (
        (found := re.match(r"^(?:fill|fill in|fill out|populate)\s+(.+)$", text, re.I))
        and all(re.search(r"\swith\s", chunk) for chunk in _SOFT_SPLIT.split(found[1]))
        and len(_SOFT_SPLIT.split(found[1])) > 1
    ):
        return intent("fill", pairs=_pairs(found[1], slots))
    if found := re.match(
        r"^(?:fill|fill in|fill out|complete|populate)\s+(?:the\s+)?(.+?)\s+(?:with|using)\s+(.+)$",
        text,
        re.I,
    ):
        given = _pairs(found[2], slots)
        if len(given) == 1 and given[0][0] is None:
            value, exact = _value(found[2], slots)
            return intent(
                "type", value=value, exact_value=exact, field=parse_target(found[1], slots)
            )
        return intent("fill", pairs=given)
    if found := re.match(rf"^(?:{_TYPE_VERBS})\s+(?:in\s+|out\s+)?(.+)$", text, re.I):
        given = _pairs(found[1], slots)
        if all(name is None for name, _ in given) and len(given) == 1:
            value, exact = _value(found[1], slots)
            return intent("type", value=value, exact_value=exact, extra={"loose": "1"})
        return intent("fill", pairs=given)
    if re.match(r"^create\b", low):
        return intent("submit", target=parse_target(text, slots), value="create")
    if found := re.match(
        r"^(?:submit|send|save|confirm|place|finish|complete|apply|book|buy|purchase|order"
        r"|proceed to|continue to|checkout|check out|pay|continue|proceed|next|done|cancel"
        r"|reject|close|dismiss)\b\s*(.*)$",
        text,
        re.I,
    ):
        return intent("submit", target=parse_target(text, slots), value=low.split()[0])
    if found := re.match(
        r"^(?:click|press|tap|hit|follow|open|expand|collapse|toggle|show|view|activate"
        r"|switch to|go to|navigate to|visit|select|use|push|trigger|answer)"
        r"\s+(?:on\s+|the\s+link\s+to\s+)?(.+)$",
        text,
        re.I,
    ):
        target = parse_target(found[1], slots)
        verb = low.split()[0]
        if verb in ("go", "navigate", "visit", "switch") and target.role is None:
            target = replace(target, role="link" if verb != "switch" else "tab")
            return intent("click", target=target, extra={"soft_role": "1"})
        return intent("click", target=target, extra={"verb": verb})
    return intent("click", target=parse_target(text, slots), extra={"guess": "1"})


def _login_pairs(body: str, slots: list[str]) -> tuple[tuple[str | None, str], ...]:
    """Credentials from "as ada with password lovelace" or "with username ada and password x"."""
    body = body.strip()
    pairs: list[tuple[str | None, str]] = []
    if found := re.match(
        r"^(?:as|with user(?:name)?|using)\s+(\S+?)"
        r"(?:\s*/\s*|\s+(?:with|and|using)\s+(?:the\s+)?(?:password|pass|pw)?\s*(?::|=|of)?\s*)"
        r"(\S+)?\s*$",
        body,
        re.I,
    ):
        pairs.append(("username", _value(found[1], slots)[0]))
        if found[2]:
            pairs.append(("password", _value(found[2], slots)[0]))
        return tuple(pairs)
    body = re.sub(r"^(?:with|using)\s+", "", body, flags=re.I)
    for name, value in _pairs(body, slots):
        if name is None:
            words = value.split(maxsplit=1)
            if len(words) == 2:
                name, value = words[0], words[1]
        pairs.append((name, value))
    return tuple(pairs)


_LOCATION = re.compile(
    r"\s*,?\s*\b(?:(?:it is|it's|they are|this is|which is)\s+)?(?:on|at|from|in|of|using)?\s*"
    r"(?:the\s+page\s+)?(\u27e6(\d+)\u27e7)\s*,?\s*",
    re.IGNORECASE,
)


def _with_location(clause: str, slots: list[str]) -> list[Intent]:
    """A clause, preceded by a navigation when it names a URL ("On URL, click ...")."""
    text = _FILLERS.sub("", clause.strip())
    found = next((m for m in _LOCATION.finditer(text) if slots[int(m[2])].startswith("\x01")), None)
    if found is None:
        return [_parse_clause(clause, slots)]
    url = slots[int(found[2])][1:]
    if re.match(rf"^(?:{_NAV_VERBS})\s+(?:the\s+)?(?:page\s+)?\u27e6", text, re.IGNORECASE):
        return [_parse_clause(clause, slots)]
    rest = (text[: found.start()] + " " + text[found.end() :]).strip(" ,.")
    rest_low = rest.lower()
    if not rest or rest_low in ("it is", "it's", "this is", "see", "there", "here", "use"):
        return [Intent("go", _restore(clause, slots), url=url, extra={"bare": "1"})]
    go = Intent("go", _restore(clause, slots), url=url, extra={"implied": "1"})
    return [go, _parse_clause(rest, slots)]


def _merge_questions(intents: list[Intent]) -> list[Intent]:
    """Fold "find the cheapest product and tell me its price" into one question."""
    merged: list[Intent] = []
    for item in intents:
        previous = merged[-1] if merged else None
        if (
            item.kind == "ask"
            and previous is not None
            and previous.kind == "ask"
            and re.search(
                r"\b(?:its|it|their|them|that|this|his|her)\b", (item.value or "").lower()
            )
        ):
            combined = f"{previous.value} || {item.value}"
            merged[-1] = replace(
                previous, value=combined, clause=f"{previous.clause}, {item.clause}"
            )
            continue
        merged.append(item)
    return merged


@lru_cache(maxsize=256)
def parse_task(task: str) -> tuple[Intent, ...]:
    """Split ``task`` into clauses and understand each one; cached per task text."""
    protected, slots = _protect(task.strip())
    out: list[Intent] = []
    for clause in _split(protected):
        out.extend(_with_location(clause, slots))
    # "What is X? It is on URL": a trailing bare location applies to the whole task.
    if (
        len(out) > 1
        and out[-1].kind == "go"
        and out[-1].extra.get("bare")
        and not any(i.kind == "go" for i in out[:-1])
    ):
        out.insert(0, out.pop())
    return tuple(_place_submit(_merge_questions(out)))


_FORM_KINDS = frozenset({"type", "fill", "check", "uncheck", "select", "set", "choose"})


def _place_submit(intents: list[Intent]) -> list[Intent]:
    """Submit a "register with ..." form after the clauses that go on filling it."""
    out = list(intents)
    for number, item in enumerate(intents):
        if item.kind != "fill" or not item.extra.get("submit"):
            continue
        later = intents[number + 1 :]
        if not later:
            continue
        out[number] = replace(item, extra={})
        if any(i.kind in ("click", "submit") for i in later):
            continue  # the prompt says itself which button to press
        last = number
        while last + 1 < len(intents) and intents[last + 1].kind in _FORM_KINDS:
            last += 1
        out.insert(last + 1, Intent("submit", item.clause, target=Target(), value="submit"))
        break
    return out
