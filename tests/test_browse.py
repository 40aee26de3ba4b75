"""Datasette on the newswatch database, tested in-process through ``ds.client``.

The newsroom fixture (also used by test_export.py and test_browser.py) is a
small real database: Spanish and English items on the seed story's threads, a
story carried by two outlets, a failing source, undelivered alerts, and one
hostile item whose title and snippet carry HTML that must never run.
"""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path

import feedparser
import pytest
from markupsafe import escape

from newswatch.browse import BrowseError, datasette_metadata, make_datasette
from newswatch.config import load
from newswatch.storage import open_db

HOSTILE_TITLE = (
    "Hostile <script>alert(1)</script>"
    "<img src=x onerror=\"document.documentElement.dataset.pwned='yes'\"> headline"
)

CONFIG = """\
database = "nw.db"

[[rules]]
name = "officials"
topic = "Officials"
query = '"roxana baldetti" OR baldetti OR hernandez'
notify = []

[[rules]]
name = "tps-decisions"
topic = "TPS"
query = '("temporary protected status" OR =TPS) AND (honduras OR hondure*)'
notify = []

[[rules]]
name = "aid-cuts"
topic = "Aid"
query = 'aid NEAR/5 (cut OR cuts)'
notify = []
"""

SOURCES = [
    {"name": "elfaro", "kind": "feed", "url": "http://127.0.0.1:9/elfaro.xml", "lang": "es", "error_streak": 0},
    {"name": "insightcrime", "kind": "feed", "url": "http://127.0.0.1:9/ic.xml", "lang": "en", "error_streak": 0},
    {"name": "prensalibre", "kind": "feed", "url": "http://127.0.0.1:9/pl.xml", "lang": "es",
     "error_streak": 3, "last_error": "HTTP 500 Internal Server Error",
     "last_fetch_at": "2017-06-21T08:00:00Z", "last_ok_at": "2017-06-18T08:00:00Z"},
]


def _item(id, title, source, lang, published, cluster, summary="", url=None):
    url = url or f"https://{source}.example.org/{id}"
    return {
        "id": id, "url": url, "canonical_url": url, "guid": url, "title": title, "summary": summary,
        "published": published, "fetched_at": published, "lang": lang, "source": source,
        "cluster_id": cluster,
    }


ITEMS = [
    _item("joh", "Juan Orlando Hernández acusado en Nueva York", "elfaro", "es",
          "2017-06-20T14:00:00Z", "c-joh", "El expresidente hondureño enfrenta cargos."),
    _item("bal-es", "Roxana Baldetti será extraditada a Estados Unidos", "prensalibre", "es",
          "2017-06-18T09:30:00Z", "c-bal", "La exvicepresidenta guatemalteca."),
    _item("bal-en", "Baldetti to face US drug trafficking charges", "insightcrime", "en",
          "2017-06-19T16:00:00Z", "c-bal", "Guatemala's former vice president."),
    _item("tps", "US extends Temporary Protected Status for Hondurans", "insightcrime", "en",
          "2017-06-15T12:00:00Z", "c-tps", "Honduran TPS holders get six more months."),
    _item("hostile", HOSTILE_TITLE, "insightcrime", "en", "2017-06-10T08:00:00Z", "c-hostile",
          "<b>bold</b> summary", url="javascript:alert(3)"),
    _item("weather", "Lluvias en la Ciudad de Guatemala", "prensalibre", "es",
          "2017-05-01T07:00:00Z", "c-weather", "Pronóstico del tiempo."),
]

MATCHES = [
    {"item_id": "joh", "rule": "officials", "topic": "Officials", "terms": '["hernandez"]',
     "snippet": "El expresidente «Juan Orlando Hernández» acusado en Nueva York",
     "matched_at": "2017-06-20T14:05:00Z"},
    {"item_id": "bal-es", "rule": "officials", "topic": "Officials", "terms": '["roxana baldetti", "baldetti"]',
     "snippet": "«Roxana Baldetti» será extraditada a Estados Unidos", "matched_at": "2017-06-18T09:35:00Z"},
    {"item_id": "bal-en", "rule": "officials", "topic": "Officials", "terms": '["baldetti"]',
     "snippet": "«Baldetti» to face US drug trafficking charges", "matched_at": "2017-06-19T16:05:00Z"},
    {"item_id": "tps", "rule": "tps-decisions", "topic": "TPS",
     "terms": '["temporary protected status", "hondurans"]',
     "snippet": "US extends «Temporary Protected Status» for «Hondurans»", "matched_at": "2017-06-15T12:05:00Z"},
    {"item_id": "hostile", "rule": "tps-decisions", "topic": "TPS", "terms": '["tps"]',
     "snippet": "«TPS» <script>alert(2)</script> in the snippet", "matched_at": "2017-06-10T08:05:00Z"},
]

