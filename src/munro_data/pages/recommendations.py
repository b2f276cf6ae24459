"""The Recommendations page: stances by theme, every stance searchable, each recommendation."""

from __future__ import annotations

import pandas as pd
from great_tables import GT

from .. import analysis
from ..escape import html, md
from . import _palette
from ._actor_links import link as actor_link
from ._context import POOL, Context
from ._counting import decision, outcome_text, promise_kind
from ._further import FURTHER_ANCHOR, further_rows
from ._parts import (
    Html,
    Prose,
    colour_cells,
    counts_phrase,
    gt_table,
    join_words,
    number_word,
    page_href,
    render,
)
from ._readings import disagreement, evidence_cue
from ._readings import readings as readings
from ._readings import status_falls as status_falls
from ._readings import why_differ as why_differ
from .sources import cite_link, quote_href


def stances_by_theme_table(ctx: Context) -> tuple[pd.DataFrame, list[str]]:
    """One row per recommendation in theme order, one stance column per actor shown."""
    recs = ctx.recommendations.set_index("rec_id").loc[ctx.recs_in_theme_order].reset_index()
    wide = recs[["rec_id", "title"]].copy()
    wide["theme"] = recs["theme_id"].map(ctx.theme_title)
    responses = ctx.responses
    for actor in ctx.responding:
        mine = responses[responses["actor_id"] == actor].drop_duplicates("rec_id")
        wide[actor] = wide["rec_id"].map(mine.set_index("rec_id")["stance"].astype(str))
    columns = list(ctx.responding)
    if ctx.pooled:
        theirs = responses[responses["actor_id"].isin(ctx.pooled)]
        wide[POOL] = wide["rec_id"].map(
            lambda rec: analysis.median_stance(
                theirs.loc[theirs["rec_id"] == rec, "stance"], ctx.stances
            )
        )
        columns.append(POOL)
    return wide, columns


def stances_by_theme(ctx: Context) -> GT:
    wide, columns = stances_by_theme_table(ctx)
    table = gt_table(wide, "tbl-stances-by-theme", rowname_col="rec_id", groupname_col="theme")
    table = table.cols_label(title="Recommendation", **{a: ctx.actor_name[a] for a in columns})
    table = table.tab_stubhead("No.").tab_spanner("Stance", columns=columns)
    for actor in columns:
        table = colour_cells(table, actor, wide[actor], _palette.STANCE)
        table = table.fmt(lambda code: html(ctx.stance_label.get(code, code)), columns=actor)
    return table.sub_missing(missing_text="No position recorded")


def latest_status(ctx: Context) -> pd.DataFrame:
    """Each recommendation's latest known status (see :func:`munro_data.analysis.status_now`)."""
    return ctx.status_now


def explorer_rows(ctx: Context) -> pd.DataFrame:
    """Every stance of the actors shown one by one, in recommendation order."""
    rows = (
        ctx.responses[ctx.responses["actor_id"].isin(ctx.responding)]
        .merge(ctx.recommendations[["rec_id", "title", "theme_id"]], on="rec_id")
        .sort_values(["rec_id", "actor_id"])
        .reset_index(drop=True)
    )
    rows["theme"] = rows["theme_id"].map(ctx.theme_title)
    rows["status"] = rows["rec_id"].map(latest_status(ctx)["status"])
    return rows


def explorer(ctx: Context) -> Html:
    """Every stance with its quote, filtered in the browser by theme, actor, stance, status."""
    rows = explorer_rows(ctx)
    status_heading = "Last reported status"
    present = set(rows["status"].astype(str))
    filters = [
        ("theme", "Theme", [(t, t) for t in ctx.themes["title"]]),
        ("actor", "Actor", [(a, ctx.actor_name[a]) for a in ctx.responding]),
        ("stance", "Stance", list(ctx.stance_label.items())),
        (
            "status",
            status_heading,
            [(code, label) for code, label in ctx.status_label.items() if code in present],
        ),
    ]
    table_rows = [
        {
            "theme": row.theme,
            "actor": row.actor_id,
            "stance": str(row.stance),
            "status": str(row.status),
            "rec_id": row.rec_id,
            "href": page_href(row.rec_id),
            "title": row.title,
            "actor_name": ctx.actor_name[row.actor_id],
            "stance_label": ctx.stance_label.get(str(row.stance), str(row.stance)),
            "status_label": ctx.status_text(row.status),
            "quote": row.quote,
            "source": ctx.cite(row.source_id, row.actor_id),
            "source_href": quote_href(row.source_id, row.quote),
        }
        for row in rows.itertuples()
    ]
    return Html(
        render(
            "explorer.html.j2",
            filters=filters,
            rows=table_rows,
            status_heading=status_heading,
        )
    )


