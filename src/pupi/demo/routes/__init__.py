"""Route handlers of the demo site, one module per area."""

from __future__ import annotations

from pupi.demo.app import Route
from pupi.demo.routes import (
    account,
    booking,
    checkout,
    downloads,
    forms,
    identity,
    pages,
    reviews,
    search,
    shop,
    todos,
)

ALL_ROUTES: tuple[Route, ...] = tuple(
    route
    for module in (
        pages,
        shop,
        checkout,
        account,
        forms,
        booking,
        todos,
        search,
        identity,
        downloads,
        reviews,
    )
    for route in module.routes.entries
)
