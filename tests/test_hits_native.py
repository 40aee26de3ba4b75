"""The spans and NEAR gap tests built in C (newswatch/rules/_hits.c) give the Python answers.

scopes.py and document.py keep the pure-Python definitions, which run wherever the C part
could not be built; each generated text here is asked both ways.
"""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from native_helpers import match_both_ways, real_articles, require_built

from newswatch.rules import compile_rules, document, scopes
from newswatch.rules.document import FieldText, _one_scope, skip_words
from newswatch.rules.scopes import _sentence_end_in, paragraph_break_within

native = scopes._native
needs_native = pytest.mark.skipif(native is None, reason="the C part is not built here")

# Words a period's abbreviation check decides on: titles in any case, initials, doubled letters
# (EE. UU.), words that abbreviate before a number, dotted runs, long words, and letters outside
# ASCII and outside Latin-1 (texts of every width the C part reads).
WORDS = ["said", "year", "Honduras", "TPS", "Sr", "SR", "sR", "Gen", "gral", "Dra", "No", "NO", "Art", "p", "pp",
         "F", "x", "EE", "UU", "FF", "AA", "Ee", "U.S", "EE.UU", "a.b.c.d.e", "Ph.D", "u.s.a", "x.y1", "a1", "b_",
         "4.5", "5", "1,000", "Él", "Dña", "ÉE.ÚU", "Nº", "año", "Ñu", "Sra", "𝐀lto", "Δx", "ßr", "Aug", "sept",
         "Extraordinariamente", "mr", "Messrs", ""]
SEPARATORS = [" ", " ", " ", ". ", ". ", ". ", "! ", "? ", "; ", ".", ", ", ":", "\n", "\n\n", " \n \n", "\r\n",
              "\r\n\r\n", "\r\n \r\n", "\n\r\n", "\r\r", "\r", "\u2028", "\u2029", "\x85", "\x0b", "\x1c\x1c",
              '." ', ".” ", ".’ ", ".» ", ".)", "?»\n", ". \u00a0", "\u00a0", "\u3000", ".\t", ".  \t 5", ". (",
              " “", "” ", " — ", "...", "..", "." + "»" * 9, "-", "'", "_"]

texts = st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), min_size=1, max_size=30).map(
    lambda parts: "".join(w + s for w, s in parts))


def test_the_c_part_is_built_where_a_compiler_is():
    require_built(native, "newswatch/rules/_hits.c")


def _as_is(text: str) -> bool:
    """Whether NEAR/s and NEAR/p read ``text`` as it is, which is when the C part is asked."""
    return FieldText(text).scoped_as_is()


@needs_native
@settings(max_examples=1500, deadline=None)
@given(texts, st.data())
def test_a_sentence_end_is_found_where_python_finds_one(text, data):
    assume(_as_is(text))
    if data.draw(st.booleans()):
        scopes._DECIDED.clear()  # the words decided before are a cache, not part of the answer
    start = data.draw(st.integers(-2, len(text) + 2))
    end = data.draw(st.integers(start - 2, len(text) + 2))
    assert native.sentence_end(text, start, end) == _sentence_end_in(text, start, end)


@needs_native
@settings(max_examples=1500, deadline=None)
@given(texts, st.data())
def test_a_paragraph_end_is_found_where_python_finds_one(text, data):
    # any text: paragraphs are read the same way in folded and original text
    start = data.draw(st.integers(-2, len(text) + 2))
    end = data.draw(st.integers(start - 2, len(text) + 2))
    assert native.paragraph_end(text, start, end) == paragraph_break_within(text, start, end)


@needs_native
@settings(max_examples=1500, deadline=None)
@given(texts, st.data())
def test_words_are_counted_as_python_counts_them(text, data):
    for subject in (text, document.word_text(text)):
        start = data.draw(st.integers(-2, len(subject) + 2))
        end = data.draw(st.integers(start - 2, len(subject) + 2))
        count = data.draw(st.integers(0, 12))
        assert native.fewer_words(subject, start, end, count) == (skip_words(subject, count, start, end) is None)


@st.composite
def text_and_hits(draw):
    text = draw(texts)
    words = [m.span() for m in re.finditer(r"[^ ]+", document.word_text(text))]
    assume(words)

    def side():
        hits = []
        for _ in range(draw(st.integers(1, 5))):
            first = draw(st.integers(0, len(words) - 1))
            last = min(first + draw(st.integers(0, 2)), len(words) - 1)  # a word, or a phrase
            hits.append((words[first][0], words[last][1]))
        return hits

    return text, side(), side()


def _python_one_scope(text: str, left, right, unit: str) -> bool:
    def between(start: int, end: int, unit: str) -> bool:
        if unit == "sentence":
            return _sentence_end_in(text, start - 1, end - 1)
        return paragraph_break_within(text, start - 1, end - 1)

    return _one_scope(between, left, right, unit)


@needs_native
@settings(max_examples=1500, deadline=None)
@given(text_and_hits(), st.sampled_from(["sentence", "paragraph"]))
def test_a_near_scope_is_decided_as_python_decides_it(case, unit):
    text, left, right = case
    assume(_as_is(text))
    assert native.one_scope(text, left, right, unit == "sentence") == _python_one_scope(text, left, right, unit)


@needs_native
@pytest.mark.parametrize("text, ends", [
    ("Los EE. UU. dijeron. Luego", [19]), ("el Sr. Pérez habló. Y", [18]), ("John F. Kennedy said. Then", [20]),
    ("the U.S. said. The", [13]), ("see No. 5 now. And", [13]), ("the year. And then", [8]),
    ("la Dra. Ñu dijo. Y", [15]), ("pasó el Δx. Luego", [10]), ("en ÉE.ÚU. dijo. Y", [14]),
    ("see a.b.c.d.e. Then", [13]), ("u.s.a.b. Then now. Y", [17])])
