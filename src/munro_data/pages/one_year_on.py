"""The One year on page: the first progress report's verdict, its status table, the key
figures by area, and how the last report's picture differs."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..escape import md, plot, plot_wrapped, slug
from . import _interact, _palette, recommendations
from ._areas import area_chart as area_chart
from ._areas import area_chart_frame as area_chart_frame
from ._areas import area_chart_table as area_chart_table
from ._areas import area_table as area_table
from ._areas import area_title as area_title
from ._areas import charted_figures as charted_figures
from ._areas import listed_figures as listed_figures
from ._context import Context
from ._counting import furthest_statuses
from ._further import FURTHER_ANCHOR, further_rows
from ._parts import (
    Chart,
    ChartFrame,
    Prose,
    counts_phrase,
    figure_value,
    join_words,
    number_word,
    plural,
)
from .sources import cite_link

# Codes of the figures' and verdicts' areas that are not areas of reform.
ABOUT_THE_FIGURES = "general"
OVERALL = "overall"


def first_report(ctx: Context) -> pd.Series | None:
    reports = ctx.later_reports
    return reports.iloc[0] if len(reports) else None


def _source_title(ctx: Context, source_id: str) -> str:
    row = ctx.sources.set_index("source_id").loc[source_id]
    return f"{md(row['author'])}, *{md(row['title'])}* ({md(str(row['date_text']).split(' (')[0])})"


def intro(ctx: Context) -> Prose:
    first = first_report(ctx)
    if first is None:
        return Prose("No progress report is in the data yet.")
    lines = [
        f"The first progress report in the data is {_source_title(ctx, first['source_id'])}."
        f" This page gives its overall verdict, the status of every recommendation as given in"
        f" {md(ctx.voice(first['source_id'], first['reported_by']))} (as at"
        f" {first['as_of']:%d %B %Y}),"
        " the key figures area by area"
    ]
    later = ctx.later_reports.iloc[1:]
    if len(later):
        names = join_words([md(ctx.voice(r.source_id, r.reported_by)) for r in later.itertuples()])
        lines[0] += f", and the view from {names}"
    return Prose(lines[0] + ".")


def _quote_block(ctx: Context, quote: str, source_id: str, actor_id: str) -> str:
    return f"> \u201c{md(quote)}\u201d\n>\n> \u2014 {cite_link(ctx, source_id, quote, actor_id)}"


def verdict(ctx: Context) -> Prose:
    """Overall verdicts: the progress reports' own first, then how others read them."""
    overall = ctx.verdicts[ctx.verdicts["area"] == OVERALL]
    kind = overall["source_id"].map(ctx.sources.set_index("source_id")["kind"])
    overall = overall.assign(others=kind != "progress_report").sort_values(["others", "verdict_id"])
    blocks = ["## The overall verdict {#verdict}"]
    blocks += [
        f"**{md(row.verdict)}**\n\n{_quote_block(ctx, row.quote, row.source_id, row.actor_id)}"
        for row in overall.itertuples()
    ]
    if overall.empty:
        blocks.append("No overall verdict is in the data.")
    return Prose("\n\n".join(blocks))


def further_recommendations(ctx: Context) -> Prose | None:
    """Recommendations the later reports make beyond the review's fifteen, each with its words."""
    rows = further_rows(ctx)
    if rows is None or rows.empty:
        return None
    title = "A further recommendation" if len(rows) == 1 else "Further recommendations"
    blocks = [f"## {title} {{#{FURTHER_ANCHOR}}}"]
    sources = ctx.sources.set_index("source_id")
    for row in rows.itertuples():
        source = sources.loc[row.source_id]
        blocks += [
            f"**{md(row.recommendation)}** {md(ctx.actor_full_name[row.actor_id])} made this"
            f" recommendation to {md(ctx.actor_full_name[row.addressed_to])} in paragraph"
            f" {md(row.paragraph)} of *{md(source['title'])}*"
            f" ({md(str(source['date_text']).split(' (')[0])}), beyond the review's fifteen.",
            _quote_block(ctx, row.quote, row.source_id, row.actor_id),
        ]
    blocks.append("No later report in the data says what became of it.")
    return Prose("\n\n".join(blocks))


def first_snapshot(ctx: Context) -> pd.DataFrame:
    first = first_report(ctx)
    snap = ctx.snapshots
    if first is None:
        return snap.iloc[0:0]
    here = snap[(snap["as_of"] == first["as_of"]) & (snap["source_id"] == first["source_id"])]
    return here.merge(ctx.recommendations[["rec_id", "theme_id"]], on="rec_id")


def status_heading(ctx: Context) -> Prose | None:
    first = first_report(ctx)
    if first is None:
        return None
    return Prose(f"## The status of each recommendation, {first['as_of']:%B %Y} {{#status-first}}")


