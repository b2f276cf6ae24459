"""The sources on the site: each source text as a page, every quoted passage highlighted with a
stable anchor, and links from every quote to its passage.

A quote is found in its source after the same normalising the validator uses (line breaks,
curly quotes, dashes); :func:`passages` maps what was found back to the characters of the text
as received, so the page shows the source exactly as kept, with marks around the passages.

>>> text = "First line.\\nWe follow the child’s journey from first\\ncontact to help."
>>> [text[a:b] for a, b in passages("we follow the child's journey from first contact", text)]
['We follow the child’s journey from first\\ncontact']
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

import pandas as pd

from ..escape import md, slug
from ..provenance import fold_with_origin, fragments, locate, normalise
from ._context import Context
from ._parts import Html, render

# Tables whose rows quote a source, in the order their quotes are listed.
QUOTING_TABLES = (
    "responses",
    "commitments",
    "progress",
    "figures",
    "verdicts",
    "lead_officers",
    "themes",
)


def passage_id(quote: str) -> str:
    """The anchor of a quoted passage: the same quote always gets the same id.

    Made without case, as it always was, so that links to a passage made before quotes were
    matched with their case still arrive.
    """
    return "q-" + hashlib.sha256(normalise(quote).lower().encode()).hexdigest()[:10]


def page_name(source_id: str) -> str:
    """A source's page, beside the other pages under notebooks/."""
    return f"src-{slug(source_id)}.html"


def quote_href(source_id: str, quote: str) -> str:
    return f"{page_name(source_id)}#{passage_id(quote)}"


def cite_link(ctx: Context, source_id: str, quote: str, actor_id: str | None = None) -> str:
    """A citation in Markdown that links to the quoted passage on the source's page."""
    return f"[{md(ctx.cite(source_id, actor_id))}]({quote_href(source_id, quote)})"


def quote_with_link(ctx: Context, source_id: str, quote: str, actor_id: str | None = None) -> str:
    """A quote for a table cell (Markdown): the words, then where to read them in context."""
    return f"{md(quote)} ({cite_link(ctx, source_id, quote, actor_id)})"


@lru_cache(maxsize=8)
def _normalised_with_origin(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, where it came from in ``text``."""
    return fold_with_origin(text)


def passages(quote: str, text: str) -> list[tuple[int, int]]:
    """Where each part of ``quote`` (between ellipses) stands in ``text``, in order.

    The parts are found as the validator finds them (on word boundaries, within one passage);
    a quote it would not find has no passages.
    """
    folded, origin = _normalised_with_origin(text)
    spans = locate(fragments(quote), folded)
    if isinstance(spans, tuple):
        # A scattered quote (a warning for now) is still shown where its parts are, in order.
        spans = _in_order(fragments(quote), folded)
    return [(origin[at], origin[end - 1] + 1) for at, end in spans]


def _in_order(parts: list[str], folded: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for part in parts:
        at = folded.find(part, start)
        if at < 0:
            return []
        spans.append((at, at + len(part)))
        start = at + len(part)
    return spans


def quotes_of(ctx: Context, source_id: str) -> list[str]:
    """Every distinct quote the tables take from a source, in table and row order."""
    found: list[str] = []
    for name in QUOTING_TABLES:
        frame = ctx.table(name)
        if "quote" in frame and "source_id" in frame:
            found += frame.loc[frame["source_id"] == source_id, "quote"].dropna().tolist()
    return list(dict.fromkeys(found))


def _segments(marks: list[tuple[int, int, str]]) -> list[tuple[int, int, list[str]]]:
    """Passages cut where any of them starts or ends, so that overlapping ones never nest.

    Each piece covered by a passage becomes one mark; it carries the anchors of the passages
    that start there.
    """
    points = sorted({p for start, end, _ in marks for p in (start, end)})
    starting: dict[int, list[str]] = {}
    for start, _, anchor in marks:
        if anchor and anchor not in starting.get(start, []):
            starting.setdefault(start, []).append(anchor)
    return [
        (a, b, starting.get(a, []))
        for a, b in zip(points, points[1:], strict=False)
        if any(start <= a and b <= end for start, end, _ in marks)
    ]


def _paragraphs(text: str, segments: list[tuple[int, int, list[str]]]) -> list[list[dict]]:
    """The text split into paragraphs at blank lines, each a list of plain and marked runs."""
    breaks = list(re.finditer(r"\n\s*\n", text))
    starts = [0, *(m.end() for m in breaks)]
    ends = [*(m.start() for m in breaks), len(text)]
    paragraphs = []
    for p_start, p_end in zip(starts, ends, strict=True):
        runs, at = [], p_start
        for m_start, m_end, anchors in segments:
            a, b = max(m_start, p_start), min(m_end, p_end)
            if a >= b:
                continue
            if a > at:
                runs.append({"text": text[at:a]})
            # A passage split by a blank line keeps its anchors on its first piece.
            runs.append({"text": text[a:b], "ids": anchors if a == m_start else []})
            at = b
        if at < p_end:
            runs.append({"text": text[at:p_end]})
        if any(r["text"].strip() for r in runs):
            paragraphs.append(runs)
    return paragraphs


def source_page(ctx: Context, source_id: str) -> Html:
    """A source as kept in the data folder, each quoted passage marked with its anchor."""
    row = ctx.sources.set_index("source_id").loc[source_id]
    from .. import source_text

    text = source_text(source_id, ctx.data_dir)
    marks = []
    for quote in quotes_of(ctx, source_id):
        anchor = passage_id(quote)
        for start, end in passages(quote, text):
            marks.append((start, end, anchor))
            anchor = ""  # Later parts of the same quote are marked; the anchor is on the first.
    return Html(
        render(
            "source.html.j2",
            title=row["title"],
            author=row["author"],
            date=row["date_text"],
            citation=row["citation"],
            licence=row["licence"],
            quoted=len(quotes_of(ctx, source_id)),
            paragraphs=_paragraphs(text, _segments(marks)),
        )
    )


def sources_index(ctx: Context) -> pd.DataFrame:
    """One row per source: its page and how many quotes the data takes from it."""
    return pd.DataFrame(
        {
            "source_id": ctx.sources["source_id"],
            "page": ctx.sources["source_id"].map(page_name),
            "quotes": ctx.sources["source_id"].map(lambda s: len(quotes_of(ctx, s))),
        }
    )