def test_the_periods_of_abbreviations_end_no_sentence_in_c(text, ends):
    # each case, its true sentence ends, and every period that is not one
    assert [at for at in range(len(text)) if native.sentence_end(text, at, at + 1)] == ends


@needs_native
def test_wrong_arguments_get_a_clear_error():
    with pytest.raises(TypeError, match="takes a str and 2 integers"):
        native.sentence_end(b"bytes", 0, 1)
    with pytest.raises(TypeError, match="two lists"):
        native.one_scope("text", (1, 2), [], True)
    with pytest.raises(TypeError, match=r"\(start, end\)"):
        native.one_scope("text", [(1, 2, 3)], [(1, 2)], True)


@needs_native
def test_real_articles_get_the_same_near_answers_in_c_and_in_python():
    items = real_articles()
    rng = random.Random(16)
    asked = read_as_is = 0
    for item in items:
        text = item["body"]
        if not _as_is(text):
            continue
        read_as_is += 1
        starts = [m.start() for m in re.finditer(r"\w+", text)]
        for i in range(len(starts) - 1):  # every gap between neighbours, and stretches of ten words
            for j in (i + 1, min(i + 10, len(starts) - 1)):
                a, b = starts[i], starts[j]
                assert native.sentence_end(text, a, b) == _sentence_end_in(text, a, b), (text[a:b], item["title"])
                assert native.paragraph_end(text, a, b) == paragraph_break_within(text, a, b)
                asked += 1
        words = [m.span() for m in re.finditer(r"[^ ]+", document.word_text(text))]
        for _ in range(50):
            left, right = rng.sample(words, 3), rng.sample(words, 2)
            for unit in ("sentence", "paragraph"):
                assert native.one_scope(text, left, right, unit == "sentence") == \
                    _python_one_scope(text, left, right, unit)
    assert read_as_is > 200 and asked > 200_000


@needs_native
def test_real_articles_match_the_same_near_rules_in_c_and_in_python():
    items = real_articles()
    shapes = ["{} NEAR/3 {}", "{} NEAR/s {}", "{} NEAR/p {}", "({} OR {}) NEAR/s {}", "{} NEAR/p ({} NEAR/s {})"]
    in_c, python = match_both_ways(items, shapes, rules=600, words=(20, 400), shortest=4, seed=21)
    assert sum(map(len, in_c)) > len(items)
    assert in_c == python


KEY_WORDS = ["tps", "honduras", "hon", "ayuda", "aid", "el", "a", "año", "ee", "uu", "u", "s", "x" * 40]


@needs_native
@settings(max_examples=800, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(KEY_WORDS), st.booleans()), min_size=1, max_size=8),
       st.lists(st.tuples(st.sampled_from(KEY_WORDS + ["honduran", "ayudas", "tpsx", "Año"]),
                          st.sampled_from(SEPARATORS)), max_size=40).map(lambda ps: "".join(w + s for w, s in ps)))
def test_every_keys_spans_are_those_python_finds(terms, text):
    # a rule's words and prefixes (hon* also fires inside "honduras"), as the matcher keys them
    from newswatch.rules.parser import Term
    query = " OR ".join(w + ("*" if prefix and len(w) >= 3 else "") for w, prefix in terms)
    matcher = compile_rules([("r", query)])
    field = FieldText(text)
    field.keys = list(matcher._automaton.iter(field.words))
    grouped = native.by_key(field.keys, field.words, matcher._shapes)
    assert set(grouped) == {atom for _, atom in field.keys}
    for term, atom in matcher._atoms.items():
        assert isinstance(term, Term)
        assert grouped.get(atom, []) == field._word(atom, len(term.tokens[0]), term.prefix)  # shapes unset: Python


@needs_native
@settings(max_examples=500, deadline=None)
@given(st.integers(1, 30).flatmap(lambda rules: st.tuples(
    st.lists(st.lists(st.integers(0, rules - 1), max_size=6).map(tuple), max_size=12),
    st.lists(st.lists(st.integers(0, 14), max_size=4).map(tuple), min_size=rules, max_size=rules))),
    st.sets(st.integers(0, 14)))
def test_candidates_are_each_triggered_rule_once_that_hit_what_it_needs(tables, hit):
    triggered, necessary = tables
    seen = bytearray(len(necessary))
    found = native.candidates(triggered, hit, necessary, seen)
    assert sorted(found) == sorted({rule for key in hit if key < len(triggered) for rule in triggered[key]
                                    if set(necessary[rule]) <= hit})
    assert seen == bytearray(len(necessary))  # ready for the next item


@needs_native
def test_candidates_name_a_wrong_table_and_leave_the_marks_clear():
    seen = bytearray(3)
    with pytest.raises(IndexError, match="rule 7 is out of range"):
        native.candidates([(0, 1), (7,)], {0, 1}, [(), (), ()], seen)
    assert seen == bytearray(3)
    with pytest.raises(ValueError, match="one entry per rule"):
        native.candidates([(0,)], {0}, [()], bytearray(2))


@needs_native
@settings(max_examples=500, deadline=None)
@given(st.one_of(texts, st.text(), st.text(st.characters(max_codepoint=300))))
def test_the_characters_outside_ascii_are_those_python_finds(text):
    assert native.non_ascii(text) == document._python_non_ascii(text)
