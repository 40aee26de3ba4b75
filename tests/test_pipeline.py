"""End to end: the real `newswatch run` against a local fixture site and a real SMTP server."""

from __future__ import annotations

import json

import sqlite_utils
from conftest import FIXTURES, write_config

RULES = """
[[rules]]
name = "tps"
topic = "tps"
query = '"temporary protected status" OR "estatus de proteccion temporal"'
notify = ["team"]

[[rules]]
name = "baldetti"
topic = "corruption"
query = 'baldetti NEAR/10 (corruption OR fraud OR court)'
notify = ["team"]
"""

SOURCES = [("wire", "/feeds/wire.xml", "en"), ("diario", "/feeds/diario.xml", "es")]


def _db(tmp_path):
    return sqlite_utils.Database(tmp_path / "nw.db")


def test_first_run_stores_extracts_matches_and_mails(tmp_path, site, smtp, cli):
    cfg = write_config(tmp_path, site.url, smtp.url(), SOURCES, RULES)
    result = cli("run", "-c", str(cfg))
    assert result.returncode == 0, result.stdout + result.stderr
    # The run folded its write-ahead log into the database: the file alone holds everything.
    assert not (tmp_path / "nw.db-wal").exists() and (tmp_path / "nw.db").exists()
    db = _db(tmp_path)

    items = {r["canonical_url"].removeprefix(site.url): r for r in db["items"].rows}
    # The wire story carried by both feeds (once with tracking parameters) is one item.
    assert sorted(items) == ["/articles/baldetti.html", "/articles/tps-end.html",
                             "/articles/tps-fin.html", "/articles/weather.html"]
    tps = items["/articles/tps-end.html"]
    assert "57,000 Hondurans" in tps["body"]
    for boilerplate in ("ADVERTISEMENT", "ReaderOne", "Subscribe to our newsletter"):
        assert boilerplate not in tps["body"]
    assert tps["published"] == "2018-05-04T15:00:00Z" or tps["published"] == "2018-05-04T16:00:00Z"
    assert items["/articles/tps-fin.html"]["lang"] == "es"
    assert items["/articles/tps-fin.html"]["published"] == "2018-05-04T16:00:00Z"

    matches = {(r["rule"], r["item_id"]) for r in db["matches"].rows}
    assert matches == {("tps", tps["id"]), ("tps", items["/articles/tps-fin.html"]["id"]),
                       ("baldetti", items["/articles/baldetti.html"]["id"])}
    m = db["matches"].get((items["/articles/baldetti.html"]["id"], "baldetti"))
    assert "«Baldetti»" in m["snippet"] or "«corruption»" in m["snippet"]
    assert json.loads(m["terms"])

    # One email per matching story, each marked sent.
    assert smtp.wait_for(3, timeout=10)
    subjects = sorted(msg["Subject"] for msg in smtp.messages)
    assert len(subjects) == 3
    assert any("Temporary Protected Status for Hondurans" in s for s in subjects)
    assert {r["status"] for r in db["alerts"].rows} == {"sent"}

    run = list(db["runs"].rows)[-1]
    assert (run["sources_ok"], run["sources_failed"], run["items_new"], run["alerts_sent"]) == (2, 0, 4, 3)
    assert "wire" in result.stdout and "4 new items" in result.stdout


