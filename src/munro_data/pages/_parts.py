"""Builders every page shares: charts, tables, HTML from templates, and words for numbers.

Everything here produces deterministic output (fixed element ids, no timestamps), because the
notebooks keep their outputs in git and nbval compares them with a fresh run.

>>> plural(1, "recommendation"), plural(3, "recommendation")
('1 recommendation', '3 recommendations')
>>> counts_phrase({"a": 2, "b": 0, "c": 1}, {"c": "Cee", "a": "Ay"})
'1 cee, 2 ay'
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import jinja2
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from great_tables import GT, loc, style
from markupsafe import Markup

from ..validation import formula_at
from . import _palette, _template

PLOTLY_CONFIG = _template.CONFIG
# The least width a table column gets on a phone before the table scrolls in its box.
PHONE_COLUMN_WIDTH = 110


# Markup --------------------------------------------------------------------------------------


@cache
def _templates() -> jinja2.Environment:
    # Autoescape everything: data reaches these templates as plain values, never as markup.
    return jinja2.Environment(
        loader=jinja2.PackageLoader("munro_data.pages", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


def static_file(name: str) -> str:
    """A script or stylesheet shipped in the package (``pages/static/``)."""
    return resources.files("munro_data.pages").joinpath("static", name).read_text("utf-8")


def render(template: str, **values) -> str:
    """HTML from one of the package's templates, every value escaped on the way in."""
    # The package's own scripts and styles are trusted markup; data values are not.
    return (
        _templates()
        .get_template(template)
        .render(static=lambda name: Markup(static_file(name)), **values)
    )


@dataclass(frozen=True)
class Html:
    """A piece of HTML made from a template; :func:`munro_data.pages.show` displays it."""

    markup: str

    def _repr_html_(self) -> str:
        return self.markup


@dataclass(frozen=True)
class Prose:
    """Generated Markdown; every data value in it went through :func:`munro_data.escape.md`."""

    text: str

    def _repr_markdown_(self) -> str:
        return self.text


# Where a page of notebooks/ finds the downloads (the build writes them beside the pages).
DOWNLOADS = "../downloads/"