def explorer_note(ctx: Context) -> Prose | None:
    if not ctx.pooled:
        return None
    return Prose(
        f"The table lists the stances of the {len(ctx.responding)} bodies shown one by one; the"
        f" {len(ctx.pooled)} local authorities' stances are summarised under each recommendation"
        " below, and every row is in [responses.csv](06-data-and-method.html#downloads)."
    )


def _quoted_text(text: str) -> list[str]:
    """A recommendation's text as a Markdown block quote, its bullets kept as a list."""
    lines = []
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("•"):
            lines.append(f"> - {md(stripped.lstrip('• '))}")
        elif stripped.startswith("o "):
            lines.append(f">     - {md(stripped[2:])}")
        elif stripped:
            lines += [f"> {md(stripped)}", ">"]
    return lines


def status_now_sentence(ctx: Context, rec_id: int) -> str:
    """The answer in one sentence: the last status reported, by whom and when, and whether any
    later report has mentioned it since."""
    latest = latest_status(ctx)
    if rec_id not in latest.index:
        return "**No report in the data gives this recommendation a status.**"
    now = latest.loc[rec_id]
    who = md(ctx.voice(now["source_id"], now["reported_by"]))
    label = md(ctx.status_text(now["status"]))
    reports = ctx.later_reports
    if len(reports) and now["as_of"] == reports["as_of"].max():
        return f"**Status at the last report: {label}** ({who}). {md(now['detail'])}"
    baseline = ctx.snapshots[ctx.snapshots["report"] == analysis.BASELINE]["as_of"].min()
    if now["as_of"] == baseline:
        return (
            f"**Status at the Government response: {label}** ({now['as_of']:%B %Y});"
            " no later report mentions it."
        )
    return f"**Last reported: {label}** ({who}); not mentioned since. {md(now['detail'])}"


def status_strip(ctx: Context, rec_id: int) -> Html:
    """The status at each report that gave one, oldest first, as coloured chips."""
    snap = ctx.snapshots[ctx.snapshots["rec_id"] == rec_id].sort_values("as_of")
    steps = []
    # Only reports that gave a status: one that did not mention it changed nothing.
    for row in snap[snap["mentioned"]].itertuples():
        when = (
            f"{row.as_of:%Y}, Government response"
            if row.report == analysis.BASELINE
            else ctx.voice(row.source_id, row.reported_by)
        )
        colour = _palette.fill(_palette.STATUS, row.status)
        steps.append(
            {
                "status": ctx.status_text(row.status),
                "when": when,
                "fill": colour,
                "text": _palette.text_on(colour),
            }
        )
    return Html(render("status_strip.html.j2", steps=steps))


def rec_page_heading(ctx: Context, rec_id: int) -> list[Prose | Html]:
    """The page's opening: its title, then the answer in one sentence and the path to it."""
    rec = ctx.recommendations.set_index("rec_id").loc[rec_id]
    parts = [status_now_sentence(ctx, rec_id), evidence_cue(ctx, rec_id)]
    differ = disagreement(ctx, rec_id)
    if differ:
        parts.append(differ)
    body = "\n\n".join(parts)
    opening = Prose(f"## {md(rec['title'])} {{#summary}}\n\n{body}")
    return [opening, status_strip(ctx, rec_id)]


def rec_page_text(ctx: Context, rec_id: int) -> Prose:
    rec = ctx.recommendations.set_index("rec_id").loc[rec_id]
    return Prose(
        "\n".join(
            [
                "## What Munro recommended {#text}",
                "",
                f"*Theme: {md(ctx.theme_title[rec['theme_id']])}. Addressed to:"
                f" {md(rec['addressed_to'])}.*",
                "",
                *_quoted_text(rec["text"]),
                "",
                f"**Munro's argument.** {md(rec['munro_argument'])}",
            ]
        )
    )


