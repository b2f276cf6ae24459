"""The small pieces the report's notebooks share: colours, safe text, figures, tables.

Everything here produces deterministic output (fixed element ids, no timestamps), because the
notebooks keep their outputs in git and nbval compares them with a fresh run.

>>> md_text("<script>alert(1)</script> *x*")
'&lt;script&gt;alert(1)&lt;/script&gt; \\\\*x\\\\*'
>>> plural(1, "recommendation"), plural(3, "recommendation")
('1 recommendation', '3 recommendations')
"""

from __future__ import annotations

import html
import re

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from great_tables import GT, loc, style
from IPython.display import HTML, Markdown, display

# A diverging blue-orange scale (ColorBrewer PuOr/RdBu family), readable with the common
# colour-vision deficiencies; every coloured cell also carries its label as text.
STANCE_COLOURS = {
    "strong_support": "#08519c",
    "support": "#4a90c8",
    "qualified_support": "#a6cbe3",
    "undecided": "#e6e6e6",
    "concern": "#f4a259",
    "oppose": "#b35806",
}
# Text colour with at least 4.5:1 contrast on each fill.
STANCE_TEXT = {"strong_support": "#ffffff", "support": "#000000", "oppose": "#ffffff"}

STATUS_COLOURS = {
    "planned": "#cccccc",
    "in_progress": "#f4c542",
    "partly_delivered": "#7fbfde",
    "delivered": "#1f78b4",
    "not_adopted": "#8c510a",
    "not_decided": "#eeeeee",
    "not_reported": "#ffffff",
}
STATUS_TEXT = {"delivered": "#ffffff", "not_adopted": "#ffffff"}
STATUS_LABELS = {
    "planned": "Planned",
    "in_progress": "In progress",
    "partly_delivered": "Partly delivered",
    "delivered": "Delivered",
    "not_adopted": "Not adopted",
    "not_decided": "Not yet decided",
    "not_reported": "Not mentioned",
}

# What the last report said of a dated commitment (see analysis.commitment_outcomes).
OUTCOME_COLOURS = {
    "on_time": "#1f78b4",
    "late": "#f4a259",
    "delivered_undated": "#7fbfde",
    "open_overdue": "#b35806",
    "open": "#cccccc",
    "not_adopted": "#8c510a",
    "no_report": "#e6e6e6",
    "undated": "#ffffff",
}
OUTCOME_TEXT = {"on_time": "#ffffff", "open_overdue": "#ffffff", "not_adopted": "#ffffff"}

PLOTLY_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
}
# The least width a table column gets on a phone before the table scrolls in its box.
PHONE_COLUMN_WIDTH = 110
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif"

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")


def md_text(text: object) -> str:
    """Data text made safe for Markdown: HTML escaped, Markdown punctuation backslashed."""
    escaped = html.escape(str(text), quote=False)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", escaped).replace("\n", " ")


def plural(n: int, word: str, plural_word: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural_word or word + 's'}"


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
    """Small counts as words, the way a report writes them."""
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)


def show_markdown(text: str) -> None:
    """Display generated prose; Quarto and nbconvert both render ``text/markdown``."""
    display(Markdown(text))


def show_figure(fig: go.Figure, div_id: str, caption: str) -> None:
    """Display a plotly figure as HTML that uses the page's plotly.js (no CDN, not embedded).

    The figure gets a fixed element id, so the stored output is the same on every run, and a
    caption that says in words what the chart shows, for readers who cannot see it.
    """
    fig.update_layout(font_family=FONT, template="plotly_white")
    chart = pio.to_html(
        fig,
        include_plotlyjs=False,
        full_html=False,
        div_id=div_id,
        config=PLOTLY_CONFIG,
        validate=True,
    )
    display(
        HTML(
            f'<figure class="munro-figure" id="{div_id}-figure" aria-labelledby="{div_id}-caption">'
            f'{chart}<figcaption id="{div_id}-caption">{html.escape(caption)}</figcaption></figure>'
        )
    )


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


def colour_cells(
    table: GT,
    column: str,
    values: pd.Series,
    fills: dict[str, str],
    text: dict[str, str] | None = None,
) -> GT:
    """Fill each cell of ``column`` by its coded value; the label stays in the cell as text."""
    for code, fill in fills.items():
        rows = [i for i, v in enumerate(values) if pd.notna(v) and v == code]
        if rows:
            styles = [style.fill(color=fill), style.text(color=(text or {}).get(code, "#000000"))]
            table = table.tab_style(style=styles, locations=loc.body(columns=column, rows=rows))
    return table


def stance_labels(stances: pd.DataFrame) -> dict[str, str]:
    """Stance code to reader's label, from the stances table."""
    return dict(zip(stances["stance"].astype(str), stances["label"], strict=True))


