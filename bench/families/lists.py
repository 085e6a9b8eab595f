"""Families on lists and tables: a row's action, the nth result, counting,
reading a value, and a request the page cannot satisfy."""

from __future__ import annotations

import random
import re

from . import words
from .base import TOOLBAR_SCRIPT, Run, Task, esc, norm, only_records, page, pick, slug

_NUMBERS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve",
)  # fmt: skip
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth")


def _mail(rng: random.Random) -> Task:
    senders = [
        f"{f} {ln}"
        for f, ln in zip(
            pick(rng, words.FIRST_NAMES, 5), pick(rng, words.LAST_NAMES, 5), strict=True
        )
    ]
    subjects = pick(rng, words.SUBJECTS, 5)
    target = senders[0]
    order = list(range(5))
    rng.shuffle(order)
    action = rng.choice(["Delete", "Archive"])
    rows = "\n".join(
        f'<li data-id="m{i}"><strong>{esc(senders[i])}</strong> <span>{esc(subjects[i])}</span> '
        f'<button type="button" class="star">Star</button> '
        f'<button type="button" class="act">{action}</button></li>'
        for i in order
    )
    body = f'<h1>Inbox</h1>\n<ul id="mail">\n{rows}\n</ul>'
    script = """
document.querySelectorAll('#mail li').forEach(li=>{
 li.querySelector('.act').addEventListener('click',e=>{record({action:e.target.textContent.toLowerCase(),id:li.dataset.id});li.remove();});
 li.querySelector('.star').addEventListener('click',e=>{record({action:'star',id:li.dataset.id});e.target.textContent='Starred';});
});
"""
    prompt = rng.choice(
        [
            "{a} the email from {s}.",
            "{a} {s}'s message.",
            'In the inbox, {al} the mail sent by {s} (subject "{j}").',
        ]
    ).format(a=action, al=action.lower(), s=target, j=subjects[0])
    wanted = {"action": action.lower(), "id": "m0"}
    return Task(
        "row_action",
        page("Inbox", body, script, site="Postbox"),
        prompt,
        lambda run: only_records(run, **wanted),
        Run([wanted]),
    )


def _feed(rng: random.Random) -> Task:
    users = pick(rng, words.HANDLES, 5)
    texts = pick(rng, words.ARTICLES, 5)
    target = users[0]
    order = list(range(5))
    rng.shuffle(order)
    posts = "\n".join(
        f'<article data-id="p{i}"><header>@{esc(users[i])}</header><p>{esc(texts[i])}</p>'
        f'<button type="button" class="like" aria-pressed="false">Like</button> '
        f'<button type="button" class="share">Share</button></article>'
        for i in order
    )
    body = f'<h1>Feed</h1>\n<div id="feed">\n{posts}\n</div>'
    script = """
document.querySelectorAll('#feed article').forEach(a=>{
 a.querySelector('.like').addEventListener('click',e=>{record({action:'like',id:a.dataset.id});e.target.setAttribute('aria-pressed','true');e.target.textContent='Liked';});
 a.querySelector('.share').addEventListener('click',()=>record({action:'share',id:a.dataset.id}));
});
"""
    prompt = rng.choice(
        ["Like the post by @{u}.", "Give @{u}'s post a like", "Press Like on the post from @{u}."]
    ).format(u=target)
    wanted = {"action": "like", "id": "p0"}
    return Task(
        "row_action",
        page("Feed", body, script, site="Chirp"),
        prompt,
        lambda run: only_records(run, **wanted),
        Run([wanted]),
    )


def row_action(rng: random.Random) -> Task:
    """Press the action button of the one row that belongs to a named sender or author."""
    return _mail(rng) if rng.random() < 0.5 else _feed(rng)


def nth_result(rng: random.Random) -> Task:
    """Open the nth result of a search, under a sponsored link that is not a result."""
    titles = pick(rng, words.ARTICLES, 6)
    n = rng.randint(1, 5)
    ad = rng.choice(words.PRODUCTS)
    query = rng.choice(["tips", "guide", "how to", "history"])
    items = "\n".join(
        f'<li><h3><a href="/visit/{slug(t)}">{esc(t)}</a></h3>'
        f"<p>A result for {esc(query)}.</p></li>"
        for t in titles
    )
    body = (
        f'<form role="search"><input name="q" value="{esc(query)}" aria-label="Search">'
        "<button>Search</button></form>\n"
        f'<aside><small>Sponsored</small> <a href="/visit/ad">{esc(ad)} sale</a></aside>\n'
        f'<p>{len(titles)} results</p>\n<ol id="results">\n{items}\n</ol>'
    )
    nth = _ORDINALS[n - 1]
    prompt = rng.choice(
        [
            "Open the {o} search result.",
            "Click the {o} result.",
            "Go to result number {n}.",
            "Open the {o} link in the results list.",
        ]
    ).format(o=nth, n=n)
    wanted = slug(titles[n - 1])
    return Task(
        "nth_result",
        page("Search", body, site="Findr"),
        prompt,
        lambda run: only_records(run, visited=wanted),
        Run([{"visited": wanted}]),
    )


