// Remember who logged in last, as many sites do for their login form: a value in
// local storage next to the session cookie, for saved storage states to carry.
(function () {
  "use strict";
  var form = document.querySelector("form[data-remember-key]");
  if (!form) return;
  form.addEventListener("submit", function () {
    var username = form.elements.username.value.trim();
    if (username) localStorage.setItem(form.dataset.rememberKey, username);
  });
})();
