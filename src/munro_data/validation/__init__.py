"""Reading the CSV tables strictly and reporting every problem a user can act on.

The layers import one way, each only from those above it in this list (the import-graph test
in ``tests/test_code_shape.py`` fails on a cycle):

- ``problems``: the stable problem codes (:data:`KINDS`), :class:`Problem` and its error;
  ``limits``: the bounds of what is accepted; ``patterns``: the schema's patterns, in RE2;
- ``descriptor_terms`` and ``descriptor``: the checks of ``datapackage.json``;
- ``records``: the CSV reader;
- ``cells``: one cell typed and checked against its constraints;
- ``tables``: one table parsed against its schema;
- ``cross_table`` (foreign keys, quotes), ``codebook`` and ``meaning``: rules across tables;
- ``package``: the whole package, in one :class:`PackageReport`.

The validator never claims more than it checks: a Table Schema feature it does not implement
is an ``unsupported-feature`` problem, never silently ignored. What it accepts, the loaders and
the Excel export can hold: dates within pandas' range, 64-bit integers, no control characters.
"""

from .cells import FORMULA_START, formula_at
from .codebook import check_codebook
from .descriptor import check_descriptor
from .package import PackageReport, check_package
from .problems import KINDS, DataValidationError, Problem, problem_lines
from .tables import ParsedTable, parse_table

__all__ = [
    "FORMULA_START",
    "KINDS",
    "DataValidationError",
    "PackageReport",
    "ParsedTable",
    "Problem",
    "check_codebook",
    "check_descriptor",
    "check_package",
    "formula_at",
    "parse_table",
    "problem_lines",
]
