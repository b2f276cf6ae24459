"""Reading the CSV tables strictly and reporting every problem a user can act on.

Each check names the file, the line of the CSV, the column, what was found and what was
expected, and all problems of a table are gathered before anything is raised. Every problem
carries a stable ``kind`` (listed in :data:`KINDS`), so code and tests tell problems apart
without reading their sentences, as frictionless's error codes do.

The validator never claims more than it checks: a Table Schema feature it does not implement
(a ``format``, an unknown constraint, a ``dialect``, ...) is an ``unsupported-feature`` problem,
never silently ignored. What it accepts, the loaders and the Excel export can hold: dates within
pandas' range, 64-bit integers, no control characters.

>>> "type-error" in KINDS and "report-as-of" in KINDS
True
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from . import provenance
from ._package import (
    DESCRIPTOR,
    Field,
    PathRefused,
    Table,
    read_descriptor_text,
    read_inside,
)
from ._pattern import SafePattern, UnsafePattern

# The stable problem codes. Tests and callers compare these, never the sentences.
KINDS = {
    # Rules of meaning (see _meaning.py): the data is well formed but says something impossible.
    "report-as-of": "one report's national rows carry more than one as_of date",
    "commitment-recommendation": "a progress row's commitment belongs to another recommendation",
    "date-order": "a date falls after the report that states it, or before its source",
    "missing-word": "a text cell holds nan, None, NaT or null, which a page would show as such",
    "place-scope": "a national progress row names a place (only a local row is about one area)",
    "actor-coverage": "an actor's responses leave out some recommendations (a warning)",
    "missing-folder": "the data folder does not exist or is not a folder",
    "missing-descriptor": "the data folder has no datapackage.json",
    "descriptor-error": "datapackage.json is not valid JSON or breaks the structure a data "
    "package needs (names, fields, keys pointing to what exists, dates)",
    "unsupported-feature": "the descriptor uses a Table Schema feature this validator does not "
    "check, so it refuses rather than claim the data meets it",
    "path-error": "a path the data names is absolute, leaves the data folder, or is not a "
    "regular file",
    "missing-file": "a file the data names does not exist",
    "encoding-error": "a file is not UTF-8",
    "format-error": "a CSV file is malformed (a stray or unclosed quote)",
    "blank-table": "a table file is empty or has a header and no rows",
    "missing-label": "a column of the schema is not in the header",
    "extra-label": "the header has a column the schema does not declare",
    "duplicate-label": "the header has a column twice",
    "incorrect-label": "a header cell is not exactly a column name (spaces around it)",
    "extra-cell": "a row has more cells than the header",
    "missing-cell": "a row has fewer cells than the header",
    "type-error": "a cell is not of its column's type",
    "out-of-range": "a value the loaders cannot hold: a date outside 1800-01-01..2199-12-31 "
    "or an integer beyond 64 bits",
    "constraint-error": "a cell breaks a constraint: required, enum, pattern, minimum, "
    "maximum, minLength, maxLength",
    "control-character": "a cell holds a control character (only line breaks and tabs are "
    "allowed in text)",
    "formula-risk": "a text cell begins (or has a part after a line break, tab or ';' that "
    "begins), after spaces, with =, +, -, @ or a full-width form of one, which a spreadsheet "
    "would run as a formula",
    "primary-key": "two rows have the same primary key",
    "unique-error": "two rows have the same value in a unique column",
    "foreign-key": "a value refers to a row that does not exist in another table",
    "source-error": "a source text cannot be read as UTF-8",
    "quote-not-found": "a verbatim quote is not in its source",
    "quote-too-short": "a verbatim quote is too short to identify a passage",
    "source-changed": "a source text's SHA-256 is not the one sources.csv pins for it",
    "quote-scattered": "the parts of a quote with ellipses are in the source, but not in order "
    "within one passage",
    "limit-exceeded": "a file, table, header or cell is larger than the build supports (the "
    "limits are in README.md)",
}

# The columns that are verbatim quotes, by the package's contract: the descriptor must mark them
# ``"verbatim": true`` (and so may not switch their check off), as must any ``quote`` column of
# a table with a ``source_id``.
VERBATIM = {
    "themes": ("quote",),
    "recommendations": ("text", "munro_argument"),
    "responses": ("quote",),
    "commitments": ("quote",),
    "progress": ("quote",),
    "lead_officers": ("quote",),
    "figures": ("quote",),
    "verdicts": ("quote",),
}

# The limits the validator and the build support (README.md, "Limits"), each far above the
# national scale (152 councils: `make national` makes such data, its largest table 1.5 MB and
# 7,400 rows, its longest cell 1,700 characters, its largest source text 160 KB). Data beyond
# them is refused early (limit-exceeded), naming the limit, before it costs anything.
MAX_TABLE_BYTES = 20_000_000
MAX_ROWS = 100_000
MAX_COLUMNS = 100
# A spreadsheet cell holds at most 32,767 characters; a longer one would be cut in the download.
MAX_CELL_CHARS = 32_767
MAX_SOURCE_BYTES = 10_000_000


def _too_large(name: str, size: int, limit: int) -> Problem:
    return Problem(
        name,
        None,
        None,
        f"{size:,} bytes",
        f"at most {limit:,} bytes (the limit in README.md)",
        "limit-exceeded",
    )


# How many valid values a foreign-key message lists before it stops.
_EXAMPLES = 8
# The most characters of data a message shows, so a hostile 100 KB cell prints one short line.
_SHOWN = 80

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
    """One thing wrong with the data, located as precisely as the check allows.

    ``kind`` is one of :data:`KINDS`.

    >>> print(Problem("actors.csv", 3, "kind", "alien", "one of government", "constraint-error"))
    actors.csv, line 3, column 'kind': found 'alien'; expected one of government [constraint-error]
    """

    file: str
    line: int | None
    column: str | None
    found: str | None
    expected: str
    kind: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown problem kind {self.kind!r}")

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column is not None:
            where += f", column {_shorten(self.column, 40)}"
        found = "" if self.found is None else f"found {_shorten(self.found)}; "
        return f"{where}: {found}expected {self.expected} [{self.kind}]"


class DataValidationError(ValueError):
    """Raised when the data does not meet its schema; ``problems`` lists every failure."""

    def __init__(self, problems: list[Problem], data_dir: Path):
        self.problems = problems
        self.data_dir = data_dir
        lines = "\n".join(problem_lines(problems))
        super().__init__(f"{len(problems)} problem(s) in the data at {data_dir}:\n{lines}")


# The most problems of one kind a message lists; the rest are counted, so that 109,000 bad rows
# print a screenful, not 12 MB.
SHOWN_PER_KIND = 20


def problem_lines(problems: list[Problem], per_kind: int = SHOWN_PER_KIND) -> list[str]:
    """One line per problem, at most ``per_kind`` of each kind, then how many more there are.

    >>> p = [Problem("a.csv", n, "x", "y", "z", "type-error") for n in range(2, 5)]
    >>> problem_lines(p, per_kind=2)[-1]
    '  … and 1 more like this [type-error]'
    """
    shown: dict[str, int] = {}
    lines = []
    for problem in problems:
        shown[problem.kind] = shown.get(problem.kind, 0) + 1
        if shown[problem.kind] <= per_kind:
            lines.append(f"  - {problem}")
    for kind, count in shown.items():
        if count > per_kind:
            lines.append(f"  … and {count - per_kind:,} more like this [{kind}]")
    return lines


def _shorten(value: str, limit: int = _SHOWN) -> str:
    value = value if len(value) <= limit else value[: limit - 1] + "…"
    return repr(value)


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


# ---------------------------------------------------------------------------------------------
# The descriptor


TYPES = ("string", "integer", "number", "date")
# Keys that describe without constraining: accepted anywhere they appear, never checked.
_METADATA = {"title", "description", "$schema", "homepage", "keywords", "sources", "licenses"}
_PACKAGE_KEYS = _METADATA | {
    "profile",
    "name",
    "id",
    "version",
    "lastModified",
    "created",
    "contributors",
    "image",
    "resources",
}
_RESOURCE_KEYS = _METADATA | {
    "name",
    "path",
    "profile",
    "format",
    "mediatype",
    "encoding",
    "schema",
    "dialect",
}
_SCHEMA_KEYS = _METADATA | {"fields", "primaryKey", "foreignKeys", "missingValues"}
_FIELD_KEYS = _METADATA | {
    "name",
    "type",
    "format",
    "example",
    "constraints",
    "categoriesOrdered",
    "verbatim",
}
_CONSTRAINTS = {
    "string": {"required", "unique", "enum", "pattern", "minLength", "maxLength"},
    "integer": {"required", "unique", "minimum", "maximum"},
    "number": {"required", "unique", "minimum", "maximum"},
    "date": {"required", "unique", "minimum", "maximum"},
}
# The CSV dialect every table is read with; a descriptor may restate it, not change it.
_DIALECT = {
    "delimiter": ",",
    "quoteChar": '"',
    "doubleQuote": True,
    "header": True,
    "headerRow": 1,
    "lineTerminator": "\r\n",
    "skipInitialSpace": False,
}
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*", re.ASCII)
_INTEGER = re.compile(r"[+-]?[0-9]+", re.ASCII)
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
# pandas holds dates as nanoseconds since 1970 in 64 bits (1677-09-22..2262-04-11), and the
# pages do date arithmetic (a month back, an axis padded by days): a source dated 1677-09-30
# validated, then stopped the build with "Out of bounds timestamp". These bounds leave room.
DATE_MIN = dt.date(1800, 1, 1)
DATE_MAX = dt.date(2199, 12, 31)
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
# C0 and C1 controls except tab and line feed; the Unicode line and paragraph separators; and
# U+FFFE/U+FFFF, which XML (and so the Excel workbook) cannot hold.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
# Spreadsheets start a formula at these; see the "Downloads" section of CODEBOOK.md.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Where a spreadsheet may start reading a cell: the start of the text, and after a line break,
# a tab or a ';' (a CSV opened where ';' separates cells splits an unquoted cell there).
_CELL_STARTS = re.compile(r"^|[;\t\r\n]")
# Blanks a spreadsheet skips before a formula: white space and zero-width characters.
_BLANKS = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]*")


def formula_at(text: str) -> int | None:
    """Where a spreadsheet would find a formula in ``text`` (an index), or None.

    >>> formula_at(" =1+1"), formula_at("a;\\uff1dcmd"), formula_at("a\\n  @SUM(A1)")
    (1, 2, 4)
    >>> formula_at("Accept - in principle; see below") is None
    True
    """
    if text.startswith(("\t", "\r")):
        return 0
    for start in _CELL_STARTS.finditer(text):
        at = _BLANKS.match(text, start.end()).end()
        if at < len(text) and unicodedata.normalize("NFKC", text[at])[:1] in "=+-@":
            return at
    return None


class _Locator:
    """Finds the line of a resource or field in the descriptor's text, for messages."""

    def __init__(self, text: str):
        self.text = text

    def line(
        self, resource: object = None, field_name: object = None, key: str | None = None
    ) -> int | None:
        if resource is None and key is not None:
            found = re.search(re.escape(_json_string(key)) + r"\s*:", self.text)
            return self.text.count("\n", 0, found.start()) + 1 if found else None
        start = self.text.find('"resources"')
        if start < 0 or not isinstance(resource, str):
            return None
        hit = self._name(resource, start)
        if hit is None:
            return None
        if isinstance(field_name, str):
            hit = self._name(field_name, hit) or hit
        return self.text.count("\n", 0, hit) + 1

    def _name(self, name: str, after: int) -> int | None:
        found = re.compile(r'"name"\s*:\s*' + re.escape(_json_string(name))).search(
            self.text, after
        )
        return found.start() if found else None


