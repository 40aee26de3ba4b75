"""Backtests: run one compiled rule over the stored history.

SQLite FTS5 narrows the history to a superset of what the rule can match
(see :meth:`newswatch.rules.CompiledRule.fts5`); the matcher then decides,
so a backtest answers exactly as the live matcher would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import storage


@dataclass
class BacktestResult:
    total: int
    scanned: int = 0
    matched: int = 0
    fts: str | None = None
    hits: list[tuple[dict[str, Any], Any]] = field(default_factory=list)


def backtest(db, matcher, rule: str, since: str | None = None) -> BacktestResult:
    """Every stored item (published since ``since``) that ``rule`` of ``matcher`` matches, newest first."""
    fts = matcher.rules[rule].fts5()
    result = BacktestResult(total=storage.count_items(db, since), fts=fts)
    for row in storage.iter_items(db, fts=fts, since=since):
        result.scanned += 1
        matches = [m for m in matcher.match(row) if m.rule == rule]
        if matches:
            result.matched += 1
            result.hits.append((row, matches[0]))
    return result
