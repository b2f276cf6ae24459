"""Rendering the notebooks' stored outputs to the website's pages, without Quarto.

nbconvert does the work with this package's template (``templates/munro``): Quarto's URLs,
titles and navbar order, code hidden, everything loaded from the site itself.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import json
import logging
import re
import shutil
from importlib import metadata
from pathlib import Path

import nbformat
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter

from ..escape import MARKDOWN_UNESCAPE
from ._assets import defer_plots, vendor_file
from ._config import SiteConfig, front_matter

LOG = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

# Quarto's heading attributes, "## Title {#rec-7}", are not Markdown that nbconvert knows.
# This is the one piece of Quarto syntax the notebooks use; it becomes an HTML heading with
# the same id, so anchors such as #rec-7 are identical in both builds.
_HEADING_WITH_ID = re.compile(
    r"^(#{1,6})[ \t]+(.+?)[ \t]*\{#([A-Za-z][\w-]*)\}[ \t]*$", re.MULTILINE
)


def quarto_headings_to_html(markdown: str) -> str:
    """Turn ``## Title {#id}`` lines into ``<h2 id="id">Title</h2>``.

    >>> quarto_headings_to_html("## 7. Roles {#rec-7}")
    '<h2 id="rec-7">7. Roles</h2>'
    """

    def replace(match: re.Match) -> str:
        level = len(match.group(1))
        # Inside raw HTML, Markdown's backslash escapes would show; the text is already
        # HTML-escaped by whoever wrote the heading (see munro_data.escape.md).
        text = MARKDOWN_UNESCAPE.sub(r"\1", match.group(2))
        return f'<h{level} id="{match.group(3)}">{text}</h{level}>'

    return _HEADING_WITH_ID.sub(replace, markdown)


def _prepare(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))  # A copy: the stored notebook is untouched.
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = quarto_headings_to_html(cell.source)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/markdown" in data:
                data["text/markdown"] = quarto_headings_to_html(data["text/markdown"])
    return nb


def uses_plotly(nb: nbformat.NotebookNode) -> bool:
    return any(
        "Plotly.newPlot" in output.get("data", {}).get("text/html", "")
        for cell in nb.cells
        for output in cell.get("outputs", [])
    )


MANIFEST = ".munro-pages.json"


def _layout_digest(config: SiteConfig) -> str:
    """What every page depends on besides its notebook: the renderer's own code (rendering,
    search indexing, chart post-processing), its templates and static files, the site config and
    nbconvert's version."""
    h = hashlib.sha256()
    files = [*sorted(HERE.glob("*.py")), *sorted(TEMPLATES.rglob("*")), *sorted(STATIC.rglob("*"))]
    for path in files:
        if path.is_file():
            h.update(str(path.relative_to(HERE)).encode() + path.read_bytes())
    h.update((config.project_dir / "_quarto.yml").read_bytes())
    h.update(metadata.version("nbconvert").encode())
    return h.hexdigest()[:16]