def _json_string(value: str) -> str:
    return json.dumps(value)


def _check_date_text(value: object) -> bool:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return False
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return False
    return DATE_MIN <= day <= DATE_MAX


def load_package(data_dir: Path) -> tuple[dict[str, Table], list[Problem]]:
    """Every table the descriptor declares, or every problem with the descriptor.

    The tables are returned only when the descriptor has no problem at all: a schema that is
    wrong or not understood cannot be used to judge the data.
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        what = "nothing" if not data_dir.exists() else "not a folder"
        return {}, [
            Problem(
                str(data_dir),
                None,
                None,
                what,
                f"a data folder holding {DESCRIPTOR} and the tables it lists",
                "missing-folder",
            )
        ]
    try:
        text, descriptor = read_descriptor_text(data_dir)
    except PathRefused as refused:
        if refused.kind == "missing-file":
            expected = f"a {DESCRIPTOR} in {data_dir}: the descriptor that lists the tables"
            return {}, [Problem(DESCRIPTOR, None, None, None, expected, "missing-descriptor")]
        return {}, [Problem(DESCRIPTOR, None, None, None, refused.reason, "path-error")]
    except UnicodeDecodeError as error:
        return {}, [
            Problem(DESCRIPTOR, None, None, f"byte at {error.start}", "UTF-8", "encoding-error")
        ]
    except ValueError as error:
        line = getattr(error, "lineno", None)
        found = getattr(error, "msg", None) or str(error)
        if getattr(error, "colno", None):
            found += f" at character {error.colno}"
        return {}, [Problem(DESCRIPTOR, line, None, found, "valid JSON", "descriptor-error")]
    # Keyed on the text (the parsed dict is equal whenever the text is): loaders ask many times.
    if text not in _CHECKED:
        problems = _DescriptorCheck(text).check(descriptor)
        tables = (
            {}
            if problems
            else {t.name: t for t in map(Table.from_descriptor, descriptor["resources"])}
        )
        _CHECKED[text] = (tables, problems)
    tables, problems = _CHECKED[text]
    return dict(tables), list(problems)


_CHECKED: dict[str, tuple[dict[str, Table], list[Problem]]] = {}


@cache
def _safe_pattern(pattern: str) -> SafePattern:
    return SafePattern(pattern)


class _DescriptorCheck:
    """Every problem of a parsed descriptor: structure, references, unsupported features."""

    def __init__(self, text: str):
        self.where = _Locator(text)
        self.problems: list[Problem] = []
        self.resources: object = None

    def add(
        self, kind: str, found: str, expected: str, resource=None, field_name=None, key=None
    ) -> None:
        column = field_name if isinstance(field_name, str) else None
        line = self.where.line(resource, field_name, key)
        self.problems.append(Problem(DESCRIPTOR, line, column, found, expected, kind))

    def unknown_keys(self, d: dict, allowed: set, what: str, resource=None, field_name=None):
        for key in d:
            if key not in allowed:
                self.add(
                    "unsupported-feature",
                    f"{what} key {key!r}",
                    "only features this validator checks: " + ", ".join(sorted(allowed)),
                    resource,
                    field_name,
                )

    def control_characters(self, value: object, where: str) -> None:
        """Descriptor text reaches the pages (titles, enum values, version): plain text only."""
        if isinstance(value, dict):
            for key, item in value.items():
                path = f"{where}.{key}" if where else str(key)
                if key in ("title", "description") and not isinstance(item, str):
                    # Titles and descriptions are printed on the pages: text, nothing else.
                    self.add("descriptor-error", f"{path} {str(item)[:40]}", "text", key=key)
                    continue
                self.control_characters(item, path)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self.control_characters(item, f"{where}[{i}]")
        elif isinstance(value, str) and _CONTROL.search(value):
            bad = _CONTROL.search(value)
            assert bad is not None
            # Locate by the resource (and field) the text belongs to, where it belongs to one.
            place = re.match(r"resources\[(\d+)\](?:\.schema\.fields\[(\d+)\])?", where)
            resource = field_name = None
            if place and isinstance(self.resources, list):
                r = self.resources[int(place.group(1))]
                resource = r.get("name") if isinstance(r, dict) else None
                if place.group(2) is not None and isinstance(r, dict):
                    fields = (r.get("schema") or {}).get("fields") or []
                    f = fields[int(place.group(2))] if isinstance(fields, list) else None
                    field_name = f.get("name") if isinstance(f, dict) else None
            self.add(
                "control-character",
                f"U+{ord(bad.group()):04X} in {where}",
                "text without control characters (line breaks and tabs are fine)",
                resource,
                field_name,
                key=None if resource else where.split(".")[0].split("[")[0],
            )

    def check(self, d: object) -> list[Problem]:
        if not isinstance(d, dict):
            self.add("descriptor-error", type(d).__name__, "a JSON object")
            return self.problems
        self.unknown_keys(d, _PACKAGE_KEYS, "package")
        self.resources = d.get("resources")
        self.control_characters(d, "")
        if d.get("profile", "tabular-data-package") not in ("tabular-data-package", "data-package"):
            self.add(
                "unsupported-feature",
                f"profile {str(d['profile'])[:40]!r}",
                "tabular-data-package",
                key="profile",
            )
        for key in ("name", "title", "version", "description"):
            if key in d and not isinstance(d[key], str):
                self.add("descriptor-error", f"{key} {d[key]!r}", f"{key} as text", key=key)
        if "lastModified" in d and not _check_date_text(d["lastModified"]):
            self.add(
                "descriptor-error",
                f"lastModified {str(d['lastModified'])[:40]!r}",
                f"a date as YYYY-MM-DD between {DATE_MIN} and {DATE_MAX}",
                key="lastModified",
            )
        resources = d.get("resources")
        if not isinstance(resources, list) or not resources:
            self.add("descriptor-error", "no resources list", "a list of table resources")
            return self.problems
        names: dict[str, dict] = {}
        paths: set[str] = set()
        for r in resources:
            if not isinstance(r, dict):
                self.add("descriptor-error", f"resource {str(r)[:40]!r}", "a JSON object")
                continue
            name = r.get("name")
            if not isinstance(name, str) or not _NAME.fullmatch(name):
                self.add(
                    "descriptor-error",
                    f"resource name {str(name)[:40]!r}",
                    "a name of lowercase letters, digits, '.', '_' or '-'",
                )
                continue
            if name in names:
                self.add("descriptor-error", f"resource {name!r} twice", "unique names", name)
                continue
            names[name] = r
            self.resource(r, name, paths)
        for name, r in names.items():
            self.foreign_keys(r, name, names)
        self.verbatim(names)
        return self.problems

    def resource(self, r: dict, name: str, paths: set[str]) -> None:
        self.unknown_keys(r, _RESOURCE_KEYS, "resource", name)
        path = r.get("path")
        if "data" in r or isinstance(path, list):
            self.add("unsupported-feature", "inline data or a multi-part path", "one path", name)
        elif not isinstance(path, str):
            self.add("descriptor-error", f"path {str(path)[:40]!r}", "a path to a CSV file", name)
        elif path in paths:
            self.add("descriptor-error", f"path {path!r} twice", "one file per resource", name)
        else:
            paths.add(path)
        for key, accepted in (
            ("profile", ("tabular-data-resource",)),
            ("format", ("csv",)),
            ("mediatype", ("text/csv",)),
            ("encoding", ("utf-8", "utf8")),
        ):
            value = r.get(key, accepted[0])
            if not isinstance(value, str) or value.lower() not in accepted:
                self.add("unsupported-feature", f"{key} {str(value)[:40]!r}", accepted[0], name)
        dialect = r.get("dialect", {})
        if not isinstance(dialect, dict) or any(
            _DIALECT.get(k, object()) != v for k, v in dialect.items()
        ):
            self.add(
                "unsupported-feature",
                f"dialect {str(dialect)[:60]}",
                "the default CSV dialect (comma, double quote, one header row)",
                name,
            )
        schema = r.get("schema")
        if not isinstance(schema, dict):
            self.add("unsupported-feature", "no inline schema", "schema as an object", name)
            return
        self.unknown_keys(schema, _SCHEMA_KEYS, "schema", name)
        if schema.get("missingValues", [""]) != [""]:
            self.add(
                "unsupported-feature",
                f"missingValues {str(schema['missingValues'])[:40]}",
                'missingValues [""] (only an empty cell is missing)',
                name,
            )
        fields = schema.get("fields")
        if not isinstance(fields, list) or not fields:
            self.add("descriptor-error", "no fields list", "a list of fields", name)
            return
        seen: set[str] = set()
        for f in fields:
            if not isinstance(f, dict):
                self.add("descriptor-error", f"field {str(f)[:40]!r}", "a JSON object", name)
                continue
            fname = f.get("name")
            if not isinstance(fname, str) or not fname or fname != fname.strip():
                self.add(
                    "descriptor-error",
                    f"field name {str(fname)[:40]!r}",
                    "a non-empty name without spaces around it",
                    name,
                )
                continue
            if _CONTROL.search(fname) or "\n" in fname or "\t" in fname:
                continue  # Reported by control_characters().
            if fname in seen:
                self.add("descriptor-error", f"field {fname!r} twice", "unique names", name, fname)
                continue
            seen.add(fname)
            self.field(f, name, fname)
        pk = _names(schema.get("primaryKey", []))
        if pk is None or any(k not in seen for k in pk) or len(set(pk)) != len(pk):
            shown = str(schema.get("primaryKey"))[:60]
            self.add("descriptor-error", f"primaryKey {shown}", f"fields of {name}", name)

    def field(self, f: dict, resource: str, name: str) -> None:
        self.unknown_keys(f, _FIELD_KEYS, "field", resource, name)
        ftype = f.get("type", "string")
        if ftype not in TYPES:
            self.add(
                "unsupported-feature",
                f"type {str(ftype)[:40]!r}",
                "one of the types " + ", ".join(TYPES),
                resource,
                name,
            )
            return
        if f.get("format", "default") != "default":
            self.add(
                "unsupported-feature",
                f"format {str(f['format'])[:40]!r}",
                "the default format of the type",
                resource,
                name,
            )
        for flag in ("verbatim", "categoriesOrdered"):
            if not isinstance(f.get(flag, False), bool):
                self.add("descriptor-error", f"{flag} {f[flag]!r}", "true or false", resource, name)
        if f.get("verbatim") and ftype != "string":
            self.add("descriptor-error", "verbatim on a " + ftype, "a string", resource, name)
        c = f.get("constraints", {})
        if not isinstance(c, dict):
            self.add("descriptor-error", f"constraints {c!r}", "an object", resource, name)
            return
        for key, value in c.items():
            if key not in _CONSTRAINTS[ftype]:
                self.add(
                    "unsupported-feature",
                    f"constraint {key!r} on a {ftype} field",
                    "only " + ", ".join(sorted(_CONSTRAINTS[ftype])),
                    resource,
                    name,
                )
            elif not self.constraint_value(ftype, key, value):
                self.add(
                    "descriptor-error",
                    f"{key} {str(value)[:60]!r}",
                    f"a {key} value a {ftype} field can use",
                    resource,
                    name,
                )
        if "pattern" in c and isinstance(c["pattern"], str):
            try:
                SafePattern(c["pattern"])
            except UnsafePattern as unsafe:
                self.add(
                    "unsupported-feature",
                    f"pattern {c['pattern'][:60]!r}",
                    f"a pattern without {unsafe}",
                    resource,
                    name,
                )
        if f.get("categoriesOrdered") and "enum" not in c:
            self.add(
                "descriptor-error", "categoriesOrdered without enum", "an enum", resource, name
            )

    @staticmethod
    def constraint_value(ftype: str, key: str, value: object) -> bool:
        if key in ("required", "unique"):
            return isinstance(value, bool)
        if key == "enum":
            return (
                isinstance(value, list)
                and bool(value)
                and all(isinstance(v, str) and v for v in value)
                and len(set(value)) == len(value)
            )
        if key == "pattern":
            return isinstance(value, str)
        if key in ("minLength", "maxLength"):
            return isinstance(value, int) and not isinstance(value, bool) and value >= 0
        # minimum and maximum: of the field's own type.
        if ftype == "date":
            return _check_date_text(value)
        if isinstance(value, bool):
            return False
        if ftype == "integer":
            return isinstance(value, int) and INT_MIN <= value <= INT_MAX
        return isinstance(value, int | float) and math.isfinite(value)

    def foreign_keys(self, r: dict, name: str, resources: dict[str, dict]) -> None:
        schema = r.get("schema")
        if not isinstance(schema, dict):
            return
        own = _field_names(schema)
        fks = schema.get("foreignKeys", [])
        if not isinstance(fks, list):
            self.add("descriptor-error", "foreignKeys not a list", "a list", name)
            return
        for fk in fks:
            try:
                fields = fk["fields"]
                target = fk["reference"]["resource"]
                ref = fk["reference"]["fields"]
            except (TypeError, KeyError):
                self.add(
                    "descriptor-error", f"foreign key {str(fk)[:60]}", "fields, reference", name
                )
                continue
            fields, ref = _names(fields), _names(ref)
            if not isinstance(target, str) or target not in resources:
                self.add(
                    "descriptor-error",
                    f"a foreign key to resource {str(target)[:40]!r}",
                    "a resource of this package: " + ", ".join(resources),
                    name,
                )
                continue
            target_schema = resources[target].get("schema")
            if not isinstance(target_schema, dict) or not isinstance(
                target_schema.get("fields"), list
            ):
                continue  # The target's schema is reported on its own.
            theirs = _field_names(target_schema)
            if (
                fields is None
                or ref is None
                or len(fields) != len(ref)
                or not fields
                or any(x not in own for x in fields)
                or any(x not in theirs for x in ref)
            ):
                self.add(
                    "descriptor-error",
                    f"foreign key {fields!r} -> {target}.{ref!r}",
                    "as many fields on each side, each a field of its table",
                    name,
                )

    def verbatim(self, resources: dict[str, dict]) -> None:
        """Quotes are checked only through source_id and the sources table: require both."""

        def field_names(r: dict) -> set:
            return _field_names(r.get("schema"))

        def has_verbatim(r: dict) -> bool:
            schema = r.get("schema")
            if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
                return False
            return any(isinstance(f, dict) and f.get("verbatim") for f in schema["fields"])

        sources_ok = "sources" in resources and {"source_id", "file"} <= field_names(
            resources["sources"]
        )
        if sources_ok and "sha256" not in field_names(resources["sources"]):
            self.add(
                "descriptor-error",
                "a sources resource without a sha256 column",
                "each source text pinned by its SHA-256 in a required sha256 column",
                "sources",
            )
        for name, r in resources.items():
            schema = r.get("schema") if isinstance(r.get("schema"), dict) else {}
            fields = schema.get("fields") if isinstance(schema.get("fields"), list) else []
            for f in fields:
                if not isinstance(f, dict) or f.get("verbatim"):
                    continue
                column = f.get("name")
                if column in VERBATIM.get(name, ()) or (
                    column == "quote" and "source_id" in field_names(r)
                ):
                    self.add(
                        "descriptor-error",
                        f'column {column!r} without "verbatim": true',
                        "a verbatim quote, checked against its source: which columns are "
                        "quotes is the package's contract, not the descriptor's to switch off",
                        name,
                        column,
                    )
            if not has_verbatim(r):
                continue
            if "source_id" not in field_names(r) or not sources_ok:
                self.add(
                    "descriptor-error",
                    "verbatim fields that cannot be checked",
                    "a source_id column, and a sources resource with source_id and file",
                    name,
                )


def _names(value: object) -> list[str] | None:
    """A key's field names (one name or a list of names), or None if it is neither."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


