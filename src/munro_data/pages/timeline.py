"""The Timeline page: every recommendation's status at each report, and each dated commitment
against what was delivered."""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go
from great_tables import GT

from .. import analysis
from ..escape import md, plot, plot_wrapped
from . import _interact, _palette
from ._context import Context
from ._counting import LOCAL, NATIONAL, furthest_statuses, outcome_text, tally
from ._parts import (
    Chart,
    ChartFrame,
    Prose,
    colour_cells,
    date_label,
    gt_table,
    join_words,
    number_word,
    plural,
    short,
    source_line,
    stepped_colourscale,
)
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


def status_grid(ctx: Context) -> Chart:
    snap = snapshot_columns(ctx)
    report_columns = snap.drop_duplicates("column").sort_values("as_of")["column"].tolist()
    codes = status_codes(ctx)
    grid = snap.set_index(["rec_id", "column"])
    order = ctx.recs_in_theme_order
    z, text, narrow_text, custom = [], [], [], []
    for rec in order:
        entries = [grid.loc[(rec, column)] for column in report_columns]
        z.append([codes.index(e["known_status"]) for e in entries])
        text.append([plot(_cell_text(ctx, e)) for e in entries])
        narrow_text.append([_short_cell_text(ctx, e) for e in entries])
        custom.append(
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
    rows = [plot(short(ctx.rec_label(rec))) for rec in order]
    columns = [plot(c) for c in report_columns]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=columns,
            y=rows,
            text=text,
            customdata=custom,
            texttemplate="%{text}",
            textfont={"size": 11},
            zmin=-0.5,
            zmax=len(codes) - 0.5,
            colorscale=stepped_colourscale(codes, _palette.STATUS),
            showscale=False,
            xgap=2,
            ygap=2,
            hovertemplate="<b>%{customdata[2]}</b><br>%{x}: %{customdata[3]}<br>%{customdata[0]}"
            "<br><i>%{customdata[1]}</i><br>" + _interact.LINK_HINT + "<extra></extra>",
        )
    )
    wide_rows = [_interact.rec_link(rec, row) for rec, row in zip(order, rows, strict=True)]
    fig.update_layout(
        height=110 + 34 * len(order),
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        xaxis={"side": "top", "tickmode": "array", "tickvals": columns, "ticktext": columns},
        yaxis={
            "autorange": "reversed",
            "automargin": True,
            "tickmode": "array",
            "tickvals": rows,
            "ticktext": wide_rows,
        },
        hoverlabel={"align": "left"},
    )
    # On a phone: shorter names, two-line headings and a word or two per cell, so that every
    # label fits its cell.
    _interact.ask(
        fig,
        links=True,
        narrow={
            "data": {"text": [narrow_text], "textfont.size": 10},
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
            "data": {"text": [text], "textfont.size": 11},
            "layout": {
                "xaxis.ticktext": columns,
                "xaxis.tickangle": "auto",
                "xaxis.tickfont.size": None,
                "yaxis.ticktext": wide_rows,
                "yaxis.tickfont.size": None,
                "margin.t": 50,
            },
            "traces": [0],
        },
    )
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
        title=f"By {last:%B %Y}, {now} of {plural(total, 'recommendation')}"
        f" {'was' if now == 1 else 'were'} {words}, against {then} in {first:%B %Y}",
        subtitle=f"The status of each recommendation at each of {reports} reports, {first:%B %Y}"
        f" to {last:%B %Y}: the {analysis.BASELINE}, then each later report's national view; a"
        " report that did not mention a recommendation leaves its earlier status standing,"
        " with its month.",
        source=_reports_drawn_on(ctx, snap),
        table=status_grid_table(ctx),
        hint="Click a cell or a recommendation's name to open its page; on a touch"
        " screen, a first tap on a cell shows its detail and a second tap opens the page.",
    )


def view_as_of(ctx: Context) -> Chart:
    """Counts of recommendations at each status, by theme, with a menu to choose the report."""
    snap = snapshot_columns(ctx).merge(ctx.recommendations[["rec_id", "theme_id"]], on="rec_id")
    snap["theme"] = snap["theme_id"].map(ctx.theme_title)
    report_columns = snap.drop_duplicates("column").sort_values("as_of")["column"].tolist()
    themes = list(ctx.theme_title.values())
    fig = go.Figure()
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
                marker_line={"color": _palette.BAR_LINE, "width": 0.5},
                visible=column == report_columns[-1],
                legendgroup=code,
                # The label as data, never template syntax; the theme in the label itself: the
                # <extra> box beside it fell off a phone.
                customdata=[[label]] * len(counts),
                hovertemplate="<b>%{y}</b><br>%{customdata[0]}: %{x}<extra></extra>",
            )
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
        margin={"l": 10, "r": 10, "t": 50, "b": 40},
        xaxis={"title": "Recommendations", "dtick": 1},
        yaxis={
            "automargin": True,
            "autorange": "reversed",
            "tickmode": "array",
            "tickvals": [plot(t) for t in themes],
            "ticktext": [plot(t) for t in themes],
        },
        legend={"orientation": "h", "y": -0.25, "yanchor": "top"},
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
    # On a phone the themes' names go in short lines (a long name beside the bars would leave
    # them no room, and be cut at the screen's edge) and the legend takes five rows: the chart
    # grows to keep the bars' room. Up to a tablet's width: there the names at full length push
    # the menu under the toolbar, which the narrow layout does without.
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


def commitment_label(rec_id: int, description: str) -> str:
    return plot(short(f"{rec_id}. {description}", 40))


def dated_commitments(ctx: Context) -> pd.DataFrame:
    outcomes = ctx.outcomes
    return outcomes[outcomes["due_date"].notna()].sort_values(["due_date", "commitment_id"])


