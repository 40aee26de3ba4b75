"""Folding: how text and queries are made case- and accent-insensitive.

``fold`` is NFKD decomposition, removal of combining marks, then Unicode
case folding. It works character by character (``fold(a + b) == fold(a) +
fold(b)``), which is what lets the matcher map a hit in folded text back to
the original text for snippets and exact-case checks.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["fold", "fold_char", "words", "word_text", "folded_offsets", "WORD"]

#: A word is a run of Unicode word characters, as Python's ``\w`` defines them.
WORD = re.compile(r"\w+")

# Any non-word run that is not exactly one space: collapsing only these keeps
# the substitution count low (most separators in prose already are one space).
_SEPARATORS = re.compile(r"(?: (?=\W)|[^\w ])\W*")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _is_mark(ch: str) -> bool:
    # Canonical reordering in NFKD only moves characters with a non-zero
    # combining class; removing all of them is what makes fold per-character.
    return bool(unicodedata.combining(ch)) or unicodedata.category(ch) in ("Mn", "Me")


@lru_cache(maxsize=4096)
def _mark(ch: str) -> bool:
    return _is_mark(ch)


def fold(text: str) -> str:
    """Fold ``text`` for comparison: NFKD, strip combining marks, casefold.

    ``fold("Hernández") == "hernandez"``, ``fold("STRASSE") == fold("Straße")``.
    The same function folds queries, item text and storage keys.
    """
    if text.isascii():
        return text.lower()  # NFKD and marks are no-ops on ASCII; casefold == lower
    if not unicodedata.is_normalized("NFKD", text):
        text = unicodedata.normalize("NFKD", text)
    # A text has few distinct non-ASCII characters: test those, not every character.
    for ch in set(_NON_ASCII.findall(text)):
        if _mark(ch):
            text = text.replace(ch, "")
    return text.casefold()


@lru_cache(maxsize=65536)
def fold_char(ch: str) -> str:
    """``fold`` of one character (cached; used to map folded text back to the original)."""
    return fold(ch)


def words(folded: str) -> list[str]:
    """The words of an already folded text."""
    return WORD.findall(folded)


def word_text(folded: str) -> str:
    """An already folded text as its words, each with one space before and after.

    ``" ee uu said "`` for ``"ee.uu. said"``: a phrase is then a substring and
    a word boundary is a space, so one Aho-Corasick pass finds every term.
    """
    return " " + _SEPARATORS.sub(" ", folded).strip(" ") + " "


def folded_offsets(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` and, for each of its characters, the index in ``text`` it came from.

    A final entry ``len(text)`` is appended so that ``starts[end]`` is valid for
    an exclusive end offset.
    """
    if text.isascii():
        return text.lower(), list(range(len(text) + 1))
    parts: list[str] = []
    starts: list[int] = []
    for i, ch in enumerate(text):
        f = fold_char(ch) if ord(ch) > 127 else ch.lower()
        if f:
            parts.append(f)
            starts.extend([i] * len(f))
    starts.append(len(text))
    return "".join(parts), starts
