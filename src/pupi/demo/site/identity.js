// Fills /whoami and /browser-info from what the page's script can see. Each page
// marks its element data-ready when done, so tests wait for that, not for time.
(function () {
  "use strict";
  var remembered = document.getElementById("remembered-user");
  if (remembered) {
    remembered.textContent = localStorage.getItem(remembered.dataset.key) || "nobody";
    remembered.dataset.ready = "true";
  }

  var info = document.getElementById("browser-info");
  if (!info) return;
  function show(id, value) { document.getElementById(id).textContent = String(value); }
  function colorScheme() {
    if (matchMedia("(prefers-color-scheme: dark)").matches) return "dark";
    if (matchMedia("(prefers-color-scheme: light)").matches) return "light";
    return "no-preference";
  }
  show("user-agent", navigator.userAgent);
  show("language", navigator.language);
  show("languages", navigator.languages.join(", "));
  show("time-zone", Intl.DateTimeFormat().resolvedOptions().timeZone);
  show("color-scheme", colorScheme());
  show("viewport-width", window.innerWidth);
  show("screen-width", screen.width);
  show("touch-points", navigator.maxTouchPoints);

  function done(geolocation) {
    show("geolocation", geolocation);
    info.dataset.ready = "true";
  }
  if (!navigator.geolocation || !navigator.permissions) {
    done("unavailable");
    return;
  }
  // Ask for the position only when already granted: a prompt would never be
  // answered in a headless browser, and the page would never be ready.
  navigator.permissions.query({ name: "geolocation" }).then(function (status) {
    if (status.state !== "granted") {
      done(status.state);
      return;
    }
    navigator.geolocation.getCurrentPosition(
      function (position) { done(position.coords.latitude + "," + position.coords.longitude); },
      function (error) { done("error: " + error.message); },
      { timeout: 10000 }
    );
  });
})();
