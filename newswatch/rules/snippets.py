"""Snippets: about 30 words of the original text where the deciding hits are densest, hits marked «…».

The evidence for a match is the window that shows the most distinct deciding
terms (then the most hits, then the earliest), with a second window when one
cannot hold them all (an AND of two terms paragraphs apart).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from itertools import chain

from .document import FieldText
from .folding import WORD

__all__ = ["snippet", "evidence", "mark_hits", "SNIPPET_WORDS", "OPEN", "CLOSE", "ELLIPSIS"]

SNIPPET_WORDS = 30
_BEFORE = 10  # words shown before the first hit; the rest of the window follows it
#: The deciding hits one window holds lie within this many words of each other, so that
#: a window keeps some context around them.
SPAN_WORDS = SNIPPET_WORDS - 6
OPEN, CLOSE, ELLIPSIS = "«", "»", "..."
Hit = tuple[int, int, int]  # (start, end) in a field's word text, and which deciding term


# A word text holds only word characters and spaces: a word is a run of non-spaces, and the
# possessive quantifiers never look back (the same matches as (?:\W*\w+\b), several times faster).
@lru_cache(maxsize=64)
def _words_back(count: int) -> re.Pattern[str]:
    return re.compile(rf"(?: *+[^ ]++){{1,{count}}}")


@lru_cache(maxsize=64)
def _words_ahead(count: int) -> re.Pattern[str]:
    return re.compile(rf"(?: *+[^ ]++){{{count}}}")
#: At most this many characters are shown before the first hit, of the first hit, and
#: after it: a "word" is a run of letters, and a hostile one can be megabytes long (as can
#: the punctuation glued to it). A snippet is at most about 1,200 characters.
MAX_BEFORE_CHARS, MAX_HIT_CHARS, MAX_AFTER_CHARS = 300, 300, 600
_MARKED = re.compile(f"{OPEN}(.*?){CLOSE}", re.S)


def _glued(ch: str) -> bool:
    return not (ch.isspace() or ch.isalnum() or ch == "_")


def _shifted(start: int, end: int) -> tuple[int, int]:
    return start - 1, (end - 1 if end > start else start - 1)


def _back(words: str, offset: int, count: int) -> int:
    """The start of the word up to ``count`` words before ``offset`` (walking backwards over reversed text)."""
    if count <= 0:
        return offset
    reach, pattern = 12 * count, _words_back(count)
    while True:
        begin = max(0, offset - reach)
        reverse = words[offset - 1:begin - 1 if begin else None:-1]
        m = pattern.match(reverse)
        if m is None:
            return offset
        if m.end() < len(reverse) or begin == 0:  # else the last word may be cut: look further
            return offset - m.end()
        reach *= 4


def snippet(field: FieldText, hits: Iterable[tuple[int, int]], focus: tuple[int, int] | None = None) -> str:
    """The text of ``field`` around ``focus`` (its first hit by default), each hit in the window marked «…».

    ``hits`` are (start, end) spans in ``field.words``, as is ``focus``. The
    window starts up to ten words before the focus and holds about thirty
    words (more if the focus is longer); ``...`` shows where the text was cut.
    Whitespace runs, newlines included, become single spaces.
    """
    ranges = sorted(set(hits))
    words = field.words
    if not ranges:
        return " ".join(field.text.split())[:300]
    first_start, first_end = focus or ranges[0]
    room = max(6, SNIPPET_WORDS - words.count(" ", first_start, first_end) - 1)  # some context, always
    before = min(_BEFORE, room // 2)
    start = _back(words, first_start, before)
    cut_before = WORD.search(words, 0, start) is not None
    ahead = _words_ahead(room - before).match(words, first_end) if room > before else None
    if ahead is None and room > before:
        end = max(len(words.rstrip(" ")), first_end)
    else:
        end = first_end if ahead is None else ahead.end()
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


def _densest(words: str, hits: Sequence[Hit], wanted: frozenset[int] | None = None) -> tuple[int, int, int, int]:
    """The window of ``hits`` (sorted) within SPAN_WORDS words that holds the most distinct terms, then
    the most hits, then comes first: (distinct, hits, first index, index after the last).

    Only the terms in ``wanted`` count, when given. Word counts are read as spaces in ``words``:
    where punctuation doubles them, a window only holds a little less.
    """
    n = len(hits)
    if words.count(" ", hits[0][0], hits[-1][1]) <= SPAN_WORDS:  # usually: they all fit
        counted = [t for _, _, t in hits if wanted is None or t in wanted]
        return len(set(counted)), len(counted), 0, n
    counts: dict[int, int] = {}
    total, j = 0, 0
    best = (-1, -1, 0, 1)
    for i in range(n):
        first = hits[i][0]
        while j < n and (j == i or words.count(" ", first, hits[j][1]) <= SPAN_WORDS):
            term = hits[j][2]
            if wanted is None or term in wanted:
                counts[term] = counts.get(term, 0) + 1
                total += 1
            j += 1
        if len(counts) > best[0] or (len(counts) == best[0] and total > best[1]):
            best = (len(counts), total, i, j)
        term = hits[i][2]
        if wanted is None or term in wanted:
            total -= 1
            if counts[term] == 1:
                del counts[term]
            else:
                counts[term] -= 1
    return best


def _outer(hits: list[Hit]) -> list[Hit]:
    """``hits`` in text order, without those inside another: "Morales" in "Jimmy Morales" is one hit."""
    hits.sort(key=lambda h: (h[0], -h[1]))
    out: list[Hit] = []
    reach = -1
    for hit in hits:
        if hit[1] > reach:
            out.append(hit)
            reach = hit[1]
    return out


def _focus(names: Sequence[str], name: str, hits: list[Hit], window: tuple[int, int, int, int]
           ) -> tuple[int, int, int, str]:
    """A window of ``hits`` as (field's rank, start, end, field)."""
    inside = hits[window[2]:window[3]]
    return names.index(name), inside[0][0], max(h[1] for h in inside), name


def evidence(fields: Mapping[str, FieldText], hits_of: Callable[[str], list[Hit]], names: Sequence[str],
             terms: int) -> str:
    """The snippet that shows why an item matched: the densest window of its deciding hits.

    ``names``: the fields to look in, by preference (ties go to the first);
    ``hits_of(name)``: the deciding hits in that field, each (start, end, term);
    ``terms``: how many distinct terms decided. A field is only searched while no
    earlier one showed all of them. When the best window misses some, a second
    window (not from the title, shown next to the snippet anyway) shows what it
    can of the rest; the two are joined with `` ... ``.
    """
    found: dict[str, list[Hit]] = {}
    best: tuple[int, int, int, int] | None = None
    where = ""
    for name in names:
        if name not in fields:
            continue
        hits = found[name] = _outer(hits_of(name))
        if not hits:
            continue
        window = _densest(fields[name].words, hits)
        if best is None or window[:2] > best[:2]:
            best, where = window, name
            if window[0] >= terms:
                break
    if best is None:
        return ""
    windows = [_focus(names, where, found[where], best)]
    shown = {t for _, _, t in found[where][best[2]:best[3]]}
    missing = frozenset(t for _, _, t in chain.from_iterable(found.values())) - shown
    if missing:
        second: tuple[int, int, int, int] | None = None
        other = ""
        for name, hits in found.items():
            if name != "title" and hits:
                window = _densest(fields[name].words, hits, missing)
                if window[0] > 0 and (second is None or window[:2] > second[:2]):
                    second, other = window, name
        if second is not None:
            windows.append(_focus(names, other, found[other], second))
    windows.sort()
    (_, start, end, name), *rest = windows
    if rest and rest[0][3] == name and fields[name].words.count(" ", end, rest[0][1]) <= SNIPPET_WORDS:
        windows = [(0, start, max(end, rest[0][2]), name)]  # near enough to read as one
    texts = [snippet(fields[name], [(a, b) for a, b, _ in found[name]], (start, end))
             for _, start, end, name in windows]
    if len(texts) == 1:
        return texts[0]
    head, tail = texts[0].removesuffix(" " + ELLIPSIS), texts[1].removeprefix(ELLIPSIS + " ")
    return f"{head} {ELLIPSIS} {tail}"


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
