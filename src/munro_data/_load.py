"""Loading and checking a data folder: the tables it declares, one table, all of them.

Each loader checks what it reads and raises :class:`DataValidationError` listing every problem;
each records what it read for the site build (see ``trace``).
"""

from __future__ import annotations

import os

import pandas as pd

from ._package import PathRefused, read_inside, resolve_data_dir
from .trace import record_read
from .validation import (
    DataValidationError,
    PackageReport,
    Problem,
    check_codebook,
    check_descriptor,
    check_package,
)


def list_tables(data_dir: str | os.PathLike | None = None) -> list[str]:
    """Names of the tables the data package declares, in its order.

    Raises :class:`DataValidationError` when the folder or its descriptor is missing or wrong.

    >>> list_tables()[:3]
    ['sources', 'themes', 'actors']
    """
    folder = resolve_data_dir(data_dir)
    tables, problems = check_descriptor(folder)
    if problems:
        raise DataValidationError(problems, folder)
    return list(tables)


def load_table(name: str, data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Load one table by name, typed from ``datapackage.json``.

    Raises ``ValueError`` naming the valid tables for an unknown name, and
    :class:`DataValidationError` listing every problem when the table breaks its schema.

    >>> load_table("penguins")
    Traceback (most recent call last):
    ...
    ValueError: unknown table 'penguins'; the tables are: sources, themes, actors, stances, statuses, recommendations, responses, commitments, progress, lead_officers, figures, verdicts, further_recommendations, glossary, general_comments
    """
    folder = resolve_data_dir(data_dir)
    names = list_tables(folder)
    if name not in names:
        raise ValueError(f"unknown table {name!r}; the tables are: {', '.join(names)}")
    record_read(name)
    report = check_package(folder, [name])
    if not report.ok:
        raise DataValidationError(report.problems, folder)
    return report.tables[name].to_frame()


def validate(data_dir: str | os.PathLike | None = None) -> PackageReport:
    """Check every table, every key between tables and every quote; never raises for bad data.

    >>> validate().ok
    True
    """
    report = check_package(resolve_data_dir(data_dir))
    for name in report.tables:
        record_read(name)
    return report


def load_all(data_dir: str | os.PathLike | None = None) -> dict[str, pd.DataFrame]:
    """Load every table after the full check (keys between tables, quotes in sources)."""
    report = validate(data_dir)
    if not report.ok:
        raise DataValidationError(report.problems, report.data_dir)
    return report.frames()


def codebook(data_dir: str | os.PathLike | None = None) -> str:
    """The coding rules (``CODEBOOK.md`` of the data folder), or "" if it has none.

    Raises :class:`DataValidationError` if it is not a regular file of the folder (a symbolic
    link, a folder), not UTF-8, too large or holds control characters (see ``validate``).
    """
    folder = resolve_data_dir(data_dir)
    record_read("file:CODEBOOK.md")
    text, problems = check_codebook(folder)
    if problems:
        raise DataValidationError(problems, folder)
    return text


def source_text(source_id: str, data_dir: str | os.PathLike | None = None) -> str:
    """The full text of a source, as kept in ``data/sources/``."""
    folder = resolve_data_dir(data_dir)
    sources = load_table("sources", folder).set_index("source_id")
    if source_id not in sources.index:
        raise ValueError(
            f"unknown source {source_id!r}; the sources are: {', '.join(sources.index)}"
        )
    # load_table checked the row; validate() checks that the file is inside and readable.
    try:
        return read_inside(folder, sources.loc[source_id, "file"]).decode("utf-8")
    except (PathRefused, UnicodeDecodeError) as error:
        reason = getattr(error, "reason", "a UTF-8 text")
        kind = getattr(error, "kind", "source-error")
        problem = Problem("sources.csv", None, "file", sources.loc[source_id, "file"], reason, kind)
        raise DataValidationError([problem], folder) from None
