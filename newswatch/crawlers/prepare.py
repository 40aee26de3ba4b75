"""Getting one crawl ready: rules compiled, database opened, due sources chosen, run started.

``newswatch run`` (through :func:`newswatch.app.run`) and ``scrapy crawl
feeds -a config=FILE`` from the project root both start here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .. import storage
from ..config import Config, ConfigError, Problem, load, query_problem
from ..rules import RuleSyntaxError, compile_rules
from ..schedule import backoff_wait, due_time
from .context import RunContext, count_feed_documents
from .parsing import forks_workers, preload_language_model


def compile_config_rules(config: Config):
    """Compile every configured rule into one matcher; ConfigError points at the bad query."""
    try:
        # a large rule set is compiled once and kept beside the database (rules.md#speed)
        return compile_rules([(r.name, r.query) for r in config.rules], aliases=config.aliases,
                             cache=Path(f"{config.database}.rules-cache"))
    except RuleSyntaxError as exc:
        rule = next((r for r in config.rules if r.name == exc.rule), None)
        if rule is not None:  # located at the file's own line and column, as `newswatch check` does
            raise ConfigError([query_problem(rule, exc.message, exc.column)]) from exc
        raise ConfigError([Problem(str(config.path), None, f"rules.{exc.rule}.query",
                                   f"column {exc.column}: {exc.message}")]) from exc


def due_sources(config: Config, db, names: Iterable[str] | None = None, now: datetime | None = None):
    """The sources to fetch now: the named ones, or every source whose interval has passed.

    After failures a source waits longer (see :func:`newswatch.schedule.backoff_wait`).
    """
    if names:
        wanted = list(names)
        unknown = [n for n in wanted if n not in {s.name for s in config.sources}]
        if unknown:
            raise ConfigError([Problem(str(config.path), None, "--source",
                                       f"unknown source {n!r}; configured: "
                                       + ", ".join(s.name for s in config.sources)) for n in unknown])
        return [s for s in config.sources if s.name in wanted]
    now = now or datetime.now(UTC)
    state = storage.sources_state(db)
    due = []
    for s in config.sources:
        at = due_time(s.interval_s, state.get(s.name))
        if at is None:
            due.append(s)
            continue
        wait = backoff_wait(s.interval_s, state[s.name].get("error_streak") or 0)
        # A little slack so that a cron job every interval does not skip a beat.
        if now >= at - timedelta(seconds=min(60, wait / 10)):
            due.append(s)
    return due


def prepare_context(config_path: str | Path | None, source_names=None, *, config: Config | None = None,
                    all_sources: bool = False) -> RunContext:
    """Load config, open the database, compile rules and start a run row."""
    config = config or load(config_path)
    if config.cluster is None and forks_workers(count_feed_documents(config.sources), config.crawl.parse_workers):
        # Feed workers will inherit the language model: it loads beside the rules'
        # compilation and Scrapy's import instead of after them (0.1 s of start-up).
        preload_language_model()
    matcher = compile_config_rules(config)
    db = storage.open_db(config.database)
    storage.sync_sources(db, [
        {"name": s.name, "kind": s.kind, "url": s.url, "lang": s.lang, "interval_s": s.interval_s}
        for s in config.sources
    ])
    sources = config.sources if all_sources else due_sources(config, db, source_names)
    run_id = storage.start_run(db)
    return RunContext(config=config, db=db, matcher=matcher, run_id=run_id, sources=sources)