def status_chart(ctx: Context) -> Chart | None:
    """The first report's statuses, counted theme by theme."""
    first = first_report(ctx)
    snap = first_snapshot(ctx)
    if first is None or snap.empty:
        return None
    snap = snap.assign(theme=snap["theme_id"].map(ctx.theme_title))
    themes = list(ctx.theme_title.values())
    fig = go.Figure()
    codes = ctx.status_order(snap["status"])
    for code in codes:
        part = snap[snap["status"] == code]
        if part.empty:
            continue
        label = plot(ctx.status_text(code))
        by_theme = part.groupby("theme")["rec_id"].agg(list).reindex(themes)
        fig.add_bar(
            y=[plot(t) for t in by_theme.index],
            x=[len(v) if isinstance(v, list) else 0 for v in by_theme],
            orientation="h",
            name=label,
            marker_color=_palette.fill(_palette.STATUS, code),
            # The status label goes in as data, never into the template, where plotly would read
            # "%{...}" in a label as its own syntax.
            customdata=[
                [label, ", ".join(map(str, v)) if isinstance(v, list) else ""] for v in by_theme
            ],
            # The theme in the label itself: plotly puts an <extra> box beside the label, which
            # on a phone falls off the screen's edge.
            hovertemplate="<b>%{y}</b><br>%{customdata[0]}: %{x} (recommendations"
            " %{customdata[1]})<extra></extra>",
        )
    fig.update_layout(
        barmode="stack",
        height=340,
        margin={"t": 20},
        xaxis={"title": "Recommendations", "dtick": 1},
        yaxis={
            "automargin": True,
            "autorange": "reversed",
            "tickmode": "array",
            "tickvals": [plot(t) for t in themes],
            "ticktext": [plot(t) for t in themes],
        },
        legend={"y": -0.25},
    )
    # On a phone the themes' names go in short lines (a long name beside the bars would leave
    # them no room, and be cut at the screen's edge) and the legend takes five rows: the chart
    # grows to keep the bars' room.
    _interact.ask(
        fig,
        narrow={
            "layout": {
                "yaxis.ticktext": [plot_wrapped(t, 22) for t in themes],
                "height": 330 + 60 * len(themes),
            }
        },
        wide={"layout": {"yaxis.ticktext": [plot(t) for t in themes], "height": 340}},
    )
    return Chart(
        fig, "fig-status-first", script=_interact.behaviour(), frame=status_chart_frame(ctx)
    )


def status_chart_table(ctx: Context) -> pd.DataFrame:
    """The status chart's data: a row per theme and status it counts, with the recommendations."""
    snap = first_snapshot(ctx)
    codes = ctx.status_order(snap["status"])
    rows = []
    for theme_id, title in ctx.theme_title.items():
        for code in codes:
            here = snap[(snap["theme_id"] == theme_id) & (snap["status"] == code)]
            if len(here):
                rows.append([title, ctx.status_text(code), len(here), _rec_list(here["rec_id"])])
    return pd.DataFrame(rows, columns=["Theme", "Status", "Recommendations", "Which"])


def _rec_list(rec_ids) -> str:
    return ", ".join(str(r) for r in sorted(rec_ids))


def status_chart_frame(ctx: Context) -> ChartFrame | None:
    """The status chart's finding: how many recommendations the first report gave as furthest
    on (delivered or partly delivered), of how many."""
    first = first_report(ctx)
    snap = first_snapshot(ctx)
    if first is None or snap.empty:
        return None
    codes, words = furthest_statuses(ctx)
    done = int(snap["status"].isin(codes).sum())
    verb = "was" if done == 1 else "were"
    voice = ctx.voice(first["source_id"], first["reported_by"])
    return ChartFrame(
        name="status-first-report",
        title=f"By {first['as_of']:%B %Y}, {done} of {plural(len(snap), 'recommendation')}"
        f" {verb} {words}",
        subtitle=f"Recommendations by theme and status, as given in {voice} (as at"
        f" {first['as_of']:%d %B %Y}): {counts_phrase(snap['status'].value_counts(), ctx.status_label)}.",
        source=ctx.report_name(first["source_id"]),
        table=status_chart_table(ctx),
    )


def other_voices(ctx: Context) -> Prose | None:
    """Judgements in the first report by anyone other than its main reporter (Munro's own)."""
    first = first_report(ctx)
    if first is None:
        return None
    progress = ctx.progress
    own = progress[
        (progress["source_id"] == first["source_id"])
        & (progress["reported_by"] != first["reported_by"])
    ].sort_values(["reported_by", "rec_id", "progress_id"])
    if own.empty:
        return None
    lines = []
    for reporter, theirs in own.groupby("reported_by", sort=True):
        lines += [
            f"{md(ctx.actor_name[reporter])}'s own judgements on particular recommendations:",
            "",
        ]
        for rec_id, judgements in theirs.groupby("rec_id", sort=True):
            lines.append(f"- **{md(ctx.rec_label(rec_id))}**")
            for row in judgements.itertuples():
                lines.append(
                    f"    - *{md(ctx.status_text(row.status))}*: {md(row.detail)}"
                    f" \u201c{md(row.quote)}\u201d"
                )
        lines.append("")
    return Prose("\n".join(lines).rstrip())


