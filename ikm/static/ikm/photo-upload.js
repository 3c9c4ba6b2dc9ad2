// Photo upload with a progress bar (XHR upload progress); without JS the form posts normally.
(function () {
  "use strict";
  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    var bar = form.querySelector("[data-progress]");
    var status = form.querySelector("[data-upload-status]");
    form.addEventListener("submit", function (event) {
      if (!window.FormData || !window.XMLHttpRequest) { return; }
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      bar.hidden = false;
      bar.value = 0;
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) { bar.value = Math.round((100 * e.loaded) / e.total); }
      });
      xhr.addEventListener("load", function () {
        var data = {};
        try { data = JSON.parse(xhr.responseText); } catch (err) { data = {ok: false, errors: [xhr.statusText]}; }
        if (data.ok) { window.location.reload(); return; }
        bar.hidden = true;
        status.textContent = (data.errors || []).join(" ");
        status.className = "error";
      });
      xhr.addEventListener("error", function () {
        bar.hidden = true;
        status.textContent = form.getAttribute("data-error") || "Gagal mengunggah. Periksa koneksi lalu coba lagi.";
        status.className = "error";
      });
      xhr.send(new FormData(form));
    });
  });
})();
