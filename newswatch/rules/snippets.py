"""Snippets: about 30 words of the original text around the first hit, hits marked «…»."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .document import FieldText, skip_words
from .folding import WORD

__all__ = ["snippet", "SNIPPET_WORDS", "OPEN", "CLOSE", "ELLIPSIS"]

SNIPPET_WORDS = 30
_BEFORE = 10  # words shown before the first hit; the rest of the window follows it
OPEN, CLOSE, ELLIPSIS = "«", "»", "..."
_SPACE = re.compile(r"\s+")


def _glued(ch: str) -> bool:
    return not (ch.isspace() or ch.isalnum() or ch == "_")


def snippet(field: FieldText, hits: Iterable[tuple[int, int]]) -> str:
    """The text of ``field`` around its first hit, each hit in the window marked «…».

    ``hits`` are (start, end) spans in ``field.words``. The window starts up to
    ten words before the first hit and holds about thirty words (more if the
    hit is longer); ``...`` shows where the text was cut. Whitespace runs,
    newlines included, become single spaces.
    """
    ranges = sorted(set(hits))
    words = field.words
    if not ranges:
        return _SPACE.sub(" ", field.text).strip()[:300]
    first_start, first_end = ranges[0]
    # ten words back: look at a stretch of text before the hit, wider if it holds too few words
    reach = 8 * _BEFORE
    while True:
        begin = max(0, first_start - reach)
        before = [m.start() for m in WORD.finditer(words, begin, first_start)]
        if len(before) > _BEFORE or begin == 0:
            break
        reach *= 4
    shown = min(len(before), _BEFORE)
    start = before[-shown] if shown else first_start
    cut_before = WORD.search(words, 0, start) is not None
    end = skip_words(words, SNIPPET_WORDS - shown, first_start)
    end = max(end if end is not None else len(words.rstrip(" ")), first_end)
    cut_after = WORD.search(words, end) is not None

    # merge overlapping hits so markers never nest
    merged: list[list[int]] = []
    for a, b in ranges:
        if b <= start or a >= end:
            continue
        a, b = max(a, start), min(b, end)
        if merged and a < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    text = field.text
    pos, stop = field.original(start, end)
    while pos > 0 and _glued(text[pos - 1]):  # keep punctuation glued to the edges: ¿Qué ... dijo.
        pos -= 1
    while stop < len(text) and _glued(text[stop]):
        stop += 1
    parts: list[str] = []
    for a, b in merged:
        hit_start, hit_end = field.original(a, b)
        parts += [text[pos:hit_start], OPEN, text[hit_start:hit_end], CLOSE]
        pos = hit_end
    parts.append(text[pos:stop])
    body = " ".join("".join(parts).split())
    return (ELLIPSIS + " " if cut_before else "") + body + (" " + ELLIPSIS if cut_after else "")
