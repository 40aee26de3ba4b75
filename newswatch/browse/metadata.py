"""Datasette metadata generated from a newswatch config.

Everything a reader of the database needs to find their way: titles and
descriptions for the database, its tables and columns; label columns so that
foreign keys show a title instead of a hash; newest-first sorting; facets; the
full-text index on items; and canned queries (one per rule, each also an Atom
feed through datasette-atom, plus three for keeping the monitor healthy).

Texts from the config (rule names, queries, topics) go into plain
``description`` fields, which Datasette escapes, never ``description_html``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..config import outlet_titles

#: URL prefix of the per-rule canned queries: ``/<db>/rule-<name>`` (and
#: ``.atom``). The prefix keeps a rule called "items" from hiding the table.
RULE_QUERY_PREFIX = "rule-"

#: The name newswatch's Datasette plugin registers and reads its settings under.
PLUGIN_NAME = "newswatch"


def plugin_settings(datasette: Any) -> dict[str, Any]:
    """What :func:`datasette_metadata` gave newswatch's plugin (database, time zone, rules, outlets)."""
    return datasette.plugin_config(PLUGIN_NAME) or {}


def plugin_zone(datasette: Any) -> ZoneInfo:
    """The configured time zone pages show times in (UTC when none)."""
    return ZoneInfo(plugin_settings(datasette).get("timezone") or "UTC")


#: Rows in a rule's "latest matches" query and Atom feed; the matches table
#: (faceted by rule) and ``newswatch export`` have the full history.
RULE_QUERY_LIMIT = 100

# Only the columns whose meaning is not obvious from the name.
_ITEM_COLUMNS = {
    "id": "Primary key: a hash of the canonical URL",
    "links": "JSON array of the links in the article's own text (not its menus), at most 200: "
             "how a follow-up that cites a followed story is found",
    "url": "The article's link, redirect wrappers undone and tracking parameters stripped",
    "raw_url": "The link as the source gave it (a FeedBurner or Google Alerts link), when url differs",
    "canonical_url": "The URL with tracking parameters stripped (rel=canonical when the page was fetched)",
    "enclosures": "JSON list of the podcast, video and image files the entry carried",
    "body": "Article text extracted with trafilatura, when the page was fetched",
    "published": "Publication time, UTC ISO 8601, as the outlet gave it; empty when it gave none",
    "published_from": "Where the publication time came from: feed, sitemap or page",
    "lastmod": "The sitemap's lastmod: when the page last changed, not when it was published",
    "fetched_at": "When newswatch first stored the item (first seen), UTC; not a publication time",
    "updated_at": "When newswatch last stored a change to the item (its text, date, links...), UTC",
    "lang": "Primary language subtag, like es or en (from the feed, the source or detected)",
    "lang_region": "The language tag's region, like 419, us or gt (es-419 is lang es, region 419)",
    "cluster_id": "Near-duplicate copies of one story share a cluster id",
    "title_key": "Folded title used to find near-duplicates",
}

