"""Every chart of the site, by its frame: the build writes each one's data as a CSV download.

Apart from the package's ``__init__`` on purpose: a notebook that imports ``munro_data.pages``
must not depend on every page module, or a change to one page would re-run them all (the build
re-executes a notebook when the code it imports changes).
"""

from __future__ import annotations

from . import one_year_on, stances, timeline
from ._context import Context
from ._parts import ChartFrame


def chart_frames(ctx: Context) -> list[ChartFrame]:
    """The frame of every chart of the site: the build writes each one's table as a CSV
    download beside the data's (``chart-<name>.csv``), which the chart's page links to."""
    frames = [
        one_year_on.status_chart_frame(ctx),
        *(one_year_on.area_chart_frame(ctx, area) for area in one_year_on.areas(ctx)),
        timeline.status_grid_frame(ctx),
        timeline.view_as_of_frame(ctx),
        timeline.commitments_chart_frame(ctx),
        stances.heatmap_frame(ctx),
    ]
    return [frame for frame in frames if frame is not None]
