"""Round five's prompts, each with a reference solution in plain steps.

Written blind on 2026-12-02, from README.md and docs/agent.md only, before any run
of the planner. ``reference`` is what a careful person would do, as declarative
steps run on the page after it opens; a step saved ``as: answer`` gives a
question's answer. ``missing`` is the word a refusal's page must not contain.
"""

from __future__ import annotations

from typing import Any

from ..checks import Check, equals, refused, says, submitted
from ..fairness import Prompt, Step, change, click, count, read, type_
from .checks import number, one_of, only, refused_any, visited_only


def row(mail: str, part: str) -> str:
    return f".row[data-id={mail}] {part}"


def post(id: str, part: str) -> str:
    return f"article[data-post={id}] {part}"


HOME = {
    "brightness": "60",
    "volume": "4",
    "temperature": "21",
    "fan": "2",
    "night": "off",
    "motion": "on",
}


def home(**changed: str) -> Check:
    """The living room's saved state: the defaults with ``changed``."""
    return submitted("home", **{**HOME, **changed})


def tree(*names: str) -> tuple[Step, ...]:
    """Clicks on each tree item's label, folders first."""
    return tuple(
        click(f"[role=treeitem][data-{'file' if '.' in n else 'folder'}='{n}'] > span:first-child")
        for n in names
    )


def menu(*names: str) -> tuple[Step, ...]:
    return tuple(click(f"[role=menuitem]:text-is('{n}')") for n in names)


def origin(code: str | None) -> dict[str, Any]:
    """The trip form's ``from`` field (a Python keyword, so not an argument name)."""
    return {"from": code}


PANEL: dict[str, Any] = {"copy": "off", "keep": "off", "priority": "normal", "languages": None}