@dataclass(frozen=True)
class ChartFrame:
    """What a chart shows, in words and as a table, computed from the data.

    ``title`` states the chart's main finding; ``subtitle`` what is counted and its range
    (which reports, dates, how many); ``source`` the reports it draws on; ``table`` holds
    exactly the chart's data, its columns named for a reader (the table view and the CSV
    download both come from it); ``hint`` says how to use the chart, where it can be clicked.
    ``name`` names the CSV (``chart-<name>.csv``). Title and subtitle together are the chart's
    caption, its short text alternative: the finding and its range, not every value.
    """

    name: str
    title: str
    subtitle: str
    source: str
    table: pd.DataFrame
    hint: str | None = None

    @property
    def summary(self) -> str:
        return f"{self.title}. {self.subtitle}"

    @property
    def csv_name(self) -> str:
        return f"chart-{self.name}.csv"

    def csv_bytes(self) -> bytes:
        """The table as CSV: a header row, then a row per table row; numbers stay numbers.

        No text cell may start a spreadsheet formula, the rule every download keeps (see
        ``munro_data.validation.formula_at``): the data's own cells are refused by the
        validator, so one found here comes from a page's words, and the build stops.
        """
        problems = [
            f"row {i + 1}, column {column!r}: {value!r}"
            for column in self.table.columns
            for i, value in enumerate(self.table[column])
            if isinstance(value, str) and formula_at(value) is not None
        ]
        if problems:
            raise ValueError(
                f"{self.csv_name}: a text cell would run as a formula in a spreadsheet: "
                + "; ".join(problems)
            )
        out = io.StringIO()
        self.table.to_csv(out, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        return out.getvalue().encode("utf-8")

    def rows(self) -> list[list[str]]:
        """The table's cells as a reader reads them: whole numbers without a decimal point."""
        return [[_cell(v) for v in row] for row in self.table.itertuples(index=False)]


def _cell(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{value:,.0f}"
    if isinstance(value, float):
        return f"{value:,.10g}"
    return "" if pd.isna(value) else str(value)


@dataclass(frozen=True)
class Chart:
    """A plotly figure with a fixed element id and a caption that says what it shows.

    With a ``frame`` the chart is shown under its finding and over its source, with a table of
    its data and a link to that data as CSV; its caption is then the frame's short summary.
    """

    figure: go.Figure
    div_id: str
    caption: str = ""
    # JavaScript run once the chart is drawn ("{plot_id}" stands for its id), e.g. click handlers.
    script: str | None = None
    frame: ChartFrame | None = None

    @property
    def summary(self) -> str:
        """The chart's text alternative."""
        return self.frame.summary if self.frame else self.caption

    def html(self) -> str:
        self.figure.update_layout(template=_template.NAME)
        chart = pio.to_html(
            self.figure,
            include_plotlyjs=False,
            full_html=False,
            div_id=self.div_id,
            config=PLOTLY_CONFIG,
            validate=True,
            post_script=self.script,
        )
        return render(
            "figure.html.j2",
            div_id=self.div_id,
            chart=Markup(chart),
            caption=self.summary,
            frame=self.frame,
            downloads=DOWNLOADS,
        )


# Tables --------------------------------------------------------------------------------------


def gt_table(frame: pd.DataFrame, table_id: str, **kwargs) -> GT:
    """A great-tables table with a fixed id and Quarto's restyling turned off.

    On a phone a table of many columns keeps a readable width and scrolls sideways in its own
    box (great-tables wraps it in one) instead of squeezing words into slivers.
    """
    shown_columns = len(frame.columns) - (1 if "groupname_col" in kwargs else 0)
    narrowest = f"{PHONE_COLUMN_WIDTH * shown_columns}px"
    return (
        GT(frame, id=table_id, **kwargs)
        .tab_options(
            quarto_disable_processing=True,
            table_font_size="14px",
            column_labels_font_weight="bold",
            table_width="100%",
        )
        .opt_table_font(stack="system-ui")
        .opt_css(
            f"@media (max-width: 760px) {{ #{table_id} .gt_table {{ min-width: {narrowest}; }} }}"
        )
    )


def colour_cells(table: GT, column: str, values: pd.Series, palette: dict[str, str]) -> GT:
    """Fill each cell of ``column`` by its coded value; the label stays in the cell as text."""
    codes = [str(v) if pd.notna(v) else None for v in values]
    for code in dict.fromkeys(c for c in codes if c is not None):
        colour = _palette.fill(palette, code)
        rows = [i for i, c in enumerate(codes) if c == code]
        styles = [style.fill(color=colour), style.text(color=_palette.text_on(colour))]
        table = table.tab_style(style=styles, locations=loc.body(columns=column, rows=rows))
    return table


# Charts --------------------------------------------------------------------------------------


def stepped_colourscale(codes: list[str], palette: dict[str, str]) -> list[list]:
    """A plotly colour scale with one flat band per code, for z values 0 .. len(codes) - 1."""
    scale = []
    for i, code in enumerate(codes):
        colour = _palette.fill(palette, code)
        scale += [[i / len(codes), colour], [(i + 1) / len(codes), colour]]
    return scale


# Words ---------------------------------------------------------------------------------------

NUMBER_WORDS = (
    "no",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
)


def number_word(n: int) -> str:
    """Small counts as words, the way a report writes them.

    >>> number_word(5), number_word(152)
    ('five', '152')
    """
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)


def plural(n: int, word: str, plural_word: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural_word or word + 's'}"


def counts_phrase(counts, labels: dict[str, str]) -> str:
    """ "N label, N label" in the order of ``labels``, leaving out codes that do not occur.

    Codes that occur but have no label come last, as they are.
    """
    counts = {str(k): int(v) for k, v in dict(counts).items() if int(v)}
    order = [c for c in labels if c in counts] + [c for c in counts if c not in labels]
    return ", ".join(f"{counts[c]} {labels.get(c, c).lower()}" for c in order)


def join_words(items: list[str]) -> str:
    """A list as a sentence writes it.

    >>> join_words(["a"]), join_words(["a", "b"]), join_words(["a", "b", "c"])
    ('a', 'a and b', 'a, b and c')
    """
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def source_line(names: list[str]) -> str:
    """A chart's sources, each once, in the order given; apart by semicolons, since a source's
    own name may hold a comma.

    >>> source_line(["Munro's report, May 2012", "Derby's report, 2013", "Munro's report, May 2012"])
    "Munro's report, May 2012; Derby's report, 2013"
    """
    return "; ".join(dict.fromkeys(names))


def date_label(day: pd.Timestamp) -> str:
    """A reported date as precisely as its source gave it.

    The codebook stores a month named alone as the month's last day, so such a date is shown as
    the month: printing "31 Jul 2011" would claim a day the source never named.

    >>> date_label(pd.Timestamp("2011-07-31")), date_label(pd.Timestamp("2012-04-03"))
    ('Jul 2011', '3 Apr 2012')
    >>> date_label(pd.NaT)
    ''
    """
    if pd.isna(day):
        return ""
    if day.is_month_end:
        return f"{day:%b %Y}"
    return f"{day.day} {day:%b %Y}"


# Units whose plural is not the unit id with underscores as spaces.
_UNIT_WORDS = {"lscbs": "LSCBs", "cafs": "CAFs", "scrs": "SCRs"}


def figure_value(value: float, unit: str, denominator: float | None = None) -> str:
    """A figure as a reader would write it: its unit, and what it is out of.

    >>> figure_value(160000, "gbp"), figure_value(95.5, "percent", 22)
    ('£160,000', '95.5% (of 22)')
    >>> figure_value(33, "lscbs", 57), figure_value(10, "working_days")
    ('33 of 57 LSCBs', '10 working days')
    >>> figure_value(1, "authorities"), figure_value(1, "working_days")
    ('1 authority', '1 working day')
    """
    number = f"{value:,.10g}"
    if unit == "gbp":
        text = f"£{number}"
    elif unit == "percent":
        text = f"{number}%"
    else:
        words = _UNIT_WORDS.get(unit, unit.replace("_", " "))
        of = f" of {denominator:,.10g}" if pd.notna(denominator) else ""
        if value == 1 and not of:
            # "1 authority", not "1 authorities": the unit is named in the plural.
            words = (
                re.sub(r"ies$", "y", words) if words.endswith("ies") else words.removesuffix("s")
            )
        return f"{number}{of} {words}"
    return text + (f" (of {denominator:,.10g})" if pd.notna(denominator) else "")


def short(text: object, limit: int = 34) -> str:
    """A label cut to fit a phone's width; the full text stays in the hover and the tables.

    >>> short("Designate Principal Child and Family Social Worker", 20)
    'Designate Principal…'
    """
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def page_href(rec_id: int) -> str:
    """A recommendation's page, relative to the other pages under notebooks/."""
    return f"rec-{int(rec_id):02d}.html"
