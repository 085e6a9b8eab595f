// Every change goes through the JSON API; the list is redrawn from the server's answer.
(function () {
  "use strict";
  var form = document.getElementById("todo-form");
  var input = document.getElementById("new-todo");
  var list = document.getElementById("todo-list");
  var counter = document.getElementById("todo-count");
  var error = document.getElementById("todo-error");

  // Mirrors _item() in routes/todos.py.
  function renderItem(todo) {
    var item = document.createElement("li");
    item.className = todo.done ? "todo done" : "todo";
    item.dataset.id = String(todo.id);
    var box = document.createElement("input");
    box.type = "checkbox";
    box.id = "todo-" + todo.id;
    box.className = "toggle";
    box.checked = todo.done;
    var label = document.createElement("label");
    label.htmlFor = box.id;
    label.id = "todo-" + todo.id + "-title";
    label.textContent = todo.title;
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "delete";
    remove.textContent = "Delete";
    remove.setAttribute("aria-describedby", label.id);
    item.append(box, label, remove);
    return item;
  }

  function render(data) {
    list.replaceChildren.apply(list, data.todos.map(renderItem));
    counter.textContent = data.remaining + (data.remaining === 1 ? " item left" : " items left");
  }

  function call(method, url, body) {
    return fetch(url, {
      method: method,
      headers: { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          error.textContent = data.error.message;
          return null;
        }
        error.textContent = "";
        render(data);
        return data;
      });
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var title = input.value.trim();
    if (!title) {
      error.textContent = "Enter a title.";
      return;
    }
    call("POST", "/api/todos", { title: title }).then(function (data) {
      if (data) { input.value = ""; }
    });
  });
  list.addEventListener("change", function (event) {
    var target = event.target;
    if (target.classList.contains("toggle")) {
      call("PATCH", "/api/todos/" + target.closest("li").dataset.id, { done: target.checked });
    }
  });
  list.addEventListener("click", function (event) {
    var target = event.target;
    if (target.classList.contains("delete")) {
      call("DELETE", "/api/todos/" + target.closest("li").dataset.id);
    }
  });
  document.getElementById("clear-completed").addEventListener("click", function () {
    call("POST", "/api/todos/clear-completed");
  });
})();
