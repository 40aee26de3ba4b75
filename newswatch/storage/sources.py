"""Configured sources and their fetch history."""

from __future__ import annotations

import sqlite3
from typing import Any, Iterable

from sqlite_utils import Database

from .database import StorageError


def sync_sources(db: Database, sources: Iterable[dict[str, Any]]) -> None:
    """Insert or update the configured sources, keeping their fetch state."""
    with db.atomic():
        for src in sources:
            row = {k: src.get(k) for k in ("name", "kind", "url", "lang", "interval_s")}
            if db["sources"].count_where("name = ?", [row["name"]]):
                db["sources"].update(row["name"], row)
            else:
                db["sources"].insert(row, pk="name")


def sources_state(db: Database) -> dict[str, dict]:
    """Each source's stored state (ETag, Last-Modified, body hash, error streak...)."""
    return {row["name"]: row for row in db["sources"].rows}


def record_fetches(db: Database, fetches: Iterable[dict[str, Any]]) -> None:
    """Store fetch rows and fold each into its source's state, in one transaction.

    Each fetch dict has the fetches columns plus ``ok`` and, for a successful
    fetch, the validators (``etag``, ``last_modified``, ``body_hash``) to keep.
    Validators are saved only here, after the items are stored, so a crash
    mid-run means the feed is fetched and read again rather than skipped.
    """
    try:
        _record_fetches(db, fetches)
    except sqlite3.Error as exc:
        from .items import _db_file
        raise StorageError(f"cannot record fetches in {_db_file(db)}: {exc}") from exc


def _record_fetches(db: Database, fetches: Iterable[dict[str, Any]]) -> None:
    with db.atomic():
        for f in fetches:
            f = dict(f)
            ok = f.pop("ok")
            state = {k: f.pop(k, None) for k in ("etag", "last_modified", "body_hash", "next_due_at")}
            db["fetches"].insert(f, pk="id")
            src = db["sources"].get(f["source"])
            upd: dict[str, Any] = {"last_fetch_at": f["fetched_at"]}
            if state["next_due_at"]:
                upd["next_due_at"] = state["next_due_at"]
            if ok:
                upd.update(last_ok_at=f["fetched_at"], error_streak=0, last_error=None)
                for k in ("etag", "last_modified", "body_hash"):
                    if state[k] is not None:
                        upd[k] = state[k]
            else:
                upd.update(error_streak=(src.get("error_streak") or 0) + 1, last_error=f.get("error"))
            db["sources"].update(f["source"], upd)


def source_health(db: Database) -> list[dict]:
    """Sources with their last fetch and item counts, for ``newswatch status``."""
    return list(
        db.query(
            """
            select s.name, s.kind, s.url, s.last_fetch_at, s.last_ok_at, s.error_streak,
                   s.last_error, s.next_due_at,
                   (select count(*) from items i where i.source = s.name) as items,
                   (select max(published) from items i where i.source = s.name) as newest
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
