/* The installable app on every page (docs/pwa.md): registers /sw.js, offers a new version,
   marks pages read offline with their fetch time, offers installing after a useful action. */
(function () {
  "use strict";

  var doc = document;

  // "data per 14:05, Anda sedang offline": the service worker put the fetch time on the page.
  function markOfflineCopy() {
    var banner = doc.getElementById("offline-banner");
    if (!banner || !banner.dataset.offlineAt) return;
    var at = new Date(banner.dataset.offlineAt);
    if (isNaN(at.getTime())) return;
    // In the portal's time zone (WIB), like every time the pages print, whatever the device's zone.
    var zone = { timeZone: banner.dataset.timeZone || "Asia/Jakarta" };
    var time = new Intl.DateTimeFormat("en-GB", Object.assign({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" }, zone)).format(at);
    var day = new Intl.DateTimeFormat("en-CA", zone);
    if (day.format(at) !== day.format(new Date())) {
      var options = Object.assign({ day: "numeric", month: "short" }, zone);
      time = at.toLocaleDateString(doc.documentElement.lang || "id", options) + " " + time;
    }
    banner.textContent = (banner.dataset.text || "").replace("{time}", time);
    banner.hidden = false;
  }

  function showBar(bar) {
    if (bar) bar.hidden = false;
  }

  // "Versi baru tersedia": a new worker waits until the person chooses to reload.
  function watchUpdates(registration) {
    var bar = doc.getElementById("pwa-update");
    function offer(worker) {
      if (!bar || !navigator.serviceWorker.controller) return; // the first install is not an update
      showBar(bar);
      bar.querySelector("button").addEventListener("click", function () {
        worker.postMessage({ type: "SKIP_WAITING" });
      });
    }
    if (registration.waiting) offer(registration.waiting);
    registration.addEventListener("updatefound", function () {
      var worker = registration.installing;
      if (!worker) return;
      worker.addEventListener("statechange", function () {
        if (worker.state === "installed") offer(worker);
      });
    });
    var reloading = false;
    navigator.serviceWorker.addEventListener("controllerchange", function () {
      if (reloading || !bar || bar.hidden) return;
      reloading = true;
      window.location.reload();
    });
  }

  // Install offer: only after something useful was done (a booking sent, a planting registered),
  // which the server marks with the "offer-install" message; never on arrival; "Nanti saja" = 30 days.
  var DISMISSED = "blitar-install-dismissed";
  var deferredPrompt = null;

  function installWanted() {
    var dismissed = Number(window.localStorage.getItem(DISMISSED) || 0);
    return doc.body.hasAttribute("data-offer-install") && Date.now() - dismissed > 30 * 864e5;
  }

  function offerInstall() {
    var bar = doc.getElementById("pwa-install");
    if (!bar || !deferredPrompt || !installWanted()) return;
    showBar(bar);
    bar.querySelector("[data-install]").addEventListener("click", function () {
      bar.hidden = true;
      deferredPrompt.prompt();
      deferredPrompt = null;
    });
    bar.querySelector("[data-dismiss]").addEventListener("click", function () {
      bar.hidden = true;
      window.localStorage.setItem(DISMISSED, String(Date.now()));
    });
  }

  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault(); // no browser banner on arrival
    deferredPrompt = event;
    offerInstall();
  });

  // Signing out forgets the pages kept for offline reading (tickets, own plantings).
  function forgetPagesOnLogout() {
    doc.querySelectorAll("form[data-logout]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.caches || form.dataset.forgotten) return;
        event.preventDefault(); // sign out only once the copies are gone
        form.dataset.forgotten = "1";
        var done = function () { form.submit(); };
        window.caches.delete("pages-v1").then(done, done);
      });
    });
  }

  // The offline page lists what can still be read.
  function listSavedPages() {
    var list = doc.getElementById("offline-saved");
    if (!list || !window.caches) return;
    window.caches.open("pages-v1").then(function (cache) {
      return cache.keys();
    }).then(function (requests) {
      if (!requests.length) {
        var empty = doc.createElement("li");
        empty.textContent = list.dataset.empty;
        list.appendChild(empty);
      }
      requests.forEach(function (request) {
        var url = new URL(request.url);
        var item = doc.createElement("li");
        var link = doc.createElement("a");
        link.href = url.pathname + url.search;
        link.textContent = url.pathname + url.search;
        item.appendChild(link);
        list.appendChild(item);
      });
    });
  }

  markOfflineCopy();
  forgetPagesOnLogout();
  listSavedPages();
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(watchUpdates).catch(function () {});
  }
})();
