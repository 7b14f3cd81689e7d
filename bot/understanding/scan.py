"""Regex scans that skip a request when it cannot match: each pattern's needles, the literal text every match
must contain, are found once from the parsed pattern; a text holding none of them is not scanned at all.

The engine runs about a hundred patterns over the whole request. Most begin with a word boundary or a
lookbehind, which keeps the regex engine from skipping ahead to the pattern's first letters, so each one
costs a pass over every character; a substring test for a handful of needles costs a fraction of that.
The result is the same as `pattern.finditer(text)` / `pattern.search(text, pos)`: a pattern is skipped only
when no match is possible. A case-insensitive pattern's needles are looked for in the text folded the way the
regex engine compares characters (simple lower case, plus the engine's extra equivalences such as dotless i = i, long s = s).
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Iterator
from re import _constants as sre  # the parsed-pattern opcodes (stdlib, CPython 3.11+)
from re import _parser as sre_parse  # the stdlib's own pattern parser (re.compile uses it)
from typing import Any

MIN_NEEDLE = 2  # single characters occur in nearly every text: not worth a test
MAX_NEEDLES = 24  # more needles cost more substring tests than the scan they would save

_Needles = frozenset[str] | None  # None: no literal text is required by every match
# The engine's extra case-insensitive equivalences (stdlib re._casefix; typeshed has no stub for it).
_EXTRA_CASES: dict[int, tuple[int, ...]] = importlib.import_module("re._casefix")._EXTRA_CASES


def finditer(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)`, or nothing when `text` holds none of the pattern's needles."""
    return pattern.finditer(text) if possible(pattern, text) else iter(())


def search(pattern: re.Pattern[str], text: str, pos: int = 0) -> re.Match[str] | None:
    """`pattern.search(text, pos)`, or None when `text` holds none of the pattern's needles."""
    return pattern.search(text, pos) if possible(pattern, text) else None


def possible(pattern: re.Pattern[str], text: str) -> bool:
    """False only when no match of `pattern` can be in `text` (it contains none of the needles)."""
    wanted = needles(pattern)
    if wanted is None:
        return True
    if pattern.flags & re.IGNORECASE:
        text = folded(text)
    return any(needle in text for needle in wanted)


@functools.lru_cache(maxsize=8)
def folded(text: str) -> str:
    """`text` with every character replaced by its case-insensitive representative (as the regex engine
    compares them under IGNORECASE), so a folded needle is in it exactly when some spelling of it is."""
    if text.isascii():
        return text.lower()
    return "".join(_fold(ch) for ch in text)


@functools.cache
def _fold(ch: str) -> str:
    lower = ch.lower()[0]  # the simple lower case (only U+0130 has a longer full one, "i" + a combining dot)
    return min(lower, *map(chr, _EXTRA_CASES.get(ord(lower), ())))


@functools.cache
def needles(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Literal strings, one of which every match of `pattern` contains (folded when the pattern ignores case);
    None when there is no useful set (an optional choice, a group that switches case-insensitivity on, needles
    too short or too many to help)."""
    found = _sequence(list(sre_parse.parse(pattern.pattern, pattern.flags)))
    if found is None or len(found) > MAX_NEEDLES or min(map(len, found)) < MIN_NEEDLE:
        return None
    if pattern.flags & re.IGNORECASE:
        return frozenset("".join(map(_fold, needle)) for needle in found)
    return found


def _sequence(items: list[tuple[Any, Any]]) -> _Needles:
    """Needles of items matched one after the other: the best of the literal runs and the items' own."""
    candidates: list[frozenset[str]] = []
    run = ""
    for op, av in items:
        if op is sre.LITERAL:
            run += chr(av)
            continue
        if run:
            candidates.append(frozenset({run}))
            run = ""
        own = _item(op, av)
        if own is not None:
            candidates.append(own)
    if run:
        candidates.append(frozenset({run}))
    return max(candidates, key=_quality, default=None)


def _item(op: Any, av: Any) -> _Needles:
    if op is sre.SUBPATTERN:
        _group, add_flags, _del_flags, body = av
        return None if add_flags & re.IGNORECASE else _sequence(list(body))
    if op is sre.BRANCH:
        found: set[str] = set()
        for alternative in av[1]:
            own = _sequence(list(alternative))
            if own is None:
                return None  # an alternative without needles can match anything
            found |= own
        return frozenset(found)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and av[0] >= 1:
        return _sequence(list(av[2]))
    if op is sre.ATOMIC_GROUP:
        return _sequence(list(av))
    return None  # classes, any character, optional repeats, assertions, back references: no literal required


def _quality(found: frozenset[str]) -> tuple[int, int]:
    """Longer needles are rarer; fewer needles are cheaper to test."""
    return min(map(len, found)), -len(found)
