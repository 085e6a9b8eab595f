"""The shop: product grid, product details, the cart and its JSON API."""

from __future__ import annotations

from typing import Any

from pupi.demo.app import Routes, Site
from pupi.demo.data import CATEGORIES, PRODUCTS, PRODUCTS_BY_ID, Product
from pupi.demo.render import esc
from pupi.demo.routes.checkout import cart_json
from pupi.demo.web import Request, Response, first, json_error, json_response, redirect

routes = Routes()

SORTS: dict[str, str] = {
    "featured": "Featured",
    "price-asc": "Price: low to high",
    "price-desc": "Price: high to low",
    "rating": "Rating",
    "name": "Name",
}
MAX_QTY = 99


def _sorted(products: list[Product], sort: str) -> list[Product]:
    if sort == "price-asc":
        return sorted(products, key=lambda p: p.price_cents)
    if sort == "price-desc":
        return sorted(products, key=lambda p: -p.price_cents)
    if sort == "rating":
        return sorted(products, key=lambda p: -p.rating)
    if sort == "name":
        return sorted(products, key=lambda p: p.name)
    return products


def _options(choices: dict[str, str], selected: str) -> str:
    return "".join(
        f'<option value="{esc(value)}"{" selected" if value == selected else ""}>'
        f"{esc(label)}</option>"
        for value, label in choices.items()
    )


def add_form(product: Product, next_url: str, *, with_qty: bool = False) -> str:
    """The product's "Add to cart" form, coming back to ``next_url``."""
    qty = (
        '<label for="quantity">Quantity</label>'
        f'<input id="quantity" name="qty" type="number" min="1" max="{MAX_QTY}" value="1">'
        if with_qty
        else '<input type="hidden" name="qty" value="1">'
    )
    return (
        '<form method="post" action="/cart/add" class="add-form">'
        f'<input type="hidden" name="product_id" value="{product.id}">'
        f'<input type="hidden" name="next" value="{esc(next_url)}">{qty}'
        f'<button type="submit" aria-describedby="product-{product.id}-name">Add to cart</button>'
        "</form>"
    )


def _status(request: Request) -> str:
    added = (
        PRODUCTS_BY_ID.get(int(request.arg("added"))) if request.arg("added").isdigit() else None
    )
    message = f"Added {esc(added.name)} to cart." if added else ""
    return f'<p id="shop-status" class="status" role="status">{message}</p>'


def rating(product: Product) -> str:
    """The product's stars and review count."""
    return (
        f'<p class="rating" aria-label="Rated {product.rating} out of 5">'
        f'★ {product.rating} <span class="muted">({product.reviews} reviews)</span></p>'
    )


@routes.get("/shop")
def shop(request: Request, site: Site) -> Response:
    category = request.arg("category")
    sort = request.arg("sort", "featured")
    products = [p for p in PRODUCTS if not category or p.category == category]
    products = _sorted(products, sort if sort in SORTS else "featured")
    here = "/shop" + (f"?category={category}&sort={sort}" if category or sort != "featured" else "")
    variant = site.variant
    if sort == "featured":
        # A redesign features its products in its own order; asked-for sorts still hold.
        products = variant.arrange(products)
    cards = "".join(
        f'<li><article class="product-card" data-product-id="{p.id}">'
        f'<h2 id="product-{p.id}-name"><a href="/shop/product/{p.id}">{esc(p.name)}</a></h2>'
        + variant.wrap(
            "".join(
                variant.arrange(
                    [
                        f'<p class="price">{p.price}</p>',
                        f'<p class="category">{esc(p.category)}</p>',
                        rating(p),
                    ]
                )
            ),
            "facts",
        )
        + f"{add_form(p, here)}"
        f'<a class="details" href="/shop/product/{p.id}" aria-describedby="product-{p.id}-name">'
        "View details</a></article></li>"
        for p in products
    )
    categories = {"": "All categories"} | {c: c for c in CATEGORIES}
    body = f"""<h1>Shop</h1>
<form method="get" action="/shop" class="filters" aria-label="Filter products">
<label for="category">Category</label>
<select id="category" name="category">{_options(categories, category)}</select>
<label for="sort">Sort by</label>
<select id="sort" name="sort">{_options(SORTS, sort)}</select>
<button type="submit">Apply</button>
</form>
<p class="muted" id="product-count">Showing {len(products)} products</p>
{_status(request)}
<ul class="product-grid" aria-label="Products">{cards}</ul>"""
    return site.page(request, "Shop", body, scripts=("shop.js",))


