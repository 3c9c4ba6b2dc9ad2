/* The staff review page (dashboard/review/item.html): keyboard shortcuts and the item's map.
   A shortcut is an element with data-shortcut="<keys>" (clicked, or focused when
   data-shortcut-action="focus"); keys typed into a field, or with Ctrl/Alt/Meta, are left alone.
   Map labels are data: given to Leaflet as text nodes, never as HTML. */
(function () {
  "use strict";

  function typing(el) {
    if (!el || !el.tagName) { return false; }
    var tag = el.tagName.toUpperCase();
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  function shortcutFor(key) {
    var found = null;
    document.querySelectorAll("[data-shortcut]").forEach(function (el) {
      if (!found && el.getAttribute("data-shortcut").split(" ").indexOf(key) !== -1) { found = el; }
    });
    return found;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    if (!event.key || event.key.length !== 1) { return; }
    var el = shortcutFor(event.key.toLowerCase());
    if (!el) { return; }
    event.preventDefault();
    if (el.getAttribute("data-shortcut-action") === "focus") { el.focus(); } else { el.click(); }
  });

  window.reviewMap = function (map) {
    var wrap = document.getElementById("review-map-wrap");
    var latlng = [parseFloat(wrap.dataset.lat), parseFloat(wrap.dataset.lon)];
    var name = document.createElement("strong");
    name.textContent = wrap.dataset.name;
    L.marker(latlng, { title: wrap.dataset.name, alt: wrap.dataset.name }).addTo(map).bindPopup(name);
    var data = document.getElementById("review-nearby");
    var nearby = data ? JSON.parse(data.textContent) : [];
    if (Array.isArray(nearby)) {
      nearby.forEach(function (p) {
        var label = document.createElement("span");
        label.textContent = p.label;
        L.circleMarker([p.lat, p.lon], { radius: 7, color: "#b3261e" }).addTo(map).bindTooltip(label);
      });
      L.circle(latlng, { radius: 10, color: "#1f6f43", fill: false }).addTo(map);  // the 10 m searched for duplicates
    }
    map.setView(latlng, 18);
  };
})();
