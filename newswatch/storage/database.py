"""Opening the database: WAL, foreign keys, a busy timeout, pending migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from .schema import migrations


class StorageError(Exception):
    """The database could not be opened or written; the message names the file."""


def wrap_connection(conn: sqlite3.Connection) -> Database:
    """A sqlite-utils :class:`Database` over an open connection (newswatch's own, or Datasette's)."""
    # sqlite-utils plugins installed beside newswatch would change its connections (and their
    # discovery scans every installed package at start-up): the store behaves the same everywhere.
    return Database(conn, execute_plugins=False)


def open_reader(path: str | Path, busy_timeout_s: float = 5.0) -> sqlite3.Connection:
    """A read-only connection to the newswatch database at ``path``, for a process that only
    looks things up while the run writes (WAL lets it read beside the writer)."""
    try:
        return sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True, timeout=busy_timeout_s)
    except sqlite3.Error as exc:
        raise StorageError(f"cannot open database {path}: {exc}") from exc


def open_db(path: str | Path, *, migrate: bool = True, busy_timeout_s: float = 30.0) -> Database:
    """Open (creating if needed) the newswatch database at ``path``.

    Turns on WAL so that Datasette can read while a crawl writes, waits up to
    ``busy_timeout_s`` for another writer, and applies pending migrations.
    """
    path = Path(path)
    try:
        if path.parent and not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=busy_timeout_s, check_same_thread=False)
        db = wrap_connection(conn)
        db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        db.enable_wal()
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA synchronous = NORMAL")
        if migrate:
            migrations.apply(db)
    except (sqlite3.Error, OSError) as exc:
        raise StorageError(f"cannot open database {path}: {exc}") from exc
    return db
