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
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import copy_project, read_rows, write_rows

import munro_data
from munro_data import analysis
from munro_data.site._browser import CHROMIUM, CHROMIUM_ARGS
from munro_data.site._config import PROJECT_DIR, read_config
from munro_data.site.build import build

SCREENSHOTS = PROJECT_DIR / "test-artifacts" / "screenshots"
PAGES = read_config().pages
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


def _require_browser() -> None:
    missing = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "the playwright package is not installed (make install)"
    if missing is None and not CHROMIUM.exists():
        missing = f"{CHROMIUM} is missing (apt-get install chromium)"
    if missing:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(f"browser tests skipped: {missing}")


@pytest.fixture(scope="module")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("served") / "tracker"
    return build(out, execute=False, use_quarto=False, log=lambda *_: None)


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
def data() -> dict:
    return munro_data.load_all()


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


def _expected_marks(data) -> dict[str, tuple[str, int]]:
    """Per chart: which DOM marks to count, and how many the data implies."""
    recs = len(data["recommendations"])
    actors = data["responses"]["actor_id"].nunique()
    snapshots = analysis.status_snapshots(
        data["recommendations"], data["responses"], data["progress"], data["sources"]
    )
    dated = data["commitments"]["due_date"].notna().sum()
    return {
        "fig-stance-heatmap": (".heatmaplayer .heatmap-label", recs * actors),
        "fig-status-by-report": (
            ".heatmaplayer .heatmap-label",
            recs * snapshots["as_of"].nunique(),
        ),
        "fig-commitments": (".barlayer .trace.bars .point", int(dated)),
    }


@pytest.mark.parametrize(("renderer", "page"), _pages_of_both())
def test_charts_draw_their_marks_and_hover(browser, request, data, renderer, page) -> None:
    seen = visit(browser, served(request, renderer) + page.output)
    expected = _expected_marks(data)
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
            if box is None or box["width"] == 0:
                continue
            seen.page.mouse.move(box["x"] + min(box["width"] / 2, 20), box["y"] + box["height"] / 2)
            seen.page.wait_for_timeout(250)
            hover = chart.query_selector(".hoverlayer")
            assert hover and hover.text_content().strip(), f"{chart_id}: no hover text"
    finally:
        seen.page.context.close()


def _expected_rows(data) -> dict[str, int]:
    progress = data["progress"]
    figures = data["figures"]
    actors = data["actors"]
    councils = actors.loc[actors["kind"] == "local_authority", "actor_id"]
    # One Year On lists, per topic, the figures it cannot chart as a share of a whole.
    listed = figures[(figures["unit"] != "percent") & figures["denominator"].isna()]
    listed = listed[listed["topic"] != "general"]
    return {
        **{
            f"tbl-figures-{topic.replace('_', '-')}": count
            for topic, count in listed["topic"].astype(str).value_counts().items()
        },
        "tbl-glance": len(data["recommendations"]),
        "tbl-stances-by-theme": len(data["recommendations"]),
        "tbl-explorer": len(data["responses"]),
        "tbl-slippage": len(data["commitments"]),
        "tbl-positions-salford": len(data["recommendations"]),
        "tbl-local-derby": int(
            ((progress["scope"] == "local") & (progress["reported_by"] == "derby")).sum()
        ),
        "tbl-local-plans": int(data["commitments"]["actor_id"].isin(councils).sum()),
        "tbl-sources": len(data["sources"]),
        "tbl-dictionary": sum(
            len(t.fields)
            for t in munro_data._package.read_tables(munro_data.resolve_data_dir()).values()
        ),
    }


@pytest.mark.parametrize(("renderer", "page"), _pages_of_both())
def test_tables_show_every_row(browser, request, data, renderer, page) -> None:
    seen = visit(browser, served(request, renderer) + page.output)
    try:
        expected = _expected_rows(data)
        for table_id, count in expected.items():
            table = seen.page.query_selector(f"#{table_id}")
            if table is None:
                continue
            rows = table.query_selector_all("tbody tr:not(.gt_group_heading_row)")
            rows = [r for r in rows if r.query_selector("td")]
            assert len(rows) == count, f"{table_id}: {len(rows)} rows, expected {count}"
    finally:
        seen.page.context.close()


def test_every_table_on_the_site_is_checked(site, data) -> None:
    """A new table id must be given an expected row count above."""
    ids = set()
    for page in PAGES:
        html = (site / page.output).read_text(encoding="utf-8")
        ids |= {i for i in _expected_rows(data) if f'id="{i}"' in html}
    assert ids == set(_expected_rows(data))


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
            selector = ".search-results a"
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
    assert quarto == plain != []


PAYLOAD = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> "quoted"'


def test_markup_in_the_data_is_shown_as_text(browser, data_copy: Path, tmp_path: Path) -> None:
    """Text fields holding markup are shown literally and never run, in every place they reach."""
    _require_browser()
    source = data_copy / "sources" / "hostile-2026.txt"
    source.write_text(f"A council wrote this: {PAYLOAD} and nothing more.\n", encoding="utf-8")
    header, sources = read_rows(data_copy / "sources.csv")
    write_rows(
        data_copy / "sources.csv",
        header,
        [
            *sources,
            sources[0]
            | {
                "source_id": "hostile-2026",
                "title": f"Hostile {PAYLOAD}",
                "author": f"Author {PAYLOAD}",
                "file": "sources/hostile-2026.txt",
                "citation": f"Citation {PAYLOAD}",
            },
        ],
    )
    header, actors = read_rows(data_copy / "actors.csv")
    write_rows(
        data_copy / "actors.csv",
        header,
        [
            *actors,
            {
                "actor_id": "hostile",
                "name": f"Council {PAYLOAD}",
                "short_name": f"Hostile {PAYLOAD}",
                "kind": "local_authority",
            },
        ],
    )
    header, recs = read_rows(data_copy / "recommendations.csv")
    recs[0]["title"] = f"Revise {PAYLOAD}"
    write_rows(data_copy / "recommendations.csv", header, recs)
    header, responses = read_rows(data_copy / "responses.csv")
    write_rows(
        data_copy / "responses.csv",
        header,
        [
            *responses,
            {
                "rec_id": "1",
                "actor_id": "hostile",
                "source_id": "hostile-2026",
                "stance": "concern",
                "quote": PAYLOAD,
                "note": f"Note {PAYLOAD}",
            },
        ],
    )

    project = copy_project(tmp_path / "project")
    site = build(
        tmp_path / "_site", data_copy, project_dir=project, use_quarto=False, log=lambda *_: None
    )

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