def rec_page_stances(ctx: Context, rec_id: int) -> Prose:
    """The Government's answer first, then every other actor's stance with its quote."""
    lines = ["## Who said what {#stances}", ""]
    mine = ctx.responses[ctx.responses["rec_id"] == rec_id]
    for actor in ctx.responding:
        for row in mine[mine["actor_id"] == actor].itertuples():
            lines.append(
                f"- **{actor_link(ctx, actor)}: {md(ctx.stance_label[str(row.stance)])}.**"
                f" \u201c{md(row.quote)}\u201d"
                f" ({cite_link(ctx, row.source_id, row.quote, row.actor_id)})"
            )
    if ctx.pooled:
        theirs = mine[mine["actor_id"].isin(ctx.pooled)]["stance"].astype(str).value_counts()
        lines.append(
            f"- **Local authorities ({len(ctx.pooled)}):**"
            f" {md(counts_phrase(theirs, ctx.stance_label))}."
        )
    missing = [a for a in ctx.responding if a not in set(mine["actor_id"])]
    if missing:
        lines.append(
            f"- No position recorded for {', '.join(md(ctx.actor_name[a]) for a in missing)}."
        )
    return Prose("\n".join(lines))


def rec_page_commitments(ctx: Context, rec_id: int) -> Prose:
    promised = ctx.outcomes[ctx.outcomes["rec_id"] == rec_id]
    lines = ["## What was promised {#commitments}", ""]
    if promised.empty:
        lines.append("No dated or undated commitment on this recommendation is in the data.")
    for c in promised.sort_values(["due_date", "commitment_id"]).itertuples():
        # Without words of time the outcome, "No date promised", says it once.
        when = f", *{md(c.due_text)}*" if pd.notna(c.due_text) else ""
        kind = "Promise to decide" if promise_kind(c._asdict()) == "decide" else "Promise"
        lines.append(
            f"- {kind}, {actor_link(ctx, c.actor_id, in_text=True)}: {md(c.description)}{when}."
            f" **{md(outcome_text(ctx, c._asdict()))}.**{_decided(ctx, c._asdict())}"
            f" \u201c{md(c.quote)}\u201d"
            f" ({cite_link(ctx, c.source_id, c.quote, c.actor_id)})"
        )
    return Prose("\n".join(lines))


def scope_text(scope: str, place: str | None) -> str:
    """What a report's claims are about, as a reader sees it: "the national position", "local
    work", or "local work in Cornwall" where the row names a place other than the reporter's own
    area."""
    if scope == "national":
        return "the national position"
    return f"local work in {place}" if isinstance(place, str) and place else "local work"


def _decided(ctx: Context, row: dict) -> str:
    """What was decided on a promise to decide, as the report says it (" ..." or "")."""
    if promise_kind(row) != "decide":
        return ""
    _, what = decision(ctx, row)
    return f" {md(what)}" if what else ""


def rec_page_progress(ctx: Context, rec_id: int) -> Prose:
    """Every progress claim in date order, with who made it."""
    reported = ctx.progress[ctx.progress["rec_id"] == rec_id].sort_values(["as_of", "progress_id"])
    pooled_reports = reported[reported["reported_by"].isin(ctx.pooled)]
    reported = reported[~reported["reported_by"].isin(ctx.pooled)]
    lines = ["## What was reported {#progress}", ""]
    if reported.empty and pooled_reports.empty:
        lines.append("No later report in the data mentions this recommendation.")
    # One heading per report (its date, who reported, at what scope), so that a phone reader
    # does not read the same preamble before every claim.
    promise = dict(
        zip(ctx.commitments["commitment_id"], ctx.commitments["description"], strict=True)
    )
    for (_, source_id, reporter, scope, place), claims in reported.groupby(
        ["as_of", "source_id", "reported_by", "scope", "place"], sort=False, dropna=False
    ):
        about = scope_text(scope, place)
        lines += ["", f"### {md(ctx.voice(source_id, reporter))} \u2014 {md(about)}", ""]
        # A claim on a promise names it, so two claims on one decision read apart.
        lines += [
            f"- **{md(ctx.status_text(p.status))}.**"
            + (
                f" *On the promise: {md(promise[p.commitment_id])}.*"
                if pd.notna(p.commitment_id) and p.commitment_id in promise
                else ""
            )
            + f" {md(p.detail)}"
            f" \u201c{md(p.quote)}\u201d"
            f" ({cite_link(ctx, p.source_id, p.quote, p.reported_by)})"
            for p in claims.itertuples()
        ]
    if len(pooled_reports):
        lines.append("")
    if len(pooled_reports):
        last = pooled_reports.sort_values("as_of").groupby("reported_by").tail(1)
        counts = last["status"].astype(str).value_counts()
        lines.append(
            f"- Local authorities ({len(ctx.pooled)}), latest update of each:"
            f" {md(counts_phrase(counts, ctx.status_label))}."
        )
    return Prose("\n".join(lines))


