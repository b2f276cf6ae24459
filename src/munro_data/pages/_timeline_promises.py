"""The Timeline page's promises: each dated commitment against what was delivered, the chart,
its finding and table, and how late the late ones were."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from great_tables import GT

from ..escape import md
from . import _interact, _palette, _promises
from ._context import Context
from ._counting import LOCAL, NATIONAL, outcome_text, tally
from ._parts import (
    Chart,
    ChartFrame,
    Prose,
    colour_cells,
    date_label,
    gt_table,
    plural,
    source_line,
)
from .recommendations import status_falls as status_falls


def dated_commitments(ctx: Context) -> pd.DataFrame:
    outcomes = ctx.outcomes
    return outcomes[outcomes["due_date"].notna()].sort_values(["due_date", "commitment_id"])


def commitments_chart(ctx: Context) -> Chart:
    """Each dated commitment from the day it was made to its due date, coloured by outcome."""
    dated = dated_commitments(ctx)
    named = _promises.names(dated)
    fig = go.Figure()
    bars = _promises.add_outcome_bars(fig, ctx, dated, named)
    _promises.add_deliveries(fig, dated, named)
    _promises.add_report_lines(fig, ctx)
    _promises.lay_out(fig, dated, named, bars)
    return Chart(
        fig, "fig-commitments", script=_interact.behaviour(), frame=commitments_chart_frame(ctx)
    )


def commitments_chart_table(ctx: Context) -> pd.DataFrame:
    """The chart's data: each dated promise, its dates, and its outcome at the latest report."""
    dated = dated_commitments(ctx)
    return pd.DataFrame(
        {
            "Recommendation": dated["rec_id"].tolist(),
            "Promise": dated["description"].tolist(),
            "By": dated["actor_id"].map(ctx.actor_name).tolist(),
            "Made": dated["made_on"].map(date_label).tolist(),
            "Due": dated["due_date"].map(date_label).tolist(),
            "Outcome at the latest report": [
                outcome_text(ctx, row) for row in dated.to_dict("records")
            ],
            # A promise to decide is kept on the day it is decided.
            "Delivered or decided": dated["delivered_on"].map(date_label).tolist(),
        }
    )


def _commitment_sources(ctx: Context) -> str:
    """The documents that made the dated promises, then the reports that said what became of
    them, each once, in date order."""
    used = {*dated_commitments(ctx)["source_id"], *ctx.later_reports["source_id"]}
    sources = ctx.sources[ctx.sources["source_id"].isin(used)].sort_values(["date", "source_id"])
    return source_line([ctx.report_name(s) for s in sources["source_id"]])


def commitments_chart_frame(ctx: Context) -> ChartFrame:
    """The chart's finding: how many of the national bodies' dated promises were delivered,
    and how many on time, counted at the latest report (the counting rule of ``_counting``)."""
    national, local = tally(ctx, NATIONAL), tally(ctx, LOCAL)
    when = (
        f"counted at the latest report ({ctx.report_name(_latest_source(ctx))})"
        if len(ctx.later_reports)
        else "with no later report in the data"
    )
    kept = national.kept
    return ChartFrame(
        name="commitments",
        title=f"{kept} of the {national.total} {national.scope_words}"
        f" {'was' if kept == 1 else 'were'} kept,"
        f" {national.counts['on_time']} of them on time, {when}",
        subtitle=f"The {national.total} {national.scope_words}"
        + (f" and the {local.total} {local.scope_words}" if local.total else "")
        + ", each drawn from the day it was made to its due date and coloured by its outcome;"
        " a diamond marks the day it was delivered or decided, and a line each report, named in"
        " the legend.",
        source=_commitment_sources(ctx),
        table=commitments_chart_table(ctx),
        hint="Click a bar or a promise's name to open its recommendation's page; on a touch"
        " screen, a first tap on a bar shows its detail and a second tap opens the page.",
    )


def slippage_table(ctx: Context) -> pd.DataFrame:
    outcomes = ctx.outcomes.sort_values(["rec_id", "commitment_id"]).reset_index(drop=True)
    return pd.DataFrame(
        {
            "rec_id": outcomes["rec_id"],
            "who": outcomes["actor_id"].map(ctx.actor_name),
            "description": outcomes["description"],
            "due": outcomes["due_text"].fillna("no time given"),
            "last": [
                f"{ctx.status_text(status)}: {ctx.voice(source, who)}" if pd.notna(day) else "none"
                for day, who, source, status in zip(
                    outcomes["last_report"],
                    outcomes["last_reporter"],
                    outcomes["last_source"],
                    outcomes["last_status"],
                    strict=True,
                )
            ],
            "outcome": outcomes["outcome"],
            "outcome_words": [
                outcome_text(ctx, row, heard=False) for row in outcomes.to_dict("records")
            ],
            "delivered": outcomes["delivered_on"].map(date_label),
            "months_late": outcomes["months_late"],
        }
    )


def slippage(ctx: Context) -> GT:
    frame = slippage_table(ctx)
    table = gt_table(frame, "tbl-slippage")
    table = table.cols_label(
        rec_id="Rec.",
        who="By",
        description="Promise",
        due="Due",
        last="Last heard",
        outcome_words="Outcome at the latest report",
        delivered="Delivered",
        months_late="Months late",
    )
    # The words say what became of the promise ("Decided late" for a promise to decide); the
    # colour is its outcome's.
    table = colour_cells(table, "outcome_words", frame["outcome"], _palette.OUTCOME)
    return table.cols_hide("outcome").sub_missing(missing_text="")


def slippage_summary(ctx: Context) -> Prose:
    """The promises counted at the latest report: national bodies', then councils' apart."""
    national, local = tally(ctx, NATIONAL), tally(ctx, LOCAL)
    when = (
        f"counted at the latest report ({md(ctx.report_name(_latest_source(ctx)))})"
        if len(ctx.later_reports)
        else "with no later report in the data"
    )
    sentences = [national.sentence(when)]
    late = national.frame[national.frame["outcome"] == "late"]
    if len(late):
        sentences.append(
            f"Those kept late came {late['months_late'].min()} to"
            f" {late['months_late'].max()} months after their dates."
        )
    overdue = national.frame[national.frame["outcome"] == "open_overdue"]
    if len(overdue):
        worst = overdue.sort_values(["months_late", "commitment_id"], ascending=[False, True])
        worst = worst.iloc[0]
        sentences.append(
            f"Of those reported open after the due date, the longest overdue when last reported,"
            f" {md(worst['description'].lower())} (recommendation {worst['rec_id']}), was"
            f" {plural(int(worst['months_late']), 'month')} past its date at"
            f" {md(ctx.report_name(worst['last_source']))}."
        )
    if national.counts["not_reported_since"]:
        sentences.append(
            "A promise not reported on since its due date may have been kept or not: no report"
            " in the data says which; the table gives what was last heard of each."
        )
    if local.total:
        sentences.append(local.sentence(when))
    undated = ctx.outcomes[ctx.outcomes["due_date"].isna()]
    if len(undated):
        sentences.append(f"{plural(len(undated), 'further commitment')} named no date.")
    return Prose(" ".join(sentences))


def _latest_source(ctx: Context) -> str:
    return ctx.later_reports.iloc[-1]["source_id"]
