"""Clause, sentence and paragraph boundaries of folded text.

Phrases must not span a clause break, ``NEAR/s`` keeps both sides in one
sentence, ``NEAR/p`` (and ``NEAR/n``) in one paragraph. Boundaries are
offsets of single characters of the folded text: a clause break is a
punctuation mark or line break, a sentence end a ``. ! ? ;`` followed by
space (or a line break), a paragraph end a blank line. Every sentence end is
a clause break, every paragraph end a sentence end.

A ``.`` is *inert* (no boundary at all) inside a token (``4.5``, ``U.S``)
and after an abbreviation (``Sr.``, ``U.S.``, ``F.`` in "John F. Kennedy",
``No.`` before a number, both periods of a Spanish plural written with a
space: ``EE. UU.``, ``FF. AA.``); ``,`` and ``:`` are inert inside a token
(``1,000``, ``10:30``). Single quotes and apostrophes, hyphens and slashes
are never boundaries. docs/rules.md lists the same decisions.
"""

from __future__ import annotations

import re
from functools import lru_cache
from types import ModuleType

from . import native
from .folding import fold

_native: ModuleType | None = native.hits  # gap tests in C, where the install could build it

__all__ = ["clause_break_within", "sentence_break_within", "paragraph_break_within", "inert_period", "CLOSERS",
           "CONTEXT", "scope_neutral", "sentence_end_in", "paragraph_end_in"]

_LB = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_LINE_BREAK = rf"(?:\r\n|\r(?!\n)|[{_LB.replace(chr(13), '')}])"  # CR LF is one line break
_SPACE = rf"[^\S{_LB}]"
#: Clause punctuation; each is a break unless inert.
_PUNCTUATION = ",;:.!?()[]{}«»\"“”„‟¿¡—―"
#: What may stand between a sentence's final mark and the space after it: ``go."``, ``(sic.)``.
CLOSERS = "\"'”’»)]"

_CANDIDATE = re.compile("[" + re.escape(_PUNCTUATION + _LB) + "]")
# Both patterns start with one character class, which lets the regex engine skip ahead fast
# (3x faster than an alternation); each line break of a run counts, a repeated end is harmless.
_MARKS = ".!?;"  # end a sentence when closers, then a space or the end, follow
_SENTENCE_MARK = re.compile(rf"[{_MARKS}{_LB}](?:(?<=[{_LB}])|(?=[{re.escape(CLOSERS)}]*+(?:\s|\Z)))")
_PARAGRAPH = re.compile(rf"[{_LB}](?:(?<=\u2029)|(?>(?:(?<=\r)\n)?){_SPACE}*+{_LINE_BREAK})")
#: How many folded characters before a period decide whether it ends an abbreviation.
CONTEXT = 13
_WORD_CHAR = re.compile(r"\w")
_NOT_RUN = re.compile(r"[^\w.]")
_BEFORE_NUMBER = re.compile(r"\s+\d")
# "EE. UU.", "FF. AA.": a doubled letter, its period, one space and another doubled letter
_PAIR_NEXT = re.compile(rf"{_SPACE}([^\W\d_])\1(?!\w)")
_PAIR_BEFORE = re.compile(rf"(?<![\w.])([^\W\d_])\1\.{_SPACE}([^\W\d_])\2")

#: Folded words that a period follows without ending the sentence (titles, ranks, "St.").
TITLES = frozenset("""
mr mrs ms messrs dr dra drs sr sra srta sres gen gral st sto sta jr lic licda ing prof profa sen rep gov
col cnel capt cap lt sgt adm cmdr pres hon rev fr mons pbro mt ft av ave dept depto vs ud uds
sec amb atty supt dip arq abg mtro mtra
""".split())
#: Folded words that are abbreviations only before a number: "No. 5", "Art. 3", "Jan. 5".
NUMBERED = frozenset("""
no nos num nro art arts vol fig p pp jan feb apr jun jul aug sep sept oct nov dec ene abr ago dic
""".split())


def inert_period(folded: str, at: int) -> bool:
    """Whether the ``.`` at ``folded[at]`` is inside a token or ends an abbreviation."""
    return bool(_WORD_CHAR.match(folded, at + 1)) or _after_abbreviation(folded, at)


def _after_abbreviation(folded: str, at: int) -> bool:
    tail = _tail_before(folded, at)
    if tail is None:
        return False
    parts = tail.split(".")
    if len(parts) > 1:  # U.S, EE.UU, a.m: two to four parts of one or two letters
        return len(parts) <= 4 and all(0 < len(p) <= 2 and p.isalpha() for p in parts)
    decided = _word_decides(tail)
    if decided is not None:
        return decided
    if len(tail) == 2 and tail[0] == tail[1] and (  # EE. UU.: the first period or the second
            _PAIR_NEXT.match(folded, at + 1) or at >= 6 and _PAIR_BEFORE.match(folded, at - 6, at)):
        return True
    return tail in TITLES or (tail in NUMBERED and bool(_BEFORE_NUMBER.match(folded, at + 1)))


def _tail_before(text: str, at: int) -> str | None:
    """The run of word characters and dots before the period at ``text[at]``, or None when a quick
    look settles that the period ends no abbreviation: it follows a digit, a mark or a long word
    (the answer for most periods). Folding changes neither answer where scope_neutral holds."""
    # A run longer than CONTEXT - 1 is no abbreviation, and a run with a stray dot ("..mr",
    # "a..b") fails every test of _after_abbreviation.
    if not text[at - 1:at].isalpha() or (at >= 7 and text[at - 7:at].isalpha()):
        return None
    first = max(0, at - CONTEXT)
    space = text.rfind(" ", first, at)
    if space >= 0 and text[space + 1:at].isalpha():  # the usual: a short word after a space
        return text[space + 1:at]
    return _NOT_RUN.split(text[first:at])[-1]