ALERTS = [
    {"id": 1, "rule": "officials", "cluster_id": "c-joh", "item_id": "joh", "tag": "team", "mode": "immediate",
     "status": "pending", "attempts": 0, "created_at": "2017-06-20T14:05:00Z"},
    {"id": 2, "rule": "officials", "cluster_id": "c-bal", "item_id": "bal-es", "tag": "team", "mode": "immediate",
     "status": "dead", "attempts": 8, "last_error": "mailto://user:****@example.org: connection refused",
     "created_at": "2017-06-18T09:35:00Z"},
    {"id": 3, "rule": "tps-decisions", "cluster_id": "c-tps", "item_id": "tps", "tag": "team", "mode": "immediate",
     "status": "sent", "attempts": 1, "created_at": "2017-06-15T12:05:00Z", "sent_at": "2017-06-15T12:06:00Z"},
]


def make_newsroom(directory: Path):
    """Write the config and the database into ``directory``; return the loaded config."""
    path = directory / "newswatch.toml"
    path.write_text(CONFIG, encoding="utf-8")
    config = load(path, check_env=False)
    db = open_db(config.database)
    with db.conn:
        db["sources"].insert_all(SOURCES, alter=False)
        db["items"].insert_all(ITEMS)
        db["matches"].insert_all(MATCHES)
        db["alerts"].insert_all(ALERTS)
        db["runs"].insert({"id": 1, "started_at": "2017-06-21T08:00:00Z", "finished_at": "2017-06-21T08:01:00Z",
                           "status": "partial", "sources_ok": 2, "sources_failed": 1, "items_new": 6,
                           "matches_new": 5, "alerts_sent": 1, "errors": '{"prensalibre": "HTTP 500"}'})
        db["fetches"].insert({"id": 1, "run_id": 1, "source": "prensalibre", "url": SOURCES[2]["url"],
                              "status": "error", "items": 0, "error": "HTTP 500",
                              "fetched_at": "2017-06-21T08:00:00Z"})
    db.close()
    return config


@pytest.fixture
def newsroom(tmp_path):
    return make_newsroom(tmp_path)


@pytest.fixture
def ds(newsroom):
    return make_datasette(newsroom)


def get(ds, path):
    async def fetch():
        return await ds.client.get(path)

    return asyncio.run(fetch())


def get_json(ds, path):
    response = get(ds, path)
    assert response.status_code == 200, response.text[:500]
    return response.json()


# -- metadata ---------------------------------------------------------------


def test_metadata_has_one_canned_query_per_rule_and_the_health_queries(newsroom):
    meta = datasette_metadata(newsroom)
    queries = meta["databases"]["nw"]["queries"]
    assert {"rule-officials", "rule-tps-decisions", "rule-aid-cuts"} <= set(queries)
    assert queries["rule-officials"]["title"] == "Latest matches for officials"
    assert "baldetti" in queries["rule-officials"]["description"]  # the rule's query, as text
    assert {"most-covered", "failing-sources", "undelivered-alerts", "item"} <= set(queries)
    # Browsing is read-only: no canned query writes.
    assert not any(q.get("write") for q in queries.values())


def test_pages_show_titles_and_descriptions(ds):
    page = get(ds, "/nw").text
    assert "newswatch: nw" in page
    assert "Latest matches for tps-decisions" in page
    assert "Stories carried by the most outlets" in page
    items = get(ds, "/nw/items").text
    assert "accent-blind" in items  # the table description
    # Every column, with its description, one click away from the lead columns.
    assert "Show every column" in items
    items = get(ds, "/nw/items?_columns=all").text
    assert ('data-column-description="Publication time, UTC ISO 8601, as the outlet gave it; '
            'empty when it gave none"') in items


def test_items_newest_first_with_facets_on_source_and_lang_and_day_on_request(ds):
    data = get_json(ds, "/nw/items.json?_shape=objects")
    assert [r["id"] for r in data["rows"]] == ["joh", "bal-en", "bal-es", "tps", "hostile", "weather"]
    facets = data["facet_results"]
    # No facet by day by default: a line per day pushed the rows a page down.
    assert set(facets) == {"source", "lang"}
    sources = {f["value"]: f["count"] for f in facets["source"]["results"]}
    assert sources == {"insightcrime": 3, "prensalibre": 2, "elfaro": 1}
    data = get_json(ds, "/nw/items.json?_shape=objects&_facet_date=published")
    days = {f["value"]: f["count"] for f in data["facet_results"]["published"]["results"]}
    assert days["2017-06-20"] == 1


