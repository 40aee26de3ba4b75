"""The snippet is the evidence: it quotes where the terms that decided a match are.

Through the real matcher (compile_rules + match): the densest window of the
deciding hits across summary and body, a NEAR's pair rather than the first
hit of the rule, and a second window only when one can't show every part of
the rule's AND.
"""

from __future__ import annotations

from newswatch.rules import compile_rule, match_item
from newswatch.rules.snippets import MAX_AFTER_CHARS, MAX_BEFORE_CHARS, MAX_HIT_CHARS

FILLER = " ".join(f"Filler{i} said little." for i in range(30))  # 90 words between two passages


def _snippet(query: str, **item: str) -> str:
    [match] = match_item(compile_rule(query, "r"), item)
    return match.snippet


def _windows(snippet: str) -> list[str]:
    """The passages of a snippet: " ... " joins two windows (a window's own cuts are at its ends)."""
    return [w for w in snippet.removeprefix("... ").removesuffix(" ...").split(" ... ") if w]


def test_the_near_that_decided_is_quoted_not_the_first_hit_of_the_rule():
    snippet = _snippet('("Jimmy Morales" OR Morales) AND (aid NEAR/5 cut*)',
                       summary="President Jimmy Morales met the ambassador on Monday.",
                       body=f"The meeting was short. {FILLER} Later, Washington said its aid was cut by a third.")
    assert "Washington said its «aid» was «cut» by a third." in snippet
    assert "President «Jimmy Morales» met the ambassador" in snippet  # the other part, a second window
    assert len(_windows(snippet)) == 2


def test_an_and_of_two_words_far_apart_shows_two_windows_each_marked():
    snippet = _snippet("baldetti AND extradition",
                       body=f"Lawyers for Roxana Baldetti came early. {FILLER} The judge ruled on the "
                            f"extradition request. {FILLER}")
    first, second = _windows(snippet)
    assert "Lawyers for Roxana «Baldetti» came early." in first and "«" not in first.replace("«Baldetti»", "")
    assert "The judge ruled on the «extradition» request." in second
    for window in (first, second):
        assert len(window.split()) <= 32  # about thirty words a window


def test_two_near_words_make_one_window():
    snippet = _snippet("baldetti AND extradition",
                       body=f"{FILLER} Baldetti fought the extradition request for a year. {FILLER}")
    assert _windows(snippet) == [snippet.removeprefix("... ").removesuffix(" ...")]
    assert "«Baldetti» fought the «extradition» request" in snippet


def test_the_window_with_every_part_wins_over_an_earlier_one():
    snippet = _snippet("corruption AND guatemala",
                       body=f"Guatemala is a country. {FILLER} Corruption in Guatemala was the topic. {FILLER}")
    assert _windows(snippet) == [snippet.removeprefix("... ").removesuffix(" ...")]
    assert "«Corruption» in «Guatemala» was the topic." in snippet
    assert "«Guatemala» is a country" not in snippet


def test_one_alternative_of_an_or_is_enough():
    snippet = _snippet("(morales OR pérez) AND aid",
                       body=f"Pérez spoke first. {FILLER} Then Morales promised aid to farmers. {FILLER}")
    assert "Then «Morales» promised «aid» to farmers." in snippet
    assert "Pérez" not in snippet  # the other alternative is no missing part


def test_ties_go_to_the_summary():
    snippet = _snippet("aid AND cut", summary="The aid was cut.", body="Aid was cut, officials said.")
    assert snippet == "The «aid» was «cut»."


def test_two_windows_of_hostile_words_stay_bounded():
    word = "x" * 100_000
    snippet = _snippet("alpha AND omega", body=f"{word} alpha {word} {FILLER} {word} omega {word}")
    assert "«alpha»" in snippet and "«omega»" in snippet
    assert len(snippet) <= 2 * (MAX_BEFORE_CHARS + MAX_HIT_CHARS + MAX_AFTER_CHARS) + 20
