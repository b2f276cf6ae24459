"""Rendering the website with Quarto 1.7, and the hooks ``_quarto.yml`` runs around it.

``render()`` renders a project folder (``_quarto.yml``, ``index.ipynb``, ``notebooks/`` and the
support folder ``_quarto/``) into a staging folder, from the notebooks' stored outputs (Quarto
never executes them). Like the build without Quarto, it renders only what changed since the
previous site: nothing at all when no notebook and no part of the layout changed (the previous
site is copied), one ``quarto render <page>`` per changed page when few changed, and the whole
project otherwise.

``hook()`` is what ``_quarto/hook.py`` runs before and after every ``quarto render``, including
a plain one typed in the project folder: before, it makes the files the pages load (plotly.js,
the favicon) and the downloads; after, it removes what Quarto adds that would load from another
host or that a page does not need.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from bs4 import BeautifulSoup

from .. import escape
from .._package import resolve_data_dir
from . import _cite, _csp, _reader
from ._assets import prepare, strip_cdn
from ._config import PROJECT_DIR, front_matter, read_config
from ._purge import purge_css, site_words
from ._render import _search_entries, head_table_styles, label_cells

LOG = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
SUPPORT = "_quarto"  # The theme and the hook, beside _quarto.yml.
FAVICON = HERE / "static" / "favicon.svg"
AFTER_LOAD_JS = HERE / "static" / "quarto-after-load.js"
# Quarto's own scratch folder (git-ignored), where the record of the last render is kept: it
# describes a site, so it must not be published inside it.
RECORD = Path(".quarto") / "munro-render.json"
# One `quarto render <page>` costs about 3.5 s and a whole render about 11 s (seven pages).
MOST_SINGLE_PAGE_RENDERS = 2


def quarto() -> str | None:
    """The ``quarto`` on the PATH, or None."""
    return shutil.which("quarto")


def render(
    project_dir: Path,
    out_dir: Path,
    data_dir: Path,
    *,
    previous: Path | None = None,
) -> Path:
    """Render the Quarto website in ``project_dir`` into ``out_dir`` (empty or missing).

    ``previous`` is the last site built from this project (usually ``_site``); the pages whose
    notebook and layout are as they were are taken from it rather than rendered again.
    """
    project_dir = Path(project_dir).resolve()
    out_dir = Path(out_dir).resolve()
    _complete_layout(project_dir)
    # The hooks must import munro_data: this very Python has it, whatever is on the PATH.
    env = os.environ | {"MUNRO_DATA_DIR": str(data_dir), "QUARTO_PYTHON": sys.executable}
    prepare_layout(project_dir, Path(data_dir))
    pages = [page.source for page in read_config(project_dir).pages]
    layout = _layout_digest(project_dir).encode()
    digests = {s: _digest((project_dir / s).read_bytes() + layout) for s in pages}
    record = _read_record(project_dir, previous)
    if set(record) != set(pages):
        record = {}  # A page was added or removed: the navigation and search change everywhere.
    changed = [source for source in pages if record.get(source) != digests[source]]
    if record and len(changed) <= MOST_SINGLE_PAGE_RENDERS:
        # The previous site is still right for every other page and for the shared files.
        shutil.copytree(previous, out_dir, dirs_exist_ok=True)
        for source in changed:
            LOG.info(f"render: quarto render {source} (stored outputs, no execution)")
            _quarto(["render", source, "--output-dir", str(out_dir), "--quiet"], project_dir, env)
    else:
        LOG.info("render: quarto render (every page, from stored outputs, no execution)")
        _quarto(["render", "--output-dir", str(out_dir)], project_dir, env)
    LOG.info(
        f"render: {len(changed)} page(s) rendered by Quarto, {len(pages) - len(changed)} unchanged"
    )
    # Pages kept from the last site get the citation of this build's data too.
    add_citations(out_dir, project_dir, Path(data_dir))
    _reader.apply(out_dir, read_config(project_dir).pages, Path(data_dir), project_dir)
    if changed:
        # After the citations, whose classes the stylesheets must keep. With no page rendered,
        # the last site's stylesheets were purged for these very pages.
        purge_site_css(out_dir, project_dir)
    # Last: the policy's hashes are those of the inline scripts as finally written.
    _csp.apply(out_dir)
    _write_record(project_dir, out_dir, digests)
    return out_dir


def _quarto(args: list[str], project_dir: Path, env: dict) -> None:
    command = quarto()
    if command is None:
        raise FileNotFoundError("quarto is not on the PATH (see the README: Quarto)")
    subprocess.run([command, *args], cwd=project_dir, check=True, env=env)


def _complete_layout(project_dir: Path) -> None:
    """Give a copy of the project (a build folder) the theme and the hook it lacks."""
    if not (project_dir / SUPPORT).is_dir() and project_dir != PROJECT_DIR:
        shutil.copytree(PROJECT_DIR / SUPPORT, project_dir / SUPPORT)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _layout_digest(project_dir: Path) -> str:
    """Everything each Quarto page depends on besides its own notebook."""
    h = hashlib.sha256(b"quarto")
    inputs = [
        project_dir / "_quarto.yml",
        *sorted((project_dir / SUPPORT).glob("*")),
        Path(__file__),
        HERE / "_assets.py",
        HERE / "_purge.py",
        AFTER_LOAD_JS,
        HERE / "_render.py",  # The search index's sections.
        project_dir / "downloads" / ".data-digest",  # The downloads are published as they are.
    ]
    for path in inputs:
        h.update(path.name.encode() + (path.read_bytes() if path.is_file() else b""))
    for path in sorted((project_dir / "assets").glob("*")):
        h.update(path.name.encode() + str(path.stat().st_size).encode())
    h.update(_quarto_version().encode())
    return h.hexdigest()[:16]


def _quarto_version() -> str:
    """Quarto's version, read from its share folder rather than by starting it (0.3 s)."""
    command = quarto()
    if command is None:
        return ""
    share = Path(command).resolve().parents[1]
    for candidate in (share / "share" / "version", share / "src" / "resources" / "version"):
        if candidate.is_file():
            return candidate.read_text().strip()
    return str(Path(command).resolve())


