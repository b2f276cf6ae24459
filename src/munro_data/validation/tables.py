"""One table: its CSV read against its schema into typed rows, with every problem found.

A table's problems are all gathered before anything is raised: the file (its path, size and
encoding), the quoting, the header, each row's cells, and its keys.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .._package import DESCRIPTOR, Field, PathRefused, Table, read_inside
from . import limits
from .cells import convert_cell, safe_pattern
from .problems import Problem, too_large
from .records import read_records


@dataclass
class ParsedTable:
    """A table's rows as typed Python values, with the CSV line each row starts on."""

    table: Table
    rows: list[dict] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    loaded: bool = False
    # Rows left out because their cells could not be read (wrong count, malformed quoting).
    dropped: int = 0

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


def parse_table(table: Table, data_dir: Path) -> tuple[ParsedTable, list[Problem]]:
    """Read one CSV against its schema; return its typed rows and every problem found."""
    parsed = ParsedTable(table)
    text, problems = _read_text(table, data_dir)
    if text is None:
        return parsed, problems
    records, faults = read_records(text)
    header_line, header, _ = records[0]
    records = records[1:]
    # Checked before anything reads the header or the rows, so their cost stays bounded.
    over = _over_limits(table.path, header_line, header, len(records))
    if over is not None:
        return parsed, [over]
    problems = _format_problems(table.path, header_line, header, faults)
    problems += _header_problems(table, header)
    records = [r for r in records if r[1] != [""]]  # A blank line is not a row.
    if not records:
        problems.append(
            Problem(
                table.path,
                2,
                None,
                "a header row and no data",
                "at least one data row",
                "blank-table",
            )
        )
    problems += _read_rows(parsed, header, records)
    problems += _check_unique(parsed)
    parsed.loaded = not problems
    return parsed, problems


def _read_text(table: Table, data_dir: Path) -> tuple[str | None, list[Problem]]:
    """The table's text with its line ends made LF, or None and the problem that stops it."""
    name = table.path
    try:
        raw = read_inside(data_dir, table.path)
    except PathRefused as refused:
        return None, [
            Problem(
                name,
                None,
                None,
                None,
                f"{refused.reason}: the path {table.path!r} declared in {DESCRIPTOR}",
                refused.kind,
            )
        ]
    if len(raw) > limits.MAX_TABLE_BYTES:
        return None, [too_large(name, len(raw), limits.MAX_TABLE_BYTES)]
    try:
        # utf-8-sig accepts a byte-order mark, which spreadsheet programs often add.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        bad = raw[error.start]
        return None, [
            Problem(
                name,
                line,
                None,
                f"byte 0x{bad:02X}, which is not UTF-8",
                "UTF-8 text (re-save the file as UTF-8; it looks like Latin-1 or Windows-1252)",
                "encoding-error",
            )
        ]
    if not text.strip():
        header = ",".join(table.field_names)
        return None, [
            Problem(name, 1, None, "an empty file", f"a header row: {header}", "blank-table")
        ]
    # CRLF files (as spreadsheet programs save them) are fine: their cells must read the same.
    return text.replace("\r\n", "\n"), []


def _over_limits(name: str, header_line: int, header: list[str], rows: int) -> Problem | None:
    if len(header) > limits.MAX_COLUMNS:
        found = f"{len(header):,} columns in the header"
        expected = f"at most {limits.MAX_COLUMNS:,} columns (the limit in README.md)"
        return Problem(name, header_line, None, found, expected, "limit-exceeded")
    if rows > limits.MAX_ROWS:
        found = f"{rows:,} rows"
        expected = f"at most {limits.MAX_ROWS:,} rows a table (the limit in README.md)"
        return Problem(name, None, None, found, expected, "limit-exceeded")
    return None


def _format_problems(
    name: str, header_line: int, header: list[str], faults: list[tuple[int, int, str]]
) -> list[Problem]:
    problems = []
    for line, index, what in faults:
        column = header[index] if line > header_line and index < len(header) else None
        problems.append(
            Problem(
                name,
                line,
                column,
                what,
                "well-formed CSV: quote a whole cell that holds commas, quotes or line breaks, "
                'and double each quote inside it ("")',
                "format-error",
            )
        )
    return problems


