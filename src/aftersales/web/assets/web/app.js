// Aftersales shell behaviour: report failed htmx requests to the user in their language, and the
// small behaviours templates ask for with data attributes. The Content-Security-Policy allows no
// inline script, so no hx-on or onclick attributes: put the behaviour here.
(function () {
  "use strict";

  function showAlert(text) {
    var box = document.getElementById("messages");
    if (!box || !text) {
      return;
    }
    var alert = document.createElement("div");
    alert.className = "alert alert-danger alert-dismissible fade show";
    alert.setAttribute("role", "alert");
    alert.textContent = text;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.setAttribute("data-bs-dismiss", "alert");
    alert.appendChild(close);
    box.appendChild(alert);
    alert.scrollIntoView({ block: "nearest" });
  }

  document.body.addEventListener("htmx:responseError", function () {
    showAlert(document.body.dataset.msgRequestFailed);
  });
  document.body.addEventListener("htmx:sendError", function () {
    showAlert(document.body.dataset.msgNetworkError);
  });

  // data-errors-into-view: a region that came back with a refused form (a 4xx answer) brings its
  // first error into view when it is not already there (the page does not move otherwise), and
  // puts the focus on the first field in error.
  document.body.addEventListener("htmx:afterSettle", function (event) {
    var xhr = event.detail.xhr;
    if (!xhr || xhr.status < 400) {
      return;
    }
    var region = document.querySelector("[data-errors-into-view]");
    var error = region && region.querySelector(".alert-danger, .invalid-feedback");
    if (!error) {
      return;
    }
    var field = region.querySelector(".is-invalid");
    if (field) {
      field.focus({ preventScroll: true });
    }
    error.scrollIntoView({ block: "nearest" });
  });

  // data-into-view: something that must be seen when it arrives (a warning put above the button
  // that was pressed, such as the duplicate-customer one) is brought into view, clear of the menu.
  document.body.addEventListener("htmx:afterSettle", function (event) {
    var region = event.target;
    var wanted = region instanceof Element && region.querySelector("[data-into-view]");
    if (wanted) {
      wanted.scrollIntoView({ block: "nearest" });
    }
  });

  document.body.addEventListener("htmx:afterRequest", function (event) {
    var source = event.target;
    if (!(source instanceof Element)) {
      return;
    }
    // data-clear-after-request="#results": empty that element once the request is done (a
    // search result list, after a result was picked).
    var clearing = source.closest("[data-clear-after-request]");
    if (clearing) {
      var target = document.querySelector(clearing.dataset.clearAfterRequest);
      if (target) {
        target.innerHTML = "";
      }
    }
    // data-reset-after-success: a small inline form (in a <details>) that worked is emptied and
    // folded away.
    var form = source.closest("[data-reset-after-success]");
    if (form && event.detail.successful && event.detail.xhr.status === 200) {
      form.querySelectorAll("input, textarea").forEach(function (field) {
        field.value = "";
      });
      var details = form.closest("details");
      if (details) {
        details.open = false;
      }
    }
  });
})();
