"""The built site as a reader's browser shows it: Debian's Chromium driven by Playwright.

Every page is opened over HTTP on 127.0.0.1 (under a sub-path) and from file://, and the Quarto
build's over HTTP (Quarto sites are meant to be served), and must load with no console error, no
failed request and no request to another host; draw every chart with
the marks the data implies and show hover text; show every table with its rows; pass an axe-core
audit with no violation; and fit a 375 px phone without sideways scrolling. Site search must find the same sections in
both builds.
Screenshots of every page at desktop and phone width go to ``test-artifacts/screenshots/``.

The tests are skipped, saying why, where Chromium is missing, and fail when ``REQUIRE_BROWSER=1``
(as CI sets it); those of the Quarto build likewise where Quarto is missing (``REQUIRE_QUARTO``).
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

import pandas as pd
import pytest
from conftest import Built, _require_browser

from munro_data.escape import slug
from munro_data.pages import (
    data_and_method,
    glossary,
    home,
    load_context,
    local,
    one_year_on,
    recommendations,
    stances,
    timeline,
)
from munro_data.site._config import PROJECT_DIR, read_config

pytestmark = pytest.mark.browser
SCREENSHOTS = PROJECT_DIR / "test-artifacts" / "screenshots"
PAGES = read_config().pages
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # The test output is no place for an access log.
        pass


def _serve(site: Path) -> Iterator[str]:
    """Serve the site's parent folder, so the site lives under a sub-path (/tracker/)."""
    handler = functools.partial(_QuietHandler, directory=str(site.parent))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/{site.name}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    yield from _serve(site)


@pytest.fixture(scope="module")
def quarto_server(quarto_site: Path) -> Iterator[str]:
    yield from _serve(quarto_site)


RENDERERS = ["nbconvert", "quarto"]


def served(request, renderer: str) -> str:
    """The URL of the site the renderer built, served over HTTP."""
    return request.getfixturevalue("server" if renderer == "nbconvert" else "quarto_server")


def _pages_of_both():
    return [pytest.param(r, p, id=f"{r}-{p.output}") for r in RENDERERS for p in PAGES]


@pytest.fixture(scope="module")
def ctx():
    return load_context()


@dataclass
class Visit:
    page: object
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def visit(browser, url: str, viewport: dict = DESKTOP) -> Visit:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    seen = Visit(page)
    page.on("console", lambda m: m.type == "error" and seen.errors.append(m.text))
    page.on("pageerror", lambda e: seen.errors.append(f"page error: {e}"))
    page.on("request", lambda r: seen.requests.append(r.url))
    page.on("requestfailed", lambda r: seen.failed.append(f"{r.url} ({r.failure})"))
    page.on("dialog", lambda d: (seen.dialogs.append(d.message), d.dismiss()))
    page.goto(url, wait_until="load")
    # Charts are drawn as they come near the screen: read down the page as a reader does,
    # waiting at each chart until it is drawn.
    for chart in page.query_selector_all(".plotly-graph-div"):
        chart.scroll_into_view_if_needed()
        chart.wait_for_selector(".main-svg", state="attached", timeout=15_000)
    page.evaluate("() => window.scrollTo(0, 0)")
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.plotly-graph-div'))"
        ".every(d => d.querySelector('.main-svg'))",
        timeout=15_000,
    )
    return seen


def url_for(mode: str, request, page) -> str:
    if mode == "file":
        return (request.getfixturevalue("site") / page.output).as_uri()
    return served(request, "quarto" if mode == "quarto-http" else "nbconvert") + page.output


def _modes():
    # A Quarto site opened from file:// loses its navigation scripts (ES modules): not tried.
    return [
        pytest.param(m, p, id=f"{m}-{p.output}")
        for m in ("http", "file", "quarto-http")
        for p in PAGES
    ]


@pytest.mark.parametrize(("mode", "page"), _modes())
def test_page_loads_cleanly_and_stays_on_this_machine(browser, request, mode, page) -> None:
    url = url_for(mode, request, page)
    seen = visit(browser, url)
    try:
        assert seen.errors == [], f"console errors on {page.output}"
        assert seen.failed == [], f"failed requests on {page.output}"
        origin = urlparse(url).netloc
        for url in seen.requests:
            parsed = urlparse(url)
            if mode != "file":
                assert parsed.scheme in ("http", "data", "blob") and (
                    parsed.scheme != "http" or parsed.netloc == origin
                ), url
            else:
                assert parsed.scheme in ("file", "data", "blob"), url
        plotly = [u for u in seen.requests if u.endswith("plotly.min.js")]
        assert len(plotly) <= 1, "plotly.js must load once per page"
    finally:
        seen.page.context.close()


