"""Re-executing the notebooks whose inputs changed, and storing their outputs.

Each executed notebook carries a stamp in its metadata: the fingerprint of everything its
outputs depend on (see :func:`fingerprint`). A notebook is run again only when one of those
changed, so a build after no change executes nothing, and a changed table re-runs exactly the
notebooks that read it.

The tracked notebooks keep the outputs of the repository's own data only. A build on any other
data folder executes copies of them into ``build/executed/<key>/`` (as Quarto's ``_freeze/``
and jupyter-cache keep executed results apart from the sources) and the site is rendered from
there, so such a build never changes a tracked file.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

from .._package import DESCRIPTOR, read_tables
from ..trace import TRACE_ENV

LOG = logging.getLogger(__name__)
STAMP_KEY = "munro_build"
PACKAGE_DIR = Path(__file__).resolve().parents[1]
# Libraries whose versions shape the stored outputs (markup, number formats, plotly JSON).
OUTPUT_LIBRARIES = ("pandas", "plotly", "great-tables", "nbconvert", "nbclient", "ipykernel")


def _digest(*chunks: bytes) -> str:
    h = hashlib.sha256()
    for chunk in chunks:
        h.update(hashlib.sha256(chunk).digest())
    return h.hexdigest()[:16]


def notebook_digest(nb: nbformat.NotebookNode) -> str:
    """Digest of what a notebook says (cells and their kinds), not of its outputs."""
    cells = [[c.cell_type, c.source] for c in nb.cells]
    return _digest(json.dumps(cells, ensure_ascii=False).encode())


def library_versions() -> dict[str, str]:
    return dict(_library_versions())  # A copy: the stamp of each notebook holds its own.


@functools.cache
def _library_versions() -> tuple[tuple[str, str], ...]:
    """Looked up once per process (each lookup scans the installed distributions)."""
    versions = []
    for name in OUTPUT_LIBRARIES:
        try:
            versions.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            versions.append((name, "absent"))
    return tuple(versions)


def _module_file(name: str) -> Path | None:
    """The file of a ``munro_data`` module (a package's ``__init__.py``), if it exists."""
    parts = name.split(".")
    if parts[0] != "munro_data":
        return None
    base = PACKAGE_DIR.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports(code: str, module: str = "", is_package: bool = False) -> set[str]:
    """``munro_data`` modules a piece of code imports, relative imports resolved."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = module.split(".")
                package = package if is_package else package[:-1]
                package = package[: len(package) - node.level + 1]
                base = ".".join(package + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            found.add(base)
            # "from munro_data.pages import home" imports the submodule home.
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return {name for name in found if _module_file(name)}


def modules_used(nb: nbformat.NotebookNode) -> list[str]:
    """Every ``munro_data`` module a notebook's code imports, directly or through others.

    Importing ``a.b.c`` runs ``a/__init__.py`` and ``a/b/__init__.py`` too, so those count.
    """
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    todo = _imports("\n".join(line for line in code.splitlines() if "import" in line))
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        parts = name.split(".")
        todo |= {".".join(parts[:i]) for i in range(1, len(parts))} - seen
        todo |= _module_imports(name, _module_file(name)) - seen
    return sorted(seen)


# The import scan of each module file, by the file's content: (module, is a package, digest).
_SCANNED: dict[tuple[str, bool, str], frozenset[str]] = {}


def _module_imports(name: str, path: Path) -> frozenset[str]:
    """The ``munro_data`` modules one module file imports, parsed once per content of the file.

    A plan asks this of the same dozen files for every notebook. The answer is frozen, so that no
    caller can change what the next one is given (a notebook's stamp lists these modules).
    """
    code = path.read_bytes()
    key = (name, path.name == "__init__.py", hashlib.sha256(code).hexdigest())
    if key not in _SCANNED:
        _SCANNED[key] = frozenset(_imports(code.decode("utf-8"), name, key[1]))
    return _SCANNED[key]


def code_digest(modules: list[str]) -> str:
    """Digest of the given modules' code and of the templates and scripts of their packages."""
    chunks = []
    for name in modules:
        path = _module_file(name)
        chunks.append(name.encode() + path.read_bytes())
        if path.name == "__init__.py":
            # A package's templates and static files shape its output as much as its code.
            for extra in sorted(path.parent.glob("*/*")):
                if extra.is_file() and extra.parent.name in ("templates", "static"):
                    chunks.append(str(extra.relative_to(PACKAGE_DIR)).encode() + extra.read_bytes())
    return _digest(*chunks)


def table_digest(data_dir: Path, name: str) -> str:
    """Digest of one table's CSV, its schema, and for sources the source texts too.

    A name ``file:NAME`` stands for another file of the data folder a notebook read (the
    codebook, the descriptor).
    """
    if name.startswith("file:"):
        path = data_dir / name.removeprefix("file:")
        return _digest(path.read_bytes() if path.is_file() else b"")
    tables = read_tables(data_dir)
    table = tables[name]
    path = data_dir / table.path
    chunks = [path.read_bytes() if path.is_file() else b""]
    if name == "sources":
        chunks += [p.read_bytes() for p in sorted((data_dir / "sources").glob("*")) if p.is_file()]
    return _digest(*chunks)


def fingerprint(nb: nbformat.NotebookNode, data_dir: Path, tables: list[str]) -> dict:
    """Everything a notebook's outputs depend on, each part digested on its own.

    Its cells; the whole descriptor (version, schemas and all); each table and file it read; the
    code (and templates) of every package module it imports; the versions of the libraries
    that shape its output. (owid/etl's ``checksum_input`` combines the same kinds of input.)
    """
    descriptor = data_dir / DESCRIPTOR
    modules = modules_used(nb)
    return {
        "notebook": notebook_digest(nb),
        "descriptor": _digest(descriptor.read_bytes() if descriptor.is_file() else b""),
        "modules": modules,
        "code": code_digest(modules),
        "libraries": library_versions(),
        "data_dir_tables": {name: _safe_table_digest(data_dir, name) for name in tables},
    }


@dataclass
class Plan:
    path: Path  # The notebook to execute (the source).
    reason: str | None  # None: up to date.
    target: Path | None = None  # Where its executed copy goes (default: the notebook itself).


def _reason(stamp: dict | None, fresh: dict) -> str | None:
    if not stamp:
        return "it has never been run by the build"
    labels = {
        "notebook": "the notebook changed",
        "descriptor": "datapackage.json changed",
        "modules": "it imports other modules",
        "code": "the munro_data code it uses changed",
        "libraries": "a library version changed",
    }
    for key, label in labels.items():
        if stamp.get(key) != fresh[key]:
            return label
    if stamp.get("data_dir_tables") is None:
        return "it records no tables"
    now = fresh["data_dir_tables"]
    changed = [t for t, h in sorted(stamp["data_dir_tables"].items()) if now.get(t) != h]
    return f"table(s) changed: {', '.join(changed)}" if changed else None


def plan(
    notebooks: list[Path],
    data_dir: Path,
    force: bool = False,
    targets: list[Path] | None = None,
) -> list[Plan]:
    """Which notebooks must run, and why (comparing each target's stamp with a fresh one)."""
    plans = []
    for i, path in enumerate(notebooks):
        target = targets[i] if targets else path
        nb = nbformat.read(path, as_version=4)
        stamp = None
        if target.is_file():
            stamp = nbformat.read(target, as_version=4).metadata.get(STAMP_KEY)
        tables = list((stamp or {}).get("data_dir_tables") or {})
        fresh = fingerprint(nb, data_dir, tables)
        reason = "a full rebuild was asked for" if force else _reason(stamp, fresh)
        plans.append(Plan(path, reason, target))
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
            # nbclient takes SIGINT and SIGTERM over while a notebook runs and, when done, leaves
            # them at the system's defaults: the build's own handlers are put back after it.
            handlers = _signal_handlers()
            try:
                # The kernel's own stderr is not the reader's: a kernel shut down mid-reply (a
                # stopped build) prints a traceback there. A notebook's errors come back as the
                # cells' outputs, which nbclient raises.
                client.execute(stderr=subprocess.DEVNULL)
            except Exception:
                # A signal while a notebook runs makes nbclient shut the kernel down (noting it
                # in this attribute) and then, mostly, fail with an error of its own. The build
                # was asked to stop: say so, rather than report a broken notebook.
                if _stop_asked(client):
                    raise KeyboardInterrupt from None
                raise
            finally:
                _restore_signal_handlers(handlers)
                if kernel.has_kernel:  # we made the manager, so the kernel is ours to stop
                    kernel.shutdown_kernel(now=True)
            if _stop_asked(client):  # The signal came as the notebook ended: stop all the same.
                raise KeyboardInterrupt
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        read = sorted(set(trace.read_text().split())) if trace.exists() else []
    nb.metadata[STAMP_KEY] = fingerprint(nb, data_dir, read)
    return nb


def _stop_asked(client) -> bool:
    """Whether nbclient was signalled (SIGINT or SIGTERM) while it ran a notebook."""
    return getattr(client, "_async_cleanup_kernel_future", None) is not None


def _signal_handlers() -> dict:
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}


def _restore_signal_handlers(handlers: dict) -> None:
    for number, handler in handlers.items():
        signal.signal(number, handler)


def run_changed(
    notebooks: list[Path],
    data_dir: Path,
    force: bool = False,
    targets: list[Path] | None = None,
) -> list[Plan]:
    """Execute what changed; write the results only when every notebook succeeded.

    Each notebook's executed copy goes to its target (default: the notebook itself).
    """
    plans = plan(notebooks, data_dir, force, targets)
    todo = [p for p in plans if p.reason]
    if not todo:
        LOG.info("notebooks: all up to date, nothing to execute")
        return plans
    done: list[tuple[Path, nbformat.NotebookNode]] = []
    bar = _bar_wanted()
    started = time.perf_counter()
    for number, item in enumerate(todo, start=1):
        start = time.perf_counter()
        LOG.info(
            f"[{number}/{len(todo)}] executing {item.path.name} because {item.reason}"
            f" ({time.perf_counter() - started:.1f} s so far)"
        )
        if bar:
            _draw_bar(number - 1, len(todo), item.path.name)
        done.append((item.target or item.path, execute(item.path, data_dir)))
        if bar:
            _draw_bar(number, len(todo), item.path.name, end=number == len(todo))
        LOG.info(
            f"[{number}/{len(todo)}] {item.path.name} done in {time.perf_counter() - start:.1f} s"
        )
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
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".ipynb.tmp")
    with tmp.open("w", encoding="utf-8", newline="\n") as f:
        nbformat.write(nb, f)
    os.replace(tmp, path)
