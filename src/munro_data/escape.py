"""One place where data text is made safe for each target it reaches.

Every string that comes from the data folder reaches a page through one of these functions,
chosen by where it goes: Markdown prose (:func:`md`), HTML text or attributes (:func:`html`),
plotly labels and hover text (:func:`plot`), element ids (:func:`slug`), the text of a search
index entry that Quarto's search shows as HTML (:func:`search_text`), and Markdown of the data folder
(CODEBOOK.md) as finished, sanitised HTML (:func:`markdown_to_safe_html`), which no renderer
reads as Markdown.

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


# Markdown from the data folder: parsed by a CommonMark parser, then sanitised by an allow-list.
# What may remain: these tags, these attributes, these URL schemes (and links within the site).
SAFE_TAGS = frozenset(
    "a abbr b blockquote br code del dd dl dt em h1 h2 h3 h4 h5 h6 hr i img kbd li ol p pre q s"
    " small strong sub sup table tbody td tfoot th thead tr ul".split()
)
SAFE_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"style"},
    "td": {"style"},
    "ol": {"start"},
}
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
# The one style a table cell may keep: its alignment, as the parser writes it.
_ALIGN = re.compile(r"text-align:(left|right|center)")


_RENDERER_INERT = str.maketrans({c: f"&#{ord(c)};" for c in "`{}$"})


def _markdown_parser():
    from markdown_it import MarkdownIt

    # Raw HTML off: a tag in the text is shown as typed; the sanitiser below is a second wall.
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.enable("table").enable("strikethrough")
    default_image = parser.renderer.rules.get("image")

    def image(renderer, tokens, idx, options, env):
        # An image from the site is shown; one from another host (or any scheme) is a link.
        token = tokens[idx]
        src = str(token.attrGet("src") or "")
        if _site_relative(src):
            return default_image(tokens, idx, options, env)
        alt = _html.escape(token.content or src, quote=False)
        return f'<a href="{_html.escape(src)}">{alt}</a>'

    parser.add_render_rule("image", image)
    return parser


def _site_relative(url: str) -> bool:
    """Whether a URL stays on the site: no scheme, no host (read as a browser would)."""
    bare = re.sub(r"[\x00-\x20\x7f]+", "", _html.unescape(url)).replace("\\", "/").lower()
    return not bare.startswith("//") and re.match(r"[a-z][a-z0-9+.-]*:", bare) is None


def _attribute(tag: str, name: str, value: str) -> str | None:
    if name in ("href", "src") and ":" in re.split(r"[/?#]", value, maxsplit=1)[0]:
        # A colon before the first slash: a scheme the sanitiser passed, or a path a reader
        # could take for one ("java%09script:"); only the allowed schemes keep theirs.
        scheme = value.split(":", 1)[0].lower()
        return value if scheme in SAFE_SCHEMES and tag != "img" else None
    if name == "style":
        return value if _ALIGN.fullmatch(value.replace(" ", "").rstrip(";")) else None
    if tag == "img" and name == "src" and not _site_relative(value):
        return None
    return value


def sanitise_html(markup: str, *, marks: bool = False) -> str:
    """HTML reduced to :data:`SAFE_TAGS`, :data:`SAFE_ATTRIBUTES` and :data:`SAFE_SCHEMES`.

    With ``marks``, the highlighted passages of a source page (``<mark id>`` and the extra
    anchors ``<span id>`` beside them) are kept too.

    >>> sanitise_html('<p onclick="x()">a<script>b()</script><a href="javascript:c()">d</a></p>')
    '<p>a<a>d</a></p>'
    >>> sanitise_html('<mark id="p1" class="x">a</mark>', marks=True)
    '<mark id="p1">a</mark>'
    """
    import nh3

    tags, attributes = set(SAFE_TAGS), {tag: set(names) for tag, names in SAFE_ATTRIBUTES.items()}
    if marks:
        tags |= {"mark", "span"}
        attributes |= {"mark": {"id"}, "span": {"id"}}
    clean = nh3.clean(
        markup,
        tags=tags,
        attributes=attributes,
        url_schemes=set(SAFE_SCHEMES),
        attribute_filter=_attribute,
        link_rel=None,
        strip_comments=True,
    )
    # Characters Pandoc or Quarto might read even in raw HTML (a fence's backticks, a
    # shortcode's braces, TeX's dollar) become entities, which a browser shows as the same text.
    return clean.translate(_RENDERER_INERT)


def markdown_to_safe_html(text: object) -> str:
    """Markdown from the data folder as finished, sanitised HTML.

    The text is parsed as CommonMark (with tables) with raw HTML shown as typed, then every tag,
    attribute and URL not on the allow-list is removed. Links may go to the web, to mail or
    within the site; an image from another host becomes a link to it. No renderer reads the
    result as Markdown, so Pandoc's raw blocks and Quarto's shortcodes in it are plain text.

    >>> markdown_to_safe_html("**a** <b onclick=x>b</b> [d](javascript:e())")
    '<p><strong>a</strong> &lt;b onclick=x&gt;b&lt;/b&gt; [d](javascript:e())</p>\\n'
    >>> markdown_to_safe_html("![x](//elsewhere.example/i.png) {{< env HOME >}}")
    '<p><a href="//elsewhere.example/i.png">x</a> &#123;&#123;&lt; env HOME &gt;&#125;&#125;</p>\\n'
    """
    return sanitise_html(_markdown_parser().render(str(text)))


def source_document_html(text: str) -> str:
    r"""A source text's own Markdown as a document: the same parser and sanitiser as
    :func:`markdown_to_safe_html`, with indented lines read as text (an extracted PDF's layout,
    not code) and the passage marks a source page adds kept.

    >>> source_document_html("## **Title**\n\n- one <script>x</script>\n- *two*")
    '<h2><strong>Title</strong></h2>\n<ul>\n<li>one &lt;script&gt;x&lt;/script&gt;</li>\n<li><em>two</em></li>\n</ul>\n'
    >>> source_document_html("    [x](javascript:alert(1)) ![i](http://example.org/i.png)")
    '<p>[x](javascript:alert(1)) <a href="http://example.org/i.png">i</a></p>\n'
    """
    return sanitise_html(_markdown_parser().disable("code").render(str(text)), marks=True)


def markdown_sections(text: object) -> list[tuple[int, str, str]]:
    """Markdown from the data folder cut at its headings: ``(level, heading, html)`` each.

    The heading is plain text (its level 0 and text "" for anything before the first heading);
    the HTML of what follows it, up to the next heading, is made as :func:`markdown_to_safe_html`
    makes it. A page shows each heading as a heading of its own, so that the page's list of
    contents holds it, and each body as HTML.

    >>> markdown_sections("intro\\n\\n## A `b`\\n\\ntext")
    [(0, '', '<p>intro</p>\\n'), (2, 'A b', '<p>text</p>\\n')]
    """
    parser = _markdown_parser()
    env: dict = {}
    tokens = parser.parse(str(text), env)
    sections: list[tuple[int, str, str]] = []
    level, heading, start = 0, "", 0
    index = 0

    def close(end: int) -> None:
        body = sanitise_html(parser.renderer.render(tokens[start:end], parser.options, env))
        if level or body.strip():
            sections.append((level, heading, body))

    while index < len(tokens):
        token = tokens[index]
        if token.type == "heading_open":
            close(index)
            inline = tokens[index + 1]
            level = int(token.tag[1])
            heading = " ".join("".join(c.content for c in inline.children or []).split())
            index += 3
            start = index
            continue
        index += 1
    close(len(tokens))
    return sections


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