def _field_names(schema: object) -> set[str]:
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        return set()
    return {
        f["name"]
        for f in schema["fields"]
        if isinstance(f, dict) and isinstance(f.get("name"), str)
    }


# ---------------------------------------------------------------------------------------------
# Cell conversion


def _convert(f: Field, raw: str, pattern: SafePattern | None) -> tuple[object, str | None, str]:
    """The typed value of a non-empty cell, or None, what was expected and the problem kind."""
    if len(raw) > MAX_CELL_CHARS:
        return (
            None,
            f"at most {MAX_CELL_CHARS:,} characters (found {len(raw):,}): the most a spreadsheet "
            "cell holds, so the Excel download would cut it",
            "limit-exceeded",
        )
    if _CONTROL.search(raw) or (f.type != "string" and ("\n" in raw or "\t" in raw)):
        bad = _CONTROL.search(raw) or re.search("[\n\t]", raw)
        assert bad is not None
        return (
            None,
            f"no control character (found U+{ord(bad.group()):04X} at character {bad.start() + 1})",
            "control-character",
        )
    if f.type == "integer":
        if not _INTEGER.fullmatch(raw):
            return (
                None,
                "a whole number in ASCII digits (no spaces, '_' or separators)",
                "type-error",
            )
        # Past 19 digits it cannot fit 64 bits; and int() refuses strings over 4300 digits.
        digits = raw.lstrip("+-").lstrip("0")
        value: object = int(raw) if len(digits) <= 19 else INT_MAX + 1
        if not INT_MIN <= value <= INT_MAX:
            return None, f"a whole number from {INT_MIN} to {INT_MAX}", "out-of-range"
    elif f.type == "number":
        if not _NUMBER.fullmatch(raw):
            return (
                None,
                "a number (ASCII digits, optional decimal point, no units or commas)",
                "type-error",
            )
        value = float(raw)
        if not math.isfinite(value):
            return None, "a finite number", "out-of-range"
    elif f.type == "date":
        try:
            if not _DATE.fullmatch(raw):
                raise ValueError
            value = dt.date.fromisoformat(raw)
        except ValueError:
            return None, "a date as YYYY-MM-DD", "type-error"
        if not DATE_MIN <= value <= DATE_MAX:
            return None, f"a date from {DATE_MIN} to {DATE_MAX}", "out-of-range"
    else:
        value = raw
        at = formula_at(raw)
        if at is not None:
            return (
                None,
                "text in which nothing a spreadsheet could read as a cell (the start, or what "
                "follows a line break, a tab or a ';') begins, after spaces, with =, +, -, @ or "
                f"a full-width form of one, nor starts with a tab or a carriage return (found at "
                f"character {at + 1}; a spreadsheet would run it as a formula)",
                "formula-risk",
            )
    c = f.constraints
    if f.enum and raw not in f.enum:
        return None, "one of " + ", ".join(f.enum), "constraint-error"
    if pattern is not None and not pattern.fullmatch(raw):
        return None, f"text matching {c['pattern']}", "constraint-error"
    if "minLength" in c and len(raw) < c["minLength"]:
        return None, f"at least {c['minLength']} characters", "constraint-error"
    if "maxLength" in c and len(raw) > c["maxLength"]:
        return None, f"at most {c['maxLength']} characters (found {len(raw)})", "constraint-error"
    if "minimum" in c and value < _bound(f, c["minimum"]):
        return None, f"a value of at least {c['minimum']}", "constraint-error"
    if "maximum" in c and value > _bound(f, c["maximum"]):
        return None, f"a value of at most {c['maximum']}", "constraint-error"
    return value, None, ""


