"""The pieces of the Timeline's chart of commitments against delivery: each promise's name in
a readable short form, its bars by outcome, the deliveries, the reports' lines, and the layouts
for wide and narrow screens.

>>> promise_name(15, "Chief Social Worker in post")
['15. Chief Social Worker in post']
>>> promise_name(9, "Consider systems review methodology for SCRs and national resource options", 30)
['9. Consider systems review', 'methodology for SCRs…']
"""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from .. import analysis
from ..escape import plot, plot_wrapped
from . import _interact, _palette
from ._context import Context
from ._parts import date_label
from .recommendations import page_href

# A name in at most two lines of this many characters: it fits beside the bars on a desktop
# and above them on a phone.
NAME_WIDTH = 44
NAME_LINES = 2
ELLIPSIS = "\u2026"
# Words a shortened name does not end on: "Work with the College of…" reads; "Work with the…"
# leaves the reader nowhere.
_WEAK_ENDINGS = {"a", "an", "and", "for", "in", "of", "on", "or", "the", "to", "with", "whether"}
# The reports' lines, told apart by their dashes (and named in the legend).
DASHES = ["dot", "dash", "dashdot", "longdash", "longdashdot"]
REPORT_LINE = "#555555"
# Pixels per row: two lines of a name beside a bar; on a phone, two lines above a thin bar.
ROW, NARROW_ROW = 34, 50


def promise_name(
    rec_id: int, description: str, width: int = NAME_WIDTH, lines: int = NAME_LINES
) -> list[str]:
    """A promise's name, whole if it fits ``lines`` lines of ``width``, else cut after a whole
    word (never a small one) and marked with an ellipsis; the full name is in the hover and in
    the table below the chart."""
    text = f"{rec_id}. {description}"
    wrapped = textwrap.wrap(text, width)
    words = text.split()
    while len(wrapped) > lines and len(words) > 1:
        words.pop()
        # A bracket opened and not closed is left out whole.
        kept = " ".join(words)
        if kept.count("(") > kept.count(")"):
            words = kept[: kept.rindex("(")].split()
        while len(words) > 1 and words[-1].lower().strip(",;:") in _WEAK_ENDINGS:
            words.pop()
        wrapped = textwrap.wrap(" ".join(words).rstrip(",;:") + ELLIPSIS, width)
    return wrapped


def names(dated: pd.DataFrame) -> dict[str, list[str]]:
    """Each dated promise's short name; two that would read the same get their due date."""
    lines = {c.commitment_id: promise_name(c.rec_id, c.description) for c in dated.itertuples()}
    joined = pd.Series({k: " ".join(v) for k, v in lines.items()})
    for c in dated[dated["commitment_id"].map(joined.duplicated(keep=False))].itertuples():
        lines[c.commitment_id] = [*lines[c.commitment_id], f"(due {date_label(c.due_date)})"]
    return lines


def row_label(name: list[str]) -> str:
    """The row's value on the axis: its name on one line (the ticks break it into lines)."""
    return plot(" ".join(name))


def _hover(ctx: Context, part: pd.DataFrame) -> list[list[str]]:
    return [
        [
            plot(c.due_text if pd.notna(c.due_text) else ""),
            plot(ctx.actor_name[c.actor_id]),
            f"{c.last_report:%B %Y}" if pd.notna(c.last_report) else "none",
            plot_wrapped(c.quote, lines=3),
            plot(f"{c.rec_id}. {c.description}"),
            page_href(c.rec_id),
        ]
        for c in part.itertuples()
    ]


def add_outcome_bars(
    fig: go.Figure, ctx: Context, dated: pd.DataFrame, named: dict[str, list[str]]
) -> list[int]:
    """A bar per promise from the day it was made to its due date, one trace per outcome;
    returns the traces' indices."""
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
            y=[row_label(named[c]) for c in part["commitment_id"]],
            x=days * 86_400_000,
            base=start.dt.strftime("%Y-%m-%d"),
            orientation="h",
            name=label,
            marker_color=_palette.fill(_palette.OUTCOME, outcome),
            customdata=_hover(ctx, part),
            hovertemplate="<b>%{customdata[4]}</b><br>%{customdata[1]} promised: %{customdata[0]}"
            f"<br>{label} (last report: %{{customdata[2]}})"
            "<br><i>%{customdata[3]}</i><br>" + _interact.LINK_HINT + "<extra></extra>",
        )
        bars.append(len(fig.data) - 1)
    return bars


