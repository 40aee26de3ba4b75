"""``newswatch watch``: a long-running scheduler that runs each source when it is due.

When a source is due is :mod:`newswatch.schedule`'s business (the same due
times as a cron-started ``newswatch run``); the watch adds a random delay of
up to ``[crawl] jitter`` (at most a tenth of the interval) so sources do not
all fire at once.

How the watch runs a cycle: each cycle is a child process,
``newswatch run -c FILE --source A --source B ...``, for the sources due now,
started through the installed ``newswatch`` command of this Python (see
:func:`newswatch_command`). Scrapy's Twisted reactor cannot be restarted
inside one process, and a child per cycle also means a crash, a leak or a
hung site in one cycle never takes the scheduler down. Every
``deliver_every`` the watch runs ``newswatch alerts send --digest`` the same
way, so alerts waiting for a retry and digests go out on time even when no
source is due. The child takes the same lock as a cron-started run, so the
two never overlap; a second watch on the same database refuses to start.

Stopping: on SIGTERM or SIGINT the watch stops planning, passes SIGTERM to a
running cycle (Scrapy then finishes the requests in flight and stores what it
has; sources whose article pages were not all fetched are recorded as
interrupted and read again next time), and exits 0. A cycle that has not
finished after ``grace`` seconds is stopped harder, so the watch is gone
within 10 s.

Errors: :class:`newswatch.locks.RunLockedError` when another watch holds the
database, :class:`newswatch.config.ConfigError` when the configuration cannot
be used at the start (later, a broken edit keeps the previous configuration).
"""

from __future__ import annotations

import os
import random
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from . import storage
from .config import ConfigError, load
from .locks import RunLockedError, WatchLock
from .schedule import due_time, jitter_for

#: Due sources passed as ``--source`` arguments; more go to ``run --sources-from``.
MAX_NAMED_SOURCES = 20

__all__ = ["RunLockedError", "Watch", "WatchOptions", "newswatch_command"]


def newswatch_command() -> list[str]:
    """The command that starts newswatch in a child process, as a list for subprocess.

    The ``newswatch`` console script installed beside this Python (the one
    in a virtualenv's bin/), else ``python -m newswatch`` with this Python.
    """
    script = shutil.which("newswatch", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "newswatch"]


@dataclass
class WatchOptions:
    deliver_every_s: float = 60.0  # how often `alerts send --digest` runs
    grace_s: float = 6.0  # on stop: how long a running cycle may take to finish
    retry_s: float = 30.0  # a due source that a cycle did not fetch waits this long
    batch_window_s: float = 5.0  # sources due within this window run in the same cycle
    max_cycles: int | None = None  # stop after this many cycles (for tests and one-offs)


class _Waker:
    """Wakes a waiting loop from a signal handler or another thread.

    A self-pipe rather than a threading.Event: a signal handler that calls
    Event.set() while the main thread is inside that Event's lock deadlocks.
    """

    def __init__(self) -> None:
        self._r, self._w = os.pipe()
        os.set_blocking(self._r, False)
        os.set_blocking(self._w, False)

    def wake(self) -> None:
        try:
            os.write(self._w, b"!")
        except (BlockingIOError, OSError):
            pass  # already awake (pipe full) or closed

    def wait(self, timeout: float | None = None) -> None:
        """Block until woken or ``timeout`` seconds pass, then forget earlier wakes."""
        select.select([self._r], [], [], None if timeout is None else max(0.0, timeout))
        try:
            while os.read(self._r, 4096):
                pass
        except (BlockingIOError, OSError):
            pass

    def close(self) -> None:
        os.close(self._r)
        os.close(self._w)


@dataclass
class _Planned:
    base: datetime | None  # due time from the database (None: never fetched)
    at: datetime  # base plus jitter, or a retry time


