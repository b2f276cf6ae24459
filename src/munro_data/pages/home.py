"""The home page: the answer in brief, commitments at each report, every recommendation at a
glance, and a guide to the pages."""

from __future__ import annotations

import pandas as pd
from great_tables import GT

from .. import analysis
from ..escape import md
from . import _palette, recommendations
from ._context import Context
from ._counting import COUNTED, LOCAL, NATIONAL, scope_actors, tally
from ._parts import (
    Prose,
    colour_cells,
    counts_phrase,
    gt_table,
    join_words,
    number_word,
    plural,
)


def sources_sentence(ctx: Context) -> Prose:
    """What the data rests on and the period it covers, from the sources table."""
    sources = ctx.sources.sort_values("date")
    first, last = sources["date"].min(), sources["date"].max()
    return Prose(
        "Every statement on these pages is computed from the data package behind the site, and"
        " every statement in the data carries a verbatim quote from one of"
        f" {number_word(len(sources))} public documents, dated {first:%B %Y} to {last:%B %Y}"
        " (see [Data and method](notebooks/06-data-and-method.html#sources))."
    )


def _government_answers(ctx: Context) -> str:
    """The Government's answers in its own headline words, strongest first."""
    government = ctx.responses[ctx.responses["actor_id"] == "government"]
    # The Government's own words are quoted; a level it had no word for is named by its label.
    own = set(ctx.stances.loc[ctx.stances["headline"].fillna("") != "", "stance"].astype(str))
    words = {
        code: f"\u201c{md(word)}\u201d" if code in own else md(word)
        for code, word in ctx.stance_words.items()
    }
    counts = government["stance"].astype(str).value_counts()
    parts = [f"{words[c]} to {number_word(int(counts[c]))}" for c in words if c in counts]
    return join_words(parts)


def headlines(ctx: Context) -> Prose | None:
    """Four bullets: the Government's answer, its promises, one year on, the last report."""
    recs = len(ctx.recommendations)
    if not (ctx.responses["actor_id"] == "government").any():
        return Prose(f"No Government response to the {recs} recommendations is recorded yet.")
    national, local = tally(ctx, NATIONAL), tally(ctx, LOCAL)
    promised = ctx.commitments[ctx.commitments["actor_id"].isin(scope_actors(ctx, NATIONAL))]
    councils = ctx.commitments[ctx.commitments["actor_id"].isin(scope_actors(ctx, LOCAL))]
    lines = [
        f"- **The Government's answer.** To the {number_word(recs)} recommendations, the"
        f" Government answered {_government_answers(ctx)}.",
        f"- **What was promised.** {md(national.makers[:1].upper() + national.makers[1:])} made"
        f" {plural(len(promised), 'promise')}, {national.total} of them with a date"
        + (
            f"; councils' promises for their own areas ({len(councils)}, made by"
            f" {md(local.makers)}) are counted apart, on"
            " [Local implementation](notebooks/05-local.html)."
            if len(councils)
            else "."
        ),
    ]
    reports = ctx.later_reports
    if len(reports):
        first = reports.iloc[0]
        snap = ctx.snapshots
        counts = snap.loc[snap["as_of"] == first["as_of"], "status"].value_counts()
        counts = counts.drop(["not_reported"], errors="ignore")
        lines.append(
            f"- **The first report: {md(ctx.voice(first['source_id'], first['reported_by']))}.**"
            f" Of the {number_word(recs)} recommendations, it gave"
            f" {md(counts_phrase(counts, ctx.status_label))}"
            " (see [One year on](notebooks/04-one-year-on.html))."
        )
        last = reports.iloc[-1]
        counted = tally(ctx, NATIONAL, last["as_of"])
        lines.append(
            "- **Promises, at the last report.** "
            + counted.sentence(
                f"counted at {md(ctx.report_name(last['source_id']))}",
                end=" (see [Timeline](notebooks/03-timeline.html)).",
            )
        )
    return Prose("\n".join(lines))


def commitments_by_report_table(ctx: Context) -> pd.DataFrame:
    """Dated national promises by outcome, counted at each later report (one row each)."""
    rows = []
    for report in ctx.later_reports.drop_duplicates("as_of").itertuples():
        counts = tally(ctx, NATIONAL, report.as_of).counts
        rows.append({"report": ctx.report_name(report.source_id)} | counts)
    return pd.DataFrame(rows, columns=["report", *COUNTED])


def commitments_by_report(ctx: Context) -> GT | None:
    frame = commitments_by_report_table(ctx)
    if frame.empty:
        return None
    # Outcomes that no report shows are left out: a column of noughts says nothing.
    shown = [k for k in COUNTED if frame[k].any()]
    frame = frame[["report", *shown]]
    labels = {k: analysis.OUTCOME_LABELS[k] for k in shown}
    table = gt_table(frame, "tbl-commitments-by-report", rowname_col="report")
    scope = tally(ctx, NATIONAL)
    return (
        table.cols_label(**labels)
        .tab_stubhead("Counted at")
        .tab_header(f"The {scope.total} {scope.scope_words}, by outcome at each report")
    )


