// enlace web console: progressive enhancement only; every flow works without this script.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Move the keyboard focus to the first field the server marked invalid.
  var invalid = document.querySelector('[aria-invalid="true"]');
  if (invalid) { invalid.focus(); }
  // Ask before an irreversible action (buttons marked data-confirm).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });
});
