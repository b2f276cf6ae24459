"""The Timeline page: every recommendation's status at each report, and each dated commitment
against what was delivered."""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from .. import analysis
from ..escape import md, plot, plot_wrapped
from . import _interact, _palette
from ._context import Context
from ._counting import furthest_statuses
from ._parts import (
    Chart,
    ChartFrame,
    Prose,
    join_words,
    number_word,
    plural,
    short,
    source_line,
    stepped_colourscale,
)
from ._timeline_promises import commitments_chart as commitments_chart
from ._timeline_promises import commitments_chart_frame as commitments_chart_frame
from ._timeline_promises import commitments_chart_table as commitments_chart_table
from ._timeline_promises import dated_commitments as dated_commitments
from ._timeline_promises import slippage as slippage
from ._timeline_promises import slippage_summary as slippage_summary
from ._timeline_promises import slippage_table as slippage_table
from .recommendations import page_href
from .recommendations import status_falls as status_falls


def intro(ctx: Context) -> Prose:
    """Which later reports the page draws on, named from the data."""
    reports = ctx.later_reports
    named = join_words([md(ctx.voice(r.source_id, r.reported_by)) for r in reports.itertuples()])
    count = number_word(len(reports)).capitalize()
    return Prose(
        "The Government answered the review with promises and timescales."
        + (
            f" {count} later {'report says' if len(reports) == 1 else 'reports say'} how far"
            " those had got:"
            f" {named}."
            if len(reports)
            else " No later report is in the data."
        )
        + " Each status below is that reporter's claim, quoted in the data."
    )


def snapshot_columns(ctx: Context) -> pd.DataFrame:
    """The snapshots with a column heading per report, in date order."""
    snap = ctx.snapshots.copy()
    snap["column"] = [
        f"{analysis.BASELINE} ({a:%Y})" if report == analysis.BASELINE else ctx.voice(s, b)
        for report, a, s, b in zip(
            snap["report"], snap["as_of"], snap["source_id"], snap["reported_by"], strict=True
        )
    ]
    return snap


def status_codes(ctx: Context) -> list[str]:
    """Every status the grid can show, in the order of the statuses table, unknown codes last."""
    return ctx.status_order(ctx.snapshots["known_status"])


# On a phone's narrow cells a status keeps its one name, in short lines.
NARROW_CELL = 10


def _cell_text(ctx: Context, entry: pd.Series) -> str:
    """A cell's words: the report's status, or the earlier one it leaves standing."""
    label = ctx.status_text(entry["known_status"])
    if entry["mentioned"] or pd.isna(entry["known_as_of"]):
        return label
    return f"{label} ({entry['known_as_of']:%b %Y})"


def _short_cell_text(ctx: Context, entry: pd.Series) -> str:
    """The same on a phone: a short word, in brackets when it is an earlier status standing."""
    code = str(entry["known_status"])
    label = "<br>".join(plot(line) for line in textwrap.wrap(ctx.status_text(code), NARROW_CELL))
    if entry["mentioned"] or pd.isna(entry["known_as_of"]):
        return label
    return f"({label})"


def _short_heading(snap: pd.DataFrame, column: str, ctx: Context) -> str:
    """A report's column heading in two short lines, for a phone."""
    first = snap[snap["column"] == column].iloc[0]
    if first["report"] == analysis.BASELINE:
        return f"Response<br>{first['as_of']:%Y}"
    author = ctx.source_author(first["source_id"])
    lines = [f"{first['as_of']:%b %Y}", short(ctx.actor_name.get(author, ""), 12)]
    if first["reported_by"] != author:
        # The part of the report in another actor's voice says so, as the wide heading does.
        lines[-1] += ":"
        lines += [short(f"{ctx.actor_name[first['reported_by']]}'s", 14), "update"]
    return "<br>".join(plot(line) for line in lines if line)


def _two_lines(rec: int, label: str, width: int = 21) -> str:
    """A recommendation's name in two short lines, each a link to its page."""
    lines = textwrap.wrap(label, width)
    if len(lines) > 2:
        lines = [lines[0], short(" ".join(lines[1:]), width)]
    return "<br>".join(_interact.rec_link(rec, plot(line)) for line in lines)


