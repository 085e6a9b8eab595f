"""Log in, the account page and log out, with a cookie session."""

from __future__ import annotations

from pupi.demo.app import SESSION_COOKIE, Routes, Site
from pupi.demo.data import USERS
from pupi.demo.render import esc
from pupi.demo.routes.identity import REMEMBERED_USER_KEY
from pupi.demo.web import Request, Response, first, redirect

routes = Routes()

KEEP_LOGGED_IN_S = 30 * 24 * 3600
"""How long the login cookie lasts with "Keep me logged in" ticked."""


def _safe_next(target: str) -> str:
    # Only same-site paths: "//evil.example" would be an open redirect.
    return target if target.startswith("/") and not target.startswith("//") else "/account"


def _login_page(
    request: Request, site: Site, *, username: str = "", error: str = "", next_url: str = ""
) -> Response:
    notices = []
    if error:
        notices.append(f'<div class="alert error" role="alert" id="login-error">{esc(error)}</div>')
    if request.arg("logged_out"):
        notices.append('<div class="alert" role="status">You have been logged out.</div>')
    user = site.user(request)
    if user:
        notices.append(f'<p class="muted">You are logged in as {esc(user.first_name)}.</p>')
    next_field = f'<input type="hidden" name="next" value="{esc(next_url)}">' if next_url else ""
    variant = site.variant
    fields = "\n".join(
        variant.wrap(field, "field")
        for field in variant.arrange(
            [
                '<label for="username">Username</label>'
                f'<input id="username" name="username" autocomplete="username" '
                f'value="{esc(username)}">',
                '<label for="password">Password</label>'
                '<input id="password" name="password" type="password" '
                'autocomplete="current-password">',
                '<label class="check"><input type="checkbox" id="remember" name="remember" '
                'value="yes"> Keep me logged in</label>',
            ]
        )
    )
    body = f"""<h1>Log in</h1>
{"".join(notices)}
<form method="post" action="/login" class="stacked card" aria-label="Log in"
 data-remember-key="{REMEMBERED_USER_KEY}">
{next_field}
{fields}
<button type="submit">Log in</button>
</form>
<p class="muted">Demo accounts: ada / lovelace, alan / turing, grace / hopper.</p>"""
    return site.page(request, "Log in", body, scripts=("login.js",))


@routes.get("/login")
def login_form(request: Request, site: Site) -> Response:
    return _login_page(request, site, next_url=request.arg("next"))


@routes.post("/login")
def login(request: Request, site: Site) -> Response:
    form = request.form()
    username = first(form, "username")
    password = form.get("password", [""])[0]  # not stripped: spaces may be part of it
    next_url = first(form, "next")
    user = USERS.get(username)
    if not username or not password:
        error = "Enter your username and password."
    elif user is None or user.password != password:
        error = "Invalid username or password."
    else:
        site.state.record("logins", username)
        token = site.open_session(username)
        response = redirect(_safe_next(next_url))
        # Without "keep me logged in" a session cookie: the browser drops it when it
        # exits, so a profile reopened later is logged out (its local storage stays).
        lifetime = f"; Max-Age={KEEP_LOGGED_IN_S}" if first(form, "remember") else ""
        response.headers.append(
            ("Set-Cookie", f"{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{lifetime}")
        )
        return response
    site.state.record("failed_logins", username)
    return _login_page(request, site, username=username, error=error, next_url=next_url)


@routes.get("/account")
def account(request: Request, site: Site) -> Response:
    user = site.user(request)
    if user is None:
        return redirect("/login?next=/account")
    body = f"""<h1>Welcome, {esc(user.first_name)}</h1>
<p role="status">You are logged in.</p>
<dl class="summary">
<dt>Full name</dt><dd>{esc(user.full_name)}</dd>
<dt>Username</dt><dd id="account-username">{esc(user.username)}</dd>
</dl>
<form method="post" action="/logout"><button type="submit">Log out</button></form>"""
    return site.page(request, f"Welcome, {user.first_name}", body)


@routes.post("/logout")
def logout(request: Request, site: Site) -> Response:
    username = site.close_session(request)
    if username:
        site.state.record("logouts", username)
    response = redirect("/login?logged_out=1")
    response.headers.append(("Set-Cookie", f"{SESSION_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax"))
    return response
