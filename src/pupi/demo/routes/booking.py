"""Room booking (date, time and text-date inputs) and file upload."""

from __future__ import annotations

from datetime import date, datetime

from pupi.demo.app import Routes, Site
from pupi.demo.data import format_price
from pupi.demo.fields import Values, collect, input_field, select_field
from pupi.demo.render import definition_list, error_summary, esc
from pupi.demo.web import Request, Response, first, redirect

routes = Routes()

# value -> (label, nightly rate in cents)
ROOMS: dict[str, tuple[str, int]] = {
    "standard": ("Standard room", 9000),
    "deluxe": ("Deluxe room", 14000),
    "suite": ("Suite", 22000),
}
BOOKING_FIELDS = ("name", "check_in", "arrival_time", "check_out", "guests", "room")
MAX_GUESTS = 8


def _booking_form(values: Values, errors: dict[str, str]) -> str:
    rooms = {key: f"{label}, {format_price(rate)} a night" for key, (label, rate) in ROOMS.items()}
    return f"""<h1>Book a room</h1>
{error_summary(errors)}
<form method="post" action="/booking" novalidate class="stacked card" aria-label="Book a room">
{input_field("name", "Guest name", values, errors, required=True)}
{input_field("check_in", "Check-in date", values, errors, type="date", required=True)}
{input_field("arrival_time", "Arrival time", values, errors, type="time")}
{
        input_field(
            "check_out",
            "Check-out date (DD/MM/YYYY)",
            values,
            errors,
            required=True,
            attrs='placeholder="DD/MM/YYYY" inputmode="numeric"',
        )
    }
{
        input_field(
            "guests", "Guests", values, errors, type="number", attrs=f'min="1" max="{MAX_GUESTS}"'
        )
    }
{select_field("room", "Room", rooms, values, errors)}
<button type="submit">Book now</button>
</form>"""


def _validate(values: Values) -> tuple[dict[str, str], int]:
    """Errors by field, and the number of nights when the dates are valid."""
    errors: dict[str, str] = {}
    if not values["name"]:
        errors["name"] = "Guest name is required."
    check_in: date | None = None
    check_out: date | None = None
    try:
        check_in = date.fromisoformat(str(values["check_in"]))
    except ValueError:
        errors["check_in"] = "Check-in date is required."
    try:
        check_out = datetime.strptime(str(values["check_out"]), "%d/%m/%Y").date()
    except ValueError:
        errors["check_out"] = "Enter the check-out date as DD/MM/YYYY."
    guests = str(values["guests"] or "1")
    if not (guests.isdigit() and 1 <= int(guests) <= MAX_GUESTS):
        errors["guests"] = f"Guests must be a number from 1 to {MAX_GUESTS}."
    if values["room"] not in ROOMS:
        errors["room"] = "Choose a room."
    nights = (check_out - check_in).days if check_in and check_out else 0
    if check_in and check_out and nights <= 0:
        errors["check_out"] = "Check-out must be after check-in."
    return errors, nights


@routes.get("/booking")
def booking_form(request: Request, site: Site) -> Response:
    return site.page(request, "Book a room", _booking_form({"guests": "2"}, {}))


@routes.post("/booking")
def book(request: Request, site: Site) -> Response:
    values = collect(request.form(), BOOKING_FIELDS)
    values["guests"] = values["guests"] or "1"
    errors, nights = _validate(values)
    if errors:
        return site.page(request, "Book a room", _booking_form(values, errors))
    site.state.submit("booking", values)
    total = ROOMS[str(values["room"])][1] * nights
    reference = site.state.add_booking(
        {**values, "nights": str(nights), "total": format_price(total)}
    )
    return redirect(f"/booking/confirmation/{reference}")


@routes.get(r"/booking/confirmation/(?P<reference>BK-\d+)")
def booking_confirmation(request: Request, site: Site) -> Response:
    reference = request.params["reference"]
    found = [b for b in site.state.snapshot()["bookings"] if b["reference"] == reference]
    if not found:
        return site.not_found(request, "booking")
    booking = found[0]
    summary = {
        "Guest": booking["name"],
        "Room": ROOMS[booking["room"]][0],
        "Check-in": f"{booking['check_in']} {booking['arrival_time']}".strip(),
        "Check-out": booking["check_out"],
        "Nights": booking["nights"],
        "Guests": booking["guests"],
        "Total": booking["total"],
    }
    body = (
        "<h1>Booking confirmed</h1>"
        f'<p role="status">Thank you, {esc(booking["name"])}. Your booking reference is '
        f'<strong id="booking-reference">{esc(reference)}</strong>.</p>'
        f"{definition_list(summary)}"
        '<p><a href="/booking">Make another booking</a></p>'
    )
    return site.page(request, "Booking confirmed", body)


def _upload_form(error: str = "") -> str:
    alert = f'<div class="alert error" role="alert">{esc(error)}</div>' if error else ""
    return f"""<h1>Upload a file</h1>
{alert}
<form method="post" action="/upload" enctype="multipart/form-data" class="stacked card"
 aria-label="Upload a file">
<label for="file">Choose a file</label>
<input id="file" name="file" type="file">
<label for="description">Description</label>
<input id="description" name="description" type="text">
<button type="submit">Upload</button>
</form>"""


@routes.get("/upload")
def upload_form(request: Request, site: Site) -> Response:
    return site.page(request, "Upload a file", _upload_form())


@routes.post("/upload")
def upload(request: Request, site: Site) -> Response:
    fields, files = request.multipart()
    uploaded = files.get("file")
    if uploaded is None:
        return site.page(request, "Upload a file", _upload_form("Choose a file to upload."))
    record = {
        "filename": uploaded.filename,
        "size": len(uploaded.data),
        "content_type": uploaded.content_type,
        "description": first(fields, "description"),
    }
    preview = ""
    if uploaded.content_type.startswith("text/") or uploaded.filename.endswith((".txt", ".csv")):
        preview = uploaded.data[:500].decode("utf-8", "replace")
    index = site.state.record("uploads", {**record, "preview": preview})
    return redirect(f"/upload/result/{index}")


@routes.get(r"/upload/result/(?P<index>\d+)")
def upload_result(request: Request, site: Site) -> Response:
    record = site.state.item("uploads", int(request.params["index"]))
    if record is None:
        return site.not_found(request, "upload")
    preview = (
        f'<h2>Preview</h2><pre id="upload-preview">{esc(record["preview"])}</pre>'
        if record["preview"]
        else ""
    )
    body = (
        "<h1>Upload complete</h1>"
        f'<p role="status">Received <strong id="upload-name">{esc(record["filename"])}</strong> '
        f'(<span id="upload-size">{record["size"]:,}</span> bytes).</p>'
        + definition_list(
            {
                "File name": record["filename"],
                "Size": f"{record['size']:,} bytes",
                "Type": record["content_type"],
                "Description": record["description"] or "-",
            }
        )
        + preview
        + '<p><a href="/upload">Upload another file</a></p>'
    )
    return site.page(request, "Upload complete", body)