_TABLES: dict[str, dict[str, Any]] = {
    "items": {
        "title": "Items",
        "description": "One row per distinct article collected from the sources, newest first. "
        "Search is accent-blind: Hernandez finds Hernández.",
        "label_column": "title",
        "sort_desc": "published",
        # No facet by day: one line per day pushed the rows a page down.
        # `_facet_date=published` adds it for a reader who wants it.
        "facets": ["source", "lang"],
        "fts_table": "items_fts",
        "fts_pk": "rowid",
        "columns": _ITEM_COLUMNS,
    },
    "matches": {
        "title": "Matches",
        "description": "One row per (item, rule) that matched, newest first, "
        "with the terms that fired and a snippet with the hits marked «like this».",
        "sort_desc": "matched_at",
        "facets": ["rule", "topic"],
        "columns": {
            "item_id": "The matched item",
            "rule": "Name of the rule in newswatch.toml or a topic file",
            "topic": "The rule's topic",
            "terms": "JSON array of the query terms that fired",
            "fields": "JSON array of the fields where they fired (title, summary, body)",
            "snippet": "The evidence: about 30 words where the deciding terms are, hits marked «like this»",
            "matched_at": "When the match was recorded, UTC",
        },
    },
    "sources": {
        "title": "Sources",
        "description": "The configured feeds and sites and their health.",
        "label_column": "name",
        "sort": "name",
        "facets": ["kind", "lang"],
        "columns": {
            "name": "Unique source name from the config",
            "kind": "feed, search, sitemap, site or page",
            "url": "What newswatch fetches",
            "lang": "Default language of its items",
            "interval_s": "Seconds between fetches",
            "last_fetch_at": "Last attempt, UTC",
            "last_ok_at": "Last successful fetch, UTC",
            "next_due_at": "When the next fetch is due (later after failures), UTC",
            "etag": "ETag for conditional GET",
            "last_modified": "Last-Modified for conditional GET",
            "body_hash": "Hash of the last body, to skip unchanged feeds",
            "error_streak": "Failed fetches in a row; 0 when healthy",
            "last_error": "The last failure, if any",
        },
    },
    "alerts": {
        "title": "Alerts",
        "description": "Notifications: one immediate alert per (rule, story cluster, channel tag), ever; "
        "digests collect the rest. Newest first.",
        "sort_desc": "created_at",
        "facets": ["status", "rule", "tag", "mode"],
        "columns": {
            "id": "Alert number",
            "rule": "The rule that matched",
            "cluster_id": "The story cluster the alert is about",
            "item_id": "The item that triggered it",
            "tag": "Apprise tag (channel) it goes to",
            "mode": "immediate or digest",
            "status": "pending, sending, sent, failed (will retry), dead (gave up), deferred (to the digest), "
            "muted or dismissed (held back: see mute_id)",
            "mute_id": "The mute or not-relevant mark that held it back",
            "attempts": "Delivery attempts so far",
            "next_attempt_at": "When the next attempt is due, UTC",
            "last_error": "Why the last attempt failed (URLs in Apprise's privacy form)",
            "created_at": "When the match created the alert, UTC",
            "sent_at": "When Apprise reported success, UTC",
            "claimed_by": "The run delivering it right now",
            "claimed_at": "When that run claimed it, UTC",
        },
    },
    "follow_seeds": {
        "title": "Followed stories' seeds",
        "description": "The seed article of each [[follows]] table, read once and kept; "
        "its follow-ups are the matches of rule follow:<name>.",
        "columns": {
            "name": "The [[follows]] table's name",
            "url": "The seed article's address as configured",
            "final_url": "Where it was read, after redirects",
            "page": "The page as read (bytes), so later runs need not fetch it again",
            "fetched_at": "When it was read, UTC",
            "error": "Why it could not be read, if so (retried next run)",
            "attempts": "Reads tried so far",
        },
    },
    "discovered_pages": {
        "title": "Pages beyond the sources",
        "description": "Every page discovery fetched from follow-ups' links ([discovery]), "
        "kept as an item of discovered:<host> or dropped; none is fetched twice.",
        "sort_desc": "fetched_at",
        "facets": ["status", "host"],
        "columns": {
            "url": "The page",
            "host": "Its host",
            "fetched_at": "When it was fetched, UTC",
            "status": "kept (it follows a story or matches a rule), dropped or failed",
            "why": "What it followed or matched, or why it was dropped",
            "item_id": "The item it was kept as",
        },
    },
    "runs": {
        "title": "Runs",
        "description": "One row per crawl-match-store-alert cycle, newest first.",
        "sort_desc": "started_at",
        "facets": ["status"],
        "columns": {
            "errors": "JSON object: source name -> error",
        },
    },
    "fetches": {
        "title": "Fetches",
        "description": "One row per source fetch in a run, newest first.",
        "sort_desc": "fetched_at",
        "facets": ["source", "status"],
        "columns": {
            "status": 'HTTP status, "not-modified", "unchanged" or "error"',
            "items": "Entries in the response",
            "items_new": "Entries not seen before",
            "duration_ms": "Time the fetch took",
        },
    },
    "stories": {
        "title": "Stories",
        "description": "One row per story cluster: the same story carried by several outlets, "
        "retitled or trimmed, counts once. Newest first, by the newest publication date of its "
        "items. Opened without options it shows the stories a rule matched (rules is not blank); "
        "remove that filter to see every story.",
        "sort_desc": "newest",
        "columns": {
            "cluster_id": "The story cluster (the id of its first item)",
            "title": "The first item's title",
            "first_source": "The outlet that carried it first",
            "outlets": "Every outlet that carried it",
            "outlets_count": "How many outlets",
            "articles": "How many items",
            "newest": "The newest publication date of its items (the fetch time of an item without one), UTC",
            "rules": "The rules its items matched; empty when none did",
            "last_fetched_at": "When newswatch last stored an item of it, UTC; not a publication date",
        },
    },
    "digests": {
        "title": "Digests",
        "description": "Digest messages: one per (rule, tag) and schedule slot, with delivery state.",
        "facets": ["status", "rule", "tag"],
    },
    "deliveries": {
        "title": "Deliveries",
        "description": "Each Apprise URL (privacy form) that accepted an alert or digest, so a retry "
        "goes only to the URLs that have not.",
    },
    "mutes": {
        "title": "Mutes and not-relevant marks",
        "description": "Who held back alerts for an item, a story or a source (`newswatch alerts mute`), "
        "or marked an alert not relevant for its rule (`newswatch alerts dismiss`), when and why.",
        "sort_desc": "created_at",
        "facets": ["kind", "scope", "rule", "who"],
        "columns": {
            "kind": "mute (every rule) or dismiss (not relevant for one rule)",
            "scope": "What is held back: an item, a story (cluster) or a source",
            "target": "The item id, cluster id or source name",
            "rule": "The rule a dismissal is about; empty for mutes (every rule)",
            "alert_id": "The alert that was marked not relevant",
            "who": "Who asked (the OS user, or --by)",
            "why": "The reason given",
            "created_at": "When, UTC",
            "expires_at": "When a mute stops holding alerts back, UTC; empty: until further notice",
            "withdrawn_at": "When the mute was ended early (`alerts unmute`) or the mark taken back "
            "(`alerts undismiss`), UTC; empty: still as made",
            "withdrawn_by": "Who ended or took it back",
        },
    },
    "dismissed_items": {
        "title": "Dismissed as not relevant, per rule",
        "description": "Items an analyst marked not relevant for a rule (`newswatch alerts dismiss`): "
        "the rule's false positives, with who and why. Facet by rule to see which rule is noisy.",
        "sort_desc": "dismissed_at",
        "facets": ["rule", "source", "who"],
        "columns": {
            "dismissed_at": "When it was marked, UTC",
            "alerts_held_back": "Alerts of the rule for this story held back by the mark (sent ones included)",
        },
    },
    "rule_noise": {
        "title": "Noise per rule",
        "description": "Per rule: items alerted (sent or dismissed), dismissed as not relevant, and the "
        "share dismissed; `newswatch alerts report` prints the same.",
        "sort_desc": "share",
        "columns": {
            "sent": "Items whose alert was delivered",
            "dismissed": "Items marked not relevant",
            "alerted": "Items sent or dismissed",
            "share": "dismissed / alerted",
            "muted": "Items whose alerts a mute held back",
        },
    },
    # A cache of MinHash signatures (binary), rebuilt from items when missing.
    "item_signatures": {"hidden": True},
    # The story index: items filed under their LSH band and title keys (integers).
    "story_keys": {"hidden": True},
    "story_pending": {"hidden": True},
    # Empty but while a batch of items is written (see storage.items._insert_items).
    "items_bulk": {"hidden": True},
}


