// samspil's own script: starts the design system's components (the header's
// menu on small screens, accordions, tables) and lets the header search's
// suggestions be used from the keyboard. Pages work without it: the search
// form submits to /search, every accordion is a <details> or shows its text.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  if (window.DKFDS) {
    window.DKFDS.init();
  }
  var input = document.getElementById("site-search");
  var box = document.getElementById("search-suggestions");
  if (!input || !box) {
    return;
  }
  function links() {
    return Array.prototype.slice.call(box.querySelectorAll("a"));
  }
  function close() {
    box.innerHTML = "";
  }
  // Arrow down from the field goes into the suggestions; arrows move
  // between them; Escape closes them and returns to the field.
  input.addEventListener("keydown", function (e) {
    var all = links();
    if (e.key === "ArrowDown" && all.length > 0) {
      e.preventDefault();
      all[0].focus();
    } else if (e.key === "Escape" && box.innerHTML.trim() !== "") {
      // The first Escape closes the suggestions and keeps the text (a
      // search field clears itself on Escape); a second one clears it.
      e.preventDefault();
      close();
    }
  });
  box.addEventListener("keydown", function (e) {
    var all = links();
    var i = all.indexOf(document.activeElement);
    if (i < 0) {
      return;
    }
    if (e.key === "ArrowDown") {
      e.preventDefault();
      all[Math.min(i + 1, all.length - 1)].focus();
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      if (i === 0) {
        input.focus();
      } else {
        all[i - 1].focus();
      }
    } else if (e.key === "Escape") {
      e.preventDefault();
      close();
      input.focus();
    }
  });
  // Clicking or tabbing elsewhere closes the suggestions.
  document.addEventListener("focusin", function (e) {
    if (!input.form.contains(e.target)) {
      close();
    }
  });
});
