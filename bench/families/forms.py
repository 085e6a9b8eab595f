"""Families on forms: signing in, filling labelled fields, copying a shown value."""

from __future__ import annotations

import random
from collections.abc import Callable

from . import words
from .base import Run, Task, esc, has_record, page, pick


def _credentials(rng: random.Random) -> tuple[str, str]:
    first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
    user = rng.choice([f"{first.lower()}.{last.lower()}", f"{first.lower()}{rng.randint(1, 99)}"])
    password = (
        f"{rng.choice(words.COLOURS)}-{rng.choice(words.CITIES).lower()}{rng.randint(10, 99)}"
    )
    return user, password


def login(rng: random.Random) -> Task:
    """Sign in with a username and password given in one of several phrasings."""
    user, password = _credentials(rng)
    user_label = rng.choice(["Username", "User name", "Login", "User ID"])
    pass_label = rng.choice(["Password", "Passphrase"])
    submit = rng.choice(["Sign in", "Log in", "Continue"])
    remember = '<label><input type="checkbox" name="remember"> Remember me</label>'
    body = (
        f"<h1>{rng.choice(['Welcome back', 'Sign in to your account', 'Member login'])}</h1>\n"
        '<form method="post" action="/record">\n'
        f'<label for="u">{user_label}</label>'
        '<input id="u" name="username" autocomplete="username">\n'
        f'<label for="p">{pass_label}</label><input id="p" type="password" name="password">\n'
        f"{remember if rng.random() < 0.5 else ''}\n"
        f'<p><button type="submit">{submit}</button> <a href="/visit/forgot">Forgot password?</a>'
        "</p>\n</form>"
    )
    prompt = rng.choice(
        [
            "Log in as {u} with password {p}",
            "Sign in using username {u} and password {p}.",
            "Use the credentials {u} / {p} to log in.",
            'Log in with user "{u}" and password "{p}".',
            "Sign in. Username: {u}, password: {p}.",
        ]
    ).format(u=user, p=password)
    return Task(
        "login",
        page("Sign in", body, site=rng.choice(words.PROJECTS)),
        prompt,
        lambda run: has_record(run, username=user, password=password),
        Run([{"username": user, "password": password}]),
    )


_FIELDS: dict[str, Callable[[random.Random], str]] = {
    "First name": lambda rng: rng.choice(words.FIRST_NAMES),
    "Last name": lambda rng: rng.choice(words.LAST_NAMES),
    "City": lambda rng: rng.choice(words.CITIES),
    "Company": lambda rng: f"{rng.choice(words.PROJECTS)} Ltd",
    "Phone": lambda rng: f"555-{rng.randint(1000, 9999)}",
    "Email": lambda rng: f"{rng.choice(words.FIRST_NAMES).lower()}@example.com",
}

_TYPES = {"Email": "email", "Phone": "tel"}


def _name(label: str) -> str:
    return label.lower().replace(" ", "_")


def form(rng: random.Random) -> Task:
    """Fill some of a form's labelled fields (the rest stay empty) and submit it."""
    labels = pick(rng, list(_FIELDS), rng.randint(4, 6))
    asked = labels[: rng.randint(2, 3)]
    values = {label: _FIELDS[label](rng) for label in asked}
    fields = "\n".join(
        f'<label for="f{i}">{esc(label)}</label>'
        f'<input id="f{i}" name="{_name(label)}" type="{_TYPES.get(label, "text")}">'
        for i, label in enumerate(labels)
    )
    submit = rng.choice(["Submit", "Send", "Save contact"])
    body = (
        f"<h1>{rng.choice(['New contact', 'Your details', 'Registration'])}</h1>\n"
        f'<form method="post" action="/record">\n{fields}\n'
        f'<p><button type="submit">{submit}</button> '
        '<button type="reset">Clear</button></p>\n</form>'
    )
    parts = [f"{label} with {value}" for label, value in values.items()]
    alt = [f"{label.lower()} {value}" for label, value in values.items()]
    prompt = rng.choice(
        [
            "Fill in " + ", ".join(parts[:-1]) + " and " + parts[-1] + ", then submit.",
            "Enter " + ", ".join(alt[:-1]) + " and " + alt[-1] + " and submit the form.",
            "Complete the form: "
            + "; ".join(f"{k}: {v}" for k, v in values.items())
            + ". Then send it.",
        ]
    )
    wanted = {_name(label): value for label, value in values.items()}
    return Task(
        "form",
        page("Form", body),
        prompt,
        lambda run: has_record(run, **wanted),
        Run([dict(wanted)]),
    )


def copy_value(rng: random.Random) -> Task:
    """Type a value shown in a table (among other rows) into a form field."""
    keys = {
        "Order number": lambda: str(rng.randint(100000, 999999)),
        "Tracking code": lambda: f"TR{rng.randint(1000, 9999)}{rng.choice('ABCDEFGH')}",
        "Customer ID": lambda: f"C-{rng.randint(1000, 9999)}",
        "Voucher code": lambda: f"{rng.choice(words.COLOURS).upper()}{rng.randint(10, 99)}",
    }
    names = pick(rng, list(keys), 4)
    values = {name: keys[name]() for name in names}
    target = names[0]
    rng.shuffle(names)
    rows = "\n".join(f"<tr><th>{esc(n)}</th><td>{esc(values[n])}</td></tr>" for n in names)
    body = (
        f"<h1>{rng.choice(['Your order', 'Order summary'])}</h1>\n<table>\n{rows}\n</table>\n"
        "<h2>Contact support</h2>\n"
        '<form method="post" action="/record">\n'
        f'<label for="ref">{esc(target)}</label><input id="ref" name="reference">\n'
        '<label for="msg">Message</label><textarea id="msg" name="message"></textarea>\n'
        '<p><button type="submit">Send request</button></p>\n</form>'
    )
    prompt = rng.choice(
        [
            "Type the {t} shown in the table into the {t} field and send the request.",
            "Copy the {tl} from the table into the support form, then submit it.",
            "Enter the {tl} listed above into the form field and click Send request.",
        ]
    ).format(t=target, tl=target.lower())
    return Task(
        "copy_value",
        page("Order", body, site="Parcelly"),
        prompt,
        lambda run: has_record(run, reference=values[target]),
        Run([{"reference": values[target], "message": ""}]),
    )
