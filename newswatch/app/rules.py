"""Rules without a crawl: check their syntax, and match items given as JSON lines."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Config, Problem, RuleConfig, load, query_problem
from ..config.files import Locator
from ..errors import InvalidInput
from ..rules import RuleSyntaxError, RuleWarning, check_rules, compile_rule, compile_rules
from ..rules import query_warnings as _query_warnings
from .loading import ConfigLike, as_config
from .matching import match_lines


@dataclass
class RulesCheck:
    """The rules of a file or configuration: how many, the syntax errors and warnings, each rule's file."""

    rules: int
    errors: list[RuleSyntaxError] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # rule name -> file it is written in
    warnings: list[RuleWarning] = field(default_factory=list)
    tables: dict[str, RuleConfig] = field(default_factory=dict)  # rule name -> its [[rules]] table

    def problems(self) -> list[Problem]:
        """The errors and warnings located at their file's line and column, in rule order."""
        order = {name: i for i, name in enumerate(self.tables)}
        found = sorted(self.errors + self.warnings, key=lambda e: (order.get(e.rule, -1), e.column))
        out = []
        for e in found:
            table = self.tables.get(e.rule) or RuleConfig(str(e.rule), e.query, file=self.files.get(e.rule, ""))
            out.append(query_problem(table, e.message, e.column, warning=isinstance(e, RuleWarning)))
        return out


def query_check(query: str, config: Config | None = None) -> RuleSyntaxError | None:
    """The syntax error in ``query`` (with ``@alias`` lists from ``config``), or None when it parses."""
    try:
        compile_rule(query, aliases=config.aliases if config else {})
    except RuleSyntaxError as exc:
        return exc
    return None


def query_warnings(query: str) -> list[RuleWarning]:
    """The likely typos in ``query`` that parse all the same (``and`` for ``AND``, ...), with columns."""
    return _query_warnings(query)


def rules_check(file: str | Path | None = None, config: ConfigLike = None) -> RulesCheck:
    """Parse every rule of ``file`` (a topic file, or a config with its includes), else of ``config``.

    Raises :class:`~newswatch.errors.InvalidInput` for a file that is not
    TOML, :class:`~newswatch.config.ConfigError` for a config that cannot be
    loaded. Syntax errors and warnings are returned, not raised;
    ``RulesCheck.problems()`` locates them in the files.
    """
    tables, aliases = _rules_from(file, config)
    pairs = [(r.name, r.query) for r in tables]
    warnings = [w for name, query in pairs if isinstance(query, str) for w in _query_warnings(query, name)]
    return RulesCheck(len(pairs), check_rules(pairs, aliases=aliases), {r.name: r.file for r in tables},
                      warnings, {r.name: r for r in tables})


def _rules_from(file: str | Path | None, config: ConfigLike) -> tuple[list[RuleConfig], dict]:
    """The [[rules]] tables and the aliases of a rules/topic file or of the config."""
    if file:
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8")
            data = tomllib.loads(text)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise InvalidInput(f"{path}: cannot read rules: {exc}") from None
        if "include" not in data:  # a topic file; a full config goes through the loader
            loc = Locator(path, text)
            tables = [RuleConfig(r.get("name", f"#{i + 1}"), r.get("query", ""), file=str(path),
                                 line=loc.line_of("rules", i, None)) for i, r in enumerate(data.get("rules", []))]
            return tables, dict(data.get("aliases", {}))
        config = load(path)
    config = as_config(config)
    return list(config.rules), config.aliases


def rules_match(items: Iterable[bytes | str | dict], config: Config | None = None, *, rules: Iterable[str] = (),
                query: str | None = None, jobs: int | None = None,
                encode: Callable[[dict[str, Any]], Any] | None = None) -> Iterator[Any]:
    """Match items with the configured rules (only ``rules``, if named), or with one ``query``.

    ``items`` are JSON lines (str, or UTF-8 bytes) or dicts with at least ``title``, plus any of
    ``summary``, ``body``, ``url``, ``source``, ``lang``, ``published``.
    Yields one dict per non-blank line: ``{"index": N, "url": ..., "matches":
    [{"rule", "terms", "fields", "snippet"}]}``, or ``{"index": N, "error":
    "..."}`` for a line that is not such an object. Needs no database; a
    ``query`` may use the ``@alias`` lists of ``config``. A long input is
    matched by ``jobs`` worker processes (None: one per core; 1: none), the
    results still in input order. ``encode`` (a module-level function, such
    as ``json.dumps``) turns each match result into what is yielded instead,
    where it is made: in the workers, which then hand over less.

    Raises before the first item: :class:`~newswatch.errors.InvalidInput`
    for an unknown rule, :class:`~newswatch.rules.RuleSyntaxError` for a
    query that does not parse.
    """
    if query:
        pairs, aliases = [("query", query)], config.aliases if config else {}
    else:
        if config is None:
            raise InvalidInput("rules_match needs a configuration or a query")
        pairs, aliases = [(r.name, r.query) for r in config.rules], config.aliases
        wanted = set(rules)
        if wanted:
            unknown = wanted - {n for n, _ in pairs}
            if unknown:
                raise InvalidInput(f"unknown rule(s): {', '.join(sorted(unknown))}; configured: "
                                   + ", ".join(n for n, _ in pairs))
            pairs = [(n, q) for n, q in pairs if n in wanted]
    return match_lines(compile_rules(pairs, aliases=aliases), items, jobs, encode)
