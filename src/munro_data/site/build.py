"""``make site``: validate, execute what changed, render, and swap the new site into place."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from pathlib import Path

from .. import DataValidationError, validate
from .._package import resolve_data_dir
from . import _cite
from . import _recpages as recpages
from ._assets import prepare
from ._config import PROJECT_DIR, read_config
from ._execute import run_changed
from ._quarto import quarto
from ._quarto import render as render_with_quarto
from ._render import render_pages, write_static


def build(
    output: Path | None = None,
    data_dir: Path | None = None,
    *,
    execute: bool = True,
    force: bool = False,
    use_quarto: bool | None = None,
    project_dir: Path = PROJECT_DIR,
    log=print,
) -> Path:
    """Build the website into ``output`` (default ``_site/``); nothing is replaced on failure."""
    started = time.perf_counter()
    data_dir = resolve_data_dir(data_dir)
    output = Path(output or project_dir / "_site").resolve()
    report = validate(data_dir)
    if not report.ok:
        # Stop before anything is overwritten: no notebook, no page.
        raise DataValidationError(report.problems, data_dir)
    log(
        f"data: {len(report.tables)} tables valid, {report.quotes_checked} quotes found ({data_dir})"
    )

    root = executed_root(project_dir, data_dir)
    if root != project_dir:
        log(f"notebooks: other data, so executed copies go to {root}; tracked notebooks untouched")
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
        run_changed(notebooks, data_dir, force=force, log=log, targets=targets)
    elif root != project_dir:
        for source, target in zip(notebooks, targets, strict=True):
            if not target.is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
    prepare(root, data_dir, log=log)

    if use_quarto is None:
        use_quarto = quarto() is not None
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-build-", dir=output.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a site is for serving.
    try:
        if use_quarto:
            previous = output if output.exists() else None
            # The folder holding the executed notebooks is the Quarto project rendered.
            render_with_quarto(root, staging, data_dir, previous=previous, log=log)
        else:
            index = render_pages(
                config,
                staging,
                previous=output if output.exists() else None,
                log=log,
                notebook_root=root,
            )
            write_static(staging, index, log=log)
            _cite.apply(staging, config.pages, _cite.read_package(data_dir), config.title)
            for resource in ("assets", "downloads"):
                shutil.copytree(
                    root / resource, staging / resource, ignore=shutil.ignore_patterns(".*")
                )
        _swap(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    log(f"site: {output} built in {time.perf_counter() - started:.1f} s")
    return output


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


def _swap(new: Path, output: Path) -> None:
    """Put ``new`` where ``output`` was, keeping the old site until the new one is in place."""
    old = None
    if output.exists():
        old = output.with_name(f".{output.name}-old-{os.getpid()}")
        os.replace(output, old)
    os.replace(new, output)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