def _bound(f: Field, value: object) -> object:
    return dt.date.fromisoformat(value) if f.type == "date" else value  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# CSV records


# A quoted cell: doubled quotes inside, ended by a quote. Written without nested alternation so
# a long cell costs linear time.
_QUOTED = re.compile(r'"[^"]*(?:""[^"]*)*"')
_PLAIN = re.compile(r'[^,"\n]*')
_LITERAL = re.compile(r"[^,\n]*")
# A whole well-formed record, and its cells: the fast path, in C, for every ordinary line.
# Possessive repeats: a record that does not match fails at once instead of backtracking.
_CELL = r'(?:"[^"]*+(?:""[^"]*+)*+"|[^,"\n]*+)'
_RECORD = re.compile(rf"{_CELL}(?:,{_CELL})*+(?:\n|\Z)")
_CELLS = re.compile(r'(?:^|,)(?:"([^"]*+(?:""[^"]*+)*+)"|([^,"\n]*+))')


def _records(text: str) -> tuple[list[tuple[int, list[str], bool]], list[tuple[int, int, str]]]:
    """Split CSV text into records, reporting malformed quoting where it starts.

    Returns the records as (line, cells, malformed) and the quoting faults as (line, cell
    index, what was found). After a fault the reader treats the offending quote as an ordinary
    character up to the end of the cell, so one stray quote never swallows the rest of the file
    and every later problem is still reported.
    """
    records: list[tuple[int, list[str], bool]] = []
    faults: list[tuple[int, int, str]] = []
    pos, line, n = 0, 1, len(text)
    while pos < n:
        start_line = line
        fast = _RECORD.match(text, pos)
        if fast is not None:
            record = fast.group()
            pos = fast.end()
            line += record.count("\n")
            body = record[:-1] if record.endswith("\n") else record
            cells = [q.replace('""', '"') if q else p for q, p in _CELLS.findall(body)]
            records.append((start_line, cells, False))
            continue
        cells = []
        malformed = False
        while True:
            if pos < n and text[pos] == '"':
                m = _QUOTED.match(text, pos)
                after = m.end() if m else n
                if m and (after == n or text[after] in ",\n"):
                    cells.append(m.group()[1:-1].replace('""', '"'))
                    line += m.group().count("\n")
                    pos = after
                else:
                    what = (
                        "a quote that opens the cell and is never closed"
                        if m is None
                        else f"{text[after]!r} after the quote that closes the cell"
                        if "\n" not in m.group()
                        else "a quote that opens the cell and is not closed on its line"
                    )
                    faults.append((line, len(cells), what))
                    malformed = True
                    literal = _LITERAL.match(text, pos)
                    cells.append(literal.group())
                    pos = literal.end()
            else:
                m = _PLAIN.match(text, pos)
                pos = m.end()
                value = m.group()
                if pos < n and text[pos] == '"':
                    faults.append((line, len(cells), "a quote inside an unquoted cell"))
                    malformed = True
                    literal = _LITERAL.match(text, pos)
                    value += literal.group()
                    pos = literal.end()
                cells.append(value)
            if pos >= n:
                break
            if text[pos] == ",":
                pos += 1
                continue
            pos += 1  # The line feed that ends the record.
            line += 1
            break
        records.append((start_line, cells, malformed))
    return records, faults


