"""What the reports say of each recommendation: every reading, why two differ, where a status
falls from one report to the next."""

from __future__ import annotations

import pandas as pd

from .. import analysis
from ..escape import md
from ._context import Context
from ._parts import Prose, join_words, page_href, plural
from .sources import cite_link


def readings(ctx: Context, rec_id: int) -> pd.DataFrame:
    """Every national status a report gave a recommendation, one row per report and reporter.

    A report may hold two voices (Munro's own judgements beside the Government's update in her
    progress report): each is a reading of its own. Columns: ``as_of``, ``source_id``,
    ``reported_by``, ``status`` (the rows combined as the snapshots combine them), ``quote``.
    """
    ranks = dict(zip(ctx.statuses["status"], ctx.statuses["rank"], strict=True))
    rows = ctx.progress[
        (ctx.progress["rec_id"] == rec_id)
        & (ctx.progress["scope"] == "national")
        & ctx.progress["source_id"].isin(ctx.status_sources["source_id"])
    ]
    out = [
        {
            "as_of": as_of,
            "source_id": source_id,
            "reported_by": reporter,
            "status": analysis.report_status(mine, ranks),
            "quote": mine.sort_values("progress_id")["quote"].iloc[0],
        }
        for (as_of, source_id, reporter), mine in rows.groupby(
            ["as_of", "source_id", "reported_by"], sort=True
        )
    ]
    return pd.DataFrame(out, columns=["as_of", "source_id", "reported_by", "status", "quote"])


def _responsible(ctx: Context, rec_id: int) -> set[str]:
    """The bodies answerable for a recommendation: the Government, and any national body that
    made a promise on it."""
    promised = ctx.commitments.loc[ctx.commitments["rec_id"] == rec_id, "actor_id"]
    return {"government"} | (set(promised) & set(ctx.national_actors))


def evidence_cue(ctx: Context, rec_id: int) -> str:
    """How much the status rests on: how many reports, whose, and whether they agree."""
    said = readings(ctx, rec_id)
    if said.empty:
        return "*Evidence: no later report in the data gives it a status.*"
    responsible = _responsible(ctx, rec_id)
    own = said["reported_by"].isin(responsible)
    parts = []
    if own.any():
        parts.append(f"{int(own.sum())} self-reported by the body responsible")
    if (~own).any():
        parts.append(f"{int((~own).sum())} independent")
    agree = "they agree" if said["status"].nunique() == 1 else "they differ"
    if len(said) == 1:
        agree = "no second reading to compare"
    reports = said["source_id"].nunique()
    return (
        f"*Evidence: {plural(len(said), 'reading')} in {plural(reports, 'report')}"
        f" ({join_words(parts)}); {agree}.*"
    )


def _rank(ctx: Context) -> dict[str, int]:
    return dict(zip(ctx.statuses["status"], ctx.statuses["rank"], strict=True))


def why_differ(ctx: Context, first, last, same_day: bool = False) -> str:
    """One sentence on why two readings differ: two voices at one date, another reporter's
    lower reading (not a report that work went back), or the same reporter's."""
    ranks = _rank(ctx)
    falls = ranks.get(last["status"], -1) < ranks.get(first["status"], -1)
    if same_day:
        return "Two voices in the same report give it different statuses."
    if falls and last["reported_by"] != first["reported_by"]:
        return (
            f"The later status is lower, and it is another reporter's reading"
            f" ({md(ctx.actor_name[last['reported_by']])}), not a report by"
            f" {md(ctx.actor_name_in_text(first['reported_by']))} that work went back."
        )
    if falls:
        return "The same reporter gives a lower status later; its words are on the page."
    return "The reports give it different statuses."


def status_falls(ctx: Context, base: str = "") -> Prose | None:
    """Every fall in a recommendation's status from one report to the next, each with its
    explanation and a link to the page that quotes both readings (``base``: the path from the
    calling page to the recommendations' pages)."""
    ranks = _rank(ctx)
    later = ctx.snapshots[
        (ctx.snapshots["report"] != analysis.BASELINE) & ctx.snapshots["mentioned"]
    ].sort_values(["rec_id", "as_of"])
    lines = []
    for rec, snaps in later.groupby("rec_id", sort=True):
        for before, after in zip(
            snaps.iloc[:-1].to_dict("records"), snaps.iloc[1:].to_dict("records"), strict=True
        ):
            if ranks.get(after["status"], -1) >= ranks.get(before["status"], -1):
                continue
            lines.append(
                f"- [{md(ctx.rec_label(rec))}]({base}{page_href(rec)}#summary):"
                f" {md(ctx.status_text(before['status']).lower())} in"
                f" {md(ctx.voice(before['source_id'], before['reported_by']))};"
                f" {md(ctx.status_text(after['status']).lower())} in"
                f" {md(ctx.voice(after['source_id'], after['reported_by']))}."
                f" {why_differ(ctx, before, after)}"
            )
    if not lines:
        return None
    head = (
        f"Where a status falls from one report to the next ({plural(len(lines), 'case')}), the"
        " reports say:"
    )
    return Prose("\n".join([head, "", *lines]))


def disagreement(ctx: Context, rec_id: int) -> str | None:
    """One sentence where readings differ (a status falls, or two voices at one date differ),
    followed by each reading with its quote; ``None`` where they agree."""
    said = readings(ctx, rec_id)
    if said["status"].nunique() < 2:
        return None
    why = why_differ(ctx, said.iloc[0], said.iloc[-1], said["as_of"].nunique() == 1)
    lines = [f"**The reports differ.** {why}", ""]
    lines += [
        f"- {md(ctx.status_text(r.status))} ({md(ctx.voice(r.source_id, r.reported_by))}):"
        f" \u201c{md(r.quote)}\u201d ({cite_link(ctx, r.source_id, r.quote, r.reported_by)})"
        for r in said.itertuples()
    ]
    return "\n".join(lines)
