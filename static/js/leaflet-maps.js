/* Starts django-leaflet maps and geometry form fields without inline scripts, and gives every
   map the same base: the configured tile server (MAP_TILES_URL) or, when none is configured or its
   tiles fail, the built-in base map drawn from the portal's own data (regency outline, kecamatan and
   desa boundaries with their names at the right zooms, hospitals; docs/maps.md).
   templates/leaflet/_leaflet_map.html and widget.html (overrides of django-leaflet's)
   put each map's and field's settings in data-attributes of a hidden <span>; this file
   does what django-leaflet's inline <script>s did, so the CSP's script-src needs no
   'unsafe-inline'. Callbacks and classes are names looked up on window, never evaluated.
   The templates include this file after each map; every run handles the new elements only.
   Words come from the page (data-locale, in the visitor's language); names from data are text. */
(function () {
  "use strict";

  function lookup(path) {
    if (!path) { return null; }
    return path.replace(/^window\./, "").split(".").reduce(function (obj, key) {
      return obj == null ? undefined : obj[key];
    }, window);
  }

  function setUpField(el) {
    var d = el.dataset;
    var module = {
      fieldid: d.fieldid,
      modifiable: d.modifiable === "true",
      geom_type: d.geomType,
      srid: Number(d.srid)
    };
    window[d.module] = module;
    var callback = function (map, options) {
      module.field_store_class = lookup(d.fieldStoreClass);
      module.precision = options.djoptions.precision;
      var GeometryField = lookup(d.geometryFieldClass);
      (new GeometryField(module)).addTo(map);
    };
    window[d.callback] = callback;
    if (d.targetMap) {
      window.addEventListener("map:init", function (e) {
        var targetMap = e.detail.map;
        targetMap.on("map:loadfield", function (me) {
          if (me.fieldid === "id_" + d.targetMap) {
            setTimeout(function () { callback(targetMap, e.detail.options); }, 0);
          }
        });
      }, false);
    }
  }

  /* --- Words of the controls ------------------------------------------------------------ */
  function merge(target, source) {
    Object.keys(source).forEach(function (key) {
      if (source[key] && typeof source[key] === "object" && target[key] && typeof target[key] === "object") {
        merge(target[key], source[key]);
      } else { target[key] = source[key]; }
    });
  }

  function useLocale(words) {
    L.Control.Zoom.mergeOptions({ zoomInTitle: words.zoomIn, zoomOutTitle: words.zoomOut });
    /* A popup opened near the edge moves the map so it shows whole and stays in view. */
    L.Popup.mergeOptions({ autoPan: true, keepInView: true, autoPanPadding: [16, 16] });
    if (L.drawLocal && words.draw) { merge(L.drawLocal, words.draw); }
  }

  /* --- The built-in base map --------------------------------------------------------------- */
  var ZOOM = { desaLines: 12, desaDetail: 13, desaNames: 14, kecamatanNames: 10, hospitalNames: 14 };
  var cache = {};

  function getJSON(url) {
    if (!cache[url]) {
      cache[url] = fetch(url, { headers: { Accept: "application/geo+json" } }).then(function (r) {
        if (!r.ok) { throw new Error(r.status); }
        return r.json();
      });
      cache[url].catch(function () { delete cache[url]; });
    }
    return cache[url];
  }

  function label(latlng, text, kind, pane) {
    var node = document.createElement("span");
    node.textContent = text;
    return L.marker(latlng, {
      pane: pane, interactive: false, keyboard: false,
      icon: L.divIcon({ className: "basemap-label basemap-label-" + kind, html: node, iconSize: null })
    });
  }

  function builtInBase(map, d, words) {
    if (map._builtInBase) { return; }
    map._builtInBase = true;
    var container = map.getContainer();
    container.classList.add("basemap-builtin");
    ["basemap", "basemapLabels"].forEach(function (name, i) {
      map.createPane(name).style.zIndex = String(250 + 100 * i);  /* over tiles (200), under pins (400+) */
    });
    var lines = { pane: "basemap", interactive: false };
    var areas = L.layerGroup().addTo(map);
    var kecamatanLines = L.layerGroup().addTo(map), kecamatanNames = L.layerGroup();
    var desaLines = L.layerGroup(), desaNames = L.layerGroup();
    var hospitals = L.layerGroup().addTo(map), hospitalNames = L.layerGroup();
    var kecamatan = [], loaded = {};
    if (map.attributionControl) { map.attributionControl.addAttribution(words.basemapAttribution); }

    getJSON(d.basemap + "?tingkat=kabupaten").then(function (data) {
      data.features.forEach(function (f) {
        var p = f.properties;
        if (p.level === "kabupaten") {
          L.geoJSON(f, L.extend({ style: { className: "basemap-regency", weight: 3, color: "#4a6b5d", fillColor: "#fbfaf4", fillOpacity: 1 } }, lines)).addTo(areas);
        } else {
          L.geoJSON(f, L.extend({ style: { className: "basemap-kecamatan", weight: 1.5, color: "#6f8f80", fill: false } }, lines)).addTo(kecamatanLines);
          kecamatan.push(p);
          if (p.label) { label([p.label[1], p.label[0]], p.name, "kecamatan", "basemapLabels").addTo(kecamatanNames); }
        }
      });
      container.dataset.basemap = "kabupaten";
      update();
    }).catch(function () { container.dataset.basemap = "error"; });

    getJSON(d.hospitals).then(function (data) {
      data.features.forEach(function (f) {
        var c = f.geometry.coordinates, latlng = [c[1], c[0]];
        var mark = document.createElement("span");
        mark.textContent = "H";
        mark.title = words.hospital + ": " + f.properties.name;
        L.marker(latlng, {
          pane: "basemapLabels", interactive: false, keyboard: false,
          icon: L.divIcon({ className: "basemap-hospital", html: mark, iconSize: [18, 18] })
        }).addTo(hospitals);
        label(latlng, f.properties.name, "hospital", "basemapLabels").addTo(hospitalNames);
      });
    }).catch(function () { /* the boundaries are the base; hospitals are a bonus */ });

    function loadDesa(code) {
      if (loaded[code]) { return; }
      loaded[code] = true;
      getJSON(d.basemap + "?tingkat=desa&kecamatan=" + encodeURIComponent(code)).then(function (data) {
        data.features.forEach(function (f) {
          var p = f.properties;
          L.geoJSON(f, L.extend({ style: { className: "basemap-desa", weight: 1.2, color: "#7f9a8c", fill: false } }, lines)).addTo(desaLines);
          if (p.label) { label([p.label[1], p.label[0]], p.name, "desa", "basemapLabels").addTo(desaNames); }
        });
        container.dataset.basemapDesa = (container.dataset.basemapDesa ? container.dataset.basemapDesa + " " : "") + code;
      }).catch(function () { loaded[code] = false; });
    }

    function show(layer, visible) {
      if (visible && !map.hasLayer(layer)) { map.addLayer(layer); }
      if (!visible && map.hasLayer(layer)) { map.removeLayer(layer); }
    }

    function update() {
      var z = map.getZoom(), view = map.getBounds();
      show(kecamatanNames, z >= ZOOM.kecamatanNames && z < ZOOM.desaNames);
      show(kecamatanLines, z < ZOOM.desaDetail);  /* finer desa lines include the kecamatan borders */
      show(desaLines, z >= ZOOM.desaLines);
      show(desaNames, z >= ZOOM.desaNames);
      show(hospitalNames, z >= ZOOM.hospitalNames);
      if (z >= ZOOM.desaLines) {
        kecamatan.forEach(function (k) {
          var b = k.bbox;
          if (b && view.intersects(L.latLngBounds([b[1], b[0]], [b[3], b[2]]))) { loadDesa(k.code); }
        });
      }
    }
    map.on("zoomend moveend", update);
  }

  /* The configured tiles, or the built-in base map when there are none or they fail to load. */
  function startBase(map, d, words) {
    var tiles = null;
    map.eachLayer(function (layer) { if (layer instanceof L.TileLayer) { tiles = layer; } });
    if (!tiles) { builtInBase(map, d, words); return; }
    var loadedOne = false, failures = 0;
    tiles.on("tileload", function () { loadedOne = true; });
    tiles.on("tileerror", function () {
      failures += 1;
      if (!loadedOne && failures >= 2 && map.hasLayer(tiles)) {
        map.removeLayer(tiles);
        builtInBase(map, d, words);
      }
    });
  }

  function setUpMap(el) {
    var d = el.dataset;
    var globals = d.globals === "true";
    var words = JSON.parse(d.locale || "{}");
    function loadmap() {
      useLocale(words);  /* here, not above: Leaflet may load after this file (on "load") */
      var callback = lookup(d.callback);
      var options = {
        djoptions: JSON.parse(d.djoptions),
        initfunc: loadmap,
        globals: globals,
        callback: function (map, opts) {
          startBase(map, d, words);
          if (typeof callback === "function") { callback(map, opts); }
        }
      };
      var map = L.Map.djangoMap(d.name, options);
      if (globals) { window["leafletmap" + d.name] = map; }
    }
    var loadevents = JSON.parse(d.loadevents);
    if (loadevents.length === 0) { loadmap(); } else {
      loadevents.forEach(function (name) { window.addEventListener(name, loadmap, false); });
    }
    if (globals) { window["loadmap" + d.name] = loadmap; }
  }

  function once(selector, setUp) {
    document.querySelectorAll(selector + ":not([data-started])").forEach(function (el) {
      el.setAttribute("data-started", "");
      setUp(el);
    });
  }

  once("[data-leaflet-field]", setUpField);
  once("[data-leaflet-map]", setUpMap);
})();
