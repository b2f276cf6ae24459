"""The Glossary page: every abbreviation the pages use, spelt out as a source spells it out.

The same table puts an ``<abbr>`` with its full form on the first use of each abbreviation on
every page (``munro_data.site._reader``).
"""

from __future__ import annotations

import pandas as pd
from great_tables import GT

from ._context import Context
from ._parts import Prose, gt_table, plural
from .sources import quote_with_link


def terms(ctx: Context) -> pd.DataFrame:
    """The glossary in alphabetical order (case aside): term, full form, source and quote."""
    glossary = ctx.table("glossary")
    return glossary.sort_values("term", key=lambda s: s.str.lower()).reset_index(drop=True)


def intro(ctx: Context) -> Prose:
    count = len(terms(ctx))
    return Prose(
        f"The {plural(count, 'abbreviation')} below are used on these pages or in their sources."
        " Each is listed with a passage of a source that spells it out, linked to that passage;"
        " where one first appears on a page, its full form shows when you hover over it. An"
        " abbreviation that no source spells out is not listed."
    )


def table_frame(ctx: Context) -> pd.DataFrame:
    frame = terms(ctx)
    return pd.DataFrame(
        {
            "term": frame["term"],
            "expansion": frame["expansion"],
            "where": [
                quote_with_link(ctx, source, quote)
                for source, quote in zip(frame["source_id"], frame["quote"], strict=True)
            ],
        }
    )


def table(ctx: Context) -> GT:
    return (
        gt_table(table_frame(ctx), "tbl-glossary")
        .fmt_markdown(columns="where")
        .cols_label(term="Abbreviation", expansion="In full", where="Where a source spells it out")
    )