def _expected_marks(ctx) -> dict[str, tuple[str, int]]:
    """Per chart: which DOM marks to count, and how many the page functions drew."""
    heatmap = stances.heatmap(ctx).figure.data[0].z
    grid = timeline.status_grid(ctx).figure.data[0].z
    bars = timeline.commitments_chart(ctx).figure.data
    return {
        "fig-stance-heatmap": (".heatmaplayer .heatmap-label", sum(len(row) for row in heatmap)),
        "fig-status-by-report": (".heatmaplayer .heatmap-label", sum(len(row) for row in grid)),
        "fig-commitments": (
            ".barlayer .trace.bars .point",
            sum(len(t.y) for t in bars if t.type == "bar"),
        ),
    }


@pytest.mark.parametrize(("renderer", "page"), _pages_of_both())
def test_charts_draw_their_marks_and_hover(browser, request, ctx, renderer, page) -> None:
    seen = visit(browser, served(request, renderer) + page.output)
    expected = _expected_marks(ctx)
    try:
        charts = seen.page.query_selector_all(".plotly-graph-div")
        for chart in charts:
            chart_id = chart.get_attribute("id")
            assert chart.query_selector(".main-svg"), chart_id
            caption = seen.page.query_selector(f"#{chart_id}-caption")
            assert caption and caption.inner_text().strip(), f"{chart_id} has no text alternative"
            selector, count = expected.get(
                chart_id, (".barlayer .point, .heatmaplayer image", None)
            )
            marks = chart.query_selector_all(selector)
            if count is None:
                assert marks, f"{chart_id} drew nothing"
            else:
                assert len(marks) == count, f"{chart_id}: {len(marks)} marks, expected {count}"
            # Hover over the middle of the widest mark: the hover label must appear. A bar two
            # pixels wide can be missed by a pixel's rounding (seen in the narrower Quarto page).
            # The mark, not the chart: a tall chart's mark can be above the viewport; centred,
            # so that a fixed navbar (Quarto's) cannot lie over it.
            mark = max(marks, key=lambda m: (m.bounding_box() or {"width": 0})["width"])
            mark.evaluate("m => m.scrollIntoView({block: 'center', inline: 'center'})")
            box = mark.bounding_box()
            assert box is not None and box["width"] > 0, f"{chart_id}: no mark to hover"
            seen.page.mouse.move(box["x"] + min(box["width"] / 2, 20), box["y"] + box["height"] / 2)
            seen.page.wait_for_timeout(250)
            hover = chart.query_selector(".hoverlayer")
            assert hover and hover.text_content().strip(), f"{chart_id}: no hover text"
    finally:
        seen.page.context.close()


def _expected_rows(ctx) -> dict[str, int]:
    """Per table id: the rows the page functions put in it."""
    expected = {
        "tbl-glance": len(home.glance_table(ctx)[0]),
        "tbl-commitments-by-report": len(home.commitments_by_report_table(ctx)),
        "tbl-stances-by-theme": len(recommendations.stances_by_theme_table(ctx)[0]),
        "explorer-table": len(recommendations.explorer_rows(ctx)),
        "tbl-slippage": len(timeline.slippage_table(ctx)),
        "tbl-local-plans": len(local.local_plans_table(ctx)),
        "tbl-reporters": len(data_and_method.reporters_table(ctx)),
        "tbl-sources": len(data_and_method.sources_table(ctx)),
        "tbl-dictionary": len(data_and_method.dictionary_table(ctx)),
        "tbl-glossary": len(glossary.table_frame(ctx)),
    }
    for council in local.shown_councils(ctx):
        if (ctx.responses["actor_id"] == council).any():
            expected[f"tbl-positions-{council}"] = len(local.council_positions(ctx, council))
    rows = local.local_progress_rows(ctx)
    for council, theirs in rows.groupby("reported_by"):
        expected[f"tbl-local-{council}"] = len(theirs)
    for area in one_year_on.areas(ctx):
        if len(one_year_on.listed_figures(ctx, area)):
            expected[f"tbl-figures-{slug(area)}"] = len(one_year_on.listed_figures(ctx, area))
    return expected


@pytest.mark.parametrize(("renderer", "page"), _pages_of_both())
def test_tables_show_every_row(browser, request, ctx, renderer, page) -> None:
    seen = visit(browser, served(request, renderer) + page.output)
    try:
        expected = _expected_rows(ctx)
        for table_id, count in expected.items():
            table = seen.page.query_selector(f"#{table_id}")
            if table is None:
                continue
            rows = table.query_selector_all("tbody tr:not(.gt_group_heading_row)")
            rows = [r for r in rows if r.query_selector("td")]
            assert len(rows) == count, f"{table_id}: {len(rows)} rows, expected {count}"
    finally:
        seen.page.context.close()


def test_every_table_on_the_site_is_checked(site, ctx) -> None:
    """Every table on the site has an expected row count above, and every expected one is there."""
    ids = set()
    for page in PAGES:
        html = (site / page.output).read_text(encoding="utf-8")
        ids |= set(re.findall(r'<table[^>]*\bid="([^"]+)"', html))
        ids |= set(re.findall(r'<div id="(tbl-[^"]+)"', html))
    assert ids == set(_expected_rows(ctx))