def glance_table(ctx: Context) -> tuple[pd.DataFrame, list[str], pd.DataFrame]:
    """One row per recommendation in theme order; a status column per later report.

    Each report's column gives the latest known status then: what that report said, or, where
    it did not mention the recommendation, the status an earlier report gave, with its date.
    Returns the table, the status columns, and the status codes behind them (for colour).
    """
    recs = ctx.recommendations.set_index("rec_id").loc[ctx.recs_in_theme_order].reset_index()
    glance = recs[["rec_id", "title"]].copy()
    # Each title links to the recommendation's own page (Markdown, the title escaped for it).
    glance["title"] = [
        f"[{md(title)}](notebooks/rec-{rec:02d}.html)"
        for rec, title in zip(recs["rec_id"], recs["title"], strict=True)
    ]
    glance["theme"] = recs["theme_id"].map(ctx.theme_title)
    government = ctx.responses[ctx.responses["actor_id"] == "government"].set_index("rec_id")
    glance["government"] = (
        glance["rec_id"].map(government["stance"].astype(str)).map(ctx.stance_words)
    )
    columns, codes = [], pd.DataFrame(index=glance.index)
    later = ctx.snapshots[ctx.snapshots["report"] != analysis.BASELINE]
    for (_, source_id, reporter), snap in later.groupby(
        ["as_of", "source_id", "reported_by"], sort=True
    ):
        column = ctx.voice(source_id, reporter)
        snap = snap.set_index("rec_id")
        glance[column] = glance["rec_id"].map(
            {rec: known_status_text(ctx, row) for rec, row in snap.iterrows()}
        )
        codes[column] = glance["rec_id"].map(snap["known_status"])
        columns.append(column)
    return glance, columns, codes


def known_status_text(ctx: Context, row: pd.Series) -> str:
    """A snapshot's status in words; one carried from an earlier report says when it was given."""
    label = ctx.status_text(row["known_status"])
    if row["mentioned"] or pd.isna(row["known_as_of"]):
        return label
    return f"{label} ({row['known_as_of']:%B %Y}; not mentioned since)"


def glance(ctx: Context) -> GT:
    frame, status_columns, codes = glance_table(ctx)
    table = gt_table(frame, "tbl-glance", rowname_col="rec_id", groupname_col="theme")
    table = table.cols_label(title="Recommendation", government="Government response")
    table = table.fmt_markdown(columns="title")
    table = table.tab_stubhead("No.").sub_missing(missing_text="No response recorded")
    for column in status_columns:
        table = colour_cells(table, column, codes[column], _palette.STATUS)
    if status_columns:
        table = table.tab_spanner("Latest known status", columns=status_columns)
    return table


def status_falls(ctx: Context) -> Prose | None:
    """Each fall in status in the table above, explained (see the recommendations' pages)."""
    return recommendations.status_falls(ctx, base="notebooks/")


def guide(ctx: Context) -> Prose:
    """A guide to the other pages, naming the reports and councils the data holds."""
    reports = ctx.later_reports
    report_names = "; ".join(
        md(ctx.voice(r.source_id, r.reported_by)) for r in reports.itertuples()
    )
    councils = [
        c
        for c in ctx.councils
        if c in set(ctx.responses["actor_id"]) | set(ctx.progress["reported_by"])
    ]
    council_names = (
        join_words([md(ctx.actor_name[c]) for c in councils])
        if len(councils) <= 8
        else f"{len(councils)} councils"
    )
    lines = [
        "- [Recommendations](notebooks/01-recommendations.html): every recommendation, with a"
        " searchable table of every stance and one section per recommendation (its text,"
        " Munro's argument, each actor's stance with the quote, the commitments and the"
        " progress reported).",
        "- [Stances](notebooks/02-stances.html): who agreed with what, as a heatmap, and where"
        " the sector and the Government differed.",
        "- [Timeline](notebooks/03-timeline.html): the status of every recommendation at each"
        " report, and each dated commitment against what was delivered.",
        "- [One year on](notebooks/04-one-year-on.html): what the later reports"
        + (f" ({report_names})" if report_names else "")
        + " said, with the key figures.",
        f"- [Local implementation](notebooks/05-local.html): what {council_names or 'councils'}"
        " said and did.",
        "- [Data and method](notebooks/06-data-and-method.html): how stances and statuses were"
        " coded, the data dictionary, the sources, and downloads of every table.",
    ]
    return Prose("\n".join(lines))
