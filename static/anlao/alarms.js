// Live SLA timers on the alarm pages. Each .alarm-timer counts up from data-raised-at; an
// alarm not acknowledged within data-ack-minutes turns red. The server's clock is the
// reference (data-server-now on the nearest container), so a wrong PC clock does not lie.
// htmx swaps the list every 15 s; timers are looked up on every tick, so new rows just work.
(function () {
  "use strict";

  function offsetFor(el) {
    var box = el.closest("[data-server-now]");
    if (!box) { return 0; }
    if (!box.dataset.clientSeen) { box.dataset.clientSeen = String(Date.now()); }
    return Date.parse(box.dataset.serverNow) - Number(box.dataset.clientSeen);
  }

  function format(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    var mm = (h && m < 10 ? "0" : "") + m, ss = (r < 10 ? "0" : "") + r;
    return (h ? h + ":" : "") + mm + ":" + ss;
  }

  function tick() {
    document.querySelectorAll(".alarm-timer").forEach(function (el) {
      var raised = Date.parse(el.dataset.raisedAt);
      if (isNaN(raised)) { return; }
      var end = el.dataset.closedAt ? Date.parse(el.dataset.closedAt) : Date.now() + offsetFor(el);
      var seconds = (end - raised) / 1000;
      var overdue = !el.dataset.acknowledged && seconds > Number(el.dataset.ackMinutes || 0) * 60;
      el.textContent = format(seconds);
      el.classList.toggle("text-bg-danger", overdue);
      el.classList.toggle("alarm-overdue", overdue);
      el.classList.toggle("text-bg-warning", !overdue && !el.dataset.acknowledged);
    });
  }

  tick();
  window.setInterval(tick, 1000);
  document.body.addEventListener("htmx:afterSwap", tick);
})();
