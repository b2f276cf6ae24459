"""The Munro Review tracker's evidence base as pandas tables.

Every table is a CSV in the data folder, described in its ``datapackage.json``; the loaders read
the types, enums and keys from there. Each loader checks its own table and raises
:class:`DataValidationError` listing every problem; :func:`load_all` also checks the keys between
tables and that every quote occurs in its source.

>>> from munro_data import list_tables, load_recommendations
>>> "recommendations" in list_tables()
True
>>> load_recommendations()["rec_id"].is_unique
True
"""

from __future__ import annotations

from ._load import codebook, list_tables, load_all, load_table, source_text, validate
from ._package import resolve_data_dir
from ._table_loaders import (
    load_actors,
    load_commitments,
    load_figures,
    load_further_recommendations,
    load_general_comments,
    load_glossary,
    load_lead_officers,
    load_progress,
    load_recommendations,
    load_responses,
    load_sources,
    load_stances,
    load_statuses,
    load_themes,
    load_verdicts,
)
from .provenance import find_quote, normalise
from .validation import KINDS, DataValidationError, PackageReport, Problem

__all__ = [
    "DataValidationError",
    "Problem",
    "KINDS",
    "PackageReport",
    "resolve_data_dir",
    "list_tables",
    "load_table",
    "load_all",
    "validate",
    "source_text",
    "codebook",
    "find_quote",
    "normalise",
    "load_sources",
    "load_themes",
    "load_actors",
    "load_stances",
    "load_statuses",
    "load_recommendations",
    "load_responses",
    "load_commitments",
    "load_progress",
    "load_lead_officers",
    "load_figures",
    "load_verdicts",
    "load_further_recommendations",
    "load_glossary",
    "load_general_comments",
]