def test_matches_facet_on_rule_and_topic_and_label_items_by_title(ds):
    data = get_json(ds, "/nw/matches.json?_shape=objects&_labels=on")
    facets = data["facet_results"]
    rules = {f["value"]: f["count"] for f in facets["rule"]["results"]}
    assert rules == {"officials": 3, "tps-decisions": 2}
    assert {f["value"] for f in facets["topic"]["results"]} == {"Officials", "TPS"}
    # The foreign key matches.item_id -> items shows the item's title.
    first = data["rows"][0]
    assert first["item_id"] == {"value": "joh", "label": "Juan Orlando Hernández acusado en Nueva York"}


def test_foreign_keys_link_items_to_sources_and_alerts_to_items(ds):
    items = get_json(ds, "/nw/items.json?_shape=objects&_labels=on&id=joh")
    assert items["rows"][0]["source"] == {"value": "elfaro", "label": "elfaro"}
    alerts = get_json(ds, "/nw/alerts.json?_shape=objects&_labels=on&id=1")
    assert alerts["rows"][0]["item_id"]["label"] == "Juan Orlando Hernández acusado en Nueva York"


def test_search_is_accent_blind(ds):
    rows = get_json(ds, "/nw/items.json?_search=Hernandez&_shape=array")
    assert [r["title"] for r in rows] == ["Juan Orlando Hernández acusado en Nueva York"]
    rows = get_json(ds, "/nw/items.json?_search=baldetti&_shape=array")
    assert {r["id"] for r in rows} == {"bal-es", "bal-en"}
    # FTS5 syntax on request, as docs/browse.md says.
    rows = get_json(ds, "/nw/items.json?_search=baldetti+OR+hernandez&_searchmode=raw&_shape=array")
    assert {r["id"] for r in rows} == {"bal-es", "bal-en", "joh"}
    # The search box is on the items page.
    assert 'name="_search"' in get(ds, "/nw/items").text


def test_rule_canned_queries_return_that_rules_matches_newest_first(ds):
    rows = get_json(ds, "/nw/rule-officials.json?_shape=array")
    assert [r["item_id"] for r in rows] == ["joh", "bal-en", "bal-es"]
    first = rows[0]
    assert first["title"] == "Juan Orlando Hernández acusado en Nueva York"
    assert first["source"] == "elfaro"
    assert first["published"] == "2017-06-20T14:00:00Z"
    assert json.loads(first["terms"]) == ["hernandez"]
    assert "«Juan Orlando Hernández»" in first["snippet"]
    assert first["url"] == "https://elfaro.example.org/joh"
    tps = get_json(ds, "/nw/rule-tps-decisions.json?_shape=array")
    assert [r["item_id"] for r in tps] == ["tps", "hostile"]
    assert get_json(ds, "/nw/rule-aid-cuts.json?_shape=array") == []
    # On the HTML page each row leads to the item's page.
    assert '<a href="/nw/items/bal-es">bal-es</a>' in get(ds, "/nw/rule-officials").text


def test_stories_failing_sources_and_undelivered_alerts(ds):
    stories = get_json(ds, "/nw/most-covered.json?_shape=array")
    assert stories[0]["cluster_id"] == "c-bal"
    assert stories[0]["outlets"] == 2
    assert set(stories[0]["sources"].split(",")) == {"prensalibre", "insightcrime"}
    failing = get_json(ds, "/nw/failing-sources.json?_shape=array")
    assert [(s["name"], s["error_streak"]) for s in failing] == [("prensalibre", 3)]
    assert "HTTP 500" in failing[0]["last_error"]
    alerts = get_json(ds, "/nw/undelivered-alerts.json?_shape=array")
    assert [(a["id"], a["status"]) for a in alerts] == [(1, "pending"), (2, "dead")]


def test_item_page_links_the_original_and_shows_terms_and_snippet(ds):
    page = get(ds, "/nw/items/joh").text
    assert '<a href="https://elfaro.example.org/joh" rel="noopener noreferrer nofollow">Read the original' in page
    assert "<strong>Juan Orlando Hernández acusado en Nueva York</strong>" in page
    assert "<code>hernandez</code>" in page
    assert "El expresidente <mark>Juan Orlando Hernández</mark> acusado" in page
    assert 'href="/nw/rule-officials"' in page
    assert "No rule matched this item." in get(ds, "/nw/items/weather").text
    # The canned "item" query gives the same as data.
    rows = get_json(ds, "/nw/item.json?id=bal-es&_shape=array")
    assert [(r["rule"], r["url"]) for r in rows] == [("officials", "https://prensalibre.example.org/bal-es")]


