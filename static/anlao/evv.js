// EVV check-in/out: fill the form's lat/lng from the browser's Geolocation API, then submit.
// When no position can be had, say so and offer "continue without a position" (no_gps=1),
// which the server records and flags for review. No inline JS: the CSP is script-src 'self'.
(function () {
  "use strict";

  function say(form, text, bad) {
    var status = form.querySelector("[data-evv-status]");
    if (!status) { return; }
    status.textContent = text;
    status.classList.toggle("text-danger", !!bad);
  }

  function unavailable(form) {
    var submit = form.querySelector("[data-evv-submit]");
    var nogps = form.querySelector("[data-evv-nogps]");
    if (submit) { submit.disabled = false; }
    say(form, form.dataset.msgUnavailable, true);
    if (nogps) { nogps.hidden = false; }
  }

  function locate(form) {
    var submit = form.querySelector("[data-evv-submit]");
    if (!navigator.geolocation) { unavailable(form); return; }
    if (submit) { submit.disabled = true; }
    say(form, form.dataset.msgLocating, false);
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.elements.lat.value = pos.coords.latitude.toFixed(6);
      form.elements.lng.value = pos.coords.longitude.toFixed(6);
      form.dataset.evvReady = "1";
      form.submit();  // does not fire "submit" again
    }, function () {
      unavailable(form);
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  document.querySelectorAll("form[data-evv-geo]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var by = event.submitter;
      if (form.dataset.evvReady === "1" || (by && by.name === "no_gps")) { return; }
      event.preventDefault();
      locate(form);
    });
  });
}());
