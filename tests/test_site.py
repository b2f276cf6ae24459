"""The website built without Quarto: every page of _quarto.yml, its title, navigation and charts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from conftest import OTHER_BUILD_NOTEBOOKS, Built, project_notebooks, read_rows, write_rows
from plotly.offline import get_plotlyjs_version

import munro_data
from munro_data.site import _assets
from munro_data.site._assets import strip_cdn
from munro_data.site._config import PROJECT_DIR, front_matter, read_config
from munro_data.site._render import plain_title
from munro_data.site.build import build

CONFIG = read_config()


def page_soup(site: Path, page) -> BeautifulSoup:
    return BeautifulSoup((site / page.output).read_text(encoding="utf-8"), "html.parser")


@pytest.mark.parametrize("page", CONFIG.pages, ids=lambda p: p.source)
def test_page_exists_with_title_and_navigation(site: Path, page) -> None:
    soup = page_soup(site, page)
    nb = nbformat.read(PROJECT_DIR / page.source, as_version=4)
    # A title made from data is written escaped for Markdown, which Quarto reads it as.
    title = plain_title(front_matter(nb)["title"])
    assert soup.find("h1").get_text(strip=True) == title
    assert soup.title.get_text().startswith(title)
    nav = soup.select("nav .nav-links a")
    assert [a.get_text(strip=True) for a in nav] == [p.nav_text for p in CONFIG.nav]
    for link, target in zip(nav, CONFIG.nav, strict=True):
        # Relative links, so the site works from file:// and under any sub-path.
        assert (site / page.output).parent.joinpath(link["href"]).resolve() == (
            site / target.output
        ).resolve()
    current = [a["href"] for a in nav if a.get("aria-current") == "page"]
    assert current == ([page.root + page.output] if page in CONFIG.nav else [])


@pytest.mark.parametrize("page", CONFIG.pages, ids=lambda p: p.source)
def test_nothing_loads_from_another_host(site: Path, page) -> None:
    soup = page_soup(site, page)
    for tag, attribute in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src")):
        for element in soup.find_all(tag):
            value = element.get(attribute, "")
            assert not re.match(r"^(https?:)?//", value), f"{page.output} loads {value}"
            if value:
                assert (site / page.output).parent.joinpath(value).resolve().exists(), value


@pytest.mark.parametrize("page", CONFIG.pages, ids=lambda p: p.source)
def test_charts_carry_their_data_and_plotly_loads_once(site: Path, page) -> None:
    html = (site / page.output).read_text(encoding="utf-8")
    nb = nbformat.read(PROJECT_DIR / page.source, as_version=4)
    figure_ids = [
        m
        for cell in nb.cells
        for out in cell.get("outputs", [])
        for m in re.findall(
            r'<div id="(fig-[\w-]+)" class="plotly-graph-div"',
            out.get("data", {}).get("text/html", ""),
        )
    ]
    # Not in the head: site.js loads it when a chart comes near the screen, from one URL.
    assert "<script src" not in html.split("plotly.min.js")[0].rsplit("\n", 1)[-1]
    assert html.count('assets/plotly.min.js"') == (1 if figure_ids else 0)
    for figure_id in figure_ids:
        assert f'id="{figure_id}"' in html
        assert re.search(rf'Plotly\.newPlot\(\s*"{figure_id}",\s*\[\{{', html), figure_id
        assert f'id="{figure_id}-caption"' in html, "every chart has a text caption"


def test_every_recommendation_has_its_page_linked_from_the_index(site: Path) -> None:
    page = next(p for p in CONFIG.pages if "recommendations" in p.source)
    links = {a.get("href") for a in page_soup(site, page).select("main a")}
    for rec_id in munro_data.load_recommendations()["rec_id"]:
        href = f"rec-{rec_id:02d}.html"
        assert href in links
        own = BeautifulSoup((site / "notebooks" / href).read_text(encoding="utf-8"), "html.parser")
        assert own.find("h1").get_text(strip=True) == f"Recommendation {rec_id}"


def test_downloads_and_search(site: Path) -> None:
    for name in munro_data.list_tables():
        assert (site / "downloads" / f"{name}.csv").is_file()
    assert (site / "downloads" / "munro-review-tracker.xlsx").stat().st_size > 5000
    assert (site / "downloads" / "datapackage.json").is_file()
    index = (site / "search-index.js").read_text(encoding="utf-8")
    assert index.startswith("window.MUNRO_SEARCH = [")
    assert "notebooks/rec-07.html#summary" in index


@pytest.mark.parametrize("page", CONFIG.pages, ids=lambda p: p.source)
def test_each_chart_offers_its_data_as_a_table_and_a_csv_with_the_same_rows(
    site: Path, page
) -> None:
    """Each framed chart: its finding above it, a table of its data with a caption, and a link
    to the CSV the build wrote, whose header is the table's head and whose rows are its rows."""
    import csv
    import io

    def words(element) -> str:
        # Without spaces: the reader marks abbreviations (<abbr>), which splits the text.
        return "".join(element.get_text().split())

    soup = page_soup(site, page)
    for figure in soup.select("figure.munro-chart"):
        chart = figure.select_one(".plotly-graph-div")
        assert chart is not None, figure["id"]
        title = words(figure.select_one("figcaption .munro-chart-title"))
        table = figure.select_one("details table")
        assert words(table.caption) == title
        assert figure.select_one("details summary").get_text(strip=True)
        link = figure.select_one(".munro-chart-download a")
        target = (site / page.output).parent / link["href"]
        assert target.resolve().parent == (site / "downloads").resolve(), link["href"]
        rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
        assert ["".join(c.split()) for c in rows[0]] == [
            words(th) for th in table.select("thead th")
        ]
        shown = [[words(td) for td in tr.select("td")] for tr in table.select("tbody tr")]
        assert len(shown) == len(rows) - 1, figure["id"]
        # The same cells, a number written in the table as it is in the file (12, not 12.0).
        for row_shown, row_file in zip(shown, rows[1:], strict=True):
            assert [c.replace(",", "") for c in row_shown] == [
                "".join(c.split()).replace(",", "").removesuffix(".0") for c in row_file
            ], figure["id"]