def report_label(as_of: pd.Timestamp, reporter: str) -> str:
    """A column heading for a report, e.g. "May 2012 (Government)"."""
    return f"{as_of:%B %Y} ({reporter})"


# Units whose plural is not the unit id with underscores as spaces.
_UNIT_WORDS = {"lscbs": "LSCBs", "cafs": "CAFs", "scrs": "SCRs"}


def figure_value(value: float, unit: str, denominator: float | None = None) -> str:
    """A figure as a reader would write it: its unit, and what it is out of.

    >>> figure_value(160000, "gbp"), figure_value(95.5, "percent", 22)
    ('£160,000', '95.5% (of 22)')
    >>> figure_value(33, "lscbs", 57), figure_value(10, "working_days")
    ('33 of 57 LSCBs', '10 working days')
    """
    number = f"{value:,.10g}"
    if unit == "gbp":
        text = f"£{number}"
    elif unit == "percent":
        text = f"{number}%"
    else:
        words = _UNIT_WORDS.get(unit, unit.replace("_", " "))
        of = f" of {denominator:,.10g}" if pd.notna(denominator) else ""
        return f"{number}{of} {words}"
    return text + (f" (of {denominator:,.10g})" if pd.notna(denominator) else "")


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


def cite(source_id: str, sources: pd.DataFrame) -> str:
    """A short citation for a source id, e.g. "Salford City Council, Summer 2011"."""
    row = sources.set_index("source_id").loc[source_id]
    return f"{row['author']}, {row['date_text'].split(' (')[0]}"


def show_html(markup: str) -> None:
    """Display HTML built by a notebook; every data value in it must already be escaped."""
    display(HTML(markup))


# The explorer's filters: plain JavaScript over the rows' data- attributes, so the table filters
# offline and in both builds. Its style travels with it because Quarto's theme does not know it.
EXPLORER_SCRIPT = """<style>
.munro-explorer .explorer-controls { display: flex; flex-wrap: wrap; gap: .5rem 1rem; margin: .5rem 0; }
.munro-explorer label { display: flex; flex-direction: column; font-size: .85rem; font-weight: 600; }
.munro-explorer select, .munro-explorer input { font: inherit; font-weight: 400; padding: .2rem; max-width: 16rem; }
.munro-explorer .explorer-scroll { max-height: 36rem; overflow: auto; border: 1px solid #dee2e6; }
.munro-explorer table { border-collapse: collapse; width: 100%; font-size: .9rem; }
.munro-explorer caption { text-align: left; font-weight: 600; padding: .25rem .5rem; }
.munro-explorer th { position: sticky; top: 0; background: #f4f6f8; text-align: left; }
.munro-explorer th, .munro-explorer td { padding: .35rem .5rem; border-bottom: 1px solid #e5e7ea; vertical-align: top; }
.munro-explorer td:last-child { min-width: 18rem; }
.munro-explorer .source { color: #555d66; font-size: .8rem; }
</style>
<script>
(function () {
  var root = document.currentScript.previousElementSibling;
  while (root && !root.classList.contains("munro-explorer")) root = root.previousElementSibling;
  if (!root) return;
  var controls = root.querySelectorAll("[data-filter]");
  var rows = root.querySelectorAll("tbody tr");
  var count = root.querySelector(".explorer-count");
  function apply() {
    var shown = 0;
    rows.forEach(function (row) {
      var keep = true;
      controls.forEach(function (control) {
        var key = control.getAttribute("data-filter"), value = control.value.trim().toLowerCase();
        if (!value) return;
        if (key === "text") keep = keep && row.textContent.toLowerCase().indexOf(value) >= 0;
        else keep = keep && (row.getAttribute("data-" + key) || "").toLowerCase() === value;
      });
      row.hidden = !keep;
      if (keep) shown += 1;
    });
    count.textContent = shown + " of " + rows.length + " stances shown";
  }
  controls.forEach(function (control) { control.addEventListener("input", apply); });
})();
</script>"""


def show_table(table: GT) -> None:
    """Display a great-tables table as its HTML only.

    A GT object's plain-text repr holds memory addresses, which would make every run's stored
    output differ; its HTML, with the fixed id, is the same on every run.
    """
    display(HTML(table.as_raw_html()))


def plot_text(text: object) -> str:
    """Data text for a plotly label: plotly renders a few tags in labels, so escape them all.

    >>> plot_text("<b>x</b> & y")
    '&lt;b&gt;x&lt;/b&gt; &amp; y'
    """
    return html.escape(str(text), quote=False)


def short(text: object, limit: int = 34) -> str:
    """A label cut to fit a phone's width; the full text stays in the hover and the tables.

    >>> short("Designate Principal Child and Family Social Worker", 20)
    'Designate Principal…'
    """
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
