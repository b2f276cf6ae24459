"""The website built with Quarto 1.7, and its parity with the build without Quarto.

Both builds are made from the same stored outputs and compared page by page: the same pages,
titles, headings and their anchors, tables with the same row counts, the same number of charts,
the same table of contents, and every internal link resolving. The differences kept on purpose
are listed in the README (Quarto's typographic quotes among them, which the comparison
normalises).

Skipped, saying why, where Quarto is not on the PATH; failed instead when ``REQUIRE_QUARTO=1``
(as CI sets it).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import pytest
from bs4 import BeautifulSoup
from conftest import QUARTO_BUILD_STATUS
from test_csp import check_site

from munro_data.site import _uptodate as uptodate
from munro_data.site._config import PROJECT_DIR, read_config
from munro_data.site.build import build

pytestmark = pytest.mark.quarto
PAGES = read_config().pages
# Quarto's Markdown reader is "smart": it prints typographic quotes where the notebook has ' and ".
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def soup_of(site: Path, page) -> BeautifulSoup:
    return BeautifulSoup((site / page.output).read_text(encoding="utf-8"), "html.parser")


def text(element) -> str:
    for link in element.select("a.anchor-link"):  # nbconvert's pilcrow, not part of the title
        link.decompose()
    return " ".join(element.get_text(" ", strip=True).translate(_QUOTES).split())


def headings(soup: BeautifulSoup) -> list[tuple[str, str, str]]:
    """(level, anchor, text) of every section heading of the page's content."""
    main = soup.find("main")
    found = []
    for heading in main.find_all(["h2", "h3", "h4"]):
        if heading.find_parent(id="TOC") or heading.get("id") == "toc-title":
            continue
        # Quarto puts the id on the <section> around the heading, nbconvert on the heading.
        anchor = heading.get("id") or heading.get("data-anchor-id")
        found.append((heading.name, anchor, text(heading)))
    return found


def tables(soup: BeautifulSoup) -> list[tuple[str | None, int]]:
    """(id, data rows) of every table, the id being the table's or its wrapper's."""
    found = []
    for table in soup.find("main").find_all("table"):
        wrapper = table.find_parent(id=re.compile(r"^tbl-"))
        table_id = table.get("id") or (wrapper.get("id") if wrapper else None)
        rows = [
            r
            for r in table.select("tbody tr")
            if r.find("td") and "gt_group_heading_row" not in (r.get("class") or [])
        ]
        found.append((table_id, len(rows)))
    return found


def chart_frames(soup: BeautifulSoup) -> list[tuple]:
    """Each chart's frame: its caption (finding and subtitle), source, CSV link and table."""
    return [
        (
            figure.get("id"),
            text(figure.select_one("figcaption")),
            text(figure.select_one(".munro-chart-source")),
            figure.select_one(".munro-chart-download a")["href"],
            [text(cell) for cell in figure.select("details table caption, details table th")],
            [[text(td) for td in tr.select("td")] for tr in figure.select("details tbody tr")],
        )
        for figure in soup.find("main").select("figure.munro-chart")
    ]


def toc(soup: BeautifulSoup) -> list[str]:
    nav = soup.find(id="TOC")
    return [a["href"] for a in nav.find_all("a")] if nav else []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.output)
def test_same_page_from_both_renderers(quarto_site: Path, plain_site: Path, page) -> None:
    quarto, plain = soup_of(quarto_site, page), soup_of(plain_site, page)
    assert text(quarto.find("h1", class_="title")) == text(plain.find("h1", class_="title"))
    title = text(plain.find("h1", class_="title"))
    assert title in text(quarto.title) and title in text(plain.title)
    assert headings(quarto) == headings(plain)
    assert tables(quarto) == tables(plain)
    assert len(quarto.select("div.plotly-graph-div")) == len(plain.select("div.plotly-graph-div"))
    assert chart_frames(quarto) == chart_frames(plain), "each chart's finding, table and CSV"
    assert [text(a) for a in quarto.select("main aside.cite-this")] == [
        text(a) for a in plain.select("main aside.cite-this")
    ], "the same citation, once"
    # Both list the sections of the notebook's Markdown cells. Quarto also lists some headings
    # that generated prose opens with (a page made of generated sections: a recommendation's,
    # a source's), which the other build leaves out (README, differences kept on purpose).
    if toc(plain):
        assert toc(quarto) == toc(plain), "the same table of contents in both"
    else:
        assert set(toc(plain)) <= set(toc(quarto))


def test_same_pages(quarto_site: Path, plain_site: Path) -> None:
    def pages(site: Path) -> set[str]:
        return {str(p.relative_to(site)) for p in site.rglob("*.html")}

    assert pages(quarto_site) == pages(plain_site) == {p.output for p in PAGES}


def _ids(site: Path, page: Path, cache: dict) -> set[str]:
    if page not in cache:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        cache[page] = {e["id"] for e in soup.find_all(id=True)}
    return cache[page]


@pytest.mark.parametrize("renderer", ["quarto", "nbconvert"])
def test_every_internal_link_resolves(renderer: str, quarto_site: Path, plain_site: Path) -> None:
    site = quarto_site if renderer == "quarto" else plain_site
    cache: dict = {}
    broken = []
    for page in site.rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for link in soup.find_all("a", href=True):
            href = link["href"]
            if urlparse(href).scheme or href.startswith(("//", "mailto:")) or href == "#":
                continue  # Links out of the site (sources' own pages) are not ours to check.
            path, anchor = urldefrag(href)
            target = (page.parent / path).resolve() if path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)}: {href}")
            elif anchor and target.suffix == ".html" and anchor not in _ids(site, target, cache):
                broken.append(f"{page.relative_to(site)}: {href} (no such anchor)")
    assert broken == []


