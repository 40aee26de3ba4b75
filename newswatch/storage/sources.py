"""Configured sources and their fetch history."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

from .database import StorageError


def sync_sources(db: Database, sources: Iterable[dict[str, Any]]) -> None:
    """Insert or update the configured sources, keeping their fetch state."""
    rows = [[src.get(k) for k in ("name", "kind", "url", "lang", "interval_s")] for src in sources]
    with db.atomic():
        # An upsert that leaves the fetch-state columns alone.
        db.conn.executemany(
            "insert into sources (name, kind, url, lang, interval_s) values (?, ?, ?, ?, ?) "
            "on conflict(name) do update set kind = excluded.kind, url = excluded.url, "
            "lang = excluded.lang, interval_s = excluded.interval_s",
            rows,
        )


def sources_state(db: Database) -> dict[str, dict]:
    """Each source's stored state (ETag, Last-Modified, body hash, error streak...)."""
    return {row["name"]: row for row in db["sources"].rows}


def record_fetches(db: Database, fetches: Iterable[dict[str, Any]]) -> None:
    """Store fetch rows and fold each into its source's state, in one transaction.

    Each fetch dict has the fetches columns plus ``ok`` and, for a successful
    fetch, the validators (``etag``, ``last_modified``, ``body_hash``) to keep.
    A fetch with ``not_stored`` (its items could not be written) leaves the
    source's schedule as it was, so the next run reads it again.
    Validators are saved only here, after the items are stored, so a crash
    mid-run means the feed is fetched and read again rather than skipped.
    """
    try:
        _record_fetches(db, fetches)
    except sqlite3.Error as exc:
        from .items import _db_file
        raise StorageError(f"cannot record fetches in {_db_file(db)}: {exc}") from exc


_FETCH_COLUMNS = ("run_id", "source", "url", "status", "items", "items_new", "duration_ms", "error",
                  "fetched_at", "mojibake", "skipped", "skipped_why")


def _record_fetches(db: Database, fetches: Iterable[dict[str, Any]]) -> None:
    fetches = list(fetches)
    ok = [f for f in fetches if f["ok"]]
    failed = [f for f in fetches if not f["ok"] and not f.get("not_stored")]
    # Items that could not be stored (a full disk) are this machine's failure,
    # not the source's: it keeps its schedule, and is due again at once.
    not_stored = [f for f in fetches if not f["ok"] and f.get("not_stored")]
    # One statement per kind of change, run for every source at once: a run
    # with a thousand sources used to spend seconds on per-row round trips.
    with db.atomic():
        db.conn.executemany(
            f"insert into fetches ({', '.join(_FETCH_COLUMNS)}) values ({', '.join('?' for _ in _FETCH_COLUMNS)})",
            [[f.get(c) for c in _FETCH_COLUMNS] for f in fetches],
        )
        db.conn.executemany(
            "update sources set last_fetch_at = ?, next_due_at = coalesce(?, next_due_at), "
            "last_ok_at = ?, error_streak = 0, last_error = null, "
            "etag = coalesce(?, etag), last_modified = coalesce(?, last_modified), "
            "body_hash = coalesce(?, body_hash), feed_title = coalesce(?, feed_title) where name = ?",
            [[f["fetched_at"], f.get("next_due_at"), f["fetched_at"], f.get("etag"),
              f.get("last_modified"), f.get("body_hash"), f.get("feed_title"), f["source"]] for f in ok],
        )
        db.conn.executemany(
            "update sources set last_fetch_at = ?, next_due_at = coalesce(?, next_due_at), "
            "error_streak = coalesce(error_streak, 0) + 1, last_error = ? where name = ?",
            [[f["fetched_at"], f.get("next_due_at"), f.get("error"), f["source"]] for f in failed],
        )
        db.conn.executemany("update sources set last_error = ? where name = ?",
                            [[f.get("error"), f["source"]] for f in not_stored])
        db.conn.executemany("update sources set mojibake_items = coalesce(mojibake_items, 0) + ? where name = ?",
                            [[f["mojibake"], f["source"]] for f in fetches if f.get("mojibake")])


# A fetch that read the source's document: not a 304 or an unchanged body, not a failure.
_READ = "f.error is null and coalesce(f.status, '') not in ('not-modified', 'unchanged')"


def source_health(db: Database) -> list[dict]:
    """Sources with their last fetch and item counts, for ``newswatch status``; ``skipped``
    and ``skipped_why`` are the entries left out, and why, by the last fetch that read the
    source (a 304 or an unchanged body reads nothing, and the gap it found is still there)."""
    return list(
        db.query(
            f"""
            select s.name, s.kind, s.url, s.feed_title, s.last_fetch_at, s.last_ok_at, s.error_streak,
                   s.last_error, s.next_due_at, s.mojibake_items,
                   (select count(*) from items i where i.source = s.name) as items,
                   (select max(published) from items i where i.source = s.name) as newest,
                   (select f.skipped from fetches f where f.source = s.name and {_READ}
                    order by f.fetched_at desc, f.rowid desc limit 1) as skipped,
                   (select f.skipped_why from fetches f where f.source = s.name and {_READ}
                    order by f.fetched_at desc, f.rowid desc limit 1) as skipped_why
            from sources s order by s.name
            """
        )
    )


def latest_item(db: Database, source: str) -> dict | None:
    """The item of ``source`` stored last (a page watch's previous snapshot), or None."""
    for row in db.query("select * from items where source = ? order by fetched_at desc, rowid desc limit 1",
                        [source]):
        return row
    return None


def last_complete_fetch(db: Database, source: str) -> str | None:
    """When ``source`` was last fetched without error and without interruption (UTC ISO), or None."""
    row = db.execute(
        "select max(fetched_at) from fetches where source = ? and error is null"
        " and coalesce(status, '') not in ('interrupted', 'error')", [source]).fetchone()
    return row[0] if row else None


def item_times(db: Database, source: str, limit: int = 30) -> list[str]:
    """The newest items' times of ``source`` (published, else first seen), newest first."""
    return [r[0] for r in db.execute(
        "select min(coalesce(published, fetched_at), fetched_at) as t from items where source = ?"
        " order by t desc limit ?", [source, limit]).fetchall() if r[0]]