@routes.get(r"/shop/product/(?P<id>\d+)")
def product_page(request: Request, site: Site) -> Response:
    product = PRODUCTS_BY_ID.get(int(request.params["id"]))
    if product is None:
        return site.not_found(request, "product")
    specs = "".join(
        f'<tr><th scope="row">{esc(k)}</th><td>{esc(v)}</td></tr>' for k, v in product.specs
    )
    body = f"""<nav aria-label="Breadcrumb"><a href="/shop">Shop</a> / {esc(product.category)}</nav>
<article class="product-detail" data-product-id="{product.id}">
<h1 id="product-{product.id}-name">{esc(product.name)}</h1>
<p class="price">{product.price}</p>
<p class="category">Category: {esc(product.category)}</p>
{rating(product)}
<p class="description">{esc(product.description)}</p>
<table class="specs"><caption>Specifications</caption><tbody>{specs}</tbody></table>
{add_form(product, f"/shop/product/{product.id}", with_qty=True)}
{_status(request)}
</article>"""
    return site.page(request, product.name, body, scripts=("shop.js",))


def _parse_qty(value: Any, default: int | None = None) -> int | None:
    if value in (None, "") and default is not None:
        return default
    try:
        qty = int(value)
    except (TypeError, ValueError):
        return None
    return qty if 0 <= qty <= MAX_QTY else None


@routes.post("/cart/add")
def cart_add(request: Request, site: Site) -> Response:
    """The no-JavaScript path of every Add to cart button."""
    form = request.form()
    product_id = first(form, "product_id")
    qty = _parse_qty(first(form, "qty"), default=1)
    if not product_id.isdigit() or int(product_id) not in PRODUCTS_BY_ID or not qty:
        return site.not_found(request, "product")
    site.state.add_to_cart(int(product_id), qty)
    next_url = first(form, "next")
    if not next_url.startswith("/") or next_url.startswith("//"):
        next_url = "/cart"
    separator = "&" if "?" in next_url else "?"
    return redirect(f"{next_url}{separator}added={product_id}")


@routes.get("/api/cart")
def api_cart(request: Request, site: Site) -> Response:
    return json_response(cart_json(site))


@routes.post("/api/cart")
def api_cart_add(request: Request, site: Site) -> Response:
    data = request.json()
    if not isinstance(data, dict):
        return json_error("Expected {product_id: int, qty?: int}.", 422)
    product_id = data.get("product_id")
    qty = _parse_qty(data.get("qty"), default=1)
    if not isinstance(product_id, int) or product_id not in PRODUCTS_BY_ID:
        return json_error("Unknown product_id.", 404)
    if not qty:
        return json_error(f"qty must be between 1 and {MAX_QTY}.", 422)
    site.state.add_to_cart(product_id, qty)
    return json_response(cart_json(site))


@routes.add("PATCH", r"/api/cart/(?P<id>\d+)")
def api_cart_set(request: Request, site: Site) -> Response:
    data = request.json()
    qty = _parse_qty(data.get("qty") if isinstance(data, dict) else None)
    if qty is None:
        return json_error(f"qty must be between 0 and {MAX_QTY}.", 422)
    if not site.state.set_cart_qty(int(request.params["id"]), qty):
        return json_error("That product is not in the cart.", 404)
    return json_response(cart_json(site))


@routes.add("DELETE", r"/api/cart/(?P<id>\d+)")
def api_cart_remove(request: Request, site: Site) -> Response:
    if not site.state.set_cart_qty(int(request.params["id"]), 0):
        return json_error("That product is not in the cart.", 404)
    return json_response(cart_json(site))
