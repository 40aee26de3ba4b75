"""The locks beside a database: one run at a time, one watch per database.

Each lock is an exclusive flock on a file next to the database
(``newswatch.db.lock`` for runs, ``newswatch.db.watch.lock`` for the watch);
the file says who holds it, so a refused process can name the one in its
way. The kernel releases an flock when its holder exits, however it exits,
so a killed run never leaves a stale lock behind.

Errors: :class:`RunLockedError` when the lock is held (the message says by
whom and what to do), :class:`newswatch.storage.StorageError` when the lock
file cannot be created.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from .schedule import now_iso
from .storage import StorageError

__all__ = ["RunLock", "RunLockedError", "WatchLock", "holder"]


class RunLockedError(Exception):
    """Another newswatch run (or a second watch) is using this database; the message says which."""


class _FileLock:
    """An exclusive flock on a file beside the database; the file says who holds it."""

    suffix = ".lock"
    role = "newswatch run"

    def __init__(self, database: Path):
        self.database = Path(database)
        self.path = Path(str(database) + self.suffix)
        self.fd: int | None = None

    def __enter__(self):
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:  # a file where the folder should be, no permission, ...
            raise StorageError(f"cannot open database {self.database}: {exc}") from None
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self.fd)
            raise RunLockedError(self.busy_message(holder(self.path))) from None
        os.ftruncate(self.fd, 0)
        os.write(self.fd, f"pid {os.getpid()}, {self.role}, since {now_iso()}".encode())
        os.register_at_fork(after_in_child=self._close_in_child)
        return self

    def _close_in_child(self) -> None:
        # A forked child (a feed-reading worker) must not hold the lock alive
        # after this process has died.
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def __exit__(self, *exc):
        os.ftruncate(self.fd, 0)
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)
        self.fd = None

    def busy_message(self, who: str | None) -> str:
        msg = (f"another newswatch run is using {self.database} ({who or 'lock file ' + str(self.path)}); "
               "it stops by itself when its sources are fetched: wait for it to finish, or run again later")
        watcher = holder(WatchLock(self.database).path)
        if watcher:
            msg += f". `newswatch watch` ({watcher}) runs this database's sources as they come due"
        return msg


class RunLock(_FileLock):
    """Two runs (cron, systemd, a `watch` cycle, by hand) never overlap on one database."""


class WatchLock(_FileLock):
    """One `newswatch watch` per database."""

    suffix = ".watch.lock"
    role = "newswatch watch"

    def busy_message(self, who: str | None) -> str:
        return (f"newswatch watch is already running for {self.database} ({who or 'lock file ' + str(self.path)}); "
                "stop it first (systemctl stop, or SIGTERM to that pid)")


def holder(lock_path: Path) -> str | None:
    """Who holds the lock file at ``lock_path`` ("pid 123, newswatch run, since ..."), or None when free."""
    try:
        fd = os.open(lock_path, os.O_RDONLY)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return os.read(fd, 200).decode("utf-8", "replace").strip() or "another process"
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
