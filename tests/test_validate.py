"""Bad input: broken copies of the data, each made here, each with its own message.

Every case runs the command a user would run, ``python -m munro_data validate DIR``, and checks
its exit status, that it names file, line and column, that it prints no traceback, and that it
writes nothing. The legitimately fine variants (a byte-order mark, CRLF line ends) must load.
"""

from __future__ import annotations

import hashlib
import logging
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from conftest import line_of_row, read_rows, write_rows

import munro_data
from munro_data import DataValidationError


def run_validate(data_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "munro_data", "validate", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def set_cell(table: str, index: int, column: str, value: str) -> Callable[[Path], str]:
    """A breakage that sets one cell; returns where the validator must point."""

    def breaks(data: Path) -> str:
        path = data / f"{table}.csv"
        header, rows = read_rows(path)
        rows[index][column] = value
        write_rows(path, header, rows)
        return f"{table}.csv, line {line_of_row(path, index)}, column {column!r}: found {value!r}"

    return breaks


def drop_column(data: Path) -> str:
    path = data / "responses.csv"
    header, rows = read_rows(path)
    header.remove("stance")
    write_rows(path, header, [{k: v for k, v in r.items() if k != "stance"} for r in rows])
    return "responses.csv, line 1, column 'stance': found 'no such column in the header'"


def add_column(data: Path) -> str:
    path = data / "actors.csv"
    header, rows = read_rows(path)
    write_rows(path, [*header, "colour"], [r | {"colour": "red"} for r in rows])
    return "actors.csv, line 1, column 'colour': found 'a column the schema does not declare'"


def empty_file(data: Path) -> str:
    (data / "themes.csv").write_text("", encoding="utf-8")
    return "themes.csv, line 1: found 'an empty file'; expected a header row: theme_id,title"


def header_only(data: Path) -> str:
    path = data / "figures.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    return "figures.csv, line 2: found 'a header row and no data'; expected at least one data row"


def duplicate_key(data: Path) -> str:
    path = data / "actors.csv"
    header, rows = read_rows(path)
    write_rows(path, header, [*rows, rows[0]])
    line = line_of_row(path, len(rows))
    return (
        f"actors.csv, line {line}, column 'actor_id': found {rows[0]['actor_id']!r}; "
        "expected the primary key to be unique (line 2 has the same)"
    )


def latin1_file(data: Path) -> str:
    path = data / "actors.csv"
    text = path.read_text(encoding="utf-8").replace("Ofsted,Ofsted", "Ofsted,Ofst\u00e9d")
    path.write_bytes(text.encode("latin-1"))
    return "actors.csv, line 3: found 'byte 0xE9, which is not UTF-8'; expected UTF-8 text"


def stray_delimiter(data: Path) -> str:
    path = data / "actors.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].rstrip("\n") + ",\n"
    path.write_text("".join(lines), encoding="utf-8")
    return "actors.csv, line 4: found '5 fields'; expected 4 fields, one per column"


def quote_not_in_source(data: Path) -> str:
    path = data / "responses.csv"
    header, rows = read_rows(path)
    rows[0]["quote"] = "The Government rejects every recommendation outright."
    write_rows(path, header, rows)
    return (
        f"responses.csv, line {line_of_row(path, 0)}, column 'quote': found "
        f"'The Government rejects every recommendation outright.'; expected a verbatim "
        f"passage of source {rows[0]['source_id']!r}; the nearest passage there reads"
    )


def missing_source_file(data: Path) -> str:
    (data / "sources" / "derby-2013.txt").unlink()
    return (
        "sources.csv, line 4, column 'file': found 'sources/derby-2013.txt'; expected an existing "
        "file"
    )


BROKEN = {
    "missing column": drop_column,
    "extra unknown column": add_column,
    "empty file": empty_file,
    "header only": header_only,
    "duplicate key": duplicate_key,
    "unknown rec_id": set_cell("responses", 0, "rec_id", "99"),
    "rec_id not a number": set_cell("responses", 1, "rec_id", "seven"),
    "bad enum value": set_cell("responses", 2, "stance", "suport"),
    "bad date": set_cell("commitments", 0, "due_date", "31/12/2011"),
    "impossible date": set_cell("progress", 0, "as_of", "2012-02-30"),
    "required cell empty": set_cell("recommendations", 0, "title", ""),
    "unknown source_id": set_cell("responses", 3, "source_id", "nowhere-2099"),
    "unknown actor": set_cell("responses", 4, "actor_id", "martians"),
    "number with units": set_cell("figures", 0, "value", "60%"),
    "quote not in its source": quote_not_in_source,
    "file in Latin-1": latin1_file,
    "stray delimiter": stray_delimiter,
    "source text missing": missing_source_file,
}

# The stable kind of each case's problem: what callers and these tests rely on.
KIND = {
    "missing column": "missing-label",
    "extra unknown column": "extra-label",
    "empty file": "blank-table",
    "header only": "blank-table",
    "duplicate key": "primary-key",
    "unknown rec_id": "foreign-key",
    "rec_id not a number": "type-error",
    "bad enum value": "constraint-error",
    "bad date": "type-error",
    "impossible date": "type-error",
    "required cell empty": "constraint-error",
    "unknown source_id": "foreign-key",
    "unknown actor": "foreign-key",
    "number with units": "type-error",
    "quote not in its source": "quote-not-found",
    "file in Latin-1": "encoding-error",
    "stray delimiter": "extra-cell",
    "source text missing": "missing-file",
}

EXPECTED_TAIL = {
    "unknown rec_id": "; expected one of the rec_id values in recommendations.csv",
    "rec_id not a number": "; expected a whole number in ASCII digits",
    "bad enum value": "; expected one of strong_support, support, qualified_support, undecided, "
    "concern, oppose",
    "bad date": "; expected a date as YYYY-MM-DD",
    "impossible date": "; expected a date as YYYY-MM-DD",
    "required cell empty": "",  # An empty cell prints as found 'an empty cell'.
    "unknown source_id": "; expected one of the source_id values in sources.csv",
    "unknown actor": "; expected one of the actor_id values in actors.csv",
    "number with units": "; expected a number",
}


@pytest.mark.parametrize("case", BROKEN)
def test_broken_copy_is_refused_with_its_message(case: str, data_copy: Path) -> None:
    expected = BROKEN[case](data_copy)
    if case == "required cell empty":
        expected = expected.replace(
            "found ''", "found 'an empty cell'; expected a value (required)"
        )
    expected += EXPECTED_TAIL.get(case, "")
    before = snapshot(data_copy)

    result = run_validate(data_copy)

    assert result.returncode == 1, result.stdout + result.stderr
    assert expected in result.stderr, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert snapshot(data_copy) == before, "validation must not write anything"
    kinds = {p.kind for p in munro_data.validate(data_copy).problems}
    assert kinds == {KIND[case]}, kinds


def test_every_case_has_a_kind() -> None:
    assert set(KIND) == set(BROKEN)
    assert set(KIND.values()) <= set(munro_data.KINDS)


@pytest.mark.parametrize("case", ["unknown rec_id", "bad enum value", "bad date"])
def test_loader_raises_the_same_problems(case: str, data_copy: Path) -> None:
    expected = BROKEN[case](data_copy)
    with pytest.raises(DataValidationError) as raised:
        munro_data.load_all(data_copy)
    assert any(str(p).startswith(expected) for p in raised.value.problems)


def test_every_problem_in_a_file_is_reported_at_once(data_copy: Path) -> None:
    for index, value in [(0, "suport"), (5, "maybe"), (9, "")]:
        set_cell("responses", index, "stance", value)(data_copy)
    problems = munro_data.validate(data_copy).problems
    stance = [p for p in problems if p.column == "stance"]
    assert [p.kind for p in stance] == ["constraint-error"] * 3, problems
    assert [p.found for p in stance] == ["suport", "maybe", "an empty cell"]


def test_single_table_loader_reports_its_table(data_copy: Path) -> None:
    set_cell("actors", 1, "kind", "alien")(data_copy)
    with pytest.raises(DataValidationError, match=r"actors.csv, line 3, column 'kind'"):
        munro_data.load_actors(data_copy)


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda text: text.encode("utf-8-sig"), id="byte-order mark"),
        pytest.param(lambda text: text.replace("\n", "\r\n").encode("utf-8"), id="CRLF line ends"),
    ],
)
@pytest.mark.parametrize("table", ["recommendations", "responses", "actors"])
def test_legitimate_variants_load_unchanged(encode, table: str, data_copy: Path) -> None:
    path = data_copy / f"{table}.csv"
    path.write_bytes(encode(path.read_text(encoding="utf-8")))

    result = run_validate(data_copy)

    assert result.returncode == 0, result.stderr
    pd.testing.assert_frame_equal(
        munro_data.load_table(table, data_copy), munro_data.load_table(table)
    )


