"""Home, the static pages, the employee table, bundled files and the state API."""

from __future__ import annotations

import time
from typing import Any

from pupi.demo.app import Routes, Site
from pupi.demo.data import EMPLOYEES
from pupi.demo.render import CONTENT_TYPES, PAGES, bundled, definition_list, esc, fragment
from pupi.demo.web import Request, Response, json_error, json_response

routes = Routes()

TITLES = {path: title for path, title, _ in PAGES}
# path -> (fragment file in site/, scripts it needs)
STATIC_PAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "/dialogs": ("dialogs", ("dialogs.js",)),
    "/tabs": ("tabs", ("tabs.js",)),
    "/popups": ("popups", ("popups.js",)),
    "/faq": ("faq", ("faq.js",)),
    "/slow": ("slow", ("slow.js",)),
    "/frames": ("frames", ("frames.js",)),
    "/benchmark-form": ("benchmark-form", ("benchmark.js",)),
}
THANKS_TEXT = {
    "register": "Your account has been created.",
    "contact": "Your message has been sent. We reply within two working days.",
}
MAX_SLOW_MS = 5000
OPENERS = {"link": "the link", "button": "the button"}
"""What may open /popups/opened, by its ``by`` argument."""


@routes.get("/")
def home(request: Request, site: Site) -> Response:
    links = "".join(
        f'<li><a href="{path}">{esc(title)}</a> <span class="muted">{esc(about)}</span></li>'
        for path, title, about in PAGES
    )
    body = f"""<h1>Pupi Demo</h1>
<p class="lead">A small, predictable web site for practising browser automation.</p>
<nav aria-label="Demo pages"><h2>Pages</h2><ul class="page-list">{links}</ul></nav>
<section aria-labelledby="newsletter-heading" class="card">
<h2 id="newsletter-heading">Newsletter</h2>
<form method="post" action="/newsletter" class="inline-form">
<label for="newsletter-email">Email address</label>
<input id="newsletter-email" name="email" type="email" autocomplete="email" required>
<button type="submit">Subscribe</button>
</form>
</section>"""
    return site.page(request, "Pupi Demo", body)


def _static_page(request: Request, site: Site) -> Response:
    name, scripts = STATIC_PAGES[request.path]
    return site.page(request, TITLES[request.path], fragment(name), scripts=scripts)


for _path in STATIC_PAGES:
    routes.get(_path)(_static_page)


@routes.get("/frames/inner")
def frame_inner(request: Request, site: Site) -> Response:
    # A bare document: it lives inside the /frames iframe, without the site chrome.
    data = bundled("frame-inner.html") or b""
    return Response(200, data)


@routes.get("/popups/opened")
def popup_opened(request: Request, site: Site) -> Response:
    # A title of its own, so that steps can tell this tab from its opener.
    opener = OPENERS.get(request.arg("by"), "another page")
    body = f"""<h1>Opened tab</h1>
<p id="opened-by">Opened by {esc(opener)} on the Popups page.</p>
<p><button type="button" id="close-tab">Close this tab</button></p>"""
    return site.page(request, "Opened tab", body, scripts=("popups.js",))


@routes.get("/table")
def table(request: Request, site: Site) -> Response:
    columns = ("Name", "Department", "Role", "Email", "Start date", "Salary")
    head = "".join(
        f'<th scope="col" aria-sort="none"><button type="button" data-column="{index}">'
        f"{name}</button></th>"
        for index, name in enumerate(columns)
    )
    rows = "".join(
        "<tr>"
        f'<th scope="row">{esc(e.name)}</th><td>{esc(e.department)}</td><td>{esc(e.role)}</td>'
        f'<td><a href="mailto:{esc(e.email)}">{esc(e.email)}</a></td>'
        f'<td><time datetime="{e.start_date}">{e.start_date}</time></td>'
        f'<td class="num" data-sort-value="{e.salary}">{e.salary_text}</td>'
        "</tr>"
        for e in EMPLOYEES
    )
    body = f"""<h1>Employees</h1>
<p>Click a column header to sort; click it again to reverse the order.</p>
<table id="employees" class="data-table">
<caption>Employees ({len(EMPLOYEES)} people)</caption>
<thead><tr>{head}</tr></thead>
<tbody>{rows}</tbody>
</table>
<p id="sort-status" role="status" class="muted"></p>"""
    return site.page(request, "Employees", body, scripts=("table.js",))


@routes.get(r"/static/(?P<name>[\w.-]+)")
def static(request: Request, site: Site) -> Response:
    name = request.params["name"]
    data = bundled(name)
    content_type = CONTENT_TYPES.get(name[name.rfind(".") :]) if "." in name else None
    if data is None or content_type is None or name.endswith(".html"):
        return site.not_found(request, "file")
    if name.endswith(".css") and not site.variant.is_base:
        data = site.variant.rewrite_css(data.decode("utf-8")).encode("utf-8")
    return Response(200, data, content_type)


@routes.get("/favicon.ico")
def favicon(request: Request, site: Site) -> Response:
    return Response(204, b"", "image/x-icon")


@routes.get(r"/thanks/(?P<index>\d+)")
def thanks(request: Request, site: Site) -> Response:
    submission = site.state.item("submissions", int(request.params["index"]))
    if submission is None:
        return site.not_found(request, "submission")
    fields: dict[str, Any] = submission["fields"]
    name = fields.get("full_name") or fields.get("name") or "friend"
    body = (
        f"<h1>Thank you, {esc(name)}</h1>"
        f'<p role="status">{esc(THANKS_TEXT.get(submission["form"], "We received your form."))}</p>'
        "<h2>What we received</h2>"
        f"{definition_list(fields)}"
        '<p><a href="/">Back to the home page</a></p>'
    )
    return site.page(request, f"Thank you, {name}", body)


# JSON API -------------------------------------------------------------------


@routes.get("/api/state")
def api_state(request: Request, site: Site) -> Response:
    return json_response(site.state.snapshot())


@routes.post("/api/reset")
def api_reset(request: Request, site: Site) -> Response:
    site.reset()
    return json_response(site.state.snapshot())


@routes.post("/api/submit")
def api_submit(request: Request, site: Site) -> Response:
    """Records a form that a page handles client-side (the benchmark form, the frame)."""
    data = request.json()
    if not isinstance(data, dict) or not isinstance(data.get("form"), str):
        return json_error("Expected {form: str, fields: {name: str | [str]}}.", 422)
    raw = data.get("fields")
    if not isinstance(raw, dict):
        return json_error("fields must be an object.", 422)
    fields: dict[str, str | list[str]] = {
        str(key): [str(item) for item in value] if isinstance(value, list) else str(value)
        for key, value in raw.items()
    }
    index = site.state.submit(data["form"], fields)
    return json_response({"index": index}, 201)


@routes.post("/api/events")
def api_events(request: Request, site: Site) -> Response:
    """Records what happened on a client-side page, such as a dialog's answer."""
    data = request.json()
    if not isinstance(data, dict) or not isinstance(data.get("event"), str):
        return json_error("Expected {page: str, event: str, value: any}.", 422)
    event = {"page": str(data.get("page", "")), "event": data["event"], "value": data.get("value")}
    site.state.record("events", event)
    return json_response(event, 201)


@routes.get("/api/slow")
def api_slow(request: Request, site: Site) -> Response:
    try:
        delay_ms = min(max(int(request.arg("ms", "800")), 0), MAX_SLOW_MS)
    except ValueError:
        return json_error("ms must be an integer.", 422)
    time.sleep(delay_ms / 1000)
    return json_response({"message": "Report ready: 42 widgets in stock", "delay_ms": delay_ms})