def areas(ctx: Context) -> list[str]:
    """Areas of reform in the descriptor's order, then any other an analyst's data brings."""
    enum_order = []
    for resource in ctx.descriptor.get("resources", []):
        if resource.get("name") in ("verdicts", "figures"):
            for field in resource.get("schema", {}).get("fields", []):
                if field.get("name") in ("area", "topic"):
                    enum_order += field.get("constraints", {}).get("enum", [])
    found = set(ctx.figures["topic"].astype(str)) | set(ctx.verdicts["area"].astype(str))
    ordered = list(dict.fromkeys(enum_order)) + sorted(found - set(enum_order))
    return [a for a in ordered if a not in (ABOUT_THE_FIGURES, OVERALL) and a in found]


def areas_intro(ctx: Context) -> Prose:
    press = ctx.verdicts["source_id"].map(ctx.sources.set_index("source_id")["kind"])
    press_sources = ctx.verdicts.loc[press == "press_article", "source_id"].unique()
    said = (
        f" The press summary of the report ({join_words([md(ctx.cite(s)) for s in press_sources])})"
        " grouped its findings by area."
        if len(press_sources)
        else ""
    )
    return Prose(
        f"## {number_word(len(areas(ctx))).capitalize()} areas of reform {{#areas}}\n\n"
        f"{said.strip()} For each: the judgements made of it, and the figures the report gives."
    )


def about_the_figures(ctx: Context) -> Prose | None:
    about = ctx.figures[ctx.figures["topic"] == ABOUT_THE_FIGURES]
    if about.empty:
        return None
    return Prose(
        "About the figures:\n\n"
        + "\n".join(
            f"- {md(row.description.rstrip('.'))}:"
            f" **{md(figure_value(row.value, row.unit, row.denominator))}**"
            f" ({cite_link(ctx, row.source_id, row.quote)})"
            for row in about.itertuples()
        )
    )


def area_verdicts(ctx: Context, area: str) -> Prose:
    said = ctx.verdicts[ctx.verdicts["area"] == area].sort_values("verdict_id")
    lines = [f"### {md(area_title(area))} {{#{slug(area)}}}", ""]
    for row in said.itertuples():
        lines += [
            f"**{md(row.verdict)}**",
            "",
            _quote_block(ctx, row.quote, row.source_id, row.actor_id),
            "",
        ]
    return Prose("\n".join(lines).rstrip())


def each_area(ctx: Context) -> list:
    parts = []
    for area in areas(ctx):
        parts += [area_verdicts(ctx, area), area_chart(ctx, area), area_table(ctx, area)]
    return parts


def later_view(ctx: Context) -> Prose | None:
    """How the last report's national picture differs from the first report's."""
    reports = ctx.later_reports
    if len(reports) < 2:
        return None
    first, last = reports.iloc[0], reports.iloc[-1]
    snap = ctx.snapshots
    before = snap[snap["as_of"] == first["as_of"]].set_index("rec_id")["status"]
    now = snap[(snap["as_of"] == last["as_of"]) & (snap["source_id"] == last["source_id"])]
    mentioned = now[now["status"] != "not_reported"]
    moved = mentioned[mentioned["status"] != mentioned["rec_id"].map(before)]
    reporter = md(ctx.report_name(last["source_id"]))
    lines = [
        f"## The view from {reporter} {{#later-view}}",
        "",
        f"{reporter} describes the national position on"
        f" {plural(len(mentioned), 'recommendation')}:"
        f" {md(counts_phrase(mentioned['status'].value_counts(), ctx.status_label))}."
        f" Its picture differs from that of {first['as_of']:%B %Y} on"
        f" {plural(len(moved), 'recommendation')}:",
        "",
    ]
    earlier = snap[snap["as_of"] == first["as_of"]].set_index("rec_id")
    rank = dict(zip(ctx.statuses["status"], ctx.statuses["rank"], strict=True))
    for row in moved.sort_values("rec_id").itertuples():
        # A fall is never shown without its explanation (another reporter's reading, or the
        # same reporter's), as on the recommendation's page, which quotes both.
        falls = rank.get(row.status, -1) < rank.get(before[row.rec_id], -1)
        why = recommendations.why_differ(ctx, earlier.loc[row.rec_id], row._asdict())
        link = f"{recommendations.page_href(row.rec_id)}#summary"
        lines.append(
            f"- **[{md(ctx.rec_label(row.rec_id))}]({link})**:"
            f" {md(ctx.status_text(before[row.rec_id]).lower())} in {first['as_of']:%B %Y},"
            f" {md(ctx.status_text(row.status).lower())} in {last['as_of']:%B %Y}."
            f" {md(row.detail)}" + (f" {why}" if falls else "")
        )
    return Prose("\n".join(lines))
