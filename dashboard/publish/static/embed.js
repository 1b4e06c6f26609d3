// Draws the embed's figure from its JSON file with the site's one copy of Plotly.
(function () {
  var box = document.getElementById("figure");
  fetch(box.getAttribute("data-src"))
    .then(function (response) { return response.json(); })
    .then(function (figure) {
      Plotly.newPlot(box, figure.data, figure.layout, {
        responsive: true,
        displaylogo: false,
        scrollZoom: false,
        modeBarButtonsToRemove: ["select2d", "lasso2d"],
        topojsonURL: box.getAttribute("data-topojson")
      });
    });
})();
