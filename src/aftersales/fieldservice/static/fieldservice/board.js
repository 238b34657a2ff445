// The dispatcher's week board: HTML5 drag and drop, no library. Dropping an appointment
// on another cell opens the move form (the customer's agreement and the reason are required by
// the service), dropping a waiting work order opens the booking form; both post to the same
// pages as without JavaScript. No inline script (the Content-Security-Policy allows none).
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board || board.dataset.manage !== "1") return;
  var slot = parseInt(board.dataset.slotMinutes || "120", 10);
  var dragged = null;

  function addMinutes(hhmm, minutes) {
    var parts = hhmm.split(":");
    var total = Math.min(parseInt(parts[0], 10) * 60 + parseInt(parts[1], 10) + minutes, 23 * 60 + 45);
    var h = Math.floor(total / 60), m = total % 60;
    return (h < 10 ? "0" : "") + h + ":" + (m < 10 ? "0" : "") + m;
  }
  function set(form, name, value) {
    var field = form.elements.namedItem(name);
    if (field && value !== undefined && value !== null) field.value = value;
  }
  function open(dialogId, id, values) {
    var dialog = document.getElementById(dialogId);
    var form = dialog.querySelector("form");
    form.action = form.dataset.action.replace("/0/", "/" + id + "/");
    Object.keys(values).forEach(function (name) { set(form, name, values[name]); });
    dialog.showModal();
    var first = form.querySelector("[name=agreed_with]");
    if (first) first.focus();
  }

  document.addEventListener("dragstart", function (event) {
    var item = event.target.closest && event.target.closest("[draggable=true]");
    if (!item) return;
    dragged = item;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.dataset.appointment || item.dataset.workOrder || "");
  });
  document.addEventListener("dragend", function () {
    dragged = null;
    board.querySelectorAll(".drop-target").forEach(function (c) { c.classList.remove("drop-target"); });
  });
  board.addEventListener("dragover", function (event) {
    var cell = event.target.closest(".board-cell");
    if (!cell || !dragged) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    board.querySelectorAll(".drop-target").forEach(function (c) { if (c !== cell) c.classList.remove("drop-target"); });
    cell.classList.add("drop-target");
  });
  board.addEventListener("drop", function (event) {
    var cell = event.target.closest(".board-cell");
    if (!cell || !dragged) return;
    event.preventDefault();
    cell.classList.remove("drop-target");
    var item = dragged;
    dragged = null;
    if (item.dataset.appointment) {
      open("move-dialog", item.dataset.appointment, {
        technician_id: cell.dataset.technician, day: cell.dataset.day,
        start: item.dataset.start, end: item.dataset.end, agreed_with: item.dataset.agreedWith || "",
      });
    } else if (item.dataset.workOrder) {
      var dialog = document.getElementById("book-dialog");
      var label = dialog.querySelector("[data-book-number]");
      if (label) label.textContent = item.querySelector(".fw-semibold") ? item.querySelector(".fw-semibold").textContent : "";
      var start = "08:30";
      open("book-dialog", item.dataset.workOrder, {
        technician_id: cell.dataset.technician, day: cell.dataset.day,
        start: start, end: addMinutes(start, slot), agreed_with: item.dataset.agreedWith || "",
      });
    }
  });
  document.querySelectorAll("[data-close-dialog]").forEach(function (button) {
    button.addEventListener("click", function () { button.closest("dialog").close(); });
  });
})();
