// Add to cart through the JSON API, so the page stays put; the form still works without JS.
(function () {
  "use strict";
  var status = document.getElementById("shop-status");
  var count = document.getElementById("cart-count");
  document.querySelectorAll("form.add-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var productId = Number(form.elements.product_id.value);
      var qty = Number(form.elements.qty.value || "1");
      var name = document.getElementById("product-" + productId + "-name").textContent;
      fetch("/api/cart", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ product_id: productId, qty: qty }),
      })
        .then(function (response) {
          return response.json().then(function (data) { return { ok: response.ok, data: data }; });
        })
        .then(function (result) {
          if (!result.ok) {
            status.textContent = result.data.error.message;
            return;
          }
          count.textContent = String(result.data.count);
          status.textContent = "Added " + name + " to cart.";
        });
    });
  });
})();
