/* Plantings registered without signal (docs/pwa.md): kept in IndexedDB on the device and sent
   once the connection returns. Loaded by the register page (tanam/static/tanam/outbox-ui.js uses it)
   and by the service worker (importScripts, for Background Sync). Every entry carries an
   idempotency key: sending it again (two tabs, a retried sync) returns the same planting. */
(function (scope) {
  "use strict";

  var DB_NAME = "blitar-outbox";
  var STORE = "plantings";
  var SEND_URL = "/tanam/daftar/kirim/";
  var FORM_URL = "/tanam/daftar/";

  function open() {
    return new Promise(function (resolve, reject) {
      var request = scope.indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "key" });
      };
      request.onsuccess = function () {
        resolve(request.result);
      };
      request.onerror = function () {
        reject(request.error);
      };
    });
  }

  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () {
          db.close();
          resolve(result && "result" in result ? result.result : result);
        };
        tx.onerror = function () {
          db.close();
          reject(tx.error);
        };
      });
    });
  }

  function all() {
    return run("readonly", function (store) {
      return store.getAll();
    }).then(function (entries) {
      return entries.sort(function (a, b) {
        return a.savedAt < b.savedAt ? -1 : 1;
      });
    });
  }

  function put(entry) {
    return run("readwrite", function (store) {
      store.put(entry);
    });
  }

  function remove(key) {
    return run("readwrite", function (store) {
      store.delete(key);
    });
  }

  function freshToken() {
    return fetch(FORM_URL, { credentials: "same-origin" })
      .then(function (response) {
        return response.text();
      })
      .then(function (html) {
        var match = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(html);
        return match ? match[1] : "";
      });
  }

  function post(entry, token) {
    var body = new FormData();
    Object.keys(entry.fields).forEach(function (name) {
      body.append(name, entry.fields[name]);
    });
    body.append("client_key", entry.key);
    if (entry.photo) body.append("photo", entry.photo, entry.photoName || "foto.jpg");
    return fetch(SEND_URL, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, Accept: "application/json" },
    });
  }

  // One entry: 200/201 → sent (the planting's page and status); 400 → the same messages as the
  // form online; 403 (an old CSRF token after signing in again) → once more with a fresh token;
  // no connection or anything else → still waiting.
  function send(entry) {
    return post(entry, entry.csrf)
      .then(function (response) {
        if (response.status !== 403) return response;
        return freshToken().then(function (token) {
          entry.csrf = token;
          return post(entry, token);
        });
      })
      .then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("json") >= 0;
        if (!json) return false;
        return response.json().then(function (data) {
          if (response.ok) {
            entry.state = "sent";
            entry.result = data;
            entry.photo = null; // the server has it; free the device's storage
          } else if (response.status === 400) {
            entry.state = "refused";
            entry.result = data;
          } else {
            entry.result = data;
            return put(entry).then(function () { return false; });
          }
          return put(entry).then(function () { return true; });
        });
      })
      .catch(function () {
        return false;
      });
  }

  var flushing = null;

  // Sends every waiting entry, one after the other; resolves to true when any changed.
  function flush() {
    if (flushing) return flushing;
    flushing = all()
      .then(function (entries) {
        var waiting = entries.filter(function (e) { return e.state === "waiting"; });
        return waiting.reduce(function (chain, entry) {
          return chain.then(function (changed) {
            return send(entry).then(function (sent) { return changed || sent; });
          });
        }, Promise.resolve(false));
      })
      .then(
        function (changed) { flushing = null; return changed; },
        function () { flushing = null; return false; }
      );
    return flushing;
  }

  function newKey() {
    if (scope.crypto && scope.crypto.randomUUID) return scope.crypto.randomUUID();
    var bytes = scope.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  scope.BlitarOutbox = {
    SYNC_TAG: "tanam-outbox",
    all: all,
    put: put,
    remove: remove,
    flush: flush,
    newKey: newKey,
  };
})(self);
