"""Finding quotes in their sources.

The source texts were extracted from PDFs and web pages: line breaks fall mid-sentence, hyphens
may be U+2010, quotes may be curly, and the ADCS text carries Markdown emphasis. A quote is
matched after normalising all of those on both sides, never by editing the quote or the source.

>>> normalise("Child\\u2010centred  \\u2018system\\u2019")
"child-centred 'system'"
>>> find_quote("the child's journey ... effective help", "We follow the child’s journey to effective help.")
True
"""

from __future__ import annotations

import difflib
import re
import unicodedata

# Hyphens, dashes and minus signs all become "-"; the PDFs use them interchangeably.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032`"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033"
_TRANSLATION = {ord(c): "-" for c in _DASHES}
_TRANSLATION |= {ord(c): "'" for c in _SINGLE_QUOTES}
_TRANSLATION |= {ord(c): '"' for c in _DOUBLE_QUOTES}
# Soft hyphens vanish; Markdown emphasis markers in the ADCS text are not part of the words.
_TRANSLATION |= {ord("\u00ad"): None, ord("*"): None, ord("\u00a0"): " "}

ELLIPSIS = re.compile(r"\.\.\.|…")


def normalise(text: str) -> str:
    """Fold the differences that text extraction introduces, so quotes can be compared."""
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATION)
    return re.sub(r"\s+", " ", text).strip().lower()


def fragments(quote: str) -> list[str]:
    """The normalised pieces of a quote; ``...`` joins pieces that occur in that order."""
    return [f.strip() for f in ELLIPSIS.split(normalise(quote)) if f.strip()]


def missing_fragment(quote: str, normalised_source: str) -> str | None:
    """The first fragment of ``quote`` not found (in order) in the source, or None if all are."""
    position = 0
    for fragment in fragments(quote):
        found_at = normalised_source.find(fragment, position)
        if found_at < 0:
            return fragment
        position = found_at + len(fragment)
    return None


def find_quote(quote: str, source: str) -> bool:
    """Whether ``quote`` occurs in ``source`` once both are normalised."""
    return missing_fragment(quote, normalise(source)) is None


def nearest_passage(fragment: str, normalised_source: str, width: int = 120) -> str:
    """The stretch of the source that best matches a fragment that was not found.

    The longest common run of characters anchors the match; a window the length of the
    fragment around it is what the curator most likely meant to copy.
    """
    matcher = difflib.SequenceMatcher(None, normalised_source, fragment, autojunk=False)
    match = matcher.find_longest_match(0, len(normalised_source), 0, len(fragment))
    start = max(0, match.a - match.b)
    end = min(len(normalised_source), start + max(len(fragment), width))
    return normalised_source[start:end]
