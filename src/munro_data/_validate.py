"""Reading the CSV tables strictly and reporting every problem a user can act on.

Each check names the file, the line of the CSV, the column, what was found and what was
expected, and all problems of a table are gathered before anything is raised.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import provenance
from ._package import DESCRIPTOR, Field, Table, read_tables

# How many valid values a foreign-key message lists before it stops.
_EXAMPLES = 8

# When set, every table read is recorded in this file, so the site build knows which tables
# each notebook depends on and re-runs only the notebooks whose tables changed.
TRACE_ENV = "MUNRO_TRACE_FILE"


def _record_read(name: str) -> None:
    trace = os.environ.get(TRACE_ENV)
    if trace:
        with open(trace, "a", encoding="utf-8") as f:
            f.write(name + "\n")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, located as precisely as the check allows."""

    file: str
    line: int | None
    column: str | None
    found: str | None
    expected: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column is not None:
            where += f", column {self.column!r}"
        found = "" if self.found is None else f"found {_shorten(self.found)}; "
        return f"{where}: {found}expected {self.expected}"


class DataValidationError(ValueError):
    """Raised when the data does not meet its schema; ``problems`` lists every failure."""

    def __init__(self, problems: list[Problem], data_dir: Path):
        self.problems = problems
        self.data_dir = data_dir
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the data at {data_dir}:\n{lines}")


def _shorten(value: str, limit: int = 90) -> str:
    value = value if len(value) <= limit else value[: limit - 1] + "…"
    return repr(value)


@dataclass
class ParsedTable:
    """A table's rows as typed Python values, with the CSV line each row starts on."""

    table: Table
    rows: list[dict] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    loaded: bool = False

    def to_frame(self) -> pd.DataFrame:
        columns = {
            f.name: _series(f, [row.get(f.name) for row in self.rows]) for f in self.table.fields
        }
        return pd.DataFrame(columns, index=pd.RangeIndex(len(self.rows)))


def _series(f: Field, values: list) -> pd.Series:
    if f.enum:
        return pd.Series(values, dtype=pd.CategoricalDtype(list(f.enum), ordered=f.ordered))
    if f.type == "integer":
        return pd.Series(values, dtype="Int64")
    if f.type == "number":
        return pd.Series(values, dtype="Float64")
    if f.type == "date":
        return pd.Series(pd.to_datetime(pd.Series(values, dtype="object")), dtype="datetime64[ns]")
    return pd.Series(values, dtype="string")


# ---------------------------------------------------------------------------------------------
# Cell conversion