@pytest.mark.parametrize(("renderer", "page"), _pages_of_both())
def test_accessibility_audit_has_no_violations(browser, request, renderer, page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    seen = visit(browser, served(request, renderer) + page.output)
    try:
        results = Axe().run(seen.page)
        bad = [
            f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} node(s), e.g. "
            f"{v['nodes'][0]['target']}"
            for v in results.response["violations"]
        ]
        assert bad == [], "\n".join(bad)
    finally:
        seen.page.context.close()


@pytest.mark.parametrize(("renderer", "page"), _pages_of_both())
def test_fits_a_phone_and_screenshots(browser, request, renderer, page) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = page.output.replace("/", "_").removesuffix(".html")
    if renderer == "quarto":
        name = f"quarto-{name}"
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        seen = visit(browser, served(request, renderer) + page.output, viewport)
        try:
            seen.page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
            if label == "phone":
                overflow = seen.page.evaluate(
                    "() => document.documentElement.scrollWidth - window.innerWidth"
                )
                assert overflow <= 0, f"{page.output} scrolls sideways by {overflow}px on a phone"
                # Wide tables become stacked rows rather than scrolling in their own box.
                wide = seen.page.eval_on_selector_all(
                    "main table",
                    "ts => ts.filter(t => t.getBoundingClientRect().width > window.innerWidth)"
                    ".map(t => t.id || t.className)",
                )
                assert wide == [], f"{page.output}: tables wider than a phone: {wide}"
        finally:
            seen.page.context.close()


SEARCHES = ["ofsted", "serious case review", "lead officer", "social work reform board"]


def _search(browser, base: str, renderer: str, query: str) -> list[str]:
    """The sections the site's search lists for ``query``, as paths from the site's root."""
    seen = visit(browser, base + "notebooks/02-stances.html")
    page = seen.page
    try:
        if renderer == "quarto":
            page.fill("#quarto-search input.aa-Input", query)  # a textbox in the navbar
            selector = ".aa-Panel .aa-Item a"
        else:
            page.fill("#search-input", query)
            selector = ".search-results li a"
            page.wait_for_selector(selector)
            more = page.query_selector(".search-more")
            if more is not None:  # Every result, not only the first ten.
                more.click()
        page.wait_for_selector(selector)
        page.wait_for_timeout(500)  # Quarto lists its results asynchronously.
        hrefs = page.evaluate(
            f"() => Array.from(document.querySelectorAll('{selector}')).map(a => a.href)"
        )
    finally:
        seen.page.context.close()
    found = set()
    for href in hrefs:
        parsed = urlparse(href)
        path = parsed.path.removeprefix(urlparse(base).path)
        found.add(path + (f"#{parsed.fragment}" if parsed.fragment else ""))  # Quarto adds ?q=
    return sorted(found)


@pytest.mark.parametrize("query", SEARCHES)
def test_search_finds_the_same_sections_in_both_builds(browser, request, query) -> None:
    plain = _search(browser, served(request, "nbconvert"), "nbconvert", query)
    quarto = _search(browser, served(request, "quarto"), "quarto", query)
    # Quarto's search lists at most its own limit of matches and the other build lists all of
    # them (ranked, with "Show all"), so every section Quarto finds, the other build finds too.
    assert quarto and plain
    missing = sorted(set(quarto) - set(plain))
    assert missing == [], f"{query!r}: found by Quarto only: {missing}"


# Markup that got past the sanitiser: an inline script and an inline event handler.
INJECTED = '<script>window.__pwned = 1;</script><img src="x" onerror="window.__pwned = 2">'
# Every refusal the policy makes, recorded before the page's own scripts run.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", e =>
  window.__violations.push(e.effectiveDirective));
"""


def _injected_copy(site: Path, target: Path, keep_policy: bool = True) -> Path:
    """A copy of the site whose chart page holds INJECTED, written after the build (and so
    after the policy): as if it had come through the sanitiser."""
    copy = target / site.name
    shutil.copytree(site, copy)
    page = copy / "notebooks" / "02-stances.html"
    html = page.read_text(encoding="utf-8").replace("</main>", INJECTED + "</main>", 1)
    if not keep_policy:
        html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    page.write_text(html, encoding="utf-8")
    return page


@pytest.mark.parametrize(
    ("renderer", "mode"), [("nbconvert", "file"), ("nbconvert", "http"), ("quarto", "http")]
)
def test_a_script_past_the_sanitiser_is_refused(browser, request, tmp_path, renderer, mode) -> None:
    """The Content-Security-Policy refuses a script the build did not write, from file:// and
    over HTTP, while the page's own scripts (its charts, its citation) still run."""
    site = request.getfixturevalue("site" if renderer == "nbconvert" else "quarto_site")
    results = {}
    for keep_policy in (True, False):
        page = _injected_copy(site, tmp_path / str(keep_policy), keep_policy)
        if mode == "file":
            url = page.as_uri()
            results[keep_policy] = _visit_recording(browser, url)
        else:
            for base in _serve(page.parent.parent):
                results[keep_policy] = _visit_recording(browser, base + "notebooks/02-stances.html")
    pwned, violations, errors, cited = results[True]
    assert pwned is None, "an injected script ran despite the policy"
    assert "script-src-elem" in violations and "script-src-attr" in violations, violations
    assert errors and all("Content Security Policy" in e for e in errors), errors
    assert cited, "the page's own inline script did not run"
    # The same page without its policy runs the injection: the test can see one that runs.
    assert results[False][0] in (1, 2)


