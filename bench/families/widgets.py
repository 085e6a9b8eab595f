"""Families on single widgets: buttons, links, checkboxes, radios, selects, sliders,
dialogs, collapsible sections and tabs."""

from __future__ import annotations

import random

from . import words
from .base import TOOLBAR_SCRIPT, Run, Task, esc, has_record, js, only_records, page, pick, slug


def button(rng: random.Random) -> Task:
    """Click the button with a given caption, among buttons that share its words."""
    pairs = pick(rng, words.ACTIONS, 4)
    target, sibling = pairs[0] if rng.random() < 0.5 else pairs[0][::-1]
    captions = [target, sibling] + [rng.choice(p) for p in pairs[1:]]
    rng.shuffle(captions)
    toolbar = "\n".join(f'<button type="button">{esc(c)}</button>' for c in captions)
    body = (
        f'<h1>{esc(rng.choice(words.PROJECTS))} workspace</h1>\n<div role="toolbar">{toolbar}</div>'
    )
    body += '\n<p id="msg" role="status"></p>'
    prompt = rng.choice(
        [
            'Click the "{t}" button.',
            "Press the {t} button",
            'Hit "{t}" on the toolbar.',
            "Please click {t}.",
        ]
    ).format(t=target)
    return Task(
        "button",
        page("Workspace", body, TOOLBAR_SCRIPT, site="Deskly"),
        prompt,
        lambda run: only_records(run, clicked=target),
        Run([{"clicked": target}]),
    )


def link(rng: random.Random) -> Task:
    """Follow the navigation link with a given text; the footer repeats some of them."""
    names = pick(rng, words.PAGES, 6)
    target = names[0]
    rng.shuffle(names)
    nav = " ".join(f'<a href="/visit/{slug(n)}">{esc(n)}</a>' for n in names)
    others = [n for n in names if n != target]
    footer = " | ".join(f'<a href="/visit/footer-{slug(n)}">{esc(n)}</a>' for n in others[:3])
    body = (
        f"<nav>{nav}</nav>\n<h1>Welcome to {esc(rng.choice(words.PROJECTS))}</h1>\n"
        "<p>Everything you need to know about our product.</p>\n"
        f"<footer>{footer}</footer>"
    )
    prompt = rng.choice(
        [
            "Go to the {t} page.",
            'Click the "{t}" link',
            "Open {t} from the navigation.",
            "Follow the link to {t}.",
        ]
    ).format(t=target)
    return Task(
        "link",
        page("Home", body),
        prompt,
        lambda run: has_record(run, visited=slug(target)),
        Run([{"visited": slug(target)}]),
    )


def checkbox(rng: random.Random) -> Task:
    """Tick one setting on a settings form and save; the other boxes must stay as they were."""
    names = pick(rng, words.SETTINGS, rng.randint(4, 6))
    target = names[0]
    initial = {n: (n != target and rng.random() < 0.5) for n in names}
    rng.shuffle(names)
    boxes = "\n".join(
        f'<div><input type="checkbox" id="s-{slug(n)}" name="{slug(n)}"'
        f'{" checked" if initial[n] else ""}> <label for="s-{slug(n)}" style="display:inline">'
        f"{esc(n)}</label></div>"
        for n in names
    )
    save = rng.choice(["Save", "Save settings", "Apply"])
    body = (
        f'<h1>Preferences</h1>\n<form method="post" action="/record">\n{boxes}\n'
        f'<button type="submit">{save}</button>\n</form>'
    )
    prompt = rng.choice(
        [
            "Tick {t} and save.",
            'Turn on "{t}", then save the settings.',
            "Enable {t} in the preferences and save them.",
            "Check the {t} box and submit the form.",
        ]
    ).format(t=target)
    wanted = {slug(n): "on" for n in names if initial[n] or n == target}

    def check(run: Run) -> bool:
        return any(
            {k: v for k, v in record.items() if v == "on"} == wanted for record in run.records
        )

    return Task("checkbox", page("Preferences", body), prompt, check, Run([dict(wanted)]))


