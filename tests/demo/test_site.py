"""The demo site over plain HTTP: pages, forms, JSON endpoints and state."""

from __future__ import annotations

import csv
import http.client
import io
import re
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from pupi.demo import DemoServer
from pupi.demo.data import EMPLOYEES, PRODUCTS
from pupi.demo.render import PAGES


def h1(response: httpx.Response) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", response.text, re.S)
    assert found, f"no <h1> in {response.url}"
    return found.group(1)


HEADINGS = {
    "/": "Pupi Demo",
    "/cart": "Your cart",
    "/faq": "FAQ",
    **{path: title for path, title, _ in PAGES if path not in ("/cart", "/faq")},
}


@pytest.mark.parametrize(("path", "heading"), HEADINGS.items(), ids=list(HEADINGS))
def test_every_page_answers_200_with_its_heading(
    client: httpx.Client, path: str, heading: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert h1(response) == heading


def test_home_links_to_every_page(client: httpx.Client) -> None:
    text = client.get("/").text
    missing = [path for path, _, _ in PAGES if f'href="{path}"' not in text]
    assert missing == []


@pytest.mark.parametrize("path", ["/nope", "/shop/product/99", "/articles/0", "/thanks/5"])
def test_unknown_paths_answer_404_with_a_page(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert h1(response) == "Page not found"


def test_unknown_api_path_answers_json_404_and_wrong_method_405(client: httpx.Client) -> None:
    assert client.get("/api/nope").json()["error"]["message"] == "No such page."
    response = client.delete("/login")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"


def test_static_files_are_served_with_their_type(client: httpx.Client) -> None:
    assert client.get("/static/style.css").headers["content-type"].startswith("text/css")
    assert client.get("/static/todos.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/static/missing.js").status_code == 404
    assert client.get("/static/dialogs.html").status_code == 404


def test_one_connection_serves_several_requests(site: DemoServer) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", int(site.url.rsplit(":", 1)[1]))
    try:
        for path in ("/", "/shop", "/api/state"):
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            assert response.status == 200
            assert response.version == 11
            assert response.getheader("Connection") != "close"
        assert connection.sock is not None  # still the same, still open
    finally:
        connection.close()


def test_a_request_in_progress_does_not_hold_up_the_others(site: DemoServer) -> None:
    # A request whose headers have not all arrived keeps its handler busy for as
    # long as the client likes; a server taking one request at a time would not
    # answer the others until the connection's 60 s idle timeout.
    host, port = site.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as pending:
        pending.sendall(b"GET /api/slow?ms=0 HTTP/1.1\r\nHost: demo\r\n")
        with ThreadPoolExecutor(6) as pool:
            responses = list(pool.map(lambda _: httpx.get(f"{site.url}/", timeout=30), range(6)))
        assert [response.status_code for response in responses] == [200] * 6
        pending.sendall(b"Connection: close\r\n\r\n")
        answer = b""
        while chunk := pending.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200 ")
    assert b"Report ready" in answer


def test_login_with_valid_credentials_greets_the_user(
    client: httpx.Client, site: DemoServer
) -> None:
    response = client.post("/login", data={"username": "ada", "password": "lovelace"})
    assert response.status_code == 303
    assert response.headers["location"] == "/account"
    account = client.get("/account")
    assert h1(account) == "Welcome, Ada"
    assert "Log out" in account.text
    assert site.state()["logins"] == ["ada"]


def test_login_with_a_wrong_password_shows_an_error(client: httpx.Client, site: DemoServer) -> None:
    response = client.post("/login", data={"username": "ada", "password": "wrong"})
    assert response.status_code == 200
    assert "Invalid username or password." in response.text
    assert 'value="ada"' in response.text
    assert "set-cookie" not in response.headers
    assert client.get("/account").headers["location"] == "/login?next=/account"
    assert site.state()["logins"] == []
    assert site.state()["failed_logins"] == ["ada"]


def test_logging_out_ends_the_session(client: httpx.Client, site: DemoServer) -> None:
    client.post("/login", data={"username": "alan", "password": "turing"})
    assert client.post("/logout").headers["location"] == "/login?logged_out=1"
    assert client.get("/account").status_code == 303
    assert site.state()["logouts"] == ["alan"]


def test_register_without_required_fields_shows_errors(
    client: httpx.Client, site: DemoServer
) -> None:
    response = client.post("/register", data={"full_name": "Ada", "email": "not-an-email"})
    assert response.status_code == 200
    assert 'role="alert"' in response.text
    for message in ("Enter a valid email address.", "Country is required.", "Plan is required."):
        assert message in response.text
    assert 'value="Ada"' in response.text  # what was typed is kept
    assert site.state()["submissions"] == []


def test_register_records_the_submission_and_thanks_the_user(
    client: httpx.Client, site: DemoServer
) -> None:
    form = {
        "full_name": "Ada Lovelace", "email": "ada@example.com", "phone": "+44 1",
        "country": "France", "plan": "pro", "interests": ["news", "offers"],
        "birth_date": "1815-12-10", "contact_time": "09:30", "team_size": "3",
        "bio": "Poet of science", "terms": "yes",
    }  # fmt: skip
    response = client.post("/register", data=form)
    assert response.status_code == 303
    thanks = client.get(response.headers["location"])
    assert h1(thanks) == "Thank you, Ada Lovelace"
    assert "news, offers" in thanks.text
    [submission] = site.state()["submissions"]
    assert submission["form"] == "register"
    assert submission["fields"]["interests"] == ["news", "offers"]
    assert submission["fields"]["plan"] == "pro"


def test_contact_form_posts_and_shows_what_was_received(
    client: httpx.Client, site: DemoServer
) -> None:
    form = {"name": "Alan", "email": "alan@example.com", "topic": "order", "message": "Hi"}
    thanks = client.post("/contact", data=form, follow_redirects=True)
    assert h1(thanks) == "Thank you, Alan"
    assert site.state()["submissions"] == [{"form": "contact", "fields": form}]


def test_shop_filters_by_category_and_sorts_by_price(client: httpx.Client) -> None:
    text = client.get("/shop", params={"category": "Home", "sort": "price-asc"}).text
    names = re.findall(r'<h2 id="product-\d+-name"><a [^>]*>([^<]+)</a>', text)
    assert names == ["Ceramic Coffee Mug", "Desk Lamp", "Cotton Throw Blanket"]
    assert "Showing 3 products" in text
    assert client.get("/shop").text.count("Add to cart") == len(PRODUCTS)


def test_product_page_has_description_specs_and_quantity(client: httpx.Client) -> None:
    text = client.get("/shop/product/1").text
    assert "$24.00" in text
    assert "2.4 GHz USB receiver" in text
    assert 'id="quantity"' in text


def test_checkout_turns_the_cart_into_an_order(client: httpx.Client, site: DemoServer) -> None:
    added = client.post("/cart/add", data={"product_id": "1", "qty": "2", "next": "/shop"})
    assert added.headers["location"] == "/shop?added=1"
    assert "Added Wireless Mouse to cart." in client.get("/shop?added=1").text
    assert client.post("/api/cart", json={"product_id": 3}).json()["total"] == "$247.00"
    assert "$247.00" in client.get("/cart").text
    details = {"name": "Ada Lovelace", "email": "ada@example.com", "address": "1 Analytical Way"}
    response = client.post("/checkout", data={**details, "shipping": "express", "terms": "yes"})
    assert response.headers["location"] == "/order/PUPI-1001"
    order_page = client.get("/order/PUPI-1001").text
    assert "Your order number is" in order_page
    assert "$256.99" in order_page
    state = site.state()
    assert state["cart"] == []
    assert state["orders"][0]["items"] == [
        {"product_id": 1, "name": "Wireless Mouse", "qty": 2},
        {"product_id": 3, "name": "Noise-Cancelling Headphones", "qty": 1},
    ]


def test_checkout_with_an_empty_cart_or_missing_terms_is_refused(
    client: httpx.Client, site: DemoServer
) -> None:
    details = {"name": "Ada", "email": "ada@example.com", "address": "x", "terms": "yes"}
    assert "Your cart is empty." in client.post("/checkout", data=details).text
    client.post("/api/cart", json={"product_id": 2})
    refused = client.post("/checkout", data={**details, "terms": ""})
    assert "You must accept the terms and conditions." in refused.text
    assert site.state()["orders"] == []


def test_cart_api_updates_and_removes_lines(client: httpx.Client, site: DemoServer) -> None:
    client.post("/api/cart", json={"product_id": 4, "qty": 1})
    assert client.patch("/api/cart/4", json={"qty": 5}).json()["count"] == 5
    assert client.delete("/api/cart/4").json()["items"] == []
    assert client.delete("/api/cart/4").status_code == 404
    assert client.post("/api/cart", json={"product_id": 999}).status_code == 404
    assert site.state()["cart"] == []


def test_todo_endpoints_keep_the_server_list(client: httpx.Client, site: DemoServer) -> None:
    created = client.post("/api/todos", json={"title": "  Write tests "})
    assert created.status_code == 201
    todo = created.json()["todo"]
    assert todo == {"id": 3, "title": "Write tests", "done": False}
    assert client.patch("/api/todos/1", json={"done": True}).json()["remaining"] == 1
    assert client.post("/api/todos/clear-completed").json()["removed"] == 2
    assert client.delete("/api/todos/3").json()["todos"] == []
    assert client.delete("/api/todos/3").status_code == 404
    assert client.post("/api/todos", json={"title": " "}).status_code == 422
    assert client.patch("/api/todos/1", json={"done": "yes"}).status_code == 422
    assert site.state()["todos"] == []


def test_todos_page_shows_items_and_counter(client: httpx.Client) -> None:
    client.post("/todos", data={"title": "Plan trip"})
    text = client.get("/todos").text
    assert "Buy milk" in text
    assert "Plan trip" in text
    assert "2 items left" in text


def test_search_paginates_five_results_a_page(client: httpx.Client) -> None:
    first = client.get("/search", params={"q": "python"}).text
    assert '11 results for "python"' in first
    assert first.count('class="result"') == 5
    assert 'rel="next"' in first
    assert 'rel="prev"' not in first
    last = client.get("/search", params={"q": "python", "page": "3"}).text
    assert last.count('class="result"') == 1
    assert 'rel="prev"' in last
    assert 'rel="next"' not in last
    assert 'aria-current="page" class="current">3<' in last


def test_search_without_matches_says_so(client: httpx.Client) -> None:
    text = client.get("/search", params={"q": "quantum teleport"}).text
    assert 'No results for "quantum teleport".' in text
    assert 'aria-label="Pagination"' not in text


def test_the_popup_page_says_what_opened_it(client: httpx.Client) -> None:
    popups = client.get("/popups").text
    assert 'href="/popups/opened?by=link" target="_blank"' in popups
    opened = client.get("/popups/opened?by=link")
    assert h1(opened) == "Opened tab"
    assert "<title>Opened tab · Pupi Demo</title>" in opened.text
    assert "Opened by the link on the Popups page." in opened.text
    assert "Opened by another page" in client.get("/popups/opened?by=<b>").text


def test_table_lists_every_employee(client: httpx.Client) -> None:
    text = client.get("/table").text
    assert "<caption>Employees (15 people)</caption>" in text
    assert text.count('<th scope="row">') == len(EMPLOYEES) == 15
    assert "$145,000" in text


def test_booking_confirms_with_a_reference(client: httpx.Client, site: DemoServer) -> None:
    form = {"name": "Grace", "check_in": "2025-06-01", "arrival_time": "15:00",
            "check_out": "04/06/2025", "guests": "2", "room": "deluxe"}  # fmt: skip
    response = client.post("/booking", data=form)
    assert response.headers["location"] == "/booking/confirmation/BK-2001"
    text = client.get("/booking/confirmation/BK-2001").text
    assert "Booking confirmed" in text
    assert "$420.00" in text  # 3 nights of the deluxe room
    assert site.state()["bookings"][0]["nights"] == "3"


def test_booking_rejects_a_badly_formatted_date(client: httpx.Client, site: DemoServer) -> None:
    form = {"name": "Grace", "check_in": "2025-06-01", "check_out": "2025-06-04", "room": "suite"}
    text = client.post("/booking", data=form).text
    assert "Enter the check-out date as DD/MM/YYYY." in text
    assert site.state()["bookings"] == []


def test_upload_reports_the_file_name_and_size(client: httpx.Client, site: DemoServer) -> None:
    files = {"file": ("notes.txt", b"hello world", "text/plain")}
    response = client.post("/upload", files=files, data={"description": "greeting"})
    assert response.headers["location"] == "/upload/result/0"
    text = client.get("/upload/result/0").text
    assert "notes.txt" in text
    assert '<span id="upload-size">11</span> bytes' in text
    upload = site.state()["uploads"][0]
    assert (upload["filename"], upload["size"], upload["description"]) == (
        "notes.txt",
        11,
        "greeting",
    )
    assert "Choose a file to upload." in client.post("/upload", files={"x": ("", b"")}).text


def test_newsletter_signup_is_recorded(client: httpx.Client, site: DemoServer) -> None:
    page = client.post("/newsletter", data={"email": "ada@example.com"}, follow_redirects=True)
    assert "Thanks for subscribing as ada@example.com." in page.text
    assert site.state()["newsletter"] == ["ada@example.com"]


def test_client_side_pages_record_submissions_and_events(
    client: httpx.Client, site: DemoServer
) -> None:
    fields = {"first_name": "Ada", "interests": ["news"]}
    assert (
        client.post("/api/submit", json={"form": "benchmark", "fields": fields}).status_code == 201
    )
    assert client.post("/api/events", json={"page": "dialogs", "event": "confirm", "value": True})
    assert client.post("/api/submit", json={"fields": {}}).status_code == 422
    state = site.state()
    assert state["submissions"] == [{"form": "benchmark", "fields": fields}]
    assert state["events"] == [{"page": "dialogs", "event": "confirm", "value": True}]


def test_the_report_is_a_csv_attachment_of_every_product(client: httpx.Client) -> None:
    response = client.get("/downloads/report.csv")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="report.csv"'
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["id", "name", "category", "price"]
    assert len(rows) == len(PRODUCTS) + 1
    assert rows[1] == ["1", "Wireless Mouse", "Electronics", "$24.00"]


def test_the_invoice_is_a_well_formed_pdf_attachment_for_the_customer(
    client: httpx.Client,
) -> None:
    response = client.get("/downloads/invoice.pdf", params={"customer": "Grace (RADM) Hopper"})
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'attachment; filename="invoice.pdf"'
    pdf = response.content
    assert pdf.startswith(b"%PDF-1.4\n") and pdf.endswith(b"%%EOF\n")
    assert rb"(Customer: Grace \(RADM\) Hopper) Tj" in pdf
    # Readers find objects through the cross-reference table: every offset in it
    # must point at its object, and startxref at the table.
    startxref = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    assert pdf[startxref:].startswith(b"xref\n0 7\n")
    offsets = re.findall(rb"(\d{10}) 00000 n ", pdf[startxref:])
    assert len(offsets) == 6
    for number, offset in enumerate(offsets, start=1):
        assert pdf[int(offset) :].startswith(b"%d 0 obj\n" % number)
    stream = re.search(rb"/Length (\d+) >>\nstream\n(.*?)\nendstream", pdf, re.S)
    assert stream is not None and int(stream.group(1)) == len(stream.group(2))


def test_reset_restores_the_initial_state(client: httpx.Client, site: DemoServer) -> None:
    initial = client.get("/api/state").json()
    client.post("/api/todos", json={"title": "x"})
    client.post("/login", data={"username": "ada", "password": "lovelace"})
    assert client.get("/api/state").json() != initial
    assert client.post("/api/reset").json() == initial
    assert client.get("/account").status_code == 303  # sessions are dropped too
    client.post("/api/cart", json={"product_id": 1})
    site.reset()
    assert site.state() == initial


def test_state_is_a_copy(site: DemoServer) -> None:
    site.state()["todos"].clear()
    assert len(site.state()["todos"]) == 2


def test_a_stopped_server_can_be_restarted_and_has_no_url() -> None:
    server = DemoServer()
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.url
    with server:
        assert httpx.get(f"{server.url}/").status_code == 200
    with pytest.raises(RuntimeError):
        _ = server.url


def test_module_serves_until_interrupted() -> None:
    command = [sys.executable, "-m", "pupi.demo", "--port", "0"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            url = re.search(r"http://\S+", line)
            assert url, line
            assert httpx.get(url.group(0) + "/").status_code == 200
        finally:
            process.terminate()
            process.wait(timeout=5)
