"""The report's pages as functions: one module per page, one function per section.

Each section function takes the :class:`Context` of a data folder and returns generated prose
(:class:`Prose`), a great-tables table, a chart (:class:`Chart`) or a piece of HTML
(:class:`Html`), or ``None`` when the data has nothing for it. A notebook shows them::

    from munro_data.pages import home, load_context, show

    ctx = load_context()
    show(home.headlines(ctx))

The functions hold every rule of the pages, so they are unit-tested (``tests/test_pages.py``),
and the browser tests take their expected counts from them.
"""

from __future__ import annotations

from great_tables import GT
from IPython.display import HTML, Markdown, display

from ._context import POOL, Context, load_context
from ._parts import Chart, ChartFrame, Html, Prose

__all__ = [
    "Chart",
    "ChartFrame",
    "Context",
    "Html",
    "POOL",
    "Prose",
    "load_context",
    "show",
]


def show(*items) -> None:
    """Display sections in a notebook: prose as Markdown, everything else as HTML only.

    A GT object's plain-text repr holds memory addresses, which would make every run's stored
    output differ, so tables are shown as their HTML, which with its fixed id is the same on
    every run. ``None`` (a section with nothing to show) displays nothing.
    """
    for item in items:
        if item is None:
            continue
        if isinstance(item, list | tuple):
            show(*item)
        elif isinstance(item, Prose):
            display(Markdown(item.text))
        elif isinstance(item, Chart):
            display(HTML(item.html()))
        elif isinstance(item, GT):
            display(HTML(item.as_raw_html()))
        elif isinstance(item, Html):
            display(HTML(item.markup))
        else:
            raise TypeError(f"cannot show a {type(item).__name__}")
