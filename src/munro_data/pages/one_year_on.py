"""The One year on page: the first progress report's verdict, its status table, the key
figures by area, and how the last report's picture differs."""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go
from great_tables import GT

from ..escape import md, plot, plot_wrapped, slug
from . import _interact, _palette, recommendations
from ._context import Context
from ._counting import furthest_statuses
from ._further import FURTHER_ANCHOR, further_rows
from ._parts import (
    Chart,
    ChartFrame,
    Prose,
    counts_phrase,
    figure_value,
    gt_table,
    join_words,
    number_word,
    plural,
    source_line,
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
            marker_line={"color": _palette.BAR_LINE, "width": 0.5},
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
        margin={"l": 10, "r": 10, "t": 20, "b": 40},
        xaxis={"title": "Recommendations", "dtick": 1},
        yaxis={
            "automargin": True,
            "autorange": "reversed",
            "tickmode": "array",
            "tickvals": [plot(t) for t in themes],
            "ticktext": [plot(t) for t in themes],
        },
        legend={"orientation": "h", "y": -0.25, "yanchor": "top"},
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


def area_title(area: str) -> str:
    return area.replace("_", " ").capitalize()


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


def _shares(figures: pd.DataFrame) -> pd.Series:
    """Each figure as a share of 100: percentages as they are, counts out of a stated total."""
    return figures["value"].where(
        figures["unit"] == "percent", 100 * figures["value"] / figures["denominator"]
    )


def charted_figures(ctx: Context, area: str) -> pd.DataFrame:
    # In the order of the data file, which follows the source, so related figures stay together.
    here = ctx.figures[ctx.figures["topic"] == area]
    share = _shares(here)
    return here[share.notna()].assign(share=share[share.notna()])


def listed_figures(ctx: Context, area: str) -> pd.DataFrame:
    here = ctx.figures[ctx.figures["topic"] == area]
    return here[_shares(here).isna()]


def area_chart(ctx: Context, area: str) -> Chart | None:
    """The area's figures that are shares of a whole, on one scale of 0 to 100 per cent."""
    charted = charted_figures(ctx, area)
    if charted.empty:
        return None
    described = [str(d).rstrip(".") for d in charted["description"]]
    shown_as = [
        figure_value(v, u, d)
        for v, u, d in zip(charted["value"], charted["unit"], charted["denominator"], strict=True)
    ]
    # Each bar with its description written above it, not beside it: a phone has no room for
    # long labels to the left. Positions are in pixels, so every row fits its lines.
    label_lines = [textwrap.wrap(d, 48) for d in described]
    tops, centres, y = [], [], 0
    for lines_of_label in label_lines:
        tops.append(y)
        y += 15 * len(lines_of_label) + 4 + 10
        centres.append(y)
        y += 10 + 12
    fig = go.Figure(
        go.Bar(
            x=charted["share"],
            y=centres,
            width=20,
            orientation="h",
            marker_color=_palette.BAR,
            text=[plot(v) for v in shown_as],
            textposition="outside",
            cliponaxis=False,
            customdata=[
                [plot(d), plot(ctx.cite(s))]
                for d, s in zip(described, charted["source_id"], strict=True)
            ],
            hovertemplate="%{customdata[0]}: %{text}<br><i>%{customdata[1]}</i><extra></extra>",
        )
    )
    for top, lines_of_label in zip(tops, label_lines, strict=True):
        fig.add_annotation(
            text="<br>".join(plot(line) for line in lines_of_label),
            x=0,
            xref="paper",
            xanchor="left",
            y=top,
            yanchor="top",
            showarrow=False,
            align="left",
            font={"size": 12},
        )
    fig.update_layout(
        height=y + 70,
        margin={"l": 10, "r": 110, "t": 10, "b": 50},
        xaxis={"range": [0, 100], "title": "Per cent", "fixedrange": True},
        yaxis={"range": [y, 0], "visible": False, "fixedrange": True},
        showlegend=False,
    )
    return Chart(fig, f"fig-area-{slug(area)}", frame=area_chart_frame(ctx, area))


def area_chart_table(ctx: Context, area: str) -> pd.DataFrame:
    """The area chart's data: each figure it draws, as the report gives it and as a share."""
    charted = charted_figures(ctx, area)
    return pd.DataFrame(
        {
            "Figure": [str(d).rstrip(".") for d in charted["description"]],
            "As given": [
                figure_value(v, u, d)
                for v, u, d in zip(
                    charted["value"], charted["unit"], charted["denominator"], strict=True
                )
            ],
            "Per cent": charted["share"].astype(float).round(1).tolist(),
            "Source": [ctx.cite(s) for s in charted["source_id"]],
        }
    )


def area_chart_frame(ctx: Context, area: str) -> ChartFrame | None:
    """The area chart's finding: its highest share, in the report's words, where the figures
    are shares of one kind of whole; where their wholes differ, only their range (a share of one
    whole is not more than a share of another)."""
    charted = charted_figures(ctx, area)
    if charted.empty:
        return None
    table = area_chart_table(ctx, area)
    top = table.iloc[int(table["Per cent"].to_numpy().argmax())]
    low, high = table["Per cent"].min(), table["Per cent"].max()
    alike = charted["unit"].nunique() == 1 and charted["denominator"].nunique(dropna=False) == 1
    if len(table) == 1:
        title = f"{top['Figure']}: {top['As given']}"
    elif alike:
        title = f"{top['Figure']}: {top['As given']}, the highest of the {len(table)} shares given"
    else:
        title = (
            f"{area_title(area)}: {len(table)} figures, each a share of its own whole,"
            f" from {low:,.10g} to {high:,.10g} per cent"
        )
    return ChartFrame(
        name=f"area-{slug(area)}",
        title=title,
        subtitle=f"{area_title(area)}: {plural(len(table), 'figure')} given as a share of a"
        " whole (a percentage, or a count out of its stated total), each drawn out of 100,"
        f" from {low:,.10g} to {high:,.10g} per cent.",
        source=source_line([ctx.report_name(s) for s in charted["source_id"]]),
        table=table,
    )


def area_table(ctx: Context, area: str) -> GT | None:
    """The area's other figures, in source order."""
    listed = listed_figures(ctx, area)
    if listed.empty:
        return None
    frame = pd.DataFrame(
        {
            "figure": [str(d).rstrip(".") for d in listed["description"]],
            "value": [
                figure_value(v, u, d)
                for v, u, d in zip(
                    listed["value"], listed["unit"], listed["denominator"], strict=True
                )
            ],
            "source": [ctx.cite(s) for s in listed["source_id"]],
        }
    )
    table = (
        gt_table(frame, f"tbl-figures-{slug(area)}")
        .cols_label(figure="Other figures", value="Value", source="Source")
        .cols_align("right", columns="value")
    )
    return table.cols_width({"figure": "62%", "value": "14%", "source": "24%"})


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
