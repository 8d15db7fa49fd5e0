// Renders the OpenAPI document with Redoc (served by the app; no CDN).
(function () {
  var target = document.getElementById("api-reference");
  Redoc.init(target.dataset.specUrl, { hideDownloadButton: false, expandResponses: "200,201" }, target);
})();
