"""One rule for counting commitments, used by every sentence, table and chart that counts them.

A count always says what it counts (whose dated promises) and when it was taken (at which
report); the outcomes come from :func:`munro_data.analysis.commitment_outcomes`, so "reported
open after its due date" (a report made after the date said so) is never confused with "not
reported on since its due date" (silence, which says nothing either way).

The codebook states the same rules in words ("Counting commitments" and "Dates").

>>> due_from_text("by late 2012", pd.Timestamp("2011-08-31"))
Timestamp('2012-12-31 00:00:00')
>>> due_from_text("over the summer", pd.Timestamp("2011-08-31"))
Timestamp('2011-08-31 00:00:00')
>>> due_from_text("as soon as practicable", pd.Timestamp("2011-08-31"))
NaT
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from .. import analysis
from ..escape import md
from ._context import Context
from ._parts import counts_phrase, join_words

# The two scopes every count uses: promises made by national bodies (the Government and the
# inspectorate), and councils' promises for their own areas, always counted apart.
NATIONAL = "national"
LOCAL = "local"

# Outcomes in the order a count lists them; "undated" is never part of a count of dated promises.
COUNTED = [k for k in analysis.OUTCOME_LABELS if k != "undated"]
# The outcomes of a promise kept: on time, late, or after its date without saying when.
KEPT = ("on_time", "late", "delivered_undated")


def furthest_statuses(ctx: Context, how_many: int = 2) -> tuple[list[str], str]:
    """The furthest statuses of the statuses table (by rank), and their labels as words.

    A chart's finding counts recommendations at these: "delivered or partly delivered".
    """
    top = ctx.statuses.sort_values("rank", ascending=False).head(how_many)
    return top["status"].astype(str).tolist(), " or ".join(s.lower() for s in top["label"])


def scope_actors(ctx: Context, scope: str) -> list[str]:
    """The actors whose promises a scope counts."""
    if scope == NATIONAL:
        return ctx.national_actors
    if scope == LOCAL:
        return ctx.councils
    raise ValueError(f"unknown scope {scope!r}: expected {NATIONAL!r} or {LOCAL!r}")


def outcomes_at(ctx: Context, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """Every commitment's outcome at a report's date (default: the latest report's)."""
    if as_of is None:
        return ctx.outcomes
    return analysis.commitment_outcomes(ctx.commitments, ctx.progress, ctx.sources, as_of=as_of)


@dataclass(frozen=True)
class Tally:
    """The dated promises of one scope, by outcome, at one date."""

    scope: str
    makers: str
    at: pd.Timestamp | None
    frame: pd.DataFrame = field(repr=False)

    @property
    def total(self) -> int:
        return len(self.frame)

    @property
    def counts(self) -> dict[str, int]:
        found = self.frame["outcome"].value_counts()
        return {k: int(found.get(k, 0)) for k in COUNTED}

    @property
    def scope_words(self) -> str:
        """What is counted, in words: "dated promises made by the Government and Ofsted"."""
        noun = "dated promise" if self.total == 1 else "dated promises"
        if self.scope == LOCAL:
            return f"{noun} made by {self.makers} for their own areas"
        return f"{noun} made by {self.makers}"

    @property
    def kept(self) -> int:
        """How many were kept: delivered, or decided where the promise was to decide."""
        return sum(self.counts[k] for k in KEPT)

    def phrase(self) -> str:
        """ "6 kept on time, 4 kept late, ..." (outcomes that occur, in order)."""
        return counts_phrase(self.counts, analysis.OUTCOME_LABELS)

    def sentence(self, when: str, end: str = ".") -> str:
        """The count as one sentence, its scope and date in words (Markdown, escaped).

        ``end`` closes it: a full stop, or words the caller adds first (" (see ...).").
        """
        if not self.total:
            return f"No {md(self.scope_words)} is in the data{end}"
        counted = f"Of the {self.total} {md(self.scope_words)}, {when}: {md(self.phrase())}{end}"
        return counted + self.kept_words()

    def kept_words(self) -> str:
        """What "kept" means, where some promises counted as kept were kept by a decision."""
        kept = self.frame[self.frame["outcome"].isin(KEPT)]
        decided = int((kept.apply(promise_kind, axis=1) == "decide").sum()) if len(kept) else 0
        if not decided:
            return ""
        noun = "promise" if decided == 1 else "promises"
        return f" Kept means delivered or, for {decided} {noun} to consider or decide, decided."


def tally(ctx: Context, scope: str = NATIONAL, as_of: pd.Timestamp | None = None) -> Tally:
    """Count one scope's dated promises by outcome at ``as_of`` (default: the latest report)."""
    actors = scope_actors(ctx, scope)
    outcomes = outcomes_at(ctx, as_of)
    mine = outcomes[outcomes["actor_id"].isin(actors)]
    dated = mine[mine["due_date"].notna()].sort_values(["due_date", "commitment_id"])
    # The makers named are those of the promises counted: a body whose promises are all
    # undated made none of them.
    makers = join_words([ctx.actor_name_in_text(a) for a in actors if a in set(dated["actor_id"])])
    at = as_of if as_of is not None else (dated["counted_at"].max() if len(dated) else None)
    return Tally(scope, makers or "no one", at, dated.reset_index(drop=True))


def last_heard(ctx: Context, row) -> str:
    """When and what a promise was last reported as: "May 2012, in progress"."""
    if pd.isna(row["last_report"]):
        return ""
    return f"{row['last_report']:%B %Y}, {ctx.status_text(row['last_status']).lower()}"


# One promise's outcome says how it was kept: a promise to deliver by delivery, a promise to
# consider or decide by a decision (with what was decided).
DELIVERED = {
    "on_time": "Delivered on time",
    "late": "Delivered late",
    "delivered_undated": "Delivered (date not stated)",
}
DECIDED = {
    "on_time": "Decided on time",
    "late": "Decided late",
    "delivered_undated": "Decided",
}


def promise_kind(row) -> str:
    """ "deliver" or "decide" (the commitments' ``promise`` column; deliver where absent)."""
    kind = row.get("promise") if hasattr(row, "get") else None
    return "decide" if kind == "decide" else "deliver"


def decision(ctx: Context, row) -> tuple[str, str]:
    """When a promise to decide was decided ("December 2011", or "reported March 2013" where
    the report gives no date) and what the report says was decided; empty strings where no
    report says it was."""
    said = ctx.progress[
        (ctx.progress["commitment_id"] == row["commitment_id"])
        & (ctx.progress["status"] == "delivered")
    ].sort_values(["as_of", "progress_id"])
    if said.empty:
        return "", ""
    first = said.iloc[0]
    if pd.notna(first["event_date"]):
        return f"{first['event_date']:%B %Y}", str(first["detail"])
    # Without a date the decision is only known to precede the report that gives it.
    return f"reported {first['as_of']:%B %Y}", str(first["detail"])


def outcome_text(ctx: Context, row, heard: bool = True) -> str:
    """A promise's outcome in words, with what was last heard of it where it was not done, and
    what was decided where the promise was to decide (``heard=False`` leaves out what was last
    heard, for a table that gives it in a column of its own)."""
    label = analysis.OUTCOME_LABELS.get(str(row["outcome"]), str(row["outcome"]))
    if promise_kind(row) == "decide" and row["outcome"] in DECIDED:
        when, _ = decision(ctx, row)
        return f"{DECIDED[row['outcome']]} ({when})" if when else DECIDED[row["outcome"]]
    label = DELIVERED.get(str(row["outcome"]), label)
    if (
        heard
        and row["outcome"] in ("not_reported_since", "open_overdue", "open")
        and pd.notna(row["last_report"])
    ):
        return f"{label} (last heard: {last_heard(ctx, row)})"
    return label


# Vague dates ---------------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, name in enumerate(
        "january february march april may june july august september october november december".split(),
        start=1,
    )
}
# A season ends with its last month: spring May, summer August, autumn November, winter
# February (of the following year).
_SEASONS = {"spring": 5, "summer": 8, "autumn": 11, "winter": 14}


