"""Files the pages load or offer that are made, not written: plotly.js and the downloads."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pandas as pd
import plotly

from .. import load_all
from .._package import DESCRIPTOR, PathRefused, read_inside
from .._validate import FORMULA_START, load_package

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
WORKBOOK = "munro-review-tracker.xlsx"


def prepare(project_dir: Path, data_dir: Path) -> None:
    """Copy plotly.min.js into assets/ and write downloads/ (every CSV, the descriptor, Excel)."""
    assets = project_dir / "assets"
    assets.mkdir(exist_ok=True)
    target = assets / "plotly.min.js"
    if not target.exists() or target.stat().st_size != PLOTLY_JS.stat().st_size:
        shutil.copy2(PLOTLY_JS, target)

    downloads = project_dir / "downloads"
    files = _download_files(data_dir)
    digest = _data_digest(data_dir, files)
    stamp = downloads / ".data-digest"
    if stamp.is_file() and stamp.read_text() == digest:
        return  # The downloads were made from this very data.
    if downloads.exists():
        shutil.rmtree(downloads)
    downloads.mkdir()
    for relative, content in files.items():
        (downloads / Path(relative).name).write_bytes(content)
    write_workbook(load_all(data_dir), downloads / WORKBOOK)
    stamp.write_text(digest)


def _download_files(data_dir: Path) -> dict[str, bytes]:
    """The files offered for download, by their path in the data folder, read from inside it.

    Only files inside the data folder are read (see ``_package.resolve_inside``): a descriptor
    ``path`` that leads elsewhere must never publish that file.
    """
    tables, problems = load_package(data_dir)
    if problems:
        raise ValueError(f"{data_dir}: {problems[0]}")
    files = {}
    for relative in [t.path for t in tables.values()] + [DESCRIPTOR]:
        files[relative] = read_inside(data_dir, relative)
    for extra in ("CODEBOOK.md", "README.md"):
        try:
            files[extra] = read_inside(data_dir, extra)
        except PathRefused as refused:
            if refused.kind != "missing-file":
                raise ValueError(f"{data_dir / extra}: expected {refused.reason}") from None
    return files


def _data_digest(data_dir: Path, files: dict[str, bytes]) -> str:
    h = hashlib.sha256(str(data_dir).encode())
    for relative in sorted(files):
        h.update(relative.encode() + b"\0" + hashlib.sha256(files[relative]).digest())
    return h.hexdigest()


def write_workbook(frames: dict[str, pd.DataFrame], path: Path) -> None:
    """One sheet per table; text is always text, never a formula.

    A cell such as ``=HYPERLINK("http://...","Ofsted")`` would otherwise be stored as a formula
    that runs when the workbook is opened. Every string cell is stored as a string, and those
    beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return are also marked
    "quote prefix", so Excel keeps them as text when the cell is edited.
    """
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in frames.items():
            out = frame.copy()
            for column in out.columns:
                if pd.api.types.is_datetime64_any_dtype(out[column]):
                    out[column] = out[column].dt.date  # Dates, not midnight timestamps.
            out.to_excel(writer, sheet_name=name[:31], index=False)
            for row in writer.sheets[name[:31]].iter_rows():
                for cell in row:
                    if cell.data_type == "f" or (
                        isinstance(cell.value, str) and cell.value.startswith(FORMULA_START)
                    ):
                        cell.data_type = "s"
                        cell.quotePrefix = True


# Quarto 1.7 adds require.js and jQuery from a CDN to every page with HTML outputs
# (src/core/jupyter/widgets.ts); our pages use neither, and offline they are failed requests.
_CDN_SCRIPT = re.compile(
    r'<script[^>]*\bsrc="https?://[^"]*(?:require|jquery)[^"]*"[^>]*>\s*</script>\s*', re.I
)
_JQUERY_SHIM = re.compile(r"<script[^>]*>\s*define\('jquery'.*?</script>\s*", re.S)


def strip_cdn(site_dir: Path) -> int:
    """Remove the CDN require.js/jQuery tags from every page; return how many pages changed."""
    changed = 0
    for page in site_dir.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        cleaned = _JQUERY_SHIM.sub("", _CDN_SCRIPT.sub("", html))
        if cleaned != html:
            page.write_text(cleaned, encoding="utf-8")
            changed += 1
    return changed
