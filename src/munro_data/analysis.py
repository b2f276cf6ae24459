"""Derived views the report pages share: status snapshots and commitments against delivery.

These are computed from the tables, never typed in, so a new progress report or another
council's data changes every page that uses them.
"""

from __future__ import annotations

import pandas as pd

# The label of the first snapshot, which the Government response itself provides.
BASELINE = "Government response"
# States the analysis gives a recommendation that no report codes, defined here once and named
# the same at every width: at the Government response, a recommendation it had not accepted
# has no position yet; a report that does not mention a recommendation leaves it not mentioned.
# Neither is a status of statuses.csv.
DERIVED_STATUS_LABELS = {"not_decided": "No position yet", "not_reported": "Not mentioned"}


def combine_statuses(statuses: list[str], ranks: dict[str, int]) -> str:
    """One status for a recommendation from the statuses of its deliverables.

    All delivered is delivered; some delivery is partly delivered; otherwise the most advanced,
    by the ``rank`` column of the statuses table.

    >>> ranks = {"not_adopted": 0, "planned": 1, "in_progress": 2, "partly_delivered": 3,
    ...          "delivered": 4}
    >>> combine_statuses(["delivered", "delivered"], ranks)
    'delivered'
    >>> combine_statuses(["delivered", "in_progress"], ranks)
    'partly_delivered'
    >>> combine_statuses(["not_adopted", "in_progress"], ranks)
    'in_progress'
    >>> combine_statuses(["not_adopted"], ranks)
    'not_adopted'
    """
    found = set(statuses)
    if found == {"delivered"}:
        return "delivered"
    if found & {"delivered", "partly_delivered"}:
        return "partly_delivered"
    return max(found, key=lambda code: ranks.get(code, -1))


def status_snapshots(
    recommendations: pd.DataFrame,
    responses: pd.DataFrame,
    progress: pd.DataFrame,
    sources: pd.DataFrame,
    stances: pd.DataFrame,
    statuses: pd.DataFrame,
) -> pd.DataFrame:
    """The national status of every recommendation at each report, one row per (report, rec).

    The first snapshot is the Government response itself: what it accepted (a positive score
    on the stance scale, "Accept in principle" included) is "planned".
    Each later report (press articles excepted) contributes its national-scope rows; a
    recommendation a report does not mention is "not_reported" there.

    Columns: ``report`` (label), ``as_of`` (date), ``source_id``, ``reported_by``, ``rec_id``,
    ``status`` (a progress status, or ``not_reported`` / ``not_decided``), ``detail``, ``quote``.
    """
    government = responses[responses["actor_id"] == "government"]
    accepting = set(stances.loc[stances["score"] > 0, "stance"].astype(str))
    ranks = dict(zip(statuses["status"], statuses["rank"], strict=True))
    baseline_source = government["source_id"].mode().iloc[0] if len(government) else None
    rows = []
    if baseline_source is not None:
        as_of = sources.set_index("source_id").loc[baseline_source, "date"]
        for rec_id in recommendations["rec_id"]:
            stance = government.loc[government["rec_id"] == rec_id, "stance"]
            decided = len(stance) and str(stance.iloc[0]) in accepting
            quote = government.loc[government["rec_id"] == rec_id, "quote"]
            rows.append(
                {
                    "report": BASELINE,
                    "as_of": as_of,
                    "source_id": baseline_source,
                    "reported_by": "government",
                    "rec_id": rec_id,
                    "status": "planned" if decided else "not_decided",
                    "detail": "Accepted, with work promised." if decided else "No position yet.",
                    "quote": quote.iloc[0] if len(quote) else "",
                }
            )

    # Status reports only: a press summary of a report is not a status report of its own.
    reporting = sources.loc[sources["kind"] != "press_article", "source_id"]
    national = progress[(progress["scope"] == "national") & progress["source_id"].isin(reporting)]
    for (as_of, source_id), report in national.groupby(["as_of", "source_id"], sort=True):
        # A report's own reporter: the Government's status table where the report has one (as
        # Munro's progress report does, beside her own judgements), else its most frequent
        # reporter (Derby's paper). Never a count that one more row of another voice could flip.
        reporters = report["reported_by"].astype(str)
        reporter = "government" if (reporters == "government").any() else reporters.mode().iloc[0]
        own = report[report["reported_by"] == reporter]
        label = f"{sources.set_index('source_id').loc[source_id, 'author']}"
        for rec_id in recommendations["rec_id"]:
            mine = own[own["rec_id"] == rec_id]
            rows.append(
                {
                    "report": label,
                    "as_of": as_of,
                    "source_id": source_id,
                    "reported_by": reporter,
                    "rec_id": rec_id,
                    "status": report_status(mine, ranks) if len(mine) else "not_reported",
                    "detail": " ".join(mine["detail"])
                    if len(mine)
                    else "Not mentioned in this report.",
                    "quote": " … ".join(mine["quote"]) if len(mine) else "",
                }
            )
    frame = pd.DataFrame(rows)
    frame = frame.sort_values(["as_of", "rec_id"], kind="stable").reset_index(drop=True)
    return carry_forward(frame)


