"""The seed's quotable sentences and whether an item quotes one.

A sentence is quotable when it has at least :data:`MIN_WORDS` words and is
mostly the seed's own words: a sentence that is mostly someone else's
quoted speech (Pence's address) is left out, since every report of that
speech carries it. An item quotes a sentence when it shares
:data:`MIN_SHARED` of the sentence's :data:`SHINGLE`-word shingles (about a
12-word stretch) or half of them for a short sentence, compared on
lower-cased, accent-free words. A translation shares no shingles, so it
does not count.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .folding import paragraphs, words

MIN_WORDS = 12
SHINGLE = 5
MIN_SHARED = 8
MIN_SHARE = 0.5
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’']))\s+(?=[\"“‘'(]?[A-ZÁÉÍÓÚÑ¿¡])")
_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]")


def sentences(text: str) -> list[str]:
    """The sentences of ``text``'s paragraphs, in order."""
    return [s.strip() for p in paragraphs(text) for s in _SENTENCE_END.split(p) if s.strip()]


def quotable(text: str) -> list[str]:
    """The seed's sentences worth looking for (see the module docstring)."""
    out = []
    for sentence in sentences(text):
        n = len(words(sentence))
        own = len(words(_QUOTED.sub(" ", sentence)))
        if n >= MIN_WORDS and own >= 0.6 * n:
            out.append(sentence)
    return out


def shingles(text: str) -> set[tuple[str, ...]]:
    """The ``SHINGLE``-word runs of ``text``'s folded words."""
    w = words(text)
    return {tuple(w[i:i + SHINGLE]) for i in range(len(w) - SHINGLE + 1)}


@lru_cache(maxsize=4096)
def _own(sentence: str) -> frozenset[tuple[str, ...]]:
    # A seed's sentences are compared with every item: shingled once.
    return frozenset(shingles(sentence))


def quoted(sentences_: list[str], text: str) -> str | None:
    """The first of ``sentences_`` that ``text`` quotes, or None."""
    have = shingles(text)
    for sentence in sentences_:
        own = _own(sentence)
        shared = len(own & have)
        if own and (shared >= MIN_SHARED or shared >= MIN_SHARE * len(own) >= 3):
            return sentence
    return None
