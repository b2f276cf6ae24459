"""Validation of meaning: rows that fit the schema but contradict each other or the codebook.

The schema checks (``tables``, ``cross_table``) see one cell or one key at a time, so data can be valid
and still wrong: a report with two dates makes a phantom column on the site, a progress row
linked to another recommendation's promise is shown as that promise delivered. Each rule here
is one function taking the typed frames (``PackageReport.frames()``) and, for line numbers, the
parsed tables (``PackageReport.tables``), and returning :class:`Problem` objects that name file,
line and column like every other check.

Rules are errors where they always hold, and warnings where a gap can be legitimate (an actor
that did not respond to every recommendation); :func:`check_meaning` returns the two apart, so
warnings can be shown without failing the build. Each rule has a stable code in :data:`RULES`.

>>> import munro_data
>>> frames = {name: munro_data.load_table(name) for name in munro_data.list_tables()}
>>> errors, warnings = check_meaning(frames)
>>> errors
[]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping

import pandas as pd

from .problems import Problem
from .tables import ParsedTable

Frames = Mapping[str, pd.DataFrame]
# ``PackageReport.tables``: name -> ParsedTable, read only for ``.table.path`` and ``.lines``.
Parsed = Mapping[str, ParsedTable] | None

# Text that pandas or Python prints for a missing value. A cell holding one of these words is
# shown on the site as that word, never as a gap, so an empty cell is the only way to say "none".
MISSING_WORDS = frozenset({"nan", "none", "nat", "null", "<na>"})


# ---------------------------------------------------------------------------------------------
# Locating rows


def _file(name: str, parsed: Parsed) -> str:
    table = (parsed or {}).get(name)
    return table.table.path if table is not None else f"{name}.csv"


def _line(name: str, index: int, parsed: Parsed) -> int:
    """The CSV line row ``index`` starts on; without the parsed table, assume one line per row."""
    table = (parsed or {}).get(name)
    if table is not None and index < len(table.lines):
        return table.lines[index]
    return index + 2


def _problem(
    kind: str, name: str, index: int, column: str, found: object, expected: str, parsed: Parsed
) -> Problem:
    return Problem(
        file=_file(name, parsed),
        line=_line(name, index, parsed),
        column=column,
        found=None if found is None else str(found),
        expected=expected,
        kind=kind,
    )


def _day(value: object) -> str:
    return pd.Timestamp(value).date().isoformat()


def _present(value: object) -> bool:
    return value is not None and not pd.isna(value)


# ---------------------------------------------------------------------------------------------
# Errors


def check_one_as_of_per_report(frames: Frames, parsed: Parsed = None) -> list[Problem]:
    """National progress rows of one report (``source_id`` and ``reported_by``) share one ``as_of``.

    The site makes one column per report date, so a stray date makes a phantom report. The odd
    rows are named and the date most of the report's rows carry is expected. Local rows are left
    out: a council's own paper may give several updates of its own work, each with its date.

    >>> progress = pd.DataFrame({
    ...     "source_id": ["gov-2014"] * 3, "reported_by": ["government"] * 3,
    ...     "scope": ["national"] * 3,
    ...     "as_of": pd.to_datetime(["2014-06-30", "2014-07-30", "2014-06-30"]),
    ... })
    >>> [str(p) for p in check_one_as_of_per_report({"progress": progress})]  # doctest: +ELLIPSIS
    ["progress.csv, line 3, column 'as_of': found '2014-07-30'; expected 2014-06-30, ..."]
    """
    progress = frames.get("progress")
    if progress is None or progress.empty:
        return []
    # Positions, not labels, locate rows: a caller's frame may carry another index.
    progress = progress.reset_index(drop=True)
    national = progress[(progress["scope"] == "national") & progress["as_of"].notna()]
    problems = []
    for (source_id, reporter), rows in national.groupby(
        ["source_id", "reported_by"], sort=False, observed=True
    ):
        counts = Counter(rows["as_of"])
        if len(counts) < 2:
            continue
        # Most rows carry the report's date; on a tie, the first row's date is taken as its own.
        majority = max(counts, key=lambda d: (counts[d], -list(rows["as_of"]).index(d)))
        for index, as_of in rows["as_of"].items():
            if as_of != majority:
                problems.append(
                    _problem(
                        "report-as-of",
                        "progress",
                        index,
                        "as_of",
                        _day(as_of),
                        f"{_day(majority)}, the as_of of {counts[majority]} other national rows "
                        f"of the report {source_id!r} by {reporter!r} (one report, one date)",
                        parsed,
                    )
                )
    return problems


def check_commitment_of_same_recommendation(frames: Frames, parsed: Parsed = None) -> list[Problem]:
    """A progress row's ``commitment_id`` names a commitment of the row's own ``rec_id``.

    Otherwise the timeline shows another recommendation's promise as delivered (or late) under
    this one. Unknown commitment ids are left to the foreign-key check.

    >>> commitments = pd.DataFrame({"commitment_id": ["gov-r14-1"], "rec_id": [14]})
    >>> progress = pd.DataFrame({"rec_id": [15], "commitment_id": ["gov-r14-1"]})
    >>> [str(p) for p in check_commitment_of_same_recommendation(
    ...     {"progress": progress, "commitments": commitments})]  # doctest: +ELLIPSIS
    ["progress.csv, line 2, column 'commitment_id': found 'gov-r14-1 (a commitment of ...]
    """
    progress, commitments = frames.get("progress"), frames.get("commitments")
    if progress is None or commitments is None:
        return []
    rec_of = {
        c: r
        for c, r in zip(commitments["commitment_id"], commitments["rec_id"], strict=True)
        if _present(c) and _present(r)
    }
    problems = []
    for index, (rec_id, commitment_id) in enumerate(
        zip(progress["rec_id"], progress["commitment_id"], strict=True)
    ):
        if not (_present(rec_id) and _present(commitment_id)) or commitment_id not in rec_of:
            continue
        if rec_of[commitment_id] != rec_id:
            problems.append(
                _problem(
                    "commitment-recommendation",
                    "progress",
                    index,
                    "commitment_id",
                    f"{commitment_id} (a commitment of recommendation {rec_of[commitment_id]})",
                    f"a commitment of recommendation {rec_id}, the row's rec_id, or an empty cell",
                    parsed,
                )
            )
    return problems


def check_dates_in_order(frames: Frames, parsed: Parsed = None) -> list[Problem]:
    """No event after the report that states it; no promise due well before it was made.

    A progress ``event_date`` after the row's ``as_of`` is always wrong: the codebook leaves
    ``event_date`` empty where a month alone is the report's own month, so even a month-only
    event cannot end after its report.

    A commitment's ``due_date`` is the last day of the period promised, and a source dated by
    month alone is stored as that month's last day, so both can stand for a whole month. Only a
    clear contradiction is flagged: a due period ending more than a month before the earliest
    day the source can have been written (the 1st of its month when its date is a month's last
    day). The month of slack allows for a promise reproduced in a later document (the
    Government's July 2011 response, quoted in Salford's summer paper).

    >>> sources = pd.DataFrame({"source_id": ["s"], "date": pd.to_datetime(["2011-08-31"])})
    >>> commitments = pd.DataFrame({"source_id": ["s", "s"],
    ...     "due_date": pd.to_datetime(["2011-07-31", "2011-06-30"])})
    >>> [p.line for p in check_dates_in_order({"sources": sources, "commitments": commitments})]
    [3]
    """
    problems = []
    progress = frames.get("progress")
    if progress is not None:
        for index, (event, as_of) in enumerate(
            zip(progress["event_date"], progress["as_of"], strict=True)
        ):
            if _present(event) and _present(as_of) and event > as_of:
                problems.append(
                    _problem(
                        "date-order",
                        "progress",
                        index,
                        "event_date",
                        _day(event),
                        f"a date on or before the row's as_of {_day(as_of)}: an event is never "
                        "dated after the report that states it (a month alone that is the "
                        "report's own month leaves event_date empty)",
                        parsed,
                    )
                )

    sources, commitments = frames.get("sources"), frames.get("commitments")
    if sources is None or commitments is None:
        return problems
    made = {
        s: d
        for s, d in zip(sources["source_id"], sources["date"], strict=True)
        if _present(s) and _present(d)
    }
    for index, (source_id, due) in enumerate(
        zip(commitments["source_id"], commitments["due_date"], strict=True)
    ):
        if not _present(due) or source_id not in made:
            continue
        date = pd.Timestamp(made[source_id])
        earliest = date.replace(day=1) if date.is_month_end else date
        bound = earliest - pd.DateOffset(months=1)
        if due < bound:
            problems.append(
                _problem(
                    "date-order",
                    "commitments",
                    index,
                    "due_date",
                    _day(due),
                    f"a due date on or after {_day(bound)}: the source {source_id!r} is dated "
                    f"{_day(date)}, and a promise is not due more than a month before the "
                    "document that makes it",
                    parsed,
                )
            )
    return problems


def check_no_missing_words(frames: Frames, parsed: Parsed = None) -> list[Problem]:
    """No text cell is literally "nan", "None", "NaT", "null" or "<NA>" (any case).

    Such a cell is usually a missing value that went through pandas or Python as text; the site
    would print the word. An empty cell is how the tables say "no value".

    >>> actors = pd.DataFrame({"actor_id": ["a", "b"], "name": ["Ofsted", " NaN "]})
    >>> [str(p) for p in check_no_missing_words({"actors": actors})]  # doctest: +ELLIPSIS
    ["actors.csv, line 3, column 'name': found ' NaN '; expected ..."]
    """
    problems = []
    for name, frame in frames.items():
        for column in frame.columns:
            if not (pd.api.types.is_string_dtype(frame[column]) or frame[column].dtype == object):
                continue
            for index, value in enumerate(frame[column]):
                if isinstance(value, str) and value.strip().lower() in MISSING_WORDS:
                    problems.append(
                        _problem(
                            "missing-word",
                            name,
                            index,
                            column,
                            value,
                            "text, or an empty cell for no value (the site would show this word)",
                            parsed,
                        )
                    )
    return problems


# ---------------------------------------------------------------------------------------------
# Warnings


def check_actor_covers_recommendations(frames: Frames, parsed: Parsed = None) -> list[Problem]:
    """Every actor in ``responses`` has a row for every recommendation; a gap is listed.

    A missing stance is a blank cell on the heatmap. It can be legitimate (an actor that wrote
    about some recommendations only), so it is a warning, one per actor, at the actor's first
    row, naming the recommendations missing.

    >>> recommendations = pd.DataFrame({"rec_id": [1, 2, 3]})
    >>> responses = pd.DataFrame(
    ...     {"rec_id": [1, 2, 1, 3], "actor_id": ["gov", "gov", "adcs", "gov"]})
    >>> [str(p) for p in check_actor_covers_recommendations(
    ...     {"recommendations": recommendations, "responses": responses})]  # doctest: +ELLIPSIS
    ["responses.csv, line 4, column 'rec_id': found 'no row of actor adcs for recommendations 2, 3'; ..."]
    """
    recommendations, responses = frames.get("recommendations"), frames.get("responses")
    if recommendations is None or responses is None:
        return []
    every = {int(r) for r in recommendations["rec_id"] if _present(r)}
    first: dict[str, int] = {}
    covered: dict[str, set[int]] = {}
    for index, (actor, rec_id) in enumerate(
        zip(responses["actor_id"], responses["rec_id"], strict=True)
    ):
        if not _present(actor):
            continue
        first.setdefault(actor, index)
        if _present(rec_id):
            covered.setdefault(actor, set()).add(int(rec_id))
    problems = []
    for actor, index in first.items():
        missing = sorted(every - covered.get(actor, set()))
        if missing:
            numbers = ", ".join(map(str, missing))
            problems.append(
                _problem(
                    "actor-coverage",
                    "responses",
                    index,
                    "rec_id",
                    f"no row of actor {actor} for recommendation{'s' if len(missing) > 1 else ''} "
                    f"{numbers}",
                    f"a stance on each of the {len(every)} recommendations, or a gap that is "
                    "meant (the heatmap shows it as a blank cell)",
                    parsed,
                )
            )
    return problems


# ---------------------------------------------------------------------------------------------
def check_place_only_on_local_rows(frames: Frames, parsed: Parsed = None) -> list[Problem]:
    """A progress row of national ``scope`` names no ``place``.

    Only the national code is named here, so a folder whose other scope codes are its own still
    validates. A national row is about England as a whole, so a place on it would be shown on the
    recommendation's page as if the position were one area's (codebook, "Scope and place").

    >>> progress = pd.DataFrame({"scope": ["local", "national"], "place": ["Cornwall", "Kent"]})
    >>> [str(p) for p in check_place_only_on_local_rows({"progress": progress})]  # doctest: +ELLIPSIS
    ["progress.csv, line 3, column 'place': found 'Kent'; expected an empty cell ...]
    """
    progress = frames.get("progress")
    if progress is None or "place" not in progress:
        return []
    return [
        _problem(
            "place-scope",
            "progress",
            index,
            "place",
            place,
            "an empty cell on a national row: only a local row names a place",
            parsed,
        )
        for index, (scope, place) in enumerate(
            zip(progress["scope"], progress["place"], strict=True)
        )
        if _present(place) and str(place) and str(scope) == "national"
    ]


# All rules

Rule = Callable[[Frames, Parsed], list[Problem]]

# Stable code -> (severity, check). Tests and callers should name rules by code, not message.
RULES: dict[str, tuple[str, Rule]] = {
    "report-as-of": ("error", check_one_as_of_per_report),
    "commitment-recommendation": ("error", check_commitment_of_same_recommendation),
    "date-order": ("error", check_dates_in_order),
    "missing-word": ("error", check_no_missing_words),
    "place-scope": ("error", check_place_only_on_local_rows),
    "actor-coverage": ("warning", check_actor_covers_recommendations),
}


def check_meaning(frames: Frames, parsed: Parsed = None) -> tuple[list[Problem], list[Problem]]:
    """Run every rule; return ``(errors, warnings)``. Errors fail validation, warnings do not."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for severity, rule in RULES.values():
        (errors if severity == "error" else warnings).extend(rule(frames, parsed))
    return errors, warnings