def test_nothing_loads_from_another_host(quarto_site: Path) -> None:
    """No HTML page or stylesheet of the Quarto site refers to another host for what it loads."""
    remote = re.compile(
        r"""(?:<script[^>]*\ssrc|<link[^>]*\shref|<img[^>]*\ssrc|<iframe[^>]*\ssrc)="(?:https?:)?//"""
        r"""|@import\s+url\(\s*["']?(?:https?:)?//|@import\s+["'](?:https?:)?//""",
        re.I,
    )
    offenders = [
        str(p.relative_to(quarto_site))
        for p in [*quarto_site.rglob("*.html"), *quarto_site.rglob("*.css")]
        if remote.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
    css = "\n".join(p.read_text(encoding="utf-8") for p in quarto_site.rglob("*.css"))
    assert "fonts.googleapis" not in css


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.output)
def test_plotly_only_where_a_page_has_a_chart(quarto_site: Path, page) -> None:
    soup = soup_of(quarto_site, page)
    # plotly.js comes through the chart loader (charts.js fetches it when a chart nears the
    # screen), never in the head: one loader on a page with charts, nothing on the others.
    scripts = [
        s["src"]
        for s in soup.find_all("script", src=True)
        if "plotly" in s["src"] or "charts.js" in s["src"]
    ]
    assert len(scripts) == (1 if soup.select("div.plotly-graph-div") else 0)
    assert not any("plotly" in src for src in scripts), "plotly.js must not block the page"
    for src in scripts:
        assert (quarto_site / page.output).parent.joinpath(src).resolve().is_file()


def test_pages_paint_without_waiting_for_scripts(quarto_site: Path) -> None:
    """What the post-render does for a phone on a slow connection (Lighthouse's mobile run):
    no script in the head holds back the first paint, Quarto's stylesheets are cut down to the
    rules the site uses, and every page has a description."""
    for page in PAGES:
        soup = soup_of(quarto_site, page)
        blocking = [
            s["src"]
            for s in soup.head.find_all("script", src=True)
            if not s.has_attr("defer") and s.get("type") != "module"
        ]
        assert blocking == [], page.output
        description = soup.head.find("meta", attrs={"name": "description"})
        assert description is not None and description["content"].strip(), page.output
        # Fetched after the first paint: the search and Bootstrap's script.
        later = soup.head.find("script", attrs={"data-src": True})
        assert later is not None and "quarto-search.js" in later["data-src"], page.output
        for src in [later["src"], *later["data-src"].split()]:
            assert (quarto_site / page.output).parent.joinpath(src).resolve().is_file(), src
    css = sum(p.stat().st_size for p in (quarto_site / "site_libs").rglob("*.css"))
    assert css < 150_000, f"Quarto's stylesheets weigh {css} bytes: not purged?"


def test_the_site_holds_what_readers_need_and_nothing_else(quarto_site: Path) -> None:
    assert not (quarto_site / "_site").exists(), "an old site nested in the new one"
    hidden = [str(p.relative_to(quarto_site)) for p in quarto_site.rglob(".*")]
    assert hidden == [], "internal files published"
    for page in PAGES:
        icon = soup_of(quarto_site, page).find("link", rel="icon")
        assert icon is not None, page.output
        assert (quarto_site / page.output).parent.joinpath(icon["href"]).resolve().is_file()
    assert (quarto_site / "downloads" / "munro-review-tracker.xlsx").is_file()
    assert (quarto_site / "search.json").is_file()


def test_explorer_is_one_plain_table(quarto_site: Path) -> None:
    """Quarto must not read the explorer's id as a cross-reference (caption, second id)."""
    html = (quarto_site / "notebooks" / "01-recommendations.html").read_text(encoding="utf-8")
    assert html.count('id="explorer-table"') == 1
    assert "Table&nbsp;1" not in html and "quarto-float" not in html


def test_no_tracked_file_changed_by_the_build(quarto_site: Path) -> None:
    if QUARTO_BUILD_STATUS["before"] is None:
        pytest.skip("not a git checkout")
    assert QUARTO_BUILD_STATUS["after"] == QUARTO_BUILD_STATUS["before"]


def test_no_change_rebuild_renders_nothing(quarto_site: Path, build_log: list[str]) -> None:
    """Its time is the benchmark's figure (a timed test fails on a loaded machine)."""
    # Without the build's stamp (as after a change elsewhere), Quarto itself renders nothing.
    (PROJECT_DIR / uptodate.STAMP).unlink(missing_ok=True)
    lines = build_log
    build(quarto_site, use_quarto=True)
    assert any(f"0 page(s) rendered by Quarto, {len(PAGES)} unchanged" in line for line in lines)
    # With it, the build stops at the stamp.
    lines.clear()
    build(quarto_site, use_quarto=True)
    assert len(lines) == 1 and "up to date" in lines[0], lines
    # Pages kept from the last site still carry a policy that fits their scripts.
    check_site(quarto_site)


def test_hook_finds_the_projects_python() -> None:
    """A plain `quarto render` runs the hook with whatever python3 it finds: it must still work."""
    system = Path("/usr/bin/python3")
    if not (PROJECT_DIR / ".venv" / "bin" / "python").exists() or not system.exists():
        pytest.skip("needs the project's .venv and a system python3")
    # -I: the system Python sees neither this venv nor the user's packages, so no munro_data.
    run = subprocess.run(
        [str(system), "-I", "_quarto/hook.py", "no-such-step"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    # The usage message comes from munro_data's hook(): the script restarted with the venv.
    assert run.returncode == 2, run.stderr
    assert "usage: _quarto/hook.py pre-render|post-render" in run.stderr