def _read_record(project_dir: Path, previous: Path | None) -> dict[str, str]:
    """The page digests of the render that made ``previous``, if it is still as made."""
    if previous is None:
        return {}
    # A rename keeps a folder's files, so the swapped-in site still has its fingerprint; a
    # site built since by the other renderer, or edited, has not.
    fingerprint = _fingerprint(previous)
    for render in _records(project_dir):
        if render.get("fingerprint") == fingerprint:
            return render.get("pages", {})
    return {}


def _records(project_dir: Path) -> list[dict]:
    try:
        return json.loads((project_dir / RECORD).read_text(encoding="utf-8"))["renders"]
    except (OSError, ValueError, KeyError):
        return []


def _write_record(project_dir: Path, out_dir: Path, digests: dict[str, str]) -> None:
    # A few sites per project (_site, a test's, another output), so that building one does not
    # make the next build of another render everything.
    renders = [{"fingerprint": _fingerprint(out_dir), "pages": digests}, *_records(project_dir)]
    path = project_dir / RECORD
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps({"renders": renders[:5]}, indent=1), encoding="utf-8")


def _fingerprint(site: Path) -> list | None:
    """Identity of a built site: its search index's inode, size and modification time."""
    index = site / "search.json"
    if not index.is_file():
        return None
    stat = index.stat()
    return [stat.st_ino, stat.st_size, stat.st_mtime_ns]


# The hooks ----------------------------------------------------------------------------------


def prepare_layout(project_dir: Path, data_dir: Path) -> None:
    """Before rendering: plotly.js and the downloads, and the favicon Quarto links to."""
    prepare(project_dir, data_dir)
    target = project_dir / "assets" / FAVICON.name
    if not target.is_file() or target.read_bytes() != FAVICON.read_bytes():
        shutil.copy2(FAVICON, target)


