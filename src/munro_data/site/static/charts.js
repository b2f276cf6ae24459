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

  // Printing lays the page out at the paper's width, but a drawn chart keeps the width it was
  // drawn at and would be cut at the right edge: redraw each to fit (A4 or Letter with 15 mm
  // margins, see site.css), and back when printing is done. Both events, because a browser's
  // print preview and a headless PDF do not fire the same one.
  const PRINT_WIDTH = 680;
  let printed = [];
  function fitForPrint() {
    if (!window.Plotly || printed.length) return;
    document.querySelectorAll(".js-plotly-plot").forEach(function (chart) {
      if (chart.offsetWidth > PRINT_WIDTH) {
        printed.push(chart);
        window.Plotly.relayout(chart, { width: PRINT_WIDTH });
      }
    });
  }
  function restoreAfterPrint() {
    printed.forEach(function (chart) { window.Plotly.relayout(chart, { width: null, autosize: true }); });
    printed = [];
  }
  window.addEventListener("beforeprint", fitForPrint);
  window.addEventListener("afterprint", restoreAfterPrint);
  const printing = window.matchMedia("print");
  printing.addEventListener("change", function (event) {
    if (event.matches) { drawAllNow(); fitForPrint(); } else restoreAfterPrint();
  });

})();