def _header_problems(table: Table, header: list[str]) -> list[Problem]:
    """The header's problems; a name with spaces around it is stripped in ``header``."""
    problems = []
    name = table.path
    declared = table.field_names
    for i, cell in enumerate(header):
        if cell != cell.strip():
            problems.append(
                Problem(
                    name,
                    1,
                    cell.strip(),
                    cell,
                    "the column name exactly, without spaces around it",
                    "incorrect-label",
                )
            )
            header[i] = cell.strip()  # Checked as named, so one mistake is one problem.
    for column in declared:
        if column not in header:
            problems.append(
                Problem(
                    name,
                    1,
                    column,
                    "no such column in the header",
                    "every column of the schema: " + ", ".join(declared),
                    "missing-label",
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
                    "extra-label",
                )
            )
    for column in sorted({c for c in header if header.count(c) > 1}):
        problems.append(
            Problem(name, 1, column, "the column twice", "each column once", "duplicate-label")
        )
    return problems


def _read_rows(
    parsed: ParsedTable, header: list[str], records: list[tuple[int, list[str], bool]]
) -> list[Problem]:
    """Type each record's cells into ``parsed.rows``; the problems of its cells."""
    table = parsed.table
    name = table.path
    problems = []
    fields = {f.name: f for f in table.fields}
    patterns = {
        f.name: safe_pattern(f.constraints["pattern"])
        for f in table.fields
        if "pattern" in f.constraints
    }
    for line, record, malformed in records:
        if len(record) != len(header):
            problems.append(
                Problem(
                    name,
                    line,
                    None,
                    f"{len(record)} fields",
                    f"{len(header)} fields, one per column (a stray comma or delimiter? "
                    "quote text that contains commas)",
                    "extra-cell" if len(record) > len(header) else "missing-cell",
                )
            )
            parsed.dropped += 1
            continue
        if malformed:
            parsed.dropped += 1
            continue  # Its cells are not what the curator meant; the fault is reported.
        row: dict = {}
        for column, cell in zip(header, record, strict=True):
            f = fields.get(column)
            if f is None:
                continue
            if cell == "":
                if f.required:
                    problems.append(
                        Problem(
                            name,
                            line,
                            column,
                            "an empty cell",
                            "a value (required)",
                            "constraint-error",
                        )
                    )
                row[column] = None
                continue
            value, expected, kind = convert_cell(f, cell, patterns.get(column))
            if expected:
                problems.append(Problem(name, line, column, cell, expected, kind))
            row[column] = value
        parsed.rows.append(row)
        parsed.lines.append(line)
    return problems


def _check_unique(parsed: ParsedTable) -> list[Problem]:
    problems = []
    table = parsed.table
    keys = [(list(table.primary_key), "the primary key", "primary-key")]
    keys += [
        ([f.name], "unique values", "unique-error")
        for f in table.fields
        if f.constraints.get("unique")
    ]
    for columns, what, kind in keys:
        if not columns:
            continue
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
                        kind,
                    )
                )
            else:
                seen[key] = line
    return problems


# Each CSV is parsed once per process for each content of the file under each schema: a build,
# a page's context and the checks ask for the same tables many times. Read only once parsed.
_PARSED: dict[tuple, tuple[ParsedTable, list[Problem]]] = {}
_PARSED_KEPT = 256


def parse_once(table: Table, data_dir: Path) -> tuple[ParsedTable, list[Problem]]:
    """``parse_table``, from memory when the same bytes were parsed under the same schema."""
    try:
        # The stated limits are part of the key: a parse under other limits says other things.
        bounds = (limits.MAX_TABLE_BYTES, limits.MAX_ROWS, limits.MAX_COLUMNS)
        bounds += (limits.MAX_CELL_CHARS,)
        content = hashlib.sha256(read_inside(data_dir, table.path)).hexdigest()
        key = (repr(table), content, bounds)
    except PathRefused:
        return parse_table(table, data_dir)  # Said by parse_table, as a problem.
    if key not in _PARSED:
        if len(_PARSED) >= _PARSED_KEPT:
            del _PARSED[next(iter(_PARSED))]
        _PARSED[key] = parse_table(table, data_dir)
    parsed, problems = _PARSED[key]
    return parsed, list(problems)
