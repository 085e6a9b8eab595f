// Shows the summary at once (no page load), then records the submission in the background.
(function () {
  "use strict";
  var form = document.getElementById("bench-form");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || element.name in fields) { return; }
      var values = new FormData(form).getAll(element.name);
      fields[element.name] = element.name === "interests" ? values : (values[0] || "");
    });
    var list = document.getElementById("bench-values");
    list.replaceChildren();
    Object.keys(fields).forEach(function (name) {
      var term = document.createElement("dt");
      term.textContent = name;
      var value = document.createElement("dd");
      var raw = fields[name];
      value.textContent = Array.isArray(raw) ? raw.join(", ") : raw;
      list.append(term, value);
    });
    var filled = Object.keys(fields).filter(function (name) { return fields[name].length > 0; });
    document.getElementById("bench-result").textContent =
      "Form submitted: " + filled.length + " of " + Object.keys(fields).length + " fields filled.";
    document.getElementById("bench-summary").hidden = false;
    fetch("/api/submit", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ form: "benchmark", fields: fields }),
    });
  });
})();
