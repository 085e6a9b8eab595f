// /popups: the button opens /popups/opened with window.open and says whether the
// browser allowed it. /popups/opened: its button closes the tab.
(function () {
  "use strict";
  var open = document.getElementById("open-popup");
  if (open) {
    var status = document.getElementById("popup-status");
    open.addEventListener("click", function () {
      var popup = window.open("/popups/opened?by=button", "_blank");
      status.textContent = popup ? "Popup opened." : "The browser blocked the popup.";
    });
  }
  var close = document.getElementById("close-tab");
  if (close) {
    close.addEventListener("click", function () { window.close(); });
  }
})();
