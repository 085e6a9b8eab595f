"""The register, contact and newsletter forms: posted for real, then a result page."""

from __future__ import annotations

from pupi.demo.app import Routes, Site
from pupi.demo.data import COUNTRIES
from pupi.demo.fields import (
    Values,
    checkbox_field,
    choice_group,
    collect,
    input_field,
    select_field,
    textarea_field,
)
from pupi.demo.render import error_summary, esc
from pupi.demo.variants import Variant
from pupi.demo.web import Request, Response, first, redirect

routes = Routes()

PLANS = {"free": "Free", "pro": "Pro", "team": "Team"}
INTERESTS = {"news": "News", "updates": "Updates", "offers": "Offers"}
TOPICS = {"": "Choose a topic", "general": "General question", "order": "Order support",
          "feedback": "Feedback"}  # fmt: skip
REGISTER_FIELDS = (
    "full_name", "email", "phone", "country", "plan", "interests",
    "birth_date", "contact_time", "team_size", "bio", "terms",
)  # fmt: skip
CONTACT_FIELDS = ("name", "email", "topic", "message")


def _required(values: Values, labels: dict[str, str]) -> dict[str, str]:
    return {name: f"{label} is required." for name, label in labels.items() if not values.get(name)}


def _register_form(values: Values, errors: dict[str, str]) -> str:
    countries = {"": "Choose a country"} | {c: c for c in COUNTRIES}
    return f"""<h1>Register</h1>
<p>Fields marked * are required.</p>
{error_summary(errors)}
<form method="post" action="/register" novalidate class="stacked card" aria-label="Register">
{input_field("full_name", "Full name *", values, errors, required=True)}
{input_field("email", "Email *", values, errors, type="email", required=True)}
{input_field("phone", "Phone", values, errors, type="tel", attrs='placeholder="+44 20 7946 0000"')}
{select_field("country", "Country *", countries, values, errors, required=True)}
{choice_group("plan", "Plan *", PLANS, values, errors, required=True)}
{choice_group("interests", "Interests", INTERESTS, values, errors, multiple=True)}
{input_field("birth_date", "Date of birth", values, errors, type="date")}
{input_field("contact_time", "Best time to call", values, errors, type="time")}
{input_field("team_size", "Team size", values, errors, type="number", attrs='min="1" max="500"')}
{textarea_field("bio", "About you", values, errors)}
{checkbox_field("terms", "I agree to the terms and conditions *", values, errors, required=True)}
<button type="submit">Create account</button>
</form>"""


@routes.get("/register")
def register_form(request: Request, site: Site) -> Response:
    return site.page(request, "Register", _register_form({}, {}))


@routes.post("/register")
def register(request: Request, site: Site) -> Response:
    values = collect(request.form(), REGISTER_FIELDS, lists=("interests",))
    errors = _required(
        values, {"full_name": "Full name", "email": "Email", "country": "Country", "plan": "Plan"}
    )
    email = values["email"]
    if "email" not in errors and isinstance(email, str) and "@" not in email:
        errors["email"] = "Enter a valid email address."
    size = values["team_size"]
    if size and not (isinstance(size, str) and size.isdigit() and 1 <= int(size) <= 500):
        errors["team_size"] = "Team size must be a number from 1 to 500."
    if not values["terms"]:
        errors["terms"] = "You must agree to the terms and conditions."
    if errors:
        return site.page(request, "Register", _register_form(values, errors))
    index = site.state.submit("register", values)
    return redirect(f"/thanks/{index}")


def _contact_form(values: Values, errors: dict[str, str], variant: Variant) -> str:
    fields = "\n".join(
        variant.wrap(field, "field")
        for field in variant.arrange(
            [
                input_field(
                    "name", "Your name", values, errors, required=True, attrs='autocomplete="name"'
                ),
                input_field("email", "Email", values, errors, type="email", required=True),
                select_field("topic", "Topic", TOPICS, values, errors),
                textarea_field("message", "Message", values, errors, required=True),
            ]
        )
    )
    return f"""<h1>Contact us</h1>
{error_summary(errors)}
<form method="post" action="/contact" novalidate class="stacked card" aria-label="Contact us">
{fields}
<button type="submit">Send message</button>
</form>"""


@routes.get("/contact")
def contact_form(request: Request, site: Site) -> Response:
    return site.page(request, "Contact us", _contact_form({}, {}, site.variant))


@routes.post("/contact")
def contact(request: Request, site: Site) -> Response:
    values = collect(request.form(), CONTACT_FIELDS)
    errors = _required(values, {"name": "Your name", "email": "Email", "message": "Message"})
    if errors:
        return site.page(request, "Contact us", _contact_form(values, errors, site.variant))
    index = site.state.submit("contact", values)
    return redirect(f"/thanks/{index}")


@routes.post("/newsletter")
def newsletter(request: Request, site: Site) -> Response:
    email = first(request.form(), "email")
    if "@" not in email:
        body = (
            "<h1>Newsletter</h1>"
            '<div class="alert error" role="alert">Enter a valid email address.</div>'
            '<p><a href="/">Back to the home page</a></p>'
        )
        return site.page(request, "Newsletter", body)
    site.state.record("newsletter", email)
    site.state.submit("newsletter", {"email": email})
    return redirect("/newsletter/subscribed")


@routes.get("/newsletter/subscribed")
def newsletter_subscribed(request: Request, site: Site) -> Response:
    emails = site.state.snapshot()["newsletter"]
    latest = f" as {esc(emails[-1])}" if emails else ""
    body = (
        "<h1>You are subscribed</h1>"
        f'<p role="status">Thanks for subscribing{latest}.</p>'
        '<p><a href="/">Back to the home page</a></p>'
    )
    return site.page(request, "You are subscribed", body)
