"""Descriptor ``pattern`` constraints matched in time linear in the cell's length.

A pattern comes from the data's descriptor, which may be someone else's. Python's ``re``
backtracks, so a pattern such as ``(a+)+$`` takes exponential time on a cell of thirty ``a``s
and nothing can interrupt it. Here Python's own parser reads the pattern, and the parsed tree
becomes a Thompson automaton that is run as a lazily built DFA: each character of a cell costs
one dictionary look-up once the automaton has seen it, whatever the pattern. Features that need
backtracking (backreferences, lookaround, atomic groups, conditionals) are refused with
:class:`UnsafePattern` instead of being matched some other way.

Patterns are matched against the whole cell, as the Table Schema specifies.

>>> SafePattern("[a-z0-9][a-z0-9_-]*").fullmatch("adcs-2011")
True
>>> SafePattern("(a+)+b").fullmatch("a" * 5000 + "c")
False
>>> SafePattern(r"(a)\\1")
Traceback (most recent call last):
...
munro_data._pattern.UnsafePattern: a backreference, which needs a backtracking matcher
"""

from __future__ import annotations

import re
import unicodedata

try:  # Python 3.11 and later
    from re import _constants as C  # noqa: N812
    from re import _parser as parser
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as C  # noqa: N812
    import sre_parse as parser

# The automaton of a large bounded repeat ({1,100000}) would be large too; past this many
# states the pattern is refused, so building it stays cheap.
MAX_STATES = 5000
# Past this many cached transitions the cache is emptied: memory stays bounded and matching
# stays linear (a transition is then recomputed from the automaton's states).
MAX_TRANSITIONS = 50_000


class UnsafePattern(ValueError):
    """A pattern this matcher will not run; the message says which feature."""


_REFUSED = {
    C.GROUPREF: "a backreference, which needs a backtracking matcher",
    C.GROUPREF_EXISTS: "a conditional group, which needs a backtracking matcher",
    C.ASSERT: "a lookahead or lookbehind, which needs a backtracking matcher",
    C.ASSERT_NOT: "a negative lookahead or lookbehind, which needs a backtracking matcher",
}
_ATOMIC = getattr(C, "ATOMIC_GROUP", None)
_POSSESSIVE = getattr(C, "POSSESSIVE_REPEAT", None)


def _category(code) -> object:
    digit = lambda ch: unicodedata.category(ch) == "Nd"  # noqa: E731
    word = lambda ch: ch.isalnum() or ch == "_"  # noqa: E731
    space = lambda ch: ch.isspace()  # noqa: E731
    table = {
        C.CATEGORY_DIGIT: digit,
        C.CATEGORY_NOT_DIGIT: lambda ch: not digit(ch),
        C.CATEGORY_WORD: word,
        C.CATEGORY_NOT_WORD: lambda ch: not word(ch),
        C.CATEGORY_SPACE: space,
        C.CATEGORY_NOT_SPACE: lambda ch: not space(ch),
    }
    if code not in table:
        raise UnsafePattern(f"the character category {code}, which this matcher does not know")
    return table[code]


def _char_class(items) -> object:
    negate = False
    tests = []
    for op, arg in items:
        if op is C.NEGATE:
            negate = True
        elif op is C.LITERAL:
            tests.append((chr(arg)).__eq__)
        elif op is C.RANGE:
            tests.append(lambda ch, lo=arg[0], hi=arg[1]: lo <= ord(ch) <= hi)
        elif op is C.CATEGORY:
            tests.append(_category(arg))
        else:
            raise UnsafePattern(f"{op} inside [...], which this matcher does not know")
    if negate:
        return lambda ch: not any(t(ch) for t in tests)
    return lambda ch: any(t(ch) for t in tests)


