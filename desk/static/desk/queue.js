// The queue's keyboard: j and k move between comments, a approves, s marks as spam, r opens
// the removal reasons, u undoes the last decision. Every key presses one of the row's own buttons, which work without
// this script; nothing happens while typing in a field or with a modifier key held.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll(".queue-row"));
  var undo = document.querySelector(".queue-undo button");
  if (!rows.length && !undo) return;
  var current = -1;
  document.body.classList.add("queue-keys-on"); // shows the keys' help

  function select(index) {
    if (index < 0 || index >= rows.length) return;
    if (current >= 0) rows[current].classList.remove("is-current");
    current = index;
    rows[current].classList.add("is-current");
    rows[current].focus();
  }

  function press(selector) {
    if (current < 0) select(0);
    var button = rows[current].querySelector(selector);
    if (button) button.click();
  }

  rows.forEach(function (row, index) {
    row.setAttribute("tabindex", "-1");
    row.addEventListener("focusin", function () {
      if (current !== index) {
        if (current >= 0) rows[current].classList.remove("is-current");
        current = index;
        row.classList.add("is-current");
      }
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) return;
    var target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    var key = event.key;
    if (key === "u" && undo) undo.click();
    else if (!rows.length) return;
    else if (key === "j") select(current + 1);
    else if (key === "k") select(Math.max(current - 1, 0));
    else if (key === "a") press("button[value=approve]");
    else if (key === "s") press("button[value=spam]");
    else if (key === "r") {
      if (current < 0) select(0);
      var details = rows[current].querySelector("details.queue-remove");
      details.open = true;
      details.querySelector(".queue-reasons button, input[name=reason]").focus();
    } else return;
    event.preventDefault();
  });
})();
