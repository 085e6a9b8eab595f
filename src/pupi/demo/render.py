"""HTML rendering helpers: the shared page layout, the page index, bundled files."""

from __future__ import annotations

import functools
from html import escape
from importlib import resources

from pupi.demo.variants import BASE, Variant

# (path, title, what it has): the home page and tests walk this list.
PAGES: tuple[tuple[str, str, str], ...] = (
    ("/shop", "Shop", "Products with category filter and sorting"),
    ("/cart", "Cart", "Cart items, total and checkout"),
    ("/login", "Log in", "Username and password form"),
    ("/register", "Register", "A long form with every kind of input"),
    ("/contact", "Contact us", "A short contact form"),
    ("/table", "Employees", "A sortable data table"),
    ("/todos", "Todos", "Add, complete and delete todos"),
    ("/search", "Search articles", "Search with pagination"),
    ("/dialogs", "Dialogs", "Modal dialog, confirm, alert and prompt"),
    ("/tabs", "Tabs", "A tab list with panels"),
    ("/popups", "Popups", "A link and a button that open new tabs"),
    ("/faq", "FAQ", "Collapsible questions and answers"),
    ("/booking", "Book a room", "Date, time and guest inputs"),
    ("/upload", "Upload a file", "A file input"),
    ("/slow", "Slow content", "Content and a button that appear late"),
    ("/frames", "Frames and shadow DOM", "An iframe and a shadow root"),
    ("/benchmark-form", "Benchmark form", "Twenty fields, client-side summary"),
    ("/whoami", "Who am I", "The login, from the session cookie and from local storage"),
    ("/browser-info", "Browser info", "User agent, language, time zone and the request headers"),
    ("/downloads", "Downloads", "A CSV report and a generated PDF invoice"),
)

CONTENT_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml",
}


def esc(value: object) -> str:
    return escape(str(value), quote=True)


@functools.cache
def bundled(name: str) -> bytes | None:
    """A file from the package's ``site/`` folder, or None; read once, then cached."""
    if "/" in name or name.startswith("."):
        return None
    resource = resources.files("pupi.demo").joinpath("site", name)
    return resource.read_bytes() if resource.is_file() else None


def fragment(name: str) -> str:
    """The body of a static page, ``site/<name>.html``."""
    data = bundled(f"{name}.html")
    if data is None:
        raise LookupError(name)
    return data.decode("utf-8")


def layout(
    title: str,
    body: str,
    *,
    cart_count: int = 0,
    user_name: str | None = None,
    scripts: tuple[str, ...] = (),
    variant: Variant = BASE,
) -> str:
    """A whole HTML document: header with navigation, ``<main>`` holding ``body``.

    A ``variant`` orders the navigation links its way and, on odd variants,
    wraps ``<main>`` in an extra container (its renames come after, on the
    whole document: :meth:`Variant.rewrite_html`).
    """
    account = (
        f'<a href="/account">{esc(user_name)}</a>' if user_name else '<a href="/login">Log in</a>'
    )
    links = "\n".join(
        variant.arrange(
            [
                '<a href="/shop">Shop</a>',
                f'<a href="/cart">Cart (<span id="cart-count">{cart_count}</span>)</a>',
                '<a href="/search">Search</a>',
                '<a href="/todos">Todos</a>',
            ]
        )
    )
    content = variant.wrap(f'<main id="main">\n{body}\n</main>', "page-body")
    script_tags = "".join(f'<script src="/static/{esc(name)}" defer></script>' for name in scripts)
    doc_title = "Pupi Demo" if title == "Pupi Demo" else f"{esc(title)} · Pupi Demo"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{doc_title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/style.css">
{script_tags}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site-header">
<a class="brand" href="/">Pupi Demo</a>
<nav aria-label="Main">
{links}
{account}
</nav>
</header>
{content}
<footer class="site-footer"><p>Pupi Demo, a practice site for browser automation.</p></footer>
</body>
</html>
"""


def field_error(errors: dict[str, str], name: str) -> str:
    """The inline error paragraph for one field, or nothing."""
    if name not in errors:
        return ""
    return f'<p class="field-error" id="{name}-error">{esc(errors[name])}</p>'


def error_summary(errors: dict[str, str]) -> str:
    """A role=alert box listing every missing or invalid field."""
    if not errors:
        return ""
    items = "".join(f"<li>{esc(message)}</li>" for message in errors.values())
    return (
        '<div class="alert error" role="alert"><p>Please correct the following:</p>'
        f"<ul>{items}</ul></div>"
    )


def definition_list(fields: dict[str, str | list[str]]) -> str:
    """Submitted fields as a ``<dl>``, lists joined with commas."""
    rows = "".join(
        f"<dt>{esc(name)}</dt><dd>{esc(value if isinstance(value, str) else ', '.join(value))}</dd>"
        for name, value in fields.items()
    )
    return f'<dl class="summary">{rows}</dl>'
