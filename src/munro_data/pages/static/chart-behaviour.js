// Run after a chart is drawn (plotly's post_script, see munro_data.pages._interact), in both
// builds. Two things, each asked for by the figure's layout.meta:
//
// meta.narrow / meta.wide: a layout for narrow screens. A chart whose div is narrower than
// meta.narrow.below px gets Plotly.update(narrow.data, narrow.layout, narrow.traces), and the
// wide one back when it widens again (a phone turned sideways). Its hover texts are re-wrapped
// to a phone's width, so that a tap's label stays on the screen.
//
// meta.links: a point whose customdata ends with a page's address opens that page. With a
// mouse a click opens it; on a touch screen the first tap shows the point's label (as plotly
// does) and a second tap on the same point opens it.
(function (setup) {
  window.MUNRO_CHART = window.MUNRO_CHART || setup();
})(function () {
  "use strict";
  const WRAP = 38; // Characters per line of a hover label on a narrow screen.

  function rewrap(text) {
    if (typeof text !== "string" || text.length <= WRAP || text.indexOf("<a ") >= 0) return text;
    const lines = [];
    let line = "";
    text.split("<br>").join(" ").split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > WRAP) { lines.push(line); line = word; }
      else line = line ? line + " " + word : word;
    });
    if (line) lines.push(line);
    return lines.join("<br>");
  }

  function mapDeep(value, fn) {
    return Array.isArray(value) ? value.map(function (v) { return mapDeep(v, fn); }) : fn(value);
  }

  function apply(gd, want, narrow) {
    const data = Object.assign({}, want.data || {});
    const traces = want.traces || gd.data.map(function (_, i) { return i; });
    if (gd._munroHover.some(Boolean)) {
      data.customdata = traces.map(function (i) {
        const own = gd._munroHover[i];
        return narrow && own ? mapDeep(own, rewrap) : own;
      });
    }
    // A new height is the div's too, or the chart would spill over what follows it.
    // (The page may hold the chart in a box of the figure's height, the chart filling it.)
    if (want.layout && want.layout.height) {
      const box = gd.style.height === "100%" && gd.parentElement ? gd.parentElement : gd;
      box.style.height = want.layout.height + "px";
    }
    gd._munroBusy = true;
    return window.Plotly.update(gd, data, want.layout || {}, traces).then(function () {
      gd._munroBusy = false;
    });
  }

  function fit(gd, meta) {
    const narrow = gd.clientWidth > 0 && gd.clientWidth < meta.narrow.below;
    // A narrow chart has no toolbar (site.css): its menus may sit where the toolbar would.
    gd.classList.toggle("munro-narrow", narrow);
    if (!gd._munroHover) gd._munroHover = gd.data.map(function (t) { return t.customdata; });
    // Drawn wide, a chart already has its wide layout.
    if (narrow === (gd._munroNarrow || false)) { gd._munroNarrow = narrow; return; }
    gd._munroNarrow = narrow;
    apply(gd, narrow ? meta.narrow : meta.wide, narrow);
  }

  // A menu that replaces the data (the heatmap's row order) brings the wide hover texts: keep
  // them as the chart's own, and wrap them again on a narrow screen.
  function follow(gd, meta) {
    gd.on("plotly_update", function () {
      if (gd._munroBusy) return;
      gd._munroHover = gd.data.map(function (t) { return t.customdata; });
      if (gd._munroNarrow) apply(gd, { data: {}, traces: meta.narrow.traces }, true);
    });
  }

  function hrefOf(point) {
    const data = point && point.customdata;
    const last = Array.isArray(data) ? data[data.length - 1] : null;
    return typeof last === "string" && /^[\w-]+\.html(#[\w-]*)?$/.test(last) ? last : null;
  }

  function link(gd) {
    let pointer = "mouse";
    let armed = null;
    const seen = function (event) { pointer = event.pointerType || "touch"; };
    gd.addEventListener("pointerdown", seen, true);
    gd.addEventListener("touchstart", function () { pointer = "touch"; }, { capture: true, passive: true });
    gd.on("plotly_click", function (event) {
      const point = event.points && event.points[0];
      const href = hrefOf(point);
      if (!href) return;
      const key = point.curveNumber + ":" + JSON.stringify(point.pointNumber);
      if (pointer === "mouse" || armed === key) { window.location.href = href; return; }
      armed = key; // The first tap: plotly shows the label; the next tap on it opens the page.
    });
  }

  return function (id) {
    const gd = document.getElementById(id);
    const meta = gd && gd.layout && gd.layout.meta;
    if (!meta) return;
    if (meta.links) link(gd);
    if (meta.narrow) {
      fit(gd, meta);
      follow(gd, meta);
      let timer = null;
      window.addEventListener("resize", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { fit(gd, meta); }, 150);
      });
    }
  };
});
window.MUNRO_CHART("{plot_id}");
