"""Descriptor ``pattern`` constraints matched in time linear in the cell's length, in bounded memory.

A pattern comes from the data's descriptor, which may be someone else's. Python's ``re``
backtracks, so a pattern such as ``(a+)+$`` takes exponential time on a cell of thirty ``a``s
and nothing can interrupt it. Here the pattern is compiled by RE2 (Google's automaton-based
engine, through the ``google-re2`` binding), which matches in time linear in the cell and within
:data:`MAX_MEMORY` bytes whatever the pattern. Features that need backtracking (backreferences,
lookaround) and repeats too large to compile are refused with :class:`UnsafePattern` instead of
being matched some other way.

Patterns are matched against the whole cell, as the Table Schema specifies, with Python's
meaning of ``\\d``, ``\\w`` and ``\\s`` (Unicode digits, letters and digits, white space), which
RE2 would otherwise read as ASCII.

>>> SafePattern("[a-z0-9][a-z0-9_-]*").fullmatch("adcs-2011")
True
>>> SafePattern("(a+)+b").fullmatch("a" * 5000 + "c")
False
>>> SafePattern(r"\\d+").fullmatch("\\u0661\\u0662")
True
>>> SafePattern(r"(a)\\1")
Traceback (most recent call last):
...
munro_data.validation.patterns.UnsafePattern: a backreference, which needs a backtracking matcher
"""

from __future__ import annotations

import re

import re2

# The most memory RE2 may use for one pattern's automata; past it, RE2 falls back to a slower
# linear-time method rather than grow, so a pattern such as [ab]*a[ab]{1000} stays bounded.
MAX_MEMORY = 16 << 20

# Python's classes, in RE2's syntax (RE2 reads \d, \w and \s as ASCII only).
_CLASSES = {
    "d": r"\p{Nd}",
    "w": r"\p{L}\p{N}_",
    "s": r"\t\n\x0b\f\r\x1c-\x1f\x{85}\p{Z}",
}


class UnsafePattern(ValueError):
    """A pattern this matcher will not run; the message says which feature."""


def _translate(pattern: str) -> str:
    """``pattern`` with Python's ``\\d``, ``\\w``, ``\\s`` (and their negations) spelt for RE2.

    >>> _translate(r"[\\d-]+\\W")
    '[\\\\p{Nd}-]+[^\\\\p{L}\\\\p{N}_]'
    """
    out, in_class, i = [], False, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt.lower() in _CLASSES:
                body = _CLASSES[nxt.lower()]
                if nxt.islower():
                    out.append(body if in_class else f"[{body}]")
                elif in_class:
                    raise UnsafePattern(f"\\{nxt} inside a character class")
                else:
                    out.append(f"[^{body}]")
            elif nxt.isdigit() and nxt != "0":
                raise UnsafePattern("a backreference, which needs a backtracking matcher")
            else:
                out.append(c + nxt)
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
            out.append(c)
            # A "]" (or "^]") right after "[" is a literal, not the end of the class.
            rest = pattern[i + 1 : i + 3]
            lead = "^]" if rest.startswith("^]") else "]" if rest.startswith("]") else ""
            out.append(lead)
            i += 1 + len(lead)
            continue
        if c == "]" and in_class:
            in_class = False
        out.append(c)
        i += 1
    return "".join(out)


_LOOKAROUND = re.compile(r"\(\?<?[=!]")


class SafePattern:
    """A pattern compiled for linear-time full matches; refuses what needs backtracking."""

    def __init__(self, pattern: str):
        if _LOOKAROUND.search(pattern):
            raise UnsafePattern("a lookahead or lookbehind, which needs a backtracking matcher")
        if "(?>" in pattern:
            raise UnsafePattern("an atomic group, which needs a backtracking matcher")
        options = re2.Options()
        options.max_mem = MAX_MEMORY
        options.log_errors = False
        try:
            self._compiled = re2.compile(_translate(pattern), options)
        except re2.error as error:
            reason = error.args[0] if error.args else error
            if isinstance(reason, bytes):
                reason = reason.decode("utf-8", "replace")
            raise UnsafePattern(f"a feature RE2 cannot match in linear time ({reason})") from None

    def fullmatch(self, text: str) -> bool:
        return self._compiled.fullmatch(text) is not None
