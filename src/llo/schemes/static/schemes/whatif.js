/* SPDX-License-Identifier: EUPL-1.2 */
/* Draws the what-if charts. The specs come from a JSON block the page carries
   (<script type="application/json" id="llo-charts">: data, never executed, so the CSP allows it)
   and are drawn with the vendored vega-embed. Options keep the Content-Security-Policy intact:
   ast + vega-embed's own expression interpreter (no eval / new Function), no injected <style>
   (defaultStyle), no tooltip styles, no action menu. Without JavaScript the tables beside the
   charts hold the same numbers. */
(function () {
  "use strict";

  function draw() {
    var block = document.getElementById("llo-charts");
    if (!block || typeof window.vegaEmbed !== "function") {
      return;
    }
    var charts;
    try {
      charts = JSON.parse(block.textContent);
    } catch (error) {
      return;
    }
    charts.forEach(function (chart) {
      var element = document.getElementById(chart.id);
      if (!element) {
        return;
      }
      window
        .vegaEmbed(element, chart.spec, {
          actions: false,
          ast: true,
          defaultStyle: false,
          tooltip: false,
          renderer: "svg"
        })
        .then(function () {
          element.setAttribute("data-drawn", "true");
        })
        .catch(function () {
          element.setAttribute("data-drawn", "false");
        });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
