/* Draws each chart of the page (templates/admin/_chart.html) with the vendored Chart.js.
 *
 * The figures come from the JSON block beside each canvas (backoffice/charts.py Chart.spec(): labels, series of
 * plain decimal strings, a page per category); nothing is evaluated and no inline script runs, so the page keeps its
 * Content-Security-Policy (scripts from our origin only). Chart.js is fetched only when the page has a chart. Once a
 * chart is drawn, its table of figures folds away under "Figures" (still there for screen readers and printing);
 * without scripts the table, with its SVG bars, is the chart. */
(function () {
  "use strict";
  var self = document.currentScript;
  var COLORS = ["#1769aa", "#d9822b", "#2e8540", "#6f42c1", "#c0392b", "#17a2b8", "#6c757d", "#e83e8c"];
  var USD = new Intl.NumberFormat("en-US", {style: "currency", currency: "USD"});
  var USD_SHORT = new Intl.NumberFormat("en-US", {style: "currency", currency: "USD", notation: "compact",
                                                   maximumFractionDigits: 1});
  var COUNT = new Intl.NumberFormat("en-US", {maximumFractionDigits: 2});

  function text(unit, value, short) {
    if (value === null || value === undefined || isNaN(value)) { return ""; }
    if (unit === "usd") { return (short ? USD_SHORT : USD).format(value); }
    if (unit === "days") { return COUNT.format(value) + " days"; }
    return COUNT.format(value);
  }

  function narrow() { return window.matchMedia("(max-width: 576px)").matches; }

  function clip(label, max) {
    label = String(label);
    return label.length > max ? label.slice(0, max - 1) + "\u2026" : label;
  }

  function config(spec) {
    var kind = spec.kind, horizontal = kind === "bar", doughnut = kind === "doughnut";
    var small = narrow();
    var datasets = spec.series.map(function (s, i) {
      var color = COLORS[i % COLORS.length];
      var set = {label: s.name, data: s.values.map(Number), backgroundColor: color, borderColor: color};
      if (kind === "line") { set.fill = false; set.tension = 0; set.pointRadius = small ? 2 : 3; }
      if (doughnut) { set.backgroundColor = spec.labels.map(function (_l, j) { return COLORS[j % COLORS.length]; }); }
      return set;
    });
    var valueAxis = {beginAtZero: true, stacked: kind === "stacked",
                     ticks: {callback: function (v) { return text(spec.unit, v, true); }, font: {size: 11},
                             precision: spec.unit === "usd" ? 2 : 0}};      // no "0.5 workers" tick
    var categoryAxis = {stacked: kind === "stacked",
                        ticks: {autoSkip: true, maxRotation: horizontal ? 0 : 50, font: {size: 11},
                                callback: function (v) { return clip(this.getLabelForValue(v), small ? 18 : 32); }}};
    var options = {
      responsive: true, maintainAspectRatio: false, animation: false,
      plugins: {
        legend: {display: spec.series.length > 1 || doughnut, position: "bottom",
                 labels: {boxWidth: 12, font: {size: 11}}},
        tooltip: {callbacks: {label: function (item) {
          var name = doughnut ? item.label : item.dataset.label;
          return name + ": " + text(spec.unit, item.parsed && typeof item.parsed === "object" ?
            (horizontal ? item.parsed.x : item.parsed.y) : item.parsed, false);
        }}}
      },
      onClick: function (_event, elements) {      // a category's page, as the table's link opens it
        if (elements.length && spec.urls[elements[0].index]) { window.location.href = spec.urls[elements[0].index]; }
      },
      onHover: function (event, elements) {
        event.native.target.style.cursor = elements.length && spec.urls[elements[0].index] ? "pointer" : "default";
      }
    };
    if (!doughnut) {
      options.indexAxis = horizontal ? "y" : "x";
      options.scales = horizontal ? {x: valueAxis, y: categoryAxis} : {x: categoryAxis, y: valueAxis};
    }
    return {type: kind === "line" ? "line" : doughnut ? "doughnut" : "bar",
            data: {labels: spec.labels, datasets: datasets}, options: options};
  }

  function height(spec) {
    if (spec.kind === "bar") {                  // a row per category, tall enough for its label
      return Math.max(160, 40 + spec.labels.length * 22 * Math.max(1, spec.series.length * 0.75) +
                      (spec.series.length > 1 ? 30 : 0));
    }
    return narrow() ? 240 : 280;
  }

  function draw(block) {
    var spec = JSON.parse(block.textContent);
    var card = document.getElementById("chart-" + spec.name);
    var canvas = document.getElementById("canvas-" + spec.name);
    if (!card || !canvas) { return; }
    var box = canvas.parentNode;
    box.hidden = false;
    box.style.height = height(spec) + "px";
    var chart = new window.Chart(canvas, config(spec));
    window.tandemCharts = window.tandemCharts || {};
    window.tandemCharts[spec.name] = chart;
    var figures = card.querySelector("details.tandem-figures");
    if (figures) { figures.open = false; }
    card.classList.add("tandem-charted");
    canvas.setAttribute("data-drawn", "1");
  }

  function drawAll() {
    var blocks = document.querySelectorAll("script.tandem-chart-data");
    for (var i = 0; i < blocks.length; i++) {
      try { draw(blocks[i]); } catch (e) { if (window.console) { window.console.error(e); } }   // the table stays
    }
    document.documentElement.setAttribute("data-charts-drawn", String(blocks.length));
  }

  function start() {
    if (!document.querySelector("script.tandem-chart-data")) { return; }
    if (window.Chart) { drawAll(); return; }
    var lib = document.createElement("script");
    lib.src = self.getAttribute("data-chartjs");
    lib.nonce = self.nonce;
    lib.onload = drawAll;
    document.head.appendChild(lib);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