def radio(rng: random.Random) -> Task:
    """Choose one option of a radio group, next to another group, and submit."""
    groups = [
        ("Delivery", ["Standard", "Express", "Next day", "Pick up in store"]),
        ("Payment", ["Card", "Bank transfer", "Invoice", "Gift card"]),
        ("Frequency", ["Daily", "Weekly", "Monthly", "Never"]),
        ("Size", ["Small", "Medium", "Large", "Extra large"]),
    ]
    (group, options), (other, other_options) = rng.sample(groups, 2)
    options = rng.sample(options, rng.randint(3, 4))
    target = rng.choice(options[1:])  # the first is checked already

    def fieldset(name: str, choices: list[str]) -> str:
        inputs = "\n".join(
            f'<label style="display:block"><input type="radio" name="{slug(name)}" '
            f'value="{esc(c)}"{" checked" if i == 0 else ""}> {esc(c)}</label>'
            for i, c in enumerate(choices)
        )
        return f"<fieldset><legend>{esc(name)}</legend>\n{inputs}\n</fieldset>"

    sets = [fieldset(group, options), fieldset(other, other_options)]
    rng.shuffle(sets)
    body = (
        '<h1>Your order</h1>\n<form method="post" action="/record">\n'
        + "\n".join(sets)
        + '\n<button type="submit">Continue</button>\n</form>'
    )
    prompt = rng.choice(
        [
            "Choose {t} for {g} and continue.",
            'Select "{t}" as the {gl} option, then submit.',
            "Pick {t} under {g} and click Continue.",
        ]
    ).format(t=target, g=group, gl=group.lower())
    return Task(
        "radio",
        page("Order", body, site="Cartwheel"),
        prompt,
        lambda run: has_record(run, **{slug(group): target, slug(other): other_options[0]}),
        Run([{slug(group): target, slug(other): other_options[0]}]),
    )


def select(rng: random.Random) -> Task:
    """Pick an option of a native select, next to a second select, and save."""
    countries = pick(rng, words.COUNTRIES, 7)
    target = countries[rng.randint(1, 6)]
    cities = pick(rng, words.CITIES, 5)
    shipping = "".join(f"<option>{esc(c)}</option>" for c in countries)
    languages = "".join(
        f"<option>{esc(c)}</option>" for c in ["English", "French", "Spanish", "German"]
    )
    fields = [
        f'<label for="country">{rng.choice(["Country", "Country of residence"])}</label>'
        f'<select id="country" name="country">{shipping}</select>',
        f'<label for="lang">Language</label><select id="lang" name="language">{languages}</select>',
        f'<label for="city">City</label><input id="city" name="city" value="{esc(cities[0])}">',
    ]
    rng.shuffle(fields)
    body = (
        '<h1>Account details</h1>\n<form method="post" action="/record">\n'
        + "\n".join(fields)
        + '\n<p><button type="submit">Save changes</button></p>\n</form>'
    )
    prompt = rng.choice(
        [
            "Set the country to {t} and save.",
            "Change the country to {t}, then save the changes.",
            'Select "{t}" in the country dropdown and click Save changes.',
        ]
    ).format(t=target)
    return Task(
        "select",
        page("Account", body),
        prompt,
        lambda run: has_record(run, country=target, language="English"),
        Run([{"country": target, "language": "English", "city": cities[0]}]),
    )


