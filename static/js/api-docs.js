// Starts Swagger UI on the API docs page (templates/api/docs.html) from a static file: the site's
// Content-Security-Policy runs no inline script. "Try it out" uses the signed-in session, with its CSRF token.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  var csrfToken = root.dataset.csrfToken;
  window.ui = SwaggerUIBundle({
    url: root.dataset.schemaUrl + "?format=json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    // Without the top bar's box for loading another schema: the page documents this API only.
    layout: "BaseLayout",
    validatorUrl: null,
    requestInterceptor: function (request) {
      if (request.method && request.method.toUpperCase() !== "GET") {
        request.headers["X-CSRFToken"] = csrfToken;
      }
      return request;
    },
  });
})();
