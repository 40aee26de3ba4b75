"""``load``: newswatch.toml and the topic files it includes, checked as a whole."""

from __future__ import annotations

import glob
import os
from pathlib import Path

from .cluster_table import load_cluster
from .discovery_table import load_discovery
from .files import Locator, expand_env, first_use, read_toml
from .follow_table import load_follow
from .model import Config, ConfigError, FollowConfig, Problem, RuleConfig, Source
from .rule_tables import load_rule
from .settings import load_crawl, load_notify
from .source_tables import load_source
from .spike_table import load_spikes


def default_config_path() -> Path:
    """``$NEWSWATCH_CONFIG``, else ./newswatch.toml."""
    return Path(os.environ.get("NEWSWATCH_CONFIG") or "newswatch.toml")


def load(path: str | Path | None = None, *, check_env: bool = True) -> Config:
    """Read a configuration file and the topic files it includes.

    Raises :class:`ConfigError` listing every problem (file, line, key, what
    would be valid). Rules are checked for syntax separately by ``newswatch
    check`` (:mod:`newswatch.app`), which also needs the rule compiler.
    """
    path = Path(path) if path else default_config_path()
    problems: list[Problem] = []
    missing_env: set[str] = set()
    data, loc = read_toml(path, problems, None)
    if data is None:
        raise ConfigError(problems)
    base = path.parent
    fname = str(path)

    known_top = {"database", "include", "crawl", "notify", "sources", "rules", "aliases", "spikes",
                 "follows", "discovery", "cluster"}
    for key in data:
        if key not in known_top:
            problems.append(Problem(fname, loc.line_of(None, None, key), key,
                                    f"unknown setting; valid top-level keys: {', '.join(sorted(known_top))}"))

    crawl_raw = data.get("crawl", {})
    if isinstance(crawl_raw, dict) and "user_agent" in crawl_raw:
        crawl_raw = {**crawl_raw, "user_agent": expand_env(crawl_raw["user_agent"], missing_env)}
    crawl = load_crawl(crawl_raw, fname, loc, problems)
    notify = load_notify(expand_env(data.get("notify", {}), missing_env), base, fname, loc, problems)
    spikes = load_spikes(data.get("spikes"), fname, loc, problems)
    discovery = load_discovery(data.get("discovery"), fname, loc, problems)
    cluster = load_cluster(expand_env(data.get("cluster"), missing_env), fname, loc, problems)
    database = Path(os.environ.get("NEWSWATCH_DATABASE") or data.get("database", "newswatch.db"))
    if not database.is_absolute():
        database = base / database

    sources: list[Source] = []
    rules: list[RuleConfig] = []
    follows: list[FollowConfig] = []
    aliases: dict[str, list[str]] = {}
    files = [path]
    alias_origin: dict[str, str] = {}

    def take(doc: dict, doc_loc: Locator, doc_file: str, doc_base: Path) -> None:
        # No ${VAR} here: sources, rules and aliases are data, not secrets (see the module doc).
        for i, raw in enumerate(doc.get("sources", []) or []):
            s = load_source(raw, i, doc_file, doc_loc, crawl, problems)
            if s:
                sources.append(s)
        for i, raw in enumerate(doc.get("rules", []) or []):
            r = load_rule(raw, i, doc_file, doc_loc, problems)
            if r:
                rules.append(r)
        for i, raw in enumerate(doc.get("follows", []) or []):
            f = load_follow(raw, i, doc_file, doc_loc, problems)
            if f:
                follows.append(f)
        for name, values in (doc.get("aliases") or {}).items():
            line = doc_loc.line_of("aliases", None, name)
            if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
                problems.append(Problem(doc_file, line, f"aliases.{name}",
                                        "an alias list must be a list of non-empty strings"))
                continue
            if name in aliases:
                problems.append(Problem(doc_file, line, f"aliases.{name}",
                                        f"alias defined twice (first in {alias_origin[name]})"))
                continue
            aliases[name] = values
            alias_origin[name] = doc_file

    take(data, loc, fname, base)

    includes = data.get("include", [])
    if isinstance(includes, str):
        includes = [includes]
    if not isinstance(includes, list):
        problems.append(Problem(fname, loc.line_of(None, None, "include"), "include",
                                "must be a list of file paths or glob patterns"))
        includes = []
    inc_line = loc.line_of(None, None, "include")
    included: list[tuple[Path, Locator]] = []
    for pattern in includes:
        full = pattern if os.path.isabs(pattern) else str(base / pattern)
        if glob.has_magic(full):
            matched = sorted(glob.glob(full))
            if not matched:
                problems.append(Problem(fname, inc_line, "include",
                                        f"pattern {pattern!r} matches no file (looked in {base})"))
        else:
            matched = [full]
        for m in matched:
            p = Path(m)
            inc, inc_loc = read_toml(p, problems, (fname, inc_line))
            if inc is None:
                continue
            files.append(p)
            included.append((p, inc_loc))
            for key in inc:
                if key not in {"sources", "rules", "aliases", "follows"}:
                    problems.append(Problem(str(p), inc_loc.line_of(None, None, key), key,
                                            "a topic file may hold only [[sources]], [[rules]], "
                                            "[[follows]] and [aliases]"))
            take(inc, inc_loc, str(p), p.parent)

    problems += (_duplicate_names(sources, "source") + _duplicate_names(rules, "rule")
                 + _duplicate_names(follows, "follow"))
    names = {r.name for r in rules}
    for name in discovery.rules:
        if name not in names:
            problems.append(Problem(fname, discovery.rules_line, "discovery.rules",
                                    f"no rule named {name!r}; rules: {', '.join(sorted(names)) or 'none'}"))
    if check_env and missing_env:
        where = first_use(sorted(missing_env), [(str(f), lc) for f, lc in [(path, loc)] + included])
        problems.append(Problem(*where, "environment",
                                "unset environment variable(s): " + ", ".join(sorted(missing_env))
                                + "; export them before running"))
    if problems:
        raise ConfigError(problems)
    return Config(path=path, database=database, crawl=crawl, notify=notify, sources=sources,
                  rules=rules, aliases=aliases, files=files, spikes=spikes,
                  follows=follows, discovery=discovery, cluster=cluster)


def _duplicate_names(tables: list[Source] | list[RuleConfig] | list[FollowConfig],
                     what: str) -> list[Problem]:
    """A problem for each [[sources]], [[rules]] or [[follows]] table reusing an earlier name."""
    seen: dict[str, Source | RuleConfig | FollowConfig] = {}
    problems = []
    for t in tables:
        first = seen.setdefault(t.name, t)
        if first is not t:
            problems.append(Problem(t.file, t.line, f"{what}s.name",
                                    f"duplicate {what} name {t.name!r} (first defined at "
                                    f"{first.file}:{first.line}); names must be unique"))
    return problems
