"""Hostile data: what someone else's data folder could do to the validator, and what it does now.

Each attack is made on a scratch copy of the data and checked by its problem ``kind`` (see
``munro_data.KINDS``), never by the wording. The rules: a path the data names stays inside the
data folder and nothing of a target outside is ever printed; every Table Schema feature is either
checked or refused; what validates, loads and exports; a stray quote is reported where it starts
without hiding the file's other problems; hostile patterns and quotes cost linear time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import line_of_row, read_rows, write_rows

import munro_data
from munro_data import DataValidationError

SECRET = "TOP-SECRET-CONTENT that must never be printed"


def problems_of(data: Path) -> list[munro_data.Problem]:
    return munro_data.validate(data).problems


def kinds_of(data: Path) -> set[str]:
    return {p.kind for p in problems_of(data)}


def run_cli(data: Path) -> subprocess.CompletedProcess:
    # A timeout, because the attack that used to hang the build (a FIFO) would hang this too.
    return subprocess.run(
        [sys.executable, "-m", "munro_data", "validate", str(data)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def edit_descriptor(data: Path, change: Callable[[dict], None]) -> None:
    path = data / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def resource(d: dict, name: str) -> dict:
    return next(r for r in d["resources"] if r["name"] == name)


def field(d: dict, table: str, name: str) -> dict:
    return next(f for f in resource(d, table)["schema"]["fields"] if f["name"] == name)


def set_cell(data: Path, table: str, index: int, column: str, value: str) -> int:
    path = data / f"{table}.csv"
    header, rows = read_rows(path)
    rows[index][column] = value
    write_rows(path, header, rows)
    return line_of_row(path, index)


# -- Contained: every path the data names stays inside the data folder ------------------------


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET + "\n", encoding="utf-8")
    return path


SOURCE_FILE_ATTACKS = {
    "dot-dot": lambda data, secret: "../secret.txt",
    "deep dot-dot": lambda data, secret: "sources/../../secret.txt",
    "absolute": lambda data, secret: str(secret),
    "symlink out": lambda data, secret: (
        (data / "sources" / "link.txt").symlink_to(secret),
        "sources/link.txt",
    )[1],
    "folder": lambda data, secret: "sources",
    "FIFO": lambda data, secret: (os.mkfifo(data / "sources" / "pipe.txt"), "sources/pipe.txt")[1],
    "device": lambda data, secret: "/dev/zero",
}


@pytest.mark.parametrize("attack", SOURCE_FILE_ATTACKS)
def test_a_source_file_outside_the_folder_is_refused_unread(
    attack: str, data_copy: Path, secret: Path
) -> None:
    target = SOURCE_FILE_ATTACKS[attack](data_copy, secret)
    line = set_cell(data_copy, "sources", 2, "file", target)

    result = run_cli(data_copy)

    assert result.returncode == 1
    assert SECRET not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    problems = [p for p in problems_of(data_copy) if p.file == "sources.csv"]
    assert [(p.line, p.column, p.kind) for p in problems] == [(line, "file", "path-error")]


def test_a_symlink_that_stays_inside_is_fine(data_copy: Path) -> None:
    (data_copy / "sources" / "alias.txt").symlink_to("derby-2013.txt")
    set_cell(data_copy, "sources", 2, "file", "sources/alias.txt")
    assert problems_of(data_copy) == []


@pytest.mark.parametrize("attack", ["dot-dot", "absolute", "symlink out", "folder", "FIFO"])
def test_a_table_path_outside_the_folder_is_refused_and_never_published(
    attack: str, data_copy: Path, secret: Path
) -> None:
    outside = secret.with_name("actors.csv")
    outside.write_text("actor_id,name,short_name,kind\n" + SECRET + ",x,x,press\n")
    targets = {
        "dot-dot": "../actors.csv",
        "absolute": str(outside),
        "symlink out": "link.csv",
        "folder": "sources",
        "FIFO": "pipe.csv",
    }
    if attack == "symlink out":
        (data_copy / "link.csv").symlink_to(outside)
    if attack == "FIFO":
        os.mkfifo(data_copy / "pipe.csv")
    edit_descriptor(data_copy, lambda d: resource(d, "actors").update(path=targets[attack]))

    result = run_cli(data_copy)

    assert result.returncode == 1 and SECRET not in result.stdout + result.stderr
    assert kinds_of(data_copy) == {"path-error"}
    from munro_data.site._assets import _download_files

    with pytest.raises(ValueError):
        _download_files(data_copy)


def test_a_descriptor_or_codebook_symlinked_out_is_refused(data_copy: Path, secret: Path) -> None:
    (data_copy / "CODEBOOK.md").unlink()
    (data_copy / "CODEBOOK.md").symlink_to(secret)
    with pytest.raises(DataValidationError) as raised:
        munro_data.codebook(data_copy)
    assert SECRET not in str(raised.value)
    assert [p.kind for p in raised.value.problems] == ["path-error"]

    (data_copy / "datapackage.json").unlink()
    (data_copy / "datapackage.json").symlink_to(secret)
    assert kinds_of(data_copy) == {"path-error"}


# -- A validator that never claims more than it checks ----------------------------------------


def duplicate_json_key(data: Path) -> None:
    path = data / "datapackage.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"version": ', '"version": "9", "version": ', 1))


DESCRIPTOR_ATTACKS: dict[str, tuple[Callable[[dict], object], str]] = {
    "unknown constraint": (
        lambda d: field(d, "stances", "score")["constraints"].update(exclusiveMinimum=0),
        "unsupported-feature",
    ),
    "date format": (
        lambda d: field(d, "progress", "as_of").update(format="%d/%m/%Y"),
        "unsupported-feature",
    ),
    "boolean type": (lambda d: field(d, "figures", "unit").update(type="boolean"), ""),
    "unknown type": (lambda d: field(d, "figures", "unit").update(type="money"), ""),
    "datetime type": (lambda d: field(d, "progress", "as_of").update(type="datetime"), ""),
    "semicolon dialect": (
        lambda d: resource(d, "actors").update(dialect={"delimiter": ";"}),
        "unsupported-feature",
    ),
    "missing values": (
        lambda d: resource(d, "actors")["schema"].update(missingValues=["", "NA"]),
        "unsupported-feature",
    ),
    "bareNumber": (
        lambda d: field(d, "figures", "value").update(bareNumber=False),
        "unsupported-feature",
    ),
    "enum on an integer": (
        lambda d: field(d, "stances", "score")["constraints"].update(enum=["1", "2"]),
        "unsupported-feature",
    ),
    "backreference pattern": (
        lambda d: field(d, "actors", "actor_id")["constraints"].update(pattern=r"(a)\1"),
        "unsupported-feature",
    ),
    "lookahead pattern": (
        lambda d: field(d, "actors", "actor_id")["constraints"].update(pattern="(?=a).*"),
        "unsupported-feature",
    ),
    "inline data": (lambda d: resource(d, "actors").update(data=[]), "unsupported-feature"),
    "multi-part path": (
        lambda d: resource(d, "actors").update(path=["actors.csv", "more.csv"]),
        "unsupported-feature",
    ),
    "external schema": (
        lambda d: resource(d, "actors").update(schema="schema.json"),
        "unsupported-feature",
    ),
    "latin-1 encoding": (
        lambda d: resource(d, "actors").update(encoding="latin-1"),
        "unsupported-feature",
    ),
    "duplicate field name": (
        lambda d: resource(d, "actors")["schema"]["fields"].append({"name": "name"}),
        "descriptor-error",
    ),
    "key to an unknown resource": (
        lambda d: resource(d, "responses")["schema"]["foreignKeys"][1]["reference"].update(
            resource="people"
        ),
        "descriptor-error",
    ),
    "key to an unknown field": (
        lambda d: resource(d, "responses")["schema"]["foreignKeys"][1]["reference"].update(
            fields=["person_id"]
        ),
        "descriptor-error",
    ),
    "primary key on an unknown field": (
        lambda d: resource(d, "actors")["schema"].update(primaryKey=["person_id"]),
        "descriptor-error",
    ),
    "lastModified not a date": (lambda d: d.update(lastModified="yesterday"), "descriptor-error"),
    "lastModified impossible": (lambda d: d.update(lastModified="2026-13-01"), "descriptor-error"),
    "lastModified a number": (lambda d: d.update(lastModified=20261123), "descriptor-error"),
    "version a number": (lambda d: d.update(version=1.0), "descriptor-error"),
    "field name with spaces": (
        lambda d: field(d, "actors", "name").update(name=" name"),
        "descriptor-error",
    ),
    "minimum of the wrong type": (
        lambda d: field(d, "progress", "as_of")["constraints"].update(minimum=5),
        "descriptor-error",
    ),
    "control character in a title": (
        lambda d: resource(d, "actors").update(title="Actors\x1b[31m"),
        "control-character",
    ),
    "control character in an enum value": (
        lambda d: field(d, "actors", "kind")["constraints"]["enum"].append("press\x00"),
        "control-character",
    ),
    "control character in the version": (
        lambda d: d.update(version="0.1\x0c"),
        "control-character",
    ),
    "verbatim without a source": (
        lambda d: field(d, "actors", "name").update(verbatim=True),
        "descriptor-error",
    ),
}


@pytest.mark.parametrize("attack", DESCRIPTOR_ATTACKS)
def test_descriptor_attacks_are_problems(attack: str, data_copy: Path) -> None:
    change, kind = DESCRIPTOR_ATTACKS[attack]
    edit_descriptor(data_copy, change)
    problems = problems_of(data_copy)  # Must not raise: every attack is a problem.
    assert {p.kind for p in problems} == {kind or "unsupported-feature"}, problems
    assert all(p.file == "datapackage.json" and p.line for p in problems), problems
    with pytest.raises(DataValidationError):
        munro_data.load_actors(data_copy)


def test_problem_kinds_are_a_closed_documented_set() -> None:
    assert all(isinstance(text, str) and text for text in munro_data.KINDS.values())
    with pytest.raises(ValueError, match="unknown problem kind"):
        munro_data.Problem("x.csv", 1, "a", "b", "c", "some-new-kind")


def test_a_duplicate_json_key_is_a_problem(data_copy: Path) -> None:
    duplicate_json_key(data_copy)
    assert kinds_of(data_copy) == {"descriptor-error"}


def test_max_length_is_checked_as_frictionless_does(data_copy: Path) -> None:
    """Issue 9's example: maxLength 5 on actors.name used to pass; now each long name fails."""
    edit_descriptor(
        data_copy, lambda d: field(d, "actors", "name")["constraints"].update(maxLength=5)
    )
    names = read_rows(data_copy / "actors.csv")[1]
    long_names = [r["name"] for r in names if len(r["name"]) > 5]
    problems = problems_of(data_copy)
    assert [p.found for p in problems] == long_names
    assert {(p.column, p.kind) for p in problems} == {("name", "constraint-error")}


