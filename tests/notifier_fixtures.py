"""Helpers shared by test_outbox.py, test_notifier.py and test_sinks.py.

Rows are inserted directly with sqlite-utils after the real migrations, the
way the crawl pipeline would leave them: an item, its match, and one pending
alert per tag.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlite_utils import Database

from newswatch.storage.schema import migrations

NOW = "2026-11-28T07:30:00Z"


def make_db(path: Path | str | None = None) -> Database:
    """A migrated database, in memory or (for multi-process tests) on disk in WAL."""
    db = Database(memory=True) if path is None else Database(path)
    if path is not None:
        db.enable_wal()
    migrations.apply(db)
    return db


def add_alert(
    db: Database,
    n: int = 1,
    *,
    tag: str = "team",
    rule: str = "tps-decisions",
    title: str = "US extends TPS for Hondurans",
    snippet: str = "The «temporary protected status» for «Honduras» was extended",
    terms: list[str] | None = None,
    created_at: str = NOW,
    status: str = "pending",
    mode: str = "immediate",
    source: str = "insightcrime",
    cluster: str | None = None,
    published: str = "2026-11-27T18:05:00Z",
) -> int:
    """Insert item ``n`` with its match and one alert; return the alert id.

    The item is its own story (``cluster{n}``) unless ``cluster`` names another.
    """
    cluster = cluster or f"cluster{n}"
    db["sources"].insert(
        {"name": source, "kind": "feed", "url": f"https://{source}.example/feed"},
        ignore=True,
    )
    item_id = f"item{n}"
    url = f"https://{source}.example/news/{n}?a=1&b=2"
    db["items"].insert(
        {
            "id": item_id,
            "url": url,
            "canonical_url": url,
            "title": title,
            "summary": "Summary of the story.",
            "body": "Body text.",
            "author": "Reporter",
            "published": published,
            "fetched_at": created_at,
            "lang": "en",
            "source": source,
            "cluster_id": cluster,
        },
        ignore=True,
    )
    db["matches"].insert(
        {
            "item_id": item_id,
            "rule": rule,
            "topic": "TPS",
            "terms": json.dumps(terms or ["temporary protected status", "honduras"]),
            "fields": json.dumps(["title", "summary"]),
            "snippet": snippet,
            "matched_at": created_at,
        },
        ignore=True,
    )
    return (
        db["alerts"]
        .insert(
            {
                "rule": rule,
                "cluster_id": cluster,
                "item_id": item_id,
                "tag": tag,
                "mode": mode,
                "status": status,
                "attempts": 0,
                "next_attempt_at": created_at,
                "created_at": created_at,
            }
        )
        .last_pk
    )


def alert(db: Database, alert_id: int) -> dict:
    return db["alerts"].get(alert_id)
