// vanthu: light enhancements only; every page works without this file.
(function () {
  "use strict";
  // Upload: drop files onto the zone; they go into the form's file input.
  var zone = document.getElementById("dropzone");
  var input = document.getElementById("files");
  var chosen = document.getElementById("chosen");
  function showChosen() {
    if (chosen && input) {
      chosen.textContent = input.files.length
        ? chosen.dataset.template.replace("{n}", input.files.length) : "";
    }
  }
  if (zone && input) {
    input.addEventListener("change", showChosen);
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) {
      if (e.dataTransfer && e.dataTransfer.files.length) {
        input.files = e.dataTransfer.files;
        showChosen();
      }
    });
  }
  // Document page: mark a field as checked once the clerk has edited it.
  document.querySelectorAll(".field.low input, .field.low select, .field.low textarea")
    .forEach(function (el) {
      el.addEventListener("change", function () { el.closest(".field").classList.add("checked"); });
    });
  // A form whose action cannot be taken back (a password reset ends the user's sessions) asks
  // first; without this file it simply goes ahead.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!window.confirm(form.dataset.confirm)) { e.preventDefault(); }
    });
  });
  // Signing tray: one box ticks or clears every document.
  var all = document.getElementById("check-all");
  if (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll("#tray-form input[name=ids]").forEach(function (box) {
        box.checked = all.checked;
      });
    });
  }
})();
