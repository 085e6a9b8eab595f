"""Round six's prompts, each with a reference solution in plain steps.

Written blind on 2026-12-03, from README.md and docs/agent.md only, before any run
of the planner. ``reference`` is what a careful person would do, as declarative
steps run on the page after it opens; a step saved ``as: answer`` gives a
question's answer. ``missing`` is the word a refusal's page must not contain.
"""

from __future__ import annotations

from typing import Any

from ..checks import refused, yes_no
from ..fairness import Prompt, Step, change, click, count, read, type_
from ..round5.checks import number, only, refused_any, visited_only
from .checks import both, exactly, final, latest, money, names, quiet


def select(selector: str, value: str) -> Step:
    return {"action": "select", "selector": selector, "value": value}


def check(selector: str) -> Step:
    return {"action": "check", "selector": selector}


def uncheck(selector: str) -> Step:
    return {"action": "uncheck", "selector": selector}


def script(expression: str) -> Step:
    return {"action": "evaluate", "script": expression, "as": "answer"}


def ingredient(value: str) -> str:
    return f".checklist input[value={value}]"


def card(id: str, part: str) -> str:
    return f"[data-card={id}] {part}"


def column(key: str, part: str) -> str:
    return f"section[aria-labelledby=h-{key}] {part}"


def flight(number: str, part: str) -> str:
    return f"tr[data-flight={number}] {part}"


def ticket(id: str, part: str) -> str:
    return f'tr[data-ticket="{id}"] {part}'


def dish(id: str) -> str:
    return f"article[data-id={id}] .add"


def event(id: str, part: str) -> str:
    return f"[data-event={id}] {part}"


def search(words: str) -> tuple[Step, ...]:
    return (type_("#q", words), click("#search button[type=submit]"))


def hold(item: str, branch: str) -> tuple[Step, ...]:
    return (
        click(f"li[data-id={item}] .hold-btn"),
        select("#branch", branch),
        click("#hold-ok"),
    )


def person(name: str) -> tuple[Step, ...]:
    return (type_("#filter", name),)


def source(account: str) -> dict[str, Any]:
    """A transfer's ``from`` field, a keyword Python keeps for itself."""
    return {"from": account}


def settings(**changes: str) -> dict[str, Any]:
    """The settings page's saved record: its defaults with ``changes``."""
    saved: dict[str, Any] = {
        "action": "save",
        "email": "on",
        "push": "off",
        "digest": "on",
        "announcements": "off",
        "public_profile": "on",
        "indexing": "off",
        "usage_data": "on",
        "reduce_motion": "off",
        "high_contrast": "off",
        "two_factor": "off",
        "theme": "system",
        "text_size": "medium",
        "timeout": "1h",
    }
    saved.update(changes)
    return saved


def preferences(**changes: Any) -> dict[str, Any]:
    """The newsletter's saved form: its defaults with ``changes`` (None: left empty)."""
    saved: dict[str, Any] = {
        "topics": ["vegetables", "houseplants", "tools"],
        "frequency": "weekly",
        "format": "html",
        "pause": None,
        "partners": "yes",
    }
    saved.update(changes)
    return saved


FLIGHTS = ("kl1691", "tp671", "hv5951", "lh991", "ib3721", "u27763", "tp669", "af1241", "kl1695")
AIRLINES = ("klm", "tap", "transavia", "lufthansa", "iberia", "easyjet", "air france")
REQUESTERS = ("dana whitfield", "marco rossi", "yuki tanaka", "sven larsen", "aisha khan")
DEPARTMENTS = ("finance", "engineering", "sales", "marketing", "support", "design", "legal")
OFFICES = (
    "leeds",
    "utrecht",
    "madrid",
    "kraków",
    "berlin",
    "stockholm",
    "lisbon",
    "prague",
    "dublin",
    "milan",
)
PEOPLE = (
    "aaliyah brooks",
    "bram visser",
    "daniel kowalski",
    "elif şahin",
    "farid haddad",
    "greta lindqvist",
    "hiro sato",
    "isabel duarte",
    "keira walsh",
    "luca bianchi",
    "maya cohen",
    "nils berg",
    "olivia grant",
    "pavel ivanov",
    "rosa martins",
    "samir patel",
    "tessa de jong",
    "umar farouk",
    "vera petrova",
)


def others(pool: tuple[str, ...], *right: str) -> tuple[str, ...]:
    return tuple(p for p in pool if p not in right)