class SafePattern:
    """A compiled pattern whose :meth:`fullmatch` is linear in the length of the text."""

    def __init__(self, pattern: str):
        try:
            parsed = parser.parse(pattern)
        except re.error as error:
            raise UnsafePattern(f"a valid regular expression ({error})") from None
        if parsed.state.flags & ~(re.UNICODE | getattr(C, "SRE_FLAG_TEMPLATE", 0)) & 0xFF:
            raise UnsafePattern("inline flags such as (?i), which this matcher does not support")
        self.pattern = pattern
        # States: ("char", test, next) or ("split", next...) ; the accepting state is -1.
        self._states: list[tuple] = []
        items = list(parsed)
        # Anchors at the very ends are implied by whole-cell matching.
        if items and items[0] == (C.AT, C.AT_BEGINNING):
            items = items[1:]
        if items and items[-1][0] is C.AT and items[-1][1] in (C.AT_END, C.AT_END_STRING):
            items = items[:-1]
        self._start = self._sequence(items, -1)
        self._dfa: dict[tuple[frozenset, str], frozenset] = {}
        self._initial = self._closure({self._start})
        self._results: dict[str, bool] = {}

    # -- building the automaton: each builder returns the entry state of its piece, given the
    # -- state to continue with, so pieces are built from the end backwards.

    def _add(self, state: tuple) -> int:
        if len(self._states) >= MAX_STATES:
            raise UnsafePattern(f"a pattern of at most {MAX_STATES} automaton states")
        self._states.append(state)
        return len(self._states) - 1

    def _sequence(self, items, nxt: int) -> int:
        for op, arg in reversed(list(items)):
            nxt = self._item(op, arg, nxt)
        return nxt

    def _item(self, op, arg, nxt: int) -> int:
        if op in _REFUSED:
            raise UnsafePattern(_REFUSED[op])
        if op is C.LITERAL:
            return self._add(("char", (chr(arg)).__eq__, nxt))
        if op is C.NOT_LITERAL:
            return self._add(("char", (chr(arg)).__ne__, nxt))
        if op is C.ANY:
            return self._add(("char", lambda ch: ch != "\n", nxt))
        if op is C.IN:
            return self._add(("char", _char_class(arg), nxt))
        if op is C.SUBPATTERN:
            _group, add_flags, del_flags, body = arg
            if add_flags or del_flags:
                raise UnsafePattern("inline flags such as (?i:...), which this matcher lacks")
            return self._sequence(body, nxt)
        if op is C.BRANCH:
            starts = [self._sequence(alternative, nxt) for alternative in arg[1]]
            return self._add(("split", *starts))
        if op in (C.MAX_REPEAT, C.MIN_REPEAT) or (_POSSESSIVE and op is _POSSESSIVE):
            if op is _POSSESSIVE:
                raise UnsafePattern("a possessive repeat, which needs a backtracking matcher")
            low, high, body = arg
            if high is C.MAXREPEAT:
                # body* : a split that either enters the body (which loops back) or goes on.
                loop = self._add(("split",))
                entry = self._sequence(body, loop)
                self._states[loop] = ("split", entry, nxt)
                tail = loop
            else:
                tail = nxt
                for _ in range(high - low):
                    entry = self._sequence(body, tail)
                    tail = self._add(("split", entry, tail))
            for _ in range(low):
                tail = self._sequence(body, tail)
            return tail
        if _ATOMIC and op is _ATOMIC:
            raise UnsafePattern("an atomic group, which needs a backtracking matcher")
        if op is C.AT:
            raise UnsafePattern("an anchor or word boundary inside the pattern (only ^ and $)")
        raise UnsafePattern(f"{str(op).lower()} in a pattern, which this matcher does not support")

    def _closure(self, states: set[int]) -> frozenset:
        seen: set[int] = set()
        stack = list(states)
        while stack:
            s = stack.pop()
            if s in seen:
                continue
            seen.add(s)
            if s >= 0 and self._states[s][0] == "split":
                stack.extend(self._states[s][1:])
        return frozenset(seen)

    def _step(self, current: frozenset, ch: str) -> frozenset:
        key = (current, ch)
        found = self._dfa.get(key)
        if found is None:
            nxt = {
                self._states[s][2]
                for s in current
                if s >= 0 and self._states[s][0] == "char" and self._states[s][1](ch)
            }
            found = self._closure(nxt)
            if len(self._dfa) >= MAX_TRANSITIONS:
                self._dfa.clear()
            self._dfa[key] = found
        return found

    def fullmatch(self, text: str) -> bool:
        """Whether the whole of ``text`` matches; linear in ``len(text)``."""
        known = self._results.get(text)
        if known is not None:
            return known
        current = self._initial
        for ch in text:
            current = self._step(current, ch)
            if not current:
                break
        result = -1 in current
        if len(self._results) < MAX_TRANSITIONS:
            self._results[text] = result
        return result