# A missing value printed as text: pandas' nan, NaT and <NA>, Python's None. "None" followed by
# a lowercase word is English ("None named", "None of the three actors' responses...").
MISSING_VALUE = re.compile(r"\b(?:nan|NaT)\b|<NA>|\bNone\b(?!\s+[a-z])")


def missing_values(html: str) -> list[str]:
    """Each place the visible text of ``html`` shows a missing value, with some context.

    >>> missing_values("<p>statutory guidance, <em>nan</em>. No date promised.</p>")
    ['statutory guidance, nan . No date']
    >>> missing_values("<td>None named</td><p>None of them; a nanny; NaN</p><script>nan</script>")
    []
    """
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style", "noscript", "template"]):
        hidden.decompose()
    text = " ".join(soup.get_text(" ").split())
    return [text[max(0, m.start() - 20) : m.end() + 10] for m in MISSING_VALUE.finditer(text)]


def test_no_page_shows_nan(site: Path) -> None:
    # Every page the build wrote, not only the notebooks' pages: search, downloads, sources.
    shown = {
        str(path.relative_to(site)): found
        for path in sorted(site.rglob("*.html"))
        if (found := missing_values(path.read_text(encoding="utf-8")))
    }
    assert shown == {}


def test_invalid_data_stops_the_build_before_anything_changes(data_copy: Path, site: Path) -> None:
    header, rows = read_rows(data_copy / "responses.csv")
    rows[0]["stance"] = "suport"
    write_rows(data_copy / "responses.csv", header, rows)
    before = {p: p.stat().st_mtime_ns for p in site.rglob("*")}
    notebooks = {p: p.read_bytes() for p in PROJECT_DIR.glob("notebooks/*.ipynb")}
    with pytest.raises(
        munro_data.DataValidationError, match="responses.csv, line 2, column 'stance'"
    ):
        build(site, data_copy, use_quarto=False)
    assert {p: p.stat().st_mtime_ns for p in site.rglob("*")} == before
    assert {p: p.read_bytes() for p in PROJECT_DIR.glob("notebooks/*.ipynb")} == notebooks


def test_strip_cdn_removes_what_quarto_adds(tmp_path: Path) -> None:
    page = tmp_path / "index.html"
    page.write_text(
        '<head><script src="https://cdn.example/ajax/libs/require.js/2.3.6/require.min.js" '
        'integrity="sha384-x" crossorigin="anonymous"></script>\n'
        '<script src="https://cdn.example/ajax/libs/jquery/3.5.1/jquery.min.js" '
        'integrity="sha384-y" crossorigin="anonymous"></script>\n'
        "<script type=\"application/javascript\">define('jquery', [],function() {return window.jQuery;})"
        '</script>\n<script src="site_libs/quarto-nav/quarto-nav.js"></script></head>',
        encoding="utf-8",
    )
    assert strip_cdn(tmp_path) == 1
    html = page.read_text(encoding="utf-8")
    assert "require" not in html and "jquery" not in html.lower()
    assert "quarto-nav.js" in html


