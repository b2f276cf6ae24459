"""The whole package: every table, the keys between them, every quote, the codebook, meaning.

The top of the validation layers: it runs the descriptor's checks, parses each table (once
per process for the same bytes), then the rules across tables, the codebook's checks and the
rules of meaning, and returns one :class:`PackageReport`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .codebook import check_codebook
from .cross_table import check_foreign_keys, check_quotes
from .descriptor import check_descriptor
from .meaning import check_meaning
from .problems import Problem
from .tables import ParsedTable, parse_once

log = logging.getLogger(__name__)


@dataclass
class PackageReport:
    """The outcome of checking a data folder: parsed tables, problems and counts."""

    data_dir: Path
    tables: dict[str, ParsedTable]
    problems: list[Problem]
    quotes_checked: int = 0
    # Gaps that can be legitimate (see ``meaning``): shown to the user, never failing.
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def frames(self) -> dict[str, pd.DataFrame]:
        return {name: parsed.to_frame() for name, parsed in self.tables.items()}


def check_package(data_dir: Path, names: Iterable[str] | None = None) -> PackageReport:
    """Check every table (or the named ones), the keys between them and every quote."""
    tables, problems = check_descriptor(data_dir)
    if problems:
        log.debug("%s: the descriptor has %d problem(s)", data_dir, len(problems))
        return PackageReport(data_dir, {}, problems)

    wanted = list(tables) if names is None else list(names)
    report = PackageReport(data_dir, {}, [])
    for name in wanted:
        parsed, problems = parse_once(tables[name], data_dir)
        report.tables[name] = parsed
        report.problems += problems
    if names is None:
        report.problems += check_codebook(data_dir)[1]
        report.problems += check_foreign_keys(report.tables)
        quote_problems, report.quotes_checked = check_quotes(report.tables, data_dir)
        report.problems += quote_problems
        meaning_errors, report.warnings = check_meaning(report.frames(), report.tables)
        report.problems += meaning_errors
    log.debug(
        "%s: %d table(s) checked, %d problem(s), %d warning(s)",
        data_dir,
        len(report.tables),
        len(report.problems),
        len(report.warnings),
    )
    return report
