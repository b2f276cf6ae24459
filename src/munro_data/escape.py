"""One place where data text is made safe for each target it reaches.

Every string that comes from the data folder reaches a page through one of these functions,
chosen by where it goes: Markdown prose (:func:`md`), HTML text or attributes (:func:`html`),
plotly labels and hover text (:func:`plot`), element ids (:func:`slug`), the text of a search
index entry that Quarto's search shows as HTML (:func:`search_text`), and a whole Markdown file
of the data folder shown as Markdown (:func:`md_document`, for CODEBOOK.md).

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


# Inline code spans and fenced code blocks: shown as typed by every Markdown reader, so left as
# they are (a backslash in them would show).
_CODE = re.compile(r"(?ms)^(?P<fence>```|~~~).*?^(?P=fence)[ \t]*$|(?P<ticks>`+).+?(?P=ticks)")
_LINK = re.compile(r"(!?)\[([^\]\n]*)\]\(([^)\n]*)\)")
_REFERENCE = re.compile(r"^( {0,3})\[([^\]\n]+)\]:[ \t]*(\S+)", re.MULTILINE)
# Raw HTML (<), Pandoc's attributes, spans and shortcodes ({ }), and TeX math ($).
_DOCUMENT_SPECIAL = re.compile(r"([<{}$])")
_SAFE_SCHEMES = ("http", "https", "mailto")


def _safe_target(target: str, image: bool) -> bool:
    """Whether a Markdown link (or image) target is one a page may hold.

    Links may go to the web, to mail or within the site; images may come from the site only,
    never from another host. The target is read as a browser would: entities and backslash
    escapes decoded, blanks and control characters (which browsers drop) removed.
    """
    words = target.strip().split()
    url = _html.unescape(words[0] if words else "").strip("<>")
    url = re.sub(r"[\x00-\x20\x7f]+", "", re.sub(r"\\(.)", r"\1", url)).lower()
    scheme = re.match(r"([a-z][a-z0-9+.-]*):", url)
    if image:
        return scheme is None and not url.startswith("//")
    return scheme is None or scheme.group(1) in _SAFE_SCHEMES


def md_document(text: object) -> str:
    """A Markdown file of the data folder, shown as Markdown with raw HTML disabled.

    Its own Markdown (headings, lists, tables, emphasis, links to the web) stays; raw HTML,
    Pandoc's attributes and shortcodes and TeX math are shown as typed; a link to anything but
    the web, mail or the site, and an image from another host, are shown as text.

    >>> md_document("**a** <b onclick=x>b</b> [c](https://example.org) [d](javascript:e())")
    '**a** \\\\<b onclick=x>b\\\\</b> [c](https://example.org) \\\\[d\\\\](javascript:e())'
    >>> md_document("`<kbd>` and {{< include x >}}")
    '`<kbd>` and \\\\{\\\\{\\\\< include x >\\\\}\\\\}'
    """

    def link(match: re.Match) -> str:
        bang, label, target = match.groups()
        if _safe_target(target, image=bool(bang)):
            return match.group(0)
        return ("\\!" if bang else "") + f"\\[{label}\\]({target})"

    def reference(match: re.Match) -> str:
        indent, label, target = match.groups()
        if _safe_target(target, image=False):
            return match.group(0)
        return f"{indent}\\[{label}\\]: {target}"

    def plain(part: str) -> str:
        part = _REFERENCE.sub(reference, _LINK.sub(link, part))
        return _DOCUMENT_SPECIAL.sub(r"\\\1", part)

    text = str(text)
    out, at = [], 0
    for code in _CODE.finditer(text):
        out += [plain(text[at : code.start()]), code.group(0)]
        at = code.end()
    return "".join([*out, plain(text[at:])])


def html(text: object) -> str:
    """Data text for HTML text or a quoted attribute value."""
    return _html.escape(str(text), quote=True)


def search_text(text: object) -> str:
    """Data text for Quarto's search index, which its script both searches and shows as HTML.

    Only ``<`` is escaped: no tag can start, and ``&`` and quotes stay as typed, so that a
    search for "Health & Social" or "child's" still matches (an entity the data spells out is
    shown as its character, as text).

    >>> search_text("<img src=x onerror=alert(1)> Health & Social, child's")
    "&lt;img src=x onerror=alert(1)> Health & Social, child's"
    """
    return str(text).replace("<", "&lt;")


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