# ---------------------------------------------------------------------------------------------
# One table


def parse_table(table: Table, data_dir: Path) -> tuple[ParsedTable, list[Problem]]:
    """Read one CSV against its schema; return its typed rows and every problem found."""
    parsed = ParsedTable(table)
    name = table.path
    try:
        raw = read_inside(data_dir, table.path)
    except PathRefused as refused:
        return parsed, [
            Problem(
                name,
                None,
                None,
                None,
                f"{refused.reason}: the path {table.path!r} declared in {DESCRIPTOR}",
                refused.kind,
            )
        ]
    if len(raw) > MAX_TABLE_BYTES:
        return parsed, [_too_large(name, len(raw), MAX_TABLE_BYTES)]
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
                "encoding-error",
            )
        ]
    if not text.strip():
        header = ",".join(table.field_names)
        return parsed, [
            Problem(name, 1, None, "an empty file", f"a header row: {header}", "blank-table")
        ]

    # CRLF files (as spreadsheet programs save them) are fine: their cells must read the same.
    text = text.replace("\r\n", "\n")
    problems: list[Problem] = []
    records, faults = _records(text)
    header_line, header, _ = records[0]
    records = records[1:]
    # Checked before anything reads the header or the rows, so their cost stays bounded.
    if len(header) > MAX_COLUMNS:
        found = f"{len(header):,} columns in the header"
        expected = f"at most {MAX_COLUMNS:,} columns (the limit in README.md)"
        return parsed, [Problem(name, header_line, None, found, expected, "limit-exceeded")]
    if len(records) > MAX_ROWS:
        found = f"{len(records):,} rows"
        expected = f"at most {MAX_ROWS:,} rows a table (the limit in README.md)"
        return parsed, [Problem(name, None, None, found, expected, "limit-exceeded")]
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

    records = [r for r in records if r[1] != [""]]  # A blank line is not a row.
    if not records:
        problems.append(
            Problem(
                name, 2, None, "a header row and no data", "at least one data row", "blank-table"
            )
        )

    fields = {f.name: f for f in table.fields}
    patterns = {
        f.name: _safe_pattern(f.constraints["pattern"])
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
            value, expected, kind = _convert(f, cell, patterns.get(column))
            if expected:
                problems.append(Problem(name, line, column, cell, expected, kind))
            row[column] = value
        parsed.rows.append(row)
        parsed.lines.append(line)

    problems += _check_unique(parsed)
    parsed.loaded = not problems
    return parsed, problems


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


# Each CSV is parsed once per process for each content of the file under each schema: a build,
# a page's context and the checks ask for the same tables many times. Read only once parsed.
_PARSED: dict[tuple, tuple[ParsedTable, list[Problem]]] = {}
_PARSED_KEPT = 256


def _parse_once(table: Table, data_dir: Path) -> tuple[ParsedTable, list[Problem]]:
    """``parse_table``, from memory when the same bytes were parsed under the same schema."""
    try:
        # The stated limits are part of the key: a parse under other limits says other things.
        limits = (MAX_TABLE_BYTES, MAX_ROWS, MAX_COLUMNS, MAX_CELL_CHARS)
        content = hashlib.sha256(read_inside(data_dir, table.path)).hexdigest()
        key = (repr(table), content, limits)
    except PathRefused:
        return parse_table(table, data_dir)  # Said by parse_table, as a problem.
    if key not in _PARSED:
        if len(_PARSED) >= _PARSED_KEPT:
            del _PARSED[next(iter(_PARSED))]
        _PARSED[key] = parse_table(table, data_dir)
    parsed, problems = _PARSED[key]
    return parsed, list(problems)


CODEBOOK = "CODEBOOK.md"
# The codebook is read whole into one page; this is far above any real set of coding rules.
CODEBOOK_MAX_BYTES = 1_000_000
# Characters a Markdown file may not hold: control characters but tab and the line breaks.
_TEXT_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _line_and_column(text: str, at: int) -> tuple[int, int]:
    """The 1-based line and column of character (or byte) ``at`` of ``text``."""
    line_start = text.rfind("\n", 0, at) + 1
    return text.count("\n", 0, at) + 1, at - line_start + 1


def check_codebook(data_dir: Path) -> tuple[str, list[Problem]]:
    """The text of ``CODEBOOK.md`` ("" if there is none) and its problems.

    The codebook is part of the package: it must be a regular file of the folder (not a
    symbolic link, not a folder or a FIFO), UTF-8, at most :data:`CODEBOOK_MAX_BYTES`, and
    without control characters; each problem names its line and character.
    """
    path = Path(data_dir) / CODEBOOK

    def problem(line, found, expected, kind) -> tuple[str, list[Problem]]:
        return "", [Problem(CODEBOOK, line, None, found, expected, kind)]

    if path.is_symlink():
        return problem(None, "a symbolic link", "a regular file, not a link", "path-error")
    try:
        raw = read_inside(Path(data_dir), CODEBOOK)
    except PathRefused as refused:
        return (
            ("", [])
            if refused.kind == "missing-file"
            else problem(None, None, refused.reason, refused.kind)
        )
    if len(raw) > CODEBOOK_MAX_BYTES:
        return problem(
            None, f"{len(raw):,} bytes", f"at most {CODEBOOK_MAX_BYTES:,} bytes", "limit-exceeded"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _line_and_column(raw.decode("latin-1"), error.start)
        found = f"byte 0x{raw[error.start]:02X} at character {column}"
        return problem(line, found, "UTF-8 text", "encoding-error")
    problems = []
    for bad in _TEXT_CONTROL.finditer(text):
        line, column = _line_and_column(text, bad.start())
        found = f"U+{ord(bad.group()):04X} at character {column}"
        problems.append(
            Problem(
                CODEBOOK, line, None, found, "text without control characters", "control-character"
            )
        )
    return ("" if problems else text), problems[:_EXAMPLES]


def check_package(data_dir: Path, names: Iterable[str] | None = None) -> PackageReport:
    """Check every table (or the named ones), the keys between them and every quote."""
    tables, problems = load_package(data_dir)
    if problems:
        return PackageReport(data_dir, {}, problems)

    wanted = list(tables) if names is None else list(names)
    report = PackageReport(data_dir, {}, [])
    for name in wanted:
        _record_read(name)
        parsed, problems = _parse_once(tables[name], data_dir)
        report.tables[name] = parsed
        report.problems += problems
    if names is None:
        report.problems += check_codebook(data_dir)[1]
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
            if target is None or not target.rows or target.dropped:
                # The target's own problems are reported; keys into rows it could not read
                # would only repeat them.
                continue
            valid = {tuple(r.get(c) for c in fk.reference_fields) for r in target.rows}
            valid.discard(tuple(None for _ in fk.reference_fields))
            shown_valid = [", ".join(map(str, v)) for v in sorted(valid, key=str)]
            examples = ", ".join(s[:30] for s in shown_valid[:_EXAMPLES]) + (
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
                        "foreign-key",
                    )
                )
    return problems


def _check_quotes(tables: dict[str, ParsedTable], data_dir: Path) -> tuple[list[Problem], int]:
    """Problems with quotes, and how many were checked."""
    sources = tables.get("sources")
    if sources is None:
        return [], 0
    problems: list[Problem] = []
    texts: dict[str, str] = {}
    for row, line in zip(sources.rows, sources.lines, strict=True):
        if row.get("source_id") is None or row.get("file") is None:
            continue
        try:
            raw = read_inside(data_dir, row["file"])
            if len(raw) > MAX_SOURCE_BYTES:
                problems.append(_too_large(row["file"], len(raw), MAX_SOURCE_BYTES))
                continue
            texts[row["source_id"]] = provenance.normalise(raw.decode("utf-8"))
            pinned, actual = row.get("sha256"), provenance.digest(raw)
            if pinned is not None and pinned != actual:
                # A changed text may no longer say what the rows quote from it: every quote of
                # it is checked again, and the new digest recorded, before it validates.
                problems.append(
                    Problem(
                        sources.table.path,
                        line,
                        "sha256",
                        actual,
                        f"the digest pinned for {row['file']} ({pinned[:12]}…): the text has "
                        "changed; check its rows' quotes against it, then pin its new digest",
                        "source-changed",
                    )
                )
        except PathRefused as refused:
            # The message names the path the data gave, never anything read from it.
            problems.append(
                Problem(sources.table.path, line, "file", row["file"], refused.reason, refused.kind)
            )
        except UnicodeDecodeError:
            problems.append(
                Problem(
                    sources.table.path,
                    line,
                    "file",
                    row["file"],
                    "a source text in UTF-8",
                    "source-error",
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
                failed = provenance.check_quote(quote, text)
                if failed is None:
                    continue
                kind, fragment = failed
                if kind == "quote-too-short":
                    expected = (
                        f"a quote of at least {provenance.MIN_WORDS} words in each part "
                        "between ellipses (see CODEBOOK.md, Quotes)"
                    )
                elif kind == "quote-scattered":
                    expected = (
                        f"each part of the quote within {provenance.MAX_GAP} characters after "
                        f"the part before it in source {row['source_id']!r}, so that the "
                        "quote is one passage (see CODEBOOK.md, Quotes)"
                    )
                else:
                    nearest = provenance.nearest_passage(fragment, text, width=_SHOWN)
                    expected = f"a verbatim passage of source {row['source_id']!r}; " + (
                        f"the nearest passage there reads {_shorten(nearest)}"
                        if nearest
                        else "no passage there shares a word with it"
                    )
                problems.append(Problem(parsed.table.path, line, column, fragment, expected, kind))
    return problems, checked
