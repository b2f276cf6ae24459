"""The Recommendations page: stances by theme, every stance searchable, each recommendation."""

from __future__ import annotations

import pandas as pd
from great_tables import GT

from .. import analysis
from ..escape import md
from . import _palette
from ._context import POOL, Context
from ._parts import Html, Prose, colour_cells, counts_phrase, gt_table, render


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
        table = table.fmt(lambda code: ctx.stance_label.get(code, code), columns=actor)
    return table.sub_missing(missing_text="No position recorded")


def latest_status(ctx: Context) -> pd.DataFrame:
    """Each recommendation's latest known status (see :func:`munro_data.analysis.status_now`)."""
    return analysis.status_now(ctx.snapshots).set_index("rec_id")


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
    status_heading = "Status now"
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
            "title": row.title,
            "actor_name": ctx.actor_name[row.actor_id],
            "stance_label": ctx.stance_label.get(str(row.stance), str(row.stance)),
            "status_label": ctx.status_text(row.status),
            "quote": row.quote,
            "source": ctx.cite(row.source_id),
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
    """The answer in one sentence: the latest known status, who said it and when."""
    latest = latest_status(ctx)
    if rec_id not in latest.index:
        return "**Status now:** no report in the data gives this recommendation a status."
    now = latest.loc[rec_id]
    reporter = md(ctx.actor_name.get(now["reported_by"], now["reported_by"]))
    when = (
        "the Government response"
        if now["source_id"]
        and now["as_of"]
        == ctx.snapshots[ctx.snapshots["report"] == analysis.BASELINE]["as_of"].min()
        else f"{now['as_of']:%B %Y}"
    )
    return (
        f"**Status now: {md(ctx.status_text(now['status']))}** ({reporter}, {when})."
        f" {md(now['detail'])}"
    )


def status_strip(ctx: Context, rec_id: int) -> str:
    """The status at each report in order, e.g. "Planned (2011) → In progress (May 2012)"."""
    snap = ctx.snapshots[ctx.snapshots["rec_id"] == rec_id].sort_values("as_of")
    steps = []
    # Only reports that gave a status: one that did not mention it changed nothing.
    for row in snap[snap["mentioned"]].itertuples():
        when = (
            f"{row.as_of:%Y}, Government response"
            if row.report == analysis.BASELINE
            else f"{row.as_of:%B %Y}, {ctx.actor_name.get(row.reported_by, row.reported_by)}"
        )
        said = ctx.status_text(row.status)
        steps.append(f"{md(said)} ({md(when)})")
    return "*Over time:* " + " → ".join(steps) + "."


def recommendation_section(ctx: Context, rec_id: int) -> Prose:
    """Status now, text, argument, stances, commitments and progress of one recommendation."""
    rec = ctx.recommendations.set_index("rec_id").loc[rec_id]
    pool_label = f"Local authorities ({len(ctx.pooled)})"
    lines = [
        f"## {rec_id}. {md(rec['title'])} {{#rec-{rec_id}}}",
        "",
        status_now_sentence(ctx, rec_id),
        "",
        status_strip(ctx, rec_id),
        "",
        f"*Theme: {md(ctx.theme_title[rec['theme_id']])}. Addressed to:"
        f" {md(rec['addressed_to'])}.*",
        "",
        *_quoted_text(rec["text"]),
        "",
        f"**Munro's argument.** {md(rec['munro_argument'])}",
        "",
        "**Stances**",
        "",
    ]
    mine = ctx.responses[ctx.responses["rec_id"] == rec_id]
    for actor in ctx.responding:
        for row in mine[mine["actor_id"] == actor].itertuples():
            lines.append(
                f"- **{md(ctx.actor_name[actor])}: {md(ctx.stance_label[str(row.stance)])}.**"
                f" \u201c{md(row.quote)}\u201d ({md(ctx.cite(row.source_id))})"
            )
    if ctx.pooled:
        theirs = mine[mine["actor_id"].isin(ctx.pooled)]["stance"].astype(str).value_counts()
        lines.append(f"- **{pool_label}:** {counts_phrase(theirs, ctx.stance_label)}.")
    promised = ctx.outcomes[ctx.outcomes["rec_id"] == rec_id]
    if len(promised):
        lines += ["", "**Commitments**", ""]
        for c in promised.itertuples():
            when = f", *{md(c.due_text)}*" if pd.notna(c.due_text) else ""
            lines.append(
                f"- {md(ctx.actor_name[c.actor_id])}: {md(c.description)}{when}."
                f" {analysis.OUTCOME_LABELS[c.outcome]}."
            )
    reported = ctx.progress[ctx.progress["rec_id"] == rec_id].sort_values(["as_of", "progress_id"])
    pooled_reports = reported[reported["reported_by"].isin(ctx.pooled)]
    reported = reported[~reported["reported_by"].isin(ctx.pooled)]
    if len(reported):
        lines += ["", "**Progress reported**", ""]
        for p in reported.itertuples():
            lines.append(
                f"- {p.as_of:%B %Y}, {md(ctx.actor_name[p.reported_by])} ({p.scope}):"
                f" **{md(ctx.status_text(p.status))}.** {md(p.detail)}"
                f" \u201c{md(p.quote)}\u201d ({md(ctx.cite(p.source_id))})"
            )
    if len(pooled_reports):
        last = pooled_reports.sort_values("as_of").groupby("reported_by").tail(1)
        counts = last["status"].astype(str).value_counts()
        lines.append(
            f"- {pool_label}, latest update of each: {counts_phrase(counts, ctx.status_label)}."
        )
    return Prose("\n".join(lines))


def each_recommendation(ctx: Context) -> list[Prose]:
    return [recommendation_section(ctx, rec) for rec in sorted(ctx.recommendations["rec_id"])]
