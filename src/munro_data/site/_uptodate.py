"""Whether a site is up to date: one stamp for the whole build, checked before anything else.

A build that changes nothing still validated the data, planned every notebook, parsed every
page and wrote the search index again (1.6 s, most of it importing pandas, nbconvert and
BeautifulSoup and parsing HTML). Like make, a build first compares what it is made from with
what the last finished build recorded (``build/.site-stamp.json``), and stops there when
nothing changed:

- what the site is made from, by content: every file of the data folder, the notebooks and the
  website's config (``_quarto.yml``, ``_quarto/``), the ``munro_data`` package's files, the
  vendored packages in the cache, the Python and the installed distributions, the options;
- what the build wrote, by size and modification time: every file of the site, and the
  downloads, assets and executed copies beside the notebooks (a file deleted or edited by hand
  there makes the next build run).

The stamp is removed before a build changes anything and written only once its site is in
place, so a build that failed or was killed leaves no stamp and the next one runs in full.
This module imports nothing heavy: a no-change build imports neither nbconvert nor nbclient.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

STAMP = Path("build") / ".site-stamp.json"
PACKAGE_DIR = Path(__file__).resolve().parents[1]
# What the build writes beside the notebooks (see _transaction.GENERATED_FOLDERS).
WRITTEN_FOLDERS = ("downloads", "assets")


def vendor_cache() -> Path:
    """Where ``make install`` keeps the pinned npm packages (outside the repository)."""
    if "MUNRO_VENDOR_CACHE" in os.environ:
        return Path(os.environ["MUNRO_VENDOR_CACHE"])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "munro-tracker" / "npm"


def _files(folder: Path, pattern: str = "*") -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts)


def _contents(paths: list[Path], base: Path) -> str:
    h = hashlib.sha256()
    for path in paths:
        h.update(str(path.relative_to(base)).encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def _stats(paths: list[Path]) -> dict[str, list[int]]:
    stats = {}
    for path in paths:
        s = path.stat()
        stats[str(path)] = [s.st_size, s.st_mtime_ns]
    return stats


def _distributions() -> list[str]:
    """The installed distributions and their versions (their ``.dist-info`` folders' names)."""
    names = []
    for entry in sys.path:
        if entry.endswith("-packages") and os.path.isdir(entry):
            names += [n for n in os.listdir(entry) if n.endswith((".dist-info", ".egg-info"))]
    return sorted(names)


def sources(project_dir: Path, data_dir: Path, options: dict) -> dict[str, str]:
    """Digests of what a site is made from, except the notebooks (see :func:`notebooks`)."""
    quarto = shutil.which("quarto") if options.get("use_quarto") else None
    environment = {
        "python": [sys.executable, sys.version],
        "distributions": _distributions(),
        "vendor": _stats(_files(vendor_cache())),
        "quarto": [quarto, _stats([Path(quarto)]) if quarto else None],
        "options": options,
    }
    config = [project_dir / "_quarto.yml", *_files(project_dir / "_quarto")]
    return {
        "data": _contents(_files(data_dir), data_dir),
        "config": _contents([p for p in config if p.is_file()], project_dir),
        "package": _contents(_files(PACKAGE_DIR), PACKAGE_DIR),
        "environment": hashlib.sha256(json.dumps(environment).encode()).hexdigest(),
    }


def notebook_paths(folder: Path) -> list[Path]:
    return sorted([*folder.glob("*.ipynb"), *_files(folder / "notebooks", "*.ipynb")])


def notebooks(project_dir: Path) -> str:
    """Digest of the project's notebooks, which a build on its own data also rewrites."""
    return _contents(notebook_paths(project_dir), project_dir)


def written(output: Path, root: Path, project_dir: Path) -> dict[str, list[int]]:
    """Size and modification time of every file the build wrote."""
    paths = _files(output)
    for name in WRITTEN_FOLDERS:
        paths += _files(root / name)
    if root != project_dir:
        paths += notebook_paths(root)
    return _stats(paths)


def record(project_dir: Path, data_dir: Path, root: Path, output: Path, options: dict) -> dict:
    return {
        "output": str(output),
        "sources": sources(project_dir, data_dir, options),
        "notebooks": notebooks(project_dir),
        "written": written(output, root, project_dir),
    }


def current(project_dir: Path, data_dir: Path, root: Path, output: Path, options: dict) -> bool:
    """Whether the last finished build's stamp still holds: nothing to do."""
    try:
        stamp = json.loads((project_dir / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if stamp.get("output") != str(output) or not output.is_dir():
        return False
    return stamp == record(project_dir, data_dir, root, output, options)


def clear(project_dir: Path) -> None:
    """Before a build changes anything: no stamp until its site is in place."""
    (project_dir / STAMP).unlink(missing_ok=True)


def write(project_dir: Path, stamp: dict) -> None:
    path = project_dir / STAMP
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(stamp), encoding="utf-8")
    os.replace(tmp, path)
