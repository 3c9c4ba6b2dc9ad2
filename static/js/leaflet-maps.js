/* Starts django-leaflet maps and geometry form fields without inline scripts.
   templates/leaflet/_leaflet_map.html and widget.html (overrides of django-leaflet's)
   put each map's and field's settings in data-attributes of a hidden <span>; this file
   does what django-leaflet's inline <script>s did, so the CSP's script-src needs no
   'unsafe-inline'. Callbacks and classes are names looked up on window, never evaluated.
   The templates include this file after each map; every run handles the new elements only. */
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

  function setUpMap(el) {
    var d = el.dataset;
    var globals = d.globals === "true";
    function loadmap() {
      var callback = lookup(d.callback);
      var options = {
        djoptions: JSON.parse(d.djoptions),
        initfunc: loadmap,
        globals: globals,
        callback: typeof callback === "function" ? callback : null
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
