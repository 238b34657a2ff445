// The technician's visit page (fieldservice/visit.html), on a phone with a weak connection:
// 1. Every form with an <input data-idempotency-key> gets one key per page load, so sending it
//    again (a second tap, a retry after the connection dropped) is recorded once by the server.
// 2. What is typed into a form[data-keep-form] (its fields marked data-keep) is kept in the
//    phone's localStorage until the server confirms it: when the page comes back showing the
//    same values, the copy is dropped; when it shows other values (the save never arrived), the
//    typed text is put back and a note says it is not saved yet.
(function () {
  "use strict";
  function newKey() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    return String(Date.now()) + "-" + String(Math.random()).slice(2);
  }
  document.querySelectorAll("input[data-idempotency-key]").forEach(function (input) {
    if (!input.value) {
      input.value = newKey();
    }
  });

  var storage;
  try {
    storage = window.localStorage;
  } catch (e) {
    storage = null;
  }
  if (!storage) {
    return;
  }
  document.querySelectorAll("form[data-keep-form]").forEach(function (form) {
    var key = "aftersales:" + form.dataset.keepForm;
    var fields = Array.prototype.slice.call(form.querySelectorAll("[data-keep]"));
    function values() {
      var out = {};
      fields.forEach(function (f) {
        out[f.name] = f.value;
      });
      return out;
    }
    var kept = null;
    try {
      kept = JSON.parse(storage.getItem(key) || "null");
    } catch (e) {
      kept = null;
    }
    if (kept) {
      var shown = values();
      var same = fields.every(function (f) {
        return (kept[f.name] || "") === (shown[f.name] || "");
      });
      if (same) {
        storage.removeItem(key);
      } else {
        fields.forEach(function (f) {
          if (Object.prototype.hasOwnProperty.call(kept, f.name)) {
            f.value = kept[f.name];
          }
        });
        var note = form.querySelector("[data-keep-note]");
        if (note) {
          note.hidden = false;
        }
      }
    }
    form.addEventListener("input", function () {
      storage.setItem(key, JSON.stringify(values()));
    });
  });
})();