def slider(rng: random.Random) -> Task:
    """Move a range input to a value and apply, next to another slider."""
    (name, low, high, step), (other, *_) = rng.sample(
        [
            ("Volume", 0, 100, 5),
            ("Brightness", 0, 100, 10),
            ("Temperature", 16, 30, 1),
            ("Contrast", 0, 10, 1),
            ("Zoom", 50, 200, 25),
        ],
        2,
    )
    start = rng.randrange(low, high + 1, step)
    target = rng.choice([v for v in range(low, high + 1, step) if v != start])
    other_value = rng.randint(0, 10)
    sliders = [
        f'<label for="main">{name}</label><input type="range" id="main" name="{slug(name)}" '
        f'min="{low}" max="{high}" step="{step}" value="{start}"> <output id="main-out">{start}'
        "</output>",
        f'<label for="other">{other}</label><input type="range" id="other" name="{slug(other)}" '
        f'min="0" max="10" value="{other_value}">',
    ]
    rng.shuffle(sliders)
    body = (
        f"<h1>{rng.choice(['Device settings', 'Controls', 'Display'])}</h1>\n"
        '<form method="post" action="/record">\n'
        + "\n".join(sliders)
        + '\n<p><button type="submit">Apply</button></p>\n</form>'
    )
    script = """
const r=document.getElementById('main');
r.addEventListener('input',()=>{document.getElementById('main-out').textContent=r.value;});
"""
    prompt = rng.choice(
        [
            "Set the {n} slider to {v} and apply.",
            "Move {nl} to {v}, then click Apply.",
            "Change the {nl} to {v} and apply it.",
        ]
    ).format(n=name, nl=name.lower(), v=target)
    wanted = {slug(name): str(target), slug(other): str(other_value)}
    return Task(
        "slider",
        page("Settings", body, script),
        prompt,
        lambda run: has_record(run, **wanted),
        Run([dict(wanted)]),
    )


def modal(rng: random.Random) -> Task:
    """Open a confirmation dialog from one row, then confirm or cancel it."""
    projects = pick(rng, words.PROJECTS, 4)
    target = projects[0]
    rng.shuffle(projects)
    confirm = rng.random() < 0.6
    verb = rng.choice(["Delete", "Remove"])
    rows = "\n".join(
        f'<tr><td>{esc(p)}</td><td><button type="button" data-p="{esc(p)}">{verb}</button>'
        "</td></tr>"
        for p in projects
    )
    yes, no = rng.choice([("Confirm", "Cancel"), (f"Yes, {verb.lower()}", "Keep it")])
    body = (
        f"<h1>Projects</h1>\n<table><tr><th>Name</th><th></th></tr>\n{rows}\n</table>\n"
        '<dialog id="ask"><p id="q"></p>'
        f'<button type="button" id="yes">{esc(yes)}</button> '
        f'<button type="button" id="no">{esc(no)}</button></dialog>'
    )
    script = f"""
let current=null;const d=document.getElementById('ask');
document.querySelectorAll('td button').forEach(b=>b.addEventListener('click',()=>{{
 current=b.dataset.p;document.getElementById('q').textContent={js(verb)}+' project '+current+'?';
 d.showModal();}}));
document.getElementById('yes').addEventListener('click',()=>{{
 record({{action:'delete',project:current}});d.close();
 document.querySelector('td button[data-p="'+current+'"]').closest('tr').remove();}});
document.getElementById('no').addEventListener('click',()=>{{
 record({{action:'cancel',project:current}});d.close();}});
"""
    if confirm:
        prompt = rng.choice(
            [
                "{v} the project {t} and confirm.",
                "{v} {t}. Confirm when asked.",
                "Get rid of the {t} project (confirm the dialog).",
            ]
        ).format(v=verb, t=target)
        solution = {"action": "delete", "project": target}
    else:
        prompt = rng.choice(
            [
                "Click {v} next to {t}, then cancel the dialog.",
                "Start to {vl} the project {t} but press {n} in the dialog.",
            ]
        ).format(v=verb, vl=verb.lower(), t=target, n=no)
        solution = {"action": "cancel", "project": target}

    def check(run: Run) -> bool:
        if confirm:
            return only_records(run, **solution)
        # Cancelling means the dialog was opened for this project and nothing was deleted.
        return has_record(run, **solution) and not has_record(run, action="delete")

    return Task("modal", page("Projects", body, script), prompt, check, Run([solution]))


