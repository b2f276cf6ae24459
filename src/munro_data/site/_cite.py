"""The "Cite this page" block at the foot of every page, made once for both builds.

A reader who quotes a page needs its title, the version of the data it was built from and where
it was found. The version and date come from the data package's descriptor (so a build on an
analyst's data cites that data, not ours); the address and the day of access are filled in by
the browser, because only the reader's copy knows them (the build may be served anywhere, or
opened from ``file://``). Every text from the data goes through :mod:`munro_data.escape`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from bs4 import BeautifulSoup

from .. import escape
from .._package import read_descriptor_text

START, END = "<!-- munro:cite -->", "<!-- /munro:cite -->"
_BLOCK = re.compile(re.escape(START) + ".*?" + re.escape(END), re.DOTALL)
AUTHORS = "The Munro Review tracker contributors"

# Fills in the address (without the fragment) and today's date; the text before it says what
# they are, so the block still reads without script.
_SCRIPT = (
    "<script>(function(b){var u=location.href.split('#')[0],d=new Date().toLocaleDateString("
    "'en-GB',{day:'numeric',month:'long',year:'numeric'});"
    "b.querySelectorAll('.cite-url').forEach(function(e){e.textContent=u;});"
    "b.querySelectorAll('.cite-accessed').forEach(function(e){e.textContent=d;});"
    "})(document.currentScript.parentNode);</script>"
)


def read_package(data_dir: Path) -> dict:
    """The descriptor's fields a citation uses (missing ones are left out of the citation)."""
    # The validator's own reader: a byte-order mark it accepts is accepted here too.
    package = json.loads(read_descriptor_text(Path(data_dir))[0])
    return {key: str(package.get(key) or "") for key in ("title", "version", "lastModified")}


def block(package: dict, page_title: str, page_path: str, site_title: str) -> str:
    """The block's HTML for one page: a reference to copy, and the same as BibTeX.

    >>> html = block({"version": "0.2.0", "lastModified": "2026-11-23"},
    ...              "Recommendation 10 <b>", "notebooks/rec-10.html", "Munro Review tracker")
    >>> "Recommendation 10 &lt;b&gt;" in html, "data version 0.2.0" in html, "(2026)" in html
    (True, True, True)
    >>> html.count(START), html.count(END)
    (1, 1)
    """
    year = package.get("lastModified", "")[:4] or "n.d."
    version = package.get("version", "")
    edition = f"{site_title}, data version {version}" if version else site_title
    key = "munro-tracker-" + (escape.slug(Path(page_path).stem) or "page")
    # BibTeX groups with braces; a title's own braces would end the field early.
    bib_title, bib_edition = (
        re.sub(r"[{}\\]", "", " ".join(t.split())) for t in (page_title, edition)
    )
    bibtex = "\n".join(
        [
            f"@misc{{{key},",
            f"  author = {{{{{AUTHORS}}}}},",
            f"  title = {{{bib_title}}},",
            f"  howpublished = {{{bib_edition}}},",
            f"  year = {{{year}}},",
            '  url = {<span class="cite-url">' + escape.html(page_path) + "</span>},",
            '  note = {Accessed <span class="cite-accessed">on the day you read it</span>}',
            "}",
        ]
    )
    reference = (
        f"{escape.html(AUTHORS)} ({escape.html(year)}). <cite>{escape.html(page_title)}</cite>."
        f" {escape.html(edition)}. Available at"
        f' <span class="cite-url">{escape.html(page_path)}</span>'
        ' (accessed <span class="cite-accessed">on the day you read it</span>).'
    )
    return (
        f'{START}<aside class="cite-this" aria-label="Cite this page">'
        '<p class="cite-this-title"><strong>Cite this page</strong></p>'
        f'<p class="cite-reference">{reference}</p>'
        "<details><summary>BibTeX</summary>"
        f'<pre class="cite-bibtex">{_bibtex_html(bibtex)}</pre></details>'
        f"{_SCRIPT}</aside>{END}"
    )


def _bibtex_html(bibtex: str) -> str:
    """BibTeX with its text escaped and only our own two ``<span>`` placeholders kept as markup."""
    parts = re.split(r'(<span class="cite-(?:url|accessed)">[^<]*</span>)', bibtex)
    return "".join(part if i % 2 else escape.html(part) for i, part in enumerate(parts))


def apply(site_dir: Path, pages: list, package: dict, site_title: str) -> int:
    """Put the block on every page of a built site (``pages`` from the site's config).

    Run after rendering by both builds; a page kept from the last site has its block replaced,
    so the data's version is never stale. Returns how many pages have a block.
    """
    done = 0
    for page in pages:
        path = Path(site_dir) / page.output
        if not path.is_file():
            continue
        page_html = path.read_text(encoding="utf-8")
        heading = BeautifulSoup(page_html, "html.parser").find("h1", class_="title")
        title = heading.get_text(" ", strip=True) if heading else page.nav_text
        updated = insert(page_html, block(package, title, page.output, site_title))
        if updated != page_html:
            path.write_text(updated, encoding="utf-8")
        done += 1
    return done


def insert(page_html: str, cite_html: str) -> str:
    """Put the block at the end of the page's ``<main>``, replacing one already there.

    >>> insert("<main>x</main>", START + "a" + END)
    '<main>x<!-- munro:cite -->a<!-- /munro:cite --></main>'
    >>> insert(insert("<main>x</main>", START + "a" + END), START + "b" + END)
    '<main>x<!-- munro:cite -->b<!-- /munro:cite --></main>'
    """
    without = _BLOCK.sub("", page_html)
    at = without.rfind("</main>")
    if at < 0:
        return without
    return without[:at] + cite_html + without[at:]
