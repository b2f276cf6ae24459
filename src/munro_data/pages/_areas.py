"""The One year on page's key figures by area of reform: the counts a chart can show like
with like, the chart, its finding and table, and the other figures in a table."""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go
from great_tables import GT

from ..escape import plot, slug
from . import _palette
from ._context import Context
from ._parts import (
    Chart,
    ChartFrame,
    figure_value,
    gt_table,
    plural,
    source_line,
)


def _wholes(figures: pd.DataFrame) -> pd.Series:
    """The whole each figure counts a part of ("57 LSCBs"), or missing when none is stated.

    A percentage names no whole the data can compare: 28% of council funding and 80% of one
    family's costs are shares of different things, and go in the table, not on one axis.
    """
    counted = figures["unit"].ne("percent") & figures["denominator"].notna()
    return pd.Series(
        [
            figure_value(d, u) if is_count else None
            for d, u, is_count in zip(figures["denominator"], figures["unit"], counted, strict=True)
        ],
        index=figures.index,
        dtype="object",
    )


def charted_figures(ctx: Context, area: str) -> pd.DataFrame:
    """The area's counts out of one stated total, when at least two share it: like with like.

    When two totals qualify, the one more figures share is charted (the first in the data on a
    tie); the others are listed in the table.
    """
    # In the order of the data file, which follows the source, so related figures stay together.
    here = ctx.figures[ctx.figures["topic"] == area]
    whole = _wholes(here)
    sizes = whole.value_counts(sort=False)
    sizes = sizes[sizes >= 2]
    if sizes.empty:
        return here.iloc[0:0].assign(whole=pd.Series(dtype="object"))
    chosen = sizes.index[list(sizes).index(sizes.max())]
    return here[whole == chosen].assign(whole=chosen)


def listed_figures(ctx: Context, area: str) -> pd.DataFrame:
    here = ctx.figures[ctx.figures["topic"] == area]
    return here.drop(index=charted_figures(ctx, area).index)


LABEL_CHARACTERS = 40


def _label_rows(described: list[str]) -> tuple[list[int], list[int], int, list[list[str]]]:
    """Where each bar and its description go, in pixels from the top: the description above
    its bar, not beside it, since a phone has no room for long labels to the left."""
    # 40 characters a line fit a 375 px phone in both builds (Quarto's column is the narrower).
    label_lines = [textwrap.wrap(d, LABEL_CHARACTERS) for d in described]
    tops, centres, y = [], [], 0
    for lines_of_label in label_lines:
        tops.append(y)
        y += 15 * len(lines_of_label) + 4 + 10
        centres.append(y)
        y += 10 + 12
    return tops, centres, y, label_lines


def area_chart(ctx: Context, area: str) -> Chart | None:
    """The area's counts out of one stated total, each against that total."""
    charted = charted_figures(ctx, area)
    if charted.empty:
        return None
    whole = charted["whole"].iloc[0]
    total = float(charted["denominator"].iloc[0])
    described = [str(d).rstrip(".") for d in charted["description"]]
    shown_as = [
        figure_value(v, u, d)
        for v, u, d in zip(charted["value"], charted["unit"], charted["denominator"], strict=True)
    ]
    tops, centres, y, label_lines = _label_rows(described)
    fig = go.Figure(
        go.Bar(
            x=charted["value"],
            y=centres,
            width=20,
            orientation="h",
            marker={"color": _palette.BAR, "line": {"width": 0}},
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
        margin={"t": 10, "r": 130, "b": 50},
        xaxis={"range": [0, total], "title": f"Out of {plot(whole)}", "fixedrange": True},
        yaxis={"range": [y, 0], "visible": False, "fixedrange": True},
        showlegend=False,
    )
    return Chart(fig, f"fig-area-{slug(area)}", frame=area_chart_frame(ctx, area))


def _whole_number(value: float) -> float | int:
    """A count as a spreadsheet should read it: 17, not 17.0."""
    return int(value) if float(value).is_integer() else float(value)


def area_chart_table(ctx: Context, area: str) -> pd.DataFrame:
    """The area chart's data: each count it draws, as the report gives it, out of its total."""
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
            "Count": [_whole_number(v) for v in charted["value"]],
            "Out of": [_whole_number(v) for v in charted["denominator"]],
            "Source": [ctx.cite(s) for s in charted["source_id"]],
        }
    )


def area_chart_frame(ctx: Context, area: str) -> ChartFrame | None:
    """The area chart's finding: its largest count, in the report's words, out of the one total
    every figure of the chart shares (:func:`charted_figures` charts no other)."""
    charted = charted_figures(ctx, area)
    if charted.empty:
        return None
    table = area_chart_table(ctx, area)
    whole = charted["whole"].iloc[0]
    top = table.iloc[int(table["Count"].to_numpy().argmax())]
    low, high = table["Count"].min(), table["Count"].max()
    return ChartFrame(
        name=f"area-{slug(area)}",
        title=f"{top['Figure']}: {top['As given']}, the largest of the {len(table)} counts",
        subtitle=f"{area_title(area)}: {plural(len(table), 'figure')}, each a count out of the"
        f" same total ({whole}), from {low:,.10g} to {high:,.10g}.",
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
    # "Other" only beside a chart of the area's figures.
    heading = "Other figures" if len(charted_figures(ctx, area)) else "Figures"
    table = (
        gt_table(frame, f"tbl-figures-{slug(area)}")
        .cols_label(figure=heading, value="Value", source="Source")
        .cols_align("right", columns="value")
    )
    return table.cols_width({"figure": "62%", "value": "14%", "source": "24%"})


def area_title(area: str) -> str:
    return area.replace("_", " ").capitalize()
