"""Compile queries into rules, and rules into one matcher."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property

from .errors import RuleSyntaxError
from .fts import to_fts5
from .matcher import Matcher
from .parser import Node, parse, terms_of

__all__ = ["CompiledRule", "compile_rule", "compile_rules", "check_rules"]

Aliases = Mapping[str, Sequence[str]]


class CompiledRule:
    """One parsed and checked rule: ``name``, ``query`` and its AST ``node``."""

    def __init__(self, name: str, query: str, node: Node) -> None:
        self.name = name
        self.query = query
        self.node = node

    def __repr__(self) -> str:
        return f"<CompiledRule {self.name!r}: {self.query!r}>"

    @property
    def terms(self) -> tuple[str, ...]:
        """The rule's terms as written, negated ones included, in query order."""
        return tuple(dict.fromkeys(t.text for t in terms_of(self.node)))

    def fts5(self) -> str | None:
        """An SQLite FTS5 MATCH expression selecting a superset of the items this rule matches.

        For a table with columns title, summary, body and
        ``tokenize="unicode61 remove_diacritics 2"``. None when no useful
        prefilter exists (the rule is only negations and filters, say): then
        every item has to be scanned.
        """
        return to_fts5(self.node)

    def matcher(self) -> Matcher:
        """A matcher holding just this rule (built once)."""
        return self._matcher

    @cached_property
    def _matcher(self) -> Matcher:
        return Matcher([self])


def compile_rule(query: str, name: str | None = None, aliases: Aliases | None = None) -> CompiledRule:
    """Parse and check ``query``; raise :class:`RuleSyntaxError` (with ``rule=name``) if it is invalid.

    A rule without a name is named by its query.
    """
    if not isinstance(query, str):
        raise RuleSyntaxError(f"a query must be a string, not {type(query).__name__}", "", 1, name)
    return CompiledRule(query if name is None else name, query, parse(query, name, aliases))


def _pairs(rules: Iterable[tuple[str, str]] | Mapping[str, str]) -> list[tuple[str, str]]:
    return list(rules.items()) if isinstance(rules, Mapping) else list(rules)


def check_rules(rules: Iterable[tuple[str, str]] | Mapping[str, str],
                aliases: Aliases | None = None) -> list[RuleSyntaxError]:
    """Every problem of every rule, in order (an empty list when all compile)."""
    errors: list[RuleSyntaxError] = []
    seen: set[str] = set()
    for name, query in _pairs(rules):
        if name in seen:
            errors.append(RuleSyntaxError("another rule already has this name; rule names must be unique",
                                          query, 1, name))
            continue
        seen.add(name)
        try:
            compile_rule(query, name, aliases)
        except RuleSyntaxError as exc:
            errors.append(exc)
    return errors


def compile_rules(rules: Iterable[tuple[str, str]] | Mapping[str, str], aliases: Aliases | None = None) -> Matcher:
    """Compile (name, query) pairs, or a name -> query mapping, into one :class:`Matcher`.

    Raises the :class:`RuleSyntaxError` of the first invalid rule; use
    :func:`check_rules` to get all of them.
    """
    compiled: list[CompiledRule] = []
    seen: set[str] = set()
    for name, query in _pairs(rules):
        if name in seen:
            raise RuleSyntaxError("another rule already has this name; rule names must be unique", query, 1, name)
        seen.add(name)
        compiled.append(compile_rule(query, name, aliases))
    return Matcher(compiled)
