"""A build is all or nothing: a lock, a journal of what it rewrites, and an atomic swap.

A build rewrites three things: the executed notebooks (tracked, for the project's own data), the
files beside them that the pages load or offer (``downloads/``, ``assets/``), and the site. The
first two are written in place, before the site is rendered, so the build keeps a copy of them
(the journal, ``build/.site-journal/``) until its new site is in place:

- any exception puts the copy back (:meth:`Journal.recover`), so a failed build changes nothing;
- a killed build leaves the journal behind, and the next build puts it back before it starts,
  unless the killed build had already swapped its site in: the journal records the identity
  (device and inode, which a rename keeps) of the new site before the swap, so whichever site
  is in place decides which notebooks and downloads stay.

The swap itself is one ``renameat2(RENAME_EXCHANGE)`` on Linux, so a complete old or new site
is in place at every instant. Elsewhere it is two renames, and a build killed between them
leaves no site but the old one beside it, which the next build puts back (:func:`repair`).

One build at a time per project: the lock (``build/.site.lock``, ``fcntl.flock``) is held from
the recovery to the end, and is released by the system when its holder dies, so leftovers
found by the build holding it are never another live build's.
"""

from __future__ import annotations

import ctypes
import errno
import json
import logging
import os
import shutil
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOG = logging.getLogger(__name__)

try:
    import fcntl
except ImportError:  # Windows: no flock; builds are not serialised there.
    fcntl = None

LOCK = Path("build") / ".site.lock"
JOURNAL = Path("build") / ".site-journal"
LOCK_TIMEOUT_ENV = "MUNRO_BUILD_LOCK_TIMEOUT"
FAULT_ENV = "MUNRO_BUILD_FAULT"
# What a build may rewrite beside the notebooks' folder, besides the site.
GENERATED_FOLDERS = ("downloads", "assets")


class BuildLocked(RuntimeError):
    """Another build of the same project held the lock for longer than the timeout."""


def fault(step: str) -> None:
    """For the tests: ``MUNRO_BUILD_FAULT=step`` kills this process at that step, as a power cut
    or ``kill -9`` would; ``step=SECONDS`` pauses there instead (to hold the lock a while)."""
    name, _, pause = os.environ.get(FAULT_ENV, "").partition("=")
    if name != step:
        return
    if pause:
        time.sleep(float(pause))
        return
    os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


# The lock ------------------------------------------------------------------------------------


@contextmanager
def lock(project_dir: Path) -> Iterator[None]:
    """Hold the project's build lock; wait for another build holding it, up to the timeout."""
    if fcntl is None:
        LOG.warning("lock: no fcntl on this system, so two builds at once are not kept apart")
        yield
        return
    path = project_dir / LOCK
    path.parent.mkdir(parents=True, exist_ok=True)
    timeout = float(os.environ.get(LOCK_TIMEOUT_ENV) or 900)
    with path.open("a+", encoding="utf-8") as f:
        deadline = time.monotonic() + timeout
        waited = False
        while True:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _holder(path)
                if time.monotonic() >= deadline:
                    raise BuildLocked(
                        f"another build (pid {holder}) still holds {path} after {timeout:g} s"
                        f" ({LOCK_TIMEOUT_ENV}); nothing was changed"
                    ) from None
                if not waited:
                    LOG.info(f"another build (pid {holder}) is running; waiting for it to finish")
                    waited = True
                time.sleep(0.2)
        # The holder's pid is for the message above; the lock is the flock, not the file.
        f.seek(0)
        f.truncate()
        f.write(f"{os.getpid()}\n")
        f.flush()
        try:
            yield
        finally:
            f.seek(0)
            f.truncate()
            f.flush()
            fcntl.flock(f, fcntl.LOCK_UN)


