"""What a browser brings to the site: its login, and what it says about itself.

``/whoami`` shows the login twice: the server reads it from the HttpOnly session
cookie, the page's script from the local storage value the login form leaves.
A saved storage state or a profile must bring back both. ``/browser-info``
shows what emulation changes (user agent, language, time zone, colour scheme,
viewport, touch, geolocation) and, read on the server, the request headers
that arrived, so a test can read each with an ``extract`` step.
"""

from __future__ import annotations

from pupi.demo.app import Routes, Site
from pupi.demo.render import esc
from pupi.demo.web import Request, Response

routes = Routes()

REMEMBERED_USER_KEY = "pupi-demo-last-user"
"""The local storage key the login form writes and ``/whoami`` reads (``site/*.js``)."""

# The Cookie header carries the HttpOnly session token; echoing it into the page
# would hand it to every script there, which HttpOnly exists to prevent.
_HIDDEN_HEADERS = {"cookie"}


@routes.get("/whoami")
def whoami(request: Request, site: Site) -> Response:
    user = site.user(request)
    state = f"Logged in as {esc(user.username)}" if user else "Not logged in"
    body = f"""<h1>Who am I</h1>
<p id="login-state" role="status" data-logged-in="{"true" if user else "false"}">{state}</p>
<p>Remembered on this browser:
<span id="remembered-user" data-key="{REMEMBERED_USER_KEY}"></span></p>
<p class="muted">The first line comes from the session cookie, the second from local
storage; <a href="/login?next=/whoami">log in</a> to set both.</p>"""
    return site.page(request, "Who am I", body, scripts=("identity.js",))


@routes.get("/browser-info")
def browser_info(request: Request, site: Site) -> Response:
    rows = "".join(
        f'<tr><th scope="row">{esc(name.lower())}</th>'
        f'<td data-header="{esc(name.lower())}">{esc(value)}</td></tr>'
        for name, value in request.headers.items()
        if name.lower() not in _HIDDEN_HEADERS
    )
    body = f"""<h1>Browser info</h1>
<dl class="summary wrap-values" id="browser-info">
<dt>User agent</dt><dd id="user-agent"></dd>
<dt>Language</dt><dd id="language"></dd>
<dt>Languages</dt><dd id="languages"></dd>
<dt>Time zone</dt><dd id="time-zone"></dd>
<dt>Colour scheme</dt><dd id="color-scheme"></dd>
<dt>Viewport width</dt><dd id="viewport-width"></dd>
<dt>Screen width</dt><dd id="screen-width"></dd>
<dt>Touch points</dt><dd id="touch-points"></dd>
<dt>Geolocation</dt><dd id="geolocation"></dd>
</dl>
<h2>Request headers</h2>
<table id="request-headers" class="data-table wrap-values">
<caption>Headers of the request for this page, as the server received them</caption>
<thead><tr><th scope="col">Header</th><th scope="col">Value</th></tr></thead>
<tbody>{rows}</tbody>
</table>"""
    return site.page(request, "Browser info", body, scripts=("identity.js",))
