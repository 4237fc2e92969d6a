// Live refresh of the latest alerts: every N seconds the page asks the server for the
// same list again (?partial=1) and swaps it in when something new arrived.
// No inline script anywhere: the Content-Security-Policy allows scripts from here only.
(function () {
  "use strict";
  var region = document.getElementById("live-region");
  if (!region || !region.dataset.refresh) { return; }
  var every = parseInt(region.dataset.refresh, 10) * 1000;
  var status = document.getElementById("live");

  function current() { return document.getElementById("alert-list"); }

  function refresh() {
    var url = new URL(window.location.href);
    url.searchParams.set("partial", "1");
    fetch(url.toString(), { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (answer) { return answer.ok ? answer.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("alert-list");
        var shown = current();
        if (!fresh || !shown || fresh.dataset.newest === shown.dataset.newest) { return; }
        var added = parseInt(fresh.dataset.total, 10) - parseInt(shown.dataset.total, 10);
        shown.replaceWith(document.importNode(fresh, true));
        if (status && added > 0) {
          status.textContent = status.dataset.newText.replace("{n}", String(added));
          status.classList.add("fresh");
        }
      })
      .catch(function () { /* offline for a moment: try again at the next tick */ });
  }

  window.setInterval(refresh, every);
})();
