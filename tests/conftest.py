"""Shared fixtures: a scratch copy of the data folder that a test may break, and the builds.

The builds are made once per test run and shared (a clean build executes every notebook):

- ``site``: the repository's site without Quarto, from the stored outputs (render only);
- ``quarto_site``: the same with Quarto;
- ``other_build``: a project copy built on a copy of the data that holds a new council, a
  sixteenth recommendation and a source full of markup (the clean build every test of other
  data starts from; ``clone_built`` gives a test its own copy, as if built where it lies, so
  that its build re-runs only the notebooks its change reaches).

Tiers (markers registered in pyproject.toml): ``slow`` (a build that executes notebooks, the
notebooks themselves under nbval), ``browser`` (Chromium), ``quarto`` (Quarto). ``make
test-fast`` runs the rest; ``make test`` runs all. The markers follow from the fixtures a test
uses (see ``pytest_collection_modifyitems``), so a new test that uses one is in its tier.
"""

from __future__ import annotations

import csv
import logging
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from munro_data._package import REPO_DATA_DIR
from munro_data.provenance import digest


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
    site = build(out, execute=False, use_quarto=True)
    QUARTO_BUILD_STATUS["after"] = git_status()
    return site


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The repository's site built without Quarto from the stored outputs, once per run.

    Named ``tracker`` and served from its parent by the browser tests, so that it lives under a
    sub-path. No test may change it.
    """
    from munro_data.site.build import build

    out = tmp_path_factory.mktemp("served") / "tracker"
    return build(out, execute=False, use_quarto=False)


@pytest.fixture(scope="session")
def plain_site(site: Path) -> Path:
    """The build without Quarto, by the name the parity tests compare it under."""
    return site


# -- The build's log --------------------------------------------------------------------------


@pytest.fixture
def build_log() -> Iterator[list[str]]:
    """The lines the site build logs (logger ``munro_data.site``) during the test, in order."""
    lines: list[str] = []
    handler = logging.Handler(logging.INFO)
    handler.emit = lambda record: lines.append(record.getMessage())
    logger = logging.getLogger("munro_data.site")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


# -- The browser ------------------------------------------------------------------------------


def _require_browser() -> None:
    from chromium import CHROMIUM

    missing = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "the playwright package is not installed (make install)"
    if missing is None and not CHROMIUM.exists():
        missing = f"{CHROMIUM} is missing (apt-get install chromium)"
    if missing:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(f"browser tests skipped: {missing}")


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run (a launch costs seconds); each test opens its own
    context, so no state passes between tests."""
    _require_browser()
    from chromium import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# -- Builds on other data ---------------------------------------------------------------------

# Markup in text fields: it must be shown as text, and never run, wherever it reaches.
PAYLOAD = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> "quoted"'
# A passage of a real source (Salford's), which a response by a new council may quote.
NEWTOWN_PASSAGE = "The services support peer reviews and the quality assurance programme"