def _kept_by(row: dict) -> str:
    return "Decided" if row.get("promise") == "decide" else "Delivered"


def add_deliveries(fig: go.Figure, dated: pd.DataFrame, named: dict[str, list[str]]) -> None:
    delivered = dated[dated["delivered_on"].notna()]
    fig.add_scatter(
        y=[row_label(named[c]) for c in delivered["commitment_id"]],
        x=delivered["delivered_on"].dt.strftime("%Y-%m-%d"),
        mode="markers",
        # A promise to decide is kept by its decision: the diamond is that day.
        name="Day delivered or decided",
        marker={"symbol": "diamond", "size": 10, "color": "#000"},
        customdata=[
            # The link comes last, where the chart's script looks for it.
            [date_label(row["delivered_on"]), _kept_by(row), page_href(row["rec_id"])]
            for row in delivered.to_dict("records")
        ],
        hovertemplate="%{customdata[1]}: %{customdata[0]}<extra></extra>",
    )


def report_lines(ctx: Context) -> list[tuple[pd.Timestamp, str]]:
    """Each date a report in the data gave progress, with the report's name."""
    dates = ctx.progress.drop_duplicates("as_of").sort_values(["as_of", "source_id"])
    return [(row.as_of, ctx.report_name(row.source_id)) for row in dates.itertuples()]


def add_report_lines(fig: go.Figure, ctx: Context) -> None:
    """A line at each report's date, full height (on an axis of its own running 0 to 1), each
    with its own dash and its report's name in the legend."""
    for i, (day, name) in enumerate(report_lines(ctx)):
        fig.add_scatter(
            x=[day.strftime("%Y-%m-%d")] * 2,
            y=[0, 1],
            yaxis="y2",
            mode="lines",
            name=plot(name),
            line={"dash": DASHES[i % len(DASHES)], "color": REPORT_LINE, "width": 1.5},
            hoverinfo="skip",
        )
    fig.update_layout(yaxis2={"overlaying": "y", "range": [0, 1], "visible": False})


def _name_above(c, name: list[str]) -> dict:
    """On a phone a name goes above its bar, on white: the reports' lines pass behind it."""
    return {
        "text": "<br>".join(_interact.rec_link(c.rec_id, plot(line)) for line in name),
        "x": 0,
        "xref": "paper",
        "xanchor": "left",
        "y": row_label(name),
        "yref": "y",
        "yanchor": "bottom",
        "yshift": 6,
        "align": "left",
        "showarrow": False,
        "bgcolor": "white",
        "font": {"size": 10},
    }


def lay_out(fig: go.Figure, dated: pd.DataFrame, named: dict[str, list[str]], bars: list[int]):
    """The wide layout (names beside the bars, each line a link) and the narrow one."""
    rows = [row_label(named[c]) for c in dated["commitment_id"]]
    ticks = [
        "<br>".join(_interact.rec_link(c.rec_id, plot(line)) for line in named[c.commitment_id])
        for c in dated.itertuples()
    ]
    fig.update_layout(
        barmode="overlay",
        height=140 + ROW * len(dated),
        xaxis={"type": "date", "title": None},
        legend={"y": -0.04 if len(dated) > 10 else -0.15},
        yaxis={
            "autorange": "reversed",
            "automargin": True,
            "categoryorder": "array",
            "categoryarray": rows,
            "tickfont": {"size": 11},
            "tickmode": "array",
            "tickvals": rows,
            "ticktext": ticks,
        },
    )
    # On a phone the names go above their bars (as on the One year on page), and the bars get
    # the whole width.
    above = [_name_above(c, named[c.commitment_id]) for c in dated.itertuples()]
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
                "height": 140 + NARROW_ROW * len(dated),
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
                "height": 140 + ROW * len(dated),
            },
            "traces": bars,
        },
    )
