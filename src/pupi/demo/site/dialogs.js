// Modal <dialog>, window.confirm, window.alert and window.prompt; each answer is shown and recorded.
(function () {
  "use strict";
  function record(event, value) {
    fetch("/api/events", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ page: "dialogs", event: event, value: value }),
    });
  }
  function show(id, text) { document.getElementById(id).textContent = text; }

  var dialog = document.getElementById("confirm-dialog");
  document.getElementById("open-modal").addEventListener("click", function () {
    dialog.showModal();
  });
  document.getElementById("modal-confirm").addEventListener("click", function () {
    dialog.close("confirm");
  });
  document.getElementById("modal-cancel").addEventListener("click", function () {
    dialog.close("cancel");
  });
  dialog.addEventListener("close", function () {
    var confirmed = dialog.returnValue === "confirm";
    show("modal-result", confirmed ? "You confirmed the dialog." : "You cancelled the dialog.");
    record("modal", confirmed ? "confirmed" : "cancelled");
    dialog.returnValue = "";
  });

  document.getElementById("ask-confirm").addEventListener("click", function () {
    var ok = window.confirm("Do you want to continue?");
    show("confirm-result", ok ? "Confirm result: OK" : "Confirm result: Cancel");
    record("confirm", ok);
  });
  document.getElementById("show-alert").addEventListener("click", function () {
    window.alert("Hello from Pupi Demo!");
    show("alert-result", "Alert dismissed");
    record("alert", "dismissed");
  });
  document.getElementById("ask-prompt").addEventListener("click", function () {
    var name = window.prompt("What is your name?", "");
    show("prompt-result", name ? "Hello, " + name + "!" : "Prompt cancelled");
    record("prompt", name);
  });
})();
