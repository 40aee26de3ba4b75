"""Warnings: queries that parse but likely mean something else, each with a column and a caret."""

from __future__ import annotations

import json
import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newswatch.config.positions import line_and_column, string_positions
from newswatch.rules import CompiledRule, RuleSyntaxError, RuleWarning, check_query, compile_rule, query_warnings

# (query, column of the warning, words the message must contain)
WARNINGS = [
    ("tps and honduras", 5, ["'and' is searched as a word", "did you mean AND?"]),
    ("tps or honduras", 5, ["did you mean OR?"]),
    ("tps Or (honduras OR guatemala)", 5, ["did you mean OR?"]),
    ("honduras not football", 10, ["did you mean NOT?"]),
    ("deport* near honduras", 9, ["'near'", "NEAR/5"]),
    ("deport* NEAR5 honduras", 9, ["'NEAR5'", "did you mean NEAR/5?"]),
    ("deport* near/5 honduras", 9, ["did you mean NEAR/5?"]),
    ("deport* Near/12 honduras", 9, ["did you mean NEAR/12?"]),
    ("deport* near /5 honduras", 9, ["near /5", "did you mean NEAR/5?"]),
    ("deport* near/s honduras", 9, ["did you mean NEAR/s?"]),
    ("deport* w/p honduras", 9, ["did you mean NEAR/p?"]),
    ('"honduras"', 1, ['"honduras": quotes change nothing', "=honduras is exact case"]),
    ('tps "Hondur"*', 5, ["quotes change nothing", "=Hondur* is exact case"]),
    ('="Honduras"', 1, ['="Honduras": quotes change nothing here']),
    ("C++ developers", 1, ["'c'", "'+'", "not searched"]),
    ('"aid & cuts"', 1, ["'aid cuts'", "'&'"]),
    ("dep* honduras", 1, ["dep*", "'dep'", "write more of it"]),
    ("title:dep* honduras", 7, ["'dep'"]),
]


@pytest.mark.parametrize("query,column,words", WARNINGS, ids=[w[0] for w in WARNINGS])
def test_warning_column_and_message(query, column, words):
    rule, warnings = check_query(query, "r1")
    assert isinstance(rule, CompiledRule)  # a warning never stops a rule
    assert [w.column for w in warnings] == [column], warnings
    warning = warnings[0]
    assert (warning.rule, warning.query) == ("r1", query)
    for word in words:
        assert word in warning.message
    assert str(warning) == f'rule "r1": column {column}: {warning.message}'


# Each one means what it says: no warning.
CLEAN = [
    "tps AND honduras",
    'tps "and" honduras',  # the quotes make "and" a word on purpose
    '"AND" "OR" "NEAR"',  # so do these: bare, they are operators
    '"nota:" aid',  # bare, this is an unknown field
    '"-5" aid',
    '"ee.uu." aid',  # two words: a phrase
    '"temporary protected status"',
    "=TPS deport* NEAR/5 honduras",
    "lang:es AND (=EU NEAR/4 dona*)",  # a 4-letter prefix is not warned about
    "=TPS*",  # nor an exact one: it is an acronym
    '"ex pres*"',  # a prefix ending a phrase is narrowed by the phrase
    "ex-presidente U.S. EE.UU. Hernández",  # punctuation that only separates words
    "honduras and",  # "and" is not between two terms
    "tps AND and",
    "deadline nears",  # a word, not NEAR/s
    "tps NEAR/s honduras",
]


@pytest.mark.parametrize("query", CLEAN)
def test_no_warning(query):
    compile_rule(query)
    assert query_warnings(query) == []


def test_several_warnings_in_column_order():
    query = '"honduras" and aid near/5 cuts'
    assert [w.column for w in query_warnings(query)] == [1, 12, 20]


def test_a_query_with_an_error_still_gets_its_warnings():
    rule, warnings = check_query("tps and (honduras")
    assert isinstance(rule, RuleSyntaxError) and rule.column == 9
    assert [w.column for w in warnings] == [5]
    assert check_query('tps and "honduras')[1] == []  # an unclosed quote: no tokens to read


def test_warning_caret_on_the_right_line_of_a_multi_line_query():
    query = "(tps OR honduras)\nAND deport* near/5 cuts"
    (warning,) = query_warnings(query)
    assert warning.caret() == "AND deport* near/5 cuts\n            ^"


def test_aliases_are_not_warned_about():
    assert check_query("@ngos", aliases={"ngos": ["and", "Or"]})[1] == []
    assert isinstance(RuleWarning("m", "q", 1), RuleWarning)


def test_ab_star_is_still_an_error_not_a_warning():
    rule, warnings = check_query("ab* honduras")
    assert isinstance(rule, RuleSyntaxError) and "at least 3" in rule.message


def test_a_filter_inside_near_suggests_the_filter_beside_the_group():
    rule, _ = check_query("(=EU lang:es) NEAR/4 dona")
    assert isinstance(rule, RuleSyntaxError)
    assert rule.column == 6  # the filter, not the group
    assert rule.message.endswith("put it beside the group with AND: lang:es AND (=EU NEAR/4 dona)")
    rule, _ = check_query("dona* NEAR/4 (=EU AND site:elfaro.net)")
    assert rule.message.endswith("site:elfaro.net AND (dona* NEAR/4 =EU)")
    rule, _ = check_query("aid NEAR/3 source:wola")
    assert rule.column == 12 and rule.message.endswith("source:wola AND aid")
    assert isinstance(check_query("lang:es AND (=EU NEAR/4 dona*)")[0], CompiledRule)


# -- where a character of a TOML string is in its file (newswatch.config.positions)

def test_positions_of_a_multi_line_literal_string():
    text = "query = '''\n(a OR b)\nAND c'''\n"
    value, offsets = string_positions(text, text.index("'"))
    assert value == tomllib.loads(text)["query"] == "(a OR b)\nAND c"
    assert line_and_column(text, offsets[value.index("c")]) == (3, 5)
    assert text[offsets[-1]:offsets[-1] + 3] == "'''"  # one more offset: the closing quotes


def test_positions_of_a_multi_line_basic_string_with_a_line_ending_backslash():
    text = 'query = """\r\n\\"a\\" \\\r\n     OR b"""\r\n'
    value, offsets = string_positions(text, text.index('"'))
    assert value == tomllib.loads(text)["query"] == '"a" OR b'
    assert line_and_column(text, offsets[value.index("O")]) == (3, 6)


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_positions_agree_with_tomllib_for_any_basic_string(value):
    # json.dumps writes a TOML basic string (its escapes are TOML's too), but for a raw DEL.
    text = "q = " + json.dumps(value, ensure_ascii=False).replace(chr(127), "\\u007f") + "\n"
    assert tomllib.loads(text)["q"] == value
    found, offsets = string_positions(text, 4)
    assert found == value
    for ch, at in zip(value, offsets, strict=False):
        assert text[at] == ch or text[at] == "\\"


@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40).filter(lambda v: "'" not in v))
def test_positions_agree_with_tomllib_for_any_multi_line_literal(value):
    text = f"q = '''\n{value}'''\n"
    found, offsets = string_positions(text, 4)
    assert found == tomllib.loads(text)["q"] == value
    assert all(text[at] == ch for ch, at in zip(value, offsets, strict=False))