_NAVBAR = re.compile(r'(<nav class="navbar [^"]*"(?![^>]*aria-label)[^>]*)>')
_PLOTLY_SCRIPT = re.compile(r'<script src="[^"]*plotly[^"]*\.js"[^>]*></script>\s*')
# The menu button is a button that opens a menu, not a menu (agentic audit: roles).
_TOGGLER_ROLE = re.compile(r'(<button class="navbar-toggler"[^>]*?) role="menu"')
# Its inline click handler, which the Content-Security-Policy (_csp) would refuse to run:
# quarto-after-load.js attaches the same as a listener.
_TOGGLER_ONCLICK = re.compile(r'(<button class="navbar-toggler"[^>]*?) onclick="[^"]*"')
# Quarto's scripts in the head, none deferred: the page is not painted until all 400 KB of them
# are fetched and run. Deferred, they run in the same order once the page is parsed, before
# DOMContentLoaded, which is when Quarto's own code (and the inline code it adds) starts.
_HEAD_SCRIPT = re.compile(r'<script src="([^"]*site_libs/[^"]*\.js)"></script>')
# Module scripts are deferred already, but fetched at high priority, beside the stylesheets the
# first paint waits for; they are not needed for it.
_MODULE_SCRIPT = re.compile(r'(<script src="[^"]*site_libs/[^"]*\.js" type="module")>')
# Fetched after the page has loaded (quarto-after-load.js): the search and Bootstrap's script.
_AFTER_LOAD = re.compile(
    r'<script src="([^"]*site_libs/(?:quarto-search/(?:autocomplete\.umd|fuse\.min|quarto-search)'
    r'|bootstrap/bootstrap\.min)\.js)"></script>\n?'
)
_TIPPY = re.compile(
    r'<(?:script src|link href)="[^"]*site_libs/quarto-html/(?:popper|tippy)[^"]*"[^>]*>'
    r"(?:</script>)?\n?"
)
_TIPPY_TARGETS = re.compile(
    r'<a [^>]*(?:role="doc-(?:noteref|biblioref)"|class="[^"]*\bquarto-xref\b)'
)
_HEAD_END = "</head>"
_DESCRIPTION = re.compile(r'<meta name="description"')
# Marks a stylesheet already purged (purge_site_css); the original is kept under .quarto/.
PURGED = "/* Rules that no page of this site can use were removed (munro_data.site._purge"
CSS_STASH = Path(".quarto") / "munro-css"


def clean_site(site_dir: Path, project_dir: Path) -> int:
    """After rendering: no CDN scripts, plotly.js only on pages with a chart, and the search
    index made by the same rule as the other build's; scripts deferred, a description on every
    page, the search box named, and the stylesheets cut down to the rules the site can use.

    Returns how many pages changed.
    """
    write_search_index(site_dir, project_dir)
    changed = strip_cdn(site_dir)
    descriptions = _descriptions(project_dir)
    after_load_js = site_dir / "site_libs" / "munro" / AFTER_LOAD_JS.name
    for page in site_dir.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        # Two navigation landmarks (the navbar, the table of contents) need different names.
        cleaned = _NAVBAR.sub(r'\1 aria-label="Site">', html)
        cleaned = _TOGGLER_ONCLICK.sub(r"\1", _TOGGLER_ROLE.sub(r"\1", cleaned))
        # Quarto's own marker on its stylesheet link, left in the page: no HTML attribute, and
        # nothing reads it (the file name already carries the stylesheet's hash).
        cleaned = cleaned.replace(' append-hash="true"', "")
        # Wide tables become stacked rows on a phone (the theme's rules), as in the other build.
        cleaned = head_table_styles(label_cells(cleaned))
        if 'class="plotly-graph-div"' not in html:
            # _quarto.yml puts plotly.js in every page's head; a page without a chart does not
            # use it.
            cleaned = _PLOTLY_SCRIPT.sub("", cleaned)
        if not _TIPPY_TARGETS.search(cleaned):
            # tippy and popper (45 KB) show footnotes, cross-references and citations on hover;
            # Quarto's inline code only calls them for those, and this page has none.
            cleaned = _TIPPY.sub("", cleaned)
        later = _AFTER_LOAD.findall(cleaned)
        if later:
            # One loader where the first of them was, fetching them all in their order.
            root = "../" * (len(page.relative_to(site_dir).parts) - 1)
            loader = (
                f'<script src="{root}site_libs/munro/{AFTER_LOAD_JS.name}" '
                f'data-src="{" ".join(later)}" defer></script>\n'
            )
            cleaned = _AFTER_LOAD.sub(
                "", cleaned.replace(_AFTER_LOAD.search(cleaned)[0], loader, 1)
            )
        cleaned = _HEAD_SCRIPT.sub(r'<script src="\1" defer></script>', cleaned)
        cleaned = _MODULE_SCRIPT.sub(r'\1 fetchpriority="low">', cleaned)
        if not _DESCRIPTION.search(cleaned) and _HEAD_END in cleaned:
            # Quarto writes one only for a page whose front matter has a description (and then
            # also shows it under the title); the other build uses the site's otherwise.
            key = page.relative_to(site_dir).as_posix()
            description = descriptions.get(key, read_config(project_dir).description)
            meta = f'<meta name="description" content="{escape.html(description)}">\n'
            cleaned = cleaned.replace(_HEAD_END, meta + _HEAD_END, 1)
        if AFTER_LOAD_JS.name in cleaned and (
            not after_load_js.is_file() or after_load_js.read_bytes() != AFTER_LOAD_JS.read_bytes()
        ):
            after_load_js.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(AFTER_LOAD_JS, after_load_js)
        if cleaned != html:
            page.write_text(cleaned, encoding="utf-8")
            changed += 1
    return changed