PROMPTS = [
    # A webmail inbox: per-row star, archive and trash icons; a reader pane that forwards.
    Prompt(
        "mail.html",
        "Delete the email from Tobias Kern.",
        only("mail", action="trash", id="m2"),
        "mail-delete-by-sender",
        (click(row("m2", ".trash")),),
    ),
    Prompt(
        "mail.html",
        "Click the trash icon of the email from Marek Zielinski",
        only("mail", action="trash", id="m5"),
        "mail-trash-icon",
        (click(row("m5", ".trash")),),
    ),
    Prompt(
        "mail.html",
        "star the message about the flight itinerary",
        only("mail", action="star", id="m3"),
        "mail-star-by-subject",
        (click(row("m3", ".star")),),
    ),
    Prompt(
        "mail.html",
        "Archive Ines Duarte's email about the offsite venue",
        only("mail", action="archive", id="m4"),
        "mail-archive-two-senders",
        (click(row("m4", ".archive")),),
    ),
    Prompt(
        "mail.html",
        "Open the email from Sun Li and forward it to kai@example.test",
        only("forward", id="m6", to="kai@example.test"),
        "mail-forward",
        (
            click(row("m6", ".subject")),
            click("#forward"),
            type_("#fwd-to", "kai@example.test"),
            click("#fwd button[type=submit]"),
        ),
    ),
    Prompt(
        "mail.html",
        "How many unread emails are there?",
        number("2"),
        "mail-count-unread",
        (count(".row.unread"),),
    ),
    Prompt(
        "mail.html",
        "What is the subject of the latest email from Ines Duarte?",
        equals("Quarterly budget draft"),
        "mail-latest-subject",
        (read(row("m1", ".subject")),),
    ),
    Prompt(
        "mail.html",
        "Archive the email from Olga Petrova",
        refused("olga"),
        "mail-refuse-sender",
        missing="olga",
    ),
    # A social feed: posts by @users with Reply, Repost, Like and Follow each.
    Prompt(
        "feed.html",
        "Like the post by @junpark",
        only("feed", action="like", post="p3"),
        "feed-like-by-handle",
        (click(post("p3", ".like")),),
    ),
    Prompt(
        "feed.html",
        "Hit Repost on @adaok's post",
        only("feed", action="repost", post="p5"),
        "feed-repost-possessive",
        (click(post("p5", ".repost")),),
    ),
    Prompt(
        "feed.html",
        'Reply to @omarh with "Try the King Arthur guide"',
        only("feed", action="reply", post="p2", text="Try the King Arthur guide"),
        "feed-reply",
        (
            click(post("p2", ".reply")),
            type_(post("p2", "textarea"), "Try the King Arthur guide"),
            click(post("p2", ".send-reply")),
        ),
    ),
    Prompt(
        "feed.html",
        "Whose post has the most likes?",
        one_of(says("junpark"), equals("Jun Park")),
        "feed-most-likes",
        (read(post("p3", ".handle")),),
    ),
    Prompt(
        "feed.html",
        "How many posts has @rivka written?",
        number("2"),
        "feed-count-by-user",
        (count("article[data-user=rivka]"),),
    ),
    Prompt(
        "feed.html",
        "follow Ada Okoye",
        only("feed", action="follow", user="adaok"),
        "feed-follow-by-name",
        (click(post("p5", ".follow")),),
    ),
    Prompt(
        "feed.html",
        "Like the second post from Rivka Levin",
        only("feed", action="like", post="p4"),
        "feed-like-ordinal-by-author",
        (click(post("p4", ".like")),),
    ),
    Prompt(
        "feed.html",
        "How many comments does @junpark's post have?",
        refused("comment"),
        "feed-refuse-question",
        missing="comment",
    ),
    Prompt(
        "feed.html",
        "Send a direct message to @marta saying hi",
        refused("marta"),
        "feed-refuse-user",
        missing="marta",
    ),
    # A booking form: a read-only date field with a calendar, native time and date inputs.
    Prompt(
        "booking.html",
        "Book a Beard trim on 12/14/2026 at 10:30 for Sam Ortiz, phone 555-0142",
        only(
            "booking",
            service="beard",
            date="2026-12-14",
            time="10:30",
            name="Sam Ortiz",
            phone="555-0142",
            alt=None,
        ),
        "booking-full",
        (
            {"action": "select", "selector": "#service", "label": "Beard trim"},
            click("#date-display"),
            click("#days button[aria-label='December 14, 2026']"),
            change("#time", "10:30"),
            type_("#name", "Sam Ortiz"),
            type_("#phone", "555-0142"),
            click("#booking button[type=submit]"),
        ),
    ),
    Prompt(
        "booking.html",
        "Enter 01/09/2027 as the date and 15:45 as the time, then click Book appointment",
        only(
            "booking",
            service="haircut",
            date="2027-01-09",
            time="15:45",
            name=None,
            phone=None,
            alt=None,
        ),
        "booking-calendar-next-month",
        (
            click("#date-display"),
            click("#next"),
            click("#days button[aria-label='January 9, 2027']"),
            change("#time", "15:45"),
            click("#booking button[type=submit]"),
        ),
    ),
    Prompt(
        "booking.html",
        "Set the alternative date to March 3, 2027 and press Book appointment",
        only("booking", alt="2027-03-03", date=None, time=None),
        "booking-native-date",
        (change("#alt", "2027-03-03"), click("#booking button[type=submit]")),
    ),
    Prompt(
        "booking.html",
        "Pick 9:15 AM as the time and book",
        only("booking", time="09:15", date=None, alt=None),
        "booking-time-am",
        (change("#time", "09:15"), click("#booking button[type=submit]")),
    ),
    Prompt(
        "booking.html",
        "What time does the salon close on Saturday?",
        equals("16:00"),
        "booking-hours",
        (read("tbody tr:nth-child(2) td:nth-child(3)"),),
    ),
    Prompt(
        "booking.html",
        "Choose the Manicure service and book",
        refused("manicure"),
        "booking-refuse-service",
        missing="manicure",
    ),
    # A smart-home panel that saves itself: two sliders, a custom spinner, a number, a switch.
    Prompt(
        "home.html",
        "Set the brightness to 35 with the slider",
        home(brightness="35"),
        "home-slider",
        (change("#brightness", "35"),),
    ),
    Prompt(
        "home.html",
        "turn the speaker volume down to 2",
        home(volume="2"),
        "home-slider-small",
        (change("#volume", "2"),),
    ),
    Prompt(
        "home.html",
        "Set the temperature to 24 °C using the spinner",
        home(temperature="24"),
        "home-custom-spinner",
        (click("#temp-up"), click("#temp-up"), click("#temp-up")),
    ),
    Prompt("home.html", "Set fan speed to 4", home(fan="4"), "home-number", (type_("#fan", "4"),)),
    Prompt("home.html", "Turn on night mode", home(night="on"), "home-switch", (click("#night"),)),
    Prompt(
        "home.html",
        "Switch the motion sensor off",
        home(motion="off"),
        "home-checkbox-off",
        ({"action": "uncheck", "selector": "#motion"},),
    ),
    Prompt(
        "home.html",
        "What is the temperature set to?",
        number("21"),
        "home-ask-spinner",
        (read("#temp"),),
    ),
    Prompt(
        "home.html",
        "Set the humidity to 40%",
        refused("humidity"),
        "home-refuse-setting",
        missing="humidity",
    ),
    # A tabbed product page: specs, reviews and downloads in hidden panels; colour radios.
    Prompt(
        "product.html",
        "Switch between the tabs to find the Quick start guide and click it",
        visited_only("/downloads/quick-start.html", "/downloads/"),
        "product-tabs-find-link",
        (click("#tab-downloads"), click("text=Quick start guide")),
    ),
    Prompt(
        "product.html",
        "Open the user manual",
        visited_only("/downloads/manual.pdf", "/downloads/"),
        "product-hidden-link",
        (click("#tab-downloads"), click("text=User manual (PDF)")),
    ),
    Prompt(
        "product.html",
        "What is the battery life?",
        says("14 hours"),
        "product-spec-hidden-tab",
        (click("#tab-specs"), read("#panel-specs tr:nth-child(2) td")),
    ),
    Prompt(
        "product.html",
        "How many reviews gave 5 stars?",
        number("2", besides=("5",)),
        "product-count-reviews",
        (
            {
                "action": "evaluate",
                "as": "answer",
                "script": "[...document.querySelectorAll('.stars')]"
                ".filter(s => s.textContent === '5 stars').length",
            },
        ),
    ),
    Prompt(
        "product.html",
        "Choose the Slate colour, set quantity to 3 and add to cart",
        only("cart", color="slate", qty="3"),
        "product-radio-quantity",
        (
            {"action": "check", "selector": "input[value=slate]"},
            type_("#qty", "3"),
            click("#cart button[type=submit]"),
        ),
    ),
    Prompt(
        "product.html",
        "How heavy is the laptop?",
        says("1.2 kg"),
        "product-weight",
        (click("#tab-specs"), read("#panel-specs tr:nth-child(1) td")),
    ),
    Prompt(
        "product.html",
        "Click the 'Compare with similar items' link",
        refused("compare"),
        "product-refuse-link",
        missing="compare",
    ),
    # A file browser: a tree of collapsed folders, a details pane with Download.
    Prompt(
        "files.html",
        "Find invoice-0419.pdf in the folder tree and select it",
        only("files", action="select", file="invoice-0419.pdf"),
        "files-tree-deep",
        tree("Documents", "Invoices", "2025", "invoice-0419.pdf"),
    ),
    Prompt(
        "files.html",
        "Click on harbor.jpg",
        only("files", action="select", file="harbor.jpg"),
        "files-tree-click",
        tree("Photos", "Trip 2024", "harbor.jpg"),
    ),
    Prompt(
        "files.html",
        "What is the size of lease.pdf?",
        equals("84 KB"),
        "files-size",
        (*tree("Documents", "Contracts"), read("[data-file='lease.pdf'] .size")),
    ),
    Prompt(
        "files.html",
        "How many files are in the 2025 folder?",
        number("2", besides=("2025",)),
        "files-count-folder",
        (count("[data-folder='2025'] [data-file]"),),
    ),
    Prompt(
        "files.html",
        "Download summer.mp3",
        only("files", ignoring={"action": "select"}, action="download", file="summer.mp3"),
        "files-download",
        (*tree("Music", "Mixes", "summer.mp3"), click("#download")),
    ),
    Prompt(
        "files.html",
        "Delete the folder named Backups",
        refused("backups"),
        "files-refuse-folder",
        missing="backups",
    ),
    # A three-step signup wizard that checks each step before the next.
    Prompt(
        "signup.html",
        'Fill in the email ola@example.test, enter the password "x2Z-pp9" into both password '
        "fields and click Next",
        only("account", email="ola@example.test", password="x2Z-pp9"),
        "signup-both-fields",
        (
            type_("#email", "ola@example.test"),
            type_("#pw", "x2Z-pp9"),
            type_("#pw2", "x2Z-pp9"),
            click("section[data-step='1'] .next"),
        ),
    ),
    Prompt(
        "signup.html",
        "Sign up as li@example.test with the password pw-Li-2026 (twice), first name Li, last "
        "name Wei, country Singapore, the Team plan; accept the terms and create the account",
        submitted(
            "signup",
            email="li@example.test",
            password="pw-Li-2026",
            confirm="pw-Li-2026",
            first="Li",
            last="Wei",
            country="sg",
            plan="team",
            terms="on",
        ),
        "signup-wizard",
        (
            type_("#email", "li@example.test"),
            type_("#pw", "pw-Li-2026"),
            type_("#pw2", "pw-Li-2026"),
            click("section[data-step='1'] .next"),
            type_("#first", "Li"),
            type_("#last", "Wei"),
            {"action": "select", "selector": "#country", "label": "Singapore"},
            click("section[data-step='2'] .next"),
            {"action": "check", "selector": "input[value=team]"},
            {"action": "check", "selector": "#terms"},
            click("button[type=submit]"),
        ),
    ),
    # Search results: a client-side search, five results a page, numbered pages.
    Prompt(
        "search.html",
        "Search for soup and click the 3rd result",
        visited_only("/recipe/pumpkin-soup-sage", "/recipe/"),
        "search-nth-result",
        (type_("#q", "soup"), click("#search button"), click(".result:nth-child(3) a")),
    ),
    Prompt(
        "search.html",
        'search "bread", then open the 7th result',
        visited_only("/recipe/brioche-bread", "/recipe/"),
        "search-nth-result-page-2",
        (
            type_("#q", "bread"),
            click("#search button"),
            click("#pager >> text=2"),
            click(".result:nth-child(2) a"),
        ),
    ),
    Prompt(
        "search.html",
        "Search for cake. How many results are there?",
        number("4"),
        "search-count",
        (type_("#q", "cake"), click("#search button"), count(".result")),
    ),
    Prompt(
        "search.html",
        "Go to page 3 and click the last result",
        visited_only("/recipe/sourdough-bread", "/recipe/"),
        "search-page-last",
        (click("#pager >> text=3"), click(".result:last-child a")),
    ),
    Prompt(
        "search.html",
        "What is the title of the second result on page 2?",
        equals("Chicken tortilla soup"),
        "search-ask-page-2",
        (click("#pager >> text=2"), read(".result:nth-child(2) a")),
    ),
    Prompt(
        "search.html",
        "Sort the results by rating",
        refused_any("sort", "rating"),
        "search-refuse-sort",
        missing="rating",
    ),
    # A customer record table and one answer field: values referenced by the record.
    Prompt(
        "customer.html",
        "Enter the value of Country into the text field and press Submit.",
        only("verify", answer="Portugal"),
        "customer-value-of",
        (type_("#answer", "Portugal"), click("button[type=submit]")),
    ),
    Prompt(
        "customer.html",
        "Copy the customer ID into the answer box and submit",
        only("verify", answer="CX-40917"),
        "customer-copy-id",
        (type_("#answer", "CX-40917"), click("button[type=submit]")),
    ),
    Prompt(
        "customer.html",
        "What is the customer's postcode?",
        equals("1200-195"),
        "customer-ask",
        (read("tr:nth-child(4) td"),),
    ),
    Prompt(
        "customer.html",
        "What is the customer's phone number?",
        refused("phone"),
        "customer-refuse-question",
        missing="phone",
    ),
    Prompt(
        "customer.html",
        "Type the account manager's name in the text field, then click Submit",
        only("verify", answer="Hana Ito"),
        "customer-possessive",
        (type_("#answer", "Hana Ito"), click("button[type=submit]")),
    ),
    # A typing check: the text to type is shown below the instruction.
    Prompt(
        "transcribe.html",
        "Type the text below into the text field and press Submit",
        only("typing", copy="Meridian lantern 48 crosses the quiet bay"),
        "transcribe-text-below",
        (type_("#copy", "Meridian lantern 48 crosses the quiet bay"), click("button[type=submit]")),
    ),
    Prompt(
        "transcribe.html",
        "copy the sample sentence into the input and submit it",
        only("typing", copy="Meridian lantern 48 crosses the quiet bay"),
        "transcribe-copy-sample",
        (type_("#copy", "Meridian lantern 48 crosses the quiet bay"), click("button[type=submit]")),
    ),
    # A note form: a textarea that already holds text, a title and tags.
    Prompt(
        "notes.html",
        "Copy the text from the textarea into the Title field and save the note",
        only("note", title="Order 55-A ships Tuesday", body="Order 55-A ships Tuesday", tags=None),
        "notes-copy-textarea",
        (type_("#title", "Order 55-A ships Tuesday"), click("button[type=submit]")),
    ),
    Prompt(
        "notes.html",
        'Give the note the title "Shipping" and the tags "orders, weekly", then save it',
        only("note", title="Shipping", tags="orders, weekly", body="Order 55-A ships Tuesday"),
        "notes-two-quoted",
        (
            type_("#title", "Shipping"),
            type_("#tags", "orders, weekly"),
            click("button[type=submit]"),
        ),
    ),
    # A quiz: an arithmetic problem, a word of a sentence, a yes/no radio.
    Prompt(
        "quiz.html",
        "Solve the math problem, enter your answer in Answer 1 and submit",
        only("quiz", a1="43", a2=None, a3=None),
        "quiz-arithmetic",
        (type_("#a1", "43"), click("button[type=submit]")),
    ),
    Prompt(
        "quiz.html",
        "Type the 5th word in the paragraph into Answer 2, then submit the answers",
        only("quiz", a1=None, a2="past", a3=None),
        "quiz-nth-word",
        (type_("#a2", "past"), click("button[type=submit]")),
    ),
    Prompt(
        "quiz.html",
        "Answer yes to question 3 and submit",
        only("quiz", a1=None, a2=None, a3="yes"),
        "quiz-radio",
        (
            {"action": "check", "selector": "input[name=a3][value=yes]"},
            click("button[type=submit]"),
        ),
    ),
    Prompt(
        "quiz.html",
        "How many points is the second question worth?",
        number("3"),
        "quiz-ask-points",
        (read(".q:nth-child(2) small"),),
    ),
    # A login page: two fields, a remember-me box, spans styled as links.
    Prompt(
        "login.html",
        'Enter the username "delphine" and the password "Rz4p" into the text fields '
        "and press Log in.",
        only("login", username="delphine", password="Rz4p", remember=None),
        "login-quoted-pair",
        (type_("#user", "delphine"), type_("#pass", "Rz4p"), click("button[type=submit]")),
    ),
    Prompt(
        "login.html",
        "Log in as marco with password bluefin9 and tick remember me",
        only("login", username="marco", password="bluefin9", remember="on"),
        "login-remember",
        (
            type_("#user", "marco"),
            type_("#pass", "bluefin9"),
            {"action": "check", "selector": "#remember"},
            click("button[type=submit]"),
        ),
    ),
    Prompt(
        "login.html",
        'Click on the link "Forgot password?".',
        only("help", action="forgot"),
        "login-span-link",
        (click("#forgot"),),
    ),
    Prompt(
        "login.html",
        "Type mia.k as the username and h0rse as the password, then hit enter",
        only("login", username="mia.k", password="h0rse", remember=None),
        "login-as-the-enter",
        (type_("#user", "mia.k"), type_("#pass", "h0rse"), {"action": "press", "key": "Enter"}),
    ),
    Prompt(
        "login.html",
        "Log in with Google",
        refused("google"),
        "login-refuse-provider",
        missing="google",
    ),
    # A trip search: two autocomplete city fields whose code is set only by a suggestion.
    Prompt(
        "trips.html",
        "Set the destination to Ljubljana and search",
        only("trips", to="LJU", travellers="1", **origin(None)),
        "trips-autocomplete",
        (type_("#to", "Lju"), click("#to-list [role=option]"), click("button[type=submit]")),
    ),
    Prompt(
        "trips.html",
        "From Osaka to Lima for 2 travellers, then search trips",
        only("trips", to="LIM", travellers="2", **origin("KIX")),
        "trips-two-cities",
        (
            type_("#from", "Osa"),
            click("#from-list [role=option]"),
            type_("#to", "Lima"),
            click("#to-list [role=option]:text-is('Lima (LIM)')"),
            type_("#travellers", "2"),
            click("button[type=submit]"),
        ),
    ),
    Prompt(
        "trips.html",
        'Type "Lis" into the To field, pick the second suggestion and search',
        only("trips", to="LSX", **origin(None)),
        "trips-nth-suggestion",
        (
            type_("#to", "Lis"),
            click("#to-list [role=option]:nth-child(2)"),
            click("button[type=submit]"),
        ),
    ),
    # A document editor's menu bar with nested submenus.
    Prompt(
        "editor.html",
        "Export the document as PDF",
        only("menu", command="export:pdf"),
        "editor-nested-menu",
        menu("File", "Export as", "PDF document"),
    ),
    Prompt(
        "editor.html",
        "Open the recent file budget.xlsx from the File menu",
        only("menu", command="open:budget.xlsx"),
        "editor-recent-file",
        menu("File", "Open recent", "budget.xlsx"),
    ),
    Prompt(
        "editor.html",
        "Set the zoom to 150% using the View menu",
        only("menu", command="zoom:150"),
        "editor-zoom",
        menu("View", "Zoom", "150%"),
    ),
    Prompt(
        "editor.html",
        "Choose Edit > Find and replace",
        only("menu", command="find-replace"),
        "editor-path",
        menu("Edit", "Find and replace"),
    ),
    Prompt(
        "editor.html",
        "Click Insert > Table",
        refused("insert"),
        "editor-refuse-menu",
        missing="insert",
    ),
    # An employee handbook: collapsed sections (buttons and a details element).
    Prompt(
        "handbook.html",
        "How many days of annual leave do employees get?",
        number("25"),
        "handbook-ask-hidden",
        (click("text=Leave policy"), read("#leave p")),
    ),
    Prompt(
        "handbook.html",
        "Open the Expenses section and click Submit an expense claim",
        only("handbook", ignoring={"action": "expand"}, action="expense-claim"),
        "handbook-expand-click",
        (click("text=Expenses"), click("#claim")),
    ),
    Prompt(
        "handbook.html",
        "Expand the Remote work section",
        only("handbook", action="expand", section="remote"),
        "handbook-expand",
        (click("text=Remote work"),),
    ),
    Prompt(
        "handbook.html",
        "What is the daily meal allowance when travelling?",
        number("45"),
        "handbook-ask-allowance",
        (click("text=Expenses"), read("#expenses p")),
    ),
    Prompt(
        "handbook.html",
        "Open the Equipment section and click Open an IT ticket",
        only("handbook", ignoring={"action": "expand"}, action="it-ticket"),
        "handbook-details",
        (click("summary"), click("#it-ticket")),
    ),
    # Message options: native and custom checkboxes, a multi-select list box, a modal.
    Prompt(
        "panel.html",
        "Click button SEND.",
        only("panel", action="send", **PANEL),
        "panel-button-caps",
        (click("#send"),),
    ),
    Prompt(
        "panel.html",
        "Tick the Keep me signed in checkbox and press SEND",
        only("panel", action="send", **{**PANEL, "keep": "on"}),
        "panel-custom-checkbox",
        (click("#keep"), click("#send")),
    ),
    Prompt(
        "panel.html",
        'Click on the link "terms of use".',
        only("panel", action="terms"),
        "panel-span-link",
        (click("#terms"),),
    ),
    Prompt(
        "panel.html",
        "Select French and German in the Languages list, then click SEND",
        only("panel", action="send", **{**PANEL, "languages": ["fr", "de"]}),
        "panel-listbox-multi",
        (click("[data-v=fr]"), click("[data-v=de]"), click("#send")),
    ),
    Prompt(
        "panel.html",
        "Press Delete account, then confirm in the dialog",
        only("panel", action="delete-confirmed"),
        "panel-modal-confirm",
        (click("#delete-open"), click("#dlg-delete")),
    ),
    Prompt(
        "panel.html",
        "Open the Delete account dialog and hit Cancel",
        only("panel", action="delete-cancelled"),
        "panel-modal-cancel",
        (click("#delete-open"), click("#dlg-cancel")),
    ),
    Prompt(
        "panel.html",
        "Set priority to High, check Email me a copy and send",
        only("panel", action="send", **{**PANEL, "priority": "high", "copy": "on"}),
        "panel-mixed",
        (
            {"action": "select", "selector": "#priority", "label": "High"},
            {"action": "check", "selector": "#copy"},
            click("#send"),
        ),
    ),
]
