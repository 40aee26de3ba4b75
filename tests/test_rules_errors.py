"""Errors that teach: every invalid query names its rule, a 1-based column and what would be valid."""

from __future__ import annotations

import pickle

import pytest

from newswatch.rules import RuleSyntaxError, compile_rule

ALIASES = {"officials": ["JOH"], "gangs": ["MS-13", "Barrio 18"]}

# (query, column, words the message must contain)
ERRORS = [
    ("", 1, ["empty query"]),
    ("   ", 1, ["empty query"]),
    ("(tps OR honduras", 1, ["(", "never closed"]),
    ("aid (tps OR (honduras)", 5, ["never closed"]),
    ("tps OR honduras)", 16, [")", "no matching ("]),
    ('"temporary protected status', 1, ["quote", "never closed"]),
    ('tps "temporary protected', 5, ["quote"]),
    ("tps AND", 5, ["AND", "after"]),
    ("tps OR", 5, ["OR", "after"]),
    ("AND tps", 1, ["AND", "before"]),
    ("OR tps", 1, ["OR", "before"]),
    ("tps AND OR aid", 5, ["AND", "after"]),
    ("tps NOT", 5, ["NOT", "after"]),
    ("(tps AND) aid", 6, ["AND", "after"]),
    ("tps NEAR/x aid", 10, ["NEAR/", "whole number"]),
    ("tps NEAR/0 aid", 10, ["NEAR/0", "at least 1"]),
    ("tps NEAR aid", 5, ["NEAR/5"]),
    ("tps NEAR /5 aid", 5, ["did you mean NEAR/5?", "no space"]),
    ("tps NEAR/ 12 aid", 5, ["did you mean NEAR/12?"]),
    ("tps NEAR/5", 5, ["NEAR/5", "after"]),
    ("NEAR/5 tps", 1, ["NEAR/5", "before"]),
    ("foo:tps", 1, ["unknown field", "title:", "summary:", "body:", "source:", "lang:", "site:"]),
    ("aid https://wola.org", 5, ["unknown field", "quotes"]),
    ("@nobody", 1, ["unknown alias", "@nobody", "@officials", "@gangs"]),
    ("NOT tps", 1, ["nearly everything"]),
    ("-a -b", 1, ["nearly everything"]),
    ("aid OR NOT tps", 8, ["nearly everything"]),
    ("-source:insightcrime", 1, ["nearly everything"]),
    ("de*", 1, ["at least 3", "deport*"]),
    ("=TP*", 1, ["at least 3"]),
    ("de*port", 3, ["*", "end a word"]),
    ("ee.uu.*", 1, ["*", "directly follow"]),
    ("title: aid", 1, ["title:", "right after the colon"]),
    ("aid title:", 5, ["title:", "right after the colon"]),
    ("title:-cuts aid", 1, ["title:", "-title:"]),
    ("title:(body:aid)", 8, ["nested"]),
    ("title:source:wola", 7, ["filter", "title:"]),
    ("aid NEAR/3 source:wola", 12, ["filter", "NEAR/3"]),
    ("source:wola NEAR/3 aid", 1, ["filter", "NEAR/3"]),
    ("(=EU lang:es) NEAR/4 dona", 6, ["filter", "beside the group", "lang:es AND (=EU NEAR/4 dona)"]),
    ("dona NEAR/4 (=EU OR site:elfaro.net)", 21, ["site:elfaro.net AND (dona NEAR/4 =EU)"]),
    ("aid NEAR/3 -cuts", 12, ["negation"]),
    ("(aid cuts) NEAR/3 honduras", 1, ["AND", "quoted phrase"]),
    ("title:aid NEAR/3 honduras", 1, ["field in front of the whole NEAR", "title:(a NEAR/3 b)"]),
    ("aid NEAR/3 body:honduras", 12, ["field in front"]),
    ("source:", 1, ["source:", "value", "source:insightcrime"]),
    ("aid lang:spanish", 10, ["language code"]),
    ("aid site:https://wola.org", 10, ["host name", "no scheme"]),
    ("aid site:wola.org/path", 10, ["host name"]),
    ("()", 1, ["empty parentheses"]),
    ("aid - cuts", 5, ["'-'", "-football"]),
    ("aid = TPS", 5, ["'='", "=TPS"]),
    ("aid @", 5, ["'@'", "@officials"]),
    ("...", 1, ["no letters or digits"]),
    ('""', 1, ["no letters or digits"]),
]


@pytest.mark.parametrize("query,column,words", ERRORS, ids=[e[0] or "<empty>" for e in ERRORS])
def test_error_column_and_message(query, column, words):
    with pytest.raises(RuleSyntaxError) as info:
        compile_rule(query, "r1", ALIASES)
    err = info.value
    assert isinstance(err, ValueError)
    assert (err.rule, err.query, err.column) == ("r1", query, column), err.message
    for word in words:
        assert word in err.message
    assert str(err) == f'rule "r1": column {column}: {err.message}'


def test_caret_points_at_the_column():
    with pytest.raises(RuleSyntaxError) as info:
        compile_rule("honduras AND", "tps")
    assert info.value.caret() == "honduras AND\n         ^"


def test_caret_on_a_multi_line_query_shows_the_right_line():
    query = '("temporary protected status" OR =TPS)\nAND (honduras OR'
    with pytest.raises(RuleSyntaxError) as info:
        compile_rule(query)
    err = info.value
    assert query[err.column - 1] == "O"
    assert err.caret() == "AND (honduras OR\n              ^"


def test_str_without_rule_name():
    with pytest.raises(RuleSyntaxError) as info:
        compile_rule("tps AND")
    assert info.value.rule is None
    assert str(info.value) == f"column 5: {info.value.message}"


def test_errors_survive_pickling():
    err = RuleSyntaxError("bad", "q AND", 3, "r")
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.message, copy.query, copy.column, copy.rule) == ("bad", "q AND", 3, "r")


def test_no_aliases_defined_says_how_to_define_them():
    with pytest.raises(RuleSyntaxError, match=r"no aliases are defined"):
        compile_rule("@officials")


@pytest.mark.parametrize("aliases,words", [
    ({"x": "JOH"}, ["list of strings"]),
    ({"x": []}, ["empty"]),
    ({"x": ["JOH", "..."]}, ["'...'", "no letters"]),
    ({"x": [3]}, ["list of strings"]),
])
def test_bad_alias_lists(aliases, words):
    with pytest.raises(RuleSyntaxError) as info:
        compile_rule("aid @x", "r", aliases)
    assert info.value.column == 5
    for word in words:
        assert word in info.value.message


def test_a_negation_with_a_positive_term_or_filter_is_fine():
    compile_rule("tps -football")
    compile_rule("source:insightcrime -football")
    compile_rule("aid (honduras OR NOT guatemala)")  # the AND needs aid, so it cannot match everything


def test_non_string_query():
    with pytest.raises(RuleSyntaxError, match="string"):
        compile_rule(None, "r")  # type: ignore[arg-type]
