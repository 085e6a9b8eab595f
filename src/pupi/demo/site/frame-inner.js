// The form inside /frames' iframe: answers on the page and records a submission.
(function () {
  "use strict";
  document.getElementById("frame-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var email = document.getElementById("frame-email").value.trim();
    var result = document.getElementById("frame-result");
    if (!email) {
      result.textContent = "Enter an email address.";
      return;
    }
    result.textContent = "Thanks, " + email + " joined from the frame.";
    fetch("/api/submit", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ form: "frame", fields: { email: email } }),
    });
  });
})();
