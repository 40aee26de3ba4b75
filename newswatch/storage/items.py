"""Items with their matches and pending alerts, written together."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlite_utils import Database

from .database import StorageError
from .stories import save_signatures

# Columns the pipeline may refresh on an item seen again; the body is only
# replaced by a non-empty one so that a feed re-read never erases full text.
_REFRESHABLE = ("title", "summary", "author", "published", "lang", "guid")


def item_id_for(canonical_url: str) -> str:
    """The items primary key: a short, stable hash of the canonical URL."""
    return hashlib.sha1(canonical_url.encode("utf-8")).hexdigest()[:16]


@dataclass
class ItemRecord:
    """One item ready for storage.

    ``existing_id`` is set when the item was seen before (by canonical URL or
    GUID): the row is refreshed and no match or alert is written for it.
    """

    item: dict[str, Any]
    existing_id: str | None = None
    matches: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    # (kind, minhash bytes) of a new item, stored with it (see crawlers/clustering.py)
    signature: tuple[str, bytes] | None = None

    @property
    def is_new(self) -> bool:
        return self.existing_id is None


def find_existing(db: Database, item_id: str, guid: str | None, source: str | None = None) -> dict | None:
    """The stored item with this id, or with this GUID (among ``source``'s items when given), or None."""
    rows = list(db.query("select id, cluster_id, body from items where id = ?", [item_id]))
    if not rows and guid:
        where, params = ("guid = ? and source = ?", [guid, source]) if source else ("guid = ?", [guid])
        rows = list(db.query(f"select id, cluster_id, body from items where {where} limit 1", params))
    return rows[0] if rows else None


def find_existing_many(db: Database, ids: list[str], guids: list[str],
                       source: str | None = None) -> dict[str, str]:
    """Stored item ids known under any of these ids or GUIDs: {id or guid: stored id}.

    A GUID names an entry within its own feed only (two sites may both call
    an entry "1"), so with ``source`` GUIDs are looked up among that
    source's items.
    """
    found: dict[str, str] = {}
    for column, keys in (("id", ids), ("guid", guids)):
        keys = [k for k in dict.fromkeys(keys) if k]
        scoped = column == "guid" and source is not None
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            sql = f"select id, {column} as k from items where {column} in ({', '.join('?' for _ in chunk)})"
            if scoped:
                sql += " and source = ?"
            for row in db.execute(sql, chunk + [source] if scoped else chunk).fetchall():
                found.setdefault(row[1], row[0])
    return found


def store_batch(db: Database, records: Iterable[ItemRecord]) -> dict[str, int]:
    """Write items, their matches and their pending alerts in ONE transaction.

    New items are inserted with their matches and alerts; items seen before
    are refreshed in place. Immediate alerts are inserted with OR IGNORE
    against the one-per-(rule, cluster, tag) index, so a story that already
    pinged never pings again. Returns counts of what was written.
    """
    counts = {"items_new": 0, "items_updated": 0, "matches_new": 0, "alerts_new": 0}
    new_items, matches, alerts, updates, signatures = [], [], [], [], []
    for rec in records:
        if rec.is_new:
            new_items.append(rec.item)
            matches.extend(_match_row(m) for m in rec.matches)
            alerts.extend(rec.alerts)
            if rec.signature is not None:
                signatures.append((rec.item["id"], *rec.signature, rec.item["fetched_at"]))
        else:
            updates.append(rec)
    try:
        with db.atomic():
            counts["items_new"] = _insert_or_ignore(db, "items", new_items)
            counts["matches_new"] = _insert_or_ignore(db, "matches", matches)
            counts["alerts_new"] = _insert_or_ignore(db, "alerts", alerts)
            save_signatures(db, signatures)
            for rec in updates:
                _refresh(db, rec.existing_id, rec.item)
                counts["items_updated"] += 1
    except sqlite3.Error as exc:
        raise StorageError(f"cannot store items in {_db_file(db)}: {exc}") from exc
    return counts


def _match_row(m: dict[str, Any]) -> dict[str, Any]:
    row = dict(m)
    for key in ("terms", "fields"):
        if not isinstance(row.get(key), str):
            row[key] = json.dumps(list(row.get(key) or []), ensure_ascii=False)
    return row


def _insert_or_ignore(db: Database, table: str, rows: list[dict[str, Any]]) -> int:
    """Insert rows, skipping those a unique key already holds; return how many went in.

    The cursor's rowcount, unlike total_changes, leaves out what triggers (the
    FTS index) wrote, so it counts exactly the rows of ``table``.
    """
    groups: dict[tuple[str, ...], list[list[Any]]] = {}
    for row in rows:
        cols = tuple(row)
        groups.setdefault(cols, []).append([row[c] for c in cols])
    added = 0
    for cols, values in groups.items():
        cur = db.conn.executemany(
            f"insert or ignore into [{table}] ({', '.join(f'[{c}]' for c in cols)}) "
            f"values ({', '.join('?' for _ in cols)})",
            values,
        )
        added += cur.rowcount
    return added


def _refresh(db: Database, item_id: str, item: dict[str, Any]) -> None:
    updates = {k: item[k] for k in _REFRESHABLE if item.get(k)}
    if item.get("body"):
        updates["body"] = item["body"]
    updates["updated_at"] = item.get("fetched_at")
    db["items"].update(item_id, updates)


def _db_file(db: Database) -> str:
    for row in db.execute("PRAGMA database_list").fetchall():
        if row[1] == "main":
            return row[2] or ":memory:"
    return "database"


def iter_items(db: Database, fts: str | None = None, since: str | None = None,
               batch: int = 500) -> Iterable[dict[str, Any]]:
    """Stored items, newest first, optionally prefiltered by an FTS5 MATCH expression."""
    where, params = [], []
    if since:
        where.append("coalesce(i.published, i.fetched_at) >= ?")
        params.append(since)
    if fts:
        sql = ("select i.* from items i join items_fts f on f.rowid = i.rowid "
               "where items_fts match ?")
        params.insert(0, fts)
        if where:
            sql += " and " + " and ".join(where)
    else:
        sql = "select i.* from items i" + (" where " + " and ".join(where) if where else "")
    sql += " order by coalesce(i.published, i.fetched_at) desc"
    cursor = db.execute(sql, params)
    cols = [c[0] for c in cursor.description]
    while True:
        rows = cursor.fetchmany(batch)
        if not rows:
            return
        for r in rows:
            yield dict(zip(cols, r))


def count_items(db: Database, since: str | None = None) -> int:
    """How many items are stored (published or fetched on or after ``since``)."""
    if since:
        return db.execute("select count(*) from items where coalesce(published, fetched_at) >= ?",
                          [since]).fetchone()[0]
    return db.execute("select count(*) from items").fetchone()[0]
