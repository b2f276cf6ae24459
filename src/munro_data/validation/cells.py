"""Cell typing: one non-empty cell read as its column's type and checked against its constraints.

Integers, numbers and dates are read in ASCII only, within the bounds the loaders can hold
(``limits``); text must hold no control character and nothing a spreadsheet would run as a
formula; an enum, a pattern, a length or a bound of the schema is then checked.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from functools import cache

from .._package import Field
from . import limits
from .patterns import SafePattern

_INTEGER = re.compile(r"[+-]?[0-9]+", re.ASCII)
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
# Spreadsheets start a formula at these; see the "Downloads" section of CODEBOOK.md.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Where a spreadsheet may start reading a cell: the start of the text, and after a line break,
# a tab or a ';' (a CSV opened where ';' separates cells splits an unquoted cell there).
_CELL_STARTS = re.compile(r"^|[;\t\r\n]")
# Blanks a spreadsheet skips before a formula: white space and zero-width characters.
_BLANKS = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]*")


def formula_at(text: str) -> int | None:
    """Where a spreadsheet would find a formula in ``text`` (an index), or None.

    >>> formula_at(" =1+1"), formula_at("a;\\uff1dcmd"), formula_at("a\\n  @SUM(A1)")
    (1, 2, 4)
    >>> formula_at("Accept - in principle; see below") is None
    True
    """
    if text.startswith(("\t", "\r")):
        return 0
    for start in _CELL_STARTS.finditer(text):
        at = _BLANKS.match(text, start.end()).end()
        if at < len(text) and unicodedata.normalize("NFKC", text[at])[:1] in "=+-@":
            return at
    return None


@cache
def safe_pattern(pattern: str) -> SafePattern:
    """The compiled pattern, compiled once per process."""
    return SafePattern(pattern)


# What a cell's conversion gives: its value (None when it fails), what was expected instead
# (None when it passes) and the problem kind.
Converted = tuple[object, str | None, str]


def convert_cell(f: Field, raw: str, pattern: SafePattern | None) -> Converted:
    """The typed value of a non-empty cell, or None, what was expected and the problem kind."""
    if len(raw) > limits.MAX_CELL_CHARS:
        return (
            None,
            f"at most {limits.MAX_CELL_CHARS:,} characters (found {len(raw):,}): the most a "
            "spreadsheet cell holds, so the Excel download would cut it",
            "limit-exceeded",
        )
    if limits.CONTROL.search(raw) or (f.type != "string" and ("\n" in raw or "\t" in raw)):
        bad = limits.CONTROL.search(raw) or re.search("[\n\t]", raw)
        assert bad is not None
        return (
            None,
            f"no control character (found U+{ord(bad.group()):04X} at character {bad.start() + 1})",
            "control-character",
        )
    value, expected, kind = _typed(f.type, raw)
    if expected is not None:
        return value, expected, kind
    return _constrained(f, raw, value, pattern)


def _typed(ftype: str, raw: str) -> Converted:
    """The cell read as ``ftype``, within the bounds the loaders can hold."""
    if ftype == "integer":
        if not _INTEGER.fullmatch(raw):
            return (
                None,
                "a whole number in ASCII digits (no spaces, '_' or separators)",
                "type-error",
            )
        # Past 19 digits it cannot fit 64 bits; and int() refuses strings over 4300 digits.
        digits = raw.lstrip("+-").lstrip("0")
        value: object = int(raw) if len(digits) <= 19 else limits.INT_MAX + 1
        if not limits.INT_MIN <= value <= limits.INT_MAX:
            return None, f"a whole number from {limits.INT_MIN} to {limits.INT_MAX}", "out-of-range"
        return value, None, ""
    if ftype == "number":
        if not _NUMBER.fullmatch(raw):
            return (
                None,
                "a number (ASCII digits, optional decimal point, no units or commas)",
                "type-error",
            )
        value = float(raw)
        if not math.isfinite(value):
            return None, "a finite number", "out-of-range"
        return value, None, ""
    if ftype == "date":
        try:
            if not limits.DATE_TEXT.fullmatch(raw):
                raise ValueError
            value = dt.date.fromisoformat(raw)
        except ValueError:
            return None, "a date as YYYY-MM-DD", "type-error"
        if not limits.DATE_MIN <= value <= limits.DATE_MAX:
            return None, f"a date from {limits.DATE_MIN} to {limits.DATE_MAX}", "out-of-range"
        return value, None, ""
    at = formula_at(raw)
    if at is not None:
        return (
            None,
            "text in which nothing a spreadsheet could read as a cell (the start, or what "
            "follows a line break, a tab or a ';') begins, after spaces, with =, +, -, @ or "
            f"a full-width form of one, nor starts with a tab or a carriage return (found at "
            f"character {at + 1}; a spreadsheet would run it as a formula)",
            "formula-risk",
        )
    return raw, None, ""


def _constrained(f: Field, raw: str, value: object, pattern: SafePattern | None) -> Converted:
    """``value``, or what the column's enum, pattern, lengths or bounds expected instead."""
    c = f.constraints
    if f.enum and raw not in f.enum:
        return None, "one of " + ", ".join(f.enum), "constraint-error"
    if pattern is not None and not pattern.fullmatch(raw):
        return None, f"text matching {c['pattern']}", "constraint-error"
    if "minLength" in c and len(raw) < c["minLength"]:
        return None, f"at least {c['minLength']} characters", "constraint-error"
    if "maxLength" in c and len(raw) > c["maxLength"]:
        return None, f"at most {c['maxLength']} characters (found {len(raw)})", "constraint-error"
    if "minimum" in c and value < _bound(f, c["minimum"]):
        return None, f"a value of at least {c['minimum']}", "constraint-error"
    if "maximum" in c and value > _bound(f, c["maximum"]):
        return None, f"a value of at most {c['maximum']}", "constraint-error"
    return value, None, ""


def _bound(f: Field, value: object) -> object:
    return dt.date.fromisoformat(value) if f.type == "date" else value  # type: ignore[arg-type]