def render_pages(
    config: SiteConfig,
    out_dir: Path,
    previous: Path | None = None,
    notebook_root: Path | None = None,
) -> list[dict]:
    """Write every page of the site into ``out_dir``; return the search index entries.

    The executed notebooks are read from ``notebook_root`` (default: the project). A page whose
    notebook, renderer and site config are as they were when ``previous`` (the last site) was
    built is copied from there instead of rendered again.
    """
    notebook_root = notebook_root or config.project_dir
    layout = _layout_digest(config)
    old = {}
    if previous is not None and (previous / MANIFEST).is_file():
        old = json.loads((previous / MANIFEST).read_text(encoding="utf-8"))
    manifest: dict[str, dict] = {}
    index: list[dict] = []
    rendered = 0
    exporter = None
    for page in config.pages:
        source = notebook_root / page.source
        digest = hashlib.sha256(source.read_bytes() + layout.encode()).hexdigest()[:16]
        target = out_dir / page.output
        target.parent.mkdir(parents=True, exist_ok=True)
        kept = old.get(page.output)
        if kept and kept["digest"] == digest and (previous / page.output).is_file():
            shutil.copy2(previous / page.output, target)
            entries = kept["search"]
        else:
            exporter = exporter or _exporter()
            html = _render_page(exporter, config, page, source)
            target.write_text(html, encoding="utf-8")
            entries = _search_entries(html, page.output, _title(source, page))
            rendered += 1
        manifest[page.output] = {"digest": digest, "search": entries}
        index += entries
    (out_dir / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    LOG.info(f"render: {rendered} page(s) rendered, {len(config.pages) - rendered} unchanged")
    return index


def _title(source: Path, page) -> str:
    return plain_title(
        front_matter(nbformat.read(source, as_version=4)).get("title", page.nav_text)
    )


def plain_title(title: object) -> str:
    """A front-matter title as text: Quarto reads it as Markdown, so a title made from data is
    written escaped (``munro_data.escape.md``); here the escapes are undone, as Quarto does.

    >>> plain_title(r"Munro's &lt;b&gt; \\*review\\*")
    "Munro's <b> *review*"
    """
    return html_lib.unescape(MARKDOWN_UNESCAPE.sub(r"\1", str(title)))


def _exporter() -> HTMLExporter:
    return HTMLExporter(
        template_name="munro",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def _render_page(exporter: HTMLExporter, config: SiteConfig, page, source: Path) -> str:
    nb = nbformat.read(source, as_version=4)
    meta = front_matter(nb)
    site = {
        "title": config.title,
        "description": meta.get("description", config.description),
        "page_title": plain_title(meta.get("title", page.nav_text)),
        "subtitle": meta.get("subtitle", ""),
        "root": page.root,
        "nav": [{"href": p.output, "text": p.nav_text, "current": p == page} for p in config.nav],
        "uses_plotly": uses_plotly(nb),
        "footer_left": config.footer_left,
        "footer_right": config.footer_right,
    }
    html, _ = exporter.from_notebook_node(_prepare(nb), resources={"site": site})
    return head_table_styles(label_cells(defer_plots(add_toc(pandoc_heading_ids(html)))))


def pandoc_id(text: str) -> str:
    """The id pandoc (and so Quarto) gives a heading written without one.

    >>> pandoc_id("Stances (responses.stance)")
    'stances-responses.stance'
    >>> pandoc_id("2011: the response")
    'the-response'
    """
    kept = "".join(c for c in text if c.isalnum() or c in "_-." or c.isspace())
    slug = re.sub(r"^[^a-z]+", "", "-".join(kept.split()).lower())
    return slug or "section"


# nbconvert's own ids for headings written without one ("Stances-(responses.stance)"), with
# the anchor link it adds. Headings with an id ({#rec-7}) are raw HTML and have no such link.
_NBCONVERT_HEADING = re.compile(
    r'<h([1-6]) id="([^"]*)">(.*?)<a class="anchor-link" href="#\2">¶</a></h\1>', re.S
)
_TAG = re.compile(r"<[^>]+>")


def pandoc_heading_ids(html: str) -> str:
    """Give headings written without an id the id Quarto gives them, so anchors match."""
    used = set(re.findall(r'\sid="([^"]+)"', html))

    def replace(match: re.Match) -> str:
        level, old, inner = match.groups()
        anchor = base = pandoc_id(html_lib.unescape(_TAG.sub("", inner)))
        number = 0
        while anchor in used and anchor != old:
            number += 1
            anchor = f"{base}-{number}"  # Pandoc's way of keeping ids unique.
        used.add(anchor)
        return f'<h{level} id="{anchor}">{inner}<a class="anchor-link" href="#{anchor}">¶</a></h{level}>'

    return _NBCONVERT_HEADING.sub(replace, html)


TOC_PLACEHOLDER = "<!-- munro:toc -->"
_CELL = re.compile(r'<div class="cell border-box-sizing (code_cell|text_cell) ')
_SECTION_HEADING = re.compile(r'<h([23]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)


def add_toc(html: str) -> str:
    """An "On this page" list of the page's sections (h2, with their h3), as Quarto's toc."""
    start = html.find(TOC_PLACEHOLDER)
    if start < 0:
        return html
    # Like Quarto's, the list holds the headings of Markdown cells only: pandoc builds it from
    # the document's own sections, and headings an output prints sit inside an output's div.
    cells = [(m.start(), m.group(1)) for m in _CELL.finditer(html)]
    items: list[tuple[int, str, str]] = []
    for match in _SECTION_HEADING.finditer(html, start):
        kinds = [kind for position, kind in cells if position < match.start()]
        if not kinds or kinds[-1] != "text_cell":
            continue
        level, anchor, inner = match.groups()
        text = _TAG.sub("", inner.replace("¶</a>", "</a>")).strip()
        items.append((int(level), anchor, text))
    if not items:
        return html.replace(TOC_PLACEHOLDER, "")
    parts = ['<nav id="TOC" class="toc" aria-labelledby="toc-title">']
    parts.append('<p id="toc-title" class="toc-title">On this page</p>\n<ul>')
    open_sub = False
    for index, (level, anchor, text) in enumerate(items):
        # The text was escaped once already, as it appears in the heading.
        link = f'<a href="#{anchor}">{text}</a>'
        if level == 3 and index > 0:
            if not open_sub:
                parts.append("<ul>")
                open_sub = True
            parts.append(f"<li>{link}</li>")
            continue
        if open_sub:
            parts.append("</ul>")
            open_sub = False
        if index > 0:
            parts.append("</li>")
        parts.append(f"<li>{link}")
    if open_sub:
        parts.append("</ul>")
    parts.append("</li>\n</ul>\n</nav>")
    return html.replace(TOC_PLACEHOLDER, "\n".join(parts), 1)


_TABLE = re.compile(r"<table\b.*?</table>", re.S)


def label_cells(html: str) -> str:
    """Give each cell of a table of three columns or more its column's name, in ``data-label``.

    On a phone, site.css shows such tables as stacked rows, one cell a line under its column's
    name (a wide table would otherwise scroll sideways). great-tables links each cell to its
    headings with ``headers``; Markdown tables have only their one header row.

    >>> out = label_cells("<table><thead><tr><th>A</th><th>B</th><th>C</th></tr></thead>"
    ...                   "<tbody><tr><td>1</td><td>2</td><td>3</td></tr></tbody></table>")
    >>> out[out.index("<tbody>"):]
    '<tbody><tr><td data-label="A">1</td><td data-label="B">2</td><td data-label="C">3</td></tr></tbody></table>'
    """

    def label(match: re.Match) -> str:
        table = BeautifulSoup(match.group(0), "html.parser").table
        names = {th["id"]: th.get_text(" ", strip=True) for th in table.select("thead th[id]")}
        header_rows = table.select("thead tr")
        columns = [
            th.get_text(" ", strip=True) for th in (header_rows[-1:] or [table])[0].select("th")
        ]
        widest = max((len(tr.find_all(["td", "th"])) for tr in table.select("tbody tr")), default=0)
        if widest < 3:
            return match.group(0)
        for row in table.select("tbody tr"):
            for position, cell in enumerate(row.find_all("td")):
                if cell.has_attr("headers"):
                    text = [names[i] for i in cell["headers"] if i in names]
                elif not names and position < len(columns):
                    text = [columns[position]]
                else:
                    text = []
                if text:
                    cell["data-label"] = ": ".join(text)
        table["class"] = [*table.get("class", []), "stack-on-phone"]
        return str(table)

    return _TABLE.sub(label, html)


_STYLE = re.compile(r"<style\b[^>]*>.*?</style>\n?", re.S)
# A Sass function great-tables leaves uncompiled: no browser reads the declaration.
_SASS_COLOR = re.compile(r"\s*color: font-color\([^)]*\);")


def head_table_styles(html: str) -> str:
    """Move each great-tables ``<style>`` from the body into the head; drop its Sass leftover.

    great-tables writes a table's stylesheet inside the page, beside the table, with selectors
    that reach the whole page (``tbody, tr, td``), which HTML allows only in the head; and
    ``color: font-color(#FFFFFF)``, which is no CSS. At the end of the head the rules keep their
    order after the site's own stylesheets, so the page looks the same, and it validates.

    >>> page = "<head><link rel=stylesheet href=site.css>\\n</head><body><div id=t><style>"
    >>> page += "#t .gt_table { color: #333; } tr { x: 1 }\\n.gt_x { color: font-color(#FFF); }"
    >>> print(head_table_styles(page + "</style><table></table></div></body>"))
    <head><link rel=stylesheet href=site.css>
    <style>#t .gt_table { color: #333; } tr { x: 1 }
    .gt_x { }</style>
    </head><body><div id=t><table></table></div></body>
    """
    head_end = html.find("</head>")
    if head_end < 0:
        return html
    body = html[head_end:]
    moved = [m.group(0) for m in _STYLE.finditer(body) if ".gt_table" in m.group(0)]
    if not moved:
        return html
    for style in moved:
        body = body.replace(style, "", 1)
    styles = "".join(_SASS_COLOR.sub("", style).rstrip("\n") + "\n" for style in moved)
    return html[:head_end] + styles + body


_SKIP = ("script", "style", "noscript", "template")


def _search_entries(html: str, href: str, title: str) -> list[dict]:
    """One entry per section of a page, like Quarto's search.json, with every word in it.

    Every text node of ``<main>`` counts (tables, lists, captions, notes), not a list of tags;
    the headings' "¶" anchor links and the charts' scripts do not.
    """
    soup = BeautifulSoup(html, "html.parser")
    main = soup.find("main")
    # A source's full text is for reading in context, not for search: its words would outrank
    # the sections about them (a search for "eCAF" would open the progress report's page). The
    # citation block is the same on every page. A filter's menu holds the names of its choices
    # (every status, every actor), not words of its section; nor does a chart's table view, the
    # chart's values once more (its finding, above it, is indexed).
    for junk in main.select(
        ".anchor-link, .title-block, .source-text, .cite-this, select, .munro-chart-data, "
        + ", ".join(_SKIP)
    ):
        junk.decompose()
    entries = []
    current = {"href": href, "title": title, "section": "", "text": []}
    toc = main.find(id="TOC")
    if toc is not None:
        toc.decompose()  # The table of contents repeats the headings; it is not a section.
    for node in main.descendants:
        if getattr(node, "name", None) in ("h2", "h3"):
            entries.append(current)
            # Quarto puts a section's id on the <section> and names it on the heading.
            anchor = node.get("id") or node.get("data-anchor-id")
            current = {
                "href": f"{href}#{anchor}" if anchor else href,
                "title": title,
                # Inline markup in a title, e.g. "Statuses (<code>x</code>)", stays inline.
                "section": " ".join(node.get_text("").split()),
                "text": [],
            }
        elif isinstance(node, str) and node.strip():
            if node.find_parent(["h2", "h3"]) is None:
                current["text"].append(node.strip())
    entries.append(current)
    return [e | {"text": " ".join(e["text"])} for e in entries if e["section"] or e["text"]]


def write_static(out_dir: Path, search_index: list[dict]) -> None:
    """The stylesheet, the search script, its library and its index."""
    target = out_dir / "site_libs" / "munro"
    target.mkdir(parents=True, exist_ok=True)
    for path in STATIC.iterdir():
        shutil.copy2(path, target / path.name)
    # MiniSearch ranks the results; without npm the search script falls back to its own
    # simpler ranker, so the site still builds (and searches) with Python alone.
    minisearch = vendor_file("minisearch")
    ranker = None
    if minisearch is None:
        LOG.info("search: MiniSearch not available (npm missing or offline): built-in ranker")
    else:
        (target / "minisearch.js").write_bytes(minisearch)
        ranker = "site_libs/munro/minisearch.js"
    # A script rather than JSON, so that search also works when the site is opened from file://.
    payload = json.dumps(search_index, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    # The index names the ranking library only when the build has it: no failed request.
    script = (
        f"window.MUNRO_SEARCH = {payload};\nwindow.MUNRO_SEARCH_RANKER = {json.dumps(ranker)};\n"
    )
    (out_dir / "search-index.js").write_text(script, encoding="utf-8")
    LOG.info(
        f"search: {len(search_index)} sections indexed, search-index.js"
        f" {len(script.encode()) / 1024:.0f} KB"
    )
    (out_dir / "search.json").write_text(
        json.dumps(search_index, ensure_ascii=False, indent=1), encoding="utf-8"
    )
