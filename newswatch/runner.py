"""One crawl-match-store-alert cycle: what ``newswatch run`` (and the demo) calls.

Errors: :class:`newswatch.config.ConfigError` for a configuration that cannot
be used (exit 2), :class:`newswatch.storage.StorageError` for a database that
cannot be written, :class:`RunLockedError` when another run holds the lock.
Source and delivery failures never raise: they are recorded and reported.
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterable

from . import storage
from .config import Config, ConfigError, Problem, load
from .crawlers import FetchResult, RunContext, crawl
from .rules import RuleSyntaxError, compile_rules


class RunLockedError(Exception):
    """Another newswatch run or watch is using this database."""


@dataclass
class RunReport:
    """What a run did, for the summary table and the exit code."""

    run_id: int
    fetches: list[FetchResult] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    alerts_sent: int = 0
    alerts_failed: int = 0
    delivery_errors: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def sources_failed(self) -> int:
        return sum(1 for f in self.fetches if not f.ok)

    @property
    def exit_code(self) -> int:
        """0 when all went well, 1 when some sources or deliveries failed."""
        return 1 if (self.sources_failed or self.alerts_failed) else 0


def compile_config_rules(config: Config):
    """Compile every configured rule into one matcher; ConfigError points at the bad query."""
    try:
        return compile_rules([(r.name, r.query) for r in config.rules], aliases=config.aliases)
    except RuleSyntaxError as exc:
        from .config import rule_key_line
        rule = next((r for r in config.rules if r.name == exc.rule), None)
        line = rule_key_line(rule) if rule else None
        raise ConfigError([Problem(rule.file if rule else str(config.path), line,
                                   f"rules.{exc.rule}.query", f"column {exc.column}: {exc.message}")]) from exc


def due_sources(config: Config, db, names: Iterable[str] | None = None, now: datetime | None = None):
    """The sources to fetch now: the named ones, or every source whose interval has passed."""
    if names:
        wanted = list(names)
        unknown = [n for n in wanted if n not in {s.name for s in config.sources}]
        if unknown:
            raise ConfigError([Problem(str(config.path), None, "--source",
                                       f"unknown source {n!r}; configured: "
                                       + ", ".join(s.name for s in config.sources)) for n in unknown])
        return [s for s in config.sources if s.name in wanted]
    now = now or datetime.now(timezone.utc)
    state = storage.sources_state(db)
    due = []
    for s in config.sources:
        last = state.get(s.name, {}).get("last_fetch_at")
        if not last:
            due.append(s)
            continue
        streak = state[s.name].get("error_streak") or 0
        # Back off after failures, up to 8x the interval (capped at a day).
        wait = min(s.interval_s * (2 ** min(streak, 3)), max(s.interval_s, 86400))
        last_dt = datetime.fromisoformat(last.replace("Z", "+00:00"))
        # A little slack so that a cron job every interval does not skip a beat.
        if now >= last_dt + timedelta(seconds=wait) - timedelta(seconds=min(60, wait / 10)):
            due.append(s)
    return due


def prepare_context(config_path: str | Path | None, source_names=None, *, config: Config | None = None,
                    all_sources: bool = False) -> RunContext:
    """Load config, open the database, compile rules and start a run row."""
    config = config or load(config_path)
    matcher = compile_config_rules(config)
    db = storage.open_db(config.database)
    storage.sync_sources(db, [
        {"name": s.name, "kind": s.kind, "url": s.url, "lang": s.lang, "interval_s": s.interval_s}
        for s in config.sources
    ])
    sources = config.sources if all_sources else due_sources(config, db, source_names)
    run_id = storage.start_run(db)
    return RunContext(config=config, db=db, matcher=matcher, run_id=run_id, sources=sources)


class _RunLock:
    """An exclusive lock beside the database, so two runs never overlap."""

    def __init__(self, database: Path):
        self.path = Path(str(database) + ".lock")

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self.fd)
            raise RunLockedError(
                f"another newswatch run is using {self.path.with_suffix('')} (lock file {self.path}); "
                "wait for it to finish, or run again later") from None
        os.ftruncate(self.fd, 0)
        os.write(self.fd, str(os.getpid()).encode())
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)


def run_once(config: Config, source_names: Iterable[str] | None = None, *, alerts: bool = True,
             all_sources: bool = False, on_fetch: Callable[[FetchResult], None] | None = None,
             throttle: bool = True, log_level: str = "ERROR") -> RunReport:
    """Fetch the due sources, match and store their items, then deliver pending alerts."""
    with _RunLock(config.database):
        ctx = prepare_context(None, source_names, config=config, all_sources=all_sources)
        ctx.on_fetch = on_fetch
        report = RunReport(run_id=ctx.run_id)
        report.skipped = [f"{s.name} (kind {s.kind!r} is not crawled yet)"
                          for s in ctx.sources if s.kind != "feed"]
        if any(s.kind == "feed" for s in ctx.sources):
            crawl(ctx, log_level=log_level)
        report.fetches = list(ctx.results.values())
        report.counts = dict(ctx.counts)
        if alerts:
            deliver(ctx.db, config, report, throttle=throttle)
        errors = {f.source: f.error for f in report.fetches if not f.ok}
        if report.delivery_errors:
            errors["alerts"] = "; ".join(report.delivery_errors[:5])
        storage.finish_run(ctx.db, ctx.run_id, {
            "sources_ok": sum(1 for f in report.fetches if f.ok),
            "sources_failed": report.sources_failed,
            "items_new": ctx.counts.get("items_new", 0),
            "items_updated": ctx.counts.get("items_updated", 0),
            "matches_new": ctx.counts.get("matches_new", 0),
            "alerts_sent": report.alerts_sent,
            "alerts_failed": report.alerts_failed,
        }, errors)
        return report


def deliver(db, config: Config, report: RunReport | None = None, *, throttle: bool = True):
    """Send due alerts through the notifier; fold the outcome into ``report``."""
    from .notifier import build_channels, deliver_pending

    channels = build_channels(config.notify.urls, str(config.notify.apprise_config)
                              if config.notify.apprise_config else None)
    result = deliver_pending(db, channels, max_attempts=config.notify.max_attempts,
                             templates_dir=config.notify.templates_dir, throttle=throttle)
    if report is not None:
        report.alerts_sent += result.sent
        report.alerts_failed += result.failed + result.dead
        report.delivery_errors.extend(result.errors)
    return result
