// <pupi-greeting>: a custom element whose input, button and output live in an open shadow root.
(function () {
  "use strict";
  class PupiGreeting extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) { return; }
      var root = this.attachShadow({ mode: "open" });
      root.innerHTML =
        "<style>p { margin: 6px 0; } button { font: inherit; }</style>" +
        '<p class="shadow-text">This text is inside a shadow root.</p>' +
        '<label for="shadow-name">Name in shadow</label> ' +
        '<input id="shadow-name" type="text"> ' +
        '<button type="button" id="shadow-button">Greet</button>' +
        '<p id="shadow-result" role="status"></p>';
      root.getElementById("shadow-button").addEventListener("click", function () {
        var name = root.getElementById("shadow-name").value.trim() || "stranger";
        root.getElementById("shadow-result").textContent = "Hello from the shadow, " + name + "!";
      });
    }
  }
  customElements.define("pupi-greeting", PupiGreeting);
})();
