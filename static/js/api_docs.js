// Renders the OpenAPI document with Swagger UI (served by the app; no CDN, no validator).
(function () {
  var target = document.getElementById("api-reference");
  SwaggerUIBundle({
    url: target.dataset.specUrl,
    domNode: target,
    deepLinking: true,
    validatorUrl: null,
    docExpansion: "list",
    defaultModelsExpandDepth: 0
  });
})();
