// Interactive API docs (Swagger UI, vendored): no inline script, so it runs under the site's CSP.
(function () {
  var body = document.body;
  var csrf = body.dataset.csrfToken;
  window.ui = SwaggerUIBundle({
    url: body.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,                 // no call to an outside validator
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // a signed-in browser uses its session: writes need the CSRF token (a Bearer key does not)
    requestInterceptor: function (req) {
      if (csrf && !(req.headers && req.headers.Authorization)) req.headers["X-CSRFToken"] = csrf;
      return req;
    }
  });
})();
