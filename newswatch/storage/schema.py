"""The database schema, created and changed only by migrations.

Every change to the schema is a new function registered on ``migrations``;
existing migrations are never edited once released, so any database written by
an older newswatch is brought forward by :func:`newswatch.storage.open_db`.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

migrations = Migrations("newswatch")

#: FTS5 tokenizer that folds accents like the rule matcher does, so
#: "Hernandez" finds "Hernández".
FTS_TOKENIZE = "unicode61 remove_diacritics 2"


@migrations()
def m001_initial(db: Database) -> None:
    db["sources"].create(
        {
            "name": str,
            "kind": str,
            "url": str,
            "lang": str,
            "interval_s": int,
            "last_fetch_at": str,
            "last_ok_at": str,
            "next_due_at": str,
            "etag": str,
            "last_modified": str,
            "body_hash": str,
            "error_streak": int,
            "last_error": str,
        },
        pk="name",
        defaults={"error_streak": 0},
        not_null={"kind", "url"},
    )
    db["items"].create(
        {
            "id": str,
            "url": str,
            "canonical_url": str,
            "guid": str,
            "title": str,
            "summary": str,
            "body": str,
            "author": str,
            "published": str,
            "fetched_at": str,
            "updated_at": str,
            "lang": str,
            "source": str,
            "cluster_id": str,
            "title_key": str,
        },
        pk="id",
        foreign_keys=[("source", "sources", "name")],
        not_null={"url", "canonical_url", "fetched_at", "source"},
    )
    db["items"].create_index(["canonical_url"], unique=True)
    db["items"].create_index(["guid"])
    db["items"].create_index(["published"])
    db["items"].create_index(["cluster_id"])
    db["items"].create_index(["title_key"])
    db["items"].enable_fts(
        ["title", "summary", "body"], create_triggers=True, tokenize=FTS_TOKENIZE
    )

    db["matches"].create(
        {
            "item_id": str,
            "rule": str,
            "topic": str,
            "terms": str,  # JSON array
            "fields": str,  # JSON array
            "snippet": str,
            "matched_at": str,
        },
        pk=("item_id", "rule"),
        foreign_keys=[("item_id", "items", "id")],
    )
    db["matches"].create_index(["rule", "matched_at"])

    db["alerts"].create(
        {
            "id": int,
            "rule": str,
            "cluster_id": str,
            "item_id": str,
            "tag": str,
            "mode": str,  # immediate | digest
            "status": str,  # pending | sending | sent | failed | dead
            "attempts": int,
            "next_attempt_at": str,
            "last_error": str,
            "created_at": str,
            "sent_at": str,
            "claimed_by": str,
            "claimed_at": str,
        },
        pk="id",
        foreign_keys=[("item_id", "items", "id")],
        defaults={"status": "pending", "attempts": 0},
        not_null={"rule", "cluster_id", "item_id", "tag", "mode", "status", "created_at"},
    )
    # "One immediate alert per (rule, story cluster, tag), ever": enforced by
    # the database so that no code path can ping twice for one story.
    db.execute(
        "CREATE UNIQUE INDEX idx_alerts_one_per_story ON alerts (rule, cluster_id, tag)"
        " WHERE mode = 'immediate'"
    )
    db["alerts"].create_index(["status", "next_attempt_at"])

    db["runs"].create(
        {
            "id": int,
            "started_at": str,
            "finished_at": str,
            "status": str,  # running | ok | partial | failed
            "sources_ok": int,
            "sources_failed": int,
            "items_new": int,
            "items_updated": int,
            "matches_new": int,
            "alerts_sent": int,
            "alerts_failed": int,
            "errors": str,  # JSON object: source name -> error
        },
        pk="id",
    )
    db["fetches"].create(
        {
            "id": int,
            "run_id": int,
            "source": str,
            "url": str,
            "status": str,  # HTTP status, "not-modified", "unchanged" or "error"
            "items": int,
            "items_new": int,
            "duration_ms": int,
            "error": str,
            "fetched_at": str,
        },
        pk="id",
        foreign_keys=[("run_id", "runs", "id"), ("source", "sources", "name")],
    )
    db["fetches"].create_index(["source", "fetched_at"])
