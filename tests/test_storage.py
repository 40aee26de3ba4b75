"""Storage: migrations, one transaction per batch, dedup-safe alerts, FTS with accents."""

from __future__ import annotations

import pytest
from sqlite_utils import Database

from newswatch import storage
from newswatch.storage import ItemRecord, StorageError, open_db, store_batch

NOW = "2026-11-28T07:00:00Z"


def item(n: int, **over) -> dict:
    url = f"https://example.org/{n}"
    row = {"id": storage.item_id_for(url), "url": url, "canonical_url": url, "guid": f"g{n}",
           "title": f"Title {n}", "summary": "s", "body": None, "fetched_at": NOW, "source": "src",
           "cluster_id": storage.item_id_for(url), "lang": "en"}
    row.update(over)
    return row


def record(n: int, rule: str = "r", cluster: str | None = None, **over) -> ItemRecord:
    it = item(n, **over)
    if cluster:
        it["cluster_id"] = cluster
    return ItemRecord(
        item=it,
        matches=[{"item_id": it["id"], "rule": rule, "topic": "t", "terms": ["a"], "fields": ["title"],
                  "snippet": "«a»", "matched_at": NOW}],
        alerts=[{"rule": rule, "cluster_id": it["cluster_id"], "item_id": it["id"], "tag": "team",
                 "mode": "immediate", "status": "pending", "next_attempt_at": NOW, "created_at": NOW}],
    )


@pytest.fixture
def db(tmp_path):
    db = open_db(tmp_path / "nw.db")
    storage.sync_sources(db, [{"name": "src", "kind": "feed", "url": "https://example.org/feed", "lang": "en",
                               "interval_s": 900}])
    return db


def test_open_applies_migrations_once_and_uses_wal(tmp_path):
    path = tmp_path / "nw.db"
    db = open_db(path)
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert {"sources", "items", "matches", "alerts", "runs", "fetches", "items_fts"} <= set(db.table_names())
    applied = db["_sqlite_migrations"].count
    again = open_db(path)
    assert again["_sqlite_migrations"].count == applied


def test_items_are_indexed_for_the_lookups_runs_make_and_no_more(tmp_path):
    """Every index slows each insert: items keep those a query uses (dedupe by URL and GUID,
    stories by cluster, sorting by date), also in a database made before m006."""
    from newswatch.storage.schema import migrations

    old = Database(tmp_path / "old.db")
    migrations.apply(old, stop_before="m006_drop_title_key_index")  # as an older newswatch left it
    assert "idx_items_title_key" in {i.name for i in old["items"].indexes}
    for db in (open_db(tmp_path / "new.db"), open_db(tmp_path / "old.db")):
        assert {tuple(i.columns) for i in db["items"].indexes if not i.name.startswith("sqlite_")} == {
            ("canonical_url",), ("guid",), ("published",), ("cluster_id",)}


def test_batch_is_one_transaction(db):
    good = record(1)
    bad = record(2, source="no-such-source")  # violates the foreign key to sources
    with pytest.raises(StorageError, match="cannot store items in .*nw.db"):
        store_batch(db, [good, bad])
    assert db["items"].count == 0 and db["matches"].count == 0 and db["alerts"].count == 0


def test_one_immediate_alert_per_rule_story_and_tag(db):
    counts = store_batch(db, [record(1, cluster="story"), record(2, cluster="story")])
    assert counts["items_new"] == 2 and counts["matches_new"] == 2
    assert counts["alerts_new"] == 1
    assert db["alerts"].count == 1
    # A later run with another copy of the story does not ping again either.
    assert store_batch(db, [record(3, cluster="story")])["alerts_new"] == 0


def test_seen_item_is_refreshed_without_new_matches(db):
    store_batch(db, [record(1)])
    updated = item(1, title="Title 1 (updated)", body="Full text now")
    counts = store_batch(db, [ItemRecord(item=updated, existing_id=updated["id"])])
    assert counts == {"items_new": 0, "items_updated": 1, "matches_new": 0, "alerts_new": 0}
    row = db["items"].get(updated["id"])
    assert row["title"] == "Title 1 (updated)" and row["body"] == "Full text now"
    # A refresh without a body keeps the stored full text.
    store_batch(db, [ItemRecord(item=item(1, body=None), existing_id=updated["id"])])
    assert db["items"].get(updated["id"])["body"] == "Full text now"


def test_find_existing_by_url_or_guid(db):
    store_batch(db, [record(1)])
    assert storage.find_existing(db, item(1)["id"], None)["id"] == item(1)["id"]
    assert storage.find_existing(db, "other-id", "g1")["id"] == item(1)["id"]
    assert storage.find_existing(db, "other-id", "g-unknown") is None


def test_full_text_search_ignores_accents(db):
    store_batch(db, [record(1, title="Juan Orlando Hernández habla"), record(2, title="Weather")])
    hits = list(storage.iter_items(db, fts='"hernandez"'))
    assert [h["title"] for h in hits] == ["Juan Orlando Hernández habla"]


def _search(db, words: str) -> list[str]:
    return [r[0] for r in db.execute("select i.title from items_fts f join items i on i.rowid = f.rowid"
                                     " where items_fts match ? order by i.title", [words])]


