// Quantity changes and removals go to the JSON API, then the page reloads from the server.
(function () {
  "use strict";
  var status = document.getElementById("cart-status");

  function send(productId, method, body) {
    status.textContent = "Updating cart…";
    return fetch("/api/cart/" + productId, {
      method: method,
      headers: { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(function (response) {
      if (response.ok) {
        window.location.reload();
      } else {
        return response.json().then(function (data) { status.textContent = data.error.message; });
      }
    });
  }

  document.querySelectorAll(".cart-qty").forEach(function (input) {
    input.addEventListener("change", function () {
      send(input.dataset.productId, "PATCH", { qty: Number(input.value) });
    });
  });
  document.querySelectorAll(".cart-remove").forEach(function (button) {
    button.addEventListener("click", function () {
      send(button.dataset.productId, "DELETE");
    });
  });
})();
