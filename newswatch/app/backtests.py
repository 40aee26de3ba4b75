"""Backtests: run one rule over the stored history (``newswatch rules test``).

SQLite FTS5 narrows the history to a superset of what the rule can match
(see :meth:`newswatch.rules.CompiledRule.fts5`); the matcher then decides,
so a backtest answers exactly as the live matcher would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import storage
from ..errors import InvalidInput
from ..rules import compile_rules
from .loading import ConfigLike, as_config, existing_database


@dataclass
class Hit:
    """A stored item the rule matches: its row, the terms that fired, a snippet with «hits»."""

    item: dict[str, Any]
    terms: list[str]
    snippet: str


@dataclass
class BacktestResult:
    """How many stored items there are, how many FTS5 let through, and which ones match."""

    rule: str
    total: int
    scanned: int = 0
    matched: int = 0
    fts: str | None = None  # the FTS5 prefilter, or None for a full scan
    hits: list[Hit] = field(default_factory=list)  # newest first


def backtest(config: ConfigLike = None, query: str | None = None, *, rule: str | None = None,
             since: str | None = None) -> BacktestResult:
    """Every stored item (published since ``since``) that ``query`` or configured ``rule`` matches.

    Aliases come from the configuration. Raises
    :class:`~newswatch.rules.RuleSyntaxError` for a query that does not
    parse, :class:`~newswatch.errors.InvalidInput` for an unknown rule or
    neither/both of ``query`` and ``rule``, and
    :class:`~newswatch.errors.NotFoundError` when there is no database yet.
    """
    config = as_config(config)
    if bool(query) == bool(rule):
        raise InvalidInput("give either a query or a rule name")
    if rule:
        found = next((r for r in config.rules if r.name == rule), None)
        if found is None:
            raise InvalidInput(f"unknown rule {rule!r}; configured: " + ", ".join(r.name for r in config.rules))
        query = found.query
    name = rule or "query"
    matcher = compile_rules([(name, query)], aliases=config.aliases)
    return scan(existing_database(config), matcher, name, since=since)


def scan(db, matcher, rule: str, since: str | None = None) -> BacktestResult:
    """Every stored item (published since ``since``) that ``rule`` of ``matcher`` matches, newest first."""
    fts = matcher.rules[rule].fts5()
    result = BacktestResult(rule=rule, total=storage.count_items(db, since), fts=fts)
    for row in storage.iter_items(db, fts=fts, since=since):
        result.scanned += 1
        matches = [m for m in matcher.match(row) if m.rule == rule]
        if matches:
            result.matched += 1
            result.hits.append(Hit(row, list(matches[0].terms), matches[0].snippet))
    return result