def _holder(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip() or "unknown"
    except OSError:
        return "unknown"


# The journal ---------------------------------------------------------------------------------


def generated_files(root: Path) -> list[Path]:
    """The files under ``root`` a build may write before its site is swapped in: the executed
    notebooks (and an interrupted write's ``.ipynb.tmp``), the downloads and the assets."""
    files = [p for pattern in ("*.ipynb", "*.ipynb.tmp") for p in root.glob(pattern)]
    files += [
        p for pattern in ("*.ipynb", "*.ipynb.tmp") for p in root.glob(f"notebooks/{pattern}")
    ]
    for folder in GENERATED_FOLDERS:
        files += [p for p in (root / folder).rglob("*") if p.is_file()]
    return sorted(files)


class Journal:
    """A copy of every file a build may rewrite, kept until the build's site is in place."""

    def __init__(self, project_dir: Path) -> None:
        self.path = project_dir / JOURNAL

    def begin(self, root: Path, output: Path) -> None:
        """Copy what the build may rewrite under ``root``; the journal appears only complete."""
        partial = self.path.with_name(self.path.name + ".tmp")
        shutil.rmtree(partial, ignore_errors=True)
        files = generated_files(root)
        for path in files:
            copy = partial / "files" / path.relative_to(root)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copy)
        record = {
            "root": str(root),
            "output": str(output),
            "files": [str(p.relative_to(root)) for p in files],
            "folders": [name for name in GENERATED_FOLDERS if (root / name).is_dir()],
        }
        partial.mkdir(parents=True, exist_ok=True)
        (partial / "journal.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
        os.replace(partial, self.path)

    def before_swap(self, staging: Path) -> None:
        """Record which site is the new one, so that a kill after the swap keeps the build."""
        tmp = self.path / "swap.json.tmp"
        tmp.write_text(json.dumps({"site": identity(staging)}), encoding="utf-8")
        os.replace(tmp, self.path / "swap.json")

    def output(self) -> Path | None:
        """The site the journal's build was making, if there is a journal."""
        record = self._record()
        return Path(record["output"]) if record else None

    def recover(self) -> None:
        """Settle an unfinished build: keep its files if its site is in place, else restore."""
        record = self._record()
        if record is None:
            return
        swap = self.path / "swap.json"
        site = json.loads(swap.read_text(encoding="utf-8"))["site"] if swap.is_file() else None
        output = Path(record["output"])
        if site is not None and output.exists() and identity(output) == site:
            LOG.info("recovery: an interrupted build had put its site in place; its files are kept")
        else:
            self._restore(Path(record["root"]), record)
            LOG.info(
                f"recovery: an unfinished build's notebooks and downloads were put back as they"
                f" were ({len(record['files'])} files)"
            )
        self.end()

    def end(self) -> None:
        """Drop the journal: one rename, so that a kill never leaves half of one."""
        if self.path.exists():
            done = self.path.with_name(f"{self.path.name}.done-{os.getpid()}")
            os.replace(self.path, done)
            shutil.rmtree(done, ignore_errors=True)

    def clean(self) -> None:
        """Remove a journal that was never completed or never fully removed."""
        for leftover in self.path.parent.glob(f"{self.path.name}.*"):
            shutil.rmtree(leftover, ignore_errors=True)

    def _record(self) -> dict | None:
        try:
            return json.loads((self.path / "journal.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None

    def _restore(self, root: Path, record: dict) -> None:
        saved = set(record["files"])
        for path in generated_files(root):
            if str(path.relative_to(root)) not in saved:
                path.unlink()
        for name in GENERATED_FOLDERS:
            if name not in record["folders"]:
                shutil.rmtree(root / name, ignore_errors=True)
        for relative in sorted(saved):
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(self.path / "files" / relative, target)


def identity(path: Path) -> list[int]:
    """A folder's identity, which a rename keeps: its device and inode."""
    stat = path.stat()
    return [stat.st_dev, stat.st_ino]


# The swap -----------------------------------------------------------------------------------


def staging_prefix(output: Path) -> str:
    """The name of the folders a site for ``output`` is assembled in (``make clean`` knows)."""
    return f".site-build-{output.name}-"


def old_prefix(output: Path) -> str:
    return f".{output.name}-old-"


def swap(new: Path, output: Path) -> Path | None:
    """Put the site ``new`` where ``output`` is; return where the old site went, if any.

    One atomic exchange where the system has it. Otherwise two renames, with a moment between
    them when ``output`` is missing, which :func:`repair` mends (a fault asked for at that
    moment, ``between-renames``, forces this way, so that the tests can reach it).
    """
    if not output.exists():
        os.replace(new, output)
        return None
    forced = os.environ.get(FAULT_ENV, "").partition("=")[0] == "between-renames"
    if not forced and _exchange(new, output):
        return new  # Now the old site.
    old = output.with_name(f"{old_prefix(output)}{os.getpid()}")
    os.replace(output, old)
    fault("between-renames")
    os.replace(new, output)
    return old


def _exchange(a: Path, b: Path) -> bool:
    """Exchange two paths atomically (Linux ``renameat2`` with ``RENAME_EXCHANGE``).

    False where the C library, the kernel or the file system does not have it.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


def repair(output: Path) -> None:
    """Put back the old site a build killed between its two renames left beside ``output``."""
    if output.exists():
        return
    olds = sorted(output.parent.glob(f"{old_prefix(output)}*"), key=lambda p: p.stat().st_mtime)
    if olds:
        os.replace(olds[-1], output)
        LOG.info(f"recovery: {output} was missing after an interrupted swap; the old site is back")


def clean(output: Path) -> None:
    """Remove staging folders and old sites left by builds that did not finish."""
    for pattern in (f"{staging_prefix(output)}*", f"{old_prefix(output)}*"):
        for leftover in output.parent.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)


def recover(project_dir: Path, output: Path) -> None:
    """Bring the project and the site back to a finished build's state (under the lock)."""
    journal = Journal(project_dir)
    outputs = {output, journal.output() or output}
    for site in outputs:
        repair(site)
    journal.recover()
    journal.clean()
    for site in outputs:
        clean(site)
