// The waiting-room display: polls the JSON of /kesehatan/antrean/<slug>/data/ and writes the
// numbers as text (never HTML). No inline code: CSP-safe.
(function () {
  "use strict";
  var root = document.querySelector("[data-queue-url]");
  if (!root) return;
  var url = root.getAttribute("data-queue-url");
  var every = 5000;

  function set(scope, field, value) {
    var node = scope.querySelector('[data-field="' + field + '"]');
    if (node) node.textContent = value;
  }

  function render(data) {
    (data.services || []).forEach(function (s) {
      var box = root.querySelector('[data-service-id="' + s.id + '"]');
      if (!box) return;
      var before = box.querySelector('[data-field="now_serving"]').textContent;
      var now = s.now_serving === null ? "—" : String(s.now_serving);
      set(box, "now_serving", now);
      set(box, "desk", s.desk || "");
      set(box, "recent", s.recent.length ? s.recent.join(", ") : "—");
      set(box, "waiting", String(s.waiting));
      if (before !== now) {
        box.classList.remove("queue-called");
        void box.offsetWidth;
        box.classList.add("queue-called");
      }
    });
    set(root, "updated_at", (data.updated_at || "").slice(11, 16));
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) render(data); })
      .catch(function () {})
      .then(function () { window.setTimeout(poll, every); });
  }
  window.setTimeout(poll, every);
})();