def database_name(path: str | Path) -> str:
    """The name Datasette gives a database file: its name without the extension."""
    return Path(path).stem


def rule_query_name(rule: str) -> str:
    """The canned query (and Atom feed) name for a rule: ``rule-<name>``."""
    return RULE_QUERY_PREFIX + rule


def _sql_string(value: str) -> str:
    """A SQL string literal. Rule names are [a-z0-9-] already; quote anyway."""
    return "'" + value.replace("'", "''") + "'"


def rule_sql(rule: str, limit: int = RULE_QUERY_LIMIT) -> str:
    """SQL of a rule's "latest matches" query; its atom_* columns feed datasette-atom."""
    # What a reader leads with first (title, outlet, date, evidence); the
    # columns after url are for links and the feed, hidden on the HTML page.
    return f"""select
  items.title,
  items.source,
  items.published,
  matches.snippet,
  matches.terms,
  items.fetched_at,
  items.url,
  items.id as item_id,
  'urn:newswatch:item:' || items.id as atom_id,
  coalesce(items.title, items.url) as atom_title,
  coalesce(items.published, items.fetched_at, matches.matched_at) as atom_updated,
  items.url as atom_link,
  items.source || ': ' || coalesce(matches.snippet, items.summary, '') as atom_content,
  coalesce(items.author, items.source) as atom_author_name
from matches join items on items.id = matches.item_id
where matches.rule = {_sql_string(rule)}
order by coalesce(items.published, items.fetched_at) desc, items.id
limit {int(limit)}"""


