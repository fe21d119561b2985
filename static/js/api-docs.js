// Swagger UI on /api/docs, over the description the page names. A file of its own, because the
// site's Content-Security-Policy allows no inline script. Nothing is loaded from elsewhere:
// no validator badge (validatorUrl), no remote description.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  root.textContent = "";
  window.SwaggerUIBundle({
    url: root.getAttribute("data-description"),
    domNode: root,
    deepLinking: true,
    validatorUrl: null,
    queryConfigEnabled: false,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
})();
