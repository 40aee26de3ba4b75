"""Items with their matches and pending alerts, written together."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from sqlite_utils import Database

from .database import StorageError
from .mutes import hold_back_new_alerts
from .stories import save_signatures

# Columns the pipeline may refresh on an item seen again by the source that
# stored it; the body is only replaced by a non-empty one so that a feed
# re-read never erases full text.
_REFRESHABLE = ("title", "summary", "author", "published", "lang", "guid", "declared_canonical_url",
                "raw_url", "enclosures", "lang_region", "lastmod", "published_from", "links")
# What a takeover replaces: everything the former owner said about the item
# (the body too, even by nothing); the id and when it was first seen stay.
_TAKEN_OVER = ("url", "guid", "title", "summary", "body", "author", "published", "lang", "source",
               "cluster_id", "title_key", "native", "declared_canonical_url", "updated_at",
               "raw_url", "enclosures", "lang_region", "lastmod", "published_from", "links")
# Alerts not delivered (or not yet tried): a takeover drops those the former owner's text raised.
_UNSENT = "('pending', 'failed', 'deferred')"


def item_id_for(canonical_url: str) -> str:
    """The items primary key: a short, stable hash of the canonical URL."""
    return hashlib.sha1(canonical_url.encode("utf-8")).hexdigest()[:16]


@dataclass
class ItemRecord:
    """One item ready for storage.

    ``existing_id`` is set when the item was seen before (by canonical URL or
    GUID): the row is refreshed and no match or alert is written for it.
    Which source may write what is decided when the batch is written (see
    :func:`store_batch`); ``item["native"]`` says whether the item's source
    is the site its URL is on.
    """

    item: dict[str, Any]
    existing_id: str | None = None
    matches: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    # (kind, minhash bytes) of a new item, stored with it (see stories/clustering.py)
    signature: tuple[str, bytes] | None = None
    #: What :func:`store_batch` did with it: "new", "refreshed", "taken over" or "sighting".
    outcome: str = ""

    @property
    def is_new(self) -> bool:
        return self.existing_id is None


def _chunks(keys: list[str], size: int = 500) -> Iterator[tuple[list[str], str]]:
    """``keys`` a few hundred at a time (SQLite caps a statement's variables), each chunk with
    its ``?, ?, ...`` for an ``IN (...)``."""
    for start in range(0, len(keys), size):
        chunk = keys[start:start + size]
        yield chunk, ", ".join("?" for _ in chunk)


def find_existing(db: Database, item_id: str, guid: str | None, source: str | None = None) -> dict | None:
    """The stored item with this id, or with this GUID (among ``source``'s items when given), or None."""
    rows = list(db.query("select id, cluster_id, body from items where id = ?", [item_id]))
    if not rows and guid:
        where, params = ("guid = ? and source = ?", [guid, source]) if source else ("guid = ?", [guid])
        rows = list(db.query(f"select id, cluster_id, body from items where {where} limit 1", params))
    return rows[0] if rows else None


def find_existing_many(db: Database, ids: list[str], guids: list[str],
                       source: str | None = None, takeover: Iterable[str] = ()) -> dict[str, str]:
    """Stored item ids known under any of these ids or GUIDs: {id or guid: stored id}.

    A GUID names an entry within its own feed only (two sites may both call
    an entry "1"), so with ``source`` GUIDs are looked up among that
    source's items. ``takeover`` are ids of items whose URL is on
    ``source``'s own site: a row under one of them that another source
    stored, not from its own site, is left out, so the item is handled as
    new and :func:`store_batch` lets ``source`` take the row over.
    """
    found: dict[str, str] = {}
    takeover = set(takeover) if source is not None else set()
    for column, keys in (("id", ids), ("guid", guids)):
        keys = [k for k in dict.fromkeys(keys) if k]
        scoped = column == "guid" and source is not None
        for chunk, marks in _chunks(keys):
            sql = f"select id, {column} as k, source, native from items where {column} in ({marks})"
            if scoped:
                sql += " and source = ?"
            for row in db.execute(sql, chunk + [source] if scoped else chunk).fetchall():
                if row[0] in takeover and row[2] != source and not row[3]:
                    continue
                found.setdefault(row[1], row[0])
    return found


def ids_stored_for(conn: sqlite3.Connection, source: str, ids: list[str]) -> set[str]:
    """Those of ``ids`` stored as items of ``source`` (a plain connection will do: see
    :func:`~newswatch.storage.database.open_reader`)."""
    found: set[str] = set()
    for chunk, marks in _chunks(list(dict.fromkeys(ids))):
        found.update(row[0] for row in conn.execute(
            f"select id from items where source = ? and id in ({marks})", [source, *chunk]))
    return found


def store_batch(db: Database, records: Iterable[ItemRecord],
                sightings: Iterable[tuple[str, str, str, str]] = ()) -> dict[str, int]:
    """Write items, their matches and their pending alerts in ONE transaction.

    New items are inserted with their matches and alerts; items seen before
    are refreshed in place. Immediate alerts are inserted with OR IGNORE
    against the one-per-(rule, cluster, tag) index, so a story that already
    pinged never pings again; alerts a live mute covers are inserted muted
    (:mod:`newswatch.storage.mutes`). Returns counts of what was written.

    A row belongs to the source that stored it, checked here, as the batch is
    written (two sources of one run may race for a URL): a record of another
    source becomes a *sighting* (a ``sightings`` row), never a rewrite. One
    exception, a *takeover*: a new record whose source is the site of its URL
    (``item["native"]``) replaces a row a foreign source stored, its text and
    its matches with them; the foreign source's unsent alerts for the item
    are dropped and it becomes a sighting. Each record's ``outcome`` says
    which happened. ``sightings`` are (item id, source, url, seen at) of
    copies met before they became records (a URL another source of the run
    had claimed); those of the row's own source are dropped.
    """
    records = list(records)
    counts = {"items_new": 0, "items_updated": 0, "matches_new": 0, "alerts_new": 0}
    new_items, matches, alerts, changes, signatures = [], [], [], [], []
    seen: list[tuple[str, str, str, str, str]] = []
    try:
        with db.atomic():
            sightings = list(sightings)
            owners = _owners(db, [rec.existing_id or rec.item["id"] for rec in records]
                             + [s[0] for s in sightings])
            for rec in records:
                item = rec.item
                target = rec.existing_id or item["id"]
                owner = owners.get(target)
                if owner is None and rec.is_new:
                    rec.outcome = "new"
                    owners[target] = _Owner(item["source"], item.get("native"), item.get("url"),
                                            item["fetched_at"], item["fetched_at"])
                    new_items.append(item)
                    matches.extend(_match_row(m) for m in rec.matches)
                    alerts.extend(rec.alerts)
                    if rec.signature is not None:
                        signatures.append((item["id"], *rec.signature, item["fetched_at"]))
                elif owner is not None and owner.source == item["source"]:
                    rec.outcome = "refreshed"
                    changes.append((rec, None))
                elif owner is not None and rec.is_new and item.get("native") and not owner.native:
                    rec.outcome = "taken over"
                    owners[target] = _Owner(item["source"], item.get("native"), item.get("url"),
                                            owner.first_seen, item["fetched_at"])
                    changes.append((rec, owner))
                else:  # another source's row (or one of this run not written yet)
                    rec.outcome = "sighting"
                    seen.append((target, item["source"], item.get("url"), item["fetched_at"], item["fetched_at"]))
            for item_id, source, url, seen_at in sightings:
                owner = owners.get(item_id)
                if owner is None or owner.source != source:
                    seen.append((item_id, source, url, seen_at, seen_at))
            counts["items_new"] = _insert_items(db, new_items)
            counts["matches_new"] = _insert_or_ignore(db, "matches", matches)
            # Alerts for a muted item, story or source go in already muted: nothing delivers them.
            held = hold_back_new_alerts(db, alerts, {i["id"]: i["source"] for i in new_items}) if alerts else 0
            counts["alerts_new"] = _insert_or_ignore(db, "alerts", alerts)
            if held:  # of alerts_new, those stored muted (OR IGNORE may drop some: at most this many)
                counts["alerts_muted"] = held
            save_signatures(db, signatures)
            for rec, former in changes:  # in order: a takeover may follow a refresh of one row
                if former is None:
                    _refresh(db, rec.existing_id or rec.item["id"], rec.item)
                else:
                    added_matches, added_alerts = _take_over(db, rec, former, seen)
                    counts["matches_new"] += added_matches
                    counts["alerts_new"] += added_alerts
                counts["items_updated"] += 1
            _record_sightings(db, seen)
    except sqlite3.Error as exc:
        raise StorageError(f"cannot store items in {_db_file(db)}: {exc}") from exc
    return counts


class _Owner(NamedTuple):
    """The stored row's source, and what becomes of it as a sighting if it is taken over."""

    source: str
    native: int | None
    url: str | None
    first_seen: str
    last_seen: str


def _owners(db: Database, ids: list[str]) -> dict[str, _Owner]:
    found: dict[str, _Owner] = {}
    ids = [i for i in dict.fromkeys(ids) if i]
    for chunk, marks in _chunks(ids):
        for row in db.execute(
                "select id, source, native, url, fetched_at, coalesce(updated_at, fetched_at) from items"
                f" where id in ({marks})", chunk).fetchall():
            found[row[0]] = _Owner(*row[1:])
    return found


def _take_over(db: Database, rec: ItemRecord, former: _Owner,
               seen: list[tuple[str, str, str, str, str]]) -> tuple[int, int]:
    """Replace a foreign source's row with its publisher's item; (matches, alerts) added."""
    item, item_id = rec.item, rec.item["id"]
    db["items"].update(item_id, {k: item.get(k) for k in _TAKEN_OVER if k in item or k == "body"})
    # The former text's matches go; its alerts too unless already on their way.
    db.execute("delete from matches where item_id = ?", [item_id])
    db.execute(f"delete from alerts where item_id = ? and status in {_UNSENT}", [item_id])
    added_matches = _insert_or_ignore(db, "matches", [_match_row(m) for m in rec.matches])
    hold_back_new_alerts(db, rec.alerts, {item_id: item["source"]})
    added_alerts = _insert_or_ignore(db, "alerts", rec.alerts)
    if rec.signature is not None:
        save_signatures(db, [(item_id, *rec.signature, item["fetched_at"])])
    db.execute("delete from sightings where item_id = ? and source = ?", [item_id, item["source"]])
    seen.append((item_id, former.source, former.url, former.first_seen, former.last_seen))
    return added_matches, added_alerts


def _record_sightings(db: Database, seen: list[tuple[str, str, str, str, str]]) -> None:
    """Upsert (item id, source, url, first seen, last seen) rows of the sightings table."""
    if seen:
        db.conn.executemany(
            "insert into sightings (item_id, source, url, first_seen_at, last_seen_at) values (?, ?, ?, ?, ?) "
            "on conflict (item_id, source) do update set url = excluded.url, "
            "first_seen_at = min(first_seen_at, excluded.first_seen_at), "
            "last_seen_at = max(last_seen_at, excluded.last_seen_at)",
            seen,
        )


def _match_row(m: dict[str, Any]) -> dict[str, Any]:
    row = dict(m)
    for key in ("terms", "fields"):
        if not isinstance(row.get(key), str):
            row[key] = _json_list(tuple(row.get(key) or ()))
    return row


@lru_cache(maxsize=4096)
def _json_list(values: tuple[str, ...]) -> str:
    # A rule's matches name the same few terms and fields again and again.
    return json.dumps(list(values), ensure_ascii=False)


#: SQLite gives a new row the largest rowid plus one, unless that is already the largest
#: there can be: then it picks one at random, and the rows of a batch are not all above it.
_MAX_ROWID = 2**63 - 1


def _insert_items(db: Database, rows: list[dict[str, Any]]) -> int:
    """Insert item rows (skipping stored URLs), then index the new ones for full-text
    search and queue them for the story index, each in one statement for the batch
    (see schema.m018_bulk_indexing); return how many went in."""
    if not rows:
        return 0
    since = db.execute("SELECT coalesce(max(rowid), 0) FROM items").fetchone()[0]
    if since > _MAX_ROWID - len(rows):
        return _insert_or_ignore(db, "items", rows)  # the per-row triggers index them
    db.execute("INSERT INTO items_bulk (since) VALUES (?)", [since])
    try:
        added = _insert_or_ignore(db, "items", rows)
    finally:
        db.execute("DELETE FROM items_bulk")
    if added:
        db.execute('INSERT INTO items_fts (rowid, "title", "summary", "body")'
                   ' SELECT rowid, "title", "summary", "body" FROM items WHERE rowid > ?', [since])
        db.execute("INSERT OR IGNORE INTO story_pending (item_id) SELECT id FROM items WHERE rowid > ?", [since])
    return added


#: Rows in one insert statement at most (fewer where SQLite allows fewer variables).
_ROWS_PER_INSERT = 500


def _insert_or_ignore(db: Database, table: str, rows: list[dict[str, Any]]) -> int:
    """Insert rows, skipping those a unique key already holds; return how many went in.

    The cursor's rowcount, unlike total_changes, leaves out what triggers (the
    FTS index) wrote, so it counts exactly the rows of ``table``.
    """
    groups: dict[tuple[str, ...], list[Any]] = {}
    for row in rows:
        cols = tuple(row)
        groups.setdefault(cols, []).extend(row[c] for c in cols)
    added = 0
    for cols, values in groups.items():
        # Many rows to a statement: a table with triggers gives each statement a journal of the
        # pages it changes, and row by row that rewrote the batch's pages again for every row
        # (110-150 MB of temporary files for 10,000 items, 15 MB now; storing them with their
        # matches took 0.27 s of CPU, 0.21-0.23 s now).
        per = max(1, min(_ROWS_PER_INSERT, db.conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // len(cols)))
        head = f"insert or ignore into [{table}] ({', '.join(f'[{c}]' for c in cols)}) values "
        one = f"({', '.join('?' for _ in cols)})"
        step = per * len(cols)
        for start in range(0, len(values), step):
            chunk = values[start:start + step]
            cur = db.conn.execute(head + ", ".join([one] * (len(chunk) // len(cols))), chunk)
            added += cur.rowcount
    return added


def _refresh(db: Database, item_id: str, item: dict[str, Any]) -> None:
    """Write what the source now says of a stored item, if it says anything new.

    An item seen again unchanged (every entry of a feed that gained one) is not written:
    rewriting it cost 0.16 ms an item, most of it re-indexing its text for search.
    """
    updates = {k: item[k] for k in _REFRESHABLE if item.get(k)}
    if item.get("body"):
        updates["body"] = item["body"]
    if item.get("native") is not None:  # rows stored before m007 learn it from their owner
        updates["native"] = item["native"]
    if not updates:
        return
    values = list(updates.values())
    db.conn.execute(
        f"UPDATE items SET {', '.join(f'[{k}] = ?' for k in updates)}, updated_at = ?"
        f" WHERE id = ? AND NOT ({' AND '.join(f'[{k}] IS ?' for k in updates)})",
        [*values, item.get("fetched_at"), item_id, *values])


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
