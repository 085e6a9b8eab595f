"""The parser's vocabulary: the words and patterns it reads prompts with.

Only data lives here (word lists and compiled patterns), so that the modules
that split prompts and read clauses share one spelling of each pattern.
"""

from __future__ import annotations

import re

from pupi.agent.planners.rules.intents import Region
from pupi.agent.planners.rules.text import ORDINALS
from pupi.agent.planners.rules.values import KEYS

__all__ = [
    "CONTEXT",
    "DETERMINER",
    "FILLERS",
    "HARD_SPLIT",
    "NAV_VERBS",
    "ORDINAL",
    "PRESS_KEY",
    "QUESTION_START",
    "QUOTED",
    "ROLE_SUFFIX",
    "ROLE_WORDS",
    "SLOT",
    "SOFT_SPLIT",
    "SUPERLATIVE",
    "TYPE_VERBS",
    "URL",
    "VERBS",
]

# Quoted text and URLs are swapped for placeholders before splitting, so a
# comma or an "and" inside them never splits a clause.
# Curly quotes are matched on purpose: pasted tasks often use them.
QUOTED = re.compile(r"\"([^\"]*)\"|“([^”]*)”|‘([^’]*)’|(?<![\w])'([^']+)'(?![\w])")  # noqa: RUF001
URL = re.compile(
    r"\b(?:https?://|file:///|www\.)[^\s\"'<>]+|\b(?:localhost|127\.0\.0\.1)(?::\d+)?(?:/[^\s\"'<>]*)?"
)
SLOT = re.compile(r"\u27e6(\d+)\u27e7")
"""A placeholder for the quoted text or URL with that number."""

# A comma or "and" starts a new clause only when one of these words follows it.
# Written as text: a hundred words read better as a paragraph than one a line.
VERBS = frozenset(
    """
    go open visit navigate browse load head return back reload refresh click press tap hit
    choose select pick follow type enter input write fill put set use search look tick check
    uncheck untick mark unmark toggle enable disable submit send save confirm add remove
    delete clear log login logout sign register scroll wait hover expand collapse switch
    close dismiss accept book find get tell give extract read report show list count what
    what's which who how when where is are does do can verify make ensure place sort filter
    buy purchase agree subscribe provide leave change update edit increase decrease order
    reject cancel unsubscribe complete finish apply answer compare print create forward
    reply archive star like follow repost share download upload export copy paste solve
    continue proceed
    """.split()  # noqa: SIM905
)
FILLERS = re.compile(
    r"^(?:(?:please|then|and|also|now|next|finally|first(?:ly)?|lastly|afterwards|after that|"
    r"just|kindly|go ahead and|i want to|i'd like to|i would like to|i need to|can you|"
    r"i'd like|i would like|i want|"
    r"could you|would you|will you|try to|you should|we need to|let's|let us|and then|"
    r"start to|begin to|proceed to)[,:]?\s+)+",
    re.IGNORECASE,
)
# Sentence ends split clauses. A "!" stays with its clause, since it may end a value
# ("message Lovely site!"); a "?" goes, or "click Is there a warranty?" would read as
# a question (a "?" at the very end of the prompt still marks one).
# "Dr. Chen", "Prof. Okafor": the dot after a title does not end a sentence.
_NOT_TITLE = "".join(rf"(?<!\b{t})" for t in ("dr", "mr", "mrs", "ms", "prof", "st", "jr", "sr"))
HARD_SPLIT = re.compile(
    r",?\s+(?:and\s+)?then\s+|,\s*and\s+then\s+|,?\s+after\s+that,?\s+|,?\s+afterwards,?\s+"
    r"|,\s*finally,?\s+|\s*;\s*|(?<=[a-z0-9\u27e7)])(?:\?|" + _NOT_TITLE + r"\.)\s+(?=\S)"
    r"|(?<=[a-z0-9\u27e7)]!)\s+(?=\S)"
    r"|\n+",
    re.IGNORECASE,
)
SOFT_SPLIT = re.compile(r",\s*(?:and\s+)?|\s+and\s+|\s+&\s+", re.IGNORECASE)

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
    "slider": "slider",
}
"""The user's word for a kind of element, and the role it stands for."""

