"""The problems the validator reports: their stable codes, their sentences, their error.

Each check names the file, the line of the CSV, the column, what was found and what was
expected, and all problems of a table are gathered before anything is raised. Every problem
carries a stable ``kind`` (listed in :data:`KINDS`), so code and tests tell problems apart
without reading their sentences, as frictionless's error codes do.

>>> "type-error" in KINDS and "report-as-of" in KINDS
True
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# The stable problem codes. Tests and callers compare these, never the sentences.
KINDS = {
    # Rules of meaning (see meaning.py): the data is well formed but says something impossible.
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


# How many valid values a message lists before it stops.
EXAMPLES = 8
# The most characters of data a message shows, so a hostile 100 KB cell prints one short line.
SHOWN = 80


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
            where += f", column {shorten(self.column, 40)}"
        found = "" if self.found is None else f"found {shorten(self.found)}; "
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


def shorten(value: str, limit: int = SHOWN) -> str:
    """``value`` quoted, cut to ``limit`` characters.

    >>> shorten("x" * 100, 5)
    "'xxxx…'"
    """
    value = value if len(value) <= limit else value[: limit - 1] + "…"
    return repr(value)


def too_large(name: str, size: int, limit: int) -> Problem:
    """A file of ``size`` bytes over its stated ``limit``."""
    return Problem(
        name,
        None,
        None,
        f"{size:,} bytes",
        f"at most {limit:,} bytes (the limit in README.md)",
        "limit-exceeded",
    )
