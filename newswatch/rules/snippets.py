"""Snippets: about 30 words of the original text around the first hit, hits marked «…»."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from .document import FieldText
from .folding import WORD

__all__ = ["snippet", "mark_hits", "SNIPPET_WORDS", "OPEN", "CLOSE", "ELLIPSIS"]

SNIPPET_WORDS = 30
_BEFORE = 10  # words shown before the first hit; the rest of the window follows it
OPEN, CLOSE, ELLIPSIS = "«", "»", "..."
# A word text holds only word characters and spaces: a word is a run of non-spaces, and the
# possessive quantifiers never look back (the same matches as (?:\W*\w+\b), several times faster).
_WORDS_BACK = re.compile(rf"(?: *+[^ ]++){{1,{_BEFORE}}}")
_WORDS_AHEAD = re.compile(rf"(?: *+[^ ]++){{{SNIPPET_WORDS - _BEFORE}}}")
#: At most this many characters are shown before the first hit, of the first hit, and
#: after it: a "word" is a run of letters, and a hostile one can be megabytes long (as can
#: the punctuation glued to it). A snippet is at most about 1,200 characters.
MAX_BEFORE_CHARS, MAX_HIT_CHARS, MAX_AFTER_CHARS = 300, 300, 600
_MARKED = re.compile(f"{OPEN}(.*?){CLOSE}", re.S)


def _glued(ch: str) -> bool:
    return not (ch.isspace() or ch.isalnum() or ch == "_")


def _shifted(start: int, end: int) -> tuple[int, int]:
    return start - 1, (end - 1 if end > start else start - 1)


def _back(words: str, offset: int) -> int:
    """The start of the word up to ten words before ``offset`` (walking backwards over reversed text)."""
    reach = 12 * _BEFORE
    while True:
        begin = max(0, offset - reach)
        reverse = words[offset - 1:begin - 1 if begin else None:-1]
        m = _WORDS_BACK.match(reverse)
        if m is None:
            return offset
        if m.end() < len(reverse) or begin == 0:  # else the last word may be cut: look further
            return offset - m.end()
        reach *= 4


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
        return " ".join(field.text.split())[:300]
    first_start, first_end = ranges[0]
    start = _back(words, first_start)
    cut_before = WORD.search(words, 0, start) is not None
    ahead = _WORDS_AHEAD.match(words, first_start)
    end = max(len(words.rstrip(" ")) if ahead is None else ahead.end(), first_end)
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
    # where every character folds to one, a word-text span is the original one shifted by one
    original = _shifted if field.one_to_one() else field.original
    pos, stop = edges = original(start, end)
    if pos > 0 and _glued(text[pos - 1]):
        while pos > 0 and _glued(text[pos - 1]) and edges[0] - pos < MAX_BEFORE_CHARS:
            pos -= 1  # keep punctuation glued to the edges: ¿Qué ... dijo.
    if stop < len(text) and _glued(text[stop]):
        while stop < len(text) and _glued(text[stop]) and stop - edges[1] < MAX_AFTER_CHARS:
            stop += 1
    if merged:  # bounded in characters, however long the words
        first_at, first_end = original(*merged[0])
        if first_at - pos > MAX_BEFORE_CHARS:
            pos, cut_before = first_at - MAX_BEFORE_CHARS, True
        limit = min(first_end, first_at + MAX_HIT_CHARS) + MAX_AFTER_CHARS
        if stop > limit:
            stop, cut_after = limit, True
    parts: list[str] = []
    for a, b in merged:
        hit_start, hit_end = original(a, b)
        if hit_start >= stop:
            break
        hit_end = min(hit_end, stop)
        parts += [text[pos:hit_start], OPEN, text[hit_start:hit_end], CLOSE]
        pos = hit_end
    parts.append(text[pos:stop])
    body = " ".join("".join(parts).split())
    return (ELLIPSIS + " " if cut_before else "") + body + (" " + ELLIPSIS if cut_after else "")


def mark_hits(snippet: object, hit: Callable[[str], str], text: Callable[[str], str] = str) -> str:
    """A snippet shown another way: each «hit» through ``hit``, the text between through ``text``.

    ``text`` is where escaping goes (HTML, Markdown, terminal markup), so feed
    text never reads as markup while the hits do. A ``None`` snippet gives "".
    A mark without its pair is left as text.
    """
    if snippet is None:
        return ""
    parts = _MARKED.split(str(snippet))  # alternates: outside, hit, outside, hit ...
    return "".join(hit(part) if i % 2 else text(part) for i, part in enumerate(parts))
