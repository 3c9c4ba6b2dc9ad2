// "Kabari saya": "Pakai lokasi saya" fills the hidden lat/lon; the area the citizen did not choose is
// folded away (without JavaScript every field stays visible and the server checks what applies).
(function () {
  var form = document.getElementById("bed-alert-form");
  if (!form) return;
  var button = document.getElementById("alert-locate");
  var status = document.getElementById("alert-geo-status");

  function showArea() {
    var chosen = form.querySelector("input[name=wilayah]:checked");
    form.querySelectorAll("fieldset[data-area]").forEach(function (set) {
      set.hidden = Boolean(chosen) && set.dataset.area !== chosen.value;
    });
  }
  form.querySelectorAll("input[name=wilayah]").forEach(function (input) {
    input.addEventListener("change", showArea);
  });
  showArea();

  if (!button) return;
  button.addEventListener("click", function () {
    if (!navigator.geolocation) { status.textContent = button.dataset.error; return; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.elements.lat.value = pos.coords.latitude.toFixed(5);
      form.elements.lon.value = pos.coords.longitude.toFixed(5);
      var here = form.querySelector("input[name=titik][value=lokasi]");
      if (here) here.checked = true;
      status.textContent = button.dataset.done;
    }, function () { status.textContent = button.dataset.error; }, { timeout: 10000, maximumAge: 300000 });
  });
})();