def _grid_cells(ctx: Context, snap: pd.DataFrame, report_columns: list[str]) -> dict:
    """Per recommendation (theme order) and report: the status's index, its words at each
    width, and the hover's fields."""
    codes = status_codes(ctx)
    grid = snap.set_index(["rec_id", "column"])
    cells: dict[str, list] = {"z": [], "text": [], "narrow_text": [], "customdata": []}
    for rec in ctx.recs_in_theme_order:
        entries = [grid.loc[(rec, column)] for column in report_columns]
        cells["z"].append([codes.index(e["known_status"]) for e in entries])
        cells["text"].append([plot(_cell_text(ctx, e)) for e in entries])
        cells["narrow_text"].append([_short_cell_text(ctx, e) for e in entries])
        cells["customdata"].append(
            [
                [
                    plot_wrapped(e["detail"]),
                    plot_wrapped(e["quote"], lines=4),
                    plot(ctx.rec_label(rec)),
                    plot(_cell_text(ctx, e)),
                    page_href(rec),
                ]
                for e in entries
            ]
        )
    return cells


def _grid_on_a_phone(ctx: Context, fig: go.Figure, snap: pd.DataFrame, cells: dict) -> None:
    """Shorter names, two-line headings and a word or two per cell, so that every label fits
    its cell; the wide layout as drawn undoes it."""
    report_columns = snap.drop_duplicates("column").sort_values("as_of")["column"].tolist()
    order = ctx.recs_in_theme_order
    _interact.ask(
        fig,
        links=True,
        narrow={
            "data": {"text": [cells["narrow_text"]], "textfont.size": 10},
            "layout": {
                "xaxis.ticktext": [_short_heading(snap, c, ctx) for c in report_columns],
                "xaxis.tickangle": 0,
                "xaxis.tickfont.size": 10,
                "yaxis.ticktext": [_two_lines(rec, ctx.rec_label(rec)) for rec in order],
                "yaxis.tickfont.size": 10,
                "margin.t": 64,
            },
            "traces": [0],
        },
        wide={
            "data": {"text": [cells["text"]], "textfont.size": 11},
            "layout": {
                "xaxis.ticktext": list(fig.layout.xaxis.ticktext),
                "xaxis.tickangle": "auto",
                "xaxis.tickfont.size": None,
                "yaxis.ticktext": list(fig.layout.yaxis.ticktext),
                "yaxis.tickfont.size": None,
                "margin.t": 50,
            },
            "traces": [0],
        },
    )


def status_grid(ctx: Context) -> Chart:
    snap = snapshot_columns(ctx)
    report_columns = snap.drop_duplicates("column").sort_values("as_of")["column"].tolist()
    codes = status_codes(ctx)
    order = ctx.recs_in_theme_order
    cells = _grid_cells(ctx, snap, report_columns)
    rows = [plot(short(ctx.rec_label(rec))) for rec in order]
    columns = [plot(c) for c in report_columns]
    fig = go.Figure(
        go.Heatmap(
            z=cells["z"],
            x=columns,
            y=rows,
            text=cells["text"],
            customdata=cells["customdata"],
            texttemplate="%{text}",
            textfont={"size": 11},
            zmin=-0.5,
            zmax=len(codes) - 0.5,
            colorscale=stepped_colourscale(codes, _palette.STATUS),
            hovertemplate="<b>%{customdata[2]}</b><br>%{x}: %{customdata[3]}<br>%{customdata[0]}"
            "<br><i>%{customdata[1]}</i><br>" + _interact.LINK_HINT + "<extra></extra>",
        )
    )
    fig.update_layout(
        height=110 + 34 * len(order),
        margin={"t": 50, "b": 10},
        xaxis={"side": "top", "tickmode": "array", "tickvals": columns, "ticktext": columns},
        yaxis={
            "autorange": "reversed",
            "automargin": True,
            "tickmode": "array",
            "tickvals": rows,
            "ticktext": [
                _interact.rec_link(rec, row) for rec, row in zip(order, rows, strict=True)
            ],
        },
    )
    _grid_on_a_phone(ctx, fig, snap, cells)
    return Chart(
        fig, "fig-status-by-report", script=_interact.behaviour(), frame=status_grid_frame(ctx)
    )


def _report_columns(snap: pd.DataFrame) -> list[str]:
    return snap.drop_duplicates("column").sort_values("as_of")["column"].tolist()


def status_grid_table(ctx: Context) -> pd.DataFrame:
    """The grid's data: a row per recommendation, a column per report, each cell's words."""
    snap = snapshot_columns(ctx)
    grid = snap.set_index(["rec_id", "column"])
    table = {"Recommendation": [ctx.rec_label(rec) for rec in ctx.recs_in_theme_order]}
    for column in _report_columns(snap):
        table[column] = [
            _cell_text(ctx, grid.loc[(rec, column)]) for rec in ctx.recs_in_theme_order
        ]
    return pd.DataFrame(table)


