"""Files the pages load or offer that are made, not written: plotly.js and the downloads.

plotly.js and the search library come from the npm registry, by the ordinary client (``npm
pack``), at the versions and checksums pinned in ``vendor.json``; the tarballs are kept in a
cache outside the repository (``$MUNRO_VENDOR_CACHE``, by default ``~/.cache/munro-tracker``).
A machine with Python alone still builds: plotly.js then falls back to the full bundle shipped
in the plotly Python package, and the build log says so.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
import plotly
from plotly.offline import get_plotlyjs_version

from .. import load_all
from .._package import DESCRIPTOR, PathRefused, read_inside
from ..validation import FORMULA_START, PackageReport, check_descriptor
from ._uptodate import vendor_cache

LOG = logging.getLogger(__name__)

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
PLOTLY_BUNDLE = "plotly.js-cartesian-dist-min"
VENDOR_PINS = Path(__file__).resolve().parent / "vendor.json"
WORKBOOK = "munro-review-tracker.xlsx"


class VendorError(RuntimeError):
    """A fetched package does not match its pinned checksum."""


def vendor_pins() -> dict[str, dict]:
    pins = json.loads(VENDOR_PINS.read_text(encoding="utf-8"))
    return {name: pin for name, pin in pins.items() if not name.startswith("_")}


def integrity(data: bytes) -> str:
    """The Subresource Integrity string npm records for a tarball.

    >>> integrity(b"")[:20]
    'sha512-z4PhNX7vuL3xV'
    """
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def fetch(name: str) -> Path | None:
    """The pinned tarball of ``name`` in the cache, fetched with ``npm pack`` if missing.

    None when it is not cached and npm is missing or fails (offline); a tarball whose checksum
    differs from the pin is an error, never used.
    """
    pin = vendor_pins()[name]
    cache = vendor_cache()
    tarball = cache / f"{name}-{pin['version']}.tgz"
    if tarball.is_file() and integrity(tarball.read_bytes()) == pin["integrity"]:
        return tarball
    npm = shutil.which("npm")
    if npm is None:
        return None
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as scratch:
        try:
            subprocess.run(
                [npm, "pack", f"{name}@{pin['version']}", "--pack-destination", scratch],
                check=True,
                capture_output=True,
                timeout=300,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            LOG.info(
                f"vendor: npm pack {name}@{pin['version']} failed ({error.__class__.__name__})"
            )
            return None
        (packed,) = Path(scratch).glob("*.tgz")
        found = integrity(packed.read_bytes())
        if found != pin["integrity"]:
            raise VendorError(
                f"{name}@{pin['version']}: npm gave a tarball with {found}, but "
                f"{VENDOR_PINS.name} pins {pin['integrity']}"
            )
        os.replace(packed, tarball)
    LOG.info(f"vendor: {name}@{pin['version']} fetched with npm pack, sha512 checked")
    return tarball


def vendor_file(name: str) -> bytes | None:
    """The pinned file of a vendored package (see ``vendor.json``), or None if unavailable."""
    tarball = fetch(name)
    if tarball is None:
        return None
    with tarfile.open(tarball) as archive:
        member = archive.extractfile(vendor_pins()[name]["file"])
        return member.read()


def install() -> int:
    """``make install``: fetch every pinned package; return how many could not be had."""
    missing = 0
    for name, pin in vendor_pins().items():
        tarball = fetch(name)
        if tarball is not None:
            LOG.info(f"vendor: {name}@{pin['version']} ready, sha512 checked ({tarball})")
        else:
            missing += 1
            LOG.info(f"vendor: {name}@{pin['version']} not available (npm missing or offline)")
    if missing:
        LOG.info(
            "vendor: the site will still build: plotly.js falls back to the full bundle of the"
            " plotly Python package, search to its built-in ranker (and the tests skip the HTML"
            " checker)"
        )
    return missing


def plotly_js() -> tuple[bytes, str]:
    """The plotly.js the pages load, and a line for the build log saying which one it is."""
    expected = get_plotlyjs_version()
    pin = vendor_pins()[PLOTLY_BUNDLE]
    full = PLOTLY_JS.read_bytes()
    if pin["version"] != expected:
        return full, (
            f"plotly.js: FALLBACK to the full bundle of the plotly package"
            f" ({len(full) / 2**20:.1f} MB): {VENDOR_PINS.name} pins {PLOTLY_BUNDLE}@{pin['version']}, but the installed"
            f" plotly.py expects {expected}; pin that version and its integrity"
        )
    bundle = vendor_file(PLOTLY_BUNDLE)
    if bundle is None:
        return full, (
            f"plotly.js: FALLBACK to the full bundle of the plotly package"
            f" ({len(full) / 2**20:.1f} MB): npm is missing or offline; `make install` with npm fetches {PLOTLY_BUNDLE}"
        )
    return bundle, (
        f"plotly.js: {PLOTLY_BUNDLE}@{expected} ({len(bundle) / 2**20:.1f} MB, sha512 checked)"
    )


def prepare(project_dir: Path, data_dir: Path, report: PackageReport | None = None) -> None:
    """Write assets/plotly.min.js and downloads/ (every CSV, the descriptor, Excel).

    ``report``: the build's check of ``data_dir``, whose tables the workbook holds (without it,
    the data is checked here).
    """
    assets = project_dir / "assets"
    assets.mkdir(exist_ok=True)
    target = assets / "plotly.min.js"
    bundle, message = plotly_js()
    LOG.info(message)
    if not target.is_file() or target.read_bytes() != bundle:
        target.write_bytes(bundle)

    downloads = project_dir / "downloads"
    files = _download_files(data_dir)
    digest = _data_digest(data_dir, files)
    stamp = downloads / ".data-digest"
    if stamp.is_file() and stamp.read_text() == digest:
        return  # The downloads were made from this very data.
    if downloads.exists():
        shutil.rmtree(downloads)
    downloads.mkdir()
    for name, content in files.items():
        (downloads / name).write_bytes(content)
    write_workbook(report.frames() if report else load_all(data_dir), downloads / WORKBOOK)
    stamp.write_text(digest)


def _download_files(data_dir: Path) -> dict[str, bytes]:
    """The files offered for download, by their name in downloads/, read from inside the folder,
    and each chart's data (``chart_files``).

    A table is offered as ``<its resource name>.csv``, whatever its path: resource names are
    unique, so two tables can never take one name (resources at ``a/themes.csv`` and
    ``themes.csv`` once replaced one download with the other), and the page's links, made from
    the names, always lead to their own table. Only files inside the data folder are read (see
    ``_package.resolve_inside``): a descriptor ``path`` that leads elsewhere must never publish
    that file.
    """
    tables, problems = check_descriptor(data_dir)
    if problems:
        raise ValueError(f"{data_dir}: {problems[0]}")
    files = {f"{name}.csv": read_inside(data_dir, t.path) for name, t in tables.items()}
    files[DESCRIPTOR] = read_inside(data_dir, DESCRIPTOR)
    files.update(chart_files(data_dir))
    for extra in ("CODEBOOK.md", "README.md"):
        try:
            files[extra] = read_inside(data_dir, extra)
        except PathRefused as refused:
            if refused.kind != "missing-file":
                raise ValueError(f"{data_dir / extra}: expected {refused.reason}") from None
    return files


def chart_files(data_dir: Path) -> dict[str, bytes]:
    """Each chart's data as the CSV its page links to (``chart-<name>.csv``), made from the
    same frame as the chart's table view, so the two hold the same rows."""
    from ..pages import load_context
    from ..pages._charts import chart_frames

    return {frame.csv_name: frame.csv_bytes() for frame in chart_frames(load_context(data_dir))}


