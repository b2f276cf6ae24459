"""The Stances page: the heatmap of every actor's stance, and where they differed."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from ..escape import md, plot, plot_wrapped
from . import _interact, _palette
from ._context import POOL, Context
from ._parts import (
    Chart,
    ChartFrame,
    Html,
    Prose,
    counts_phrase,
    join_words,
    plural,
    render,
    short,
    source_line,
    stepped_colourscale,
)
from .recommendations import page_href


def coded(ctx: Context) -> pd.DataFrame:
    """One stance per (recommendation, actor shown), with its score; councils pooled by median."""
    from .. import analysis

    frame = ctx.responses.drop_duplicates(["rec_id", "actor_id"]).assign(
        stance=lambda d: d["stance"].astype(str),
        score=lambda d: d["stance"].astype(str).map(ctx.stance_score),
    )
    if not ctx.pooled:
        return frame
    medians = []
    for rec, group in frame[frame["actor_id"].isin(ctx.pooled)].groupby("rec_id"):
        code = analysis.median_stance(group["stance"], ctx.stances)
        medians.append(
            {
                "rec_id": rec,
                "actor_id": POOL,
                "source_id": "",
                "stance": code,
                "score": ctx.stance_score[code],
                "quote": f"Median of {len(group)} councils: "
                + counts_phrase(group["stance"].value_counts(), ctx.stance_label),
            }
        )
    return pd.concat([frame[~frame["actor_id"].isin(ctx.pooled)], pd.DataFrame(medians)])


def columns(ctx: Context) -> list[str]:
    return [*ctx.responding, POOL] if ctx.pooled else list(ctx.responding)


def scores(ctx: Context) -> pd.DataFrame:
    """Scores, recommendations by actors shown (missing stances are NaN)."""
    return (
        coded(ctx)
        .pivot(index="rec_id", columns="actor_id", values="score")
        .reindex(index=ctx.recommendations["rec_id"], columns=columns(ctx))
        .astype(float)
    )


def spread(ctx: Context) -> pd.Series:
    table = scores(ctx)
    return (table.max(axis=1) - table.min(axis=1)).fillna(0)


def rows_by_disagreement(ctx: Context) -> list[int]:
    by_theme = ctx.recs_in_theme_order
    gaps = spread(ctx)
    return sorted(by_theme, key=lambda rec: (-gaps[rec], by_theme.index(rec)))


def legend(ctx: Context) -> Html:
    """The scale in words, each level in its colour, strongest support first."""
    levels = [
        {
            "fill": _palette.fill(_palette.STANCE, code),
            "text": _palette.text_on(_palette.fill(_palette.STANCE, code)),
            "score": f"{ctx.stance_score[code]:+d}".replace("+0", "0"),
            "label": label,
        }
        for code, label in ctx.stance_label.items()
    ]
    return Html(render("legend.html.j2", levels=levels))


def _score_text(value: float) -> str:
    return "" if pd.isna(value) else f"{int(value):+d}".replace("+0", "0")


@dataclass(frozen=True)
class _Cells:
    """What the heatmap's rows are made of, in whatever order the menu puts them."""

    ctx: Context
    coded: pd.DataFrame  # indexed by (rec_id, actor_id)
    scores: pd.DataFrame
    shown: list[str]
    axis: dict[int, str]

    def hover(self, rec: int, actor: str) -> list[str]:
        ctx, href = self.ctx, page_href(rec)
        if (rec, actor) not in self.coded.index:
            return ["No position recorded", "", "", plot(ctx.rec_label(rec)), href]
        row = self.coded.loc[(rec, actor)]
        source = (
            f"{len(ctx.pooled)} councils' own documents"
            if not row["source_id"]
            else plot(ctx.cite(row["source_id"]))
        )
        label = ctx.stance_label.get(row["stance"], row["stance"])
        return [
            plot(label),
            plot_wrapped(row["quote"], 70, 8),
            source,
            plot(ctx.rec_label(rec)),
            href,
        ]

    def rows_in(self, recs: list[int]) -> dict:
        # The menu reorders the rows by reordering the data itself: plotly colours a cell's
        # text for the cell that held its place before a reorder of the axis alone.
        z = self.scores.loc[recs].to_numpy(dtype=float, na_value=float("nan"))
        return {
            "z": [[None if pd.isna(v) else v for v in row] for row in z],
            "y": [self.axis[rec] for rec in recs],
            "customdata": [[self.hover(rec, a) for a in self.shown] for rec in recs],
            "text": [[_score_text(v) for v in row] for row in z],
        }

    def menu_item(self, label: str, recs: list[int]) -> dict:
        data = self.rows_in(recs)
        ticks = {
            "yaxis.categoryarray": data["y"],
            "yaxis.tickvals": data["y"],
            "yaxis.ticktext": [_interact.rec_link(rec, self.axis[rec]) for rec in recs],
        }
        return {
            "label": label,
            "method": "update",
            "args": [{key: [value] for key, value in data.items()}, ticks],
        }


