"""Files the pages load or offer that are made, not written: plotly.js and the downloads."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pandas as pd
import plotly

from .. import load_all
from .._package import read_tables

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
    digest = _data_digest(data_dir)
    stamp = downloads / ".data-digest"
    if stamp.is_file() and stamp.read_text() == digest:
        return  # The downloads were made from this very data.
    if downloads.exists():
        shutil.rmtree(downloads)
    downloads.mkdir()
    tables = read_tables(data_dir)
    for table in tables.values():
        shutil.copy2(data_dir / table.path, downloads / Path(table.path).name)
    shutil.copy2(data_dir / "datapackage.json", downloads / "datapackage.json")
    for extra in ("CODEBOOK.md", "README.md"):
        if (data_dir / extra).exists():
            shutil.copy2(data_dir / extra, downloads / extra)
    frames = load_all(data_dir)
    with pd.ExcelWriter(downloads / WORKBOOK, engine="openpyxl") as writer:
        for name, frame in frames.items():
            out = frame.copy()
            for column in out.columns:
                if pd.api.types.is_datetime64_any_dtype(out[column]):
                    out[column] = out[column].dt.date  # Dates, not midnight timestamps.
            out.to_excel(writer, sheet_name=name[:31], index=False)
    stamp.write_text(digest)


def _data_digest(data_dir: Path) -> str:
    h = hashlib.sha256(str(data_dir).encode())
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(data_dir)).encode() + path.read_bytes())
    return h.hexdigest()


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
