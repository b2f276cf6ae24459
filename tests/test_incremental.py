"""Fast re-runs: only what changed is executed and rendered, and a failed build changes nothing."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import nbformat
import pytest
from conftest import Built, clone_built, copy_project, read_rows, write_rows
from test_csp import check_site

from munro_data.site import _uptodate as uptodate
from munro_data.site._config import PROJECT_DIR, read_config
from munro_data.site._execute import STAMP_KEY, modules_used, plan
from munro_data.site.build import build, executed_root

NOTEBOOKS = [PROJECT_DIR / p.source for p in read_config().pages]


def tables_read(path: Path) -> set[str]:
    stamp = nbformat.read(path, as_version=4).metadata[STAMP_KEY]
    return set(stamp["data_dir_tables"])


def test_committed_notebooks_are_up_to_date() -> None:
    """The stored outputs were made from the current data and code: make site runs nothing."""
    stale = {p.path.name: p.reason for p in plan(NOTEBOOKS, PROJECT_DIR / "data") if p.reason}
    assert stale == {}, "run `make site` and commit the notebooks"


def test_each_notebook_records_the_tables_it_reads() -> None:
    for path in NOTEBOOKS:
        assert tables_read(path), path.name
    # The home page does not read the figures; the one-year page does.
    assert "figures" not in tables_read(PROJECT_DIR / "index.ipynb")
    assert "figures" in tables_read(PROJECT_DIR / "notebooks" / "04-one-year-on.ipynb")


@pytest.mark.parametrize("table", ["figures", "lead_officers", "verdicts"])
def test_changing_one_table_reruns_exactly_its_readers(table: str, data_copy: Path) -> None:
    header, rows = read_rows(data_copy / f"{table}.csv")
    write_rows(data_copy / f"{table}.csv", header, rows[:-1])  # Drop the last row.

    rerun = {p.path for p in plan(NOTEBOOKS, data_copy) if p.reason}

    readers = {path for path in NOTEBOOKS if table in tables_read(path)}
    assert rerun == readers
    assert 0 < len(rerun) < len(NOTEBOOKS)
    for p in plan(NOTEBOOKS, data_copy):
        if p.reason:
            assert p.reason == f"table(s) changed: {table}"


def test_no_change_build_executes_and_renders_nothing(
    other_build: Built, tmp_path: Path, build_log: list[str]
) -> None:
    built = clone_built(other_build, tmp_path)
    said = build_log
    build(built.site, built.data, project_dir=built.project, use_quarto=False)
    assert "notebooks: all up to date, nothing to execute" in said
    # The data has pages of its own (a sixteenth recommendation, one more source).
    pages = read_config(built.project, notebook_root=executed_root(built.project, built.data)).pages
    assert len(pages) > len(NOTEBOOKS)
    assert f"render: 0 page(s) rendered, {len(pages)} unchanged" in said
    # Pages kept from the last site still carry a policy that fits their scripts.
    check_site(built.site)


def test_a_failed_build_leaves_the_site_and_notebooks_as_they_were(
    other_build: Built, tmp_path: Path
) -> None:
    project, data_copy, out = clone_built(other_build, tmp_path)
    # Two notebooks must re-run (they read the figures); the second of them fails.
    header, rows = read_rows(data_copy / "figures.csv")
    write_rows(data_copy / "figures.csv", header, rows[:-1])
    broken = project / "notebooks" / "06-data-and-method.ipynb"
    nb = nbformat.read(broken, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('a notebook that fails')"))
    nbformat.write(nb, broken)
    notebooks = {p: p.read_bytes() for p in project.rglob("*.ipynb")}
    site = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    with pytest.raises(Exception, match="a notebook that fails"):
        build(out, data_copy, project_dir=project, use_quarto=False)

    assert {p: p.read_bytes() for p in project.rglob("*.ipynb")} == notebooks
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == site
    assert not list(out.parent.glob(".site-build-*")), "the half-built site is cleaned up"


def test_changing_the_codebook_reruns_the_page_that_shows_it(data_copy: Path) -> None:
    path = data_copy / "CODEBOOK.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nA new rule.\n", encoding="utf-8")
    rerun = {p.path.name: p.reason for p in plan(NOTEBOOKS, data_copy) if p.reason}
    assert rerun == {"06-data-and-method.ipynb": "table(s) changed: file:CODEBOOK.md"}


def test_bumping_the_package_version_reruns_the_page_that_shows_it(data_copy: Path) -> None:
    path = data_copy / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["version"] = "9.9.9"
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    rerun = {p.path.name: p.reason for p in plan(NOTEBOOKS, data_copy) if p.reason}
    assert rerun.get("06-data-and-method.ipynb") == "datapackage.json changed"


def test_a_module_no_notebook_imports_reruns_nothing() -> None:
    used = set()
    for path in NOTEBOOKS:
        used |= set(modules_used(nbformat.read(path, as_version=4)))
    assert "munro_data.cli" not in used and "munro_data.site" not in used
    assert {"munro_data.pages", "munro_data.analysis", "munro_data.escape"} <= used


def test_a_change_to_a_page_module_reruns_its_page_only(monkeypatch) -> None:
    import munro_data.site._execute as execute

    real = execute._module_file

    def edited(name: str):
        path = real(name)
        if name == "munro_data.pages.stances":
            # The same file with one more byte: its digest changes.
            copy = Path(tempfile.mkdtemp()) / "stances.py"
            copy.write_bytes(path.read_bytes() + b"\n")
            return copy
        return path

    monkeypatch.setattr(execute, "_module_file", edited)
    rerun = {p.path.name: p.reason for p in plan(NOTEBOOKS, PROJECT_DIR / "data") if p.reason}
    assert rerun == {"02-stances.ipynb": "the munro_data code it uses changed"}


def test_a_renderer_change_rerenders_every_page(
    tmp_path: Path, monkeypatch, build_log: list[str]
) -> None:
    import munro_data.site._render as render

    project = copy_project(tmp_path / "project")
    out = tmp_path / "_site"
    build(out, execute=False, project_dir=project, use_quarto=False)
    real = render._layout_digest
    monkeypatch.setattr(render, "_layout_digest", lambda config: real(config) + "-changed")
    # A real change to the renderer changes the package's files, which the build's stamp holds;
    # the patch above does not, so the stamp goes as that change would make it go.
    (project / uptodate.STAMP).unlink()
    build_log.clear()
    build(out, execute=False, project_dir=project, use_quarto=False)
    assert f"render: {len(NOTEBOOKS)} page(s) rendered, 0 unchanged" in build_log


def test_building_with_other_data_changes_no_tracked_file(
    other_build: Built, tmp_path: Path
) -> None:
    """Executed copies for other data go to build/executed/, never into the notebooks."""
    project, data_copy, _ = clone_built(other_build, tmp_path)
    header, rows = read_rows(data_copy / "verdicts.csv")
    write_rows(data_copy / "verdicts.csv", header, rows[:-1])
    tracked = {
        p: p.read_bytes()
        for p in project.rglob("*")
        if p.is_file() and p.relative_to(project).parts[0] != "build"
    }
    site = build(tmp_path / "_site", data_copy, project_dir=project, use_quarto=False)
    assert {p: p.read_bytes() for p in tracked} == tracked
    executed = executed_root(project, data_copy)
    assert executed.is_relative_to(project / "build")
    assert (executed / "notebooks" / "04-one-year-on.ipynb").is_file()
    # The site shows the other data: one verdict fewer on the page that lists them.
    page = (site / "notebooks" / "04-one-year-on.html").read_text(encoding="utf-8")
    assert rows[-1]["verdict"][:40] not in page


def test_the_import_scan_is_frozen_and_follows_the_file(tmp_path: Path) -> None:
    """Each module file is parsed once per content; the answer cannot be changed by a caller."""
    from munro_data.site._execute import _module_imports

    module = tmp_path / "scanned.py"
    module.write_text("from munro_data import escape\n", encoding="utf-8")
    first = _module_imports("munro_data.pages.scanned", module)
    assert isinstance(first, frozenset) and "munro_data.escape" in first
    assert _module_imports("munro_data.pages.scanned", module) is first
    module.write_text("from munro_data import analysis\n", encoding="utf-8")
    now = _module_imports("munro_data.pages.scanned", module)
    assert "munro_data.analysis" in now and "munro_data.escape" not in now


def test_a_no_change_build_checks_its_stamp_and_stops(tmp_path: Path, build_log: list[str]) -> None:
    """A build after no change stops at its stamp; any input changed, or a file the build wrote
    deleted, makes the next build run and put it right."""
    project = copy_project(tmp_path / "project")
    data = project / "data"
    shutil.copytree(PROJECT_DIR / "data", data)
    out = tmp_path / "_site"

    def run() -> list[str]:
        build_log.clear()
        build(out, data, execute=False, project_dir=project, use_quarto=False)
        return list(build_log)

    run()
    site = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    said = run()
    assert len(said) == 1 and said[0].startswith(f"site: {out} up to date"), said
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == site

    # Each input, or a file the build wrote: the next build runs, then the one after stops.
    page = out / "notebooks" / "02-stances.html"
    codebook = data / "CODEBOOK.md"
    touches = {
        "a data file": lambda: codebook.write_text(codebook.read_text() + "\nA rule.\n"),
        "a notebook": lambda: (project / "index.ipynb").write_bytes(
            (project / "index.ipynb").read_bytes() + b"\n"
        ),
        "a page deleted": page.unlink,
    }
    for what, touch in touches.items():
        touch()
        assert any(line.startswith("render:") for line in run()), what
        assert page.is_file()
        assert "up to date" in run()[0], what
