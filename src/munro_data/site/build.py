"""``make site``: validate, execute what changed, render, and swap the new site into place."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from .. import DataValidationError, validate
from .._package import resolve_data_dir
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

    config = read_config(project_dir)
    notebooks = [project_dir / page.source for page in config.pages]
    if execute:
        run_changed(notebooks, data_dir, force=force, log=log)
    prepare(project_dir, data_dir)

    if use_quarto is None:
        use_quarto = quarto() is not None
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-build-", dir=output.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a site is for serving.
    try:
        if use_quarto:
            previous = output if output.exists() else None
            render_with_quarto(project_dir, staging, data_dir, previous=previous, log=log)
        else:
            index = render_pages(
                config, staging, previous=output if output.exists() else None, log=log
            )
            write_static(staging, index)
            for resource in ("assets", "downloads"):
                shutil.copytree(
                    project_dir / resource, staging / resource, ignore=shutil.ignore_patterns(".*")
                )
        _swap(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    log(f"site: {output} built in {time.perf_counter() - started:.1f} s")
    return output


def _swap(new: Path, output: Path) -> None:
    """Put ``new`` where ``output`` was, keeping the old site until the new one is in place."""
    old = None
    if output.exists():
        old = output.with_name(f".{output.name}-old-{os.getpid()}")
        os.replace(output, old)
    os.replace(new, output)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
