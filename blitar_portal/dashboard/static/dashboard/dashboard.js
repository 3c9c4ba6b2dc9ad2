// Printing shows every table: open collapsed <details> before print.
window.addEventListener("beforeprint", function () {
  document.querySelectorAll("details.dash-table").forEach(function (d) { d.open = true; });
});
