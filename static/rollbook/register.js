/*
 * Rollbook register: keyboard shortcuts. Progressive enhancement only; without this script
 * the register is a plain form of radios and works the same.
 *
 * With focus anywhere in a pupil's row:
 *   "/" (or "\")  present, then move to the next pupil
 *   "N"           absent (reason not yet known), then move to the next pupil
 *   "L"           late, then move to the "minutes late" box (Enter there moves on)
 * After an htmx POST re-renders a form with errors, focus moves to its error summary
 * (the Today and late sign-in pages load this script for that alone).
 */
(function () {
  "use strict";

  var KEYS = { "/": "/", "\\": "/", n: "n", l: "l" };

  function markable(form) {
    return Array.prototype.filter.call(form.querySelectorAll(".rollbook-pupil"), function (row) {
      return row.querySelector(".govuk-radios__input") !== null;
    });
  }

  function focusRow(row) {
    var radio = row.querySelector(".govuk-radios__input:checked") || row.querySelector(".govuk-radios__input");
    radio.focus();
    row.scrollIntoView({ block: "nearest" });
  }

  function moveOn(form, row) {
    var rows = markable(form);
    var next = rows[rows.indexOf(row) + 1];
    if (next) {
      focusRow(next);
    } else {
      form.querySelector("button[type=submit]").focus();
    }
  }

  function choose(radio) {
    radio.checked = true;
    radio.dispatchEvent(new Event("change", { bubbles: true }));
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (!(target instanceof Element) || event.altKey || event.ctrlKey || event.metaKey) return;
    var form = target.closest(".rollbook-register");
    var row = target.closest(".rollbook-pupil");
    if (!form || !row) return;

    if (target.matches("input[type=text], select, textarea")) {
      // Enter in "minutes late" goes to the next pupil instead of submitting the register.
      if (event.key === "Enter" && target.matches("input[name^='minutes-']")) {
        event.preventDefault();
        moveOn(form, row);
      }
      return;
    }

    var shortcut = KEYS[event.key.toLowerCase()];
    var radio = shortcut && row.querySelector(".govuk-radios__input[data-shortcut='" + shortcut + "']");
    if (!radio) return;
    event.preventDefault();
    choose(radio);
    if (shortcut === "l") {
      var minutes = row.querySelector("input[name^='minutes-']");
      minutes.focus();
      minutes.select();
    } else {
      moveOn(form, row);
    }
  });

  // After an htmx POST comes back with errors (the register, and the office pages that also
  // load this script), move focus to the new error summary, as a full page load would.
  document.addEventListener("htmx:afterSettle", function (event) {
    var config = event.detail && event.detail.requestConfig;
    if (!config || config.verb !== "post" || !(event.target instanceof Element)) return;
    var summary = event.target.matches(".govuk-error-summary")
      ? event.target
      : event.target.querySelector(".govuk-error-summary");
    if (summary) {
      summary.setAttribute("tabindex", "-1");
      summary.focus();
    }
  });
})();