def _data_digest(data_dir: Path, files: dict[str, bytes]) -> str:
    h = hashlib.sha256(str(data_dir).encode())
    for relative in sorted(files):
        h.update(relative.encode() + b"\0" + hashlib.sha256(files[relative]).digest())
    return h.hexdigest()


def sheet_names(names: list[str]) -> list[str]:
    """A unique Excel sheet name for each table: at most 31 characters, unique without case.

    Two names alike in their first 31 characters once wrote into one sheet; the later ones get
    a number instead of their last characters.

    >>> sheet_names(["a" * 40 + "x", "a" * 40 + "y", "b"])
    ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaa~2', 'b']
    """
    taken: set[str] = set()
    out = []
    for name in names:
        sheet, n = name[:31], 1
        while sheet.lower() in taken:
            n += 1
            suffix = f"~{n}"
            sheet = name[: 31 - len(suffix)] + suffix
        taken.add(sheet.lower())
        out.append(sheet)
    return out


def write_workbook(frames: dict[str, pd.DataFrame], path: Path) -> None:
    """One sheet per table; text is always text, never a formula.

    A cell such as ``=HYPERLINK("http://...","Ofsted")`` would otherwise be stored as a formula
    that runs when the workbook is opened. Every string cell is stored as a string, and those
    beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return are also marked
    "quote prefix", so Excel keeps them as text when the cell is edited.
    """
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for frame, sheet in zip(frames.values(), sheet_names(list(frames)), strict=True):
            out = frame.copy()
            for column in out.columns:
                if pd.api.types.is_datetime64_any_dtype(out[column]):
                    out[column] = out[column].dt.date  # Dates, not midnight timestamps.
            out.to_excel(writer, sheet_name=sheet, index=False)
            for row in writer.sheets[sheet].iter_rows():
                for cell in row:
                    if cell.data_type == "f" or (
                        isinstance(cell.value, str) and cell.value.startswith(FORMULA_START)
                    ):
                        cell.data_type = "s"
                        cell.quotePrefix = True
    _fix_dates(path)


