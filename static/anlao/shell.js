// Site-wide behaviour that CSP keeps out of inline handlers.
(function () {
  "use strict";
  // <form data-confirm="Really?">: ask before submitting (e.g. revoking an API token).
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
  // Select the one-time API token on focus so it is easy to copy.
  var raw = document.getElementById("raw-token");
  if (raw) { raw.addEventListener("focus", function () { raw.select(); }); raw.focus(); }
})();
