"""One crawl-match-store-alert cycle: what ``newswatch run`` (and the demo) calls.

Errors: :class:`newswatch.config.ConfigError` for a configuration that cannot
be used (exit 2), :class:`newswatch.storage.StorageError` for a database that
cannot be written, :class:`RunLockedError` when another run holds the lock.
Source and delivery failures never raise: they are recorded and reported.
"""

from __future__ import annotations

import signal
import sqlite3
import threading
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field

from .. import storage
from ..crawlers import FetchResult, crawl, prepare_context
from ..locks import RunLock, RunLockedError
from .delivery import deliver_due, notify_ops
from .discovering import discover, rule_links
from .following import FollowReport, find_follow_ups
from .loading import ConfigLike, as_config
from .spikes import queue_spike_alerts

__all__ = ["RunLockedError", "RunReport", "run"]


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
    follows: FollowReport = field(default_factory=FollowReport)

    @property
    def sources_failed(self) -> int:
        return sum(1 for f in self.fetches if not f.ok)

    @property
    def exit_code(self) -> int:
        """0 when all went well, 1 when some sources or deliveries failed."""
        return 1 if (self.sources_failed or self.alerts_failed) else 0


def run(config: ConfigLike = None, sources: Iterable[str] | None = None, *, alerts: bool = True,
        all_sources: bool = False, on_fetch: Callable[[FetchResult], None] | None = None,
        throttle: bool = True, log_level: str = "ERROR",
        on_notice: Callable[[str], None] | None = None) -> RunReport:
    """Fetch the due sources, match and store their items, then deliver pending alerts.

    ``sources`` names the sources to fetch, due or not; ``all_sources``
    fetches every one. ``on_fetch`` is called with each source's
    :class:`~newswatch.crawlers.FetchResult` as it finishes; ``log_level``
    ("INFO", "DEBUG") is Scrapy's; ``on_notice`` hears when alert delivery
    will be slow (Apprise's pacing of mails to one address). Scrapy's reactor runs once per
    process: call this once per process (a script, a subprocess).

    Every kind of source runs in the same crawl. When the crawl was stopped
    by a signal, what was fetched is stored but nothing is delivered (the
    alerts stay pending for the next run), so the process ends promptly.
    """
    config = as_config(config)
    with RunLock(config.database), _StopSignals() as stop, ExitStack() as finish:
        ctx = prepare_context(None, sources, config=config, all_sources=all_sources)
        # Closed here, not left to the end of the process: the last connection to close
        # copies the run's write-ahead log into the database file and deletes the log,
        # so that the file alone holds everything and the next run need not recover it.
        finish.callback(ctx.db.close)
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
        if finished and not stop.requested and not ctx.storage_error and config.spikes:
            # After matching, before delivery: a spike found now goes out in this run.
            report.counts["spike_alerts"] = queue_spike_alerts(config, ctx.db, storage.now_iso())
        if finished and not stop.requested and not ctx.storage_error and (config.follows or config.discovery.rules):
            # After matching, before delivery: a follow-up found now alerts in this run.
            if config.follows:
                report.follows = find_follow_ups(config, ctx.db, changed_since=ctx.now, now=storage.now_iso())
                report.counts["follow_ups"] = report.follows.follow_ups
            chosen = rule_links(config, ctx.db, ctx.now)
            if report.follows.links or chosen:  # beyond the sources, from the new follow-ups
                found = discover(config, ctx, report.follows, storage.now_iso(),
                                 should_stop=lambda: stop.requested, links_of=chosen)
                report.counts["discovered_fetched"], report.counts["discovered_kept"] = found.fetched, found.kept
                report.counts["follow_ups"] = report.follows.follow_ups
            report.counts["alerts_new"] = report.counts.get("alerts_new", 0) + report.follows.alerts
        if ctx.storage_error:
            # Apprise would send, then marking the alert sent would fail: it would go out twice.
            report.skipped.append("alert delivery (the database cannot be written; alerts stay pending)")
        elif not finished or stop.requested:
            report.skipped.append("alert delivery (the run was stopped; alerts stay pending)")
        elif alerts:
            deliver_due(ctx.db, config, report, throttle=throttle, should_stop=lambda: stop.requested,
                        on_notice=on_notice)
            notify_ops(config, before, report, throttle=throttle)
        errors = {f.source: f.error for f in report.fetches if not f.ok}
        for name, error in report.follows.seeds_failed.items():
            errors[f"follow:{name}"] = f"seed article not fetched: {error}"
        if report.delivery_errors:
            errors["alerts"] = "; ".join(report.delivery_errors[:5])
        try:
            storage.finish_run(ctx.db, ctx.run_id, {
                "sources_ok": sum(1 for f in report.fetches if f.ok),
                "sources_failed": report.sources_failed,
                "items_new": ctx.counts.get("items_new", 0),
                "items_updated": ctx.counts.get("items_updated", 0),
                "matches_new": ctx.counts.get("matches_new", 0) + report.follows.follow_ups,
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

    def __enter__(self) -> _StopSignals:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                self._saved[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        for sig, handler in self._saved.items():
            signal.signal(sig, handler)