def _number(answer: object) -> int | None:
    """The first number in an answer, in digits or a small word."""
    text = norm(answer)
    found = re.search(r"\d+|\b(" + "|".join(_NUMBERS) + r")\b", text)
    if not found:
        return None
    token = found.group(0)
    return int(token) if token.isdigit() else _NUMBERS.index(token)


def _mentions(text: str, value: str) -> bool:
    """``value`` occurs in ``text`` as a whole: "200 g" is not in "1200 g"."""
    return re.search(rf"(?<!\w){re.escape(value.lower())}(?!\w)", text) is not None


def count(rng: random.Random) -> Task:
    """Count the items of one list, next to another list of the same kind."""
    todo = rng.randint(2, 7)
    done = rng.choice([k for k in range(1, 6) if k != todo])
    items = pick(rng, words.TASK_ITEMS, todo + done)
    first, second = ("To do", "Done")
    lists = {
        first: "\n".join(f"<li>{esc(t)}</li>" for t in items[:todo]),
        second: "\n".join(f"<li><s>{esc(t)}</s></li>" for t in items[todo:]),
    }
    asked = rng.choice([first, second])
    wanted = todo if asked == first else done
    sections = [f"<section><h2>{k}</h2><ul>\n{v}\n</ul></section>" for k, v in lists.items()]
    rng.shuffle(sections)
    body = "<h1>My tasks</h1>\n" + "\n".join(sections)
    prompt = rng.choice(
        [
            'How many tasks are in the "{a}" list?',
            "How many items are listed under {a}?",
            "Count the tasks under {a}.",
        ]
    ).format(a=asked)
    return Task(
        "count",
        page("Tasks", body),
        prompt,
        lambda run: run.status == "completed" and _number(run.answer) == wanted,
        Run([], "completed", str(wanted)),
    )


def lookup(rng: random.Random) -> Task:
    """Answer "what is the X?" from a key/value table with similar keys."""
    product = rng.choice(words.PRODUCTS)
    facts = {
        "Price": f"${rng.randint(5, 199)}.{rng.choice(['00', '50', '99'])}",
        "Weight": f"{rng.randint(100, 2500)} g",
        "Colour": rng.choice(words.COLOURS),
        "Warranty": f"{rng.randint(1, 5)} years",
        "Made in": rng.choice(words.COUNTRIES),
        "Shipping weight": f"{rng.randint(100, 3000)} g",
        "Sale price": f"${rng.randint(5, 199)}.00",
    }
    keys = pick(rng, list(facts), 5)
    asked = rng.choice(keys)
    rows = "\n".join(f"<tr><th>{esc(k)}</th><td>{esc(facts[k])}</td></tr>" for k in keys)
    body = (
        f"<h1>{esc(product)}</h1>\n<p>Our best-selling {esc(product.lower())}.</p>\n"
        f"<h2>Specifications</h2>\n<table>\n{rows}\n</table>\n"
        '<button type="button">Add to cart</button>'
    )
    prompt = rng.choice(
        [
            "What is the {k} of the {p}?",
            "What's the {kl}?",
            "Tell me the {kl} listed for this product.",
            "Look up the {kl} in the specifications.",
        ]
    ).format(k=asked.lower(), kl=asked.lower(), p=product.lower())
    value = facts[asked]
    # An answer that dumps the whole table holds the value too: it must hold no other
    # row's value (rows that happen to share it, a price and a sale price, aside).
    others = [facts[k] for k in keys if k != asked and facts[k] != value]

    def check(run: Run) -> bool:
        text = norm(run.answer)
        return (
            run.status == "completed"
            and _mentions(text, value)
            and not any(_mentions(text, o) for o in others)
        )

    return Task(
        "lookup", page(product, body, site="Shopfront"), prompt, check, Run([], "completed", value)
    )


def refusal(rng: random.Random) -> Task:
    """Ask for a button the page does not have; the right outcome is to fail, doing nothing."""
    pairs = pick(rng, words.ACTIONS, 5)
    present = [p[0] for p in pairs[:4]]
    missing = pairs[4][0]
    toolbar = "\n".join(f'<button type="button">{esc(c)}</button>' for c in present)
    body = (
        f"<h1>{esc(rng.choice(words.PROJECTS))} dashboard</h1>\n"
        f'<div role="toolbar">{toolbar}</div>\n<p id="msg" role="status"></p>'
    )
    prompt = rng.choice(
        [
            'Click the "{m}" button.',
            "Press {m} on the dashboard.",
            "Find the {m} button and click it.",
        ]
    ).format(m=missing)
    return Task(
        "refusal",
        page("Dashboard", body, TOOLBAR_SCRIPT),
        prompt,
        lambda run: run.status == "failed" and not run.records,
        Run([], "failed"),
        refusal=True,
    )