def report_status(rows: pd.DataFrame, ranks: dict[str, int]) -> str:
    """The headline status one report gives a recommendation, from its rows on it.

    A row that says the recommendation itself was not adopted (a ``not_adopted`` row not tied to
    one of the commitments) decides the headline, whatever else was done instead: the route
    taken is told by the other rows. Otherwise the deliverables combine as
    :func:`combine_statuses` says.

    >>> ranks = {"not_adopted": 0, "planned": 1, "in_progress": 2, "partly_delivered": 3,
    ...          "delivered": 4}
    >>> rows = pd.DataFrame({"status": ["in_progress", "not_adopted"],
    ...                      "commitment_id": ["c1", None]})
    >>> report_status(rows, ranks)
    'not_adopted'
    >>> report_status(rows.assign(commitment_id=["c1", "c2"]), ranks)
    'in_progress'
    """
    statuses = rows["status"].astype(str)
    unlinked = rows["commitment_id"].isna() if "commitment_id" in rows else True
    if ((statuses == "not_adopted") & unlinked).any():
        return "not_adopted"
    return combine_statuses(list(statuses), ranks)


def carry_forward(snapshots: pd.DataFrame) -> pd.DataFrame:
    """Add the latest *known* status at each report, kept apart from what that report said.

    A report that does not mention a recommendation leaves its last known status standing:
    ``mentioned`` says whether this report spoke of it; ``known_status``, ``known_as_of`` and
    ``known_reporter`` give the latest status reported up to and including this report, and
    when and by whom.
    """
    frame = snapshots.copy()
    frame["mentioned"] = frame["status"] != "not_reported"
    known = frame["status"].where(frame["mentioned"])
    frame["known_status"] = known
    frame["known_as_of"] = frame["as_of"].where(frame["mentioned"])
    frame["known_reporter"] = frame["reported_by"].where(frame["mentioned"])
    columns = ["known_status", "known_as_of", "known_reporter"]
    frame[columns] = frame.groupby("rec_id", sort=False)[columns].ffill()
    frame["known_status"] = frame["known_status"].fillna("not_reported")
    return frame


def status_now(snapshots: pd.DataFrame) -> pd.DataFrame:
    """Each recommendation's latest known status, with the date and reporter of the report.

    Columns: ``rec_id``, ``status``, ``as_of``, ``reported_by``, ``source_id``, ``detail``.
    """
    mentioned = snapshots[snapshots["mentioned"]].sort_values(["rec_id", "as_of"])
    last = mentioned.groupby("rec_id", sort=True).tail(1)
    return last[["rec_id", "status", "as_of", "reported_by", "source_id", "detail"]].reset_index(
        drop=True
    )


def months_between(start: pd.Timestamp, end: pd.Timestamp) -> int:
    """Whole calendar months from ``start`` to ``end`` (negative when ``end`` is earlier).

    >>> months_between(pd.Timestamp("2011-12-31"), pd.Timestamp("2012-04-03"))
    4
    """
    return (end.year - start.year) * 12 + (end.month - start.month)