def _visit_recording(browser, url: str) -> tuple:
    context = browser.new_context(viewport=DESKTOP)
    try:
        context.add_init_script(RECORD_VIOLATIONS)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.goto(url, wait_until="load")
        for chart in page.query_selector_all(".plotly-graph-div"):
            chart.scroll_into_view_if_needed()
            chart.wait_for_selector(".main-svg", state="attached", timeout=15_000)
        page.wait_for_timeout(200)
        # The 404 of the injected image is not the policy's doing.
        errors = [e for e in errors if "404" not in e and "ERR_FILE_NOT_FOUND" not in e]
        cited = page.eval_on_selector(".cite-url", "e => e.textContent.includes('02-stances')")
        return page.evaluate("window.__pwned"), page.evaluate("window.__violations"), errors, cited
    finally:
        context.close()


def test_markup_in_the_data_is_shown_as_text(browser, other_build: Built) -> None:
    """Text fields holding markup are shown literally and never run, in every place they reach."""
    _require_browser()
    site = other_build.site
    for page in PAGES:
        seen = visit(browser, (site / page.output).as_uri())
        try:
            page_ = seen.page
            assert seen.dialogs == []
            assert page_.evaluate("() => window.__pwned") is None, page.output
            assert page_.query_selector("img[src='x']") is None, page.output
            if page.output.endswith(("01-recommendations.html", "02-stances.html")):
                assert "<script>window.__pwned=1</script>" in page_.inner_text("main"), page.output
        finally:
            seen.page.context.close()

    # The hover label of the hostile actor's heatmap cell shows the quote as text.
    seen = visit(browser, (site / "notebooks" / "02-stances.html").as_uri())
    try:
        chart = seen.page.query_selector("#fig-stance-heatmap")
        labels = chart.query_selector_all(".heatmaplayer .heatmap-label")
        target = labels[len(labels) - 1] if labels else None
        x_labels = [t.text_content() for t in chart.query_selector_all(".xtick text")]
        assert any("<script>" in t for t in x_labels), x_labels
        column = next(i for i, t in enumerate(x_labels) if "Hostile" in t)
        first_row = chart.query_selector_all(".heatmaplayer .heatmap-label")[column]
        # Scrolled first and measured after: the page's contents list moves the chart down.
        first_row.evaluate("m => m.scrollIntoView({block: 'center', inline: 'center'})")
        box = first_row.bounding_box()
        seen.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        seen.page.wait_for_timeout(300)
        hover = chart.query_selector(".hoverlayer").text_content()
        assert "<img src=x" in hover, hover
        assert seen.page.evaluate("() => window.__pwned") is None
        assert target is not None
    finally:
        seen.page.context.close()


# Each query, and the page whose section must come first: the recommendation it is about.
SEARCHES = {
    "eCAF": "notebooks/rec-01.html",
    "not adopted": "notebooks/rec-10.html",
    "Chief Social Worker": "notebooks/rec-15.html",
}


def _type_search(page, query: str) -> list[str]:
    page.fill("#search-input", query)
    page.wait_for_selector(".search-results li a")
    return page.eval_on_selector_all(
        ".search-results li a", "links => links.map(a => a.getAttribute('href'))"
    )