@pytest.mark.parametrize("path", [
    "/nw/items", "/nw/items/hostile", "/nw/rule-tps-decisions", "/nw/matches?_labels=on",
    "/nw/item?id=hostile", "/nw/most-covered",
])
def test_feed_text_never_becomes_html(ds, path):
    page = get(ds, path).text
    assert "<script>alert(" not in page
    assert "<img src=x" not in page
    assert 'href="javascript:' not in page
    # The title shows as the text it is, escaped the way Jinja escapes.
    assert str(escape(HOSTILE_TITLE)) in page


def test_snippets_mark_hits_but_escape_everything_else(ds):
    page = get(ds, "/nw/rule-tps-decisions").text
    assert "<mark>TPS</mark> &lt;script&gt;alert(2)&lt;/script&gt; in the snippet" in page
    assert "<mark>Temporary Protected Status</mark>" in page


def test_each_rule_has_an_atom_feed(ds):
    page = get(ds, "/nw/rule-officials").text
    assert 'href="/nw/rule-officials.atom"' in page
    response = get(ds, "/nw/rule-officials.atom")
    assert response.status_code == 200
    assert "xml" in response.headers["content-type"]
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "Latest matches for officials"
    assert [e.title for e in feed.entries] == [
        "Juan Orlando Hernández acusado en Nueva York",
        "Baldetti to face US drug trafficking charges",
        "Roxana Baldetti será extraditada a Estados Unidos",
    ]
    assert feed.entries[0].link == "https://elfaro.example.org/joh"
    assert feed.entries[0].id == "urn:newswatch:item:joh"
    assert feed.entries[0].author == "elfaro"  # Atom wants an author; the outlet stands in


def test_atom_feed_escapes_hostile_titles(ds):
    response = get(ds, "/nw/rule-tps-decisions.atom")
    assert "<script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert len(feed.entries) == 2


def test_a_rule_without_matches_has_a_valid_empty_feed(ds):
    response = get(ds, "/nw/rule-aid-cuts.atom")
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "Latest matches for aid-cuts"
    assert feed.entries == []


def test_browsing_cannot_write(ds, newsroom):
    response = get(ds, "/nw.json?sql=delete+from+items")
    assert response.status_code == 400
    response = get(ds, "/nw.json?sql=update+items+set+title%3D%27x%27")
    assert response.status_code == 400
    db = open_db(newsroom.database)
    assert db["items"].count == len(ITEMS)


def test_no_database_yet_is_a_clear_error(tmp_path):
    (tmp_path / "newswatch.toml").write_text('database = "missing.db"\n', encoding="utf-8")
    config = load(tmp_path / "newswatch.toml", check_env=False)
    with pytest.raises(BrowseError, match="no database at .*missing.db.*newswatch run"):
        make_datasette(config)


def test_reading_while_a_crawl_writes(ds, newsroom):
    """WAL: Datasette keeps answering while another connection inserts items."""
    writes, errors = 150, []

    def crawl():
        db = open_db(newsroom.database)
        try:
            for i in range(writes):
                with db.conn:
                    db["items"].insert(_item(f"new-{i}", f"Nueva nota {i} sobre Baldetti", "elfaro", "es",
                                             f"2017-07-01T00:{i // 60:02d}:{i % 60:02d}Z", f"c-new-{i}"))
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            errors.append(exc)
        finally:
            db.close()

    async def browse_during(writer):
        statuses, reads = [], 0
        writer.start()
        while writer.is_alive() or reads < 5:
            for path in ("/nw/items.json?_search=baldetti&_size=5", "/nw/items.json?_size=1", "/nw/most-covered.json"):
                response = await ds.client.get(path)
                statuses.append((response.status_code, response.text[:200]))
            reads += 1
            if reads > 2000:  # bounded even if the writer hangs
                break
        writer.join(timeout=60)
        return statuses, (await ds.client.get("/nw/items.json?_size=0")).json()["filtered_table_rows_count"]

    statuses, final_count = asyncio.run(browse_during(threading.Thread(target=crawl)))
    assert errors == []
    assert all(code == 200 for code, _ in statuses), [s for s in statuses if s[0] != 200][:3]
    assert not any("locked" in text for _, text in statuses)
    assert final_count == len(ITEMS) + writes


def test_story_view_is_browsable_and_the_signature_cache_hidden(ds):
    tables = {t["name"]: t for t in get_json(ds, "/nw.json")["tables"]}
    assert tables["item_signatures"]["hidden"] is True
    assert tables["story_keys"]["hidden"] is True and tables["story_pending"]["hidden"] is True
    views = {v["name"] for v in get_json(ds, "/nw.json")["views"]}
    assert "stories" in views
    # The view, not the "most covered" canned query, answers at /stories.
    row = get_json(ds, "/nw/stories.json?_shape=array&cluster_id=c-bal")[0]
    assert row["outlets_count"] == 2 and row["articles"] == 2
