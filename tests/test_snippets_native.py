"""The snippet windows built in C (newswatch/rules/_windows.c) are the Python ones, character for character.

snippets.py keeps the pure-Python definition, which runs wherever the C part
could not be built; each generated field here is cut into windows both ways.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from native_helpers import in_python, match_both_ways, real_articles, require_built

from newswatch.rules import snippets
from newswatch.rules.document import FieldText
from newswatch.rules.snippets import ELLIPSIS

native = snippets._native
FILLER = " ".join(f"Filler{i} said little." for i in range(30))

WORDS = ["the", "aid", "Morales", "TPS", "EE.UU.", "él", "dijo", "¿Qué?", "—", "(JOH)", "$4.5", "\u00a0", "x" * 45,
         "Extraordinariamente-larguísima", "\t", "\n\n", "«cita»", "año", "\x07", "\x7f", "", ",", "..."]


def test_the_c_part_is_built_where_a_compiler_is():
    require_built(native, "newswatch/rules/_windows.c")


@st.composite
def fields_with_hits(draw):
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=120))
    joints = draw(st.lists(st.sampled_from([" ", " ", " ", "  ", ", ", ". ", "\n"]), min_size=len(words),
                           max_size=len(words)))
    field = FieldText("".join(w + j for w, j in zip(words, joints, strict=True)).strip(" "))
    spans = [m.span() for m in re.finditer(r"[^ ]+", field.words)]
    if not spans:
        return field, []
    picked = draw(st.lists(st.integers(0, len(spans) - 1), min_size=1, max_size=12))
    hits = []
    for i in picked:
        length = draw(st.integers(0, 2))  # one word, or a phrase of up to three
        start, end = spans[i][0], spans[min(i + length, len(spans) - 1)][1]
        hits.append((start, end, draw(st.integers(0, 3)), draw(st.sampled_from([0, 1, 2, 3, 0, 1, 2, 3, 70]))))
    return field, hits  # as a rule's terms give them: unsorted, some inside others


needs_native = pytest.mark.skipif(native is None, reason="the C part is not built here")


@needs_native
@settings(max_examples=400, deadline=None)
@given(fields_with_hits(), st.one_of(st.none(), st.frozensets(st.sampled_from([0, 1, 2, 3, 70]), min_size=1)))
def test_the_densest_window_is_the_same(case, wanted):
    field, hits = case
    if hits:
        hits = snippets._outer(hits)
        assert native.densest(field.words, hits, wanted) == snippets._densest(field.words, hits, wanted)


@needs_native
@settings(max_examples=400, deadline=None)
@given(fields_with_hits(), st.data())
def test_a_window_reads_the_same(case, data):
    field, hits = case
    if not hits or not field.one_to_one():
        return
    hits = snippets._outer(hits)
    first = data.draw(st.integers(0, len(hits) - 1))
    last = data.draw(st.integers(first, len(hits) - 1))
    start, end = hits[first][0], max(h[1] for h in hits[first:last + 1])
    _, lead, trail, _ = field.layout()
    assert native.window(field.text, field.words, lead, trail, hits, start, end) == \
        snippets._window(field, hits, start, end)


@needs_native
@settings(max_examples=600, deadline=None)
@given(st.lists(fields_with_hits(), min_size=3, max_size=3), st.permutations(["summary", "body", "title"]),
       st.integers(0, 2), st.integers(1, 4))
def test_the_evidence_of_a_match_is_the_same(cases, order, dropped, groups):
    fields = {name: field for name, (field, _) in zip(("title", "summary", "body"), cases, strict=True)}
    hits = {name: found for name, (_, found) in zip(("title", "summary", "body"), cases, strict=True)}
    names = tuple(order[:3 - dropped])

    def hits_of(name):
        return list(hits[name])  # a new list each time: evidence sorts it

    expected = in_python(lambda: snippets.evidence(fields, hits_of, names, groups))
    assert snippets.evidence(fields, hits_of, names, groups) == expected


@needs_native
@pytest.mark.parametrize("gap", [29, 30, 31])
def test_two_windows_thirty_words_apart_or_less_read_as_one(gap):
    words = ["alpha"] + [f"w{i}" for i in range(1, gap)] + ["omega"] + [f"v{i}" for i in range(40)]
    field = FieldText(" ".join(words))
    first, last = field.words.index(" alpha ") + 1, field.words.index(" omega ") + 1
    hits = [(first, first + 5, 0, 0), (last, last + 5, 1, 1)]
    snippet = snippets.evidence({"body": field}, lambda name: list(hits), ("body",), 2)
    assert snippet == in_python(lambda: snippets.evidence({"body": field}, lambda name: list(hits), ("body",), 2))
    assert (f" {ELLIPSIS} " in snippet.removesuffix(f" {ELLIPSIS}")) == (gap > 30)


@needs_native
def test_a_part_only_the_title_shows_gets_no_second_window():
    # the title is shown next to the snippet: a body window showing nothing missing would add noise
    fields = {"title": FieldText("Baldetti extradited"), "body": FieldText(
        "The court heard aid was cut. " + FILLER + " Later the aid was cut again, and cut once more.")}
    body = fields["body"].words
    hits = {"title": [(1, 9, 0, 1)], "body": [(m.start() + 1, m.end() - 1, 1, 0)
                                             for m in re.finditer(" (?:aid|cut) ", body)]}
    names = ("title", "summary", "body")
    snippet = snippets.evidence(fields, lambda name: list(hits.get(name, ())), names, 2)
    assert snippet == in_python(lambda: snippets.evidence(fields, lambda name: list(hits.get(name, ())), names, 2))
    assert "Baldetti" not in snippet and snippet.count("«") >= 2


@needs_native
@pytest.mark.parametrize("text", ["Alpha" + " " * 400 + "Baldetti said.", "Alpha" + "\n \t" * 150 + "Baldetti said."])
def test_a_window_cut_inside_a_run_of_spaces_starts_on_a_word(text):
    field = FieldText(text)
    at = field.words.index(" baldetti ") + 1
    hits = [(at, at + 8, 0, 0)]
    window = in_python(lambda: snippets._window(field, hits, at, at + 8))
    assert window == "... «Baldetti» said."
    assert native.window(field.text, field.words, *field.layout()[1:3], hits, at, at + 8) == window


def test_a_window_of_long_words_keeps_its_ten_words_before_the_hit():
    # _back reads a stretch of 12 characters a word first; it used to stop when the stretch
    # began on a space (here: 7 words instead of 10) instead of reading further
    text = " ".join(f"{'w' * 14}{i:02d}" for i in range(40))
    field = FieldText(text)
    at = field.words.index("w" * 14 + "30")
    hits = [(at, at + 16, 0, 0)]
    window = snippets._window(field, hits, at, at + 16)
    assert window.split()[:2] == ["...", "w" * 14 + "20"]
    if native is not None:
        assert native.window(field.text, field.words, *field.layout()[1:3], hits, at, at + 16) == window


@needs_native
def test_real_articles_get_the_same_snippets_in_c_and_in_python():
    items = real_articles()
    # rules of the articles' own frequent words, so that most articles match several
    shapes = ["{} {}", "{} NEAR/6 {}", "{} NEAR/s {}", "{} NEAR/p ({} OR {})", "({} OR {}) {}"]
    in_c, python = match_both_ways(items, shapes, rules=1000, words=(60, 600), shortest=5, seed=16)
    assert sum(map(len, in_c)) > 2 * len(items)  # several matches an article, each with its snippet
    assert in_c == python
