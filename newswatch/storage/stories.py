"""Stories: items grouped by cluster, and the stored MinHash signatures behind them.

``item_signatures`` keeps one MinHash signature per item (an opaque BLOB
made by :mod:`newswatch.stories.clustering`, tagged with the ``kind`` of
signature) so the near-duplicate index can be rebuilt at the start of each
run. The ``stories`` view (migrations m003, m007) shows one row per cluster:
its first title and link, the outlets that carried it, how many articles,
and how often other sources carried the same URLs (``sightings``,
``sighted_by``: see newswatch.storage.items.store_batch).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import Any

from sqlite_utils import Database

from ..schedule import iso, parse_time

__all__ = [
    "multi_outlet_stories",
    "prune_signatures",
    "recent_signatures",
    "save_signatures",
    "shift_ts",
]


def shift_ts(ts: str, delta: timedelta) -> str:
    """A UTC ISO timestamp moved by ``delta``."""
    return iso(parse_time(ts) + delta)


def recent_signatures(db: Database, since: str, kind: str, size: int) -> Iterator[dict[str, Any]]:
    """Items first fetched at or after ``since``, oldest first, with their signature.

    Each row has id, cluster_id, title_key and ``minhash`` (bytes, or None
    when the item has no signature of ``kind`` and ``size`` bytes); only
    those without one also carry title, summary and body, to compute it from.
    """
    cursor = db.execute(
        """
        SELECT i.id, i.cluster_id, i.title_key, s.minhash,
               CASE WHEN s.minhash IS NULL THEN i.title END AS title,
               CASE WHEN s.minhash IS NULL THEN i.summary END AS summary,
               CASE WHEN s.minhash IS NULL THEN i.body END AS body
        FROM items i
        LEFT JOIN item_signatures s
               ON s.item_id = i.id AND s.kind = ? AND length(s.minhash) = ?
        WHERE i.fetched_at >= ?
        ORDER BY i.fetched_at, i.rowid
        """,
        [kind, size, since],
    )
    columns = [c[0] for c in cursor.description]
    while True:
        rows = cursor.fetchmany(500)
        if not rows:
            return
        for row in rows:
            yield dict(zip(columns, row))


def save_signatures(db: Database, rows: Iterable[tuple[str, str, bytes, str]]) -> int:
    """Store (item_id, kind, minhash, created_at) rows, replacing older ones."""
    rows = list(rows)
    if rows:
        with db.atomic():
            db.conn.executemany(
                "INSERT OR REPLACE INTO item_signatures (item_id, kind, minhash, created_at)"
                " VALUES (?, ?, ?, ?)",
                rows,
            )
    return len(rows)


def prune_signatures(db: Database, before: str) -> int:
    """Forget signatures made before ``before``: the index never reads them again."""
    with db.atomic():
        return db.execute(
            "DELETE FROM item_signatures WHERE created_at < ?", [before]
        ).rowcount


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
