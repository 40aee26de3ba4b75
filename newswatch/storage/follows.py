"""Followed stories (issue 20): their seed pages, and their follow-ups as matches.

A ``follow_seeds`` row keeps the seed article's page as fetched, so a run
profiles it again without asking the site; a failed fetch keeps its error.
A follow-up is a ``matches`` row of rule ``follow:<name>`` with its pending
alerts, written in one transaction, as a rule's match is.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

from .database import StorageError
from .items import _chunks, _db_file, _insert_or_ignore
from .mutes import hold_back_new_alerts

#: The columns an item is tested with (follows() reads url, title, summary, body).
_ITEM_COLUMNS = "id, url, canonical_url, title, summary, body, links, published, source, cluster_id"


def seed_row(db: Database, name: str) -> dict[str, Any] | None:
    """The ``follow_seeds`` row of the story followed as ``name``, or None."""
    rows = list(db.query("select * from follow_seeds where name = ?", [name]))
    return rows[0] if rows else None


def save_seed(db: Database, name: str, url: str, *, final_url: str, content_type: str,
              page: bytes, now: str) -> None:
    """Keep the seed page fetched for ``name`` (replacing an older one or an error)."""
    with db.conn:
        db["follow_seeds"].upsert({
            "name": name, "url": url, "final_url": final_url, "content_type": content_type,
            "page": page, "fetched_at": now, "error": None, "error_at": None, "attempts": 0,
        }, pk="name")


def seed_failed(db: Database, name: str, url: str, error: str, now: str) -> None:
    """Record that the seed of ``name`` could not be fetched (tried again next run)."""
    old = seed_row(db, name)
    attempts = (old or {}).get("attempts") or 0
    with db.conn:
        db["follow_seeds"].upsert({"name": name, "url": url, "error": error, "error_at": now,
                                   "attempts": attempts + 1}, pk="name")


def seed_states(db: Database) -> list[dict[str, Any]]:
    """Every followed seed's state: name, url, fetched_at, error, error_at, attempts."""
    if "follow_seeds" not in db.table_names():
        return []
    return list(db.query("select name, url, fetched_at, error, error_at, attempts"
                         " from follow_seeds order by name"))


def follow_up_counts(db: Database) -> dict[str, dict[str, Any]]:
    """Rule ``follow:<name>`` -> its follow-ups so far and when the newest was found."""
    rows = db.query("select rule, count(*) as n, max(matched_at) as newest from matches"
                    " where rule like 'follow:%' group by rule")
    return {r["rule"]: {"follow_ups": r["n"], "newest": r["newest"]} for r in rows}


def items_to_test(db: Database, changed_since: str, published_since: str | None = None) -> list[dict[str, Any]]:
    """Items stored or refreshed at ``changed_since`` or later, with their links as a list.

    ``published_since`` (an ISO date or time) leaves out items published
    before it; an item without a date is kept.
    """
    sql = (f"select {_ITEM_COLUMNS} from items"
           " where coalesce(updated_at, fetched_at) >= :changed")
    if published_since:
        sql += " and (published is null or published >= :published)"
    rows = list(db.query(sql + " order by rowid",
                         {"changed": changed_since, "published": published_since}))
    for row in rows:
        try:
            links = json.loads(row["links"]) if row["links"] else []
        except ValueError:
            links = []
        row["links"] = [x for x in links if isinstance(x, str)] if isinstance(links, list) else []
    return rows


def store_follow_ups(db: Database, matches: Iterable[dict[str, Any]],
                     alerts: Iterable[dict[str, Any]], sources: dict[str, str]) -> tuple[list[dict[str, Any]], int]:
    """Insert follow-up matches and their alerts in one transaction; (the matches added, alerts queued).

    A match already stored for (item, rule) is kept as it was, and its
    alerts are not queued again; alerts a live mute covers go in muted.
    """
    matches, alerts = list(matches), list(alerts)
    try:
        with db.atomic():
            added: list[dict[str, Any]] = []
            for m in matches:
                if _insert_or_ignore(db, "matches", [m]):
                    added.append(m)
            fresh = {(m["item_id"], m["rule"]) for m in added}
            alerts = [a for a in alerts if (a["item_id"], a["rule"]) in fresh]
            if alerts:
                hold_back_new_alerts(db, alerts, sources)
            queued = _insert_or_ignore(db, "alerts", alerts)
    except sqlite3.Error as exc:
        raise StorageError(f"cannot store follow-ups in {_db_file(db)}: {exc}") from exc
    return added, queued


def visited(db: Database, urls: Iterable[str]) -> set[str]:
    """Those of ``urls`` discovery fetched before, or stored as an item's canonical URL."""
    urls = list(dict.fromkeys(urls))
    found: set[str] = set()
    for chunk, marks in _chunks(urls, 400):  # each chunk is bound twice
        for (url,) in db.execute(f"select url from discovered_pages where url in ({marks})"
                                 f" union select canonical_url from items where canonical_url in ({marks})",
                                 chunk + chunk).fetchall():
            found.add(url)
    return found


def record_visit(db: Database, url: str, host: str, now: str, status: str, why: str = "",
                 item_id: str | None = None) -> None:
    """Remember a page discovery fetched: ``kept``, ``dropped`` or ``failed``."""
    with db.conn:
        db["discovered_pages"].upsert({"url": url, "host": host, "fetched_at": now, "status": status,
                                       "why": why or None, "item_id": item_id}, pk="url")


def add_discovered_source(db: Database, name: str, url: str) -> None:
    """The sources row an item of a discovered host belongs to (items name their source)."""
    with db.conn:
        db.execute("insert or ignore into sources (name, kind, url) values (?, 'discovered', ?)",
                   [name, url])


def discovery_counts(db: Database) -> dict[str, int]:
    """Pages discovery fetched so far and how many it kept."""
    if "discovered_pages" not in db.table_names():
        return {"fetched": 0, "kept": 0}
    row = db.execute("select count(*), coalesce(sum(status = 'kept'), 0) from discovered_pages").fetchone()
    return {"fetched": row[0], "kept": row[1]}
