"""Snippets: about 30 words of the original text where the deciding hits are densest, hits marked «…».

The evidence for a match is the window of the terms that satisfied the rule
that shows the most parts of its top AND (then the most hits, then the
earliest), with a second window when one cannot show every part (an AND of
two terms paragraphs apart).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from itertools import chain
from operator import itemgetter
from types import ModuleType

from . import native
from .document import FieldText

# evidence() in C, where the install could build it; without a C compiler, the same results in Python
_native: ModuleType | None = native.windows

__all__ = ["evidence", "mark_hits", "SNIPPET_WORDS", "OPEN", "CLOSE", "ELLIPSIS"]

SNIPPET_WORDS = 30
_BEFORE = 10  # words shown before the first hit; the rest of the window follows it
#: The deciding hits one window holds lie within this many words of each other, so that
#: a window keeps some context around them.
SPAN_WORDS = SNIPPET_WORDS - 6
OPEN, CLOSE, ELLIPSIS = "«", "»", "..."
Hit = tuple[int, int, int, int]  # (start, end) in a field's word text, which term, which conjunct
_END = itemgetter(1)


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
if _native is not None:
    _native.configure(SPAN_WORDS, SNIPPET_WORDS, _BEFORE, MAX_BEFORE_CHARS, MAX_HIT_CHARS, MAX_AFTER_CHARS,
                      OPEN, CLOSE, ELLIPSIS)


@lru_cache(maxsize=4096)
def _glued(ch: str) -> bool:
    return not (ch.isspace() or ch.isalnum() or ch == "_")


def _back(reverse: str, offset: int, count: int) -> int:
    """The start of the word up to ``count`` words before ``offset``, read from the reversed word
    text ``reverse`` (the field's, built once). Only a stretch of it is read: until the match
    ends on a word that lies wholly inside the stretch, the stretch grows (a match that reaches
    its edge, or stops on the spaces just inside it, may have been cut short there)."""
    if count <= 0:
        return offset
    size, reach, pattern = len(reverse), 12 * count, _words_back(count)
    at = size - offset  # where words[offset - 1] is in the reversed text
    while True:
        stop = size - max(0, offset - reach)
        m = pattern.match(reverse, at, stop)
        if stop == size:
            return offset if m is None else offset - (m.end() - at)
        if m is not None and m.end() < stop and reverse[m.end():stop].strip(" "):
            return offset - (m.end() - at)
        reach *= 4


def _window(field: FieldText, ranges: Sequence[tuple[int, ...]], first_start: int, first_end: int) -> str:
    """The text of ``field`` around the focus (``first_start``-``first_end``), each of ``ranges``
    (sorted by start: (start, end, ...) tuples in ``field.words``) in the window marked «…».

    The window starts up to ten words before the focus and holds about thirty words (more if
    the focus is longer); ``...`` shows where the text was cut. Whitespace runs, newlines
    included, become single spaces.
    """
    words = field.words
    # where every character folds to one, a word-text span is the original one shifted by one
    reverse, lead, trail, shift = field.layout()
    room = max(6, SNIPPET_WORDS - words.count(" ", first_start, first_end) - 1)  # some context, always
    before = min(_BEFORE, room // 2)
    start = _back(reverse, first_start, before)
    cut_before = lead < start  # a word before the window (a word text holds words and spaces only)
    ahead = _words_ahead(room - before).match(words, first_end)
    end = ahead.end() if ahead else max(trail, first_end)
    cut_after = trail > end

    text = field.text
    # the hits inside, in the original text, overlapping ones merged so markers never nest
    merged: list[tuple[int, int]] = []
    i = bisect_left(ranges, (start,))
    i, n, last = (i - 1 if i else 0), len(ranges), -1
    while i < n:
        a, b = ranges[i][:2]
        i += 1
        if a >= end:
            break
        if b <= start:
            continue
        if a < start:
            a = start
        if b > end:
            b = end
        if a < last:
            merged[-1] = (merged[-1][0], max(last, b))
        else:
            merged.append((a, b))
        if b > last:
            last = b
    if shift:
        spans = [(a - 1, b - 1) for a, b in merged]
        pos, stop = edges = (start - 1, (end - 1 if end > start else start - 1))
    else:
        original = field.original
        spans = [original(a, b) for a, b in merged]
        pos, stop = edges = original(start, end)
    size = len(text)
    if pos > 0 and _glued(text[pos - 1]):
        while pos > 0 and _glued(text[pos - 1]) and edges[0] - pos < MAX_BEFORE_CHARS:
            pos -= 1  # keep punctuation glued to the edges: ¿Qué ... dijo.
    if stop < size and _glued(text[stop]):
        while stop < size and _glued(text[stop]) and stop - edges[1] < MAX_AFTER_CHARS:
            stop += 1
    if spans:  # bounded in characters, however long the words
        first_at, first_to = spans[0]
        if first_at - pos > MAX_BEFORE_CHARS:
            pos, cut_before = first_at - MAX_BEFORE_CHARS, True
        limit = min(first_to, first_at + MAX_HIT_CHARS) + MAX_AFTER_CHARS
        if stop > limit:
            stop, cut_after = limit, True
    parts: list[str] = []
    for hit_start, hit_end in spans:
        if hit_start >= stop:
            break
        hit_end = min(hit_end, stop)
        parts += [text[pos:hit_start], OPEN, text[hit_start:hit_end], CLOSE]
        pos = hit_end
    parts.append(text[pos:stop])
    body = "".join(parts)
    if not body.isprintable() or "  " in body or body[:1] == " " or body[-1:] == " ":  # odd spaces
        body = " ".join(body.split())
    return (ELLIPSIS + " " if cut_before else "") + body + (" " + ELLIPSIS if cut_after else "")


Window = tuple[int, int, int, int]  # conjuncts shown, hits, first index, index after the last


def _densest(words: str, hits: Sequence[Hit], wanted: frozenset[int] | None = None) -> Window:
    """The window of ``hits`` (sorted) within SPAN_WORDS words that shows the most conjuncts of the
    rule, then the most hits, then comes first.

    Only the hits of the conjuncts in ``wanted`` count, when given. Word counts are read as spaces
    in ``words``: where punctuation doubles them, a window only holds a little less.
    """
    n = len(hits)
    if words.count(" ", hits[0][0], hits[-1][1]) <= SPAN_WORDS:  # usually: they all fit
        counted = hits if wanted is None else [h for h in hits if h[3] in wanted]
        return len({h[3] for h in counted}), len(counted), 0, n
    groups: dict[int, int] = {}
    total, j = 0, 0
    best: Window = (-1, -1, 0, 1)
    count = words.count
    for i in range(n):
        first = hits[i][0]
        while j < n and (j == i or count(" ", first, hits[j][1]) <= SPAN_WORDS):
            group = hits[j][3]
            if wanted is None or group in wanted:
                groups[group] = groups.get(group, 0) + 1
                total += 1
            j += 1
        if len(groups) > best[0] or (len(groups) == best[0] and total > best[1]):
            best = (len(groups), total, i, j)
        group = hits[i][3]
        if wanted is None or group in wanted:
            total -= 1
            if groups[group] == 1:
                del groups[group]
            else:
                groups[group] -= 1
    return best


def _outer(hits: list[Hit]) -> list[Hit]:
    """``hits`` in text order, without those inside another: "Morales" in "Jimmy Morales" is one hit."""
    hits.sort()
    out = [hits[0]]
    reach = hits[0][1]
    for hit in hits:
        if hit[1] > reach:
            if hit[0] == out[-1][0]:
                out[-1] = hit  # the longer of two that start together
            else:
                out.append(hit)
            reach = hit[1]
    return out


def evidence(fields: Mapping[str, FieldText], hits_of: Callable[[str], list[Hit]], names: Sequence[str],
             groups: int) -> str:
    """The snippet that shows why an item matched: the densest window of its deciding hits.

    ``names``: the fields to look in, by preference (ties go to the first);
    ``hits_of(name)``: the deciding hits in that field, each (start, end,
    term, conjunct: which part of the rule's top AND the term satisfies);
    ``groups``: how many conjuncts there are. A field is only searched while
    no earlier one showed all of them. When the best window misses some, a
    second window (not from the title, shown next to the snippet anyway)
    shows what it can of the rest; the two are joined with `` ... ``.
    """
    if _native is not None:
        return _native.evidence(fields, hits_of, tuple(names), groups, _window)
    return _python_evidence(fields, hits_of, names, groups)


def _python_evidence(fields: Mapping[str, FieldText], hits_of: Callable[[str], list[Hit]], names: Sequence[str],
                     groups: int) -> str:
    found: dict[str, list[Hit]] = {}
    best: Window | None = None
    where = ""
    for name in names:
        if name == "title" and best is not None:
            break  # the title is shown next to the snippet anyway: it is the evidence of last resort
        hits = hits_of(name)
        if not hits:
            continue
        hits = found[name] = _outer(hits)
        window = _densest(fields[name].words, hits)
        if best is None or window[:2] > best[:2]:
            best, where = window, name
            if window[0] >= groups:
                break
    if best is None:
        return ""
    hits = found[where]
    windows = [_focus(names, where, hits, best)]
    if best[0] < groups:
        shown = {h[3] for h in hits[best[2]:best[3]]}
        missing = frozenset(h[3] for h in chain.from_iterable(found.values()) if h[3] not in shown)
        second: Window | None = None
        other = ""
        for name, hits in found.items():
            if name != "title" and missing:
                window = _densest(fields[name].words, hits, missing)
                if window[0] > 0 and (second is None or window[:2] > second[:2]):
                    second, other = window, name
        if second is not None:
            windows.append(_focus(names, other, found[other], second))
            windows.sort()
    (_, start, end, name), *rest = windows
    if not rest:
        return _window(fields[name], found[name], start, end)
    _, start2, end2, name2 = rest[0]
    if name2 == name and fields[name].words.count(" ", end, start2) <= SNIPPET_WORDS:
        return _window(fields[name], found[name], start, max(end, end2))  # near enough to read as one
    head = _window(fields[name], found[name], start, end).removesuffix(" " + ELLIPSIS)
    tail = _window(fields[name2], found[name2], start2, end2).removeprefix(ELLIPSIS + " ")
    return f"{head} {ELLIPSIS} {tail}"


def _focus(names: Sequence[str], name: str, hits: list[Hit], window: Window) -> tuple[int, int, int, str]:
    """A window of ``hits`` as (field's rank, start, end, field)."""
    inside = hits[window[2]:window[3]]
    return names.index(name), inside[0][0], max(map(_END, inside)), name


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
