"""Shared fixtures: a scratch copy of the data folder that a test may break."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from munro_data._package import REPO_DATA_DIR


def copy_data(target: Path) -> Path:
    """A writable copy of the repository's data folder at ``target``."""
    shutil.copytree(REPO_DATA_DIR, target)
    for path in target.rglob("*"):
        path.chmod(0o644 if path.is_file() else 0o755)
    return target


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the repository's data folder."""
    return copy_data(tmp_path / "data")


def read_rows(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def write_rows(path: Path, header: list[str], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def line_of_row(path: Path, index: int) -> int:
    """The CSV line on which data row ``index`` (0-based) starts; fields may span lines."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        start = reader.line_num + 1
        for i, _ in enumerate(reader):
            if i == index:
                return start
            start = reader.line_num + 1
    raise IndexError(index)


def copy_project(target: Path) -> Path:
    """A copy of the website project (config and notebooks) that a test may build into."""
    from munro_data.site._config import PROJECT_DIR

    target.mkdir(parents=True)
    shutil.copy2(PROJECT_DIR / "_quarto.yml", target)
    shutil.copy2(PROJECT_DIR / "index.ipynb", target)
    shutil.copytree(PROJECT_DIR / "notebooks", target / "notebooks")
    shutil.copytree(PROJECT_DIR / "_quarto", target / "_quarto")  # Quarto's theme and hook.
    return target


def require_quarto() -> None:
    """Skip, saying why, where Quarto is not on the PATH; fail instead if REQUIRE_QUARTO=1."""
    from munro_data.site._quarto import quarto

    if quarto() is None:
        message = "quarto is not on the PATH (bash ../shared/quarto/install.sh, see the README)"
        if os.environ.get("REQUIRE_QUARTO") == "1":
            pytest.fail(f"REQUIRE_QUARTO=1 but {message}")
        pytest.skip(f"Quarto tests skipped: {message}")


def git_status() -> str | None:
    """``git status --porcelain`` of the repository, or None outside a git checkout."""
    from munro_data.site._config import PROJECT_DIR

    if shutil.which("git") is None or not (PROJECT_DIR / ".git").exists():
        return None
    return subprocess.run(
        ["git", "status", "--porcelain"], cwd=PROJECT_DIR, capture_output=True, text=True
    ).stdout


# What `git status` said before and after the Quarto build of the fixture below.
QUARTO_BUILD_STATUS: dict[str, str | None] = {}


@pytest.fixture(scope="session")
def quarto_site(tmp_path_factory) -> Path:
    """The repository's site built with Quarto, once per test run (a full render is slow)."""
    from munro_data.site.build import build

    require_quarto()
    QUARTO_BUILD_STATUS["before"] = git_status()
    out = tmp_path_factory.mktemp("served-quarto") / "tracker"
    site = build(out, execute=False, use_quarto=True, log=lambda *_: None)
    QUARTO_BUILD_STATUS["after"] = git_status()
    return site
