"""A page per actor: what it said of the review, its stance on each recommendation, its promises
and its reports, each with the quote it rests on; and the links to those pages from the other
pages (each recommendation's page, the Stances page).

Councils counted together (``Context.pooled``) have no page of their own: at national scale they
would be hundreds of pages saying one thing each.
"""

from __future__ import annotations

import pandas as pd

from ..escape import md
from ._actor_links import link, with_page
from ._context import Context
from ._counting import outcome_text
from ._parts import Prose, date_label, join_words, plural
from .recommendations import page_href
from .sources import cite_link

KIND_WORDS = {
    "government": "the Government",
    "inspectorate": "an inspectorate",
    "sector_body": "a national body of the sector",
    "local_authority": "a council",
    "independent_reviewer": "the author of the review",
    "press": "the press",
}


def _quote(ctx: Context, source_id: str, quote: str, actor_id: str) -> str:
    return f"\u201c{md(quote)}\u201d ({cite_link(ctx, source_id, quote, actor_id)})"


def summary(ctx: Context, actor_id: str) -> Prose:
    """Who the actor is and what the data holds from it, in one paragraph."""
    row = ctx.actors.set_index("actor_id").loc[actor_id]
    kind = KIND_WORDS.get(str(row["kind"]), str(row["kind"]).replace("_", " "))
    stances = ctx.responses[ctx.responses["actor_id"] == actor_id]
    promises = ctx.commitments[ctx.commitments["actor_id"] == actor_id]
    reports = ctx.progress[ctx.progress["reported_by"] == actor_id]
    parts = []
    if len(stances):
        parts.append(f"its stance on {plural(stances['rec_id'].nunique(), 'recommendation')}")
    if len(promises):
        parts.append(plural(len(promises), "promise"))
    if len(reports):
        parts.append(f"{plural(len(reports), 'statement')} of progress")
    held = (
        f" The tracker quotes {join_words(parts)}."
        if parts
        else " The tracker quotes no stance, promise or report of progress from it."
    )
    who = md(row["name"]) + ("" if row["kind"] == "government" else f" is {md(kind)}")
    return Prose(f"{who}.{held}")


def general_view(ctx: Context, actor_id: str) -> Prose:
    """What the actor said of the review as a whole, in its own words."""
    comments = ctx.table("general_comments")
    verdicts = ctx.verdicts
    lines = ["## Its view of the review {#view}", ""]
    mine = comments[comments["actor_id"] == actor_id]
    for row in mine.sort_values("comment_id").itertuples():
        lines.append(f"- {md(row.summary)} {_quote(ctx, row.source_id, row.quote, actor_id)}")
    for row in verdicts[verdicts["actor_id"] == actor_id].sort_values("verdict_id").itertuples():
        lines.append(f"- {md(row.verdict)} {_quote(ctx, row.source_id, row.quote, actor_id)}")
    if len(lines) == 2:
        lines.append(
            "None of the sources gives a comment of this actor on the review as a whole;"
            " its words are below, recommendation by recommendation."
        )
    return Prose("\n".join(lines))


def stances(ctx: Context, actor_id: str) -> Prose | None:
    """Its stance on each recommendation it answered, with the words it was coded from."""
    mine = ctx.responses[ctx.responses["actor_id"] == actor_id]
    if mine.empty:
        return None
    lines = ["## Its stance on each recommendation {#stances}", ""]
    for row in mine.sort_values("rec_id").itertuples():
        lines.append(
            f"- **[{md(ctx.rec_label(row.rec_id))}]({page_href(row.rec_id)}):"
            f" {md(ctx.stance_label.get(str(row.stance), str(row.stance)))}.**"
            f" {_quote(ctx, row.source_id, row.quote, actor_id)}"
        )
    return Prose("\n".join(lines))


def promises(ctx: Context, actor_id: str) -> Prose | None:
    """What it promised, by when, and what the last report said of it."""
    mine = ctx.outcomes[ctx.outcomes["actor_id"] == actor_id]
    if mine.empty:
        return None
    lines = ["## What it promised {#promises}", ""]
    for c in mine.sort_values(["rec_id", "due_date", "commitment_id"]).itertuples():
        when = f", *{md(c.due_text)}*" if pd.notna(c.due_text) else ", no date given"
        lines.append(
            f"- [{md(ctx.rec_label(c.rec_id))}]({page_href(c.rec_id)}): {md(c.description)}{when}."
            f" **{md(outcome_text(ctx, c._asdict()))}.**"
            f" {_quote(ctx, c.source_id, c.quote, actor_id)}"
        )
    return Prose("\n".join(lines))


