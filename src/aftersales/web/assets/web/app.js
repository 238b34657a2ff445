// Aftersales shell behaviour: report failed htmx requests to the user in their language.
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
})();
