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


@migrations()
def m002_item_signatures(db: Database) -> None:
    # One MinHash signature per item (newswatch.stories.clustering), so the
    # near-duplicate index survives between runs. No foreign key: signatures
    # are a cache written beside the item batches, and pruned by age.
    db["item_signatures"].create(
        {"item_id": str, "kind": str, "minhash": bytes, "created_at": str},
        pk="item_id",
        not_null={"kind", "minhash", "created_at"},
    )
    db["item_signatures"].create_index(["created_at"])


@migrations()
def m003_stories_view(db: Database) -> None:
    # One row per story (cluster): its first title and link, the outlets that
    # carried it (in the order they were first seen) and how many articles.
    db.create_view(
        "stories",
        """
        SELECT c.cluster_id,
               (SELECT f.title FROM items f WHERE f.cluster_id = c.cluster_id
                ORDER BY f.fetched_at, f.rowid LIMIT 1) AS title,
               (SELECT f.url FROM items f WHERE f.cluster_id = c.cluster_id
                ORDER BY f.fetched_at, f.rowid LIMIT 1) AS url,
               (SELECT f.source FROM items f WHERE f.cluster_id = c.cluster_id
                ORDER BY f.fetched_at, f.rowid LIMIT 1) AS first_source,
               (SELECT group_concat(o.source, ', ') FROM (
                    SELECT source FROM items WHERE cluster_id = c.cluster_id
                    GROUP BY source ORDER BY MIN(fetched_at), source) o) AS outlets,
               c.outlets_count,
               c.articles,
               c.first_published,
               c.first_fetched_at,
               c.last_fetched_at
        FROM (SELECT cluster_id,
                     COUNT(DISTINCT source) AS outlets_count,
                     COUNT(*) AS articles,
                     MIN(published) AS first_published,
                     MIN(fetched_at) AS first_fetched_at,
                     MAX(fetched_at) AS last_fetched_at
              FROM items WHERE cluster_id IS NOT NULL GROUP BY cluster_id) c
        """,
    )


@migrations()
def m004_deliveries(db: Database) -> None:
    # Per-URL success of an alert or digest, so that a retry goes only to the
    # URLs that have not had it. `target` is the URL in Apprise's privacy form.
    db["deliveries"].create(
        {"kind": str, "message_id": int, "target": str, "delivered_at": str},
        pk=("kind", "message_id", "target"),
        not_null={"delivered_at"},
    )
    # How an alert reached people: 'immediate', or inside digest `digest_id`.
    db["alerts"].add_column("sent_via", str)
    db["alerts"].add_column("digest_id", int)
    db["alerts"].create_index(["tag", "sent_at"])
    db["alerts"].create_index(["digest_id"])


