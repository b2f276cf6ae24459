"""The charts' shared settings, written once: a plotly template registered as ``munro``, and
the configuration every chart is drawn with.

A chart function sets only what is its own (its height, axes, legend place); the font,
margins, hover labels, background and the look of bars and heatmap cells come from here.

>>> import plotly.io as pio
>>> pio.templates[NAME].layout.hoverlabel.align
'left'
>>> pio.templates[NAME].data.heatmap[0].xgap
2
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

from . import _palette

NAME = "munro"
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif"
CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
}


def _template() -> go.layout.Template:
    # plotly_white's axes and grid, with the site's font and the settings every chart shared.
    template = go.layout.Template(pio.templates["plotly_white"])
    template.layout.update(
        font_family=FONT,
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin={"l": 10, "r": 10, "t": 30, "b": 40},
        # A hover label's lines read from the left, as the quotes in them do.
        hoverlabel={"align": "left"},
        legend={"orientation": "h", "yanchor": "top"},
    )
    template.data.bar = [go.Bar(marker_line={"color": _palette.BAR_LINE, "width": 0.5})]
    # Cells apart by a gap, coloured by a stepped scale whose meaning the cell's words give.
    template.data.heatmap = [go.Heatmap(xgap=2, ygap=2, showscale=False)]
    return template


pio.templates[NAME] = _template()