def commitment_outcomes(
    commitments: pd.DataFrame,
    progress: pd.DataFrame,
    sources: pd.DataFrame,
    as_of: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Each commitment against what the reports up to a counting date said of it.

    The counting date is ``as_of`` if given, else the date of the latest report in the data. A
    promise is judged at that date by one rule (the codebook's "Counting commitments"): delivered
    on time, late, or with no date stated; not adopted; and, while no report says it was done,
    ``open`` only while its due date is still ahead of the counting date. Past its due date it is
    ``open_overdue`` when a report made after the due date said it was still open, and
    ``not_reported_since`` when the last report on it came before its due date: silence is not
    read as "still open".

    Columns: the commitment's own, plus ``made_on`` (date of the source that made it),
    ``counted_at`` (the counting date), ``last_report`` (date of the latest report on it),
    ``last_reporter`` (whose report that is), ``last_source``, ``last_status``, ``delivered_on`` (the
    stated date of delivery), ``delivered_by`` (the first report that says it was delivered),
    ``outcome`` (``on_time``, ``late``, ``delivered_undated`` (after its due date, but the
    report gives no date), ``open_overdue``, ``not_reported_since``, ``open``, ``not_adopted``,
    ``no_report``, ``undated``) and ``months_late`` (delivery, or the last report that said it
    was open, minus the due date; only where both dates are known).
    """
    made = sources.set_index("source_id")["date"]
    if as_of is not None:
        progress = progress[progress["as_of"] <= as_of]
    counted_at = as_of if as_of is not None else progress["as_of"].max()
    out = []
    for _, c in commitments.iterrows():
        reports = progress[progress["commitment_id"] == c["commitment_id"]].sort_values(
            ["as_of", "progress_id"]
        )
        row = c.to_dict() | {
            "made_on": made.get(c["source_id"]),
            "counted_at": counted_at,
            "last_report": pd.NaT,
            "last_reporter": None,
            "last_source": None,
            "last_status": None,
            "delivered_on": pd.NaT,
            "delivered_by": pd.NaT,
            "months_late": pd.NA,
        }
        row |= _last_report(reports)
        row["outcome"], months_late = _outcome(row, c["due_date"], counted_at)
        if months_late is not None:
            row["months_late"] = months_late
        out.append(row)
    frame = pd.DataFrame(out)
    if "months_late" in frame:
        frame["months_late"] = frame["months_late"].astype("Int64")
    return frame


def _last_report(reports: pd.DataFrame) -> dict:
    """What the latest of a commitment's ``reports`` (sorted by date) said, and its delivery."""
    if not len(reports):
        return {}
    last = reports.iloc[-1]
    said = {
        "last_report": last["as_of"],
        "last_reporter": str(last["reported_by"]),
        "last_source": str(last["source_id"]),
        "last_status": str(last["status"]),
    }
    delivered = reports[reports["status"] == "delivered"]
    if len(delivered):
        dated = delivered["event_date"].dropna()
        said["delivered_on"] = dated.min() if len(dated) else pd.NaT
        # Without a stated date, delivery is only known to precede the report.
        said["delivered_by"] = delivered["as_of"].min()
    return said


def _outcome(row: dict, due: pd.Timestamp, counted_at: pd.Timestamp) -> tuple[str, int | None]:
    """A commitment's outcome at ``counted_at`` (see :func:`commitment_outcomes`), and how many
    months late it is where that is known."""
    if pd.isna(due):
        return "undated", None
    if pd.notna(row["delivered_on"]):
        late = months_between(due, row["delivered_on"])
        return ("late" if row["delivered_on"] > due else "on_time"), max(late, 0)
    if pd.notna(row["delivered_by"]):
        return ("on_time" if row["delivered_by"] <= due else "delivered_undated"), None
    if row["last_status"] == "not_adopted":
        return "not_adopted", None
    if row["last_status"] is None:
        return "no_report", None
    if pd.isna(counted_at) or counted_at <= due:
        return "open", None
    if row["last_report"] > due:
        # A report made after the due date said the promise was still open.
        return "open_overdue", months_between(due, row["last_report"])
    # Due, but no report since the due date says anything of it.
    return "not_reported_since", None


# The outcomes as a count, a legend or a column names them. A promise is kept when it is
# delivered or, where it was a promise to consider or decide, decided (codebook, "Counting
# commitments"); one promise's own outcome names which (``pages._counting.outcome_text``).
OUTCOME_LABELS = {
    "on_time": "Kept on time",
    "late": "Kept late",
    "delivered_undated": "Kept (date not stated)",
    "open_overdue": "Reported open after the due date",
    "not_reported_since": "Not reported on since the due date",
    "open": "Not yet due",
    "not_adopted": "Not adopted",
    "no_report": "Never reported on",
    "undated": "No date promised",
}


# Above this many local authorities, charts and tables pool them instead of giving each its
# own column: 152 councils side by side would be unreadable.
POOL_COUNCILS_ABOVE = 8


def split_actors(
    actors: pd.DataFrame, responses: pd.DataFrame, limit: int = POOL_COUNCILS_ABOVE
) -> tuple[list[str], list[str]]:
    """The responding actors to show one by one, and the local authorities to pool.

    The Government comes first, then the others by kind and name. Local authorities are
    pooled only when there are more than ``limit`` of them.
    """
    responding = (
        actors[actors["actor_id"].isin(responses["actor_id"])]
        .assign(first=lambda a: a["actor_id"] != "government")
        .sort_values(["first", "kind", "short_name"])
    )
    councils = responding.loc[responding["kind"] == "local_authority", "actor_id"].tolist()
    everyone = responding["actor_id"].tolist()
    if len(councils) <= limit:
        return everyone, []
    return [a for a in everyone if a not in councils], councils


def median_stance(stances: pd.Series, scale: pd.DataFrame) -> str | None:
    """The median of coded stances, as a stance code (the lower middle for an even count).

    >>> scale = pd.DataFrame({"stance": ["support", "undecided"], "score": [2, 0]})
    >>> median_stance(pd.Series(["support", "support", "undecided"]), scale)
    'support'
    """
    scores = dict(zip(scale["stance"].astype(str), scale["score"], strict=True))
    values = sorted(scores[str(s)] for s in stances.dropna())
    if not values:
        return None
    middle = values[(len(values) - 1) // 2]
    return next(code for code, score in scores.items() if score == middle)
