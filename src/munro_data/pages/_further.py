"""The recommendations made after the review's fifteen, in a later report: shared by the One
year on page, which gives them, and the Recommendations page, which links to them."""

from __future__ import annotations

import pandas as pd

from ._context import Context

# The table, and the anchor of the One year on section that gives its rows.
FURTHER = "further_recommendations"
FURTHER_ANCHOR = "further-recommendation"


def further_rows(ctx: Context) -> pd.DataFrame | None:
    """Recommendations made in a later report, or None where the data folder has no such table."""
    if FURTHER not in {r.get("name") for r in ctx.descriptor.get("resources", [])}:
        return None
    return ctx.table(FURTHER).sort_values("further_id")
