// Draws the page's charts, in both builds (without Quarto, and Quarto's via its post-render).
// Each chart's own script only queues itself in window.MUNRO_LAZY_PLOTS (see
// munro_data.site._assets.defer_plots); window.MUNRO_PLOTLY is plotly.js's URL.
(function () {
  "use strict";
  // Charts. plotly.js is big (1.4 MB) and takes the main thread for a second or more on a
  // phone, and a page's text is what a reader comes for: so it is loaded only when a chart
  // comes into view (a quarter of the way up the screen: a chart whose top just shows at the
  // bottom of the first screen waits for the first scroll), and each chart is drawn then, in
  // its own task. The space for each chart is kept from the start (the figure's height is in
  // the page), so nothing moves when it appears.
  const pending = new Map(window.MUNRO_LAZY_PLOTS || []);
  const IDLE_MS = 4000;
  let plotly = null;
  function loadPlotly() {
    if (!plotly) {
      plotly = new Promise(function (resolve, reject) {
        const script = document.createElement("script");
        script.src = window.MUNRO_PLOTLY;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return plotly;
  }
  function drawChart(id) {
    const draw = pending.get(id);
    if (!draw) return;
    pending.delete(id);
    loadPlotly().then(function () { setTimeout(draw, 0); });
  }
  // On a phone, a chart already on the first screen waits until the reader scrolls or the page
  // has been idle a few seconds (below): parsing plotly.js and drawing take the main thread for
  // seconds on a slow phone, and the text on that screen should be readable and the page
  // responsive first. On a wide screen it is drawn at once.
  let settled = !window.matchMedia("(max-width: 600px)").matches;
  const inView = new Set();
  function whenSettled(id) {
    if (settled) drawChart(id); else inView.add(id);
  }
  function settle() {
    if (settled) return;
    settled = true;
    inView.forEach(drawChart);
    inView.clear();
  }
  window.addEventListener("scroll", settle, { once: true, passive: true });
  if (pending.size && "IntersectionObserver" in window) {
    const observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          whenSettled(entry.target.id);
        }
      });
    }, { rootMargin: "0px 0px -25% 0px" });
    pending.forEach(function (_, id) {
      const chart = document.getElementById(id);
      if (chart) observer.observe(chart); else pending.delete(id);
    });
  } else {
    pending.forEach(function (_, id) { drawChart(id); });
  }
  // Printing: the charts not yet drawn are drawn now (drawing is synchronous, loading is not).
  // So that plotly.js is there when a reader prints without scrolling to every chart, it is
  // also loaded once the page has been idle for a few seconds after loading: the text has long
  // been painted by then. A chart still not drawn prints a note (site.css), never a blank box.
  function drawAllNow() {
    if (!window.Plotly) return;
    pending.forEach(function (draw, id) { pending.delete(id); draw(); });
  }
  window.addEventListener("beforeprint", drawAllNow);
  if (pending.size) {
    window.addEventListener("load", function () {
      setTimeout(function () {
        const idle = window.requestIdleCallback || function (f) { setTimeout(f, 0); };
        idle(function () { settle(); loadPlotly().catch(function () {}); }, { timeout: 2000 });
      }, IDLE_MS);
    });
  }

  // Print (issue 19: a print that fits) ------------------------------------------------------
  // Printing lays the page out at the paper's width, without a resize event: a drawn chart
  // keeps the width it was drawn at and would be cut at the right edge with its legend. So
  // each chart drawn wider than the printable width of A4 (210 mm less 15 mm margins, site.css;
  // Letter is wider) is redrawn at that width first, the charts not yet drawn are drawn, and
  // each goes back to following its box when printing is done. The width is read from the
  // chart's own layout, not its box: in print the box may already be narrower than the chart.
  // Both events, because a browser's print preview and a headless PDF do not fire the same one.
  // A chart refitted twice, or restored twice, is left as it is.
  function fitChartsForPrint() {
    const PRINT_WIDTH = 680;
    const fitted = new Map(); // A chart redrawn for print -> its own width (null: its box's).
    function fit() {
      if (!window.Plotly) return;
      drawAllNow();
      document.querySelectorAll(".js-plotly-plot").forEach(function (chart) {
        const drawn = chart._fullLayout;
        if (!drawn || fitted.has(chart) || drawn.width <= PRINT_WIDTH) return;
        fitted.set(chart, chart.layout.width == null ? null : chart.layout.width);
        window.Plotly.relayout(chart, { width: PRINT_WIDTH });
      });
    }
    function restore() {
      fitted.forEach(function (width, chart) {
        window.Plotly.relayout(chart, width === null ? { width: null, autosize: true } : { width: width });
      });
      fitted.clear();
    }
    window.addEventListener("beforeprint", fit);
    window.addEventListener("afterprint", restore);
    window.matchMedia("print").addEventListener("change", function (event) {
      if (event.matches) fit(); else restore();
    });
  }
  fitChartsForPrint();
})();
