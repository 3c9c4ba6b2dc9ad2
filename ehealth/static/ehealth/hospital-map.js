// The hospital page's map: one marker whose popup shows the hospital's name as text
// (a string given to bindPopup would be parsed as HTML; a name is data, never markup).
window.ehealthHospitalMap = function (map) {
  "use strict";
  var wrap = document.getElementById("hospital-map-wrap");
  var latlng = [parseFloat(wrap.dataset.lat), parseFloat(wrap.dataset.lon)];
  var name = document.createElement("strong");
  name.textContent = wrap.dataset.name;
  L.marker(latlng, { title: wrap.dataset.name, alt: wrap.dataset.name }).addTo(map).bindPopup(name);
  map.setView(latlng, 15);
};
