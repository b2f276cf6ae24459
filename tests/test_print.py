"""Printing the built site from a desktop window, in both builds.

A reader opens a page at 1280 px and prints it. Each chart page is printed to A4 and Letter with
Chromium's own PDF printer (``page.pdf``; the files go to ``test-artifacts/print/``), and, to
measure, laid out as print lays it out: print media at the paper's printable width (15 mm
margins, the site's ``@page`` rule). Print does that without a resize event, so the window's
resize events are held back here too: a chart must be fitted by the page's own print handling,
not by plotly's response to a window growing narrower. Then every chart's drawn SVG boxes and
its legend must lie within the printable width; navigation, search, contents and every control
(filters, chart menus and toolbars) must not be displayed; and coloured status chips and cells
must keep their colours (``print-color-adjust: exact``, or the browser drops backgrounds).
"""

from __future__ import annotations

import re

import pytest
from test_browser import DESKTOP, PAGES, quarto_server, served, server  # noqa: F401

from munro_data.site._config import PROJECT_DIR

ARTIFACTS = PROJECT_DIR / "test-artifacts" / "print"
MARGIN_MM = 15  # site.css and the theme: @page { margin: 15mm }
PAPERS = {"A4": 210.0, "Letter": 215.9}  # Paper widths, mm.
RENDERERS = ["nbconvert", "quarto"]
# The pages that draw a plotly chart; test_every_chart_page_is_printed keeps this list whole.
CHART_PAGES = [
    "notebooks/02-stances.html",
    "notebooks/03-timeline.html",
    "notebooks/04-one-year-on.html",
]
# Pages without a chart but with the other things print must hide or keep: the navbar and
# search (every page), the explorer's filters, a recommendation's status chips, the contents.
OTHER_PAGES = ["index.html", "notebooks/01-recommendations.html", "notebooks/rec-10.html"]


def printable_width(paper: str) -> int:
    """CSS pixels (96 to the inch) between the side margins, rounded down."""
    return int((PAPERS[paper] - 2 * MARGIN_MM) / 25.4 * 96)


# Print lays the page out at the paper's width without a resize event: hold them back while
# the test lays it out so, or plotly's own resize handler would fit the charts for it.
HOLD_RESIZE = """
window.addEventListener("resize", function (event) {
  if (window.__munroPrinting) event.stopImmediatePropagation();
}, true);
"""

# Every chart's drawn boxes (its SVG layers and its legend) that pass the printable width.
OVERFLOWS = """
(width) => {
  const found = [];
  document.querySelectorAll(".plotly-graph-div").forEach(function (gd) {
    if (!gd.querySelector(".main-svg")) { found.push(gd.id + ": not drawn"); return; }
    gd.querySelectorAll(".main-svg, g.legend").forEach(function (el) {
      const r = el.getBoundingClientRect();
      if (r.width === 0) return;
      // An SVG's drawing is as wide as its width attribute, whatever CSS squeezes its box to.
      const right = el.matches("svg") ? r.left + el.width.baseVal.value : r.right;
      if (r.left < -0.5 || right > width + 0.5) {
        const what = el.matches("g.legend") ? "legend" : "svg";
        found.push(`${gd.id} ${what}: ${Math.round(r.left)} to ${Math.round(right)} px`);
      }
    });
  });
  return found;
}
"""

# What a reader cannot use on paper: navigation, search, contents, form controls, chart
# toolbars and menus; those still displayed in print media.
CONTROLS = (
    "nav, form, input, select, button, textarea, [role=search], [role=navigation], "
    ".modebar-container, .updatemenu-container, .explorer-controls, #quarto-sidebar, "
    "#quarto-margin-sidebar, .skip-link"
)
SHOWN_CONTROLS = """
(selector) => Array.from(document.querySelectorAll(selector))
  // (checkVisibility alone says an SVG group hidden by CSS is visible: it has no box then.)
  .filter(function (el) { return el.checkVisibility() && el.getClientRects().length > 0; })
  .map(function (el) {
    return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
      + (el.getAttribute("class") ? "." + el.getAttribute("class").trim().split(/\\s+/).join(".") : "");
  })
"""

