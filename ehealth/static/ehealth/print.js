// "Cetak / simpan PDF": buttons marked data-print open the print dialog (no inline onclick: strict CSP).
document.querySelectorAll("button[data-print]").forEach(function (button) {
  "use strict";
  button.addEventListener("click", function () { window.print(); });
});