def commitments_chart(ctx: Context) -> Chart:
    """Each dated commitment from the day it was made to its due date, coloured by outcome."""
    dated = dated_commitments(ctx)
    labels = [commitment_label(c.rec_id, c.description) for c in dated.itertuples()]
    # Two promises whose shortened labels are the same get their id added, so rows never merge.
    seen = pd.Series(labels).duplicated(keep=False).tolist()
    label_of = {
        c.commitment_id: (f"{label} ({plot(c.commitment_id)})" if dup else label)
        for c, label, dup in zip(dated.itertuples(), labels, seen, strict=True)
    }
    fig = go.Figure()
    bars = []
    for outcome, label in analysis.OUTCOME_LABELS.items():
        part = dated[dated["outcome"] == outcome]
        if part.empty:
            continue
        # A promise due in the month its source appeared (dated by the month's last day) is
        # drawn from the start of that month, so that no bar runs backwards.
        start = part["made_on"].where(
            part["made_on"] < part["due_date"], part["due_date"] - pd.offsets.MonthBegin(1)
        )
        days = (part["due_date"] - start).dt.days.clip(lower=7)
        fig.add_bar(
            y=[label_of[c] for c in part["commitment_id"]],
            x=days * 86_400_000,
            base=start.dt.strftime("%Y-%m-%d"),
            orientation="h",
            name=label,
            marker_color=_palette.fill(_palette.OUTCOME, outcome),
            customdata=[
                [
                    plot(c.due_text if pd.notna(c.due_text) else ""),
                    plot(ctx.actor_name[c.actor_id]),
                    f"{c.last_report:%B %Y}" if pd.notna(c.last_report) else "none",
                    plot_wrapped(c.quote, lines=3),
                    plot(f"{c.rec_id}. {c.description}"),
                    page_href(c.rec_id),
                ]
                for c in part.itertuples()
            ],
            hovertemplate="<b>%{customdata[4]}</b><br>%{customdata[1]} promised: %{customdata[0]}"
            f"<br>{label} (last report: %{{customdata[2]}})"
            "<br><i>%{customdata[3]}</i><br>" + _interact.LINK_HINT + "<extra></extra>",
        )
        bars.append(len(fig.data) - 1)
    delivered = dated[dated["delivered_on"].notna()]
    rows = [label_of[c] for c in dated["commitment_id"]]
    fig.add_scatter(
        y=[label_of[c] for c in delivered["commitment_id"]],
        x=delivered["delivered_on"].dt.strftime("%Y-%m-%d"),
        mode="markers",
        name="Delivered on",
        marker={"symbol": "diamond", "size": 10, "color": "#000"},
        customdata=[
            [date_label(day), page_href(rec)]
            for day, rec in zip(delivered["delivered_on"], delivered["rec_id"], strict=True)
        ],
        hovertemplate="Delivered: %{customdata[0]}<extra></extra>",
    )
    for report_date in sorted(ctx.progress["as_of"].unique()):
        fig.add_vline(
            x=pd.Timestamp(report_date).strftime("%Y-%m-%d"),
            line={"dash": "dot", "color": "#555"},
        )
    fig.update_layout(
        barmode="overlay",
        height=140 + 26 * len(dated),
        margin={"l": 10, "r": 10, "t": 30, "b": 40},
        xaxis={"type": "date", "title": None},
        legend={"orientation": "h", "y": -0.08},
        yaxis={
            "autorange": "reversed",
            "automargin": True,
            "categoryorder": "array",
            "categoryarray": rows,
            "tickfont": {"size": 11},
            # Each promise's name links to its recommendation's page.
            "tickmode": "array",
            "tickvals": rows,
            "ticktext": [
                _interact.rec_link(c.rec_id, label_of[c.commitment_id]) for c in dated.itertuples()
            ],
        },
    )
    # On a phone the names, longer than the chart is wide, go above their bars (as on the One
    # year on page), and the bars get the whole width.
    above = [
        {
            "text": _interact.rec_link(c.rec_id, plot(short(f"{c.rec_id}. {c.description}", 54))),
            "x": 0,
            "xref": "paper",
            "xanchor": "left",
            "y": label_of[c.commitment_id],
            "yref": "y",
            "yanchor": "bottom",
            "yshift": 6,
            "showarrow": False,
            "font": {"size": 10},
        }
        for c in dated.itertuples()
    ]
    _interact.ask(
        fig,
        links=True,
        narrow={
            "data": {"width": 0.3},
            "layout": {
                "yaxis.showticklabels": False,
                "annotations": above,
                "margin.l": 5,
                "xaxis.tickangle": 0,
                "xaxis.nticks": 4,
                "height": 140 + 34 * len(dated),
            },
            "traces": bars,
        },
        wide={
            "data": {"width": None},
            "layout": {
                "yaxis.showticklabels": True,
                "annotations": [],
                "margin.l": 10,
                "xaxis.tickangle": "auto",
                "xaxis.nticks": None,
                "height": 140 + 26 * len(dated),
            },
            "traces": bars,
        },
    )
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
            "Delivered": dated["delivered_on"].map(date_label).tolist(),
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
    delivered = national.delivered
    return ChartFrame(
        name="commitments",
        title=f"{delivered} of the {national.total} {national.scope_words}"
        f" {'was' if delivered == 1 else 'were'} delivered,"
        f" {national.counts['on_time']} of them on time, {when}",
        subtitle=f"The {national.total} {national.scope_words}"
        + (f" and the {local.total} {local.scope_words}" if local.total else "")
        + ", each drawn from the day it was made to its due date and coloured by its outcome;"
        " a diamond marks the day it was delivered, dotted lines the reports.",
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
            f"Those delivered late came {late['months_late'].min()} to"
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
