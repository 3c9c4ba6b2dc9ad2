// "Terdekat dari saya": ask the browser for its location, then reload the board sorted by distance.
(function () {
  var button = document.getElementById("nearest-btn");
  var form = document.getElementById("board-filters");
  if (!button || !form) return;
  var status = document.getElementById("geo-status");
  button.addEventListener("click", function () {
    if (!navigator.geolocation) { status.textContent = button.dataset.error; return; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.elements.lat.value = pos.coords.latitude.toFixed(5);
      form.elements.lon.value = pos.coords.longitude.toFixed(5);
      form.elements.urut.value = "terdekat";
      form.submit();
    }, function () { status.textContent = button.dataset.error; }, { timeout: 10000, maximumAge: 300000 });
  });
})();
