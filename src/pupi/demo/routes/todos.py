"""The todo list page and its JSON API; the server's list is the truth."""

from __future__ import annotations

from typing import Any

from pupi.demo.app import Routes, Site
from pupi.demo.render import esc
from pupi.demo.web import Request, Response, first, json_error, json_response, redirect

routes = Routes()

MAX_TITLE = 200


def remaining_text(count: int) -> str:
    return f"{count} item{'' if count == 1 else 's'} left"


def _item(todo: dict[str, Any]) -> str:
    # Mirrored by renderItem() in site/todos.js: keep the two in step.
    tid, title = todo["id"], esc(todo["title"])
    done = " checked" if todo["done"] else ""
    css = "todo done" if todo["done"] else "todo"
    return (
        f'<li class="{css}" data-id="{tid}">'
        f'<input type="checkbox" id="todo-{tid}" class="toggle"{done}>'
        f'<label for="todo-{tid}" id="todo-{tid}-title">{title}</label>'
        f'<button type="button" class="delete" aria-describedby="todo-{tid}-title">Delete</button>'
        "</li>"
    )


@routes.get("/todos")
def todos_page(request: Request, site: Site) -> Response:
    todos = site.state.todos()
    remaining = sum(not todo["done"] for todo in todos)
    body = f"""<h1>Todos</h1>
<form id="todo-form" method="post" action="/todos" class="inline-form" aria-label="Add a todo">
<label for="new-todo">New todo</label>
<input id="new-todo" name="title" placeholder="What needs to be done?" autocomplete="off">
<button type="submit">Add</button>
</form>
<p id="todo-error" class="field-error" role="alert"></p>
<ul id="todo-list" class="todo-list" aria-label="Todo items">{"".join(map(_item, todos))}</ul>
<div class="todo-footer">
<p id="todo-count" role="status">{remaining_text(remaining)}</p>
<button type="button" id="clear-completed">Clear completed</button>
</div>"""
    return site.page(request, "Todos", body, scripts=("todos.js",))


@routes.post("/todos")
def todos_form(request: Request, site: Site) -> Response:
    """The no-JavaScript path of the Add form."""
    title = first(request.form(), "title")[:MAX_TITLE]
    if title:
        site.state.add_todo(title)
    return redirect("/todos")


def _listing(site: Site, status: int = 200, **extra: Any) -> Response:
    todos = site.state.todos()
    remaining = sum(not todo["done"] for todo in todos)
    return json_response({**extra, "todos": todos, "remaining": remaining}, status)


@routes.get("/api/todos")
def api_list(request: Request, site: Site) -> Response:
    return _listing(site)


@routes.post("/api/todos")
def api_add(request: Request, site: Site) -> Response:
    data = request.json()
    title = data.get("title") if isinstance(data, dict) else None
    if not isinstance(title, str) or not title.strip():
        return json_error("Enter a title.", 422)
    todo = site.state.add_todo(title.strip()[:MAX_TITLE])
    return _listing(site, todo=todo, status=201)


@routes.add("PATCH", r"/api/todos/(?P<id>\d+)")
def api_update(request: Request, site: Site) -> Response:
    data = request.json()
    if not isinstance(data, dict):
        return json_error("Expected {done?: bool, title?: str}.", 422)
    done, title = data.get("done"), data.get("title")
    if (done is not None and not isinstance(done, bool)) or (
        title is not None and (not isinstance(title, str) or not title.strip())
    ):
        return json_error("done must be a boolean and title a non-empty string.", 422)
    todo = site.state.update_todo(
        int(request.params["id"]), done=done, title=title.strip() if title else None
    )
    if todo is None:
        return json_error("No such todo.", 404)
    return _listing(site, todo=todo)


@routes.add("DELETE", r"/api/todos/(?P<id>\d+)")
def api_delete(request: Request, site: Site) -> Response:
    if not site.state.delete_todo(int(request.params["id"])):
        return json_error("No such todo.", 404)
    return _listing(site, deleted=int(request.params["id"]))


@routes.post("/api/todos/clear-completed")
def api_clear_completed(request: Request, site: Site) -> Response:
    return _listing(site, removed=site.state.clear_completed())
