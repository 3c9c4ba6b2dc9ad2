/* The register form without signal (docs/pwa.md): with no connection the form is kept on the
   device (static/js/outbox.js) and listed as "Menunggu sinyal"; when the connection returns
   (Background Sync, the "online" event or the next visit) it is sent once and shows "Terkirim"
   with the planting's status. Every word comes from the page's data-* attributes. */
(function () {
  "use strict";

  var box = document.getElementById("outbox");
  var Outbox = window.BlitarOutbox;
  if (!box || !Outbox || !window.indexedDB) return;
  var list = document.getElementById("outbox-list");
  var note = document.getElementById("outbox-note");
  var form = document.getElementById("register-form");
  var text = box.dataset;

  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  function describe(entry) {
    var f = entry.fields;
    return [entry.speciesName || "", text.trees + ": " + (f.tree_count || "1"), f.planted_on || ""]
      .filter(Boolean).join(" · ");
  }

  function renderEntry(entry) {
    var item = el("li", "outbox-item outbox-" + entry.state);
    item.dataset.key = entry.key;
    item.appendChild(el("strong", "", describe(entry)));
    var status = el("p", "outbox-status");
    if (entry.state === "waiting") {
      status.textContent = text.waiting;
    } else if (entry.state === "sent") {
      status.textContent = text.sent + " · " + (entry.result.status_label || "");
      var link = el("a", "", text.open);
      link.href = entry.result.url;
      status.appendChild(document.createTextNode(" "));
      status.appendChild(link);
    } else {
      status.textContent = text.refused;
    }
    item.appendChild(status);
    var errors = (entry.result && entry.result.errors) || {};
    var warnings = (entry.result && entry.result.warnings) || [];
    var lines = [];
    Object.keys(errors).forEach(function (name) { lines = lines.concat(errors[name]); });
    lines = lines.concat(warnings);
    if (lines.length) {
      var messages = el("ul", entry.state === "refused" ? "outbox-errors" : "outbox-warnings");
      lines.forEach(function (line) { messages.appendChild(el("li", "", line)); });
      item.appendChild(messages);
    }
    if (entry.state !== "waiting") {
      var remove = el("button", "btn btn-small btn-secondary", text.remove);
      remove.type = "button";
      remove.addEventListener("click", function () { Outbox.remove(entry.key).then(render); });
      item.appendChild(remove);
    }
    return item;
  }

  function render() {
    return Outbox.all().then(function (entries) {
      list.textContent = "";
      entries.forEach(function (entry) { list.appendChild(renderEntry(entry)); });
      box.hidden = entries.length === 0;
    });
  }

  function flush() {
    if (!navigator.onLine) return render();
    return Outbox.flush().then(render);
  }

  function keyField() {
    return form && form.querySelector("[name=client_key]");
  }

  function newKey() {
    var field = keyField();
    if (field && !field.value) field.value = Outbox.newKey(); // online double-submits are one planting too
  }

  function saveOffline(event) {
    if (navigator.onLine) return; // online: the ordinary form post, messages at the page
    event.preventDefault();
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (input) {
      if (!input.name || input.type === "file" || input.name === "csrfmiddlewaretoken" || input.name === "client_key") return;
      if ((input.type === "checkbox" || input.type === "radio") && !input.checked) return;
      fields[input.name] = input.value;
    });
    var photoInput = form.querySelector("input[type=file][name=photo]");
    var photo = photoInput && photoInput.files.length ? photoInput.files[0] : null;
    var species = form.querySelector("[name=species]");
    var entry = {
      key: keyField().value || Outbox.newKey(),
      savedAt: new Date().toISOString(),
      state: "waiting",
      fields: fields,
      photo: photo,
      photoName: photo ? photo.name : "",
      speciesName: species && species.selectedIndex > 0 ? species.options[species.selectedIndex].text : "",
      csrf: form.querySelector("[name=csrfmiddlewaretoken]").value,
    };
    Outbox.put(entry).then(function () {
      keyField().value = Outbox.newKey(); // the next tree is a new planting
      if (photoInput) photoInput.value = "";
      note.textContent = text.saved;
      if ("serviceWorker" in navigator) {
        navigator.serviceWorker.ready.then(function (registration) {
          if (registration.sync) return registration.sync.register(Outbox.SYNC_TAG);
        }).catch(function () {});
      }
      return render();
    }).then(function () {
      box.scrollIntoView({ block: "start" });
    });
  }

  newKey();
  if (form) form.addEventListener("submit", saveOffline);
  window.addEventListener("online", flush);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "OUTBOX_CHANGED") render();
    });
  }
  flush();
})();
