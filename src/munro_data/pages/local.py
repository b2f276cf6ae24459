"""The Local implementation page: councils' positions and lead officers, their dated plans,
and what they reported doing."""

from __future__ import annotations

import pandas as pd
from great_tables import GT

from .. import analysis
from ..escape import html, md, slug
from . import _palette
from ._context import Context
from ._counting import DELIVERED
from ._parts import Prose, colour_cells, counts_phrase, gt_table, join_words, number_word, plural
from .sources import quote_with_link


def authorities(n: int) -> str:
    """ "1 local authority", "3 local authorities"."""
    return plural(n, "local authority", "local authorities")


def shown_councils(ctx: Context) -> list[str]:
    """Councils with a section of their own: all of them, or among many those with named
    officers or dated plans."""
    richer = set(ctx.lead_officers["actor_id"]) | set(ctx.commitments["actor_id"])
    return [c for c in ctx.councils if c not in ctx.pooled or c in richer]


def intro(ctx: Context) -> Prose:
    """Which councils' papers the page draws on, named from the data."""
    papers = []
    for council in shown_councils(ctx):
        sources = set(ctx.responses.loc[ctx.responses["actor_id"] == council, "source_id"]) | set(
            ctx.progress.loc[ctx.progress["reported_by"] == council, "source_id"]
        )
        for source_id in sorted(sources):
            row = ctx.sources.set_index("source_id").loc[source_id]
            papers.append(
                f"{md(ctx.actor_full_name[council])} (*{md(row['title'])}*, {md(row['date_text'])})"
            )
    count = f"{number_word(len(papers)).capitalize()} council {'paper' if len(papers) == 1 else 'papers'}"
    text = "National recommendations are carried out locally."
    if papers:
        text += f" {count} show what that looked like: {join_words(papers)}."
    if ctx.pooled:
        verb = "is" if len(ctx.pooled) == 1 else "are"
        text += f" The other {authorities(len(ctx.pooled))} {verb} counted together."
    return Prose(text)


def council_positions(ctx: Context, council: str) -> pd.DataFrame:
    mine = ctx.responses[ctx.responses["actor_id"] == council].sort_values("rec_id")
    officers = (
        ctx.lead_officers[ctx.lead_officers["actor_id"] == council]
        .assign(officer=lambda d: d["officer_name"] + " (" + d["officer_role"] + ")")
        .groupby("rec_id")["officer"]
        .agg("; ".join)
    )
    frame = ctx.recommendations[["rec_id", "title"]].merge(
        mine[["rec_id", "stance", "quote", "source_id"]], on="rec_id", how="left"
    )
    # The council's words, with a link to them in its document.
    frame["quote"] = [
        quote_with_link(ctx, source, quote, council) if pd.notna(quote) else pd.NA
        for quote, source in zip(frame["quote"], frame["source_id"], strict=True)
    ]
    frame = frame.drop(columns="source_id")
    frame["stance"] = frame["stance"].astype("string")
    frame["officer"] = frame["rec_id"].map(officers)
    return frame


def positions(ctx: Context) -> list:
    """A table per council shown: its stance, its words and its lead officer per recommendation."""
    parts = []
    for council in shown_councils(ctx):
        if not (ctx.responses["actor_id"] == council).any():
            continue
        frame = council_positions(ctx, council)
        stated = int(frame["stance"].notna().sum())
        with_officer = int(frame["officer"].notna().sum())
        parts.append(
            Prose(
                f"### {md(ctx.actor_full_name[council])} {{#positions-{slug(council)}}}\n\n"
                f"{md(ctx.actor_name[council])}'s response covers"
                f" {plural(stated, 'recommendation')}"
                f" ({md(counts_phrase(frame['stance'].value_counts(), ctx.stance_label))})"
                f" and named a lead officer for {with_officer} of them."
            )
        )
        table = gt_table(frame, f"tbl-positions-{slug(council)}", rowname_col="rec_id")
        table = table.tab_stubhead("No.").cols_label(
            title="Recommendation",
            stance="Stance",
            quote="In its own words",
            officer="Lead officer",
        )
        table = colour_cells(table, "stance", frame["stance"], _palette.STANCE)
        table = table.fmt(lambda code: html(ctx.stance_label.get(code, code)), columns="stance")
        table = table.fmt_markdown(columns="quote")
        table = table.cols_width(
            {"rec_id": "4%", "title": "18%", "stance": "12%", "quote": "46%", "officer": "20%"}
        )
        parts.append(table.sub_missing(missing_text="None named"))
    rest = [c for c in ctx.pooled if c not in shown_councils(ctx)]
    if rest:
        parts += _pooled_counts(
            ctx,
            ctx.responses[ctx.responses["actor_id"].isin(rest)],
            "stance",
            ctx.stance_label,
            f"### The other {authorities(len(rest))} {{#positions-pooled}}\n\n"
            "How many councils took each stance on each recommendation.",
            "tbl-positions-pooled",
        )
    return parts