def _reports_drawn_on(ctx: Context, snap: pd.DataFrame) -> str:
    """The reports a chart of the snapshots draws on, in date order, each as a reader cites it."""
    reports = snap.drop_duplicates(["source_id", "reported_by"]).sort_values("as_of")
    return source_line([ctx.cite(r.source_id, r.reported_by) for r in reports.itertuples()])


def _furthest_at(ctx: Context, snap: pd.DataFrame, as_of) -> int:
    codes, _ = furthest_statuses(ctx)
    return int(snap.loc[snap["as_of"] == as_of, "known_status"].isin(codes).sum())


def _column_at(snap: pd.DataFrame, as_of) -> str:
    """The report a column of the snapshots stands for, as its heading names it."""
    return str(snap.loc[snap["as_of"] == as_of, "column"].iloc[0])


def status_grid_frame(ctx: Context) -> ChartFrame:
    """The grid's finding: how many recommendations stood delivered or partly delivered at the
    latest report, against the first."""
    snap = snapshot_columns(ctx)
    first, last = snap["as_of"].min(), snap["as_of"].max()
    _, words = furthest_statuses(ctx)
    now, then = _furthest_at(ctx, snap, last), _furthest_at(ctx, snap, first)
    total = snap["rec_id"].nunique()
    reports = len(_report_columns(snap))
    return ChartFrame(
        name="status-by-report",
        # Each count names its report: the latest may be another reporter's reading, not a
        # later state of the same one (a fall between columns is a different reader).
        title=f"At the latest report ({_column_at(snap, last)}), {now} of"
        f" {plural(total, 'recommendation')} {'was' if now == 1 else 'were'} {words}, against"
        f" {then} at the {_column_at(snap, first)}",
        subtitle=f"The status of each recommendation at each of {reports} reports, {first:%B %Y}"
        f" to {last:%B %Y}: the {analysis.BASELINE}, then each later report's national view; a"
        " report that did not mention a recommendation leaves its earlier status standing,"
        " with its month.",
        source=_reports_drawn_on(ctx, snap),
        table=status_grid_table(ctx),
        hint="Click a cell or a recommendation's name to open its page; on a touch"
        " screen, a first tap on a cell shows its detail and a second tap opens the page.",
    )


def _bars_by_report(ctx: Context, fig: go.Figure, snap: pd.DataFrame, themes: list[str]) -> dict:
    """A stacked bar per status for each report, only the latest's shown; returns each report's
    traces."""
    report_columns = snap.drop_duplicates("column").sort_values("as_of")["column"].tolist()
    traces: dict[str, list[int]] = {}
    for column in report_columns:
        here = snap[snap["column"] == column]
        traces[column] = []
        for code in status_codes(ctx):
            counts = here[here["known_status"] == code].groupby("theme").size()
            counts = counts.reindex(themes, fill_value=0)
            if counts.sum() == 0:
                continue
            traces[column].append(len(fig.data))
            label = plot(ctx.status_text(code))
            fig.add_bar(
                y=[plot(t) for t in counts.index],
                x=counts.values,
                orientation="h",
                name=label,
                marker_color=_palette.fill(_palette.STATUS, code),
                visible=column == report_columns[-1],
                legendgroup=code,
                # The label as data, never template syntax; the theme in the label itself: the
                # <extra> box beside it fell off a phone.
                customdata=[[label]] * len(counts),
                hovertemplate="<b>%{y}</b><br>%{customdata[0]}: %{x}<extra></extra>",
            )
    return traces


def _view_on_a_phone(fig: go.Figure, report_columns: list[str], themes: list[str]) -> None:
    """On a phone the themes' names go in short lines (a long name beside the bars would leave
    them no room, and be cut at the screen's edge) and the legend takes five rows: the chart
    grows to keep the bars' room. Up to a tablet's width: there the names at full length push
    the menu under the toolbar, which the narrow layout does without."""
    _interact.ask(
        fig,
        below=900,
        narrow={
            "layout": {
                "yaxis.ticktext": [plot_wrapped(t, 22) for t in themes],
                "height": 330 + 60 * len(themes),
                "updatemenus[0].x": 1,
                "updatemenus[0].xanchor": "right",
                # The reports' names in short lines: at full length the widest pushed the menu
                # off a phone's screen.
                **{
                    f"updatemenus[0].buttons[{i}].label": plot_wrapped(column, 24)
                    for i, column in enumerate(report_columns)
                },
            }
        },
        wide={
            "layout": {
                "yaxis.ticktext": [plot(t) for t in themes],
                "height": 360,
                "updatemenus[0].x": 0,
                "updatemenus[0].xanchor": "left",
                **{
                    f"updatemenus[0].buttons[{i}].label": plot(column)
                    for i, column in enumerate(report_columns)
                },
            }
        },
    )


