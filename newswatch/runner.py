"""One crawl-match-store-alert cycle: what ``newswatch run`` (and the demo) calls.

Errors: :class:`newswatch.config.ConfigError` for a configuration that cannot
be used (exit 2), :class:`newswatch.storage.StorageError` for a database that
cannot be written, :class:`RunLockedError` when another run holds the lock.
Source and delivery failures never raise: they are recorded and reported.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterable

from . import storage
from .config import Config, ConfigError, Problem, load
from .crawlers import FetchResult, RunContext, crawl
from .locks import RunLock as _RunLock
from .locks import RunLockedError  # noqa: F401 - re-exported: callers catch it from here
from .rules import RuleSyntaxError, compile_rules
from .schedule import backoff_wait, due_time


@dataclass
class RunReport:
    """What a run did, for the summary table and the exit code."""

    run_id: int
    fetches: list[FetchResult] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    alerts_sent: int = 0
    alerts_failed: int = 0
    alerts_deferred: int = 0  # over a tag's max_per_hour: they go into the next digest
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
    now = now or datetime.now(timezone.utc)
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
    matcher = compile_config_rules(config)
    db = storage.open_db(config.database)
    storage.sync_sources(db, [
        {"name": s.name, "kind": s.kind, "url": s.url, "lang": s.lang, "interval_s": s.interval_s}
        for s in config.sources
    ])
    sources = config.sources if all_sources else due_sources(config, db, source_names)
    run_id = storage.start_run(db)
    return RunContext(config=config, db=db, matcher=matcher, run_id=run_id, sources=sources)


def run_once(config: Config, source_names: Iterable[str] | None = None, *, alerts: bool = True,
             all_sources: bool = False, on_fetch: Callable[[FetchResult], None] | None = None,
             throttle: bool = True, log_level: str = "ERROR") -> RunReport:
    """Fetch the due sources, match and store their items, then deliver pending alerts.

    Every kind of source runs in the same crawl. When the crawl was stopped
    by a signal, what was fetched is stored but nothing is delivered (the
    alerts stay pending for the next run), so the process ends promptly.
    """
    with _RunLock(config.database), _StopSignals() as stop:
        ctx = prepare_context(None, source_names, config=config, all_sources=all_sources)
        ctx.on_fetch = on_fetch
        report = RunReport(run_id=ctx.run_id)
        before = {name: dict(row) for name, row in ctx.state.items()}
        if ctx.sources and not stop.requested:
            finished = crawl(ctx, log_level=log_level, stop_requested=lambda: stop.requested)
            stop.reinstall()  # Scrapy replaced our handlers for the crawl
        else:
            finished = not stop.requested
        report.fetches = list(ctx.results.values())
        report.counts = dict(ctx.counts)
        if ctx.storage_error:
            # Apprise would send, then marking the alert sent would fail: it would go out twice.
            report.skipped.append("alert delivery (the database cannot be written; alerts stay pending)")
        elif not finished or stop.requested:
            report.skipped.append("alert delivery (the run was stopped; alerts stay pending)")
        elif alerts:
            deliver(ctx.db, config, report, throttle=throttle, should_stop=lambda: stop.requested)
            notify_ops(config, before, report, throttle=throttle)
        errors = {f.source: f.error for f in report.fetches if not f.ok}
        if report.delivery_errors:
            errors["alerts"] = "; ".join(report.delivery_errors[:5])
        try:
            storage.finish_run(ctx.db, ctx.run_id, {
                "sources_ok": sum(1 for f in report.fetches if f.ok),
                "sources_failed": report.sources_failed,
                "items_new": ctx.counts.get("items_new", 0),
                "items_updated": ctx.counts.get("items_updated", 0),
                "matches_new": ctx.counts.get("matches_new", 0),
                "alerts_sent": report.alerts_sent,
                "alerts_failed": report.alerts_failed,
            }, errors)
        except sqlite3.Error:
            if not ctx.storage_error:
                raise
        if ctx.storage_error:
            raise storage.StorageError(
                f"{ctx.storage_error}; free some space (or fix the database) and run again: "
                "sources whose items were not stored are read again, and pending alerts are sent then")
        return report


class _StopSignals:
    """SIGTERM and SIGINT during a run ask it to stop instead of killing it.

    Scrapy handles them while it crawls; before and after, a signal sets
    ``requested`` so the run records how it ended (no row left "running")
    and skips delivery. Only installed in the main thread (signal's rule).
    """

    def __init__(self) -> None:
        self.requested = False
        self._saved: dict[int, object] = {}

    def _handle(self, signum, _frame) -> None:
        self.requested = True

    def reinstall(self) -> None:
        for sig in self._saved:
            signal.signal(sig, self._handle)

    def __enter__(self) -> "_StopSignals":
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                self._saved[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        for sig, handler in self._saved.items():
            signal.signal(sig, handler)


def notify_ops(config: Config, before: dict[str, dict], report: RunReport, *, throttle: bool = True) -> None:
    """Tell the ``ops`` tag, if one is configured, which sources broke or recovered in this run."""
    from .health import FAILING_AFTER, transitions

    changes = transitions(before, report.fetches)
    if not changes:
        return
    from .notifier import build_channels
    from .notifier.ops import send_text

    channels = build_channels(config.notify.urls, str(config.notify.apprise_config)
                              if config.notify.apprise_config else None)
    for what, fetch in changes:
        if what == "broken":
            title = f"newswatch: source {fetch.source} is failing"
            body = (f"{fetch.source} failed {FAILING_AFTER} times in a row; newswatch keeps trying, "
                    f"less often.\nLast error: {fetch.error}\nURL: {fetch.url}")
        else:
            title = f"newswatch: source {fetch.source} works again"
            body = f"{fetch.source} was fetched successfully ({fetch.status}).\nURL: {fetch.url}"
        error = send_text(channels, "ops", title, body, throttle=throttle)
        if error:
            report.delivery_errors.append(f"ops notice about {fetch.source}: {error}")


def deliver(db, config: Config, report: RunReport | None = None, *, throttle: bool = True,
            digests: bool = True, now: str | None = None, should_stop=None):
    """Send due alerts, then (with ``digests``) due digests; fold the outcome into ``report``.

    Returns the notifier's DeliveryReport: ``sent`` alerts and ``digests_sent``;
    ``failed``/``dead``/``errors`` cover both. ``now`` (UTC ISO 8601, default
    ``$NEWSWATCH_NOW``, else the real time) sets the outbox clock only, for
    tests and for sending what would be due at another time. ``should_stop``
    (a SIGTERM during a run) ends delivery between two sends; the rest stay pending.
    """
    from .notifier import build_channels, deliver_digests, deliver_pending, schedules_for

    now = now or os.environ.get("NEWSWATCH_NOW") or None
    if now is not None:
        now = _outbox_clock(now)
    channels = build_channels(config.notify.urls, str(config.notify.apprise_config)
                              if config.notify.apprise_config else None)
    result = deliver_pending(db, channels, now=now, max_attempts=config.notify.max_attempts,
                             templates_dir=config.notify.templates_dir, throttle=throttle,
                             max_per_hour=config.notify.max_per_hour, should_stop=should_stop)
    if digests and not (should_stop and should_stop()):
        sent = deliver_digests(db, channels, schedules_for(config.rules, config.notify.timezone),
                               now=now, max_attempts=config.notify.max_attempts,
                               templates_dir=config.notify.templates_dir, throttle=throttle)
        result.digests_sent += sent.sent
        result.failed += sent.failed
        result.dead += sent.dead
        result.errors.extend(sent.errors)
    if report is not None:
        report.alerts_sent += result.sent + result.digests_sent
        report.alerts_failed += result.failed + result.dead
        report.alerts_deferred += result.deferred
        report.delivery_errors.extend(result.errors)
    return result


def _outbox_clock(text: str) -> str:
    """'2026-11-28T07:30:00Z' (or any ISO 8601 with an offset) -> the outbox's UTC form."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ValueError(f"invalid time {text!r} for the outbox clock (--now / NEWSWATCH_NOW): "
                         "write UTC ISO 8601 like 2026-11-28T07:30:00Z")
    return storage.now_iso(moment)