def test_quarto_project_lists_every_notebook() -> None:
    notebooks = sorted(
        str(p.relative_to(PROJECT_DIR)) for p in PROJECT_DIR.glob("notebooks/*.ipynb")
    )
    assert sorted(p.source for p in CONFIG.pages) == sorted(["index.ipynb", *notebooks])
    assert CONFIG.pages[0].source == "index.ipynb"
    # Quarto matches an unanchored glob anywhere below the project: in build/executed/ too,
    # where builds on other data keep their notebooks, and renders those as pages.
    import yaml

    render = yaml.safe_load((PROJECT_DIR / "_quarto.yml").read_text())["project"]["render"]
    assert all(entry.startswith("/") for entry in render if "*" in entry), render


def test_new_actor_and_recommendation_appear_without_code_changes(other_build: Built) -> None:
    """An analyst's data with a council and a recommendation we do not have rebuilds every page."""
    site = other_build.site
    stances = (site / "notebooks" / "02-stances.html").read_text(encoding="utf-8")
    assert '"Newtown"' in stances and "16. A sixteenth recommendation" in stances
    recommendations = BeautifulSoup(
        (site / "notebooks" / "01-recommendations.html").read_text(encoding="utf-8"), "html.parser"
    )
    assert (site / "notebooks" / "rec-16.html").is_file(), "a new recommendation gets its page"
    assert 'href="rec-16.html"' in str(recommendations)
    assert any(td.get_text() == "Newtown" for td in recommendations.select("#explorer-table td"))
    assert "Newtown" in (site / "notebooks" / "05-local.html").read_text(encoding="utf-8")
    # The repository's own notebooks were not touched by a build of another project.
    assert project_notebooks() == OTHER_BUILD_NOTEBOOKS


def test_plotly_js_is_the_pinned_partial_bundle_at_plotly_pys_version(site: Path) -> None:
    pin = _assets.vendor_pins()[_assets.PLOTLY_BUNDLE]
    assert pin["version"] == get_plotlyjs_version(), "re-pin plotly.js in site/vendor.json"
    bundle = (site / "assets" / "plotly.min.js").read_bytes()
    if _assets.fetch(_assets.PLOTLY_BUNDLE) is None:
        pytest.skip("npm unavailable: the build used the full bundle (its log says so)")
    assert bundle[:200].decode().count(f"plotly.js (cartesian - minified) v{pin['version']}") == 1
    assert len(bundle) < _assets.PLOTLY_JS.stat().st_size / 2


