"""Finding quotes in their sources.

The source texts were extracted from PDFs and web pages: line breaks fall mid-sentence, hyphens
may be U+2010, quotes may be curly, and the ADCS text carries Markdown emphasis. A quote is
matched after folding exactly those on both sides (white space, dashes, quotation marks, soft
hyphens, emphasis asterisks: CODEBOOK.md, "Quotes"), never case, never compatibility forms, and
never by editing the quote or the source.

>>> normalise("Child\\u2010centred  \\u2018system\\u2019")
"Child-centred 'system'"
>>> find_quote("We follow the child's journey ... to effective help and support",
...            "We follow the child’s journey from first contact to effective help and support.")
True

Each part of a quote begins and ends on a word boundary of the source, and the parts of a quote
with ellipses lie in order within one passage: at most :data:`MAX_GAP` characters of source
between one part and the next.

>>> find_quote("likely to be as impressive as it seemed", "unlikely to be as impressive as it seemed")
False

A quote must also be long enough to identify a passage: every part between ellipses holds at
least :data:`MIN_WORDS` words (see CODEBOOK.md, "Quotes").

>>> too_short("the ... the") is None
False
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from functools import lru_cache

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
# The most characters of (folded) source text between two parts of one quote: about a
# paragraph of the reports. The widest gap in the data's quotes is under this; a quote that
# joins the ends of two passages (the example, 920 characters apart) is refused.
MAX_GAP = 600


def digest(raw: bytes) -> str:
    """The SHA-256 of a source text's bytes, as ``sources.csv`` pins it (64 hex digits)."""
    return hashlib.sha256(raw).hexdigest()


def normalise(text: str) -> str:
    """Fold the differences that text extraction introduces, so quotes can be compared.

    Only white space, dashes, quotation marks, soft hyphens and asterisks are folded; case and
    every other character stay as they are ("ſ" is not "s", a fullwidth letter not a letter).
    """
    return " ".join(text.translate(_TRANSLATION).split())


def fold_with_origin(text: str) -> tuple[str, list[int]]:
    """:func:`normalise` of ``text`` and, for each of its characters, where it came from.

    >>> fold_with_origin(" a\\u00ad b ")
    ('a b', [1, 3, 4])
    """
    chars: list[str] = []
    origin: list[int] = []
    for i, c in enumerate(text):
        folded = c.translate(_TRANSLATION)
        if folded.isspace():
            if not chars or chars[-1] == " ":
                continue
            folded = " "
        for one in folded:
            chars.append(one)
            origin.append(i)
    while chars and chars[-1] == " ":
        chars.pop()
        origin.pop()
    return "".join(chars), origin


def fragments(quote: str) -> list[str]:
    """The normalised pieces of a quote; ``...`` joins pieces that occur in that order."""
    return [f.strip() for f in ELLIPSIS.split(normalise(quote)) if f.strip()]


def missing_fragment(quote: str, normalised_source: str) -> str | None:
    """The first fragment of ``quote`` not found (in order) in the source, or None if all are."""
    failed = _locate(fragments(quote), normalised_source)
    return failed[1] if isinstance(failed, tuple) else None


def _is_word(c: str) -> bool:
    return c.isalnum()


def _find(part: str, source: str, start: int, end: int) -> int:
    """The first place of ``part`` in ``source[start:end]`` on word boundaries, or -1.

    A part that begins (or ends) with a letter or digit must not continue a word of the source
    there: "likely" is not found in "unlikely".
    """
    begins, ends = _is_word(part[0]), _is_word(part[-1])
    while True:
        at = source.find(part, start, end)
        if at < 0:
            return -1
        after = at + len(part)
        if (begins and at > 0 and _is_word(source[at - 1])) or (
            ends and after < len(source) and _is_word(source[after])
        ):
            start = at + 1
            continue
        return at


def locate(parts: list[str], normalised_source: str) -> list[tuple[int, int]] | tuple[str, str]:
    """Where each part stands in the source, in order and within one passage.

    The spans (start, end) in the normalised source, or the problem: ``("quote-not-found",
    part)`` for a part that is nowhere in the source, ``("quote-scattered", part)`` for one
    that is, but not within :data:`MAX_GAP` characters after the part before it.

    >>> locate(["a quote"], "b a quote")
    [(2, 9)]
    >>> locate(["one two", "five six"], "one two three four five six")
    [(0, 7), (19, 27)]
    >>> locate(["one two", "three"], "one two " + "x " * 400 + "three")
    ('quote-scattered', 'three')
    """
    source = normalised_source
    for part in parts:
        if _find(part, source, 0, len(source)) < 0:
            return "quote-not-found", part
    if not parts:
        return []
    broken = parts[-1]
    first, start = parts[0], 0
    while (at := _find(first, source, start, len(source))) >= 0:
        spans = [(at, at + len(first))]
        for part in parts[1:]:
            end = spans[-1][1]
            window = min(len(source), end + MAX_GAP + len(part) + 1)
            found = _find(part, source, end, window)
            if found < 0:
                broken = part
                break
            spans.append((found, found + len(part)))
        else:
            return spans
        start = at + 1
    return "quote-scattered", broken


def too_short(quote: str, parts: list[str] | None = None) -> str | None:
    """The first part of ``quote`` with fewer than :data:`MIN_WORDS` words, or None.

    ``parts``, if given, are the quote's :func:`fragments` already computed.

    >>> too_short("Accept in principle ... the Government will")
    'Accept in principle'
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
    located = _locate(parts, normalised_source)
    return located if isinstance(located, tuple) else None


_locate = locate


def find_quote(quote: str, source: str) -> bool:
    """Whether ``quote`` occurs in ``source`` once both are normalised."""
    return check_quote(quote, normalise(source)) is None


@lru_cache(maxsize=16)
def _index(normalised_source: str) -> tuple[list[tuple[int, str]], dict, Counter, dict]:
    """The source's words, where each run of three starts, how often each word occurs and
    where it first does: built once per source text, however many quotes miss."""
    # Words are compared without case here: this only points at a likely original.
    source_words = [(m.start(), m.group().lower()) for m in re.finditer(r"\S+", normalised_source)]
    grams: dict[tuple[str, ...], list[int]] = {}
    for i in range(len(source_words) - 2):
        key = tuple(w for _, w in source_words[i : i + 3])
        grams.setdefault(key, []).append(i)
    counts = Counter(w for _, w in source_words)
    first: dict[str, int] = {}
    for i, (_, w) in enumerate(source_words):
        first.setdefault(w, i)
    return source_words, grams, counts, first


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
    source_words, grams, counts, first = _index(normalised_source)
    fragment_words = re.findall(r"\S+", fragment.lower())[:2000]  # Enough to place a long fragment.
    if not source_words or not fragment_words:
        return ""
    votes: Counter[int] = Counter()
    for j in range(len(fragment_words) - 2):
        for i in grams.get(tuple(fragment_words[j : j + 3]), [])[:50]:
            votes[i - j] += 1
    if not votes:
        # No three words in common: fall back to the rarest single word the two share.
        shared = [(counts[w], j, w) for j, w in enumerate(fragment_words) if w in counts]
        if not shared:
            return ""
        _, j, word = min(shared)
        start_word = first[word] - j
    else:
        start_word = votes.most_common(1)[0][0]
    start = source_words[max(0, min(start_word, len(source_words) - 1))][0]
    return normalised_source[start : start + width]