_INTEGER = re.compile(r"[+-]?\d+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _convert(f: Field, raw: str) -> tuple[object, str | None]:
    """The typed value of a non-empty cell, or None and what was expected instead."""
    if f.type == "integer":
        if not _INTEGER.fullmatch(raw):
            return None, "a whole number"
        value: object = int(raw)
    elif f.type == "number":
        try:
            value = float(raw)
        except ValueError:
            return None, "a number (digits, optional decimal point, no units or commas)"
        if not math.isfinite(value):
            return None, "a finite number"
    elif f.type == "date":
        try:
            if not _DATE.fullmatch(raw):
                raise ValueError
            value = dt.date.fromisoformat(raw)
        except ValueError:
            return None, "a date as YYYY-MM-DD"
    else:
        value = raw
    c = f.constraints
    if f.enum and raw not in f.enum:
        return None, "one of " + ", ".join(f.enum)
    if "pattern" in c and not re.fullmatch(c["pattern"], raw):
        return None, f"text matching {c['pattern']} (lowercase letters, digits, '-' or '_')"
    if "minimum" in c and value < c["minimum"]:
        return None, f"a value of at least {c['minimum']}"
    if "maximum" in c and value > c["maximum"]:
        return None, f"a value of at most {c['maximum']}"
    return value, None


# ---------------------------------------------------------------------------------------------
# One table


def parse_table(table: Table, data_dir: Path) -> tuple[ParsedTable, list[Problem]]:
    """Read one CSV against its schema; return its typed rows and every problem found."""
    parsed = ParsedTable(table)
    name = table.path
    path = data_dir / table.path
    if not path.is_file():
        return parsed, [
            Problem(name, None, None, None, f"the file {path} (declared in {DESCRIPTOR})")
        ]
    raw = path.read_bytes()
    try:
        # utf-8-sig accepts a byte-order mark, which spreadsheet programs often add.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        bad = raw[error.start]
        return parsed, [
            Problem(
                name,
                line,
                None,
                f"byte 0x{bad:02X}, which is not UTF-8",
                "UTF-8 text (re-save the file as UTF-8; it looks like Latin-1 or Windows-1252)",
            )
        ]
    if not text.strip():
        header = ",".join(table.field_names)
        return parsed, [Problem(name, 1, None, "an empty file", f"a header row: {header}")]

    # CRLF files (as spreadsheet programs save them) are fine: their cells must read the same.
    text = text.replace("\r\n", "\n")
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
        records = []
        start = reader.line_num + 1
        for record in reader:
            records.append((start, record))
            start = reader.line_num + 1
    except csv.Error as error:
        return parsed, [
            Problem(
                name,
                reader.line_num,
                None,
                f"malformed CSV ({error})",
                "well-formed CSV: quote fields that hold commas, quotes or line breaks",
            )
        ]

    header = [h.strip() for h in header]
    declared = table.field_names
    for column in declared:
        if column not in header:
            problems.append(
                Problem(
                    name,
                    1,
                    column,
                    "no such column in the header",
                    "every column of the schema: " + ", ".join(declared),
                )
            )
    for column in header:
        if column not in declared:
            problems.append(
                Problem(
                    name,
                    1,
                    column,
                    "a column the schema does not declare",
                    "only the columns "
                    + ", ".join(declared)
                    + f" (add new ones to {DESCRIPTOR} first)",
                )
            )
    for column in {c for c in header if header.count(c) > 1}:
        problems.append(Problem(name, 1, column, "the column twice", "each column once"))

    records = [(line, r) for line, r in records if r]  # A blank line is not a row.
    if not records:
        problems.append(Problem(name, 2, None, "a header row and no data", "at least one data row"))

    fields = {f.name: f for f in table.fields}
    for line, record in records:
        if len(record) != len(header):
            problems.append(
                Problem(
                    name,
                    line,
                    None,
                    f"{len(record)} fields",
                    f"{len(header)} fields, one per column (a stray comma or delimiter? "
                    "quote text that contains commas)",
                )
            )
            continue
        row: dict = {}
        for column, cell in zip(header, record, strict=True):
            f = fields.get(column)
            if f is None:
                continue
            if cell == "":
                if f.required:
                    problems.append(
                        Problem(name, line, column, "an empty cell", "a value (required)")
                    )
                row[column] = None
                continue
            value, expected = _convert(f, cell)
            if expected:
                problems.append(Problem(name, line, column, cell, expected))
            row[column] = value
        parsed.rows.append(row)
        parsed.lines.append(line)

    problems += _check_unique(parsed)
    parsed.loaded = not problems
    return parsed, problems


def _check_unique(parsed: ParsedTable) -> list[Problem]:
    problems = []
    table = parsed.table
    keys = [(list(table.primary_key), "the primary key")]
    keys += [([f.name], "unique values") for f in table.fields if f.constraints.get("unique")]
    for columns, what in keys:
        seen: dict[tuple, int] = {}
        for row, line in zip(parsed.rows, parsed.lines, strict=True):
            key = tuple(row.get(c) for c in columns)
            if any(v is None for v in key):
                continue
            if key in seen:
                shown = ", ".join(str(v) for v in key)
                problems.append(
                    Problem(
                        table.path,
                        line,
                        ",".join(columns),
                        shown,
                        f"{what} to be unique (line {seen[key]} has the same)",
                    )
                )
            else:
                seen[key] = line
    return problems


# ---------------------------------------------------------------------------------------------
# The whole package


@dataclass
class PackageReport:
    """The outcome of checking a data folder: parsed tables, problems and counts."""

    data_dir: Path
    tables: dict[str, ParsedTable]
    problems: list[Problem]
    quotes_checked: int = 0
    # Gaps that can be legitimate (see ``_meaning``): shown to the user, never failing.
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def frames(self) -> dict[str, pd.DataFrame]:
        return {name: parsed.to_frame() for name, parsed in self.tables.items()}


def check_package(data_dir: Path, names: Iterable[str] | None = None) -> PackageReport:
    """Check every table (or the named ones), the keys between them and every quote."""
    try:
        tables = read_tables(data_dir)
    except FileNotFoundError:
        problem = Problem(DESCRIPTOR, None, None, None, f"a {DESCRIPTOR} in {data_dir}")
        return PackageReport(data_dir, {}, [problem])
    except (ValueError, KeyError, TypeError) as error:
        problem = Problem(
            DESCRIPTOR,
            None,
            None,
            f"an unreadable descriptor ({error})",
            "a valid Frictionless data package descriptor",
        )
        return PackageReport(data_dir, {}, [problem])

    wanted = list(tables) if names is None else list(names)
    report = PackageReport(data_dir, {}, [])
    for name in wanted:
        _record_read(name)
        parsed, problems = parse_table(tables[name], data_dir)
        report.tables[name] = parsed
        report.problems += problems
    if names is None:
        report.problems += _check_foreign_keys(report.tables)
        quote_problems, report.quotes_checked = _check_quotes(report.tables, data_dir)
        report.problems += quote_problems
        # Imported here because ``_meaning`` builds its problems from this module's ``Problem``.
        from ._meaning import check_meaning

        meaning_errors, report.warnings = check_meaning(report.frames(), report.tables)
        report.problems += meaning_errors
    return report


def _check_foreign_keys(tables: dict[str, ParsedTable]) -> list[Problem]:
    problems = []
    for parsed in tables.values():
        for fk in parsed.table.foreign_keys:
            target = tables.get(fk.resource)
            if target is None or not target.rows:
                continue  # The target's own problems are already reported.
            valid = {tuple(r.get(c) for c in fk.reference_fields) for r in target.rows}
            valid.discard(tuple(None for _ in fk.reference_fields))
            shown_valid = [", ".join(map(str, v)) for v in sorted(valid)]
            examples = ", ".join(shown_valid[:_EXAMPLES]) + (
                ", …" if len(valid) > _EXAMPLES else ""
            )
            for row, line in zip(parsed.rows, parsed.lines, strict=True):
                key = tuple(row.get(c) for c in fk.fields)
                if any(v is None for v in key) or key in valid:
                    continue
                shown = ", ".join(str(v) for v in key)
                problems.append(
                    Problem(
                        parsed.table.path,
                        line,
                        ",".join(fk.fields),
                        shown,
                        f"one of the {','.join(fk.reference_fields)} values in {target.table.path} "
                        f"({examples})",
                    )
                )
    return problems


def _check_quotes(tables: dict[str, ParsedTable], data_dir: Path) -> tuple[list[Problem], int]:
    sources = tables.get("sources")
    if sources is None:
        return [], 0
    problems: list[Problem] = []
    texts: dict[str, str] = {}
    for row, line in zip(sources.rows, sources.lines, strict=True):
        if row.get("source_id") is None or row.get("file") is None:
            continue
        path = data_dir / row["file"]
        try:
            texts[row["source_id"]] = provenance.normalise(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            problems.append(
                Problem(
                    sources.table.path,
                    line,
                    "file",
                    row["file"],
                    f"a readable UTF-8 text file at {path} ({error.__class__.__name__})",
                )
            )

    checked = 0
    for parsed in tables.values():
        verbatim = [f.name for f in parsed.table.fields if f.verbatim]
        if not verbatim or "source_id" not in parsed.table.field_names:
            continue
        for row, line in zip(parsed.rows, parsed.lines, strict=True):
            text = texts.get(row.get("source_id"))
            if text is None:
                continue  # An unknown source_id is reported as a foreign-key problem.
            for column in verbatim:
                quote = row.get(column)
                if not quote:
                    continue
                checked += 1
                missing = provenance.missing_fragment(quote, text)
                if missing is not None:
                    nearest = provenance.nearest_passage(missing, text)
                    problems.append(
                        Problem(
                            parsed.table.path,
                            line,
                            column,
                            missing,
                            f"a verbatim passage of source {row['source_id']!r}; the nearest passage "
                            f"there reads {nearest!r}",
                        )
                    )
    return problems, checked
