// Fixed delays, so that wait strategies can be tested deterministically.
(function () {
  "use strict";
  var CONTENT_DELAY_MS = 500;
  var BUTTON_DELAY_MS = 1500;
  var content = document.getElementById("slow-content");
  var button = document.getElementById("continue-button");

  setTimeout(function () {
    var message = document.createElement("p");
    message.id = "loaded-message";
    message.textContent = "Data loaded: 42 widgets in stock";
    content.replaceChildren(message);
    content.setAttribute("aria-busy", "false");
  }, CONTENT_DELAY_MS);

  setTimeout(function () { button.disabled = false; }, BUTTON_DELAY_MS);
  button.addEventListener("click", function () {
    document.getElementById("continue-result").textContent = "Continued!";
  });

  document.getElementById("load-report").addEventListener("click", function () {
    var result = document.getElementById("report-result");
    result.textContent = "Loading report…";
    fetch("/api/slow?ms=800")
      .then(function (response) { return response.json(); })
      .then(function (data) { result.textContent = data.message; });
  });
})();
