"""The matcher's shortcuts: what they skip must never change an answer.

A NEAR is looked for only in the fields where both of its sides were seen,
so a rule whose sides sit in different fields is settled from the hit sets
alone, without computing a position.
"""

from __future__ import annotations

from newswatch.rules import compile_rule, compile_rules
from newswatch.rules.document import Document


class _NoPositions(Document):
    """A document that fails the test if anything asks it for positions."""

    __slots__ = ()

    def spans(self, node, field, atoms):  # noqa: ANN001
        raise AssertionError(f"positions computed in {field}")

    def found(self, node, atoms):  # noqa: ANN001
        raise AssertionError("positions computed")


def _predicate(query: str):
    matcher = compile_rule(query).matcher()
    return matcher, matcher._predicates[0]


def _hit_sets(matcher, item):
    from newswatch.rules.document import FieldText

    fields, hits = {}, {}
    for name in ("title", "summary", "body"):
        text = item.get(name)
        fields[name] = FieldText(text) if text else None
        hits[name] = {a for _, a in matcher._automaton.iter(fields[name].words)} if text else set()
    return {k: v for k, v in fields.items() if v}, hits


def test_near_with_sides_in_different_fields_needs_no_positions():
    matcher, predicate = _predicate("tps NEAR/3 honduras")
    item = {"title": "TPS extended", "body": "Honduras welcomed the decision."}
    fields, hits = _hit_sets(matcher, item)
    doc = _NoPositions(item, fields, hits)
    T, S, B = hits["title"], hits["summary"], hits["body"]
    assert predicate(T, S, B, T | S | B, doc) is False
    assert compile_rules([("r", "tps NEAR/3 honduras")]).match(item) == []


def test_near_is_looked_for_in_the_field_holding_both_sides():
    item = {"title": "Honduras", "summary": "Honduras and El Salvador", "body": "The TPS ruling for Honduras."}
    [match] = compile_rules([("r", "tps NEAR/3 honduras")]).match(item)
    assert match.fields == ("body",)
    assert match.snippet == "The «TPS» ruling for «Honduras»."


def test_cheap_terms_are_tested_before_a_near():
    # "asylum" is missing: the AND fails on the hit sets before the NEAR's positions are asked for
    matcher, predicate = _predicate("tps NEAR/3 honduras asylum")
    item = {"body": "TPS for Honduras was extended."}
    fields, hits = _hit_sets(matcher, item)
    B = hits["body"]
    assert predicate(set(), set(), B, B, _NoPositions(item, fields, hits)) is False
    assert compile_rules([("r", "tps NEAR/3 honduras asylum")]).match(item) == []
    assert compile_rules([("r", "tps NEAR/3 honduras asylum")]).match(
        {"body": "TPS for Honduras was extended; asylum too."})[0].terms == ("tps", "honduras", "asylum")
