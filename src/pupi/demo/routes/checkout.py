"""The cart page, the checkout form and the order confirmation."""

from __future__ import annotations

from typing import Any

from pupi.demo.app import Routes, Site
from pupi.demo.data import PRODUCTS_BY_ID, format_price
from pupi.demo.render import error_summary, esc, field_error
from pupi.demo.web import Request, Response, first, redirect

routes = Routes()

# value -> (label, cost in cents)
SHIPPING: dict[str, tuple[str, int]] = {
    "standard": ("Standard (3-5 days), free", 0),
    "express": ("Express (1-2 days), $9.99", 999),
    "next-day": ("Next day, $19.99", 1999),
}


def cart_json(site: Site) -> dict[str, Any]:
    """The cart with prices: ``{items, count, total, total_cents}``."""
    items = []
    total = 0
    for line in site.state.cart():
        price = PRODUCTS_BY_ID[line["product_id"]].price_cents
        total += price * line["qty"]
        subtotal = format_price(price * line["qty"])
        items.append({**line, "price": format_price(price), "subtotal": subtotal})
    count = sum(item["qty"] for item in items)
    return {"items": items, "count": count, "total": format_price(total), "total_cents": total}


def _items_table(items: list[dict[str, Any]], *, editable: bool) -> str:
    rows = []
    for item in items:
        pid, name = item["product_id"], esc(item["name"])
        if editable:
            qty = (
                f'<label class="visually-hidden" for="qty-{pid}">Quantity for {name}</label>'
                f'<input id="qty-{pid}" class="cart-qty" data-product-id="{pid}" type="number" '
                f'min="0" max="99" value="{item["qty"]}">'
            )
            remove = (
                f'<td><button type="button" class="cart-remove" data-product-id="{pid}" '
                f'aria-label="Remove {name}">Remove</button></td>'
            )
        else:
            qty, remove = str(item["qty"]), ""
        rows.append(
            f'<tr data-product-id="{pid}"><th scope="row">{name}</th><td>{item["price"]}</td>'
            f"<td>{qty}</td><td>{item['subtotal']}</td>{remove}</tr>"
        )
    action = '<th scope="col"><span class="visually-hidden">Actions</span></th>' if editable else ""
    return (
        '<table class="data-table cart-table"><caption>Items in your cart</caption>'
        '<thead><tr><th scope="col">Product</th><th scope="col">Price</th>'
        f'<th scope="col">Quantity</th><th scope="col">Subtotal</th>{action}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _checkout_form(values: dict[str, str], errors: dict[str, str]) -> str:
    def value(name: str) -> str:
        return esc(values.get(name, ""))

    shipping = "".join(
        f'<option value="{key}"{" selected" if values.get("shipping") == key else ""}>'
        f"{esc(label)}</option>"
        for key, (label, _) in SHIPPING.items()
    )
    terms = " checked" if values.get("terms") else ""
    return f"""<section aria-labelledby="checkout-heading" class="card">
<h2 id="checkout-heading">Checkout</h2>
{error_summary(errors)}
<form method="post" action="/checkout" novalidate class="stacked">
<label for="name">Full name</label>
<input id="name" name="name" autocomplete="name" required value="{value("name")}">
{field_error(errors, "name")}
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="email" required value="{value("email")}">
{field_error(errors, "email")}
<label for="address">Address</label>
<textarea id="address" name="address" rows="3" required>{value("address")}</textarea>
{field_error(errors, "address")}
<label for="shipping">Shipping</label>
<select id="shipping" name="shipping">{shipping}</select>
<label class="check"><input type="checkbox" id="terms" name="terms" value="yes"{terms} required>
I accept the terms and conditions</label>
{field_error(errors, "terms")}
<button type="submit">Place order</button>
</form>
</section>"""


def cart_page(
    request: Request,
    site: Site,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    cart = cart_json(site)
    if cart["items"]:
        content = (
            f"{_items_table(cart['items'], editable=True)}"
            f'<p class="total">Total: <strong id="cart-total">{cart["total"]}</strong></p>'
            f"{_checkout_form(values or {}, errors or {})}"
        )
    else:
        content = (
            f"{error_summary(errors or {})}"
            '<p id="cart-empty">Your cart is empty.</p><p><a href="/shop">Continue shopping</a></p>'
        )
    body = f'<h1>Your cart</h1>\n<p id="cart-status" role="status" class="status"></p>\n{content}'
    return site.page(request, "Cart", body, scripts=("cart.js",))


@routes.get("/cart")
def cart(request: Request, site: Site) -> Response:
    return cart_page(request, site)


@routes.post("/checkout")
def checkout(request: Request, site: Site) -> Response:
    form = request.form()
    values = {name: first(form, name) for name in ("name", "email", "address", "shipping", "terms")}
    errors: dict[str, str] = {}
    if not values["name"]:
        errors["name"] = "Full name is required."
    if "@" not in values["email"]:
        errors["email"] = "Enter a valid email address."
    if not values["address"]:
        errors["address"] = "Address is required."
    if values["shipping"] not in SHIPPING:
        values["shipping"] = "standard"
    if not values["terms"]:
        errors["terms"] = "You must accept the terms and conditions."
    cart = cart_json(site)
    if not cart["items"]:
        errors["cart"] = "Your cart is empty."
    if errors:
        return cart_page(request, site, values=values, errors=errors)
    shipping_cost = SHIPPING[values["shipping"]][1]
    fields = {k: v for k, v in values.items() if k != "terms"}
    site.state.submit("checkout", {**fields, "terms": values["terms"]})
    order = site.state.place_order(
        {
            **fields,
            "subtotal": cart["total"],
            "shipping_cost": format_price(shipping_cost),
            "total": format_price(cart["total_cents"] + shipping_cost),
        }
    )
    if order is None:  # another request emptied the cart in between
        return cart_page(request, site, values=values, errors={"cart": "Your cart is empty."})
    return redirect(f"/order/{order['order_number']}")


@routes.get(r"/order/(?P<number>PUPI-\d+)")
def order_page(request: Request, site: Site) -> Response:
    order = site.state.find_order(request.params["number"])
    if order is None:
        return site.not_found(request, "order")
    items = [
        {
            **line,
            "price": format_price(PRODUCTS_BY_ID[line["product_id"]].price_cents),
            "subtotal": format_price(PRODUCTS_BY_ID[line["product_id"]].price_cents * line["qty"]),
        }
        for line in order["items"]
    ]
    body = f"""<h1>Order confirmed</h1>
<p role="status">Thank you, {esc(order["name"])}. Your order number is
<strong id="order-number">{esc(order["order_number"])}</strong>.</p>
<p>A confirmation was sent to {esc(order["email"])}.</p>
{_items_table(items, editable=False)}
<dl class="summary">
<dt>Subtotal</dt><dd>{order["subtotal"]}</dd>
<dt>Shipping</dt><dd>{esc(SHIPPING[order["shipping"]][0])}</dd>
<dt>Total</dt><dd id="order-total">{order["total"]}</dd>
<dt>Deliver to</dt><dd>{esc(order["address"])}</dd>
</dl>
<p><a href="/shop">Continue shopping</a></p>"""
    return site.page(request, "Order confirmed", body)