# openpyxl stamps the time of writing into the document's properties and into every zip entry;
# a fixed date instead makes the same data give the same bytes (a build is reproducible, and a
# rebuild can be compared with the build before it).
_PROPERTY_DATE = re.compile(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(</dcterms:)")
WORKBOOK_DATE = (1980, 1, 1, 0, 0, 0)  # The earliest date a zip entry can hold.


def _fix_dates(path: Path) -> None:
    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = _PROPERTY_DATE.sub(rb"\g<1>1980-01-01T00:00:00Z\g<2>", data)
            info = zipfile.ZipInfo(name, date_time=WORKBOOK_DATE)
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)


# Quarto 1.7 adds require.js and jQuery from a CDN to every page with HTML outputs
# (src/core/jupyter/widgets.ts); our pages use neither, and offline they are failed requests.
_CDN_SCRIPT = re.compile(
    r'<script[^>]*\bsrc="https?://[^"]*(?:require|jquery)[^"]*"[^>]*>\s*</script>\s*', re.I
)
_JQUERY_SHIM = re.compile(r"<script[^>]*>\s*define\('jquery'.*?</script>\s*", re.S)


# plotly's to_html draws each figure with an inline script calling Plotly.newPlot at once, so
# plotly.js would have to be loaded, and run, before the text below the chart can be parsed.
_PLOT_SCRIPT = re.compile(
    r'<script(?: type="text/javascript")?>(\s*window\.PLOTLYENV\b.*?Plotly\.newPlot\(.*?)</script>',
    re.S,
)
_PLOTLY_TAG = re.compile(r'<script src="[^"]*plotly\.min\.js"[^>]*>\s*</script>\s*')


def defer_plots(html: str) -> str:
    """Make every inline ``Plotly.newPlot`` wait until plotly.js is there.

    In the build without Quarto the page declares ``window.MUNRO_LAZY_PLOTS`` and each figure
    only queues itself: site.js loads plotly.js when a chart comes near the screen and draws it
    then. Elsewhere (Quarto, where plotly.js is a deferred script in the head), each figure is
    drawn after the page is parsed, in its own task so that no one task holds every chart.

    >>> out = defer_plots('<script>  window.PLOTLYENV={}; Plotly.newPlot("f", [])</script>')
    >>> "DOMContentLoaded" in out and "MUNRO_LAZY_PLOTS.push" in out and defer_plots(out) == out
    True
    """

    def wrap(match: re.Match) -> str:
        chart = re.search(r'Plotly\.newPlot\(\s*"([^"]+)"', match.group(1)).group(1)
        return (
            "<script data-deferred-plot>(function (id, draw) {"
            " if (window.MUNRO_LAZY_PLOTS) { window.MUNRO_LAZY_PLOTS.push([id, draw]); return; }"
            ' if (document.readyState === "loading") document.addEventListener('
            '"DOMContentLoaded", function () { setTimeout(draw, 0); });'
            f' else setTimeout(draw, 0); }})("{chart}", function () {{'
            f"{match.group(1)}}});</script>"
        )

    return _PLOT_SCRIPT.sub(wrap, html)


CHARTS_JS = Path(__file__).resolve().parent / "static" / "charts.js"
_PLOTLY_SRC = re.compile(r'<script src="([^"]*)assets/plotly\.min\.js"[^>]*>\s*</script>')


def lazy_plotly(html: str) -> str:
    """For Quarto's pages: plotly.js from the head (include-in-header) becomes charts.js's lazy
    loading, as in the build without Quarto; pages without a chart lose it altogether."""
    if "Plotly.newPlot" not in html:
        return _PLOTLY_TAG.sub("", html)

    def loader(match: re.Match) -> str:
        root = match.group(1)
        return (
            f'<script>window.MUNRO_LAZY_PLOTS = []; window.MUNRO_PLOTLY = "{root}assets/'
            f'plotly.min.js";</script>\n<script src="{root}site_libs/munro/charts.js" defer>'
            "</script>"
        )

    return _PLOTLY_SRC.sub(loader, html, count=1)


def strip_cdn(site_dir: Path) -> int:
    """Quarto's post-render: drop the CDN require.js/jQuery tags, and give the charts the same
    lazy plotly.js as the build without Quarto (see ``lazy_plotly``, ``defer_plots``).
    Return how many pages changed."""
    changed = 0
    for page in site_dir.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        cleaned = lazy_plotly(defer_plots(_JQUERY_SHIM.sub("", _CDN_SCRIPT.sub("", html))))
        if "charts.js" in cleaned:
            target = site_dir / "site_libs" / "munro" / "charts.js"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(CHARTS_JS, target)
        if cleaned != html:
            page.write_text(cleaned, encoding="utf-8")
            changed += 1
    return changed