def _month_end(year: int, month: int) -> pd.Timestamp:
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return pd.Timestamp(year=year, month=month, day=1) + pd.offsets.MonthEnd(0)


def due_from_text(due_text: object, made_on: pd.Timestamp) -> pd.Timestamp:
    """The due date a promise's words give, by the codebook's rule: the last day they name.

    A month is its last day; a season the last day of its last month; a financial year
    ("2013-14") 31 March of its second year; "late", "the end of",
    "the second half of" a year, or a bare year, is 31 December; a season or month without a
    year is the next one on or after the day the promise was made. Words that name no date
    ("as soon as practicable", "once the Bill gains Royal Assent") give no due date.

    >>> made = pd.Timestamp("2011-07-31")
    >>> [f"{due_from_text(t, made):%Y-%m-%d}" for t in
    ...  ["by December 2011", "in autumn 2011", "During the second half of 2011", "by 2013",
    ...   "2013-14"]]
    ['2011-12-31', '2011-11-30', '2011-12-31', '2013-12-31', '2014-03-31']
    """
    if pd.isna(due_text):
        return pd.NaT
    text = str(due_text).lower()
    financial = re.search(r"\b(20\d\d)[-\u2013/](\d\d)\b", text)
    if financial:
        # A financial year ("2013-14") ends on 31 March of its second year.
        return _month_end(int(financial.group(1)) + 1, 3)
    year = re.search(r"\b(20\d\d)\b", text)
    named = [m for name, m in _MONTHS.items() if re.search(rf"\b{name}\b", text)]
    seasons = [m for name, m in _SEASONS.items() if re.search(rf"\b{name}\b", text)]
    month = (named or seasons or [None])[0]
    if month is None:
        if year and re.search(r"\b(late|end of|second half of)\b|^\W*(by|in)?\s*20\d\d\W*$", text):
            return _month_end(int(year.group(1)), 12)
        return pd.NaT
    if year:
        return _month_end(int(year.group(1)), month)
    # No year: the first such month (or season's end) on or after the day of the promise.
    candidate = _month_end(made_on.year, month)
    return (
        candidate
        if candidate >= made_on - pd.offsets.MonthBegin(1)
        else _month_end(made_on.year + 1, month)
    )