def test_second_run_changes_nothing_and_a_new_entry_adds_exactly_one(tmp_path, site, smtp, cli):
    cfg = write_config(tmp_path, site.url, smtp.url(), SOURCES, RULES)
    assert cli("run", "-c", str(cfg)).returncode == 0
    assert smtp.wait_for(3, timeout=10)
    db = _db(tmp_path)
    before = (db["items"].count, db["matches"].count, db["alerts"].count)

    # Not due yet (interval 1h): nothing is fetched.
    site.log.clear()
    quiet = cli("run", "-c", str(cfg))
    assert quiet.returncode == 0
    assert not [p for p, _ in site.log if p.startswith("/feeds/")]

    # Forced: conditional GET answers 304, nothing is added or sent.
    again = cli("run", "-c", str(cfg), "--all")
    assert again.returncode == 0, again.stdout + again.stderr
    feed_requests = [h for p, h in site.log if p == "/feeds/wire.xml"]
    assert feed_requests and "If-None-Match" in feed_requests[-1]
    assert "not-modified" in again.stdout
    assert (db["items"].count, db["matches"].count, db["alerts"].count) == before
    assert len(smtp.messages) == 3

    # The wire feed gains one entry: exactly one new item and one new email.
    wire = site.root / "feeds" / "wire.xml"
    extra = (FIXTURES / "extra-item.xml").read_text(encoding="utf-8")
    wire.write_text(wire.read_text(encoding="utf-8").replace("</channel>", extra + "</channel>"), encoding="utf-8")
    third = cli("run", "-c", str(cfg), "--all")
    assert third.returncode == 0, third.stdout + third.stderr
    assert db["items"].count == before[0] + 1
    assert smtp.wait_for(4, timeout=10)
    assert "El Salvador" in smtp.messages[-1]["Subject"]


def test_failing_sources_are_recorded_and_the_run_goes_on(tmp_path, site, smtp, cli):
    sources = SOURCES[:1] + [("private", "/private/feed.xml", "en"), ("broken", "/feeds/broken.xml", "en"),
                             ("missing", "/feeds/nothing-here.xml", "en")]
    cfg = write_config(tmp_path, site.url, smtp.url(), sources, RULES)
    result = cli("run", "-c", str(cfg))
    assert result.returncode == 1, result.stdout + result.stderr
    db = _db(tmp_path)
    errors = {r["name"]: r["last_error"] for r in db["sources"].rows}
    assert "robots.txt" in errors["private"]
    assert "not a readable RSS/Atom/JSON feed" in errors["broken"] and "/feeds/broken.xml" in errors["broken"]
    assert "HTTP 404" in errors["missing"]
    assert errors["wire"] is None
    assert db["items"].count == 3  # the working source's items are all stored
    streaks = {r["name"]: r["error_streak"] for r in db["sources"].rows}
    assert streaks == {"wire": 0, "private": 1, "broken": 1, "missing": 1}
    run = list(db["runs"].rows)[-1]
    assert run["status"] == "partial" and run["sources_failed"] == 3
    assert "HTTP 404" in json.loads(run["errors"])["missing"]

    status = cli("status", "-c", str(cfg))
    assert status.returncode == 0
    assert "missing" in status.stdout and "HTTP 404" in status.stdout


def test_no_alerts_flag_queues_but_sends_nothing(tmp_path, site, smtp, cli):
    cfg = write_config(tmp_path, site.url, smtp.url(), SOURCES, RULES)
    assert cli("run", "-c", str(cfg), "--no-alerts").returncode == 0
    db = _db(tmp_path)
    assert {r["status"] for r in db["alerts"].rows} == {"pending"}
    assert smtp.messages == []
    sent = cli("alerts", "send", "-c", str(cfg))
    assert sent.returncode == 0, sent.stdout + sent.stderr
    assert smtp.wait_for(3, timeout=10)
    assert {r["status"] for r in db["alerts"].rows} == {"sent"}


def test_a_crawl_collects_young_objects_less_often_and_restores_the_collector():
    """The crawl's collector settings hold during the crawl only: a program that calls
    newswatch as a library gets its own settings back."""
    import gc

    from newswatch.crawlers.crawl import FULL_COLLECTION_EVERY, YOUNG_COLLECTION_EVERY, _calm_collector

    before = gc.get_threshold()
    with _calm_collector():
        young, middle, full = gc.get_threshold()
        assert young >= YOUNG_COLLECTION_EVERY
        # a full collection still comes about every FULL_COLLECTION_EVERY new objects
        assert FULL_COLLECTION_EVERY / 2 <= young * middle * full <= FULL_COLLECTION_EVERY * 2
        assert gc.get_freeze_count() > 0  # what existed before the crawl is left alone
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
