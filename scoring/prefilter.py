"""A sound prefilter for rule patterns: which patterns could possibly match a sentence.

For a pattern that starts at a word boundary with literal text (`\\b(?:evaluat|assess)...`), a match
must begin a word with one of those literals. We read each pattern's possible leading literals
from Python's own regex parser and keep their first 1-3 letters; a sentence is only tried against
patterns one of whose prefixes begins one of its words, and searched from the first such word.
Patterns we cannot analyse (a leading character class, an optional first element, no word
boundary) are always tried, so the prefilter never changes a result, only skips work.
"""

import re
from re import _constants as C  # noqa: N812 - the parser's opcode names
from re import _parser

PREFIX = 3
_WORD = re.compile(r"[a-z0-9]+")


def leading_prefixes(pattern: str, flags: int = re.I) -> frozenset[str] | None:
    """The lowercase 1-3 letter prefixes a match must start a word with, or None if unknown."""
    try:
        tree = _parser.parse(pattern, flags)
    except re.error:
        return None
    return _seq(list(tree), boundary=False)


def _seq(items, boundary: bool):
    for i, (op, arg) in enumerate(items):
        if op is C.AT:
            if arg in (C.AT_BOUNDARY, C.AT_BEGINNING, C.AT_BEGINNING_STRING):
                boundary = True
                continue
            return None
        if op in (C.ASSERT, C.ASSERT_NOT):
            continue  # zero-width
        if not boundary and op is C.SUBPATTERN:  # "(?-i:\bDr ...)": the group's items, then the rest
            return _seq(list(arg[-1]) + items[i + 1:], boundary=False)
        if not boundary and op is C.BRANCH:  # "(?-i:\bDr ...)|\bnurses?": each alternative, then the rest
            got = [_seq(list(alt) + items[i + 1:], boundary=False) for alt in arg[1]]
            return None if any(g is None for g in got) else frozenset().union(*got)
        if not boundary:
            return None
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT) and arg[0] == 0:
            # An optional first element: the match starts with it, or with what follows.
            first, rest = _seq(list(arg[2]), boundary=True), _seq(items[i + 1:], boundary=True)
            return None if first is None or rest is None else first | rest
        return _first(op, arg, items[i:])
    return None


def _first(op, arg, items):
    if op is C.LITERAL:
        run = ""
        for o, a in items:
            if o is not C.LITERAL or not chr(a).isalnum():
                break
            run += chr(a).lower()
            if len(run) == PREFIX:
                break
        return frozenset([run]) if run else None
    if op is C.BRANCH:
        out = set()
        for alt in arg[1]:
            got = _seq(list(alt), boundary=True)
            if got is None:
                return None
            out |= got
        return frozenset(out)
    if op is C.SUBPATTERN:
        return _seq(list(arg[-1]), boundary=True)
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        lo, _hi, sub = arg
        return _seq(list(sub), boundary=True) if lo >= 1 else None
    return None


def word_prefixes(text: str) -> dict[str, int]:
    """Every 1-3 letter prefix of every word of the (lowercased) text, with where the first word
    that has it starts: a pattern whose match must start a word with one of its prefixes cannot
    match before the earliest of them, so its search may start there."""
    lowered = text.lower()
    exact = len(lowered) == len(text)  # else lowercasing moved positions ("İ"): start at 0
    out: dict[str, int] = {}
    for m in _WORD.finditer(lowered):
        word, at = m.group(), m.start() if exact else 0
        for prefix in (word[:1], word[:2], word[:3]):
            out.setdefault(prefix, at)
    return out