STORIES_SQL = """select
  items.cluster_id,
  count(distinct items.source) as outlets,
  count(distinct items.id) as items,
  group_concat(distinct items.source) as sources,
  max(coalesce(items.published, items.fetched_at)) as latest,
  (select first.title from items as first
    where first.cluster_id = items.cluster_id
    order by coalesce(first.published, first.fetched_at) limit 1) as title
from items
where items.cluster_id is not null
group by items.cluster_id
order by outlets desc, latest desc
limit 100"""

FAILING_SOURCES_SQL = """select name, kind, url, error_streak, last_error, last_fetch_at, last_ok_at, next_due_at
from sources
where error_streak > 0
order by error_streak desc, last_fetch_at desc"""

UNDELIVERED_ALERTS_SQL = """select
  alerts.id, alerts.status, alerts.rule, alerts.tag, alerts.mode, alerts.attempts,
  alerts.next_attempt_at, alerts.last_error, alerts.created_at,
  items.title, items.source, items.url, alerts.item_id
from alerts join items on items.id = alerts.item_id
where alerts.status in ('pending', 'sending', 'failed', 'dead')
order by alerts.created_at desc, alerts.id desc"""

ITEM_SQL = """select
  items.title, items.source, items.published, items.fetched_at,
  items.url, matches.rule, matches.topic, matches.terms, matches.snippet, matches.matched_at
from items left join matches on matches.item_id = items.id
where items.id = :id
order by matches.rule"""


def _canned_queries(config) -> dict[str, dict[str, Any]]:
    queries: dict[str, dict[str, Any]] = {}
    for rule in config.rules:
        about = f"Query: {rule.query}"
        if rule.topic:
            about = f"Topic: {rule.topic}. {about}"
        queries[rule_query_name(rule.name)] = {
            "title": f"Latest matches for {rule.name}",
            "description": f"{about}. The newest {RULE_QUERY_LIMIT} matches; "
            "subscribe to the .atom link for a feed.",
            "sql": rule_sql(rule.name),
        }
    # Not "stories": that name is the database view of every story cluster.
    queries["most-covered"] = {
        "title": "Stories carried by the most outlets",
        "description": "Near-duplicate items grouped by story cluster, the most widely carried first.",
        "sql": STORIES_SQL,
    }
    queries["failing-sources"] = {
        "title": "Sources failing now",
        "description": "Sources whose last fetches failed (error_streak > 0), worst first.",
        "sql": FAILING_SOURCES_SQL,
    }
    queries["undelivered-alerts"] = {
        "title": "Alerts not delivered",
        "description": "Alerts pending, being sent, failed (will retry) or dead (gave up), newest first.",
        "sql": UNDELIVERED_ALERTS_SQL,
    }
    queries["item"] = {
        "title": "Item with matches",
        "description": "One item, a link to the original, and every rule it matched with terms and snippet.",
        "sql": ITEM_SQL,
    }
    for query in queries.values():
        # Results first; the SQL is one click away ("show").
        query["hide_sql"] = True
    return queries


def datasette_metadata(config, name: str | None = None) -> dict[str, Any]:
    """Datasette metadata for the config's database, keyed by its Datasette name.

    ``name`` overrides the database name (by default the file name without
    extension, as Datasette derives it).
    """
    name = name or database_name(config.database)
    rules = ", ".join(r.name for r in config.rules) or "none yet"
    return {
        "title": "newswatch",
        "description": "Follow-up coverage collected by newswatch: items, rule matches, alerts and crawl health.",
        "databases": {
            name: {
                "title": f"newswatch: {name}",
                "description": f"Items from {len(config.sources)} sources matched against "
                f"{len(config.rules)} rules ({rules}).",
                "tables": {table: dict(meta) for table, meta in _TABLES.items()},
                "queries": _canned_queries(config),
            }
        },
        # Lets newswatch's Datasette plugin know which database it serves
        # (and stay inert in any other Datasette in the same process).
        # The desk reads the time zone, the rules' topics and outlets' names from here.
        "plugins": {PLUGIN_NAME: {
            "database": name,
            "timezone": config.notify.timezone,
            "rules": {rule.name: rule.topic or None for rule in config.rules},
            "outlets": outlet_titles(config.sources),
        }},
    }