def accordion(rng: random.Random) -> Task:
    """Expand one collapsible section and press a button that every section has."""
    topics = pick(rng, words.TOPICS, 4)
    target = topics[0]
    rng.shuffle(topics)
    action = rng.choice(["Download guide", "Contact an expert", "Read more"])
    sections = "\n".join(
        f'<section><h2><button type="button" aria-expanded="false" aria-controls="p-{slug(t)}">'
        f'{esc(t)}</button></h2>\n<div id="p-{slug(t)}" hidden><p>Answers about '
        f'{esc(t.lower())}.</p><button type="button" class="act" data-topic="{esc(t)}">'
        f"{action}</button></div></section>"
        for t in topics
    )
    body = f"<h1>Help centre</h1>\n{sections}"
    script = """
document.querySelectorAll('h2 button').forEach(b=>b.addEventListener('click',()=>{
 const p=document.getElementById(b.getAttribute('aria-controls'));
 const open=b.getAttribute('aria-expanded')==='true';
 b.setAttribute('aria-expanded',String(!open));p.hidden=open;}));
document.querySelectorAll('.act').forEach(b=>b.addEventListener('click',
 ()=>record({topic:b.dataset.topic,action:b.textContent})));
"""
    prompt = rng.choice(
        [
            'Open the {t} section and click "{a}".',
            "Expand {t}, then press {a}.",
            "In the {t} section of the help centre, click {a}.",
        ]
    ).format(t=target, a=action)
    return Task(
        "accordion",
        page("Help", body, script, site="Helpdesk"),
        prompt,
        lambda run: only_records(run, topic=target, action=action),
        Run([{"topic": target, "action": action}]),
    )


def tabs(rng: random.Random) -> Task:
    """Switch to a tab and follow a link that only its panel has."""
    cities = pick(rng, words.CITIES, 3)
    tab = cities[0]
    rng.shuffle(cities)
    kinds = ["Hotels", "Restaurants", "Museums", "Parks"]
    links: dict[str, list[str]] = {c: rng.sample(kinds, 3) for c in cities}
    target = rng.choice(links[tab])
    buttons = "".join(
        f'<button role="tab" id="t-{slug(c)}" aria-controls="panel-{slug(c)}" '
        f'aria-selected="{"true" if i == 0 else "false"}">{esc(c)}</button>'
        for i, c in enumerate(cities)
    )
    panels = "\n".join(
        f'<div role="tabpanel" id="panel-{slug(c)}" aria-labelledby="t-{slug(c)}"'
        f"{'' if i == 0 else ' hidden'}><h2>{esc(c)}</h2><ul>"
        + "".join(
            f'<li><a href="/visit/{slug(c)}-{slug(k)}">{k} in {esc(c)}</a></li>' for k in links[c]
        )
        + "</ul></div>"
        for i, c in enumerate(cities)
    )
    body = f'<h1>City guides</h1>\n<div role="tablist">{buttons}</div>\n{panels}'
    script = """
document.querySelectorAll('[role=tab]').forEach(t=>t.addEventListener('click',()=>{
 document.querySelectorAll('[role=tab]').forEach(o=>{o.setAttribute('aria-selected','false');
  document.getElementById(o.getAttribute('aria-controls')).hidden=true;});
 t.setAttribute('aria-selected','true');
 document.getElementById(t.getAttribute('aria-controls')).hidden=false;}));
"""
    prompt = rng.choice(
        [
            "Switch to the {c} tab and open {k} in {c}.",
            'Go to the "{c}" tab, then click the {kl} link.',
            "Open the guide to {kl} in {c}.",
        ]
    ).format(c=tab, k=target, kl=target.lower())
    wanted = f"{slug(tab)}-{slug(target)}"
    return Task(
        "tabs",
        page("Guides", body, script, site="Wayfarer"),
        prompt,
        lambda run: has_record(run, visited=wanted),
        Run([{"visited": wanted}]),
    )