def test_without_npm_the_full_bundle_is_used_and_said(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MUNRO_VENDOR_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PATH", str(tmp_path))  # No npm on it.
    bundle, message = _assets.plotly_js()
    assert bundle == _assets.PLOTLY_JS.read_bytes()
    assert message.startswith("plotly.js: FALLBACK to the full bundle") and "npm" in message
    assert _assets.vendor_file("minisearch") is None


def test_a_cached_tarball_that_fails_its_checksum_is_not_used(tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    pin = _assets.vendor_pins()[_assets.PLOTLY_BUNDLE]
    (cache / f"{_assets.PLOTLY_BUNDLE}-{pin['version']}.tgz").write_bytes(b"not the real one")
    monkeypatch.setenv("MUNRO_VENDOR_CACHE", str(cache))
    monkeypatch.setenv("PATH", str(tmp_path))
    assert _assets.fetch(_assets.PLOTLY_BUNDLE) is None


def test_search_index_holds_every_word_with_clean_titles(site: Path) -> None:
    index = json.loads((site / "search.json").read_text(encoding="utf-8"))
    assert not any("¶" in e["section"] or "¶" in e["text"] for e in index)
    assert not any("( " in e["section"] for e in index), "inline markup in a title stays inline"
    assert max(len(e["text"]) for e in index) > 2000, "sections are no longer cut at 2,000"

    def page_text(href: str) -> str:
        return " ".join(e["text"] for e in index if e["href"].split("#")[0] == href)

    # Words that sit deep in long sections, inside tables and notes.
    assert "eCAF" in page_text("notebooks/rec-01.html")
    assert "not adopted" in page_text("notebooks/rec-10.html").lower()
    # Every word of a page's main text is in some section of that page, but for a filter's
    # menu, whose choices are not words of its section.
    page = next(p for p in CONFIG.pages if "recommendations" in p.source)
    main = page_soup(site, page).find("main")
    skipped = "script, style, select, .anchor-link, .title-block, #TOC, .cite-this"
    for junk in main.select(skipped + ", .munro-chart-data"):
        junk.decompose()
    indexed = " ".join(
        e["section"] + " " + e["text"] for e in index if e["href"].startswith(page.output)
    )
    assert set(main.get_text(" ").split()) <= set(indexed.split())


def test_charts_wait_for_the_deferred_plotly_js(site: Path) -> None:
    for page in CONFIG.pages:
        html = (site / page.output).read_text(encoding="utf-8")
        soup = BeautifulSoup(html, "html.parser")
        for script in soup.find_all("script", src=False):
            if "Plotly.newPlot" in script.get_text():
                assert script.has_attr("data-deferred-plot"), page.output
                assert "MUNRO_LAZY_PLOTS.push" in script.get_text()


def test_strip_cdn_makes_quartos_charts_lazy_and_drops_plotly_where_there_are_none(
    tmp_path: Path,
) -> None:
    """Quarto's include-in-header puts plotly.js on every page; the post-render keeps it only
    where a chart is, loaded by charts.js as in the build without Quarto."""
    tag = '<script src="../assets/plotly.min.js" defer></script>'
    chart = (
        f'<head>{tag}</head><body><script type="text/javascript">'
        ' window.PLOTLYENV={}; Plotly.newPlot("fig-a", [])</script></body>'
    )
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "chart.html").write_text(chart, encoding="utf-8")
    (tmp_path / "text.html").write_text(f"<head>{tag}</head><body><p>Text</p></body>")
    assert strip_cdn(tmp_path) == 2
    html = (tmp_path / "notebooks" / "chart.html").read_text(encoding="utf-8")
    assert tag not in html and "data-deferred-plot" in html
    assert 'window.MUNRO_PLOTLY = "../assets/plotly.min.js"' in html
    assert '<script src="../site_libs/munro/charts.js" defer></script>' in html
    assert (tmp_path / "site_libs" / "munro" / "charts.js").is_file()
    assert "plotly" not in (tmp_path / "text.html").read_text(encoding="utf-8")
    assert strip_cdn(tmp_path) == 0, "running it twice changes nothing"


def test_every_quote_link_resolves_to_its_highlighted_passage(site: Path) -> None:
    """Each link to a source page lands on a highlighted passage of that page."""
    checked = 0
    for page in sorted(site.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for link in soup.select('a[href*="src-"][href*="#q-"]'):
            target_page, anchor = link["href"].split("#")
            target = (page.parent / target_page).resolve()
            assert target.is_file(), (page.name, link["href"])
            there = BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser")
            element = there.find(id=anchor)
            assert element is not None, (page.name, link["href"])
            assert element.name == "mark" or element.find_next("mark") is not None
            checked += 1
    assert checked > 100, checked


def test_every_page_says_how_to_cite_it_with_this_datas_version(site: Path) -> None:
    package = json.loads((PROJECT_DIR / "data" / "datapackage.json").read_text(encoding="utf-8"))
    for page in CONFIG.pages:
        soup = page_soup(site, page)
        blocks = soup.select("main aside.cite-this")
        assert len(blocks) == 1, page.output
        reference = blocks[0].select_one(".cite-reference").get_text(" ", strip=True)
        title = soup.find("h1", class_="title").get_text(" ", strip=True)
        assert title in reference, page.output
        assert f"data version {package['version']}" in reference, page.output
        assert package["lastModified"][:4] in reference, page.output
        bibtex = blocks[0].select_one(".cite-bibtex").get_text()
        assert bibtex.startswith("@misc{") and bibtex.rstrip().endswith("}"), page.output


def test_a_kept_page_is_cited_with_the_new_datas_version(tmp_path: Path) -> None:
    """Pages copied from the last site get the block again, so the version is never stale."""
    from munro_data.site import _cite

    page = CONFIG.pages[0]
    (tmp_path / page.output).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / page.output).write_text(
        '<main><h1 class="title">Home &lt;script&gt;x</h1></main>', encoding="utf-8"
    )
    for version in ("1.0.0", "2.0.0"):
        package = {"version": version, "lastModified": "2030-01-01"}
        assert _cite.apply(tmp_path, [page], package, "T") == 1
    html = (tmp_path / page.output).read_text(encoding="utf-8")
    assert html.count(_cite.START) == 1 and "data version 2.0.0" in html
    assert "1.0.0" not in html and "<script>x" not in html
    assert "<cite>Home &lt;script&gt;x</cite>" in html
