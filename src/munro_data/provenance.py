"""Finding quotes in their sources.

The source texts were extracted from PDFs and web pages: line breaks fall mid-sentence, hyphens
may be U+2010, quotes may be curly, and the ADCS text carries Markdown emphasis. A quote is
matched after normalising all of those on both sides, never by editing the quote or the source.

>>> normalise("Child\\u2010centred  \\u2018system\\u2019")
"child-centred 'system'"
>>> find_quote("we follow the child's journey ... to effective help and support",
...            "We follow the child’s journey from first contact to effective help and support.")
True

A quote must also be long enough to identify a passage: every part between ellipses holds at
least :data:`MIN_WORDS` words (see CODEBOOK.md, "Quotes").

>>> too_short("the ... the") is None
False
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

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
# A word is a run of letters or digits; "13.6", "1,000" and "child's" count as one word.
WORD = re.compile(r"[^\W_]+(?:[.,'][^\W_]+)*")
# The fewest words each part of a quote between ellipses must hold. Four is the most that every
# quote of the real data meets (two figures quote four words, "13.6% family, 9% schools"); five
# would reject those two. Fewer would let "in the", "the ... the" or "." count as found.
MIN_WORDS = 4


def normalise(text: str) -> str:
    """Fold the differences that text extraction introduces, so quotes can be compared."""
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATION)
    return re.sub(r"\s+", " ", text).strip().lower()


def fragments(quote: str) -> list[str]:
    """The normalised pieces of a quote; ``...`` joins pieces that occur in that order."""
    return [f.strip() for f in ELLIPSIS.split(normalise(quote)) if f.strip()]


def missing_fragment(quote: str, normalised_source: str) -> str | None:
    """The first fragment of ``quote`` not found (in order) in the source, or None if all are."""
    return _missing(fragments(quote), normalised_source)


def _missing(parts: list[str], normalised_source: str) -> str | None:
    # str.find is linear in the source (CPython uses the two-way algorithm for long needles).
    position = 0
    for fragment in parts:
        found_at = normalised_source.find(fragment, position)
        if found_at < 0:
            return fragment
        position = found_at + len(fragment)
    return None


def too_short(quote: str, parts: list[str] | None = None) -> str | None:
    """The first part of ``quote`` with fewer than :data:`MIN_WORDS` words, or None.

    ``parts``, if given, are the quote's :func:`fragments` already computed.

    >>> too_short("Accept in principle ... the Government will")
    'accept in principle'
    >>> too_short("...") is None, too_short("...") == ""
    (False, True)
    """
    parts = fragments(quote) if parts is None else parts
    if not parts:
        return ""
    for part in parts:
        if len(WORD.findall(part)) < MIN_WORDS:
            return part
    return None


def check_quote(quote: str, normalised_source: str) -> tuple[str, str] | None:
    """None if the quote is long enough and found; else the problem kind and the fragment.

    >>> check_quote("the ... the", "the cat and the dog")
    ('quote-too-short', 'the')
    """
    parts = fragments(quote)
    short = too_short(quote, parts)
    if short is not None:
        return "quote-too-short", short
    missing = _missing(parts, normalised_source)
    return None if missing is None else ("quote-not-found", missing)


def find_quote(quote: str, source: str) -> bool:
    """Whether ``quote`` occurs in ``source`` once both are normalised."""
    return check_quote(quote, normalise(source)) is None


def nearest_passage(fragment: str, normalised_source: str, width: int = 120) -> str:
    """The stretch of the source (at most ``width`` characters) that best matches a fragment.

    "" when the two share no word at all: then nothing there is a likely original.

    Each run of three words of the fragment that occurs in the source votes for where the
    fragment would start there; the most voted start wins. That takes time linear in the sizes
    of fragment and source, so a wrong 100 KB quote is answered at once.

    >>> nearest_passage("the government accept this recommendation", "intro. the government "
    ...                 "accepts this recommendation fully. outro.", 40)
    'the government accepts this recommendati'
    """
    source_words = [(m.start(), m.group()) for m in re.finditer(r"\S+", normalised_source)]
    fragment_words = re.findall(r"\S+", fragment)[:2000]  # Enough to place a long fragment.
    if not source_words or not fragment_words:
        return ""
    grams: dict[tuple[str, ...], list[int]] = {}
    for i in range(len(source_words) - 2):
        key = tuple(w for _, w in source_words[i : i + 3])
        grams.setdefault(key, []).append(i)
    votes: Counter[int] = Counter()
    for j in range(len(fragment_words) - 2):
        for i in grams.get(tuple(fragment_words[j : j + 3]), [])[:50]:
            votes[i - j] += 1
    if not votes:
        # No three words in common: fall back to the rarest single word the two share.
        counts = Counter(w for _, w in source_words)
        shared = [(counts[w], j, w) for j, w in enumerate(fragment_words) if w in counts]
        if not shared:
            return ""
        _, j, word = min(shared)
        start_word = next(i for i, (_, w) in enumerate(source_words) if w == word) - j
    else:
        start_word = votes.most_common(1)[0][0]
    start = source_words[max(0, min(start_word, len(source_words) - 1))][0]
    return normalised_source[start : start + width]