@dataclass
class Watch:
    """The ``newswatch watch`` loop over one configuration file.

    ``say`` prints one line of progress. ``stop`` ends the loop when set
    (:meth:`request_stop`, which the signal handlers call, also wakes it); the
    loop never polls, it waits until a signal, a finished cycle or the next
    due time wakes it.
    """

    config_path: Path
    options: WatchOptions = field(default_factory=WatchOptions)
    say: Callable[[str], None] = print
    stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._wake = _Waker()
        self._plan: dict[str, _Planned] = {}
        self._child: subprocess.Popen | None = None
        self._rng = random.Random()
        self.cycles = 0

    # -- public ---------------------------------------------------------------

    def request_stop(self, signum: int | None = None, _frame=None) -> None:
        """Ask the loop to end (safe to call from a signal handler or another thread)."""
        self.stop.set()
        self._wake.wake()

    def install_signal_handlers(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self.request_stop)

    def run(self) -> int:
        """Run until stopped; returns the exit code (0 after a clean stop)."""
        config = load(self.config_path)
        with WatchLock(config.database):
            db = storage.open_db(config.database)
            storage.sync_sources(db, [
                {"name": s.name, "kind": s.kind, "url": s.url, "lang": s.lang, "interval_s": s.interval_s}
                for s in config.sources
            ])
            self.say(f"newswatch watch: {len(config.sources)} sources in {config.path}, "
                     f"database {config.database}; stop with SIGTERM or Ctrl-C")
            next_delivery = time.monotonic() + self.options.deliver_every_s
            while not self.stop.is_set():
                try:
                    config = load(self.config_path)  # pick up edits between cycles
                except ConfigError as exc:
                    self.say(f"configuration has problems, keeping the previous one: {exc}")
                now = datetime.now(UTC)
                self._replan(config, storage.sources_state(db), now)
                window = now + timedelta(seconds=self.options.batch_window_s)
                due = sorted(n for n, p in self._plan.items() if p.at <= window)
                if due:
                    before = storage.sources_state(db)
                    self._run_cycle(due)
                    self.cycles += 1
                    self._hold_unfetched(due, before, storage.sources_state(db))
                    next_delivery = time.monotonic() + self.options.deliver_every_s
                    if self.options.max_cycles and self.cycles >= self.options.max_cycles:
                        break
                    continue
                if time.monotonic() >= next_delivery:
                    self._cycle(["alerts", "send", "--digest"], "deliver alerts and digests")
                    next_delivery = time.monotonic() + self.options.deliver_every_s
                    continue
                self._sleep_until(min((p.at for p in self._plan.values()), default=None), next_delivery)
            self.say("newswatch watch: stopped")
        return 0

    # -- planning ---------------------------------------------------------------

    def _replan(self, config, state: dict, now: datetime) -> None:
        """Each source's next due time: from the database, plus jitter chosen once per due time."""
        plan: dict[str, _Planned] = {}
        for s in config.sources:
            base = due_time(s.interval_s, state.get(s.name))
            old = self._plan.get(s.name)
            if old is not None and old.base == base:
                plan[s.name] = old  # same due time: keep its jitter (or its retry time)
                continue
            start = base or now
            plan[s.name] = _Planned(base, start + timedelta(
                seconds=jitter_for(s.interval_s, config.crawl.jitter_s, self._rng)))
        self._plan = plan

    def _hold_unfetched(self, names: list[str], before: dict, after: dict) -> None:
        """A due source the cycle did not fetch (another run held the lock) waits ``retry_s``."""
        retry = datetime.now(UTC) + timedelta(seconds=self.options.retry_s)
        for name in names:
            planned = self._plan.get(name)
            if planned is not None and (after.get(name) or {}).get("last_fetch_at") == \
                    (before.get(name) or {}).get("last_fetch_at"):
                planned.at = retry

    def _sleep_until(self, due: datetime | None, next_delivery: float) -> None:
        timeout = next_delivery - time.monotonic()
        if due is not None:
            timeout = min(timeout, (due - datetime.now(UTC)).total_seconds())
        if timeout > 0:
            self._wake.wait(timeout)

    # -- cycles -----------------------------------------------------------------

    def _run_cycle(self, due: list[str]) -> None:
        """``newswatch run`` for the ``due`` sources; many names go through a file.

        Tens of thousands of ``--source`` arguments would outgrow the system's
        limit on a command line (E2BIG), and a line naming them all would
        flood the log.
        """
        what = f"cycle {self.cycles + 1}: run "
        if len(due) <= MAX_NAMED_SOURCES:
            self._cycle(["run", *(arg for name in due for arg in ("--source", name))],
                        what + ", ".join(due))
            return
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt",
                                         prefix="newswatch-due-") as names:
            names.write("\n".join(due) + "\n")
            names.flush()
            self._cycle(["run", "--sources-from", names.name],
                        what + f"{len(due):,} sources ({', '.join(due[:3])}, ...)")

    def _cycle(self, args: list[str], what: str) -> int | None:
        """Run ``newswatch ARGS -c FILE`` as a child; stop it if the watch is stopped."""
        cmd = [*newswatch_command(), *args, "-c", str(self.config_path)]
        started = time.monotonic()
        self.say(what)
        # A session of its own: a Ctrl-C in the terminal reaches only the watch,
        # which passes one SIGTERM on (a second would make Scrapy stop uncleanly).
        self._child = subprocess.Popen(cmd, start_new_session=True, env={**os.environ, "NO_COLOR": "1"})
        waiter = threading.Thread(target=self._wait_child, args=(self._child,), daemon=True)
        waiter.start()
        while self._child.poll() is None:
            if self.stop.is_set():
                self._stop_child(self._child)
                break
            self._wake.wait()
        code = self._child.wait()
        self._child = None
        self.say(f"  done in {time.monotonic() - started:.1f}s (exit code {code})")
        return code

    def _wait_child(self, child: subprocess.Popen) -> None:
        child.wait()
        self._wake.wake()

    def _stop_child(self, child: subprocess.Popen) -> None:
        """SIGTERM (Scrapy's graceful stop); again after ``grace`` (forced); SIGKILL as a last resort."""
        for sig, wait in ((signal.SIGTERM, self.options.grace_s), (signal.SIGTERM, 1.5), (signal.SIGKILL, 1.0)):
            if child.poll() is not None:
                return
            try:
                child.send_signal(sig)
            except ProcessLookupError:
                return
            try:
                child.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue
