"""newswatch's Python API: what each ``newswatch`` command does, for a script or a notebook.

Every function takes the configuration as a loaded
:class:`~newswatch.config.Config` or as the path of its file (None:
``$NEWSWATCH_CONFIG``, then ``./newswatch.toml``), returns plain data
(dataclasses, dicts, lists) and raises typed errors; the CLI parses options,
makes one of these calls and renders the result. docs/api.md has a tour.

==================  ======================================================
``run``             one crawl-match-store-alert cycle -> :class:`RunReport`
``work``            a crawl worker of a [cluster] (``newswatch worker``), until stopped
``deliver``         send due alerts (and digests) -> ``DeliveryReport``
``status``          sources' health, runs, alerts, digests, stories -> :class:`Status`
``alerts``          the alerts list; ``retry_alert`` puts one back in the queue
``mute``            hold back alerts for an item, story or source (``unmute`` ends it);
                    ``dismiss`` marks an alert not relevant (``undismiss`` takes
                    it back); ``mutes`` lists both;
                    ``noise_report``: per rule, the share of alerted items dismissed
``check``           every problem of a configuration -> list of ``Problem``
``init``            write a starter config and the seed topic pack
``backtest``        one rule or query over the stored items -> :class:`BacktestResult`
``rules_check``     syntax of a file's or the config's rules; ``query_check`` and
                    ``query_warnings`` for one query
``rules_match``     JSON lines in, matches out, no database
``sources_add``     plan a source for a site; ``sources_import`` for an OPML file;
                    ``write_sources`` appends a plan to the config file;
                    ``sources_export`` writes feeds as OPML
``follow``          plan a [[follows]] table for an article (what it will look for);
                    ``write_follow`` appends it to the config file
``export``          stored items as CSV, JSON lines or Atom
``coverage``        stories and items per day and topic (or rule) -> :class:`Coverage`;
                    ``coverage_lines``: the table ``newswatch trends`` prints
``mark_hits``       show a snippet's «hits» your way; ``one_line``: outside text as one line
==================  ======================================================

Errors: :class:`~newswatch.config.ConfigError` (every located problem of a
configuration), :class:`~newswatch.errors.NewswatchError` and its kinds
(:class:`NotFoundError`, :class:`InvalidInput` and its :class:`FollowError`,
:class:`SourcesError`,
:class:`UnsafeTable`), :class:`RunLockedError`,
:class:`~newswatch.storage.StorageError` (a database that cannot be
written) and :class:`~newswatch.rules.RuleSyntaxError` (with ``caret()``).

Names are loaded on first use: ``newswatch rules match`` does not load
Scrapy, and ``newswatch run`` does not load Datasette.
"""

from __future__ import annotations

import importlib
from typing import Any

# No module of this package may be named like a name below: once imported, the
# module would stand in the package where the function should be.
_WHERE = {
    "__version__": "newswatch",
    "ConfigError": "newswatch.config", "Problem": "newswatch.config",
    "NewswatchError": "newswatch.errors", "NotFoundError": "newswatch.errors",
    "InvalidInput": "newswatch.errors",
    "RuleSyntaxError": "newswatch.rules", "mark_hits": "newswatch.rules",
    "parse_time": "newswatch.schedule",
    "StorageError": "newswatch.storage",
    "SourcesError": ".adding", "SourcesPlan": ".adding", "sources_add": ".adding",
    "sources_import": ".adding", "write_sources": ".adding", "sources_export": ".adding",
    "BacktestResult": ".backtests", "Hit": ".backtests", "backtest": ".backtests",
    "check": ".checks",
    "UnsafeTable": ".config_write", "one_line": ".config_write",
    "deliver": ".delivery", "retry_alert": ".delivery",
    "Status": ".reading", "alerts": ".reading", "export": ".reading", "status": ".reading",
    "RulesCheck": ".rules", "query_check": ".rules", "query_warnings": ".rules", "rules_check": ".rules",
    "rules_match": ".rules",
    "RunLockedError": ".cycle", "RunReport": ".cycle", "run": ".cycle",
    "init": ".starter",
    "describe_redis": ".working", "work": ".working",
    "FollowError": ".follows", "FollowPlan": ".follows", "follow": ".follows",
    "write_follow": ".follows",
    "Coverage": ".trends", "coverage": ".trends", "coverage_lines": ".trends",
    "Muted": ".muting", "dismiss": ".muting", "mute": ".muting", "mutes": ".muting",
    "noise_report": ".muting", "undismiss": ".muting", "unmute": ".muting",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name], __name__), name)


def __dir__() -> list[str]:
    return __all__