def test_valid_data_passes_with_a_summary() -> None:
    result = run_validate(munro_data.resolve_data_dir())
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: ")
    assert "quotes found in their sources" in result.stdout


def test_verbose_says_what_was_checked_through_logging_and_quiet_says_nothing_more() -> None:
    from munro_data.cli import main

    folder = munro_data.resolve_data_dir()
    result = subprocess.run(
        [sys.executable, "-m", "munro_data", "validate", "-v", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    tables = len(munro_data.list_tables(folder))
    assert result.stderr == (
        f"munro_data.validation.package: {folder}: {tables} table(s) checked, "
        "0 problem(s), 0 warning(s)\n"
    )
    assert result.stdout == run_validate(folder).stdout
    assert run_validate(folder).stderr == ""
    # Run twice in one process, the command keeps one handler.
    main(["validate", "-v", str(folder)])
    main(["validate", "-v", str(folder)])
    handlers = logging.getLogger("munro_data").handlers
    assert [h.get_name() for h in handlers].count("munro-data-cli") == 1


def test_missing_descriptor_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    result = run_validate(tmp_path)
    assert result.returncode == 1
    assert "datapackage.json" in result.stderr and "Traceback" not in result.stderr
    assert "[missing-descriptor]" in result.stderr
    assert [p.kind for p in munro_data.validate(tmp_path).problems] == ["missing-descriptor"]


def test_missing_data_folder_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    result = run_validate(tmp_path / "nowhere")
    assert result.returncode == 1
    assert "[missing-folder]" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "loader", [munro_data.load_responses, munro_data.load_all, munro_data.list_tables]
)
def test_loading_from_a_folder_without_data_is_a_clear_error(loader, tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match="datapackage.json") as raised:
        loader(tmp_path)
    assert not isinstance(raised.value, FileNotFoundError)
    assert [p.kind for p in raised.value.problems] == ["missing-descriptor"]


def test_missing_table_file_is_a_problem(data_copy: Path) -> None:
    (data_copy / "themes.csv").unlink()
    problems = munro_data.validate(data_copy).problems
    assert [(p.file, p.kind) for p in problems] == [("themes.csv", "missing-file")]
    with pytest.raises(DataValidationError):
        munro_data.load_themes(data_copy)


def test_unreadable_descriptor(data_copy: Path) -> None:
    (data_copy / "datapackage.json").write_text("{not json", encoding="utf-8")
    result = run_validate(data_copy)
    assert result.returncode == 1
    assert "datapackage.json, line 1: found 'Expecting property name" in result.stderr
    assert "[descriptor-error]" in result.stderr


def test_data_dir_comes_from_the_environment(data_copy: Path, monkeypatch) -> None:
    set_cell("actors", 0, "name", "Renamed government")(data_copy)
    monkeypatch.setenv("MUNRO_DATA_DIR", str(data_copy))
    assert munro_data.load_actors()["name"].iloc[0] == "Renamed government"


def test_unknown_table_names_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="unknown table 'penguins'; the tables are: sources"):
        munro_data.load_table("penguins")


def test_each_csv_is_parsed_once_per_content(data_copy: Path) -> None:
    """The same bytes are not parsed again; a changed file is, and its change is seen."""
    first = munro_data.validate(data_copy)
    again = munro_data.validate(data_copy)
    assert again.tables["actors"] is first.tables["actors"]
    set_cell("actors", 0, "name", "Renamed government")(data_copy)
    changed = munro_data.validate(data_copy)
    assert changed.tables["actors"] is not first.tables["actors"]
    assert changed.tables["themes"] is first.tables["themes"]
    assert munro_data.load_actors(data_copy)["name"].iloc[0] == "Renamed government"
