/* The installable app on every page (docs/pwa.md): registers /sw.js, offers a new version,
   marks pages read offline with their fetch time, offers installing and browser notifications
   after a useful action. */
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

  // Web Push opt-in (docs/notifications.md): #push-offer is rendered only after a useful action (a
  // booking, a planting, "Kabari saya"), #push-device on the notification settings page; nothing
  // asks for permission until the person presses "Aktifkan". "Tidak, terima kasih" = 30 days.
  var PUSH_DISMISSED = "blitar-push-dismissed";
  var PUSH_API = "/api/v1/push/subscriptions/";

  function pushSupported() {
    return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  }

  function applicationServerKey(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function pushApi(method, body, csrf) {
    return fetch(PUSH_API, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
    }).then(function (response) {
      if (!response.ok) throw new Error("push api " + response.status);
      return response;
    });
  }

  function currentPush() {
    return navigator.serviceWorker.getRegistration("/").then(function (registration) {
      return registration ? registration.pushManager.getSubscription() : null;
    });
  }

  function pushKey() {
    return fetch("/api/v1/push/vapid-public-key/", { credentials: "same-origin" }).then(function (response) {
      return response.json();
    });
  }

  function pushOn(csrf) {
    return pushKey()
      .then(function (key) {
        if (!key.enabled) throw new Error("push off");
        return window.Notification.requestPermission().then(function (permission) {
          if (permission !== "granted") throw new Error("denied");
          return navigator.serviceWorker.ready;
        }).then(function (registration) {
          return registration.pushManager.subscribe({
            userVisibleOnly: true,
            applicationServerKey: applicationServerKey(key.public_key),
          });
        });
      })
      .then(function (subscription) { return pushApi("POST", subscription.toJSON(), csrf); });
  }

  function pushOff(csrf) {
    return currentPush().then(function (subscription) {
      if (!subscription) return null;
      return pushApi("DELETE", { endpoint: subscription.endpoint }, csrf).then(function () {
        return subscription.unsubscribe();
      });
    });
  }

  // One bar or block: its text, "Aktifkan" / "Matikan" follow this device's state.
  function pushControl(box, offer) {
    if (!box || !pushSupported() || window.Notification.permission === "denied") return;
    var text = box.querySelector("[data-push-text]");
    var on = box.querySelector("[data-push-on]");
    var off = box.querySelector("[data-push-off]");
    var dismiss = box.querySelector("[data-push-dismiss]");
    var csrf = box.dataset.csrf || "";
    function state(subscribed, message) {
      if (message) text.textContent = message;
      on.hidden = subscribed;
      off.hidden = !subscribed;
      if (dismiss) dismiss.hidden = subscribed;
    }
    on.addEventListener("click", function () {
      on.disabled = true;
      pushOn(csrf).then(function () { state(true, box.dataset.done); }, function () {
        state(false, box.dataset.error);
      }).then(function () { on.disabled = false; });
    });
    off.addEventListener("click", function () {
      pushOff(csrf).then(function () { state(false, box.dataset.off); }, function () {
        state(true, box.dataset.error);
      });
    });
    if (dismiss) {
      dismiss.addEventListener("click", function () {
        box.hidden = true;
        window.localStorage.setItem(PUSH_DISMISSED, String(Date.now()));
      });
    }
    var dismissed = Number(window.localStorage.getItem(PUSH_DISMISSED) || 0);
    if (offer && Date.now() - dismissed < 30 * 864e5) return;
    Promise.all([pushKey(), currentPush()]).then(function (found) {
      var subscription = found[1];
      if (!found[0].enabled || (offer && subscription)) return; // push off on the server, or already on here
      state(Boolean(subscription), subscription ? box.dataset.done : "");
      box.hidden = false;
    }, function () {});
  }

  markOfflineCopy();
  pushControl(doc.getElementById("push-offer"), true);
  pushControl(doc.getElementById("push-device"), false);
  forgetPagesOnLogout();
  listSavedPages();
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(watchUpdates).catch(function () {});
  }
})();
