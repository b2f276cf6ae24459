"""``make site``: validate, execute what changed, render, and swap the new site into place."""

from __future__ import annotations

import hashlib
import logging
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .. import DataValidationError, PackageReport, validate
from .._package import resolve_data_dir
from . import _transaction as transaction
from . import _uptodate as uptodate
from ._config import PROJECT_DIR

LOG = logging.getLogger(__name__)


class BuildStopped(RuntimeError):
    """The build was stopped (Ctrl-C or SIGTERM) and undone: the site already there is kept."""


@contextmanager
def _stoppable() -> Iterator[None]:
    """SIGTERM stops the build as Ctrl-C does: an exception in the main thread, so that the
    transaction puts back what it rewrote, the notebook kernels are shut down, and the process
    ends within seconds (the notebook runner would otherwise go on, or end in a traceback)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    stopped: list[int] = []

    def stop(signum, frame):
        stopped.append(signum)
        raise KeyboardInterrupt

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    except BaseException as error:
        # The notebook runner may turn the interruption into an error of its own while it
        # shuts its kernel down; a stop asked for is reported as such either way.
        if stopped or isinstance(error, KeyboardInterrupt):
            raise BuildStopped(
                "stopped (Ctrl-C or SIGTERM); nothing was changed and the site already there "
                "is kept"
            ) from None
        raise
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def build(
    output: Path | None = None,
    data_dir: Path | None = None,
    *,
    execute: bool = True,
    force: bool = False,
    use_quarto: bool | None = None,
    project_dir: Path = PROJECT_DIR,
) -> Path:
    """Build the website into ``output`` (default ``_site/``); a failed build changes nothing.

    One build at a time per project; see ``_transaction`` for what a killed build leaves.
    Ctrl-C or SIGTERM stops it within seconds with :class:`BuildStopped`, the old site kept.
    """
    with _stoppable():
        return _build(output, data_dir, execute, force, use_quarto, project_dir)


def _build(output, data_dir, execute, force, use_quarto, project_dir) -> Path:
    started = time.perf_counter()
    data_dir = resolve_data_dir(data_dir)
    output = Path(output or project_dir / "_site").resolve()
    root = executed_root(project_dir, data_dir)
    if use_quarto is None:
        use_quarto = shutil.which("quarto") is not None
    options = {"execute": execute, "use_quarto": use_quarto, "data_dir": str(data_dir)}
    output.parent.mkdir(parents=True, exist_ok=True)
    with transaction.lock(project_dir):
        # Nothing it is made from changed since the last finished build: nothing to do.
        if not force and uptodate.current(project_dir, data_dir, root, output, options):
            LOG.info(
                f"site: {output} up to date, nothing it is built from changed"
                f" (checked in {time.perf_counter() - started:.2f} s)"
            )
            return output
        before = uptodate.sources(project_dir, data_dir, options)
        report = validate(data_dir)
        if not report.ok:
            # Stop before anything is overwritten: no notebook, no page.
            raise DataValidationError(report.problems, data_dir)
        uptodate.clear(project_dir)
        LOG.info(
            f"data: {len(report.tables)} tables valid, {report.quotes_checked} quotes found"
            f" ({data_dir})"
        )
        # Settle a build that was killed or failed: its leftovers are no live build's.
        transaction.recover(project_dir, output)
        journal = transaction.Journal(project_dir)
        journal.begin(root, output)
        try:
            staging = _make(
                root,
                project_dir=project_dir,
                data_dir=data_dir,
                output=output,
                execute=execute,
                force=force,
                use_quarto=use_quarto,
                report=report,
            )
            journal.before_swap(staging)
            transaction.fault("swap")
            old = transaction.swap(staging, output)
            transaction.fault("swapped")
        except BaseException:
            # Whatever was rewritten goes back; or, if the new site is already in place, the
            # files that go with it stay.
            transaction.recover(project_dir, output)
            raise
        journal.end()
        transaction.fault("committed")
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        stamp = uptodate.record(project_dir, data_dir, root, output, options)
        if stamp["sources"] == before:  # Else an edit came during the build: next one runs.
            uptodate.write(project_dir, stamp)
    LOG.info(f"site: {output} built in {time.perf_counter() - started:.1f} s")
    return output


def _make(
    root: Path,
    *,
    project_dir: Path,
    data_dir: Path,
    output: Path,
    execute: bool,
    force: bool,
    use_quarto: bool,
    report: PackageReport,
) -> Path:
    """Execute, write the downloads and render a new site into a staging folder; return it.

    The notebooks under ``root`` and the downloads are rewritten here, in place: the caller's
    journal puts them back if the new site does not make it into place.
    """
    # Imported here, not above: a build with nothing to do needs none of them.
    from . import _cite, _csp, _reader, _render
    from . import _recpages as recpages
    from ._assets import prepare
    from ._config import read_config
    from ._execute import run_changed
    from ._quarto import render as render_with_quarto

    if root != project_dir:
        LOG.info(
            f"notebooks: other data, so executed copies go to {root}; tracked notebooks untouched"
        )
        _copy_layout(project_dir, root)
    # A page per recommendation in the data, made where the executed notebooks live.
    made = recpages.sync(root, data_dir)
    config = read_config(project_dir, notebook_root=root)
    # The recommendations' notebooks are their own sources; the others come from the project.
    notebooks = [
        (root if root / page.source in made else project_dir) / page.source for page in config.pages
    ]
    targets = [root / page.source for page in config.pages]
    if execute:
        run_changed(notebooks, data_dir, force=force, targets=targets)
    elif root != project_dir:
        for source, target in zip(notebooks, targets, strict=True):
            if not target.is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
    transaction.fault("executed")
    prepare(root, data_dir, report=report)  # Checked once, above.
    transaction.fault("prepared")

    staging = Path(tempfile.mkdtemp(prefix=transaction.staging_prefix(output), dir=output.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a site is for serving.
    previous = output if output.exists() else None
    if use_quarto:
        # The folder holding the executed notebooks is the Quarto project rendered.
        render_with_quarto(root, staging, data_dir, previous=previous)
    else:
        index = _render.render_pages(config, staging, previous=previous, notebook_root=root)
        _render.write_static(staging, index)
        _cite.apply(staging, config.pages, _cite.read_package(data_dir), config.title)
        _reader.apply(staging, config.pages, data_dir, root)
        for resource in ("assets", "downloads"):
            shutil.copytree(
                root / resource, staging / resource, ignore=shutil.ignore_patterns(".*")
            )
    # Last: the policy's hashes are those of the inline scripts as finally written.
    _csp.apply(staging)
    transaction.fault("rendered")
    return staging


def executed_root(project_dir: Path, data_dir: Path) -> Path:
    """Where the executed notebooks for ``data_dir`` live.

    The project itself for the project's own ``data/`` (the tracked notebooks keep those
    outputs, which nbval checks); for any other data, a folder under ``build/executed/`` named
    after the data folder, so that a build on other data never changes a tracked file.
    """
    if data_dir.resolve() == (project_dir / "data").resolve():
        return project_dir
    key = hashlib.sha256(str(data_dir).encode()).hexdigest()[:12]
    return project_dir / "build" / "executed" / f"{data_dir.name}-{key}"


# What a Quarto render needs beside the notebooks: the website's config (its support folder
# _quarto/ is copied by site._quarto when a project copy lacks it).
_LAYOUT_FILES = ("_quarto.yml",)


def _copy_layout(project_dir: Path, root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for name in _LAYOUT_FILES:
        if (project_dir / name).is_file():
            shutil.copy2(project_dir / name, root / name)
