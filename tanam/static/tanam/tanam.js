/* Gerakan Bangga Menanam maps: public clusters, registration pin, land-cover choropleth.
   Leaflet comes from django-leaflet's static files; no tiles are needed for any of this.
   Every text a person reads comes from the page (data-* attributes rendered with {% translate %}),
   so it is in the visitor's language; this file holds no words. */
(function () {
  "use strict";

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
  }

  /* Every string from data goes into the page as text: el("strong", {}, [name]) makes
     <strong> with a text node, never markup (a species or community name is data). */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
    });
    return node;
  }

  function drawOutlines(map, url) {
    return getJSON(url).then(function (data) {
      L.geoJSON(data.kecamatan, { interactive: false, style: { color: "#0b5d4b", weight: 1, fill: false } }).addTo(map);
      L.geoJSON(data.regency, { interactive: false, style: { color: "#074536", weight: 3, fill: false } }).addTo(map);
    });
  }

  /* --- Public map ------------------------------------------------------------------ */
  window.tanamPublicMap = function (map) {
    var wrap = document.getElementById("tanam-map-wrap");
    var status = document.getElementById("tanam-map-status");
    var layer = L.layerGroup().addTo(map);
    var seq = 0;
    if (!map._builtInBase) { drawOutlines(map, wrap.dataset.outlinesUrl); }  /* the built-in base has them */

    /* Clusters and pins are at least 44 px to tap (WCAG 2.5.5); a pin's visible dot is smaller. */
    function clusterMarker(f, latlng) {
      var trees = f.properties.trees;
      var size = trees < 100 ? 44 : trees < 10000 ? 50 : 58;
      var label = trees >= 10000 ? Math.round(trees / 1000) + "k" : String(trees);
      var marker = L.marker(latlng, {
        icon: L.divIcon({ className: "tanam-cluster", html: el("span", {}, [label]), iconSize: [size, size] }),
        title: trees + " " + wrap.dataset.labelTrees, alt: trees + " " + wrap.dataset.labelTrees, keyboard: true
      });
      marker.on("click", function () { map.setView(latlng, Math.min(map.getZoom() + 2, 19)); });
      return marker;
    }

    function publicUrl(id) { return wrap.dataset.publicUrl.replace(/0\/$/, id + "/"); }

    function pinMarker(f, latlng) {
      var p = f.properties;
      var content = el("div", { "class": "tanam-popup" }, [
        el("strong", {}, [p.species || ""]), " ", el("em", {}, [p.scientific_name || ""]), el("br"),
        p.trees + " " + wrap.dataset.labelTrees + " · " + wrap.dataset.labelPlanted + " " + (p.planted_on || "")
      ]);
      if (p.community) { content.append(el("br"), wrap.dataset.labelCommunity + ": " + p.community); }
      if (p.photo) {
        var img = el("img", { alt: "", width: "160" });
        img.src = p.photo;
        content.append(img);
      }
      content.append(el("a", { href: publicUrl(f.id), "class": "tanam-popup-link" }, [wrap.dataset.labelOpen]));
      var marker = L.marker(latlng, {
        icon: L.divIcon({ className: "tanam-pin", html: el("span", { "class": "tanam-pin-dot" }), iconSize: [44, 44] }),
        title: p.species || "", alt: p.species || "", keyboard: true
      });
      marker.featureId = f.id;
      return marker.bindPopup(content, { autoPan: true, keepInView: true, autoPanPadding: [16, 16] });
    }

    function refresh() {
      var b = map.getBounds();
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(5); }).join(",");
      var url = wrap.dataset.clustersUrl + "?bbox=" + bbox + "&zoom=" + map.getZoom() +
        (wrap.dataset.query ? "&" + wrap.dataset.query : "");
      var mine = ++seq;
      getJSON(url).then(function (data) {
        if (mine !== seq) { return; }
        /* The pin whose popup is open stays (the move may be the popup's own auto-pan): removing it
           would close the popup under the reader's finger. */
        var kept = null;
        layer.eachLayer(function (l) { if (l.isPopupOpen && l.isPopupOpen()) { kept = l; } else { layer.removeLayer(l); } });
        L.geoJSON(data, {
          filter: function (f) { return !(kept && kept.featureId === f.id && !f.properties.cluster); },
          pointToLayer: function (f, latlng) { return f.properties.cluster ? clusterMarker(f, latlng) : pinMarker(f, latlng); }
        }).eachLayer(function (l) { layer.addLayer(l); });
        wrap.dataset.loaded = data.kind;
        status.textContent = data.features.length ? "" : wrap.dataset.textEmpty;
      }).catch(function () { status.textContent = wrap.dataset.textError; });
    }
    map.on("moveend", refresh);
    refresh();
  };

  /* --- Registration: tap to place, drag to adjust, or use my location --------------- */
  window.tanamRegisterMap = function (map) {
    var lat = document.getElementById("id_lat"), lon = document.getElementById("id_lon");
    var source = document.getElementById("id_location_source"), accuracy = document.getElementById("id_gps_accuracy_m");
    var note = document.getElementById("location-note"), button = document.getElementById("use-my-location");
    var warnAt = Number(button.dataset.warnAt || 30);
    var marker = null, circle = null;
    if (!map._builtInBase) { drawOutlines(map, button.dataset.outlinesUrl); }

    function place(latlng, how, acc) {
      if (!marker) {
        marker = L.marker(latlng, { draggable: true, title: button.dataset.markerText, alt: button.dataset.markerText }).addTo(map);
        marker.on("dragend", function () { place(marker.getLatLng(), "map"); });
      } else { marker.setLatLng(latlng); }
      lat.value = latlng.lat.toFixed(7);
      lon.value = latlng.lng.toFixed(7);
      source.value = how;
      accuracy.value = how === "gps" && acc ? Math.round(acc) : "";
      if (circle) { map.removeLayer(circle); circle = null; }
      if (how === "gps" && acc) { circle = L.circle(latlng, { radius: acc, weight: 1 }).addTo(map); }
      note.textContent = how === "gps" && acc > warnAt ? button.dataset.warnText.replace("%s", Math.round(acc)) : "";
    }

    map.on("click", function (e) { place(e.latlng, "map"); });
    [lat, lon].forEach(function (input) {
      input.addEventListener("change", function () {
        var a = parseFloat(lat.value.replace(",", ".")), o = parseFloat(lon.value.replace(",", "."));
        if (!isNaN(a) && !isNaN(o) && Math.abs(a) <= 90 && Math.abs(o) <= 180) { place(L.latLng(a, o), "map"); map.panTo([a, o]); }
      });
    });
    button.hidden = !navigator.geolocation;
    button.addEventListener("click", function () {
      note.textContent = button.dataset.waitText;
      navigator.geolocation.getCurrentPosition(function (pos) {
        var latlng = L.latLng(pos.coords.latitude, pos.coords.longitude);
        place(latlng, "gps", pos.coords.accuracy);
        map.setView(latlng, 17);
      }, function () { note.textContent = button.dataset.failText; }, { enableHighAccuracy: true, timeout: 15000 });
    });
    if (lat.value && lon.value) { place(L.latLng(parseFloat(lat.value), parseFloat(lon.value)), source.value || "map"); }
  };

  /* Searchable species list: typing narrows the options of the native select. */
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("register-form"), select = document.getElementById("id_species");
    if (!form || !select) { return; }
    var search = document.createElement("input");
    search.type = "search";
    search.id = "species-search";
    search.placeholder = form.dataset.searchLabel + "…";
    search.setAttribute("aria-label", form.dataset.searchLabel);
    select.parentNode.insertBefore(search, select);
    var options = Array.prototype.slice.call(select.options, 1);
    search.addEventListener("input", function () {
      var q = search.value.toLowerCase(), first = null;
      options.forEach(function (o) {
        var hit = o.text.toLowerCase().indexOf(q) !== -1;
        o.hidden = !hit;
        if (hit && !first) { first = o; }
      });
      if (first && q) { select.value = first.value; }
    });
  });

  /* --- Land cover choropleth with a year slider --------------------------------------- */
  window.tanamCoverMap = function (map) {
    var wrap = document.getElementById("cover-map-wrap"), slider = document.getElementById("cover-year");
    var label = document.getElementById("cover-year-label");
    var colors = ["#f7fcf5", "#c7e9c0", "#74c476", "#31a354", "#006d2c"];
    var layer = null, top = 0;
    /* Classes relative to the highest stored percentage of any year, so growth shows over the years. */
    function color(pct) {
      if (!top || !pct) { return colors[0]; }
      return colors[Math.min(4, 1 + Math.floor(3.999 * pct / top))];
    }
    function legend() {
      var box = document.getElementById("cover-legend");
      /* Swatch colours through the CSSOM (allowed by a CSP without 'unsafe-inline', unlike style="…"). */
      function swatch(i) {
        var span = el("span", { "class": "legend-swatch" });
        span.style.background = colors[i];
        return span;
      }
      box.replaceChildren(swatch(0), " 0 % ");
      for (var i = 1; i < 5; i++) { box.append(swatch(i), " ≤ " + (top * i / 4).toFixed(3) + " % "); }
    }
    function style(f) {
      var y = f.properties.years[slider.value];
      return { color: "#074536", weight: 1, fillOpacity: 0.75, fillColor: color(y ? y.canopy_percent : 0) };
    }
    getJSON(wrap.dataset.apiUrl).then(function (data) {
      data.features.forEach(function (f) {
        Object.keys(f.properties.years).forEach(function (y) { top = Math.max(top, f.properties.years[y].canopy_percent); });
      });
      legend();
      layer = L.geoJSON(data, {
        style: style,
        onEachFeature: function (f, l) {
          l.bindTooltip(function () {
            var y = f.properties.years[slider.value] || { canopy_percent: 0, trees: 0 };
            return el("span", {}, [
              f.properties.name + ": " + y.canopy_percent.toFixed(3) + " % · " + y.trees + " " + wrap.dataset.labelTrees
            ]);
          });
        }
      }).addTo(map);
      wrap.dataset.loaded = "1";
    }).catch(function () { document.getElementById("cover-legend").textContent = wrap.dataset.textError; });
    slider.addEventListener("input", function () {
      label.textContent = slider.value;
      if (layer) { layer.setStyle(style); }
    });
  };
})();
