// Accordion: each button toggles its panel and keeps aria-expanded in step.
(function () {
  "use strict";
  document.querySelectorAll(".accordion button[aria-controls]").forEach(function (button) {
    button.addEventListener("click", function () {
      var expanded = button.getAttribute("aria-expanded") === "true";
      button.setAttribute("aria-expanded", String(!expanded));
      document.getElementById(button.getAttribute("aria-controls")).hidden = expanded;
    });
  });
})();
