"""What every page tells a reader besides its own content, added once for both builds.

- **Evidence up to**: under the title, the date of the latest source the page draws on: for the
  page of one recommendation, actor or source, the sources its quotes link to (or the source
  itself); for the other pages, also the sources of every row of the tables its notebook read
  (the build records them in the notebook), since a count or a status may stand without a quote.
- **Abbreviations spelt out**: the first use of each abbreviation of the glossary table on a
  page becomes ``<abbr title="full form">``, outside links, headings, code and the navigation.

Both run over a built page's HTML after rendering (like the citation block, ``_cite``), so the
notebooks and the page layer write abbreviations as they are, and a page kept from the last
site is brought up to date: what this module added before is taken out first.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pandas as pd

from .. import escape, list_tables, load_glossary, load_sources, load_table
from ._execute import STAMP_KEY

START, END = "<!-- munro:evidence -->", "<!-- /munro:evidence -->"
_EVIDENCE = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
_ABBR_CLASS = "gloss"
_OURS = re.compile(rf'<abbr class="{_ABBR_CLASS}" title="[^"]*">([^<]*)</abbr>')
_SOURCE_LINK = re.compile(r'href="(?:[^"]*/)?src-([a-z0-9_-]+)\.html')
# Scripts, styles and comments are passed over whole; their text is not the page's.
_OPAQUE = re.compile(r"<(script|style|textarea|svg)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*>")
# Text inside these is left as it is: a link or a heading already has its own meaning, code is
# code, and the navigation is the same on every page.
_KEEP = {
    "a",
    "abbr",
    "button",
    "code",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "label",
    "nav",
    "option",
    "pre",
    "summary",
    "title",
}
_SEASONS = ("Spring", "Summer", "Autumn", "Winter")


def date_label(date_text: str) -> str:
    """A source's date as a sentence writes it.

    >>> date_label("Summer 2011 (after the Government response of July 2011)")
    'summer 2011'
    >>> date_label("19 March 2013")
    '19 March 2013'
    """
    label = str(date_text).split(" (")[0].strip()
    first, _, rest = label.partition(" ")
    return f"{first.lower()} {rest}" if first in _SEASONS else label


def evidence_line(
    page_html: str,
    sources: pd.DataFrame,
    page_output: str = "",
    read: set[str] = frozenset(),
    item_page: bool = False,
) -> str:
    """The "Evidence up to" line of a page, from the sources it links to (or is) and ``read``.

    >>> sources = pd.DataFrame({"source_id": ["a-2011", "b-2013"],
    ...     "date": pd.to_datetime(["2011-07-31", "2013-03-19"]),
    ...     "date_text": ["July 2011", "19 March 2013"]})
    >>> evidence_line('<a href="src-a-2011.html#q-1">x</a>', sources)
    '<p class="evidence-date">Evidence up to July 2011, the date of the latest source this page draws on.</p>'
    >>> "19 March 2013" in evidence_line("<p>no quote</p>", sources)
    True
    >>> evidence_line("<p>no quote</p>", sources, item_page=True)
    '<p class="evidence-date">No source is quoted on this page.</p>'

    """
    by_slug = {escape.slug(s): i for i, s in enumerate(sources["source_id"])}
    linked = {m.group(1) for m in _SOURCE_LINK.finditer(page_html)} | {escape.slug(s) for s in read}
    own = re.fullmatch(r"(?:.*/)?src-([a-z0-9_-]+)\.html", page_output)
    if own:
        linked = {own.group(1)}
    rows = sources.iloc[sorted(by_slug[s] for s in linked if s in by_slug)]
    if rows.empty and item_page:
        return '<p class="evidence-date">No source is quoted on this page.</p>'
    if rows.empty:
        rows = sources
    latest = rows.sort_values("date").iloc[-1]
    return (
        f'<p class="evidence-date">Evidence up to {escape.html(date_label(latest["date_text"]))},'
        " the date of the latest source this page draws on.</p>"
    )


def insert_evidence(page_html: str, line: str) -> str:
    """Put the line at the end of the title block (after the title and subtitle).

    >>> insert_evidence('<header><h1 class="title">T</h1></header>', "<p>E</p>")
    '<header><h1 class="title">T</h1><!-- munro:evidence --><p>E</p><!-- /munro:evidence --></header>'
    """
    without = _EVIDENCE.sub("", page_html)
    title = without.find('<h1 class="title')
    end = without.find("</header>", title) if title >= 0 else -1
    if end < 0:
        return without
    return without[:end] + START + line + END + without[end:]


def abbreviate(page_html: str, glossary: dict[str, str]) -> str:
    """The first use of each term in the page's ``<main>`` wrapped in ``<abbr>``.

    >>> abbreviate('<main><h2>LSCBs</h2><p>The LSCBs and <a>SCR</a>; LSCB, SCR.</p></main>',
    ...            {"LSCB": "Local Safeguarding Children Board", "SCR": "Serious Case Review"})
    '<main><h2>LSCBs</h2><p>The <abbr class="gloss" title="Local Safeguarding Children Board">LSCBs</abbr> and <a>SCR</a>; LSCB, <abbr class="gloss" title="Serious Case Review">SCR</abbr>.</p></main>'
    """
    page_html = _OURS.sub(r"\1", page_html)
    start = page_html.find("<main")
    if start < 0 or not glossary:
        return page_html
    # The citation block, when there, ends the page's own text; else the end of <main>.
    stop = page_html.find("<!-- munro:cite -->", start)
    if stop < 0:
        stop = page_html.rfind("</main>")
    if stop < start:
        stop = len(page_html)
    terms = sorted(glossary, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w&#-])(" + "|".join(map(re.escape, terms)) + r")(s?)(?![\w-])")
    done: set[str] = set()
    out: list[str] = []
    region = page_html[start:stop]
    at = 0
    for opaque in [*_OPAQUE.finditer(region), None]:
        end = opaque.start() if opaque else len(region)
        out.append(_abbreviate_markup(region[at:end], pattern, glossary, done))
        if opaque:
            out.append(opaque.group(0))
            at = opaque.end()
    return page_html[:start] + "".join(out) + page_html[stop:]


def _abbreviate_markup(markup: str, pattern: re.Pattern, glossary: dict, done: set) -> str:
    out: list[str] = []
    depth = 0
    at = 0

    def text(chunk: str) -> str:
        if depth or len(done) == len(glossary):
            return chunk

        def wrap(match: re.Match) -> str:
            term = match.group(1)
            if term in done:
                return match.group(0)
            done.add(term)
            title = escape.html(glossary[term])
            return f'<abbr class="{_ABBR_CLASS}" title="{title}">{match.group(0)}</abbr>'

        return pattern.sub(wrap, chunk)

    for tag in _TAG.finditer(markup):
        out.append(text(markup[at : tag.start()]))
        out.append(tag.group(0))
        at = tag.end()
        if tag.group(2).lower() in _KEEP and not tag.group(0).endswith("/>"):
            depth = max(0, depth + (-1 if tag.group(1) else 1))
    out.append(text(markup[at:]))
    return "".join(out)


# Pages about one item: their quotes' links name every source they draw on.
_ITEM_PAGE = re.compile(r"(?:.*/)?(?:rec|src|actor)-[^/]*\.ipynb")


def is_item_page(notebook: Path) -> bool:
    return bool(_ITEM_PAGE.fullmatch(Path(notebook).as_posix()))


def sources_read(notebook: Path, data_dir: Path, cache: dict | None = None) -> set[str]:
    """The sources of every row of the tables a notebook read, as the build recorded them."""
    if not notebook.is_file() or is_item_page(notebook):
        return set()
    cache = {} if cache is None else cache
    tables = set(list_tables(data_dir))
    stamp = nbformat.read(notebook, as_version=4).metadata.get(STAMP_KEY, {})
    found: set[str] = set()
    for name in stamp.get("data_dir_tables", {}):
        if name == "sources" or name not in tables:
            continue  # The catalogue of sources is not evidence; files read are not tables.
        if name not in cache:
            frame = load_table(name, data_dir)
            cache[name] = (
                set(frame["source_id"].dropna().astype(str)) if "source_id" in frame else set()
            )
        found |= cache[name]
    return found


def apply(site_dir: Path, pages: list, data_dir: Path, notebook_root: Path) -> int:
    """Both additions on every page of a built site; returns how many pages changed.

    ``notebook_root`` holds the executed notebooks the pages were rendered from.
    """
    glossary = load_glossary(data_dir)
    terms = dict(zip(glossary["term"], glossary["expansion"], strict=True))
    sources = load_sources(data_dir)
    tables: dict[str, set[str]] = {}
    changed = 0
    for page in pages:
        path = Path(site_dir) / page.output
        if not path.is_file():
            continue
        html = path.read_text(encoding="utf-8")
        updated = abbreviate(html, terms)
        read = sources_read(Path(notebook_root) / page.source, data_dir, tables)
        updated = insert_evidence(
            updated,
            evidence_line(
                _EVIDENCE.sub("", updated), sources, page.output, read, is_item_page(page.source)
            ),
        )
        if updated != html:
            path.write_text(updated, encoding="utf-8")
            changed += 1
    return changed
