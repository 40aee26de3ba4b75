"""Folding: how text and queries are made case- and accent-insensitive.

``fold`` is NFKD decomposition, removal of combining marks, then Unicode
case folding. It works character by character (``fold(a + b) == fold(a) +
fold(b)``), which is what lets the matcher map a hit in folded text back to
the original text for snippets and exact-case checks.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from functools import lru_cache

__all__ = ["fold", "fold_known", "fold_char", "is_mark", "fold_starts", "WORD"]

#: A word is a run of Unicode word characters, as Python's ``\w`` defines them.
WORD = re.compile(r"\w+")

_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@lru_cache(maxsize=4096)
def is_mark(ch: str) -> bool:
    """Whether ``fold`` removes ``ch`` (a combining mark)."""
    # Canonical reordering in NFKD only moves characters with a non-zero
    # combining class; removing all of them is what makes fold per-character.
    return bool(unicodedata.combining(ch)) or unicodedata.category(ch) in ("Mn", "Me")


def fold(text: str) -> str:
    """Fold ``text`` for comparison: NFKD, strip combining marks, casefold.

    ``fold("Hernández") == "hernandez"``, ``fold("STRASSE") == fold("Straße")``.
    The same function folds queries, item text and storage keys.
    """
    if text.isascii():
        return text.lower()  # NFKD and marks are no-ops on ASCII; casefold == lower
    # A text has few distinct non-ASCII characters: test those, not every character.
    return fold_known(text, set(_NON_ASCII.findall(text)))


def fold_known(text: str, chars: Collection[str]) -> str:
    """``fold(text)`` where ``chars`` are the distinct non-ASCII characters of ``text``."""
    if all(map(_settled, chars)):
        # folding works character by character: replace each distinct one by its folding (a
        # replace per character costs less than normalizing the whole text), then lower the rest
        for ch in chars:
            text = text.replace(ch, fold_char(ch))
        return text.lower()
    return _fold_whole(text)


def _fold_whole(text: str) -> str:
    """``fold`` as defined: NFKD, marks removed, casefold, on the whole text."""
    if not unicodedata.is_normalized("NFKD", text):
        text = unicodedata.normalize("NFKD", text)
    for ch in set(_NON_ASCII.findall(text)):
        if is_mark(ch):
            text = text.replace(ch, "")
    return text.casefold()


@lru_cache(maxsize=65536)
def _settled(ch: str) -> bool:
    """Whether ``fold_char(ch)`` is final under the replacing and lowering in ``fold``: each of its
    characters ASCII, or one that folding and ``lower`` leave as it is (so that no later replace
    and no ``lower`` changes it again)."""
    return all(c.isascii() or (fold_char(c) == c and c.lower() == c) for c in fold_char(ch))


@lru_cache(maxsize=65536)
def fold_char(ch: str) -> str:
    """``fold`` of one character (cached; used to map folded text back to the original)."""
    return _fold_whole(ch)


def fold_starts(text: str, chars: Iterable[str] | None = None) -> Sequence[int]:
    """For each character of ``fold(text)``, the index in ``text`` it came from, then ``len(text)``.

    Cheap in the usual case: when every character folds to exactly one
    (accented letters do), the answer is ``range(len(text) + 1)``. ``chars``:
    the distinct non-ASCII characters of ``text``, if known.
    """
    if text.isascii():
        return range(len(text) + 1)
    # Only characters that fold to zero or several characters shift offsets.
    if chars is None:
        chars = set(_NON_ASCII.findall(text))
    odd = "".join(sorted(c for c in chars if len(fold_char(c)) != 1))
    if not odd:
        return range(len(text) + 1)
    starts: list[int] = []
    pos = 0
    for m in _char_class(odd).finditer(text):
        i = m.start()
        starts.extend(range(pos, i))
        starts.extend([i] * len(fold_char(text[i])))
        pos = i + 1
    starts.extend(range(pos, len(text) + 1))
    return starts


@lru_cache(maxsize=256)
def _char_class(chars: str) -> re.Pattern[str]:
    return re.compile("[" + "".join(re.escape(c) for c in chars) + "]")
