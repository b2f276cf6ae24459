"""One place where data text is made safe for each target it reaches.

Every string that comes from the data folder reaches a page through one of these functions,
chosen by where it goes: Markdown prose (:func:`md`), HTML text or attributes (:func:`html`),
plotly labels and hover text (:func:`plot`), element ids (:func:`slug`).

>>> md("<script>alert(1)</script> *x*")
'&lt;script&gt;alert(1)&lt;/script&gt; \\\\*x\\\\*'
>>> html('"a" & <b>')
'&quot;a&quot; &amp; &lt;b&gt;'
>>> plot("<b>x</b> & y")
'&lt;b&gt;x&lt;/b&gt; &amp; y'
>>> slug("Local flexibility & <more>")
'local-flexibility-more'
"""

from __future__ import annotations

import html as _html
import re
import textwrap

# Characters that Markdown (and Quarto's Pandoc) give a meaning to. The renderer without
# Quarto undoes exactly these escapes inside headings it turns into HTML (see site._render).
MARKDOWN_SPECIAL = r"\\`*_{}\[\]<>#|~$"
_MARKDOWN_SPECIAL = re.compile(f"([{MARKDOWN_SPECIAL}])")
MARKDOWN_UNESCAPE = re.compile(f"\\\\([{MARKDOWN_SPECIAL}.)+=-])")
# What a line may not start with in Markdown without becoming a list or heading: a bullet, or a
# number and its dot (escaped at the dot: a backslash before a digit is not an escape and would
# be shown).
_LINE_START = re.compile(r"^(\s*)([-+=]|\d+(?=[.)]))(\s|[.)]\s)")


def md(text: object) -> str:
    """Data text for Markdown prose: HTML escaped, Markdown punctuation backslashed, one line."""
    escaped = _html.escape(str(text), quote=False)
    one_line = " ".join(_MARKDOWN_SPECIAL.sub(r"\\\1", escaped).split())
    return _LINE_START.sub(_escape_line_start, one_line)


def _escape_line_start(match: re.Match) -> str:
    """``- x`` → ``\\- x``; ``9. x`` → ``9\\. x``.

    >>> md("9. Systems"), md("- a"), md("2011 was")
    ('9\\\\. Systems', '\\\\- a', '2011 was')
    """
    indent, marker, rest = match.groups()
    if marker.isdigit():
        return f"{indent}{marker}\\{rest}"
    return f"{indent}\\{marker}{rest}"


def html(text: object) -> str:
    """Data text for HTML text or a quoted attribute value."""
    return _html.escape(str(text), quote=True)


def plot(text: object) -> str:
    """Data text for a plotly label: plotly renders a few tags in labels, so escape them all."""
    return _html.escape(str(text), quote=False)


def plot_wrapped(text: object, width: int = 70, lines: int = 6) -> str:
    """Data text for a hover label, wrapped to ``width`` and cut to ``lines`` lines.

    The text is wrapped before it is escaped, so that no line ends inside an entity.

    >>> plot_wrapped("a <b> " * 3, width=8, lines=2)
    'a &lt;b&gt; a<br>&lt;b&gt; a'
    """
    return "<br>".join(plot(line) for line in textwrap.wrap(str(text), width)[:lines])


def slug(text: object) -> str:
    """An element id from data text: lower-case ASCII letters, digits and hyphens only."""
    words = re.findall(r"[a-z0-9]+", str(text).lower())
    return "-".join(words) or "x"