def view_as_of(ctx: Context) -> Chart:
    """Counts of recommendations at each status, by theme, with a menu to choose the report."""
    snap = snapshot_columns(ctx).merge(ctx.recommendations[["rec_id", "theme_id"]], on="rec_id")
    snap["theme"] = snap["theme_id"].map(ctx.theme_title)
    report_columns = snap.drop_duplicates("column").sort_values("as_of")["column"].tolist()
    themes = list(ctx.theme_title.values())
    fig = go.Figure()
    traces = _bars_by_report(ctx, fig, snap, themes)
    buttons = [
        {
            "label": plot(column),
            "method": "update",
            "args": [{"visible": [i in traces[column] for i in range(len(fig.data))]}],
        }
        for column in report_columns
    ]
    fig.update_layout(
        barmode="stack",
        height=360,
        margin={"t": 50},
        xaxis={"title": "Recommendations", "dtick": 1},
        yaxis={
            "automargin": True,
            "autorange": "reversed",
            "tickmode": "array",
            "tickvals": [plot(t) for t in themes],
            "ticktext": [plot(t) for t in themes],
        },
        legend={"y": -0.25},
        updatemenus=[
            {
                "buttons": buttons,
                "active": len(report_columns) - 1,
                # Above the bars' left end, clear of the toolbar at the top right; on a phone,
                # where there is no toolbar, above their right end (from the left it ran off the
                # screen).
                "x": 0,
                "y": 1,
                "xanchor": "left",
                "yanchor": "bottom",
                "pad": {"b": 8},
                "direction": "down",
            }
        ],
    )
    _view_on_a_phone(fig, report_columns, themes)
    return Chart(fig, "fig-view-as-of", script=_interact.behaviour(), frame=view_as_of_frame(ctx))


def _themed_snapshots(ctx: Context) -> pd.DataFrame:
    snap = snapshot_columns(ctx).merge(ctx.recommendations[["rec_id", "theme_id"]], on="rec_id")
    return snap.assign(theme=snap["theme_id"].map(ctx.theme_title))


def view_as_of_table(ctx: Context) -> pd.DataFrame:
    """The chart's data: at each report, a row per theme and status it counts."""
    snap = _themed_snapshots(ctx)
    rows = []
    for column in _report_columns(snap):
        here = snap[snap["column"] == column]
        for theme in ctx.theme_title.values():
            for code in status_codes(ctx):
                count = int(((here["theme"] == theme) & (here["known_status"] == code)).sum())
                if count:
                    rows.append([column, theme, ctx.status_text(code), count])
    return pd.DataFrame(rows, columns=["Report", "Theme", "Status", "Recommendations"])


def view_as_of_frame(ctx: Context) -> ChartFrame:
    """The chart's finding: the theme with the most recommendations furthest on at the latest
    report."""
    snap = _themed_snapshots(ctx)
    last = snap["as_of"].max()
    codes, words = furthest_statuses(ctx)
    here = snap[snap["as_of"] == last]
    done = here["known_status"].isin(codes).groupby(here["theme"]).sum()
    best = [t for t in ctx.theme_title.values() if t in done.index and done[t] == done.max()]
    if done.max() == 0:
        title = f"By {last:%B %Y}, no recommendation was {words}"
    elif len(best) == 1:
        of = int((here["theme"] == best[0]).sum())
        title = (
            f"By {last:%B %Y}, {best[0]} had the most recommendations {words}:"
            f" {int(done.max())} of its {of}"
        )
    else:
        title = (
            f"By {last:%B %Y}, {join_words(best)} had the most recommendations {words},"
            f" {int(done.max())} each"
        )
    reports = len(_report_columns(snap))
    return ChartFrame(
        name="status-by-theme",
        title=title,
        subtitle=f"Recommendations by theme and status at each of {reports} reports,"
        f" {snap['as_of'].min():%B %Y} to {last:%B %Y}; the menu chooses the report, the"
        " latest shown first.",
        source=_reports_drawn_on(ctx, snap),
        table=view_as_of_table(ctx),
    )