# Coloured things whose colour carries meaning (status chips, coloured table cells, charts)
# that print would drop: backgrounds print only with print-color-adjust: exact.
FADED = """
() => {
  const coloured = Array.from(document.querySelectorAll("main [style*=background], .js-plotly-plot"))
    .filter(function (el) {
      const bg = getComputedStyle(el).backgroundColor;
      return el.matches(".js-plotly-plot") || (bg !== "rgba(0, 0, 0, 0)" && bg !== "transparent");
    });
  return {
    count: coloured.length,
    faded: coloured
      .filter(function (el) { return getComputedStyle(el).printColorAdjust !== "exact"; })
      .map(function (el) { return (el.id || el.textContent.trim().slice(0, 40)); }),
  };
}
"""


def _name(renderer: str, output: str, paper: str = "") -> str:
    name = output.replace("/", "_").removesuffix(".html")
    return "-".join(part for part in (renderer, name, paper) if part)


def _open(browser, url: str):  # noqa: F811
    context = browser.new_context(viewport=DESKTOP)
    context.add_init_script(HOLD_RESIZE)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="load")
    return page, errors


def _lay_out_for_print(page, width: int) -> None:
    page.evaluate("() => { window.__munroPrinting = true; }")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": width, "height": DESKTOP["height"]})


def _check_print_media(page, output: str) -> None:
    shown = page.evaluate(SHOWN_CONTROLS, CONTROLS)
    assert shown == [], f"{output}: shown in print: {shown}"
    colours = page.evaluate(FADED)
    assert colours["faded"] == [], f"{output}: colours print would drop: {colours['faded']}"


@pytest.mark.browser
@pytest.mark.parametrize("paper", list(PAPERS))
@pytest.mark.parametrize("output", CHART_PAGES)
@pytest.mark.parametrize("renderer", RENDERERS)
def test_charts_fit_the_paper(browser, request, renderer, output, paper) -> None:  # noqa: F811
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    width = printable_width(paper)
    page, errors = _open(browser, served(request, renderer) + output)
    try:
        # A reader on a desktop prints once the page has loaded, without scrolling to every
        # chart: plotly.js is loaded by then (the first chart, or the page being idle).
        page.wait_for_function("() => window.Plotly", timeout=20_000)
        pdf = page.pdf(format=paper)
        assert pdf.startswith(b"%PDF")
        (ARTIFACTS / f"{_name(renderer, output, paper)}.pdf").write_bytes(pdf)
        _lay_out_for_print(page, width)
        try:
            page.wait_for_function(f"() => ({OVERFLOWS})({width}).length === 0", timeout=5_000)
        except Exception:  # noqa: BLE001 - the measure below says what did not fit.
            pass
        overflows = page.evaluate(OVERFLOWS, width)
        assert overflows == [], f"{output} on {paper} ({width} px wide): {overflows}"
        assert page.evaluate("() => document.querySelectorAll('.plotly-graph-div').length") > 0
        _check_print_media(page, output)
        assert errors == []
    finally:
        page.context.close()


@pytest.mark.browser
@pytest.mark.parametrize("output", OTHER_PAGES)
@pytest.mark.parametrize("renderer", RENDERERS)
def test_print_hides_controls_and_keeps_colours(browser, request, renderer, output) -> None:  # noqa: F811
    page, errors = _open(browser, served(request, renderer) + output)
    try:
        _lay_out_for_print(page, printable_width("A4"))
        _check_print_media(page, output)
        if output == "notebooks/rec-10.html":
            # Its status chips ("Not adopted") are the colours a reader must not lose.
            assert page.evaluate(FADED)["count"] > 0
        assert errors == []
    finally:
        page.context.close()


def test_every_chart_page_is_printed(site) -> None:
    """The pages measured above are all the pages with a chart."""
    with_charts = [
        page.output
        for page in PAGES
        if re.search(r'class="plotly-graph-div"', (site / page.output).read_text(encoding="utf-8"))
    ]
    assert sorted(with_charts) == sorted(CHART_PAGES)
