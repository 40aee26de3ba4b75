"""``newswatch export``'s API: CSV, JSON lines and Atom, with --rule and --since."""

from __future__ import annotations

import csv
import io
import json

import feedparser
import pytest
from test_browse import HOSTILE_TITLE, make_newsroom

from newswatch.browse import ExportError, export, export_items, normalize_since
from newswatch.storage import open_db


@pytest.fixture
def newsroom(tmp_path):
    return make_newsroom(tmp_path)


@pytest.fixture
def db(newsroom):
    db = open_db(newsroom.database)
    yield db
    db.close()


def run_export(db, fmt, **kwargs):
    out = io.StringIO()
    count = export_items(db, fmt, out=out, **kwargs)
    return count, out.getvalue()


def test_csv_has_every_item_newest_first_with_its_rules(db):
    count, text = run_export(db, "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert count == len(rows) == 6
    assert [r["id"] for r in rows] == ["joh", "bal-en", "bal-es", "tps", "hostile", "weather"]
    assert rows[0]["title"] == "Juan Orlando Hernández acusado en Nueva York"  # accents kept
    assert rows[0]["rules"] == "officials"
    assert rows[0]["terms"] == "hernandez"
    assert rows[-1]["rules"] == "" and rows[-1]["snippet"] == ""  # matched nothing, still exported


def test_csv_for_one_rule_carries_its_terms_and_snippet(db):
    count, text = run_export(db, "csv", rule="officials")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert count == 3
    assert [r["id"] for r in rows] == ["joh", "bal-en", "bal-es"]
    assert rows[2]["terms"] == "roxana baldetti; baldetti"
    assert rows[2]["snippet"] == "«Roxana Baldetti» será extraditada a Estados Unidos"
    assert rows[2]["url"] == "https://prensalibre.example.org/bal-es"


def test_jsonl_with_rule_and_since(db):
    count, text = run_export(db, "jsonl", rule="officials", since="2017-06-19")
    records = [json.loads(line) for line in text.splitlines()]
    assert count == 2
    assert [r["id"] for r in records] == ["joh", "bal-en"]
    assert records[0]["matches"] == [{
        "rule": "officials", "topic": "Officials", "terms": ["hernandez"],
        "snippet": "El expresidente «Juan Orlando Hernández» acusado en Nueva York",
        "matched_at": "2017-06-20T14:05:00Z",
    }]
    assert "Hernández" in text  # UTF-8, not \u escapes


def test_since_accepts_a_time_with_an_offset(db):
    # 16:30 in Guatemala (UTC-6) is 22:30 UTC: after bal-en (16:00Z), before joh (next day).
    assert normalize_since("2017-06-19T16:30:00-06:00") == "2017-06-19T22:30:00Z"
    count, text = run_export(db, "jsonl", since="2017-06-19T16:30:00-06:00")
    assert [json.loads(line)["id"] for line in text.splitlines()] == ["joh"]


def test_jsonl_without_rule_nests_every_match(db):
    _, text = run_export(db, "jsonl")
    by_id = {r["id"]: r for r in map(json.loads, text.splitlines())}
    assert [m["rule"] for m in by_id["tps"]["matches"]] == ["tps-decisions"]
    assert by_id["weather"]["matches"] == []


def test_atom_is_a_valid_feed_with_escaped_titles(db):
    count, text = run_export(db, "atom", rule="tps-decisions")
    assert count == 2
    assert "<script>" not in text and "<img" not in text
    feed = feedparser.parse(text.encode("utf-8"))
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert feed.feed.title == "newswatch: tps-decisions"
    assert [e.id for e in feed.entries] == ["urn:newswatch:item:tps", "urn:newswatch:item:hostile"]
    tps = feed.entries[0]
    assert tps.title == "US extends Temporary Protected Status for Hondurans"
    assert tps.link == "https://insightcrime.example.org/tps"
    assert tps.updated == "2017-06-15T12:00:00Z"
    assert [t.term for t in tps.tags] == ["tps-decisions"]
    assert "«Temporary Protected Status»" in tps.summary
    # Plain-text title: a reader shows the markup as characters.
    assert feed.entries[1].title_detail.type == "text/plain"
    assert feed.entries[1].title == HOSTILE_TITLE


def test_atom_of_all_items_since_a_date(db):
    count, text = run_export(db, "atom", since="2017-06-18")
    feed = feedparser.parse(text.encode("utf-8"))
    assert not feed.bozo, feed.bozo_exception
    assert count == len(feed.entries) == 3
    assert feed.feed.updated == "2017-06-20T14:00:00Z"  # the newest entry


def test_atom_with_nothing_to_export_is_still_a_feed(db):
    count, text = run_export(db, "atom", rule="aid-cuts")
    feed = feedparser.parse(text.encode("utf-8"))
    assert count == 0
    assert not feed.bozo, feed.bozo_exception
    assert feed.entries == []


def test_export_from_config_writes_to_a_file(newsroom, tmp_path):
    target = tmp_path / "officials.csv"
    with target.open("w", encoding="utf-8", newline="") as out:
        assert export(newsroom, "csv", rule="officials", out=out) == 3
    assert "Roxana Baldetti" in target.read_text(encoding="utf-8")


@pytest.mark.parametrize("kwargs, message", [
    ({"fmt": "xml"}, "unknown format 'xml': use one of csv, jsonl, atom"),
    ({"fmt": "csv", "rule": "nope"}, "no rule named 'nope' .*rules: officials, tps-decisions, aid-cuts"),
    ({"fmt": "csv", "since": "last tuesday"}, "invalid --since 'last tuesday': write a date like 2017-06-15"),
])
def test_export_errors_say_what_would_work(newsroom, kwargs, message):
    with pytest.raises(ExportError, match=message):
        export(newsroom, out=io.StringIO(), **kwargs)


def test_export_without_a_database_says_to_run_first(newsroom):
    newsroom.database.unlink()
    with pytest.raises(ExportError, match="no database at .*newswatch run"):
        export(newsroom, "csv", out=io.StringIO())
