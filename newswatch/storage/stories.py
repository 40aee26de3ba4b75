"""Stories: items grouped by cluster, and the story index behind them.

``item_signatures`` keeps one MinHash signature per item (an opaque BLOB
made by :mod:`newswatch.stories.clustering`, tagged with the ``kind`` of
signature; empty for a text too short to compare) and ``story_keys`` files
each item under its keys (LSH band keys and its title key's, integers made
by clustering too), so that a new item finds the earlier items that may be
copies with a few index look-ups, without loading the window (migration
m017). Every item inserted is queued in ``story_pending`` (by its batch, or a trigger) until
clustering files it, at the start of the next run that clusters: one run's
keys written at once, in key order, cost far fewer page writes than each
batch's with its items.
The ``stories`` view (migrations m003, m007) shows one row per cluster: its
first title and link, the outlets that carried it, how many articles, and
how often other sources carried the same URLs (``sightings``,
``sighted_by``: see newswatch.storage.items.store_batch).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlite_utils import Database

from ..schedule import iso, parse_time

__all__ = [
    "any_filed",
    "expired",
    "filed_under",
    "finish_filing",
    "forget",
    "multi_outlet_stories",
    "save_signatures",
    "shift_ts",
    "stage_filing",
    "unindexed",
    "unqueue",
]


def shift_ts(ts: str, delta: timedelta) -> str:
    """A UTC ISO timestamp moved by ``delta``."""
    return iso(parse_time(ts) + delta)


def save_signatures(db: Database, rows: Iterable[tuple[str, str, bytes, str]]) -> int:
    """Store (item_id, kind, minhash, created_at) rows, replacing older ones.

    The items are filed under their keys later (:func:`stage_filing`), by
    the next run that clusters: it writes a whole run's keys at once, in order.
    """
    rows = list(rows)
    if rows:
        with db.atomic():
            db.conn.executemany(
                "INSERT OR REPLACE INTO item_signatures (item_id, kind, minhash, created_at)"
                " VALUES (?, ?, ?, ?)",
                rows,
            )
    return len(rows)


def stage_filing(db: Database, filed: Iterable[tuple[str, Iterable[int]]],
                 signatures: Iterable[tuple[str, str, bytes, str]] = ()) -> None:
    """Stage (item_id, keys) pairs for :func:`finish_filing`, storing new signatures at once.

    ``signatures``: (item_id, kind, minhash, created_at) of the items whose
    signature was made or remade for filing; the keys wait in a temporary
    table of this connection.
    """
    save_signatures(db, signatures)
    with db.atomic():
        db.execute("CREATE TEMP TABLE IF NOT EXISTS story_staged (key INTEGER, item_id TEXT NOT NULL)")
        # An item with no key at all is staged with a NULL key, to leave story_pending too.
        db.conn.executemany("INSERT INTO temp.story_staged (key, item_id) VALUES (?, ?)",
                            [(key, item_id) for item_id, keys in filed for key in (list(keys) or [None])])


def finish_filing(db: Database) -> None:
    """File the staged items under their keys in ``story_keys``; they leave ``story_pending``.

    One insertion in key order (SQLite sorts on disk): written item by
    item, the keys would cost a page write each.
    """
    if not db.execute("SELECT 1 FROM sqlite_temp_master WHERE name = 'story_staged'").fetchone():
        return
    with db.atomic():
        db.execute("INSERT OR IGNORE INTO story_keys (key, item_id) SELECT key, item_id"
                   " FROM temp.story_staged WHERE key IS NOT NULL ORDER BY key, item_id")
        db.execute("DELETE FROM story_pending WHERE item_id IN (SELECT item_id FROM temp.story_staged)")
    db.execute("DROP TABLE temp.story_staged")


def filed_under(db: Database, keys: Iterable[int], since: str) -> list[tuple[Any, ...]]:
    """Items first fetched at or after ``since`` filed under any of ``keys``.

    One row per (key, item): key, item id, cluster id (the item's own id
    when it has none), title key, signature (or None), when it was first
    fetched and its rowid (which was stored first).
    """
    keys = list(keys)
    return db.conn.execute(_filed_under_sql(len(keys)), [*keys, since]).fetchall()


@functools.lru_cache(maxsize=64)
def _filed_under_sql(count: int) -> str:
    return f"""
        SELECT k.key, k.item_id, coalesce(i.cluster_id, i.id), i.title_key, s.minhash, i.fetched_at, i.rowid
        FROM story_keys k
        JOIN items i ON i.id = k.item_id
        LEFT JOIN item_signatures s ON s.item_id = k.item_id
        WHERE k.key IN ({", ".join("?" * count)}) AND i.fetched_at >= ?
        """


def any_filed(db: Database) -> bool:
    """Whether any item is filed in ``story_keys`` (not in a new database)."""
    return db.execute("SELECT 1 FROM story_keys LIMIT 1").fetchone() is not None


def unindexed(db: Database, kind: str, size: int, limit: int, after: str = "") -> list[dict[str, Any]]:
    """Up to ``limit`` items of ``story_pending`` (by id, after ``after``), to file.

    Each has id, fetched_at (None: the item is gone), title_key and
    ``minhash`` (None when the item has no signature of ``kind`` and
    ``size`` bytes, or an empty one: too short to compare); only those
    without one also carry title, summary and body, to compute it from.
    """
    cursor = db.execute(
        """
        SELECT p.item_id AS id, i.fetched_at, i.title_key, s.minhash,
               CASE WHEN s.minhash IS NULL THEN i.title END AS title,
               CASE WHEN s.minhash IS NULL THEN i.summary END AS summary,
               CASE WHEN s.minhash IS NULL THEN i.body END AS body
        FROM story_pending p
        LEFT JOIN items i ON i.id = p.item_id
        LEFT JOIN item_signatures s
               ON s.item_id = p.item_id AND s.kind = ? AND length(s.minhash) IN (?, 0)
        WHERE p.item_id > ?
        ORDER BY p.item_id
        LIMIT ?
        """,
        [kind, size, after, limit],
    )
    columns = [c[0] for c in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def unqueue(db: Database, item_ids: Iterable[str]) -> None:
    """Take items out of ``story_pending`` without filing them (gone, or out of the window)."""
    with db.atomic():
        db.conn.executemany("DELETE FROM story_pending WHERE item_id = ?", [(i,) for i in item_ids])


def expired(db: Database, before: str, limit: int) -> list[tuple[str, bytes, str | None]]:
    """Up to ``limit`` (item id, signature, title key) of signatures made before ``before``."""
    return db.execute(
        "SELECT s.item_id, s.minhash, i.title_key FROM item_signatures s"
        " LEFT JOIN items i ON i.id = s.item_id WHERE s.created_at < ? LIMIT ?",
        [before, limit],
    ).fetchall()


def forget(db: Database, filed: Iterable[tuple[str, Iterable[int]]]) -> None:
    """Take (item id, keys) out of the index: its keys and its signature."""
    filed = list(filed)
    with db.atomic():
        db.conn.executemany("DELETE FROM story_keys WHERE key = ? AND item_id = ?",
                            sorted((key, item_id) for item_id, keys in filed for key in keys))
        db.conn.executemany("DELETE FROM item_signatures WHERE item_id = ?", [(i,) for i, _ in filed])


def multi_outlet_stories(db: Database, since: str | None = None, limit: int = 10) -> list[dict[str, Any]]:
    """Recent stories carried by more than one outlet, newest first (from the ``stories`` view)."""
    where, params = "WHERE outlets_count > 1", []
    if since:
        where += " AND last_fetched_at >= ?"
        params.append(since)
    return list(db.query(
        f"SELECT * FROM stories {where} ORDER BY last_fetched_at DESC, cluster_id LIMIT ?",
        [*params, limit],
    ))