@migrations()
def m005_digests(db: Database) -> None:
    # One row per digest message: (rule, tag) and the schedule slot it covers.
    # The unique index makes "one digest per slot" a fact of the database.
    db["digests"].create(
        {
            "id": int,
            "rule": str,
            "tag": str,
            "schedule": str,  # e.g. "daily 07:00 America/Guatemala"
            "slot": str,  # the scheduled time (UTC) this digest is for
            "since": str,  # the slot of the previous digest, if any
            "stories": int,
            "articles": int,
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
        defaults={"status": "pending", "attempts": 0},
        not_null={"rule", "tag", "slot", "status", "created_at"},
    )
    db["digests"].create_index(["rule", "tag", "slot"], unique=True)
    db["digests"].create_index(["status", "next_attempt_at"])


@migrations()
def m006_drop_title_key_index(db: Database) -> None:
    # Items with equal title keys are found in the in-memory story index; no
    # query filters on title_key. Keeping the index up to date was a sixth of
    # the cost of storing an item.
    db.execute("DROP INDEX IF EXISTS idx_items_title_key")


@migrations()
def m007_item_owners_and_sightings(db: Database) -> None:
    # Who may rewrite an item (docs/reliability.md, "Hostile sources and inputs"): the source
    # that stored it. `native` is 1 when that source is the site the item's URL is on (its
    # feed, sitemap or page is on that site): such a source may take over a row a foreign
    # source stored first. NULL (items stored before this migration) counts as foreign.
    db["items"].add_column("native", int)
    # The rel=canonical the article page named. It is the item's identity only when it is on
    # the page's own site; a page naming another site's URL is kept under its own URL.
    db["items"].add_column("declared_canonical_url", str)
    # Another source carrying an item's URL: recorded, never a rewrite of the row. No
    # foreign key: a sighting may be written in a run before the row it names.
    db["sightings"].create(
        {"item_id": str, "source": str, "first_seen_at": str, "last_seen_at": str, "url": str},
        pk=("item_id", "source"),
        not_null={"first_seen_at", "last_seen_at"},
    )
    # The stories view as m003 made it, plus the sightings of its items by other sources.
    db.execute("DROP VIEW IF EXISTS stories")
    db.create_view(
        "stories",
        """
        SELECT c.cluster_id,
               (SELECT f.title FROM items f WHERE f.cluster_id = c.cluster_id
                ORDER BY f.fetched_at, f.rowid LIMIT 1) AS title,
               (SELECT f.url FROM items f WHERE f.cluster_id = c.cluster_id
                ORDER BY f.fetched_at, f.rowid LIMIT 1) AS url,
               (SELECT f.source FROM items f WHERE f.cluster_id = c.cluster_id
                ORDER BY f.fetched_at, f.rowid LIMIT 1) AS first_source,
               (SELECT group_concat(o.source, ', ') FROM (
                    SELECT source FROM items WHERE cluster_id = c.cluster_id
                    GROUP BY source ORDER BY MIN(fetched_at), source) o) AS outlets,
               c.outlets_count,
               c.articles,
               c.first_published,
               c.first_fetched_at,
               c.last_fetched_at,
               (SELECT COUNT(*) FROM items f JOIN sightings s ON s.item_id = f.id
                WHERE f.cluster_id = c.cluster_id AND s.source != f.source) AS sightings,
               (SELECT group_concat(o.source, ', ') FROM (
                    SELECT DISTINCT s.source FROM items f JOIN sightings s ON s.item_id = f.id
                    WHERE f.cluster_id = c.cluster_id AND s.source != f.source ORDER BY s.source) o)
                   AS sighted_by
        FROM (SELECT cluster_id,
                     COUNT(DISTINCT source) AS outlets_count,
                     COUNT(*) AS articles,
                     MIN(published) AS first_published,
                     MIN(fetched_at) AS first_fetched_at,
                     MAX(fetched_at) AS last_fetched_at
              FROM items WHERE cluster_id IS NOT NULL GROUP BY cluster_id) c
        """,
    )


@migrations()
def m008_mojibake_counts(db: Database) -> None:
    # Items stored with text that still reads like UTF-8 decoded as Latin-1
    # ("corrupciÃ³n") after decoding and repair: no rule or search finds them,
    # so `newswatch status` shows the count per source (fetches: per fetch).
    db["fetches"].add_column("mojibake", int)
    db["sources"].add_column("mojibake_items", int, not_null_default=0)


@migrations()
def m009_item_fidelity(db: Database) -> None:
    # What the outlet published, kept apart from what newswatch made of it
    # (docs/reliability.md, "Field fidelity"):
    # - raw_url: the link as the source gave it, when the stored url differs
    #   (tracking parameters stripped, a redirect wrapper or FeedBurner proxy undone);
    # - enclosures: the entry's podcast/video/image files, a JSON list of URLs;
    # - lang_region: the region subtag of the language the source declared
    #   ("419" of es-419); lang keeps only the primary subtag, so facets do not split;
    # - lastmod: a sitemap's <lastmod>, which is no publication date;
    # - published_from: where `published` came from ("feed", "sitemap", "page").
    for column in ("raw_url", "enclosures", "lang_region", "lastmod", "published_from"):
        db["items"].add_column(column, str)
    # Entries a fetch skipped and why ("3 no http(s) link; 1 bad link"): shown by
    # `newswatch status`, not only printed on the console of the run.
    db["fetches"].add_column("skipped", int)
    db["fetches"].add_column("skipped_why", str)


@migrations()
def m010_source_feed_title(db: Database) -> None:
    # The feed's own title ("Noticias Locales de Tegucigalpa"), as its last
    # successful fetch gave it: alerts name the outlet by it when the config
    # gives the source no `title`, rather than by its slug.
    db["sources"].add_column("feed_title", str)


@migrations()
def m011_mutes(db: Database) -> None:
    # Mutes and "not relevant" marks (docs/alerts.md, "Mute and dismiss"): who
    # asked, when and why. A mute holds back alerts for an item, a story or a
    # source (every rule, or one: a dismissal is the story of an alert marked
    # not relevant for its rule). expires_at NULL: until further notice.
    db["mutes"].create(
        {
            "id": int,
            "kind": str,  # mute | dismiss
            "scope": str,  # item | story | source
            "target": str,  # item id, cluster id or source name
            "rule": str,  # NULL: every rule
            "alert_id": int,  # the alert a dismissal marked
            "item_id": str,  # that alert's item (or the muted item)
            "who": str,
            "why": str,
            "created_at": str,
            "expires_at": str,
        },
        pk="id",
        not_null={"kind", "scope", "target", "who", "created_at"},
    )
    db["mutes"].create_index(["scope", "target"])
    # The mute that held an alert back (its status is then muted or dismissed).
    db["alerts"].add_column("mute_id", int)
    # A muted alert was never delivered, so it does not stand for its story: a
    # copy of the story from a source that is not muted may still ping once.
    db.execute("DROP INDEX IF EXISTS idx_alerts_one_per_story")
    db.execute(
        "CREATE UNIQUE INDEX idx_alerts_one_per_story ON alerts (rule, cluster_id, tag)"
        " WHERE mode = 'immediate' AND status != 'muted'"
    )
    db.create_view(
        "dismissed_items",
        """
        SELECT m.rule, i.title, i.source, i.url, m.who, m.why,
               m.created_at AS dismissed_at, m.alert_id, m.item_id, m.target AS cluster_id,
               (SELECT COUNT(*) FROM alerts a WHERE a.mute_id = m.id) AS alerts_held_back
        FROM mutes m LEFT JOIN items i ON i.id = m.item_id
        WHERE m.kind = 'dismiss'
        """,
    )
    db.create_view(
        "rule_noise",
        """
        WITH sent AS (SELECT DISTINCT rule, item_id FROM alerts WHERE sent_at IS NOT NULL),
             dismissed AS (SELECT DISTINCT rule, item_id FROM mutes WHERE kind = 'dismiss'),
             muted AS (SELECT DISTINCT rule, item_id FROM alerts WHERE status = 'muted'),
             alerted AS (SELECT rule, item_id FROM sent UNION SELECT rule, item_id FROM dismissed)
        SELECT r.rule,
               (SELECT COUNT(*) FROM sent s WHERE s.rule = r.rule) AS sent,
               (SELECT COUNT(*) FROM dismissed d WHERE d.rule = r.rule) AS dismissed,
               (SELECT COUNT(*) FROM alerted a WHERE a.rule = r.rule) AS alerted,
               ROUND(1.0 * (SELECT COUNT(*) FROM dismissed d WHERE d.rule = r.rule)
                     / MAX(1, (SELECT COUNT(*) FROM alerted a WHERE a.rule = r.rule)), 3) AS share,
               (SELECT COUNT(*) FROM muted m WHERE m.rule = r.rule) AS muted
        FROM (SELECT rule FROM alerts UNION SELECT rule FROM mutes WHERE kind = 'dismiss') r
        """,
    )


@migrations()
def m012_mute_withdrawal(db: Database) -> None:
    # A mute ended early (`alerts unmute`) or a not-relevant mark taken back
    # (`alerts undismiss`) keeps its row, with who withdrew it and when: the
    # history stays, and a withdrawn mark no longer counts as noise.
    db["mutes"].add_column("withdrawn_at", str)
    db["mutes"].add_column("withdrawn_by", str)
    db.create_view(
        "dismissed_items",
        """
        SELECT m.rule, i.title, i.source, i.url, m.who, m.why,
               m.created_at AS dismissed_at, m.alert_id, m.item_id, m.target AS cluster_id,
               (SELECT COUNT(*) FROM alerts a WHERE a.mute_id = m.id) AS alerts_held_back
        FROM mutes m LEFT JOIN items i ON i.id = m.item_id
        WHERE m.kind = 'dismiss' AND m.withdrawn_at IS NULL
        """,
        replace=True,
    )
    db.create_view(
        "rule_noise",
        """
        WITH sent AS (SELECT DISTINCT rule, item_id FROM alerts WHERE sent_at IS NOT NULL),
             dismissed AS (SELECT DISTINCT rule, item_id FROM mutes
                           WHERE kind = 'dismiss' AND withdrawn_at IS NULL),
             muted AS (SELECT DISTINCT rule, item_id FROM alerts WHERE status = 'muted'),
             alerted AS (SELECT rule, item_id FROM sent UNION SELECT rule, item_id FROM dismissed)
        SELECT r.rule,
               (SELECT COUNT(*) FROM sent s WHERE s.rule = r.rule) AS sent,
               (SELECT COUNT(*) FROM dismissed d WHERE d.rule = r.rule) AS dismissed,
               (SELECT COUNT(*) FROM alerted a WHERE a.rule = r.rule) AS alerted,
               ROUND(1.0 * (SELECT COUNT(*) FROM dismissed d WHERE d.rule = r.rule)
                     / MAX(1, (SELECT COUNT(*) FROM alerted a WHERE a.rule = r.rule)), 3) AS share,
               (SELECT COUNT(*) FROM muted m WHERE m.rule = r.rule) AS muted
        FROM (SELECT rule FROM alerts UNION SELECT rule FROM mutes WHERE kind = 'dismiss') r
        """,
        replace=True,
    )


@migrations()
def m013_stories_newest_and_rules(db: Database) -> None:
    # The stories view as m007 made it, plus what a reader sorts and filters by
    # (issue 19): `newest`, the newest publication date of the story's items
    # (an item without one counts by when it was fetched), and `rules`, the
    # rules its items matched (NULL: none). last_fetched_at stays: it is when
    # newswatch last saw the story, which is no publication date.
    db.execute("DROP VIEW IF EXISTS stories")
    db.create_view(
        "stories",
        """
        SELECT c.cluster_id,
               (SELECT f.title FROM items f WHERE f.cluster_id = c.cluster_id
                ORDER BY f.fetched_at, f.rowid LIMIT 1) AS title,
               (SELECT f.url FROM items f WHERE f.cluster_id = c.cluster_id
                ORDER BY f.fetched_at, f.rowid LIMIT 1) AS url,
               (SELECT f.source FROM items f WHERE f.cluster_id = c.cluster_id
                ORDER BY f.fetched_at, f.rowid LIMIT 1) AS first_source,
               (SELECT group_concat(o.source, ', ') FROM (
                    SELECT source FROM items WHERE cluster_id = c.cluster_id
                    GROUP BY source ORDER BY MIN(fetched_at), source) o) AS outlets,
               c.outlets_count,
               c.articles,
               c.newest,
               (SELECT group_concat(r.rule, ', ') FROM (
                    SELECT DISTINCT m.rule FROM items f JOIN matches m ON m.item_id = f.id
                    WHERE f.cluster_id = c.cluster_id ORDER BY m.rule) r) AS rules,
               c.first_published,
               c.first_fetched_at,
               c.last_fetched_at,
               (SELECT COUNT(*) FROM items f JOIN sightings s ON s.item_id = f.id
                WHERE f.cluster_id = c.cluster_id AND s.source != f.source) AS sightings,
               (SELECT group_concat(o.source, ', ') FROM (
                    SELECT DISTINCT s.source FROM items f JOIN sightings s ON s.item_id = f.id
                    WHERE f.cluster_id = c.cluster_id AND s.source != f.source ORDER BY s.source) o)
                   AS sighted_by
        FROM (SELECT cluster_id,
                     COUNT(DISTINCT source) AS outlets_count,
                     COUNT(*) AS articles,
                     MAX(COALESCE(published, fetched_at)) AS newest,
                     MIN(published) AS first_published,
                     MIN(fetched_at) AS first_fetched_at,
                     MAX(fetched_at) AS last_fetched_at
              FROM items WHERE cluster_id IS NOT NULL GROUP BY cluster_id) c
        """,
    )


@migrations()
def m014_item_links(db: Database) -> None:
    # An item's outgoing links (issue 20): the <a href>s of its feed entry and
    # those inside its article page's text, a JSON list of absolute URLs
    # (at most 200; formats/links.py). NULL: none known, as for every item
    # stored before. A followed story's follow-ups are found by them.
    db["items"].add_column("links", str)


@migrations()
def m015_follow_seeds(db: Database) -> None:
    # The seed article of each [[follows]] table, fetched once (issue 20):
    # its page is kept so that later runs profile it again without asking
    # the site; a failed fetch keeps its error (shown by `newswatch status`)
    # and is tried again on the next run.
    db["follow_seeds"].create({
        "name": str, "url": str, "final_url": str, "content_type": str, "page": bytes,
        "fetched_at": str, "error": str, "error_at": str, "attempts": int,
    }, pk="name")


@migrations()
def m016_discovered_pages(db: Database) -> None:
    # Pages one hop beyond the sources (issue 20): every page discovery asked
    # for, kept or not, so that none is fetched twice. status: kept (stored as
    # an item of source discovered:<host>), dropped (neither follows a story
    # nor matches a rule) or failed (why: the error).
    db["discovered_pages"].create({
        "url": str, "host": str, "fetched_at": str, "status": str, "why": str, "item_id": str,
    }, pk="url")
    db["discovered_pages"].create_index(["status"])


@migrations()
def m017_story_keys(db: Database) -> None:
    # The story index in the database (issue 21): each item filed under its
    # LSH band keys and its title key's (48-bit integers made by
    # stories/clustering.py), so that a run looks up the candidates of a new
    # item instead of loading 30 days of signatures into memory (5 KB an
    # item). Without rowid: the (key, item) pairs are the index itself.
    db.execute("CREATE TABLE story_keys (key INTEGER NOT NULL, item_id TEXT NOT NULL,"
               " PRIMARY KEY (key, item_id)) WITHOUT ROWID")
    # Items not filed yet: every item stored before, and each item inserted
    # since (the trigger) until the next run that clusters files it: one
    # run's keys at once, in key order, cost far fewer page writes.
    db.execute("CREATE TABLE story_pending (item_id TEXT PRIMARY KEY) WITHOUT ROWID")
    db.execute("INSERT INTO story_pending (item_id) SELECT id FROM items")
    db.execute("CREATE TRIGGER items_story_pending AFTER INSERT ON items BEGIN"
               " INSERT OR IGNORE INTO story_pending (item_id) VALUES (new.id); END")


@migrations()
def m018_bulk_indexing(db: Database) -> None:
    # Items stored in batches are indexed in bulk (storage.items._insert_items):
    # run once per row, the triggers below made FTS5 flush its pending terms at
    # every row, 0.3 s of CPU per 10,000 items against 0.05 s for one
    # INSERT ... SELECT. While the batch's transaction holds a row in
    # items_bulk, they stand aside; every other insert (another program, the
    # sqlite3 shell) is indexed by them as before.
    db.execute("CREATE TABLE items_bulk (since INTEGER NOT NULL)")
    db.execute("DROP TRIGGER IF EXISTS items_ai")
    db.execute('CREATE TRIGGER "items_ai" AFTER INSERT ON "items"'
               " WHEN NOT EXISTS (SELECT 1 FROM items_bulk) BEGIN"
               ' INSERT INTO "items_fts" (rowid, "title", "summary", "body")'
               ' VALUES (new.rowid, new."title", new."summary", new."body"); END')
    db.execute("DROP TRIGGER IF EXISTS items_story_pending")
    db.execute("CREATE TRIGGER items_story_pending AFTER INSERT ON items"
               " WHEN NOT EXISTS (SELECT 1 FROM items_bulk) BEGIN"
               " INSERT OR IGNORE INTO story_pending (item_id) VALUES (new.id); END")


@migrations()
def m019_reindex_changed_text_only(db: Database) -> None:
    # An item seen again is written only when the source says something new of it
    # (storage.items._refresh), and its text is indexed for search again only when the
    # text changed: a new link list, date or updated_at leaves the index as it is.
    db.execute("DROP TRIGGER IF EXISTS items_au")
    db.execute('CREATE TRIGGER "items_au" AFTER UPDATE OF "title", "summary", "body" ON "items"'
               ' WHEN old."title" IS NOT new."title" OR old."summary" IS NOT new."summary"'
               ' OR old."body" IS NOT new."body" BEGIN'
               ' INSERT INTO "items_fts" ("items_fts", rowid, "title", "summary", "body")'
               " VALUES ('delete', old.rowid, old.\"title\", old.\"summary\", old.\"body\");"
               ' INSERT INTO "items_fts" (rowid, "title", "summary", "body")'
               ' VALUES (new.rowid, new."title", new."summary", new."body"); END')