ROLE_SUFFIX = re.compile(
    r"\s+(" + "|".join(sorted((re.escape(w) for w in ROLE_WORDS), key=len, reverse=True)) + r")s?$"
)
ORDINAL = re.compile(
    r"\b("
    + "|".join(ORDINALS)
    + r")\b|(?:number|no\.?|#)\s*(\d+)\b|\b(?:the\s+)?(\d+)(?:st|nd|rd|th)\b",
    re.IGNORECASE,
)
SUPERLATIVE = re.compile(
    r"\b(cheapest|least expensive|lowest[- ]priced|most expensive|priciest|highest[- ]priced|"
    r"dearest|(?:highest|best|top|lowest|worst)[- ]rated|most popular|newest|latest|"
    r"most recent(?:ly \w+)?|oldest|"
    r"earliest|(?:highest|lowest|largest|smallest|biggest|longest|shortest|most|least|fewest|"
    r"greatest|youngest|heaviest|lightest)(?:\s+[a-z]+)?)\b",
    re.IGNORECASE,
)
CONTEXT = re.compile(
    r"\s+(?:for|next to|beside|near|belonging to|of the item|in the row (?:of|for)|in the row with"
    r"|in the card (?:of|for)|on the row (?:of|for)|under)\s+(.+)$",
    re.IGNORECASE,
)
# "from the navigation", "in the site footer", "in the dialog": a landmark, not a name;
# "on the toolbar" is a place too, though no landmark the observation tells.
REGION_WORDS: dict[str, Region | None] = {
    "navigation": "nav",
    "nav": "nav",
    "navbar": "nav",
    "nav bar": "nav",
    "navigation bar": "nav",
    "menu bar": "nav",
    "top menu": "nav",
    "main menu": "nav",
    "header": "header",
    "banner": "header",
    "footer": "footer",
    "sidebar": "aside",
    "side bar": "aside",
    "dialog": "dialog",
    "dialog box": "dialog",
    "modal": "dialog",
    "pop-up": "dialog",
    "popup": "dialog",
    "pop up": "dialog",
    "toolbar": None,
    "tool bar": None,
    "action bar": None,
    "button bar": None,
}
REGION = re.compile(
    r"\s+(?:in|from|on|at|within|inside|of)\s+(?:the\s+)?(?:(?:site|page|top|bottom|left|right)"
    r"(?:'s)?\s+)?(?P<where>"
    + "|".join(sorted(map(re.escape, REGION_WORDS), key=len, reverse=True))
    + r")\s*$",
    re.IGNORECASE,
)
DETERMINER = re.compile(r"^(?:the|a|an|this|that|its|their|my|our|on|at)\s+", re.IGNORECASE)
QUESTION_START = re.compile(
    r"^(?:what|what's|whats|which|who|whose|how|when|where|why|is|are|was|were|does|do|did|can|"
    r"has|have|find|get(?! rid of)|tell|give me|extract|read|report|return|show me|list|count|"
    r"look up|"
    r"verify|make sure|ensure|confirm that|confirm whether|check whether|check if|check that|"
    r"see if|see whether|find out|determine|print|say)\b",
    re.IGNORECASE,
)
_KEY_NAMES = "|".join(sorted((re.escape(k) for k in KEYS), key=len, reverse=True))
PRESS_KEY = re.compile(
    rf"^(?:press|hit|type|tap|push)\s+(?:the\s+)?(?:({_KEY_NAMES})|(ctrl|control|shift|alt|meta|cmd)"
    rf"\s*\+\s*(\w+))(?:\s+key)?(?:\s+(?:in|on|into)\s+(.+))?$",
    re.IGNORECASE,
)

TYPE_VERBS = r"type|enter|input|write|put|key in|insert|provide|fill in|fill out|fill|use|set"
NAV_VERBS = (
    r"go to|go|open|visit|navigate to|navigate|browse to|load|head to|head over to|return to"
)