def _heatmap_layout(fig: go.Figure, cells: _Cells, order: list[int], menu: list[dict]) -> None:
    rows = [cells.axis[rec] for rec in order]
    fig.update_layout(
        height=130 + 34 * len(rows),
        margin={"t": 70, "b": 10},
        xaxis={"side": "top", "title": None},
        yaxis={
            "autorange": "reversed",
            "categoryorder": "array",
            "categoryarray": rows,
            "automargin": True,
            # Each row's name links to the recommendation's page; the labels are tied to the
            # rows' values, so they follow the rows when the menu reorders them.
            "tickmode": "array",
            "tickvals": rows,
            "ticktext": [_interact.rec_link(rec, cells.axis[rec]) for rec in order],
        },
        updatemenus=[
            {
                # A dropdown over the row labels: it fits a phone, where two buttons did not.
                "type": "dropdown",
                "direction": "down",
                "x": 0,
                "y": 1.0,
                "xanchor": "right",
                "yanchor": "bottom",
                "pad": {"b": 40, "r": 10},
                "showactive": True,
                "buttons": menu,
            }
        ],
    )
    # On a phone the column names turn to fit and rise into the space the menu sat in: the menu
    # goes higher, above them.
    _interact.ask(
        fig,
        links=True,
        narrow={"layout": {"margin.t": 125, "updatemenus[0].pad.b": 85}},
        wide={"layout": {"margin.t": 70, "updatemenus[0].pad.b": 40}},
    )


def heatmap(ctx: Context) -> Chart:
    """Every actor's stance on every recommendation; hover gives the quote and its source."""
    shown = columns(ctx)
    order = ctx.recs_in_theme_order
    cells = _Cells(
        ctx,
        coded(ctx).set_index(["rec_id", "actor_id"]),
        scores(ctx),
        shown,
        {rec: plot(short(ctx.rec_label(rec))) for rec in order},
    )
    codes = ctx.stances.sort_values("score")["stance"].astype(str).tolist()
    low, high = min(ctx.stance_score.values()), max(ctx.stance_score.values())
    first = cells.rows_in(order)
    fig = go.Figure(
        go.Heatmap(
            **first,
            x=[plot(ctx.actor_name[a]) for a in shown],
            texttemplate="%{text}",
            zmin=low - 0.5,
            zmax=high + 0.5,
            colorscale=stepped_colourscale(codes, _palette.STANCE),
            hovertemplate="<b>%{customdata[3]}</b><br>%{x}: %{customdata[0]}<br>%{customdata[1]}"
            "<br><i>%{customdata[2]}</i><br>" + _interact.LINK_HINT + "<extra></extra>",
        )
    )
    menu = [
        cells.menu_item("Rows by theme", order),
        cells.menu_item("Rows by disagreement", rows_by_disagreement(ctx)),
    ]
    _heatmap_layout(fig, cells, order, menu)
    return Chart(fig, "fig-stance-heatmap", script=_interact.behaviour(), frame=heatmap_frame(ctx))


def heatmap_table(ctx: Context) -> pd.DataFrame:
    """The heatmap's data: a row per recommendation, a column per actor, each stance in words
    with its score (empty where the actor took no position)."""
    cells = coded(ctx).set_index(["rec_id", "actor_id"])
    table = {"Recommendation": [ctx.rec_label(rec) for rec in ctx.recs_in_theme_order]}
    for actor in columns(ctx):
        table[ctx.actor_name[actor]] = [
            f"{ctx.stance_label.get(cells.loc[(rec, actor), 'stance'])}"
            f" ({_score_text(cells.loc[(rec, actor), 'score'])})"
            if (rec, actor) in cells.index
            else ""
            for rec in ctx.recs_in_theme_order
        ]
    return pd.DataFrame(table)