def _word_decides(word: str) -> bool | None:
    """Whether a period after ``word`` (folded, without dots) ends an abbreviation, when the word
    alone decides (an initial, a title, or neither); None when what follows decides: a doubled
    letter (EE. UU.) or a word that abbreviates only before a number (No. 5)."""
    if len(word) == 1:
        return True  # an initial: "John F. Kennedy"
    if (len(word) == 2 and word[0] == word[1]) or word in NUMBERED:
        return None
    return word in TITLES


#: Unfolded words that decide alone whether a period after them ends an abbreviation: a text's
#: periods follow the same few words again and again ("said.", "year.", "Sr."). Read by the C part.
_DECIDED: dict[str, bool] = {}
_DECIDED_MAX = 65536


def _raw_word_decides(word: str) -> bool | None:
    """``_word_decides`` of an unfolded word (kept in ``_DECIDED`` when the word decides)."""
    decided = _DECIDED.get(word)
    if decided is None:
        decided = _word_decides(fold(word))
        if decided is not None and len(_DECIDED) < _DECIDED_MAX:
            _DECIDED[word] = decided
    return decided


def _is_break(folded: str, at: int) -> bool:
    ch = folded[at]
    if ch == ".":
        return not inert_period(folded, at)
    if ch in ",:":
        return not _WORD_CHAR.match(folded, at + 1)
    return True


def clause_break_within(folded: str, start: int, end: int) -> bool:
    """Whether ``folded[start:end]`` holds a clause break (a phrase occurrence there is rejected)."""
    m = _CANDIDATE.search(folded, start, end)
    while m is not None:
        if _is_break(folded, m.start()):
            return True
        m = _CANDIDATE.search(folded, m.start() + 1, end)
    return False


def sentence_break_within(folded: str, start: int, end: int, *, unfolded: bool = False) -> bool:
    """Whether ``folded[start:end]`` holds a sentence end.

    Only the stretch is searched (a mark's period is checked for an abbreviation, which looks at
    most ``CONTEXT`` characters back): a NEAR/s tests the gaps between its hits, not the body.
    ``unfolded``: ``folded`` is the original text, each of whose characters folds to one and
    folding changes none of its marks, spaces and word characters (see :func:`scope_neutral`):
    only the few characters around a period are folded, for its abbreviation check.
    """
    m = _SENTENCE_MARK.search(folded, start)
    while m is not None and m.start() < end:
        at = m.start()
        if folded[at] != "." or not (_abbreviation_in(folded, at) if unfolded else _after_abbreviation(folded, at)):
            return True
        m = _SENTENCE_MARK.search(folded, at + 1)
    return False


def _abbreviation_in(text: str, at: int) -> bool:
    """``_after_abbreviation`` at ``text[at]`` of unfolded text: the word before the period
    mostly decides alone; else it folds only what it reads (CONTEXT characters and a few more
    before; after, a few, and a run of spaces to the number it may hold)."""
    tail = _tail_before(text, at)  # its runs are the folded text's
    if tail is None:
        return False
    if "." not in tail:
        decided = _raw_word_decides(tail)
        if decided is not None:
            return decided
    first, stop = max(0, at - CONTEXT - 8), at + 8
    while stop < len(text) and text[stop - 1].isspace():
        stop += 8
    return _after_abbreviation(fold(text[first:stop]), at - first)


_SCOPE_MARKS = frozenset(_PUNCTUATION + CLOSERS + _LB)


@lru_cache(maxsize=65536)
def scope_neutral(ch: str) -> bool:
    """Whether every boundary test reads ``ch`` as it reads its folding (one character): folding
    leaves it alone, or changes neither punctuation, a closer, a space or line break, nor whether
    it is a letter or a word character (a no-break space folding to a space is both spaces)."""
    folded = fold(ch)
    if folded == ch:
        return True
    if len(folded) != 1 or ch.isalpha() != folded.isalpha() or \
            (ch.isalnum() or ch == "_") != (folded.isalnum() or folded == "_"):
        return False
    if ch.isspace() or folded.isspace():
        return ch.isspace() and folded.isspace() and ch not in _LB and folded not in _LB
    return ch not in _SCOPE_MARKS and folded not in _SCOPE_MARKS


def paragraph_break_within(folded: str, start: int, end: int) -> bool:
    """Whether ``folded[start:end]`` holds a paragraph end (a blank line)."""
    return _PARAGRAPH.search(folded, start, end) is not None


def _sentence_end_in(text: str, start: int, end: int) -> bool:
    return sentence_break_within(text, start, end, unfolded=True)


if _native is not None:
    _native.configure(_LB, _MARKS, CLOSERS, CONTEXT, tuple(TITLES), tuple(NUMBERED), _DECIDED, _abbreviation_in)
    #: ``sentence_break_within(text, start, end, unfolded=True)``, in C where built.
    sentence_end_in = _native.sentence_end
    #: ``paragraph_break_within``, in C where built.
    paragraph_end_in = _native.paragraph_end
else:  # pragma: no cover - depends on the install
    sentence_end_in = _sentence_end_in
    paragraph_end_in = paragraph_break_within
