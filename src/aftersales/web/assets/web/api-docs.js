// The API documentation page (/api/v1/docs): Swagger UI from the pinned local bundle, set up
// here rather than in an inline script so the page runs under the Content-Security-Policy.
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("swagger-settings").textContent);
  var csrfToken = document.body.dataset.csrfToken;
  config.dom_id = "#swagger-ui";
  config.presets = [window.SwaggerUIBundle.presets.apis];
  if (csrfToken) {
    config.requestInterceptor = function (request) {
      request.headers["X-CSRFToken"] = csrfToken;
      return request;
    };
  }
  window.ui = window.SwaggerUIBundle(config);
})();