def rec_page_links(ctx: Context, rec_id: int) -> Prose:
    """Previous and next recommendation, and the way back to the index."""
    order = sorted(ctx.recommendations["rec_id"])
    at = order.index(rec_id)
    parts = []
    if at > 0:
        parts.append(f"[\u2190 {md(ctx.rec_label(order[at - 1]))}]({page_href(order[at - 1])})")
    parts.append("[All recommendations](01-recommendations.html#each)")
    if at + 1 < len(order):
        parts.append(f"[{md(ctx.rec_label(order[at + 1]))} \u2192]({page_href(order[at + 1])})")
    return Prose(" \u00b7 ".join(parts))


def recommendation_page(ctx: Context, rec_id: int) -> list[Prose]:
    """The whole page of one recommendation."""
    return [
        *rec_page_heading(ctx, rec_id),
        rec_page_text(ctx, rec_id),
        rec_page_stances(ctx, rec_id),
        rec_page_commitments(ctx, rec_id),
        rec_page_progress(ctx, rec_id),
        rec_page_links(ctx, rec_id),
    ]


def index_entry(ctx: Context, rec_id: int) -> str:
    """A recommendation's line in the index: its status as its page's first line words it."""
    title = md(ctx.rec_title[rec_id])
    return f"{rec_id}. [{title}]({page_href(rec_id)}) \u2014 {status_phrase(ctx, rec_id)}."


def status_phrase(ctx: Context, rec_id: int) -> str:
    """ "status at the last report: In progress (Derby's report, 19 March 2013)", or "last
    reported: ... ; not mentioned since" (the page's first line, in brief)."""
    latest = latest_status(ctx)
    if rec_id not in latest.index:
        return "no report gives it a status"
    now = latest.loc[rec_id]
    said = f"{md(ctx.status_text(now['status']))} ({md(ctx.voice(now['source_id'], now['reported_by']))})"
    reports = ctx.later_reports
    if len(reports) and now["as_of"] == reports["as_of"].max():
        return f"status at the last report: {said}"
    return f"last reported: {said}; not mentioned since"


def each_recommendation(ctx: Context) -> Prose:
    """The index of the recommendations' own pages, each with its last reported status."""
    return Prose("\n".join(index_entry(ctx, rec) for rec in sorted(ctx.recommendations["rec_id"])))


def further_link(ctx: Context) -> Prose | None:
    """A pointer to the recommendations made after the fifteen, where the data holds any."""
    rows = further_rows(ctx)
    if rows is None or rows.empty:
        return None
    makers = join_words(sorted({ctx.actor_full_name[a] for a in rows["actor_id"]}))
    dated = ctx.sources.set_index("source_id").loc[rows["source_id"].unique(), "date"]
    when = join_words([f"{d:%B %Y}" for d in sorted(set(dated))])
    what = (
        "a further recommendation"
        if len(rows) == 1
        else f"{number_word(len(rows))} further recommendations"
    )
    return Prose(
        f"**Beyond the fifteen.** {md(makers)} made {what} in {when}, beyond"
        f" these fifteen: see [One year on](04-one-year-on.html#{FURTHER_ANCHOR})."
    )