def add_newcomers(data: Path) -> None:
    """A council and a recommendation we do not have, and a source, an actor and a
    recommendation's title holding markup: an analyst's data that no code was written for."""
    header, recs = read_rows(data / "recommendations.csv")
    recs.append(
        recs[0]
        | {
            "rec_id": "16",
            "title": "A sixteenth recommendation",
            "text": NEWTOWN_PASSAGE,
            "munro_argument": NEWTOWN_PASSAGE,
        }
    )
    recs[0]["title"] = f"Revise {PAYLOAD}"
    write_rows(data / "recommendations.csv", header, recs)

    source = data / "sources" / "hostile-2026.txt"
    source.write_text(f"A council wrote this: {PAYLOAD} and nothing more.\n", encoding="utf-8")
    header, sources = read_rows(data / "sources.csv")
    hostile_source = {
        "source_id": "hostile-2026",
        "title": f"Hostile {PAYLOAD}",
        "author": f"Author {PAYLOAD}",
        "file": "sources/hostile-2026.txt",
        "sha256": digest(source.read_bytes()),
        "citation": f"Citation {PAYLOAD}",
    }
    write_rows(data / "sources.csv", header, [*sources, sources[0] | hostile_source])

    header, actors = read_rows(data / "actors.csv")
    actors += [
        {
            "actor_id": "newtown",
            "name": "Newtown Borough Council",
            "short_name": "Newtown",
            "kind": "local_authority",
        },
        {
            "actor_id": "hostile",
            "name": f"Council {PAYLOAD}",
            "short_name": f"Hostile {PAYLOAD}",
            "kind": "local_authority",
        },
    ]
    write_rows(data / "actors.csv", header, actors)

    header, responses = read_rows(data / "responses.csv")
    for rec_id in ("1", "16"):
        responses.append(
            {
                "rec_id": rec_id,
                "actor_id": "newtown",
                "source_id": "salford-2011",
                "stance": "support",
                "quote": NEWTOWN_PASSAGE,
                "note": "Test row.",
            }
        )
    responses.append(
        {
            "rec_id": "1",
            "actor_id": "hostile",
            "source_id": "hostile-2026",
            "stance": "concern",
            "quote": PAYLOAD,
            "note": f"Note {PAYLOAD}",
        }
    )
    write_rows(data / "responses.csv", header, responses)


class Built(NamedTuple):
    project: Path  # A project copy (config and notebooks), its executed copies under build/.
    data: Path  # The data folder it was built on, outside the project.
    site: Path  # The site it built.


def project_notebooks() -> dict[Path, bytes]:
    """The repository's own notebooks, which no build of another project may change."""
    from munro_data.site._config import PROJECT_DIR

    paths = [PROJECT_DIR / "index.ipynb", *PROJECT_DIR.glob("notebooks/*.ipynb")]
    return {p: p.read_bytes() for p in paths}


# The repository's notebooks before the build of ``other_build``.
OTHER_BUILD_NOTEBOOKS: dict[Path, bytes] = {}


@pytest.fixture(scope="session")
def other_build(tmp_path_factory) -> Built:
    """A project copy built (every notebook executed) on a copy of the data with newcomers."""
    from munro_data.site.build import build

    root = tmp_path_factory.mktemp("other-build")
    data = copy_data(root / "data")
    add_newcomers(data)
    project = copy_project(root / "project")
    OTHER_BUILD_NOTEBOOKS.update(project_notebooks())
    site = build(root / "_site", data, project_dir=project, use_quarto=False)
    return Built(project, data, site)


def clone_built(built: Built, target: Path) -> Built:
    """A copy of a built project, its data and its site at ``target``, as if built there.

    The executed notebooks move to where the build keeps them for the copied data folder, so
    that the next build there runs only what changed since, as a rebuild in place would.
    """
    from munro_data.site.build import executed_root

    target.mkdir(parents=True, exist_ok=True)
    project = target / "project"
    shutil.copytree(built.project, project, symlinks=True)
    data = target / "data"
    shutil.copytree(built.data, data)
    site = target / built.site.name
    shutil.copytree(built.site, site, symlinks=True)
    executed_root(project, built.data).rename(executed_root(project, data))
    return Built(project, data, site)


# -- Tiers ------------------------------------------------------------------------------------

# The fixtures that put a test in a tier: those that execute notebooks (slow), drive Chromium
# (browser) or run Quarto (quarto).
TIER_FIXTURES = {
    "slow": {"other_build", "payload_site", "payload_quarto_site", "states"},
    "browser": {"browser"},
    "quarto": {"quarto_site", "quarto_server", "payload_quarto_site"},
}


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        for marker, names in TIER_FIXTURES.items():
            if fixtures & names:
                item.add_marker(marker)
        # A browser test of either build, chosen by a parameter (quarto-http, quarto).
        params = getattr(getattr(item, "callspec", None), "params", {})
        if any(isinstance(v, str) and v.startswith("quarto") for v in params.values()):
            item.add_marker("quarto")
        # nbval re-executes each notebook in a kernel and compares every stored output.
        if item.__class__.__name__ == "IPyNbCell":
            item.add_marker("slow")
