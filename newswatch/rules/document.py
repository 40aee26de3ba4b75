"""One item as the matcher sees it: each field's word text, term hits, positions on demand.

A field's *word text* is its folded text with every non-word character
turned into a space, plus a space at each end: ``" ee uu  said "``. Word
boundaries are spaces, offsets are those of the folded text plus one, and it
costs one ``str.translate`` (no collapsing of space runs, which would cost
more than the rest of the folding). Only the cheap parts run for every item;
positions, phrases, exact-case checks and the mapping back to the original
text are computed lazily, for the few rules that need them.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from operator import itemgetter
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from . import native
from .folding import WORD, fold, fold_char, fold_known, fold_starts
from .parser import Near, Node, Or, Term
from .scopes import (
    CONTEXT,
    clause_break_within,
    paragraph_break_within,
    paragraph_end_in,
    scope_neutral,
    sentence_break_within,
    sentence_end_in,
)

_hits: ModuleType | None = native.hits  # spans and gap tests in C, where built (scopes configures it)

__all__ = ["FieldText", "Document", "Span", "word_text", "term_key", "skip_words"]

#: (start, end, the term hits that make it up as (term, start, end)), offsets in a word text
Span = tuple[int, int, tuple[tuple[Term, int, int], ...]]

_SECOND = itemgetter(1)
#: Characters seen to fold to one character that reads as it does (scopes.scope_neutral): a text
#: made of them and ASCII is read as it is by NEAR/s and NEAR/p.
_NEUTRAL: set[str] = set()
_NEUTRAL_MAX = 65536
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_NON_WORD = re.compile(r"\W")
_ASCII_WORDS = str.maketrans({chr(i): chr(i).lower() if chr(i).isalnum() or chr(i) == "_" else " "
                               for i in range(128)})


def word_text(text: str) -> str:
    """``text`` folded, each non-word character a space, framed by spaces.

    Equal to ``" " + re.sub(r"\\W", " ", fold(text)) + " "``, computed faster.
    """
    return _word_text(text)[0]


def _python_non_ascii(text: str) -> set[str]:
    return set(_NON_ASCII.findall(text))


#: The distinct characters of a text outside ASCII, in C where built.
_non_ascii: Callable[[str], set[str]] = _hits.non_ascii if _hits is not None else _python_non_ascii


def _word_text(text: str) -> tuple[str, set[str]]:
    """``word_text(text)`` and the distinct non-ASCII characters of ``text``."""
    chars: set[str] = set()
    if not text.isascii():
        # folding works character by character: each distinct character (á, ñ, “, —, ¿) is
        # replaced by its word text, when that is ASCII, instead of normalizing the whole text
        chars = _non_ascii(text)
        if not all(map(_ascii_word, chars)):  # Greek, Cyrillic, CJK...: the general path
            return " " + _NON_WORD.sub(" ", fold(text)) + " ", chars
        for ch in chars:
            text = text.replace(ch, _word_of(ch))
    return " " + text.translate(_ASCII_WORDS) + " ", chars


@lru_cache(maxsize=65536)
def _word_of(ch: str) -> str:
    """The word text of one character, without the framing spaces."""
    return _NON_WORD.sub(" ", fold_char(ch))


@lru_cache(maxsize=65536)
def _ascii_word(ch: str) -> bool:
    return _word_of(ch).isascii()


def term_key(term: Term) -> str:
    """The Aho-Corasick key that signals ``term`` may be present.

    A word or prefix is its own key (``" word "``, ``" pref"``); a phrase is
    keyed by its rarest-looking word and checked by a regular expression.
    """
    if len(term.tokens) == 1:
        return " " + term.tokens[0] + ("" if term.prefix else " ")
    last = len(term.tokens) - 1
    index = max(range(len(term.tokens)), key=lambda i: (len(term.tokens[i]) - 3 * (term.prefix and i == last), -i))
    return " " + term.tokens[index] + ("" if term.prefix and index == last else " ")


@lru_cache(maxsize=4096)
def _phrase(tokens: tuple[str, ...], prefix: bool) -> re.Pattern[str]:
    words = [re.escape(t) for t in tokens]
    if prefix:
        words[-1] += r"\w*"
    return re.compile(" (" + " +".join(words) + ")(?= )")


@lru_cache(maxsize=4096)
def _needles(tokens: tuple[str, ...], prefix: bool) -> tuple[str, ...]:
    """What a word text holds wherever the phrase occurs: each word framed by spaces, the last
    one's end left open for a prefix."""
    last = len(tokens) - 1
    return tuple(" " + t + ("" if prefix and i == last else " ") for i, t in enumerate(tokens))


