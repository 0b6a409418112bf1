// Assessment entry (progressive enhancement; htmx does the autosave itself).
// - Shows the server's 400/409 answers (htmx leaves error responses unswapped by default).
// - Keeps unsent answers in localStorage when the connection drops, puts them back after a
//   reload, and saves them again when the connection returns.
(function () {
  "use strict";
  var form = document.getElementById("step-form");
  if (!form || typeof htmx === "undefined") { return; }
  var key = form.getAttribute("data-autosave-key");
  var note = document.getElementById("offline-note");
  var retryTimer = null;

  function answers() {
    var out = {};
    form.querySelectorAll("input[type=radio]:checked").forEach(function (input) {
      out[input.name] = input.value;
    });
    return out;
  }

  function keepPending() {
    try { window.localStorage.setItem(key, JSON.stringify(answers())); } catch (e) { /* full or off */ }
    if (note) { note.classList.remove("d-none"); }
    if (!retryTimer) { retryTimer = window.setInterval(save, 15000); }
  }

  function clearPending() {
    try { window.localStorage.removeItem(key); } catch (e) { /* ignore */ }
    if (note) { note.classList.add("d-none"); }
    if (retryTimer) { window.clearInterval(retryTimer); retryTimer = null; }
  }

  function save() { htmx.trigger(form, "change"); }

  function restore() {
    var raw = null;
    try { raw = window.localStorage.getItem(key); } catch (e) { return; }
    if (!raw) { return; }
    var saved = {};
    try { saved = JSON.parse(raw) || {}; } catch (e) { return; }
    Object.keys(saved).forEach(function (name) {
      form.querySelectorAll("input[type=radio]").forEach(function (input) {
        if (input.name === name && input.value === saved[name]) { input.checked = true; }
      });
    });
    save();
  }

  form.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 400 || status === 409) { event.detail.shouldSwap = true; event.detail.isError = false; }
  });
  form.addEventListener("htmx:sendError", keepPending);
  form.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) { clearPending(); }
  });
  window.addEventListener("online", function () {
    try { if (window.localStorage.getItem(key)) { save(); } } catch (e) { /* ignore */ }
  });
  restore();
})();