def test_a_catastrophic_pattern_costs_linear_time(data_copy: Path) -> None:
    """(a|aa)+ backtracks exponentially in Python's re; the automaton answers at once."""
    edit_descriptor(
        data_copy,
        lambda d: field(d, "responses", "note").update(constraints={"pattern": "(a|aa)+"}),
    )
    header, rows = read_rows(data_copy / "responses.csv")
    for row in rows:
        row["note"] = "a" * 40 if row is not rows[0] else "a" * 5000 + "!"
    write_rows(data_copy / "responses.csv", header, rows)
    started = time.perf_counter()
    problems = problems_of(data_copy)
    assert time.perf_counter() - started < 2.0
    assert [(p.line, p.kind) for p in problems] == [(2, "constraint-error")]
    assert len(str(problems[0])) < 300


def test_a_pattern_with_a_huge_automaton_costs_linear_time_and_bounded_memory(
    data_copy: Path,
) -> None:
    """[ab]*a[ab]{1000} has 2**1000 DFA states: the hand-made automaton ran past 120 s and 1 GB
    on a 60 KB cell (issue 24); RE2 matches it within its memory cap."""
    import resource as rlimit

    edit_descriptor(
        data_copy,
        lambda d: field(d, "responses", "note").update(constraints={"pattern": "[ab]*a[ab]{1000}"}),
    )
    header, rows = read_rows(data_copy / "responses.csv")
    for row in rows:
        row["note"] = "ab" * 16_000 + "c"  # 32 KB: as long as a cell may be.
    write_rows(data_copy / "responses.csv", header, rows)
    before = rlimit.getrusage(rlimit.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    problems = problems_of(data_copy)
    assert time.perf_counter() - started < 10.0
    assert rlimit.getrusage(rlimit.RUSAGE_SELF).ru_maxrss - before < 300_000  # KB
    assert {p.kind for p in problems} == {"constraint-error"}
    assert len(problems) == len(rows)


# -- A parser as strict as the schema ---------------------------------------------------------


def test_a_stray_quote_is_reported_where_it_is_and_hides_nothing(data_copy: Path) -> None:
    path = data_copy / "actors.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace("Ofsted,", 'Of"sted,', 1)  # Inside an unquoted cell.
    lines[4] = lines[4].rstrip("\n").rsplit(",", 1)[0] + ",alien\n"  # A bad enum after it.
    path.write_text("".join(lines), encoding="utf-8")
    problems = [p for p in problems_of(data_copy) if p.file == "actors.csv"]
    assert [(p.line, p.kind) for p in problems] == [(3, "format-error"), (5, "constraint-error")]


def test_an_unclosed_quote_is_reported_where_it_opens(data_copy: Path) -> None:
    path = data_copy / "responses.csv"
    header, rows = read_rows(path)
    first = line_of_row(path, 2)
    bad_stance = line_of_row(path, 30)
    text = path.read_text(encoding="utf-8").split("\n")
    # Row 2 gets a quote at the start of its note, never closed.
    text[first - 1] = text[first - 1] + '"'
    text = "\n".join(text)
    path.write_text(text, encoding="utf-8")
    set_stance = text.split("\n")
    set_stance[bad_stance - 1] = set_stance[bad_stance - 1].replace(",support,", ",suport,", 1)
    path.write_text("\n".join(set_stance), encoding="utf-8")
    problems = [p for p in problems_of(data_copy) if p.file == "responses.csv"]
    assert ("format-error", first) in {(p.kind, p.line) for p in problems}, problems
    assert any(p.kind == "constraint-error" and p.found == "suport" for p in problems), problems


def test_header_cells_are_exact(data_copy: Path) -> None:
    path = data_copy / "actors.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("actor_id,name,", "actor_id, name ,", 1), encoding="utf-8")
    problems = problems_of(data_copy)
    assert [(p.line, p.column, p.kind) for p in problems] == [(1, "name", "incorrect-label")]


CELL_ATTACKS = {
    # (table, row, column, value): kind
    "integer with underscore": ("responses", 0, "rec_id", "1_0", "type-error"),
    "Arabic-Indic digits": ("responses", 0, "rec_id", "\u0661", "type-error"),
    "fullwidth digits in a number": ("figures", 0, "value", "\uff15\uff10", "type-error"),
    "number with underscore": ("figures", 0, "value", "1_000", "type-error"),
    "infinity": ("figures", 0, "value", "inf", "type-error"),
    "number too large": ("figures", 0, "value", "1e999", "out-of-range"),
    "integer beyond 64 bits": ("stances", 0, "score", str(2**64), "out-of-range"),
    "date before 1677": ("progress", 0, "as_of", "1600-01-01", "out-of-range"),
    "date after 2262": ("progress", 0, "event_date", "2300-01-01", "out-of-range"),
    "Unicode digits in a date": ("progress", 0, "as_of", "\u0662012-05-22", "type-error"),
    "form feed in text": ("progress", 0, "detail", "ok\x0cthen", "control-character"),
    "NUL in text": ("actors", 0, "short_name", "Gov\x00", "control-character"),
    "line separator": ("actors", 0, "short_name", "Gov\u2028t", "control-character"),
    "C1 control": ("actors", 0, "short_name", "Gov\x85t", "control-character"),
    "formula": ("responses", 0, "note", '=HYPERLINK("http://x","Ofsted")', "formula-risk"),
    "at-sign formula": ("responses", 0, "note", "@SUM(A1)", "formula-risk"),
    "minus formula": ("responses", 0, "note", "-2+3+cmd", "formula-risk"),
    "leading tab": ("responses", 0, "note", "\tx", "formula-risk"),
    # What the formula guard missed in issue 24.
    "formula behind a space": ("responses", 0, "note", " =1+1", "formula-risk"),
    "formula behind a zero-width space": ("responses", 0, "note", "\u200b=1+1", "formula-risk"),
    "formula after a line break": ("responses", 0, "note", "ok\n=1+1", "formula-risk"),
    "formula after a semicolon": ("responses", 0, "note", "ok;=1+1", "formula-risk"),
    "formula after a tab": ("responses", 0, "note", "ok\t@SUM(A1)", "formula-risk"),
    "fullwidth equals": ("responses", 0, "note", "\uff1d1+1", "formula-risk"),
    "fullwidth plus, minus, at": ("responses", 0, "note", "ok; \uff0b1", "formula-risk"),
    "cell longer than a spreadsheet holds": (
        "responses",
        0,
        "note",
        "a" * 32_768,
        "limit-exceeded",
    ),
}


@pytest.mark.parametrize("attack", CELL_ATTACKS)
def test_cell_attacks_are_problems_with_file_line_and_column(attack: str, data_copy: Path) -> None:
    table, index, column, value, kind = CELL_ATTACKS[attack]
    line = set_cell(data_copy, table, index, column, value)
    problems = [p for p in problems_of(data_copy) if p.file == f"{table}.csv"]
    assert [(p.line, p.column, p.kind) for p in problems] == [(line, column, kind)], problems


# -- What validates, loads and exports: the agreement test ------------------------------------

EDGE_VALUES = {
    "integer": [
        "0", "-0", "+5", "007", str(2**63 - 1), str(-(2**63)), str(2**63), "1_000", "\u0661",
        "1.0", " 1", "1e3", "9" * 40, "9" * 5000, "-" + "0" * 30 + "1", "",
    ],
    "number": [
        "0", "-0.0", ".5", "5.", "1e308", "1e309", "1.7976931348623157e308", "-1e-320", "nan",
        "inf", "1_000.5", "\u0661.\u0665", "1,5", " 2", "0x10", "9" * 5000, "1" + "0" * 400, "",
    ],
    "date": [
        "1677-09-30", "1799-12-31", "1800-01-01", "2199-12-31", "2200-01-01", "2262-04-11",
        "0001-01-01", "9999-12-31",
        "2012-02-29", "2011-02-29", "2012-1-01", "\uff12012-01-01", "2012-01-01T00:00", "",
    ],
    "string": [
        '=HYPERLINK("http://x","a")', "-", "+x", "@x", "\tx", "x\ty", "line\nbreak",
        "form\x0cfeed", "nul\x00", "\u2028", "\ufeffbom", "\u202eevil", "emoji \U0001f600",
        "<script>alert(1)</script>", "{{x}}", "a" * 20_000, " spaced ", '"quoted"', "\x85",
        "\uffff", "\ud7ff", "\r", "x\ry", "",
    ],
}  # fmt: skip
# One field of each type, freed of its own constraints so every edge value meets the type alone.
SLOTS = {
    "integer": ("stances", "score"),
    "number": ("figures", "denominator"),
    "date": ("progress", "event_date"),
    "string": ("responses", "note"),
}


@pytest.mark.parametrize("ftype", SLOTS)
def test_what_validates_loads_and_exports(ftype: str, data_copy: Path, tmp_path: Path) -> None:
    from munro_data.site._assets import write_workbook

    table, column = SLOTS[ftype]
    edit_descriptor(data_copy, lambda d: field(d, table, column).pop("constraints", None))
    accepted, refused = [], []
    original = (data_copy / f"{table}.csv").read_bytes()
    for value in EDGE_VALUES[ftype]:
        # From the original each time: Python's csv module would split a lone CR it wrote.
        (data_copy / f"{table}.csv").write_bytes(original)
        line = set_cell(data_copy, table, 0, column, value)
        problems = problems_of(data_copy)
        if not problems:
            frames = munro_data.load_all(data_copy)  # Must not raise.
            write_workbook({table: frames[table]}, tmp_path / "check.xlsx")
            accepted.append(value)
            continue
        # Refused: exactly the edited cell, located, with a known kind.
        assert [(p.file, p.line, p.column) for p in problems] == [(f"{table}.csv", line, column)]
        assert problems[0].kind in munro_data.KINDS
        refused.append(value)
    assert accepted and refused, (accepted, refused)


def place_edge_values(data: Path) -> dict[str, list[str]]:
    """The edge values validation accepts, all in the copy ``data``; returns them by type.

    Each slot keeps only its ``required`` constraint (the pages rely on required fields being
    there; a descriptor's other constraints are freed so the type alone decides), and the
    values each go into their own row. The payload build (tests/test_payload.py) builds the
    whole site from a copy that holds them, so that one build on other data proves both.
    """

    def loosen(descriptor: dict, table: str, column: str) -> None:
        spec = field(descriptor, table, column)
        spec["constraints"] = {
            k: v for k, v in spec.get("constraints", {}).items() if k == "required"
        }

    placed = {}
    for ftype, (table, column) in SLOTS.items():
        edit_descriptor(data, lambda d, t=table, c=column: loosen(d, t, c))
        original = (data / f"{table}.csv").read_bytes()
        accepted = []
        for value in EDGE_VALUES[ftype]:
            (data / f"{table}.csv").write_bytes(original)
            set_cell(data, table, 0, column, value)
            if not problems_of(data):
                accepted.append(value)
        (data / f"{table}.csv").write_bytes(original)
        # The most extreme values last in the list: those are kept when the table is short.
        rows = len(read_rows(data / f"{table}.csv")[1])
        placed[ftype] = accepted[-rows:]
        for row, value in enumerate(placed[ftype]):
            set_cell(data, table, row, column, value)
    # A source dated at the earliest date validation accepts (issue 24: 1677-09-30 validated,
    # then stopped the build with "Out of bounds timestamp").
    set_cell(data, "sources", 0, "date", str(munro_data.validation.limits.DATE_MIN))
    assert problems_of(data) == []
    assert all(placed.values()), placed
    return placed


# -- Safe downloads ---------------------------------------------------------------------------


def test_the_workbook_holds_text_never_formulas(tmp_path: Path) -> None:
    from munro_data.site._assets import write_workbook

    payloads = ['=HYPERLINK("http://x","Ofsted")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
    frame = pd.DataFrame({"text": pd.Series(payloads, dtype="string"), "n": range(6)})
    write_workbook({"t": frame}, tmp_path / "w.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "w.xlsx")["t"]
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    # XML reads a stored CR back as LF; what matters is that it stayed text.
    assert [c.value.replace("\n", "\r") for c in cells] == payloads
    assert {c.data_type for c in cells} == {"s"}
    assert all(c.quotePrefix for c in cells)


# -- Seeded fuzzing: no input makes the validator crash, and what it accepts loads ------------

FUZZ_VALUES = [None, 1, -1, 1.5, True, "x", "", [], {}, [[1]], [{"a": 1}], "\x00", "../x", 2**70]
FUZZ_BYTES = [b'"', b",", b"\n", b"\r", b"\x00", b"\x0c", b"=", b"\xff", b"9" * 30, b'""', b"\t"]


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict | list):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            yield from _paths(item, (*prefix, key))


def test_a_fuzzed_descriptor_never_crashes_the_validator(data_copy: Path) -> None:
    import random

    from munro_data.validation import descriptor as descriptor_check

    original = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    paths = list(_paths(original))[1:]
    rng = random.Random(14)
    for _ in range(150):
        descriptor = json.loads(json.dumps(original))
        for _ in range(rng.choice([1, 2, 3])):
            *parents, last = rng.choice(paths)
            try:
                target = descriptor
                for key in parents:
                    target = target[key]
                target[last] = json.loads(json.dumps(rng.choice(FUZZ_VALUES)))
            except (KeyError, IndexError, TypeError):
                pass  # An earlier change removed this path.
        (data_copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
        descriptor_check._CHECKED.clear()
        report = munro_data.validate(data_copy)  # Must not raise.
        assert all(p.kind in munro_data.KINDS for p in report.problems)
        if report.ok:
            munro_data.load_all(data_copy)


def test_fuzzed_csv_bytes_never_crash_and_what_passes_exports(
    data_copy: Path, tmp_path: Path
) -> None:
    import random

    from munro_data.site._assets import write_workbook

    tables = ["actors.csv", "stances.csv", "figures.csv", "progress.csv", "sources.csv"]
    originals = {t: (data_copy / t).read_bytes() for t in tables}
    rng = random.Random(9)
    for _ in range(100):
        table = rng.choice(tables)
        content = bytearray(originals[table])
        for _ in range(rng.choice([1, 2, 4])):
            i = rng.randrange(len(content))
            if rng.random() < 0.3:
                del content[i : i + rng.randint(1, 5)]
            else:
                content[i:i] = rng.choice(FUZZ_BYTES)
        (data_copy / table).write_bytes(bytes(content))
        report = munro_data.validate(data_copy)  # Must not raise.
        assert all(p.kind in munro_data.KINDS and p.file for p in report.problems)
        if report.ok:
            write_workbook(munro_data.load_all(data_copy), tmp_path / "fuzz.xlsx")
        (data_copy / table).write_bytes(originals[table])


# -- Bounded cost: stated limits, refused early and named (issue 24) --------------------------


def test_a_header_of_150000_columns_is_refused_at_once(data_copy: Path) -> None:
    path = data_copy / "actors.csv"
    text = path.read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    path.write_text(header + "," + ",".join(f"c{i}" for i in range(150_000)) + "\n" + rest)
    started = time.perf_counter()
    problems = problems_of(data_copy)
    assert time.perf_counter() - started < 10.0
    limits = [p for p in problems if p.kind == "limit-exceeded"]
    assert [(p.file, p.line) for p in limits] == [("actors.csv", 1)]
    assert "at most 100 columns" in str(limits[0])


def test_a_cell_longer_than_a_spreadsheet_holds_is_refused(data_copy: Path) -> None:
    line = set_cell(data_copy, "responses", 0, "note", "a" * 32_768)
    problems = problems_of(data_copy)
    assert [(p.line, p.column, p.kind) for p in problems] == [(line, "note", "limit-exceeded")]
    assert "32,767" in str(problems[0])
    set_cell(data_copy, "responses", 0, "note", "a" * 32_767)
    assert problems_of(data_copy) == []


@pytest.mark.parametrize("limit", ["MAX_ROWS", "MAX_TABLE_BYTES", "MAX_SOURCE_BYTES"])
def test_data_beyond_a_stated_limit_is_refused_naming_it(
    limit: str, data_copy: Path, monkeypatch
) -> None:
    """The limits are far above our data: lowered here to just under its largest file."""
    from munro_data.validation import limits

    tables = sorted(data_copy.glob("*.csv"))
    measure = {
        "MAX_ROWS": {p.name: len(read_rows(p)[1]) for p in tables},
        "MAX_TABLE_BYTES": {p.name: p.stat().st_size for p in tables},
        "MAX_SOURCE_BYTES": {
            f"sources/{p.name}": p.stat().st_size for p in (data_copy / "sources").iterdir()
        },
    }[limit]
    largest = max(measure, key=measure.get)
    monkeypatch.setattr(limits, limit, measure[largest] - 1)
    limits = [p for p in problems_of(data_copy) if p.kind == "limit-exceeded"]
    assert [p.file for p in limits] == [largest]
    assert f"{measure[largest] - 1:,}" in str(limits[0]) and "README" in str(limits[0])


def test_messages_are_capped_per_kind(data_copy: Path) -> None:
    """3,000 bad rows print 20 lines and a count, not 3,000 lines."""
    path = data_copy / "responses.csv"
    header, rows = read_rows(path)
    extra = [rows[0] | {"rec_id": "x", "actor_id": f"a{i}"} for i in range(3_000)]
    write_rows(path, header, rows + extra)
    result = run_cli(data_copy)
    assert result.returncode == 1
    assert "… and 2,980 more like this [type-error]" in result.stderr
    assert len(result.stderr) < 30_000


# -- Every error located: nothing validates and then fails the build (issue 24) ---------------


def test_a_descriptor_nested_5000_deep_is_located_not_a_recursion_error(data_copy: Path) -> None:
    path = data_copy / "datapackage.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("{", '{"deep": ' + "[" * 5000 + "]" * 5000 + ",", 1))
    result = run_cli(data_copy)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    problems = problems_of(data_copy)
    assert [(p.file, p.kind) for p in problems] == [("datapackage.json", "descriptor-error")]
    assert problems[0].line == 1 and "32 levels deep at character 41" in str(problems[0])


def test_a_descriptor_with_a_byte_order_mark_builds_as_it_validates(data_copy: Path) -> None:
    """Validation accepted the mark, then the pages' reader failed on it."""
    from munro_data.pages import data_and_method, load_context
    from munro_data.site._cite import read_package

    path = data_copy / "datapackage.json"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert problems_of(data_copy) == []
    ctx = load_context(data_copy)
    assert ctx.descriptor["name"] and read_package(data_copy)["title"]
    assert data_and_method.downloads(ctx).text


# -- Downloads a contributor cannot defeat (issue 24) ------------------------------------------


def test_two_tables_at_paths_with_one_file_name_get_their_own_downloads(data_copy: Path) -> None:
    """Resources at a/themes.csv and themes.csv: each table is offered under its own name."""
    from munro_data.site._assets import _download_files

    (data_copy / "a").mkdir()
    header, rows = read_rows(data_copy / "themes.csv")
    write_rows(data_copy / "a" / "themes.csv", header, rows[:1])

    def add(d: dict) -> None:
        copy = json.loads(json.dumps(resource(d, "themes")))
        copy |= {"name": "a-themes", "path": "a/themes.csv"}
        d["resources"].append(copy)

    edit_descriptor(data_copy, add)
    assert problems_of(data_copy) == []
    files = _download_files(data_copy)
    assert files["themes.csv"] == (data_copy / "themes.csv").read_bytes()
    assert files["a-themes.csv"] == (data_copy / "a" / "themes.csv").read_bytes()
    # The page links each table's download by the same name.
    from munro_data.pages import data_and_method, load_context

    links = data_and_method.downloads(load_context(data_copy)).text
    assert "](../downloads/themes.csv)" in links and "](../downloads/a-themes.csv)" in links


def test_tables_alike_in_31_characters_get_sheets_of_their_own(tmp_path: Path) -> None:
    from munro_data.site._assets import write_workbook

    long = "a-table-name-that-is-longer-than-thirty-one"
    frames = {long + "-x": pd.DataFrame({"v": [1]}), long + "-y": pd.DataFrame({"v": [2]})}
    write_workbook(frames, tmp_path / "w.xlsx")
    book = openpyxl.load_workbook(tmp_path / "w.xlsx")
    assert len(book.sheetnames) == 2
    assert [book[s]["A2"].value for s in book.sheetnames] == [1, 2]


# -- Labels are data, never template syntax (issue 24) ----------------------------------------


def test_no_label_from_the_data_reaches_a_plotly_template(data_copy: Path) -> None:
    """A status label "In progress %{y:zzz} %{customdata}" went into a hovertemplate, where
    plotly read it as syntax; every chart of every page now carries labels as data."""
    import inspect

    from munro_data.pages import Chart, load_context

    for table in ("statuses", "stances"):
        header, rows = read_rows(data_copy / f"{table}.csv")
        for row in rows:
            row["label"] = f"{row['label']} %{{y:zzz}} %{{customdata}}"
        write_rows(data_copy / f"{table}.csv", header, rows)
    ctx = load_context(data_copy)
    charts = []
    for module in ("home", "stances", "timeline", "one_year_on", "local", "recommendations"):
        page = __import__(f"munro_data.pages.{module}", fromlist=["x"])
        for name, function in inspect.getmembers(page, inspect.isfunction):
            if function.__module__ != page.__name__ or name.startswith("_"):
                continue
            if list(inspect.signature(function).parameters) != ["ctx"]:
                continue
            result = function(ctx)
            for item in result if isinstance(result, list | tuple) else [result]:
                if isinstance(item, Chart):
                    charts.append((f"{module}.{name}", item))
    assert len(charts) >= 5, [c for c, _ in charts]
    found = [
        f"{where}: {key} {trace[key][:80]!r}"
        for where, chart in charts
        for trace in chart.figure.to_plotly_json()["data"]
        for key in ("hovertemplate", "texttemplate")
        if "zzz" in str(trace.get(key, ""))
    ]
    assert found == []