PROMPTS: list[Prompt] = [
    # A recipe: an ingredient checklist, a servings spinner, nutrition folded away.
    Prompt(
        "recipe.html",
        "Tick the spinach, the feta and the eggs, then add them to my shopping list.",
        only("recipe", action="shopping-list", servings="4", items=["spinach", "feta", "eggs"]),
        "recipe-tick-three",
        (
            check(ingredient("spinach")),
            check(ingredient("feta")),
            check(ingredient("eggs")),
            click("#add-list"),
        ),
    ),
    Prompt(
        "recipe.html",
        "I'm cooking this for 6 people. Put everything from the topping on my shopping list.",
        only(
            "recipe",
            action="shopping-list",
            servings="6",
            items=["feta", "dill", "chilli-flakes"],
        ),
        "recipe-servings-topping",
        (
            click("#more"),
            click("#more"),
            check(ingredient("feta")),
            check(ingredient("dill")),
            check(ingredient("chilli-flakes")),
            click("#add-list"),
        ),
    ),
    Prompt(
        "recipe.html",
        "how many calories are in one serving?",
        quiet(number("310")),
        "recipe-calories",
        (click("#nutrition summary"), read("#nutrition li >> nth=0")),
    ),
    Prompt(
        "recipe.html",
        "How much feta do I need if I only make it for two?",
        quiet(number("50", besides=("2",))),
        "recipe-scaled-feta",
        (click("#fewer"), click("#fewer"), read("li:has(input[value=feta]) .q")),
    ),
    Prompt(
        "recipe.html",
        "What's the total time for this recipe?",
        quiet(number("40")),
        "recipe-total-time",
        (read("dl.facts div:nth-child(3) dd"),),
    ),
    Prompt(
        "recipe.html",
        "Play the video for this recipe",
        refused("video"),
        "recipe-refuse-video",
        missing="video",
    ),
    Prompt(
        "recipe.html",
        "Set the servings to 8, tick the eggs and add them to the shopping list. "
        "How many eggs is that?",
        both(
            only("recipe", action="shopping-list", servings="8", items=["eggs"]),
            number("12", besides=("8",)),
        ),
        "recipe-eight-eggs",
        (
            click("#more"),
            click("#more"),
            click("#more"),
            click("#more"),
            check(ingredient("eggs")),
            click("#add-list"),
            read("li:has(input[value=eggs]) .q"),
        ),
    ),
    # A job application: labels wrapping, for=, aria-label and placeholder only.
    Prompt(
        "jobs.html",
        "Apply for this job as Amira Haddad (amira.haddad@example.test, phone 06 1234 5678). "
        "I want full-time and hybrid.",
        only(
            "application",
            name="Amira Haddad",
            email="amira.haddad@example.test",
            phone="06 1234 5678",
            contract="full",
            location="hybrid",
        ),
        "jobs-apply-basic",
        (
            type_("input[name=name]", "Amira Haddad"),
            type_("#em", "amira.haddad@example.test"),
            type_("input[name=phone]", "06 1234 5678"),
            check("input[name=contract][value=full]"),
            check("input[name=location][value=hybrid]"),
            click("button[type=submit]"),
        ),
    ),
    Prompt(
        "jobs.html",
        "Please fill in the application for Jonas Berg, email jonas@berg.example. He's after "
        "an internship, fully remote, could start on 1 February 2027 and has 2-4 years of "
        "experience. Tick the privacy statement box and send it off.",
        only(
            "application",
            name="Jonas Berg",
            email="jonas@berg.example",
            contract="intern",
            location="remote",
            start="2027-02-01",
            experience="2-4",
            privacy="yes",
            talent_pool=None,
        ),
        "jobs-apply-full",
        (
            type_("input[name=name]", "Jonas Berg"),
            type_("#em", "jonas@berg.example"),
            check("input[name=contract][value=intern]"),
            check("input[name=location][value=remote]"),
            change("#start", "2027-02-01"),
            select("#exp", "2-4"),
            check("input[name=privacy]"),
            click("button[type=submit]"),
        ),
    ),
    Prompt(
        "jobs.html",
        "Save a draft with just my name, Ola Nowak, and email ola@nowak.example - "
        "don't send the application yet.",
        only("draft", name="Ola Nowak", email="ola@nowak.example"),
        "jobs-save-draft",
        (
            type_("input[name=name]", "Ola Nowak"),
            type_("#em", "ola@nowak.example"),
            click("#draft"),
        ),
    ),
    Prompt(
        "jobs.html",
        "what does this role pay?",
        quiet(names(all_of=("42,000", "48,000"), none_of=("32", "3,000"))),
        "jobs-salary",
        (read("ul.meta li >> nth=2"),),
    ),
    Prompt(
        "jobs.html",
        "When is the deadline to apply?",
        quiet(
            names(
                ("15 january 2027", "january 15, 2027", "2027-01-15", "15/01/2027"),
                none_of=("sql", "dashboards"),
            )
        ),
        "jobs-deadline",
        (read(".closing"),),
    ),
    Prompt(
        "jobs.html",
        "Who is the hiring manager for this position?",
        quiet(names(("femke de wit",), none_of=("bas hoekstra",))),
        "jobs-hiring-manager",
        (script("document.body.innerText.match(/hiring manager, ([^,]+),/)[1]"),),
    ),
    Prompt(
        "jobs.html",
        "Attach my CV to the application and submit it.",
        refused("cv"),
        "jobs-refuse-cv",
        missing="cv",
    ),
    # Online banking: a transfer form, then a confirmation dialog.
    Prompt(
        "transfer.html",
        "Send €850 to my landlord from the current account, reference 'December rent'.",
        only(
            "transfer",
            action="confirm",
            to="landlord",
            amount="850.00",
            reference="December rent",
            instant="off",
            date="2026-12-03",
            **source("current"),
        ),
        "transfer-rent",
        (
            select("#to", "landlord"),
            type_("#amount", "850"),
            type_("#desc", "December rent"),
            click("#review"),
            click("#c-ok"),
        ),
    ),
    Prompt(
        "transfer.html",
        "Move 200 euros from savings into the holiday pot on 24 December 2026.",
        only(
            "transfer",
            action="confirm",
            to="holiday",
            amount="200.00",
            date="2026-12-24",
            **source("savings"),
        ),
        "transfer-own-accounts-dated",
        (
            select("#from", "savings"),
            select("#to", "holiday"),
            type_("#amount", "200"),
            change("#when", "2026-12-24"),
            click("#review"),
            click("#c-ok"),
        ),
    ),
    Prompt(
        "transfer.html",
        "Pay FitLab 35 euros as an instant transfer, and tell me what fee I was charged.",
        both(
            only("transfer", action="confirm", to="gym", amount="35.00", instant="on"),
            money("0.50", besides=("35",)),
        ),
        "transfer-instant-fee",
        (
            select("#to", "gym"),
            type_("#amount", "35"),
            check("#instant"),
            click("#review"),
            click("#c-ok"),
            read("#done"),
        ),
    ),
    Prompt(
        "transfer.html",
        "How much is in my savings account?",
        quiet(money("10250")),
        "transfer-savings-balance",
        (read('#accounts tr:has-text("Savings") td.num'),),
    ),
    Prompt(
        "transfer.html",
        "How much did I spend at Albert Heijn on 29 November?",
        quiet(money("23.40", besides=("29",))),
        "transfer-which-purchase",
        (read('#recent li:has-text("29 Nov") .out'),),
    ),
    Prompt(
        "transfer.html",
        "Start a transfer of €60 to Mum, but cancel it at the confirmation step.",
        only("transfer", action="cancel", to="mum", amount="60.00"),
        "transfer-cancel-in-dialog",
        (select("#to", "mum"), type_("#amount", "60"), click("#review"), click("#c-cancel")),
    ),
    Prompt(
        "transfer.html",
        "Set up a standing order of €50 to Mum every month.",
        refused_any("standing order", "every month", "monthly", "recurring"),
        "transfer-refuse-standing-order",
        missing="standing order",
    ),
    # A kanban board: cards moved by arrow buttons, a menu per card.
    Prompt(
        "kanban.html",
        "Move 'Fix login bug' to Review.",
        only("kanban", action="move", card="c4", to="review"),
        "kanban-move-one",
        (click(card("c4", ".mv-r")),),
    ),
    Prompt(
        "kanban.html",
        "The accessibility audit is finished - put it in Done please",
        only("kanban", action="move", card="c7", to="done"),
        "kanban-move-done",
        (click(card("c7", ".mv-r")),),
    ),
    Prompt(
        "kanban.html",
        'add a card "Update privacy policy" to the backlog',
        only("kanban", action="add", column="backlog", title="Update privacy policy"),
        "kanban-add-card",
        (
            click(column("backlog", ".add")),
            type_(column("backlog", "textarea"), "Update privacy policy"),
            click(column("backlog", ".save")),
        ),
    ),
    Prompt(
        "kanban.html",
        "Archive the Choose CMS card.",
        only("kanban", action="archive", card="c8"),
        "kanban-archive-menu",
        (click(card("c8", ".menu-btn")), click(card("c8", "[data-op=archive]"))),
    ),
    Prompt(
        "kanban.html",
        "Send 'Set up 301 redirects' straight to Review.",
        exactly(
            "kanban",
            {"action": "move", "card": "c3", "to": "progress"},
            {"action": "move", "card": "c3", "to": "review"},
        ),
        "kanban-move-two-columns",
        (click(card("c3", ".mv-r")), click(card("c3", ".mv-r"))),
    ),
    Prompt(
        "kanban.html",
        "How many cards are in progress right now?",
        quiet(number("3")),
        "kanban-count-column",
        (count(column("progress", ".card")),),
    ),
    Prompt(
        "kanban.html",
        "Who is working on the pricing page layout?",
        quiet(names(("tom okafor",), none_of=("lea brandt", "ravi menon", "ana silva"))),
        "kanban-assignee",
        (read(card("c5", ".avatar"), attribute="title"),),
    ),
    Prompt(
        "kanban.html",
        "Move Pick hero images into In progress, then tell me how many cards that column has.",
        both(only("kanban", action="move", card="c2", to="progress"), number("4")),
        "kanban-move-then-count",
        (click(card("c2", ".mv-r")), count(column("progress", ".card"))),
    ),
    # Flight results: a table with sort buttons, filters and a fare dialog.
    Prompt(
        "flights.html",
        "Which flight is the cheapest?",
        quiet(names(("hv5951", "transavia"), none_of=(*others(FLIGHTS, "hv5951"), "klm", "tap"))),
        "flights-cheapest",
        (click(".sort[data-key=price]"), read("#results tbody tr:first-child td:nth-child(2)")),
    ),
    Prompt(
        "flights.html",
        "how many direct flights are there?",
        quiet(number("6", besides=("9",))),
        "flights-count-direct",
        (check("#nonstop"), count("#results tbody tr")),
    ),
    Prompt(
        "flights.html",
        "What time does the Iberia flight land in Lisbon?",
        quiet(names(("17:10",), none_of=("11:30",))),
        "flights-arrival",
        (read(flight("IB3721", "td:nth-child(4)")),),
    ),
    Prompt(
        "flights.html",
        "Which flight takes the longest?",
        quiet(
            names(
                ("af1241", "air france"),
                none_of=(*others(FLIGHTS, "af1241"), *others(AIRLINES, "air france")),
            )
        ),
        "flights-longest",
        (click(".sort[data-key=dur]"), read("#results tbody tr:last-child td:nth-child(2)")),
    ),
    Prompt(
        "flights.html",
        "Select the cheapest nonstop TAP flight.",
        only("flight", action="select", flight="TP671"),
        "flights-select-cheapest-of-airline",
        (click(flight("TP671", ".pick")),),
    ),
    Prompt(
        "flights.html",
        "Book the evening KLM flight with the Flex fare.",
        only(
            "flight",
            ignoring={"action": "select", "flight": "KL1695"},
            action="fare",
            flight="KL1695",
            fare="flex",
        ),
        "flights-fare-dialog",
        (
            click(flight("KL1695", ".pick")),
            check("input[name=fare][value=flex]"),
            click("#fare-go"),
        ),
    ),
    Prompt(
        "flights.html",
        "Take the earliest nonstop morning flight and continue with the Standard fare.",
        only(
            "flight",
            ignoring={"action": "select", "flight": "HV5951"},
            action="fare",
            flight="HV5951",
            fare="standard",
        ),
        "flights-earliest-standard",
        (
            click(flight("HV5951", ".pick")),
            check("input[name=fare][value=standard]"),
            click("#fare-go"),
        ),
    ),
    Prompt(
        "flights.html",
        "Show me only business class fares.",
        refused("business"),
        "flights-refuse-cabin",
        missing="business",
    ),
    # A helpdesk queue: status pills, icon buttons per row, a reply panel.
    Prompt(
        "tickets.html",
        "Close ticket #1044.",
        only("tickets", action="close", ticket="1044"),
        "tickets-close-by-number",
        (click(ticket("1044", ".close")),),
    ),
    Prompt(
        "tickets.html",
        "Please escalate the laptop battery one.",
        only("tickets", action="escalate", ticket="1042"),
        "tickets-escalate-by-subject",
        (click(ticket("1042", ".escalate")),),
    ),
    Prompt(
        "tickets.html",
        "Assign Marco Rossi's VPN ticket to me.",
        only("tickets", action="assign", ticket="1039"),
        "tickets-assign-requester-and-subject",
        (click(ticket("1039", ".assign")),),
    ),
    Prompt(
        "tickets.html",
        "How many tickets are still open?",
        quiet(number("4")),
        "tickets-count-open",
        (count("#queue .status.open"),),
    ),
    Prompt(
        "tickets.html",
        "What priority does the VPN ticket have?",
        quiet(names(("medium",), none_of=("high", "low", "urgent"))),
        "tickets-priority",
        (read(ticket("1039", ".pill")),),
    ),
    Prompt(
        "tickets.html",
        "Who reported the projector problem?",
        quiet(names(("aisha khan",), none_of=others(REQUESTERS, "aisha khan"))),
        "tickets-requester",
        (read(ticket("1044", ".req")),),
    ),
    Prompt(
        "tickets.html",
        "Open ticket 1040, reply with 'Approved, it will be on your desk on Monday' "
        "and then close it.",
        exactly(
            "tickets",
            {
                "action": "reply",
                "ticket": "1040",
                "text": "Approved, it will be on your desk on Monday",
            },
            {"action": "close", "ticket": "1040"},
        ),
        "tickets-reply-then-close",
        (
            click(ticket("1040", ".subj")),
            type_("#reply", "Approved, it will be on your desk on Monday"),
            click("#send-reply"),
            click("#d-close"),
        ),
    ),
    Prompt(
        "tickets.html",
        "Merge ticket 1043 into 1039.",
        refused("merge"),
        "tickets-refuse-merge",
        missing="merge",
    ),
    # Account settings: switches inside collapsed groups, saved with one button.
    Prompt(
        "settings.html",
        "Turn off email notifications, switch on push notifications and save.",
        only("settings", **settings(email="off", push="on")),
        "settings-two-switches",
        (click("[data-key=email]"), click("[data-key=push]"), click("#save")),
    ),
    Prompt(
        "settings.html",
        "I don't want to share usage data any more, and make sure search engines can't "
        "index my profile. Save it.",
        only("settings", **settings(usage_data="off", indexing="off")),
        "settings-privacy-already-off",
        (click("#b-priv"), click("[data-key=usage_data]"), click("#save")),
    ),
    Prompt(
        "settings.html",
        "set the theme to dark and the text size to large, then save",
        only("settings", **settings(theme="dark", text_size="large")),
        "settings-theme-and-size",
        (
            click("#b-look"),
            check("input[name=theme][value=dark]"),
            select("#font", "large"),
            click("#save"),
        ),
    ),
    Prompt(
        "settings.html",
        "Log me out on all my other devices.",
        only("settings", action="logout-others"),
        "settings-logout-others",
        (click("#b-sec"), click("#logout-others")),
    ),
    Prompt(
        "settings.html",
        "Do I have two-factor authentication turned on?",
        quiet(yes_no(False)),
        "settings-ask-two-factor",
        (
            click("#b-sec"),
            script(
                "document.querySelector('[data-key=two_factor]').getAttribute('aria-checked')"
                " === 'true' ? 'yes' : 'no'"
            ),
        ),
    ),
    Prompt(
        "settings.html",
        "After how long am I signed out automatically?",
        quiet(names(("1 hour", "one hour", "60 minutes"), none_of=("15 minutes", "8 hours"))),
        "settings-ask-timeout",
        (click("#b-sec"), read("#timeout")),
    ),
    Prompt(
        "settings.html",
        "Turn on reduce motion and save. Is high contrast on as well?",
        both(only("settings", **settings(reduce_motion="on")), yes_no(False)),
        "settings-save-then-ask",
        (
            click("#b-look"),
            click("[data-key=reduce_motion]"),
            click("#save"),
            script(
                "document.querySelector('[data-key=high_contrast]').getAttribute('aria-checked')"
                " === 'true' ? 'yes' : 'no'"
            ),
        ),
    ),
    # A restaurant menu with a cart beside it.
    Prompt(
        "menu.html",
        "Order two Diavola pizzas and a tiramisù for pickup.",
        final(
            "menu",
            "order",
            allowed=("cart",),
            items=["diavola x2", "tiramisu x1"],
            mode="pickup",
        ),
        "menu-order-pickup",
        (
            click(dish("diavola")),
            click(dish("diavola")),
            click(dish("tiramisu")),
            check("input[name=mode][value=pickup]"),
            click("#place"),
        ),
    ),
    Prompt(
        "menu.html",
        "I'd like a carbonara and a glass of the house red, delivered. Add the note "
        "'ring the bell twice' and place the order.",
        final(
            "menu",
            "order",
            allowed=("cart",),
            items=["carbonara x1", "house-red x1"],
            mode="delivery",
            notes="ring the bell twice",
        ),
        "menu-order-with-note",
        (
            click(dish("carbonara")),
            click(dish("house-red")),
            type_("#notes", "ring the bell twice"),
            click("#place"),
        ),
    ),
    Prompt(
        "menu.html",
        "What's the cheapest dessert?",
        quiet(names(("affogato",), none_of=("tiramisù", "tiramisu", "panna cotta"))),
        "menu-cheapest-in-section",
        (read("article[data-id=affogato] h3"),),
    ),
    Prompt(
        "menu.html",
        "How many vegan dishes do they have?",
        quiet(number("2")),
        "menu-count-vegan",
        (count(".dish abbr[title=vegan]"),),
    ),
    Prompt(
        "menu.html",
        "Is the panna cotta gluten-free?",
        quiet(yes_no(True)),
        "menu-ask-tag",
        (script("!!document.querySelector('[data-id=panna-cotta] abbr[title=gluten-free]')"),),
    ),
    Prompt(
        "menu.html",
        "Add a Margherita and a sparkling water to my order, and tell me the subtotal.",
        both(
            latest(
                "menu",
                forbid=("order",),
                action="cart",
                items=["margherita x1", "sparkling-water x1"],
            ),
            money("13.00"),
        ),
        "menu-add-then-subtotal",
        (click(dish("margherita")), click(dish("sparkling-water")), read("#subtotal")),
    ),
    # A community centre's events, one month per tab.
    Prompt(
        "events.html",
        "RSVP for the Repair Café for 2 people.",
        only("events", action="rsvp", event="e1", guests="2"),
        "events-rsvp",
        (
            click(event("e1", ".rsvp")),
            select(event("e1", "select"), "2"),
            click(event("e1", "button[type=submit]")),
        ),
    ),
    Prompt(
        "events.html",
        "Add the tax return help session to my calendar.",
        visited_only("/calendar/tax-return-help.ics", "/calendar/"),
        "events-calendar-link-other-tab",
        (click("#t-jan"), click(event("e6", ".ics"))),
    ),
    Prompt(
        "events.html",
        "Where's the choir concert being held?",
        quiet(names(("main hall",), none_of=("courtyard", "studio 2", "café", "library room"))),
        "events-where",
        (read(event("e4", ".where")),),
    ),
    Prompt(
        "events.html",
        "Are there still places in the beginner's pottery class? How many?",
        quiet(number("3")),
        "events-places-left",
        (read(event("e3", ".spots")),),
    ),
    Prompt(
        "events.html",
        "what's on on 24 January?",
        quiet(names(("board game",), none_of=("swim", "tax return", "seed swap"))),
        "events-by-date-other-tab",
        (click("#t-jan"), read(event("e7", "h3"))),
    ),
    Prompt(
        "events.html",
        "How much does the pottery class for improvers cost?",
        quiet(money("20")),
        "events-price-third-tab",
        (click("#t-feb"), read(event("e9", ".price"))),
    ),
    Prompt(
        "events.html",
        "Get me two tickets for the fireworks show.",
        refused("fireworks"),
        "events-refuse-fireworks",
        missing="fireworks",
    ),
    Prompt(
        "events.html",
        "Sign three of us up for the board game afternoon, and tell me what it costs per person.",
        both(only("events", action="rsvp", event="e7", guests="3"), money("4", besides=("3",))),
        "events-rsvp-then-price",
        (
            click("#t-jan"),
            click(event("e7", ".rsvp")),
            select(event("e7", "select"), "3"),
            click(event("e7", "button[type=submit]")),
            read(event("e7", ".price")),
        ),
    ),
    # A people directory: a data grid of 22 rows, 8 to a page.
    Prompt(
        "people.html",
        "Which department is Rosa Martins in?",
        quiet(names(("sales",), none_of=others(DEPARTMENTS, "sales"))),
        "people-department-page-3",
        (click("#pager button >> nth=3"), read('tr:has-text("Rosa Martins") .dept')),
    ),
    Prompt(
        "people.html",
        "How many people are in the directory?",
        quiet(number("22")),
        "people-total",
        (script("document.querySelector('#summary').textContent.match(/of (\\d+)/)[1]"),),
    ),
    Prompt(
        "people.html",
        "Deactivate Jakub Novak's account.",
        only("people", action="deactivate", id="10"),
        "people-deactivate-page-2",
        (*person("Jakub"), click('tr:has-text("Jakub Novak") .deact')),
    ),
    Prompt(
        "people.html",
        "Open Olivia Grant's edit page.",
        visited_only("/people/15/edit", "/people/"),
        "people-edit-link",
        (*person("Olivia"), click('a[aria-label="Edit Olivia Grant"]')),
    ),
    Prompt(
        "people.html",
        "Who is on leave at the moment?",
        quiet(
            names(
                all_of=("carmen ortiz", "jakub novak", "quinn murphy"),
                none_of=PEOPLE,
            )
        ),
        "people-list-on-leave",
        (
            select("#per", "25"),
            script(
                "[...document.querySelectorAll('#grid tbody tr')]"
                ".filter(r => r.querySelector('.st').textContent === 'On leave')"
                ".map(r => r.querySelector('.name').textContent)"
            ),
        ),
    ),
    Prompt(
        "people.html",
        "When did Hiro Sato start?",
        quiet(
            names(
                ("8 jan 2024", "8 january 2024", "january 8, 2024", "2024-01-08"),
                none_of=("4 mar 2019", "13 sep 2021", "22 jan 2018", "2 may 2022", "7 aug 2017"),
            )
        ),
        "people-start-date",
        (*person("Hiro"), read('tr:has-text("Hiro Sato") .start')),
    ),
    Prompt(
        "people.html",
        "Deactivate Quinn Murphy and tell me which office they were based in.",
        both(
            only("people", action="deactivate", id="17"),
            names(("dublin",), none_of=others(OFFICES, "dublin")),
        ),
        "people-deactivate-then-office",
        (
            *person("Quinn"),
            click('tr:has-text("Quinn Murphy") .deact'),
            read('tr:has-text("Quinn Murphy") .office'),
        ),
    ),
    # Newsletter preferences: checkbox cards, radios, a two-step unsubscribe.
    Prompt(
        "newsletter.html",
        "Switch me to the monthly edition and untick the partner offers, then save.",
        only("preferences", **preferences(frequency="monthly", partners=None)),
        "newsletter-frequency-partners",
        (
            check("input[name=frequency][value=monthly]"),
            uncheck("input[name=partners]"),
            click("#prefs button[type=submit]"),
        ),
    ),
    Prompt(
        "newsletter.html",
        "I only want to hear about houseplants and wildlife from now on. Save that.",
        only("preferences", **preferences(topics=["houseplants", "wildlife"])),
        "newsletter-only-topics",
        (
            uncheck("input[value=vegetables]"),
            uncheck("input[value=tools]"),
            check("input[value=wildlife]"),
            click("#prefs button[type=submit]"),
        ),
    ),
    Prompt(
        "newsletter.html",
        "Unsubscribe me from all emails.",
        only("unsubscribe", confirm="yes"),
        "newsletter-unsubscribe-confirm",
        (click("#unsub"), click("#bye button[type=submit]")),
    ),
    Prompt(
        "newsletter.html",
        "Pause the newsletter for a month, please, and save.",
        only("preferences", **preferences(pause="1-month")),
        "newsletter-pause",
        (select("#pause", "1-month"), click("#prefs button[type=submit]")),
    ),
    Prompt(
        "newsletter.html",
        "How often am I getting the newsletter right now?",
        quiet(names(("weekly", "every sunday", "once a week"), none_of=("daily", "monthly"))),
        "newsletter-ask-frequency",
        (script("document.querySelector('[name=frequency]:checked').parentElement.textContent"),),
    ),
    Prompt(
        "newsletter.html",
        "Change the newsletter language to German.",
        refused_any("language", "german"),
        "newsletter-refuse-language",
        missing="language",
    ),
    # A library catalogue: nothing listed until a search, holds picked up at a branch.
    Prompt(
        "library.html",
        "Who wrote The Overstory?",
        quiet(
            names(
                ("richard powers",),
                none_of=("kimmerer", "melville", "carson", "le guin", "hemingway"),
            )
        ),
        "library-author",
        (*search("The Overstory"), read("li[data-id=b12] .by")),
    ),
    Prompt(
        "library.html",
        "Can I borrow Silent Spring right now?",
        quiet(yes_no(False)),
        "library-available",
        (
            *search("Silent Spring"),
            script("document.querySelector('li[data-id=b5] .avail .ok') ? 'yes' : 'no'"),
        ),
    ),
    Prompt(
        "library.html",
        "Place a hold on the audiobook of A Wizard of Earthsea, pick-up at Noord.",
        only("library", action="hold", item="b3", branch="noord"),
        "library-hold",
        (*search("A Wizard of Earthsea"), *hold("b3", "noord")),
    ),
    Prompt(
        "library.html",
        "Reserve the printed copy of Braiding Sweetgrass for collection at the Central library.",
        only("library", action="hold", item="b10", branch="central"),
        "library-hold-format",
        (*search("Braiding Sweetgrass"), *hold("b10", "central")),
    ),
    Prompt(
        "library.html",
        "What's the call number for The Sea Around Us?",
        quiet(names(("574.92 car",), none_of=("574.5",))),
        "library-call-number",
        (*search("The Sea Around Us"), read("li[data-id=b4] .call")),
    ),
    Prompt(
        "library.html",
        "How many titles by Ursula K. Le Guin does the library have?",
        quiet(number("3")),
        "library-count-author",
        (*search("Le Guin"), count("#hits .hit")),
    ),
    Prompt(
        "library.html",
        "Find Moby-Dick, put the book (not the audiobook) on hold at Oost, and tell me "
        "how many copies are available.",
        both(
            only("library", action="hold", item="b8", branch="oost"),
            number("2", besides=("4",)),
        ),
        "library-hold-then-copies",
        (*search("Moby-Dick"), *hold("b8", "oost"), read("li[data-id=b8] .avail")),
    ),
    # A hotel survey: a star widget, a 0 to 10 scale, a slider.
    Prompt(
        "survey.html",
        "Give my stay 4 stars and a 9 for recommending, then submit.",
        only("survey", stars="4", recommend="9"),
        "survey-stars-and-scale",
        (click('[aria-label="4 stars"]'), click("label[for=r9]"), click(".submit")),
    ),
    Prompt(
        "survey.html",
        "Rate the room cleanliness 80 out of 100, say I used the pool and the spa, "
        "and send the survey.",
        only("survey", clean="80", facilities=["pool", "spa"]),
        "survey-slider-checkboxes",
        (
            change("#clean", "80"),
            check("input[value=pool]"),
            check("input[value=spa]"),
            click(".submit"),
        ),
    ),
    Prompt(
        "survey.html",
        "Survey answers: 2 stars, recommendation score 3, I was visiting family, and the "
        "comment 'The air conditioning was noisy'. Submit it.",
        only(
            "survey",
            stars="2",
            recommend="3",
            purpose="family",
            comments="The air conditioning was noisy",
        ),
        "survey-everything",
        (
            click('[aria-label="2 stars"]'),
            click("label[for=r3]"),
            select("#purpose", "family"),
            type_("textarea[name=comments]", "The air conditioning was noisy"),
            click(".submit"),
        ),
    ),
    Prompt(
        "survey.html",
        "Which room did I stay in?",
        quiet(number("412")),
        "survey-ask-room",
        (script("document.body.innerText.match(/room (\\d+)/)[1]"),),
    ),
    Prompt(
        "survey.html",
        "Enter my booking reference ABX-2231 in the survey and submit it.",
        refused_any("reference", "abx-2231"),
        "survey-refuse-reference",
        missing="reference",
    ),
    # A shopping bag: quantity fields, a promo code, saved for later.
    Prompt(
        "cart.html",
        "What's my cart total?",
        quiet(money("194")),
        "cart-total",
        (read("#total"),),
    ),
    Prompt(
        "cart.html",
        "Take the leather gloves out and check out.",
        final("cart", "checkout", lines=["p1 x1", "p2 x2", "p3 x1"], coupon=None),
        "cart-remove-checkout",
        (click('[aria-label="Remove Leather gloves"]'), click("#checkout")),
    ),
    Prompt(
        "cart.html",
        "Change the tote bags to just one, apply WINTER10 and proceed to checkout.",
        final(
            "cart",
            "checkout",
            allowed=("coupon",),
            lines=["p1 x1", "p2 x1", "p3 x1", "p4 x1"],
            coupon="WINTER10",
        ),
        "cart-quantity-coupon-checkout",
        (
            type_('[aria-label="Quantity, Canvas tote bag"]', "1"),
            type_("#promo", "WINTER10"),
            click("#apply"),
            click("#checkout"),
        ),
    ),
    Prompt(
        "cart.html",
        "Save the wool socks for later.",
        only("cart", action="save-for-later", id="p3"),
        "cart-save-for-later",
        (click("tr[data-id=p3] .later"),),
    ),
    Prompt(
        "cart.html",
        "What colour are the gloves?",
        quiet(names(("black",), none_of=("navy", "grey", "natural"))),
        "cart-variant",
        (read("tr[data-id=p4] .variant"),),
    ),
    Prompt(
        "cart.html",
        "Apply the promo code WINTER10 and tell me how much I save.",
        both(only("cart", action="coupon", code="WINTER10"), money("19.40", besides=("10",))),
        "cart-coupon-then-saving",
        (type_("#promo", "WINTER10"), click("#apply"), read("#discount")),
    ),
    Prompt(
        "cart.html",
        "Pay with PayPal.",
        refused("paypal"),
        "cart-refuse-paypal",
        missing="paypal",
    ),
]
