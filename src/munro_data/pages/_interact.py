"""What a chart does besides being drawn: a layout for narrow screens, and links to the
recommendations' pages. Both run in the browser (``static/chart-behaviour.js``) and are asked
for through the figure's ``layout.meta``, so a figure stays plain data.

>>> rec_link(3, "3. Inspect the child&#x27;s journey")
'<a href="rec-03.html" target="_self">3. Inspect the child&#x27;s journey</a>'
"""

from __future__ import annotations

import plotly.graph_objects as go

from ._parts import page_href, static_file

# Below this width (the chart's, in px) a chart takes its narrow layout.
NARROW = 600
LINK_HINT = "<i>Click, or tap again, to open its page</i>"


def behaviour() -> str:
    """The script each such chart runs once drawn (plotly's ``post_script``)."""
    return static_file("chart-behaviour.js")


def rec_link(rec_id: int, label: str) -> str:
    """A plotly label (already escaped) that links to the recommendation's page."""
    return f'<a href="{page_href(rec_id)}" target="_self">{label}</a>'


def ask(
    fig: go.Figure,
    *,
    links: bool = False,
    narrow: dict | None = None,
    wide: dict | None = None,
    below: int = NARROW,
) -> None:
    """Write what the chart asks of ``chart-behaviour.js`` into its ``layout.meta``.

    ``narrow`` and ``wide`` are each ``{"data": ..., "layout": ..., "traces": ...}`` as
    ``Plotly.update`` takes them: the first applied when the chart is narrower than ``below``
    px, the second when it is wide again (it undoes the first).
    """
    meta: dict = {"links": links}
    if narrow is not None:
        meta["narrow"] = {"below": below, **narrow}
        meta["wide"] = wide or {}
    fig.update_layout(meta=meta)