@pytest.mark.parametrize("mode", ["http", "file"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_search_ranks_the_right_section_first_inside_the_viewport(
    browser, server, site, mode, viewport
) -> None:
    page_ = PAGES[3]  # Any page: the index is the site's; this one is under notebooks/.
    url = server + page_.output if mode == "http" else (site / page_.output).as_uri()
    seen = visit(browser, url, viewport)
    try:
        page = seen.page
        if viewport is PHONE:
            page.click(".nav-toggle")  # On a phone the box is below the menu button.
        for query, first in SEARCHES.items():
            hrefs = _type_search(page, query)
            assert hrefs[0].split("#")[0].endswith(first), f"{query!r}: first result {hrefs[0]}"
            box = page.eval_on_selector(
                ".search-results",
                "el => { const r = el.getBoundingClientRect();"
                " return {left: r.left, right: r.right, width: window.innerWidth}; }",
            )
            assert box["left"] >= 0 and box["right"] <= box["width"], (query, box)
            titles = page.eval_on_selector_all(".search-results a", "a => a.map(x => x.innerText)")
            assert not any("¶" in t for t in titles), titles
        assert seen.errors == []
    finally:
        seen.page.context.close()


def test_search_shows_all_results_on_request(browser, server) -> None:
    seen = visit(browser, server + "index.html")
    try:
        page = seen.page
        hrefs = _type_search(page, "the")
        assert len(hrefs) == 10
        more = page.query_selector(".search-more")
        assert more is not None, "a common word must offer more than the first ten"
        total = int(more.inner_text().split()[2])
        more.click()
        assert len(page.query_selector_all(".search-results li a")) == total > 10
    finally:
        seen.page.context.close()


# A4 (210 mm) and Letter (216 mm) less site.css's 15 mm margins: the narrower, in CSS pixels.
PRINTABLE_WIDTH = round((210 - 30) / 25.4 * 96)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.output)
def test_prints_to_pdf_without_cutting_anything(browser, server, page, tmp_path) -> None:
    """A page drawn at desktop width, then printed: no navigation, charts fitted to the paper."""
    seen = visit(browser, server + page.output, DESKTOP)
    try:
        p = seen.page
        p.emulate_media(media="print")
        p.wait_for_timeout(200)
        for selector in (".site-header", ".site-search"):
            assert not p.is_visible(selector), f"{selector} printed on {page.output}"
        # What is drawn, not the chart's box (which is as wide as the column, whatever the paper).
        widths = p.eval_on_selector_all(
            ".js-plotly-plot .main-svg", "svgs => svgs.map(s => s.getBoundingClientRect().width)"
        )
        assert all(w <= PRINTABLE_WIDTH for w in widths), (page.output, widths)
        # Laid out at the paper's width (as the print engine does), nothing sticks out.
        p.set_viewport_size({"width": PRINTABLE_WIDTH, "height": 900})
        p.wait_for_timeout(300)
        overflow = p.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{page.output} is {overflow}px wider than the paper"
        pdf = tmp_path / "page.pdf"
        p.pdf(path=str(pdf), format="A4")
        assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000
    finally:
        seen.page.context.close()


def test_plotly_js_waits_until_a_chart_is_in_view(browser, server) -> None:
    """The text comes first: a page whose charts are below the first screen loads no plotly.js
    until the reader scrolls to one, then loads it once and draws it."""
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(server + "notebooks/04-one-year-on.html", wait_until="load")
        page.wait_for_timeout(1000)
        assert not [u for u in requests if "plotly" in u], "plotly.js loaded before it was needed"
        assert page.evaluate("() => window.Plotly") is None
        chart = page.query_selector(".plotly-graph-div")
        chart.scroll_into_view_if_needed()
        chart.wait_for_selector(".main-svg", state="attached", timeout=15_000)
        assert len([u for u in requests if u.endswith("plotly.min.js")]) == 1
    finally:
        context.close()


@pytest.mark.parametrize(
    "chart_page",
    ["notebooks/02-stances.html", "notebooks/03-timeline.html", "notebooks/04-one-year-on.html"],
)
def test_charts_never_scrolled_to_are_printed(browser, server, chart_page) -> None:
    """A reader who prints without scrolling gets every chart: plotly.js loads once the page
    has been idle, and printing draws what is still waiting."""
    context = browser.new_context(viewport=PHONE)  # on a phone, charts start off-screen
    try:
        page = context.new_page()
        page.goto(server + chart_page, wait_until="load")
        charts = page.eval_on_selector_all(".plotly-graph-div", "divs => divs.length")
        assert charts, f"{chart_page} has no chart"
        undrawn = page.eval_on_selector_all(
            ".plotly-graph-div", "divs => divs.filter(d => !d.querySelector('.main-svg')).length"
        )
        assert undrawn, "every chart was drawn at once: this test would prove nothing"
        page.wait_for_function("() => window.Plotly !== undefined", timeout=20_000)
        page.emulate_media(media="print")
        page.wait_for_timeout(300)
        drawn = page.eval_on_selector_all(
            ".plotly-graph-div", "divs => divs.filter(d => d.querySelector('.main-svg')).length"
        )
        assert drawn == charts, f"{charts - drawn} chart(s) of {chart_page} print blank"
    finally:
        context.close()


# Every chart's text, as drawn: each SVG text element's box, turned as the text is (rotated
# headers), in the viewport's coordinates. Two boxes overlap when they share more than a pixel
# along every axis that could separate them (the separating axis test for convex shapes).
_CHART_TEXT_CLASHES = """
() => {
  const quads = [];
  const shown = el => {
    for (let e = el; e && e.nodeType === 1; e = e.parentNode) {
      const style = getComputedStyle(e);
      if (style.display === "none" || style.visibility === "hidden" || style.opacity === "0")
        return false;
    }
    return true;
  };
  document.querySelectorAll(".js-plotly-plot").forEach(chart => {
    chart.querySelectorAll("svg text").forEach(el => {
      const text = el.textContent.trim();
      if (!text || !shown(el) || el.closest(".hoverlayer")) return;
      const box = el.getBBox();
      const m = el.getScreenCTM();
      if (!box.width || !box.height || !m) return;
      const at = (x, y) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f];
      quads.push({
        chart: chart.id, text, el, edges: chart.getBoundingClientRect(),
        points: [at(box.x, box.y), at(box.x + box.width, box.y),
                 at(box.x + box.width, box.y + box.height), at(box.x, box.y + box.height)],
      });
    });
    // A chart's menus are controls: no text may lie under them.
    chart.querySelectorAll(".updatemenu-header-group, .updatemenu-button").forEach(el => {
      const r = el.getBoundingClientRect();
      if (!r.width || !shown(el)) return;
      quads.push({
        chart: chart.id, text: `menu "${el.textContent.trim()}"`, control: el,
        points: [[r.left, r.top], [r.right, r.top], [r.right, r.bottom], [r.left, r.bottom]],
      });
    });
  });
  const inside = (q, p) => p.control && p.control.contains(q.el);
  const axes = q => [0, 1].map(i => {
    const [a, b] = [q.points[i], q.points[i + 1]];
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1;
    return [-(b[1] - a[1]) / len, (b[0] - a[0]) / len];
  });
  const span = (q, axis) => {
    const d = q.points.map(p => p[0] * axis[0] + p[1] * axis[1]);
    return [Math.min(...d), Math.max(...d)];
  };
  const overlap = (p, q) => Math.min(...[...axes(p), ...axes(q)].map(axis => {
    const [a, b] = [span(p, axis), span(q, axis)];
    return Math.min(a[1], b[1]) - Math.max(a[0], b[0]);
  }));
  const clashes = [];
  for (let i = 0; i < quads.length; i++) {
    const xs = quads[i].points.map(p => p[0]);
    if (Math.min(...xs) < -1 || Math.max(...xs) > window.innerWidth + 1)
      clashes.push(`${quads[i].chart}: "${quads[i].text}" outside the screen`);
    const edges = quads[i].edges;
    if (edges && (Math.min(...xs) < edges.left - 1 || Math.max(...xs) > edges.right + 1))
      clashes.push(`${quads[i].chart}: "${quads[i].text}" cut at the chart's edge`);
    for (let j = i + 1; j < quads.length; j++) {
      const [p, q] = [quads[i], quads[j]];
      if (p.chart === q.chart && !inside(p, q) && !inside(q, p) && !(p.control && q.control)
          && overlap(p, q) > 1.5)
        clashes.push(`${quads[i].chart}: "${quads[i].text}" overlaps "${quads[j].text}"`);
    }
  }
  return clashes;
}
"""

# Elements whose box reaches past the viewport's right edge, outside any box that scrolls (or
# clips) sideways on purpose, and not hidden.
_BEYOND_THE_RIGHT_EDGE = """
() => {
  const inBox = el => {
    for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
      const x = getComputedStyle(e).overflowX;
      if (x === "auto" || x === "scroll" || x === "hidden" || x === "clip") return true;
    }
    return false;
  };
  return Array.from(document.body.querySelectorAll("*")).filter(el => {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || r.right <= window.innerWidth + 1) return false;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.position === "fixed" && r.left >= window.innerWidth)
      return false;
    return !inBox(el);
  }).map(el => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}.${el.className.baseVal ?? el.className}`
    + ` (right edge ${Math.round(el.getBoundingClientRect().right)}px)`).slice(0, 10);
}
"""


@pytest.mark.parametrize(("renderer", "page"), _pages_of_both())
def test_phone_text_never_overlaps_and_nothing_leaves_the_screen(
    browser, request, renderer, page
) -> None:
    """At 375 px: no two texts of a chart overlap, none is cut by the screen's edges, the page
    does not scroll sideways and no element reaches past the right edge outside a scroll box."""
    seen = visit(browser, served(request, renderer) + page.output, PHONE)
    try:
        p = seen.page
        # Every chart drawn in view (visit() waited for each) and laid out at the phone's width.
        p.wait_for_timeout(300)
        clashes = p.evaluate(_CHART_TEXT_CLASHES)
        assert clashes == [], f"{page.output}: " + "\n".join(clashes[:15])
        overflow = p.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{page.output} scrolls sideways by {overflow}px on a phone"
        beyond = p.evaluate(_BEYOND_THE_RIGHT_EDGE)
        assert beyond == [], f"{page.output}: past the right edge: {beyond}"
    finally:
        seen.page.context.close()


# Where a chart draws a point, in the viewport: plotly's own axes turn data into pixels.
_POINT_AT = """
([id, x, y]) => {
  const gd = document.getElementById(id);
  const box = gd.getBoundingClientRect();
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
  return {x: box.left + xa._offset + xa.d2p(x), y: box.top + ya._offset + ya.d2p(y)};
}
"""


def _a_mark(ctx, chart_id: str) -> tuple[str, str, int]:
    """A point of the chart to click (its x and y values) and the recommendation it is on."""
    if chart_id == "fig-commitments":
        trace = next(t for t in timeline.commitments_chart(ctx).figure.data if t.type == "bar")
        middle = pd.Timestamp(trace.base[0]) + pd.Timedelta(milliseconds=trace.x[0] / 2)
        return middle.strftime("%Y-%m-%d"), trace.y[0], int(trace.customdata[0][-1][4:6])
    fig = (stances.heatmap if chart_id == "fig-stance-heatmap" else timeline.status_grid)(ctx)
    trace = fig.figure.data[0]
    # The second row and the first column: any cell, not the corner.
    return trace.x[0], trace.y[1], int(trace.customdata[1][0][-1][4:6])


def _chart_in_view(page, chart_id: str, x, y) -> dict:
    page.evaluate("id => document.getElementById(id).scrollIntoView({block: 'center'})", chart_id)
    page.wait_for_timeout(200)
    at = page.evaluate(_POINT_AT, [chart_id, x, y])
    # Centred on the point, so that no fixed navbar lies over it.
    page.evaluate("dy => window.scrollBy(0, dy)", at["y"] - page.viewport_size["height"] / 2)
    page.wait_for_timeout(300)
    return page.evaluate(_POINT_AT, [chart_id, x, y])


CLICKABLE = ["fig-stance-heatmap", "fig-status-by-report", "fig-commitments"]
CHART_PAGE = {
    "fig-stance-heatmap": "notebooks/02-stances.html",
    "fig-status-by-report": "notebooks/03-timeline.html",
    "fig-commitments": "notebooks/03-timeline.html",
}


@pytest.mark.parametrize("chart_id", CLICKABLE)
@pytest.mark.parametrize("renderer", RENDERERS)
def test_clicking_a_mark_or_a_row_name_opens_its_recommendation(
    browser, request, ctx, renderer, chart_id
) -> None:
    """With a mouse, a click on a cell or bar opens its recommendation's page, and so does a
    click on a row's name (a link in the axis)."""
    base = served(request, renderer)
    x, y, rec = _a_mark(ctx, chart_id)
    target = recommendations.page_href(rec)
    seen = visit(browser, base + CHART_PAGE[chart_id])
    try:
        page = seen.page
        at = _chart_in_view(page, chart_id, x, y)
        page.mouse.click(at["x"], at["y"])
        page.wait_for_url(f"**/notebooks/{target}", timeout=10_000)
        assert seen.errors == []
    finally:
        seen.page.context.close()
    seen = visit(browser, base + CHART_PAGE[chart_id])
    try:
        page = seen.page
        link = page.locator(f'#{chart_id} .yaxislayer-above a[*|href="{target}"]').first
        link.evaluate("a => a.scrollIntoView({block: 'center'})")
        # At the link's middle, as a reader clicks (Playwright's own click refuses an SVG link
        # inside a text whose drawing has no pointer events, though the browser hits the link).
        box = link.bounding_box()
        assert page.evaluate(
            "([x, y]) => document.elementFromPoint(x, y).closest('a') !== null",
            [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
        ), f"{chart_id}: the link to {target} is covered"
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_url(f"**/notebooks/{target}", timeout=10_000)
        assert seen.errors == []
    finally:
        seen.page.context.close()


@pytest.mark.parametrize("renderer", RENDERERS)
def test_on_a_touch_screen_a_first_tap_shows_the_label_and_a_second_opens(
    browser, request, ctx, renderer
) -> None:
    x, y, rec = _a_mark(ctx, "fig-stance-heatmap")
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    try:
        page = context.new_page()
        url = served(request, renderer) + CHART_PAGE["fig-stance-heatmap"]
        page.goto(url, wait_until="load")
        chart = page.query_selector("#fig-stance-heatmap")
        chart.scroll_into_view_if_needed()
        chart.wait_for_selector(".main-svg", state="attached", timeout=15_000)
        at = _chart_in_view(page, "fig-stance-heatmap", x, y)
        page.touchscreen.tap(at["x"], at["y"])
        page.wait_for_timeout(400)
        assert page.url == url
        hover = chart.query_selector(".hoverlayer").text_content()
        assert hover.startswith(f"{rec}.") and "tap again" in hover, hover
        label = chart.query_selector(".hoverlayer .hovertext").bounding_box()
        assert label["x"] >= 0 and label["x"] + label["width"] <= PHONE["width"], label
        page.touchscreen.tap(at["x"], at["y"])
        page.wait_for_url(f"**/notebooks/{recommendations.page_href(rec)}", timeout=10_000)
    finally:
        context.close()


_LABEL_FILLS = """
id => {
  const fills = {};
  document.querySelectorAll(`#${id} .heatmap-label text`).forEach(t => {
    (fills[t.textContent] = fills[t.textContent] || new Set()).add(getComputedStyle(t).fill);
  });
  return Object.fromEntries(Object.entries(fills).map(([k, v]) => [k, [...v].sort()]));
}
"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("renderer", RENDERERS)
def test_heatmap_text_keeps_its_colour_when_rows_are_reordered(
    browser, request, renderer, viewport
) -> None:
    """A cell's text is the score, so every text of one score has one colour (white on the dark
    fills, dark on the pale), before and after the menu reorders the rows."""
    seen = visit(browser, served(request, renderer) + CHART_PAGE["fig-stance-heatmap"], viewport)
    try:
        page = seen.page
        before = page.evaluate(_LABEL_FILLS, "fig-stance-heatmap")
        assert all(len(fills) == 1 for fills in before.values()), before
        assert len({f[0] for f in before.values()}) == 2, before  # Both light and dark text.
        menu = page.locator("#fig-stance-heatmap .updatemenu-header-group")
        menu.scroll_into_view_if_needed()
        menu.click()
        page.locator("#fig-stance-heatmap .updatemenu-dropdown-button").nth(1).click()
        page.wait_for_timeout(500)
        header = page.locator("#fig-stance-heatmap .updatemenu-header-group").text_content()
        assert "disagreement" in header
        after = page.evaluate(_LABEL_FILLS, "fig-stance-heatmap")
        assert after == before
    finally:
        seen.page.context.close()


_TOOLBAR_AND_MENUS = """
chart => {
  const box = el => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const bar = chart.querySelector(".modebar-container");
  const shown = bar && getComputedStyle(bar).display !== "none" && chart.querySelector(".modebar");
  return {
    toolbar: shown ? box(chart.querySelector(".modebar")) : null,
    menus: Array.from(chart.querySelectorAll(".updatemenu-header-group")).map(box),
  };
}
"""


@pytest.mark.parametrize("width", [1280, 800, 610, 375])
@pytest.mark.parametrize("renderer", RENDERERS)
def test_chart_toolbar_never_covers_a_menu(browser, request, renderer, width) -> None:
    """The toolbar plotly shows over a chart under the pointer lies clear of the chart's menus,
    at every width (on a phone there is none)."""
    for page_name in ("notebooks/02-stances.html", "notebooks/03-timeline.html"):
        seen = visit(
            browser, served(request, renderer) + page_name, {"width": width, "height": 900}
        )
        try:
            for chart in seen.page.query_selector_all(".plotly-graph-div"):
                if not chart.query_selector(".updatemenu-header-group"):
                    continue
                chart.scroll_into_view_if_needed()
                chart.hover()
                seen.page.wait_for_timeout(200)
                found = chart.evaluate(_TOOLBAR_AND_MENUS)
                bar = found["toolbar"]
                if width <= 600:
                    assert bar is None, f"{page_name}: a toolbar on a phone"
                for menu in found["menus"] if bar else []:
                    apart = (
                        bar[2] <= menu[0]
                        or menu[2] <= bar[0]
                        or bar[3] <= menu[1]
                        or menu[3] <= bar[1]
                    )
                    assert apart, (page_name, chart.get_attribute("id"), bar, menu)
        finally:
            seen.page.context.close()


@pytest.mark.parametrize("mode", ["file", "quarto-http"])
@pytest.mark.parametrize(
    "chart_page",
    ["notebooks/02-stances.html", "notebooks/03-timeline.html", "notebooks/04-one-year-on.html"],
)
def test_chart_tables_open_by_keyboard_without_plotly_and_stack_on_a_phone(
    browser, request, mode, chart_page
) -> None:
    """Each chart's table view opens from the keyboard with plotly.js never loaded (from
    file:// too), shows every row stacked within a phone's width, and its CSV link leads to a
    file of the site."""
    page_config = next(p for p in PAGES if p.output == chart_page)
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.route("**/plotly.min.js", lambda route: route.abort())
        page.goto(url_for(mode, request, page_config), wait_until="load")
        tables = page.query_selector_all("figure.munro-chart details")
        assert tables, f"{chart_page} has no chart table"
        for details in tables:
            summary = details.query_selector("summary")
            summary.focus()
            page.keyboard.press("Enter")
            assert details.evaluate("d => d.open"), details.get_attribute("id")
            rows = details.query_selector_all("tbody tr")
            assert rows and all(r.is_visible() for r in rows)
            assert rows[0].evaluate("r => getComputedStyle(r).display") == "block"
            right = details.evaluate("d => d.querySelector('table').getBoundingClientRect().right")
            assert right <= PHONE["width"], details.get_attribute("id")
            page.keyboard.press("Enter")
            assert not details.evaluate("d => d.open")
        assert page.evaluate("() => window.Plotly === undefined"), "plotly.js was blocked"
        for link in page.query_selector_all("figure.munro-chart .munro-chart-download a"):
            assert link.evaluate("a => a.hasAttribute('download')")
            # The link as the browser resolves it (Quarto's script makes it absolute).
            url = link.evaluate("a => a.href")
            if mode == "file":
                assert Path(unquote(urlparse(url).path)).is_file(), url
            else:
                response = context.request.get(url)
                assert response.ok and response.text().count("\n") > 1, url
    finally:
        context.close()