def _pooled_counts(ctx, rows, column, labels, heading, table_id) -> list:
    counts = rows.assign(code=rows[column].astype(str)).pivot_table(
        index="rec_id", columns="code", values="source_id", aggfunc="count", fill_value=0
    )
    order = [c for c in labels if c in counts.columns]
    counts = counts.reindex(columns=order + sorted(set(counts.columns) - set(order)))
    table = gt_table(counts.reset_index(), table_id, rowname_col="rec_id").tab_stubhead("No.")
    return [Prose(heading), table.cols_label(**{c: labels.get(c, c) for c in counts.columns})]


def local_plans_table(ctx: Context) -> pd.DataFrame:
    plans = ctx.outcomes[ctx.outcomes["actor_id"].isin(ctx.councils)].sort_values(
        ["actor_id", "rec_id", "commitment_id"]
    )
    return pd.DataFrame(
        {
            "council": plans["actor_id"].map(ctx.actor_name),
            "rec_id": plans["rec_id"],
            "description": plans["description"],
            "due": plans["due_text"].fillna("no time given"),
            "outcome": plans["outcome"],
            "quote": [
                quote_with_link(ctx, source, quote, actor)
                for quote, source, actor in zip(
                    plans["quote"], plans["source_id"], plans["actor_id"], strict=True
                )
            ],
        }
    ).reset_index(drop=True)


def local_plans(ctx: Context) -> GT | Prose:
    frame = local_plans_table(ctx)
    if frame.empty:
        return Prose("No council's dated plan is in the data.")
    table = gt_table(frame, "tbl-local-plans", rowname_col="rec_id", groupname_col="council")
    table = table.tab_stubhead("Rec.").cols_label(
        description="Plan", due="When", outcome="What became of it", quote="In its own words"
    )
    table = colour_cells(table, "outcome", frame["outcome"], _palette.OUTCOME)
    # Councils' plans are promises to deliver: each row says "delivered", as counts say "kept".
    table = table.fmt(
        lambda code: DELIVERED.get(code, analysis.OUTCOME_LABELS.get(code, code)),
        columns="outcome",
    )
    table = table.fmt_markdown(columns="quote")
    return table.cols_width(
        {"rec_id": "7%", "description": "24%", "due": "15%", "outcome": "14%", "quote": "40%"}
    )


def local_progress_rows(ctx: Context) -> pd.DataFrame:
    progress = ctx.progress
    local = progress[(progress["scope"] == "local") & progress["reported_by"].isin(ctx.councils)]
    return local.sort_values(["reported_by", "rec_id", "progress_id"])


def local_progress(ctx: Context) -> list:
    """Per council shown, its local work grouped by recommendation; the rest counted."""
    local = local_progress_rows(ctx)
    shown = shown_councils(ctx)
    parts = []
    for council, rows in local[local["reported_by"].isin(shown)].groupby("reported_by", sort=True):
        parts.append(
            Prose(
                f"### {md(ctx.actor_full_name[council])} {{#local-{slug(council)}}}\n\n"
                f"{md(ctx.report_name(rows.sort_values('as_of')['source_id'].iloc[-1]))}"
                f" describes {plural(len(rows), 'piece')} of local work on"
                f" {plural(rows['rec_id'].nunique(), 'recommendation')}:"
                f" {md(counts_phrase(rows['status'].astype(str).value_counts(), ctx.status_label))}."
            )
        )
        # One group per recommendation, so that a recommendation's several actions read together.
        frame = rows.assign(
            recommendation=rows["rec_id"].map(ctx.rec_label),
            status=rows["status"].astype(str),
            quote=[
                quote_with_link(ctx, source, quote, council)
                for quote, source in zip(rows["quote"], rows["source_id"], strict=True)
            ],
        )[["recommendation", "status", "detail", "quote"]].reset_index(drop=True)
        table = gt_table(frame, f"tbl-local-{slug(council)}", groupname_col="recommendation")
        table = table.cols_label(status="Status", detail="What was done", quote="In its own words")
        table = colour_cells(table, "status", frame["status"], _palette.STATUS)
        table = table.fmt(lambda code: html(ctx.status_text(code)), columns="status").fmt_markdown(
            columns="quote"
        )
        parts.append(table.cols_width({"status": "12%", "detail": "38%", "quote": "50%"}))
    others = local[~local["reported_by"].isin(shown)]
    if len(others):
        latest = others.sort_values("as_of").groupby(["reported_by", "rec_id"]).tail(1)
        parts += _pooled_counts(
            ctx,
            latest,
            "status",
            ctx.status_label,
            f"### The other {authorities(others['reported_by'].nunique())}"
            " {#local-pooled}\n\nThe latest status each council reported, counted by"
            " recommendation.",
            "tbl-local-pooled",
        )
    return parts
