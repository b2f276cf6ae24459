"""Dropping the CSS rules a built site can never use (for Quarto's Bootstrap and icons).

Quarto compiles the whole of Bootstrap, its own rules for every kind of page (listings, about
pages, callouts, code) and 2,000 icons into two stylesheets of 600 KB that every page must load
before it can paint. A selector is kept when every class and id it names occurs as a word in the
site's pages or in any script the site ships (the scripts add classes such as ``show`` or
``headroom--pinned`` at run time, and a word found anywhere in them counts), as PurgeCSS does;
element and attribute selectors are always kept. At-rules are kept with what they hold.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import tinycss2

_WORD = re.compile(r"[A-Za-z_][\w-]*")
_ATTRIBUTES = re.compile(r"""\s(?:class|id)=["']([^"']*)""")
_INLINE_SCRIPTS = re.compile(r"<script\b[^>]*>(.*?)</script>", re.S)
# Classes and ids a selector names; not those inside :not(), :is(), :where() or :has(), which
# may name what the page lacks.
_NAMES = re.compile(r"[.#](-?[A-Za-z_](?:[\w-]|\\.)*)")
_FUNCTIONAL = re.compile(r":(?:not|is|where|has)\((?:[^()]|\([^()]*\))*\)")
_ATTRIBUTE = re.compile(r"\[[^\]]*\]")  # [href$=".com"] names no class
_NOTICE = re.compile(r"/\*!.*?\*/", re.S)
_KEYFRAMES = re.compile(r"(?:-webkit-)?keyframes$")


# Two scripts name far more than they can add here. Bootstrap's names the classes of every
# component (modals, carousels, toasts...); on our pages it only opens the navbar's menu, so
# only the classes its collapse plugin sets count. plotly.js counts for its charts' classes
# (its menus' too: print hides them).
_SCRIPT_WORDS = {
    "bootstrap.min.js": lambda word: word in {"show", "collapsing", "collapsed"},
    "plotly.min.js": lambda word: any(p in word for p in ("plot", "modebar", "svg", "updatemenu")),
}


def site_words(site_dir: Path) -> set[str]:
    """Every word of the site's pages and scripts, plus ``bi-<word>`` for each (icons are
    named in scripts without their prefix, as in Quarto's search: ``bi-${icon}``)."""
    words: set[str] = set()
    for page in site_dir.rglob("*.html"):
        # A page's classes and ids, and every word of its inline scripts; not its prose.
        html = page.read_text(encoding="utf-8")
        for found in _ATTRIBUTES.findall(html) + _INLINE_SCRIPTS.findall(html):
            words.update(_WORD.findall(found))
    for script in site_dir.rglob("*.js"):
        found = _WORD.findall(script.read_text(encoding="utf-8", errors="replace"))
        keep = _SCRIPT_WORDS.get(script.name)
        words.update(w for w in found if keep is None or keep(w))
    return words | {f"bi-{w}" for w in words}


def _selector_used(selector: str, words: set[str]) -> bool:
    names = _NAMES.findall(_ATTRIBUTE.sub("", _FUNCTIONAL.sub("", selector)))
    return all(name.replace("\\", "") in words for name in names)


def _split_selectors(prelude: str) -> list[str]:
    """A rule's selector list, split at the commas outside brackets and parentheses."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(prelude):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(prelude[start:i])
            start = i + 1
    parts.append(prelude[start:])
    return [p.strip() for p in parts if p.strip()]


def _purge_rules(rules: Iterable, words: set[str]) -> list[str]:
    out = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = _split_selectors(tinycss2.serialize(rule.prelude))
            kept = [s for s in selectors if _selector_used(s, words)]
            if kept:
                out.append(",".join(kept) + "{" + tinycss2.serialize(rule.content) + "}")
        elif rule.type == "at-rule":
            prelude = tinycss2.serialize(rule.prelude)
            if rule.content is None:
                out.append(f"@{rule.at_keyword}{prelude};")
            elif rule.lower_at_keyword in {"media", "supports", "container", "layer"}:
                inner = _purge_rules(
                    tinycss2.parse_rule_list(
                        rule.content, skip_comments=True, skip_whitespace=True
                    ),
                    words,
                )
                if inner:
                    out.append(f"@{rule.at_keyword}{prelude}{{{''.join(inner)}}}")
            else:  # @font-face, @keyframes, @page...: kept as they are.
                out.append(f"@{rule.at_keyword}{prelude}{{{tinycss2.serialize(rule.content)}}}")
    return out


def purge_css(css: str, words: set[str]) -> str:
    """``css`` without the rules whose selectors name a class or id missing from ``words``,
    and without the animations no kept rule plays.

    >>> purge_css(".a{color:red}.b,.a .c{x:1}@media print{.b{y:2}}p:not(.z){m:0}", {"a", "c"})
    '.a{color:red}.a .c{x:1}p:not(.z){m:0}'
    """
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    purged = "".join(_purge_rules(rules, words))
    # Keyframes no remaining declaration names are dropped in a second pass.
    kept = []
    for rule in tinycss2.parse_stylesheet(purged, skip_whitespace=True):
        if rule.type == "at-rule" and _KEYFRAMES.match(rule.lower_at_keyword):
            name = tinycss2.serialize(rule.prelude).strip()
            others = purged.replace(tinycss2.serialize([rule]), "")
            if not re.search(rf"animation[\w-]*:[^;}}]*\b{re.escape(name)}\b", others):
                continue
        kept.append(tinycss2.serialize([rule]))
    # Licence notices ("/*! Bootstrap ... MIT */") travel with the code they cover.
    notices = "\n".join(_NOTICE.findall(css))
    return (notices + "\n" if notices else "") + "".join(kept)
