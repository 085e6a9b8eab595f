"""Server-side state of the demo site, the truth that automated checkers read.

Every mutation goes through :class:`DemoState`, which holds one lock, so the
threaded server never interleaves two half-done updates. :meth:`DemoState.snapshot`
hands out a deep copy that is plain JSON (dicts, lists, strings, numbers, bools).
"""

from __future__ import annotations

import copy
import threading
from typing import Any

from pupi.demo.data import PRODUCTS_BY_ID

JSONDict = dict[str, Any]
Fields = dict[str, str | list[str]]

_INITIAL_TODOS: list[JSONDict] = [
    {"id": 1, "title": "Buy milk", "done": False},
    {"id": 2, "title": "Read the Pupi docs", "done": True},
]
_FIRST_ORDER_NUMBER = 1001
_FIRST_BOOKING_NUMBER = 2001


class DemoState:
    """Thread-safe, JSON-able state of one demo site."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._data: JSONDict = {}
        self.reset()

    def reset(self) -> None:
        """Return to the initial state: empty lists and the two seed todos."""
        with self._lock:
            self._data = {
                "logins": [],
                "failed_logins": [],
                "logouts": [],
                "submissions": [],
                "cart": [],
                "orders": [],
                "bookings": [],
                "todos": copy.deepcopy(_INITIAL_TODOS),
                "newsletter": [],
                "uploads": [],
                "events": [],
            }
            self._next_todo_id = 3
            self._next_order = _FIRST_ORDER_NUMBER
            self._next_booking = _FIRST_BOOKING_NUMBER

    def snapshot(self) -> JSONDict:
        """A deep copy of the whole state."""
        with self._lock:
            return copy.deepcopy(self._data)

    # Generic records -------------------------------------------------------

    def record(self, key: str, item: Any) -> int:
        """Append ``item`` to the list ``key``; return its index."""
        with self._lock:
            items: list[Any] = self._data[key]
            items.append(copy.deepcopy(item))
            return len(items) - 1

    def item(self, key: str, index: int) -> Any | None:
        """A copy of item ``index`` of the list ``key``, or None."""
        with self._lock:
            items: list[Any] = self._data[key]
            return copy.deepcopy(items[index]) if 0 <= index < len(items) else None

    def submit(self, form: str, fields: Fields) -> int:
        """Record a posted form; return its submission index."""
        return self.record("submissions", {"form": form, "fields": fields})

    # Cart ------------------------------------------------------------------

    def cart(self) -> list[JSONDict]:
        with self._lock:
            return copy.deepcopy(self._data["cart"])

    def add_to_cart(self, product_id: int, qty: int) -> None:
        """Add ``qty`` of a product, merging with a line already in the cart."""
        with self._lock:
            cart: list[JSONDict] = self._data["cart"]
            for line in cart:
                if line["product_id"] == product_id:
                    line["qty"] += qty
                    return
            name = PRODUCTS_BY_ID[product_id].name
            cart.append({"product_id": product_id, "name": name, "qty": qty})

    def set_cart_qty(self, product_id: int, qty: int) -> bool:
        """Set a line's quantity (0 removes it); False when it is not in the cart."""
        with self._lock:
            cart: list[JSONDict] = self._data["cart"]
            for line in cart:
                if line["product_id"] == product_id:
                    if qty <= 0:
                        cart.remove(line)
                    else:
                        line["qty"] = qty
                    return True
            return False

    def place_order(self, details: JSONDict) -> JSONDict | None:
        """Turn the cart into an order and empty it; None when the cart is empty."""
        with self._lock:
            cart: list[JSONDict] = self._data["cart"]
            if not cart:
                return None
            order = {
                "order_number": f"PUPI-{self._next_order}",
                "items": copy.deepcopy(cart),
                **copy.deepcopy(details),
            }
            self._next_order += 1
            self._data["orders"].append(order)
            cart.clear()
            return copy.deepcopy(order)

    def find_order(self, order_number: str) -> JSONDict | None:
        with self._lock:
            for order in self._data["orders"]:
                if order["order_number"] == order_number:
                    return copy.deepcopy(order)  # type: ignore[no-any-return]
            return None

    def add_booking(self, fields: Fields) -> str:
        """Record a booking; return its reference such as ``BK-2001``."""
        with self._lock:
            reference = f"BK-{self._next_booking}"
            self._next_booking += 1
            self._data["bookings"].append({"reference": reference, **copy.deepcopy(fields)})
            return reference

    # Todos -----------------------------------------------------------------

    def todos(self) -> list[JSONDict]:
        with self._lock:
            return copy.deepcopy(self._data["todos"])

    def add_todo(self, title: str) -> JSONDict:
        with self._lock:
            todo = {"id": self._next_todo_id, "title": title, "done": False}
            self._next_todo_id += 1
            self._data["todos"].append(todo)
            return dict(todo)

    def update_todo(
        self, todo_id: int, *, done: bool | None = None, title: str | None = None
    ) -> JSONDict | None:
        with self._lock:
            for todo in self._data["todos"]:
                if todo["id"] == todo_id:
                    if done is not None:
                        todo["done"] = done
                    if title is not None:
                        todo["title"] = title
                    return dict(todo)
            return None

    def delete_todo(self, todo_id: int) -> bool:
        with self._lock:
            todos: list[JSONDict] = self._data["todos"]
            kept = [todo for todo in todos if todo["id"] != todo_id]
            self._data["todos"] = kept
            return len(kept) != len(todos)

    def clear_completed(self) -> int:
        """Delete every done todo; return how many went."""
        with self._lock:
            todos: list[JSONDict] = self._data["todos"]
            kept = [todo for todo in todos if not todo["done"]]
            self._data["todos"] = kept
            return len(todos) - len(kept)