def test_batches_are_indexed_once_for_search_and_stories_and_other_writers_still_are(db):
    """A batch is indexed in one statement (m018); each item once, whoever wrote it."""
    store_batch(db, [record(1, title="Salvadoran TPS extended"), record(2, title="Honduran TPS ends")])
    # the same URLs again (skipped, not indexed twice) beside a new one
    store_batch(db, [record(1, title="Salvadoran TPS extended"), record(3, title="TPS for Haiti")])
    assert _search(db, "tps") == ["Honduran TPS ends", "Salvadoran TPS extended", "TPS for Haiti"]
    db.execute("insert into items_fts(items_fts) values('integrity-check')")  # index == rows
    assert db["story_pending"].count == 3 and db["items_bulk"].count == 0
    # A row written by another program (a script, the sqlite3 shell) is indexed by the triggers.
    db["items"].insert(item(4, title="TPS lawsuit filed"))
    assert _search(db, "lawsuit") == ["TPS lawsuit filed"] and db["story_pending"].count == 4
    # A failed batch leaves nothing behind, the bulk marker included.
    with pytest.raises(StorageError):
        store_batch(db, [record(5, title="TPS news"), record(6, source="no-such-source")])
    assert db["items_bulk"].count == 0 and _search(db, "news") == []
    db["items"].insert(item(7, title="Later TPS news"))
    assert _search(db, "news") == ["Later TPS news"]


def test_an_item_seen_again_is_written_only_when_the_source_says_something_new(db):
    """Every entry of a feed that gained one is seen again: unchanged ones cost no write."""
    store_batch(db, [record(1, title="Salvadoran TPS extended"), record(2, title="Honduran TPS ends"),
                     record(3, title="TPS for Haiti")])
    later = "2026-11-29T07:00:00Z"

    def again(n: int, **over) -> ItemRecord:
        row = item(n, fetched_at=later, **over)
        return ItemRecord(item=row, existing_id=row["id"])

    counts = store_batch(db, [again(1, title="Salvadoran TPS extended"),
                              again(2, title="Honduran TPS ends, court says"),
                              again(3, title="TPS for Haiti", links='["https://example.org/ruling"]')])
    assert counts["items_updated"] == 3  # all three seen again
    rows = {r["title"]: r for r in db["items"].rows}
    assert rows["Salvadoran TPS extended"]["updated_at"] != later  # unchanged: not rewritten
    assert rows["Honduran TPS ends, court says"]["updated_at"] == later
    assert rows["TPS for Haiti"]["updated_at"] == later
    assert rows["TPS for Haiti"]["links"] == '["https://example.org/ruling"]'
    # search follows the text that changed, and only it
    assert _search(db, "court") == ["Honduran TPS ends, court says"]
    assert _search(db, "tps") == ["Honduran TPS ends, court says", "Salvadoran TPS extended", "TPS for Haiti"]
    db.execute("insert into items_fts(items_fts) values('integrity-check')")  # index == rows


def test_fetch_records_update_source_health(db):
    run = storage.start_run(db)
    base = {"run_id": run, "source": "src", "url": "https://example.org/feed", "items": 0, "items_new": 0,
            "duration_ms": 5, "fetched_at": NOW}
    storage.record_fetches(db, [{**base, "status": "500", "error": "HTTP 500", "ok": False}])
    storage.record_fetches(db, [{**base, "status": "500", "error": "HTTP 500", "ok": False}])
    src = db["sources"].get("src")
    assert (src["error_streak"], src["last_error"], src["last_ok_at"]) == (2, "HTTP 500", None)
    storage.record_fetches(db, [{**base, "status": "200", "error": None, "ok": True, "etag": '"abc"'}])
    src = db["sources"].get("src")
    assert (src["error_streak"], src["last_error"], src["last_ok_at"], src["etag"]) == (0, None, NOW, '"abc"')
    assert db["fetches"].count == 3


def test_a_batch_larger_than_one_insert_statement_is_stored_whole_and_counted_once(db):
    """Rows go to SQLite many to a statement (items.py, _ROWS_PER_INSERT): a batch that spans
    several statements, with repeats inside it and of earlier rows, stores each row once."""
    from newswatch.storage.items import _ROWS_PER_INSERT

    n = 2 * _ROWS_PER_INSERT + 7
    counts = store_batch(db, [record(i, title=f"TPS story {i}") for i in range(n)])
    assert counts["items_new"] == n == db["items"].count
    assert len(_search(db, "tps")) == n  # every row of the large batch is searchable
    again = store_batch(db, [record(i, title=f"TPS story {i}") for i in range(n - 3, n + 3)])  # 3 old, 3 new
    assert again["items_new"] == 3 and db["items"].count == n + 3
    assert len(_search(db, "tps")) == n + 3
    db.execute("insert into items_fts(items_fts) values('integrity-check')")


def test_installed_sqlite_utils_plugins_do_not_touch_the_store(tmp_path):
    # A sqlite-utils plugin in the same environment (another tool's) could redefine SQL functions
    # on every connection sqlite-utils wraps; newswatch's store must not depend on what is installed.
    from sqlite_utils import hookimpl
    from sqlite_utils.plugins import pm

    class Plugin:
        @staticmethod
        @hookimpl
        def prepare_connection(conn):
            conn.create_function("lower", 1, lambda value: "changed by a plugin")

    plugin = Plugin()
    pm.register(plugin, name="newswatch-test-plugin")
    try:
        db = open_db(tmp_path / "nw.db")
        assert db.execute("select lower('ABC')").fetchone()[0] == "abc"
        assert Database(memory=True).execute("select lower('ABC')").fetchone()[0] == "changed by a plugin"
    finally:
        pm.unregister(plugin)
