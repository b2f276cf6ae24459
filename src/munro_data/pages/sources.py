"""The sources on the site: each source text as a page, every quoted passage highlighted with a
stable anchor, and links from every quote to its passage.

A quote is found in its source after the same normalising the validator uses (line breaks,
curly quotes, dashes); :func:`passages` maps what was found back to the characters of the text
as received, so the page shows the source exactly as kept, with marks around the passages.

>>> text = "First line.\\nWe follow the child’s journey from first\\ncontact to help."
>>> [text[a:b] for a, b in passages("We follow the child's journey from first contact", text)]
['We follow the child’s journey from first\\ncontact']
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

import pandas as pd
from markupsafe import Markup

from ..escape import md, slug, source_document_html
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
    "further_recommendations",
    "glossary",
    "general_comments",
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
        return []
    return [(origin[at], origin[end - 1] + 1) for at, end in spans]


def quotes_of(ctx: Context, source_id: str) -> list[str]:
    """Every distinct quote the tables take from a source, in table and row order."""
    found: list[str] = []
    # A data folder may leave out a table added later (the further recommendations).
    declared = {r.get("name") for r in ctx.descriptor.get("resources", [])}
    for name in (n for n in QUOTING_TABLES if n in declared):
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


# Private-use characters mark where a highlighted passage starts (followed by one character
# naming the passage) and ends, through the Markdown renderer, which treats them as letters.
_START, _END, _SUP, _UNSUP = "\ue000", "\ue001", "\ue002", "\ue003"
_NAME_BASE = 0xE100
# The few HTML tags the source texts use, as Markdown or as a mark: bold, superscripts, and the
# links of an e-mail address (kept as its text).
_INERT_TAGS = [
    (re.compile(r"</?b>", re.I), "**"),
    (re.compile(r"<sup>", re.I), _SUP),
    (re.compile(r"</sup>", re.I), _UNSUP),
    (re.compile(r"<a\s[^<>]*>|</a>", re.I), ""),
]


def document_html(markdown: str) -> str:
    """A text's own Markdown as safe HTML (headings, bold, italics, lists): the package's one
    parse-and-sanitise path for data text, :func:`munro_data.escape.source_document_html`."""
    return source_document_html(markdown)


def _rank_headings(html: str) -> str:
    """The text's heading levels under the page's title: its highest becomes h2, the next h3.

    >>> _rank_headings("<h1>a</h1><h3>b</h3>")
    '<h2>a</h2><h3>b</h3>'
    """
    used = sorted({int(n) for n in re.findall(r"<h([1-6])>", html)})
    level = {n: min(2 + i, 6) for i, n in enumerate(used)}
    return re.sub(r"<(/?)h([1-6])>", lambda m: f"<{m[1]}h{level[int(m[2])]}>", html)


def _marked_document(text: str, segments: list[tuple[int, int, list[str]]]) -> str:
    """The text rendered as a document, each passage in ``<mark>`` with its anchors."""
    pieces, at = [], 0
    for number, (start, end, _) in enumerate(segments):
        pieces += [text[at:start], _START + chr(_NAME_BASE + number), text[start:end], _END]
        at = end
    pieces.append(text[at:])
    marked = "".join(pieces)
    for pattern, replacement in _INERT_TAGS:
        marked = pattern.sub(replacement, marked)
    html = _rank_headings(document_html(marked)).replace(_SUP, "<sup>").replace(_UNSUP, "</sup>")
    # A passage may run across paragraphs or inline tags: its mark is closed before each tag
    # and opened again after it, so marks never straddle an element.
    out, inside = [], False
    for part in re.split(r"(<[^>]+>)", html):
        if part.startswith("<") and inside and part not in ("<sup>", "</sup>"):
            out.append(f"</mark>{part}<mark>")
            continue
        for char in part:
            if char == _END:
                out.append("</mark>" if inside else "")
                inside = False
            elif _NAME_BASE <= ord(char) < _NAME_BASE + len(segments) and out[-1:] == [_START]:
                anchors = segments[ord(char) - _NAME_BASE][2]
                extra = "".join(f'<span id="{a}"></span>' for a in anchors[1:])
                out[-1] = extra + (f'<mark id="{anchors[0]}">' if anchors else "<mark>")
                inside = True
            else:
                out.append(char)
    return re.sub(r"<mark>(</mark>)", "", "".join(out)).replace("<mark></mark>", "")


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
            document=Markup(_marked_document(text, _segments(marks))),
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