def reports(ctx: Context, actor_id: str) -> Prose | None:
    """What it reported of progress, report by report."""
    mine = ctx.progress[ctx.progress["reported_by"] == actor_id]
    if mine.empty:
        return None
    lines = ["## What it reported {#reports}"]
    for (as_of, scope), claims in mine.sort_values(["as_of", "rec_id", "progress_id"]).groupby(
        ["as_of", "scope"], sort=False
    ):
        lines += ["", f"### {date_label(as_of)} ({md(scope)})", ""]
        lines += [
            f"- [{md(ctx.rec_label(p.rec_id))}]({page_href(p.rec_id)}):"
            f" **{md(ctx.status_text(p.status))}.** {md(p.detail)}"
            f" {_quote(ctx, p.source_id, p.quote, actor_id)}"
            for p in claims.itertuples()
        ]
    return Prose("\n".join(lines))


def officers(ctx: Context, actor_id: str) -> Prose | None:
    mine = ctx.lead_officers[ctx.lead_officers["actor_id"] == actor_id]
    if mine.empty:
        return None
    lines = ["## Its lead officers {#officers}", ""]
    for row in mine.sort_values(["rec_id", "officer_name"]).itertuples():
        lines.append(
            f"- [{md(ctx.rec_label(row.rec_id))}]({page_href(row.rec_id)}):"
            f" {md(row.officer_name)}, {md(row.officer_role)}"
            f" ({cite_link(ctx, row.source_id, row.quote, actor_id)})"
        )
    return Prose("\n".join(lines))


def actor_page(ctx: Context, actor_id: str) -> list[Prose]:
    """The whole page of one actor."""
    sections = [
        summary(ctx, actor_id),
        general_view(ctx, actor_id),
        stances(ctx, actor_id),
        promises(ctx, actor_id),
        reports(ctx, actor_id),
        officers(ctx, actor_id),
        Prose(
            "[All actors' stances](02-stances.html) \u00b7 [Every actor's page](02-stances.html#actors)"
        ),
    ]
    return [s for s in sections if s is not None]


def on_recommendation(ctx: Context, rec_id: int) -> Prose:
    """For a recommendation's page: its lead officers, and the pages of those who spoke on it."""
    lines = []
    officers_here = ctx.lead_officers[ctx.lead_officers["rec_id"] == rec_id]
    if len(officers_here):
        lines += ["## Lead officers {#officers}", ""]
        for row in officers_here.sort_values(["actor_id", "officer_name"]).itertuples():
            lines.append(
                f"- {link(ctx, row.actor_id)}: {md(row.officer_name)}, {md(row.officer_role)}"
                f" ({cite_link(ctx, row.source_id, row.quote, row.actor_id)})"
            )
        lines.append("")
    involved = set(ctx.responses.loc[ctx.responses["rec_id"] == rec_id, "actor_id"])
    involved |= set(ctx.commitments.loc[ctx.commitments["rec_id"] == rec_id, "actor_id"])
    involved |= set(ctx.progress.loc[ctx.progress["rec_id"] == rec_id, "reported_by"])
    shown = [a for a in with_page(ctx) if a in involved]
    if shown:
        lines += [
            "## Each actor's page {#actors}",
            "",
            "The pages of those quoted on this recommendation, with all the tracker quotes from"
            " them: " + ", ".join(link(ctx, a) for a in shown) + ".",
        ]
    return Prose("\n".join(lines))


def index(ctx: Context) -> Prose:
    """For the Stances page: a list of every actor's page, with what it holds."""
    lines = []
    for actor in with_page(ctx):
        row = ctx.actors.set_index("actor_id").loc[actor]
        kind = KIND_WORDS.get(str(row["kind"]), str(row["kind"]).replace("_", " "))
        lines.append(f"- {link(ctx, actor)}: {md(row['name'])}, {md(kind)}.")
    return Prose("\n".join(lines))