_CHUNK = 128


@lru_cache(maxsize=_CHUNK + 1)
def _skipper(count: int) -> re.Pattern[str]:
    return re.compile(rf"(?:\W*\w+\b){{{count}}}")  # \b: a word is never split to count twice


def skip_words(text: str, count: int, start: int = 0, end: int | None = None) -> int | None:
    """The offset just after ``count`` more words from ``start``, or None if ``text[start:end]`` has fewer."""
    end = len(text) if end is None else end
    while count > 0:
        step = min(count, _CHUNK)
        m = _skipper(step).match(text, start, end)
        if m is None:
            return None
        start, count = m.end(), count - step
    return start


def _fewer_words(text: str, start: int, end: int, count: int) -> bool:
    return skip_words(text, count, start, end) is None


#: Whether ``text[start:end]`` holds fewer than ``count`` words (``skip_words(...) is None``), in C where built.
fewer_words: Callable[[str, int, int, int], bool] = _hits.fewer_words if _hits is not None else _fewer_words


class FieldText:
    """One text field of an item: the original text and its word text."""

    __slots__ = ("text", "words", "keys", "shapes", "_chars", "_ends", "_ids", "_by_key", "_starts", "_found",
                 "_folded", "_layout", "_scoped")

    def __init__(self, text: str) -> None:
        self.text = text
        self.words, self._chars = _word_text(text)  # the characters are kept for fold_starts
        #: (end, atom) for each Aho-Corasick key found in ``words`` (end: offset of its last character)
        self.keys: list[tuple[int, int]] | None = None
        #: for each key id, 2 * (len(key) - 2) + (1 for a prefix key): what turns a key's end into a span
        self.shapes: list[int] | None = None
        self._by_key: dict[int, list[tuple[int, int]]] | None = None  # every key's spans, when grouped in C
        self._ends: list[tuple[int, int]] | None = None  # ``keys`` sorted by key id
        self._ids: list[int] = []
        self._starts: Sequence[int] | None = None
        self._folded: str | None = None
        self._layout: tuple[str, int, int, bool] | None = None
        self._scoped: bool | None = None
        # occurrences by term: a word's by its key id, others by (tokens, prefix, exact)
        self._found: dict[int | tuple[tuple[str, ...], bool, tuple[str, ...]], list[tuple[int, int]]] = {}

    def occurrences(self, term: Term, atom: int | None = None) -> list[tuple[int, int]]:
        """(start, end) offsets in ``words`` of each occurrence of ``term``, exact case checked for ``=``.

        ``atom``: the id of the term's key in ``keys``, when the automaton's hits are known: a
        word's occurrences are then read from them instead of searched for.
        """
        if atom is not None and not term.exact and len(term.tokens) == 1 and self.keys is not None:
            # a word's key says it all: cached by the key's id, read from the automaton's hits
            if self._by_key is not None:  # every key's spans, grouped in C
                return self._by_key.get(atom) or []
            found = self._found.get(atom)
            if found is None:
                found = self._found[atom] = self._word(atom, len(term.tokens[0]), term.prefix)
            return found
        key = (term.tokens, term.prefix, term.exact)  # many rules share a term
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = self._occurrences(term, atom)
        return found

    def _word(self, atom: int, length: int, prefix: bool) -> list[tuple[int, int]]:
        """The occurrences of the word or prefix of ``length`` characters whose key is ``atom``.

        The automaton's hits are sorted by key once (in C), then bisected; where the C part is
        built, every key's spans are grouped at once instead (``_hits.by_key``). The key " word "
        (" pref") ends at ``end``: the word starts len(key) - 2 before it.
        """
        if _hits is not None and self.shapes is not None:  # every key's spans at once, in C
            if self._by_key is None:
                self._by_key = _hits.by_key(self.keys or [], self.words, self.shapes)
            return self._by_key.get(atom, [])
        if self._ends is None:
            self._ends = sorted(self.keys or (), key=_SECOND)  # stable: each key's ends stay in order
            self._ids = list(map(_SECOND, self._ends))
        ids = self._ids
        lo = bisect_left(ids, atom)
        ends = self._ends[lo:bisect_right(ids, atom, lo)]
        if prefix:
            words, back = self.words, length - 1
            return [(end - back, words.find(" ", end)) for end, _ in ends]
        back = length
        return [(end - back, end) for end, _ in ends]

    def _occurrences(self, term: Term, atom: int | None) -> list[tuple[int, int]]:
        words = self.words
        if len(term.tokens) == 1 and atom is not None and self.keys is not None:  # an exact-case word
            found = self._word(atom, len(term.tokens[0]), term.prefix)
        elif len(term.tokens) > 1:
            found = []
            # each word of the phrase must be in the field: a test in C that settles most phrases
            # (their rarest word is what signalled them) before any regular expression runs
            if all(map(words.__contains__, _needles(term.tokens, term.prefix))):
                pattern = _phrase(term.tokens, term.prefix)
                m = pattern.search(words)
                while m:
                    found.append(m.span(1))
                    m = pattern.search(words, m.start() + 1)  # occurrences may overlap: "a a" in "a a a"
            if found:  # a phrase never spans clause punctuation: "America, Central" is no "central america"
                found = [(a, b) for a, b in found if not self._crosses_clause(a, b)]
        else:
            key = " " + term.tokens[0] + ("" if term.prefix else " ")
            found = []
            at = words.find(key)
            while at >= 0:
                stop = words.find(" ", at + len(key) - 1) if term.prefix else at + len(key) - 1
                found.append((at + 1, stop))
                at = words.find(key, at + 1)
        if term.exact and found:
            found = [span for span in found if self._exact(term, *span)]
        return found

    def _crosses_clause(self, start: int, end: int) -> bool:
        """Whether the word-text span ``start:end`` holds a clause break.

        Folds only the span and the few characters before it that an abbreviation check looks
        at, not the whole field, so a phrase hit in a long body stays cheap.
        """
        begin, stop = self.original(start, end)
        if self._folded is not None or not isinstance(self._starts, range):
            # already folded, or characters that fold to more or fewer than one shift offsets
            return clause_break_within(self.folded, start - 1, end - 1)
        first = max(0, begin - CONTEXT)
        return clause_break_within(fold(self.text[first:stop]), begin - first, stop - first)

    def paragraph_between(self, start: int, end: int) -> bool:
        """Whether a paragraph ends between the word-text offsets ``start`` and ``end``.

        Folds that stretch of text only, unless the whole field is folded already.
        """
        if self.scoped_as_is():  # the original text shows the folded text's paragraphs
            return paragraph_end_in(self.text, start - 1, end - 1)
        if self._folded is None:
            if self._starts is None:
                self._starts = fold_starts(self.text, self._chars)
            if isinstance(self._starts, range):  # the text's offsets are the folded text's
                gap = fold(self.text[start - 1:end - 1])  # folded: "\n´\n" is a blank line
                return paragraph_break_within(gap, 0, len(gap))
        # a run of line breaks lies between two words, so the stretch holds it whole
        return paragraph_break_within(self.folded, start - 1, end - 1)

    def break_between(self, start: int, end: int, unit: str) -> bool:
        """Whether a sentence (``unit`` "sentence") or paragraph ends between two word-text offsets.

        Reads the original text where folding changes no boundary (:meth:`scoped_as_is`), else
        folds the whole field once (a NEAR/s or NEAR/p tests several stretches of it).
        """
        if self.scoped_as_is():
            if unit == "sentence":
                return sentence_end_in(self.text, start - 1, end - 1)
            return paragraph_end_in(self.text, start - 1, end - 1)
        if unit == "sentence":
            return sentence_break_within(self.folded, start - 1, end - 1)
        return paragraph_break_within(self.folded, start - 1, end - 1)

    def scoped_as_is(self) -> bool:
        """Whether sentence and paragraph ends can be read from the original text (its offsets are
        the folded text's, and folding changes none of its marks, spaces, letters or word characters):
        then no NEAR/s or NEAR/p folds the whole field (11 µs for 3 KB, far more for a long body)."""
        if self._scoped is None:
            chars = self._chars
            if chars <= _NEUTRAL:  # one set test instead of a look at each character
                self._scoped = True
                if self._starts is None:
                    self._starts = range(len(self.text) + 1)
            else:
                self._scoped = self.one_to_one() and all(map(scope_neutral, chars))
                if self._scoped and len(_NEUTRAL) < _NEUTRAL_MAX:
                    _NEUTRAL.update(chars)
        return self._scoped

    def _exact(self, term: Term, start: int, end: int) -> bool:
        spans = [self.original(m.start(), m.end()) for m in WORD.finditer(self.words, start, end)]
        last = len(term.exact) - 1
        for i, ((a, b), want) in enumerate(zip(spans, term.exact, strict=True)):
            got = unicodedata.normalize("NFC", self.text[a:b])
            if not (got.startswith(want) if term.prefix and i == last else got == want):
                return False
        return True

    @property
    def folded(self) -> str:
        """The folded text (its offsets are one less than those of ``words``), built on first use."""
        if self._folded is None:
            self._folded = fold_known(self.text, self._chars)
        return self._folded

    def layout(self) -> tuple[str, int, int, bool]:
        """What every snippet window of this field reads: ``words`` reversed, the offsets of its
        first word and just after its last (``len(words)`` and ``0`` when it has none), and
        :meth:`one_to_one`. Built on first use and kept: one field gives many windows."""
        if self._layout is None:
            words = self.words
            self._layout = (words[::-1], len(words) - len(words.lstrip(" ")), len(words.rstrip(" ")),
                            self.one_to_one())
        return self._layout

    def one_to_one(self) -> bool:
        """Whether each character of the text folds to exactly one (then ``original`` is a shift by one)."""
        if self._starts is None:
            self._starts = fold_starts(self.text, self._chars)
        return isinstance(self._starts, range)

    def original(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that the word-text span ``start:end`` came from."""
        if self._starts is None:
            self._starts = fold_starts(self.text, self._chars)
        text, starts = self.text, self._starts
        begin = starts[start - 1]
        stop = starts[end - 2] + 1 if end > start else begin
        while stop < len(text) and not fold_char(text[stop]):
            stop += 1  # combining marks that follow belong to the word
        return begin, stop


def gap_within(words: str, left: tuple[int, int], right: tuple[int, int], distance: int) -> bool:
    """Whether at most ``distance`` words lie between two spans (overlapping spans: none)."""
    (a, b), (c, d) = left, right
    if c >= b:
        return fewer_words(words, b, c, distance + 1)
    if a >= d:
        return fewer_words(words, d, a, distance + 1)
    return True


def _one_scope(between: Callable[[int, int, str], bool], left: list[tuple[int, int]],
               right: list[tuple[int, int]], unit: str) -> bool:
    """Whether a hit of ``left`` and one of ``right`` lie in one sentence (``unit`` "sentence") or
    paragraph; ``between(start, end, unit)`` tells whether one ends between two offsets."""
    # A term never spans a boundary, so some left and right hit share a sentence (paragraph)
    # exactly when two neighbours in position order, one from each side, overlap or have none
    # between them: only those stretches are looked at.
    if len(left) == 1 and len(right) == 1:  # the common case: one pair
        (a, b), (c, d) = left[0], right[0]
        if c >= b:
            return not between(b, c, unit)
        return a < d or not between(d, a, unit)
    hits = sorted([(a, b, False) for a, b in left] + [(c, d, True) for c, d in right])
    for (_, b, side), (c, _, other) in zip(hits, hits[1:]):
        if side is not other and (c < b or not between(b, c, unit)):
            return True
    return False


#: ``_one_scope`` for a field read as it is (:meth:`FieldText.scoped_as_is`), in C where built:
#: one_scope(text, left, right, sentence).
one_scope: Callable[[str, list[tuple[int, int]], list[tuple[int, int]], bool], bool] | None = \
    _hits.one_scope if _hits is not None else None


def _near(node: Near, field: FieldText, left: list[Span], right: list[Span]) -> list[Span]:
    """The spans of ``node`` in one field, from the spans of its sides there."""
    if node.unit == "word":
        words = field.words
        out = []
        for a, b, la in left:
            for c, d, ra in right:
                # never across a paragraph: each side lies in one, so only the gap can hold a break
                if gap_within(words, (a, b), (c, d), node.distance) and not (
                        c >= b and field.paragraph_between(b, c) or a >= d and field.paragraph_between(d, a)):
                    out.append((min(a, c), max(b, d), la + ra))
        return out
    # Every left hit pairs with every right hit of the same sentence (paragraph), so one span
    # per sentence, the hull of its hits, stands for all those pairs: a NEAR around it finds the
    # same matches, and the explanation marks the same hits, without a quadratic list.
    group = _scope_groups(field, node.unit, left + right)
    lefts: dict[int, list[Span]] = {}
    rights: dict[int, list[Span]] = {}
    for side, grouped in ((left, lefts), (right, rights)):
        for span in side:
            k = group.get(span[:2])
            if k is not None:
                grouped.setdefault(k, []).append(span)
    return [_hull(lefts[k] + rights[k]) for k in lefts if k in rights]


def _scope_groups(field: FieldText, unit: str, spans: list[Span]) -> dict[tuple[int, int], int]:
    """For each span (start, end) that lies in one sentence (paragraph), a number for that one.

    Numbers grow with position; spans across a boundary get none. Only the stretches between
    neighbouring spans (and the inside of spans with a gap) are looked at, never the whole field.
    """
    words = field.words
    out: dict[tuple[int, int], int] = {}
    k, reach = -1, -1  # the current group and the furthest end of its spans
    for a, b in sorted({s[:2] for s in spans}):
        if " " in words[a:b] and field.break_between(a, b, unit):
            continue  # a NEAR/n side that crosses one
        if reach < 0 or a >= reach and field.break_between(reach, a, unit):
            k += 1
        reach = max(reach, b)
        out[a, b] = k
    return out


def _hull(spans: list[Span]) -> Span:
    return (min(s[0] for s in spans), max(s[1] for s in spans), tuple(leaf for s in spans for leaf in s[2]))


class Document:
    """An item being matched: its fields, the term keys each field hit, its metadata."""

    __slots__ = ("fields", "hits", "item", "_spans", "_source", "_lang", "_host")

    def __init__(self, item: Mapping[str, Any], fields: dict[str, FieldText], hits: dict[str, set[int]]) -> None:
        self.item = item
        self.fields = fields
        self.hits = hits  # field name -> atom ids seen there
        self._spans: dict[tuple[int, str], list[Span]] = {}
        self._source: str | None = None
        self._lang: str | None = None
        self._host: str | None = None

    # -- text ---------------------------------------------------------------

    def spans(self, node: Node, field: str, atoms: Mapping[Term, int]) -> list[Span]:
        """Where ``node`` (a term, an OR of them, or a NEAR) occurs in ``field``."""
        key = (id(node), field)
        cached = self._spans.get(key)
        if cached is not None:
            return cached
        result: list[Span]
        if isinstance(node, Term):
            ftext = self.fields.get(field)
            if field not in node.fields or ftext is None or atoms[node] not in self.hits[field]:
                result = []
            else:
                result = [(a, b, ((node, a, b),)) for a, b in ftext.occurrences(node, atoms[node])]
        elif isinstance(node, Or):
            result = [s for child in node.children for s in self.spans(child, field, atoms)]
        elif isinstance(node, Near):
            left = self.spans(node.left, field, atoms)
            right = self.spans(node.right, field, atoms) if left else []
            result = _near(node, self.fields[field], left, right) if right else []
        else:
            raise TypeError(f"no spans for {type(node).__name__}")
        self._spans[key] = result
        return result

    def near(self, node: Near, field: str, atoms: Mapping[Term, int]) -> bool:
        """Whether ``node`` occurs in ``field``: ``bool(spans(node, field, atoms))``, found faster.

        Sides made of words and their ORs are read straight from the field's occurrences and
        the first pair that qualifies settles it, without building spans: most NEARs a
        document is tested for fail, and a rule that matches gets its spans when explained.
        """
        cached = self._spans.get((id(node), field))
        if cached is not None:
            return bool(cached)
        left, right = self._side(node.left, field, atoms), self._side(node.right, field, atoms)
        if left is None or right is None:  # a NEAR inside: spans are needed
            return bool(self.spans(node, field, atoms))
        if not left or not right:
            return False
        ftext = self.fields[field]
        if node.unit != "word":
            if one_scope is not None and ftext.scoped_as_is():
                return one_scope(ftext.text, left, right, node.unit == "sentence")
            return _one_scope(ftext.break_between, left, right, node.unit)
        words, count = ftext.words, node.distance + 1
        for a, b in left:
            for c, d in right:
                if c >= b:
                    if fewer_words(words, b, c, count) and not ftext.paragraph_between(b, c):
                        return True
                elif a >= d:
                    if fewer_words(words, d, a, count) and not ftext.paragraph_between(d, a):
                        return True
                else:
                    return True  # overlapping hits
        return False

    def _side(self, node: Node, field: str, atoms: Mapping[Term, int]) -> list[tuple[int, int]] | None:
        """A NEAR side's occurrences in ``field`` as (start, end) pairs, or None for a NEAR."""
        if type(node) is Term:
            ftext = self.fields.get(field)
            if ftext is None or field not in node.fields or atoms[node] not in self.hits[field]:  # type: ignore[index]
                return []
            return ftext.occurrences(node, atoms[node])  # type: ignore[arg-type,index]
        if type(node) is Or:
            out: list[tuple[int, int]] = []
            for child in node.children:  # type: ignore[attr-defined]
                found = self._side(child, field, atoms)
                if found is None:
                    return None
                out += found
            return out
        return None

    def found(self, node: Term | Near, atoms: Mapping[Term, int]) -> bool:
        """Whether a phrase, exact-case term or NEAR occurs in any of its fields."""
        return any(self.spans(node, f, atoms) for f in self.fields)

    # -- filters ------------------------------------------------------------

    def _meta(self, key: str) -> str:
        value = self.item.get(key)
        return fold(value.strip()) if isinstance(value, str) else ""

    @property
    def source(self) -> str:
        if self._source is None:
            self._source = self._meta("source")
        return self._source

    def lang_is(self, code: str) -> bool:
        """``lang:es`` accepts es, es-419, es_MX; not est. ``lang:es-419`` accepts an item
        stored as lang "es" with lang_region "419" (newswatch keeps the region apart)."""
        if self._lang is None:
            lang, region = self._meta("lang").replace("_", "-"), self._meta("lang_region")
            self._lang = f"{lang}-{region}" if lang and region and "-" not in lang else lang
        return self._lang == code or self._lang.startswith(code + "-")

    def site_is(self, domain: str) -> bool:
        """``site:wola.org`` accepts wola.org and www.wola.org, not notwola.org."""
        if self._host is None:
            url = self.item.get("url")
            host = ""
            if isinstance(url, str):
                try:
                    host = urlsplit(url.strip()).hostname or ""
                except ValueError:  # a malformed URL has no host to match
                    pass
            self._host = fold(host).rstrip(".")
        return self._host == domain or self._host.endswith("." + domain)