def _descriptions(project_dir: Path) -> dict[str, str]:
    """Each page's ``description`` from its front matter, by output path, where it has one."""
    found = {}
    for page in read_config(project_dir).pages:
        source = project_dir / page.source
        if source.is_file():
            description = front_matter(nbformat.read(source, as_version=4)).get("description")
            if description:
                found[page.output] = str(description)
    return found


def purge_site_css(site_dir: Path, project_dir: Path) -> int:
    """Quarto's stylesheets without the rules no page of the site can use (see ``_purge``).

    Bootstrap as Quarto compiles it is 500 KB and its icons 100 KB, all loaded before a page
    can paint: purged, about 100 KB and 3 KB. The stylesheet as Quarto wrote it is kept in
    ``.quarto/munro-css/``, so that a later render of a single page, which may leave the purged
    file in place, purges it again from the original with that page's classes too.
    Returns how many stylesheets changed.
    """
    words = site_words(site_dir)
    # The same words purge the same way: a rebuild that changed nothing purges nothing.
    key = hashlib.sha256("\n".join(sorted(words)).encode()).hexdigest()[:16]
    marker = f"{PURGED}, {key}). */\n"
    changed = 0
    for css in sorted((site_dir / "site_libs").rglob("*.css")):
        stashed = project_dir / CSS_STASH / css.relative_to(site_dir)
        text = css.read_text(encoding="utf-8")
        if text.startswith(marker):
            continue
        if text.startswith(PURGED):
            if not stashed.is_file():
                continue  # Purged before, original lost: left as it is.
            original = stashed.read_text(encoding="utf-8")
        else:
            original = text
            stashed.parent.mkdir(parents=True, exist_ok=True)
            stashed.write_text(original, encoding="utf-8")
        purged = marker + purge_css(original, words)
        if purged != text:
            css.write_text(purged, encoding="utf-8")
            changed += 1
    return changed


def add_citations(site_dir: Path, project_dir: Path, data_dir: Path) -> int:
    """The "Cite this page" block on every page, as the build without Quarto has it."""
    config = read_config(project_dir)
    return _cite.apply(site_dir, config.pages, _cite.read_package(data_dir), config.title)


def write_search_index(site_dir: Path, project_dir: Path) -> None:
    """Quarto's search.json, with one entry per section as the build without Quarto makes it.

    Quarto's own index has a section only for the headings of Markdown cells (those a notebook's
    output prints, such as each recommendation's, fall into the section above), keeps the whole
    text, and so finds other sections than the other build does for the same words.
    """
    entries = []
    for page in read_config(project_dir).pages:
        path = site_dir / page.output
        if not path.is_file():
            continue
        html = path.read_text(encoding="utf-8")
        title = BeautifulSoup(html, "html.parser").find("h1", class_="title")
        text = title.get_text(" ", strip=True) if title else page.nav_text
        entries += _search_entries(html, page.output, text)
    # objectID is the key Quarto's search script gives each entry. Its script shows an entry's
    # text as HTML (its title and section as text), so the text is escaped for that.
    index = [{"objectID": e["href"], **e, "text": escape.search_text(e["text"])} for e in entries]
    (site_dir / "search.json").write_text(
        json.dumps(index, ensure_ascii=False, indent=1), encoding="utf-8"
    )


def hook(argv: list[str]) -> int:
    """``_quarto/hook.py pre-render|post-render``, run by Quarto in the project folder."""
    if argv == ["pre-render"]:
        prepare_layout(Path.cwd(), resolve_data_dir())
        return 0
    if argv == ["post-render"]:
        site = Path(os.environ.get("QUARTO_PROJECT_OUTPUT_DIR", "_site"))
        print(f"post-render: {clean_site(site, Path.cwd())} page(s) cleaned in {site}")
        add_citations(site, Path.cwd(), resolve_data_dir())
        _reader.apply(site, read_config(Path.cwd()).pages, resolve_data_dir(), Path.cwd())
        purge_site_css(site, Path.cwd())
        _csp.apply(site)
        return 0
    print("usage: _quarto/hook.py pre-render|post-render", file=sys.stderr)
    return 2
