"""Re-executing the notebooks whose inputs changed, and storing their outputs.

Each executed notebook carries a stamp in its metadata: a digest of its own cells, of the
munro_data code, and of each table it read while running (recorded by the loaders through
``$MUNRO_TRACE_FILE``). A notebook is run again only when one of those changed, so a build after
no change executes nothing, and a changed table re-runs exactly the notebooks that read it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

from .._package import read_tables
from .._validate import TRACE_ENV

STAMP_KEY = "munro_build"
PACKAGE_DIR = Path(__file__).resolve().parents[1]


def _digest(*chunks: bytes) -> str:
    h = hashlib.sha256()
    for chunk in chunks:
        h.update(hashlib.sha256(chunk).digest())
    return h.hexdigest()[:16]


def notebook_digest(nb: nbformat.NotebookNode) -> str:
    """Digest of what a notebook says (cells and their kinds), not of its outputs."""
    cells = [[c.cell_type, c.source] for c in nb.cells]
    return _digest(json.dumps(cells, ensure_ascii=False).encode())


def code_digest() -> str:
    """Digest of the munro_data code the notebooks import (the site builder excluded)."""
    files = sorted(
        p for p in PACKAGE_DIR.rglob("*.py") if "site" not in p.relative_to(PACKAGE_DIR).parts
    )
    return _digest(*(str(p.relative_to(PACKAGE_DIR)).encode() + p.read_bytes() for p in files))


def table_digest(data_dir: Path, name: str) -> str:
    """Digest of one table's CSV, its schema, and for sources the source texts too.

    A name ``file:NAME`` stands for another file of the data folder a notebook read (the
    codebook).
    """
    if name.startswith("file:"):
        path = data_dir / name.removeprefix("file:")
        return _digest(path.read_bytes() if path.is_file() else b"")
    tables = read_tables(data_dir)
    table = tables[name]
    schema = json.dumps(
        next(
            r
            for r in json.loads((data_dir / "datapackage.json").read_text())["resources"]
            if r["name"] == name
        ),
        sort_keys=True,
    ).encode()
    path = data_dir / table.path
    chunks = [schema, path.read_bytes() if path.exists() else b""]
    if name == "sources":
        chunks += [p.read_bytes() for p in sorted((data_dir / "sources").glob("*"))]
    return _digest(*chunks)


@dataclass
class Plan:
    path: Path
    reason: str | None  # None: up to date.


def plan(notebooks: list[Path], data_dir: Path, force: bool = False) -> list[Plan]:
    """Which notebooks must run, and why."""
    code = code_digest()
    plans = []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        stamp = nb.metadata.get(STAMP_KEY)
        if force:
            reason = "a full rebuild was asked for"
        elif not stamp:
            reason = "it has never been run by the build"
        elif stamp.get("notebook") != notebook_digest(nb):
            reason = "the notebook changed"
        elif stamp.get("code") != code:
            reason = "the munro_data code changed"
        elif stamp.get("data_dir_tables") is None:
            reason = "it records no tables"
        else:
            changed = [
                t
                for t, h in sorted(stamp["data_dir_tables"].items())
                if _safe_table_digest(data_dir, t) != h
            ]
            reason = f"table(s) changed: {', '.join(changed)}" if changed else None
        plans.append(Plan(path, reason))
    return plans


def _safe_table_digest(data_dir: Path, name: str) -> str | None:
    try:
        return table_digest(data_dir, name)
    except (KeyError, StopIteration, OSError, ValueError):
        return None  # A table that no longer exists counts as changed.


def execute(path: Path, data_dir: Path, timeout: int = 600) -> nbformat.NotebookNode:
    """Run one notebook in a fresh kernel against ``data_dir``; return it with outputs and stamp."""
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as scratch:
        trace = Path(scratch) / "tables-read.txt"
        saved = {k: os.environ.get(k) for k in (TRACE_ENV, "MUNRO_DATA_DIR", "PYTHONHASHSEED")}
        # The kernel inherits this environment: the data folder, where to record the tables
        # read, and a fixed hash seed so set and dict orders cannot vary between runs.
        os.environ.update(
            {TRACE_ENV: str(trace), "MUNRO_DATA_DIR": str(data_dir), "PYTHONHASHSEED": "0"}
        )
        try:
            # A local socket in the scratch folder rather than TCP: nothing listens on a port,
            # and ipykernel has no reason to warn about unencrypted traffic.
            kernel = KernelManager(
                kernel_name="python3", transport="ipc", ip=str(Path(scratch) / "kernel")
            )
            client = NotebookClient(
                nb,
                km=kernel,
                timeout=timeout,
                kernel_name="python3",
                record_timing=False,
                resources={"metadata": {"path": str(path.parent)}},
            )
            try:
                client.execute()
            finally:
                if kernel.has_kernel:  # we made the manager, so the kernel is ours to stop
                    kernel.shutdown_kernel(now=True)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        read = sorted(set(trace.read_text().split())) if trace.exists() else []
    nb.metadata[STAMP_KEY] = {
        "notebook": notebook_digest(nb),
        "code": code_digest(),
        "data_dir_tables": {name: table_digest(data_dir, name) for name in read},
    }
    return nb


def run_changed(
    notebooks: list[Path], data_dir: Path, force: bool = False, log=print
) -> list[Plan]:
    """Execute what changed; write the notebooks back only when every one of them succeeded."""
    plans = plan(notebooks, data_dir, force)
    todo = [p for p in plans if p.reason]
    if not todo:
        log("notebooks: all up to date, nothing to execute")
        return plans
    done: list[tuple[Path, nbformat.NotebookNode]] = []
    bar = _bar_wanted()
    for number, item in enumerate(todo, start=1):
        start = time.perf_counter()
        log(f"[{number}/{len(todo)}] executing {item.path.name} because {item.reason}")
        if bar:
            _draw_bar(number - 1, len(todo), item.path.name)
        done.append((item.path, execute(item.path, data_dir)))
        if bar:
            _draw_bar(number, len(todo), item.path.name, end=number == len(todo))
        log(f"[{number}/{len(todo)}] {item.path.name} done in {time.perf_counter() - start:.1f} s")
    for path, nb in done:
        _write_atomically(path, nb)
    return plans


def _bar_wanted() -> bool:
    """A progress bar on a terminal; CI and logs get the plain lines only."""
    return sys.stderr.isatty() and not os.environ.get("CI")


def _draw_bar(done: int, total: int, name: str, end: bool = False) -> None:
    width = 24
    filled = round(width * done / total)
    bar = "#" * filled + "-" * (width - filled)
    sys.stderr.write(f"\r[{bar}] {done}/{total} {name:<32}" + ("\n" if end else ""))
    sys.stderr.flush()


def _write_atomically(path: Path, nb: nbformat.NotebookNode) -> None:
    tmp = path.with_suffix(".ipynb.tmp")
    with tmp.open("w", encoding="utf-8", newline="\n") as f:
        nbformat.write(nb, f)
    os.replace(tmp, path)