def heatmap_frame(ctx: Context) -> ChartFrame:
    """The heatmap's finding: whose stances were the most positive on average, and whose the
    least."""
    shown = columns(ctx)
    mean = scores(ctx).mean().round(1)
    most = [ctx.actor_name[a] for a in shown if mean[a] == mean.max()]
    least = [ctx.actor_name[a] for a in shown if mean[a] == mean.min()]
    codes = ctx.stances.sort_values("score")["stance"].astype(str).tolist()
    low, high = min(ctx.stance_score.values()), max(ctx.stance_score.values())
    dates = ctx.sources.set_index("source_id")["date"]
    said = coded(ctx).query("source_id != ''")
    said = said.assign(date=said["source_id"].map(dates)).sort_values(["date", "source_id"])
    named = [ctx.cite(r.source_id, r.actor_id) for r in said.itertuples()]
    if ctx.pooled:
        named.append(f"{plural(len(ctx.pooled), 'council')}' own documents")
    return ChartFrame(
        name="stances",
        title=f"{join_words(most)} took the most positive stance on average ({mean.max():+.1f}),"
        f" {join_words(least)} the least ({mean.min():+.1f})",
        subtitle=f"The stance of each of {len(shown)} actors on each of"
        f" {plural(len(ctx.recommendations), 'recommendation')}, scored from {low:+d}"
        f" ({ctx.stance_label[codes[0]].lower()}) to {high:+d}"
        f" ({ctx.stance_label[codes[-1]].lower()}); the same data, with every quote, is in the"
        " tables on the Recommendations page.",
        source=source_line(named),
        table=heatmap_table(ctx),
        hint="Click a cell or a recommendation's name to open its page; on a touch"
        " screen, a first tap on a cell shows its quote and a second tap opens the page.",
    )


def differences(ctx: Context) -> Prose:
    """Each actor's stances summed up, compared with the Government's, and the widest gaps."""
    table = scores(ctx)
    frame = coded(ctx)
    mean_score = table.mean().round(1)
    lines = ["How each actor's stances add up:", ""]
    for a in ctx.responding:
        counts = frame.loc[frame["actor_id"] == a, "stance"].value_counts()
        lines.append(
            f"- **{md(ctx.actor_name[a])}** took a position on"
            f" {int(table[a].notna().sum())} recommendations; its average score was"
            f" {mean_score[a]:+.1f} ({md(counts_phrase(counts, ctx.stance_label))})."
        )
    if ctx.pooled:
        theirs = ctx.responses[ctx.responses["actor_id"].isin(ctx.pooled)]["stance"].astype(str)
        supportive = theirs.map(ctx.stance_score).gt(0).mean()
        lines.append(
            f"- **The {len(ctx.pooled)} local authorities** took {len(theirs)} positions;"
            f" {supportive:.0%} of them were positive (a score above zero)."
        )
    order = sorted(ctx.recommendations["rec_id"])
    if "government" in ctx.responding:
        others = [a for a in columns(ctx) if a != "government"]
        gaps = table[others].sub(table["government"], axis=0)
        lines += ["", "Compared with the Government's answer:", ""]
        for a in others:
            keen = [rec for rec in order if gaps.loc[rec, a] >= 1]
            cool = [rec for rec in order if gaps.loc[rec, a] <= -1]
            lines.append(
                f"- **{md(ctx.actor_name[a])}** was more positive than the Government on"
                f" {plural(len(keen), 'recommendation')} ({', '.join(map(str, keen)) or 'none'})"
                f" and less positive on {len(cool)} ({', '.join(map(str, cool)) or 'none'})."
            )
    gaps = spread(ctx)
    widest = [rec for rec in rows_by_disagreement(ctx) if gaps[rec] == gaps.max()]
    lines += [
        "",
        f"The widest disagreement, a spread of {int(gaps.max())} points on the scale, was on"
        f" {', '.join(md(ctx.rec_label(rec)) for rec in widest)}.",
    ]
    agreed = [rec for rec in order if gaps[rec] == 0 and table.loc[rec].notna().sum() > 1]
    if agreed:
        lines.append(
            f"All actors took the same stance on {plural(len(agreed), 'recommendation')}:"
            f" {', '.join(md(ctx.rec_label(rec)) for rec in agreed)}."
        )
    return Prose("\n".join(lines))
