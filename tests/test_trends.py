"""What `newswatch trends` counts, on a real migrated SQLite file: days, zones, keys, shares.

The end-to-end month (a real run over generated feeds, then the real
command) is in test_spikes.py; here each rule of counting has its own case.
"""

from __future__ import annotations

import json
from datetime import date
from zoneinfo import ZoneInfo

import pytest

from newswatch.app import coverage_lines
from newswatch.app.trends import Coverage, sparkline
from newswatch.storage import daily_counts, open_db, top_stories

GT = ZoneInfo("America/Guatemala")  # UTC-6, no daylight saving
UTC = ZoneInfo("UTC")


def _item(db, n: int, source: str, published: str | None, *, cluster: str | None = None,
          fetched: str = "2026-12-01T20:00:00Z", rules: dict[str, str | None] | None = None) -> None:
    item_id = f"item{n}"
    db["sources"].insert({"name": source, "kind": "feed", "url": f"http://{source}.test/feed"},
                         ignore=True)
    db["items"].insert({"id": item_id, "url": f"http://{source}.test/{n}", "canonical_url": f"http://{source}.test/{n}",
                        "title": f"Story {n}", "published": published, "fetched_at": fetched,
                        "source": source, "cluster_id": cluster or f"c{n}"})
    for rule, topic in (rules or {}).items():
        db["matches"].insert({"item_id": item_id, "rule": rule, "topic": topic, "terms": "[]",
                              "fields": "[]", "snippet": "", "matched_at": fetched})


@pytest.fixture
def db(tmp_path):
    return open_db(tmp_path / "nw.db")


def _figures(rows, key):
    return {r.day.isoformat(): (r.stories, r.items, r.all_items, r.share, r.undated) for r in rows if r.key == key}


def test_a_day_is_the_local_date_of_publication(db):
    # 03:00 UTC on 30 Nov is 21:00 on 29 Nov in Guatemala.
    _item(db, 1, "wire", "2026-11-30T03:00:00Z", rules={"tps-decisions": "tps"})

    local = _figures(daily_counts(db, days=2, tz=GT, until=date(2026, 11, 30)), "tps")
    utc = _figures(daily_counts(db, days=2, tz=UTC, until=date(2026, 11, 30)), "tps")

    assert local == {"2026-11-29": (1, 1, 1, 1.0, 0), "2026-11-30": (0, 0, 0, 0.0, 0)}
    assert utc == {"2026-11-29": (0, 0, 0, 0.0, 0), "2026-11-30": (1, 1, 1, 1.0, 0)}


def test_a_day_is_local_across_a_daylight_saving_change(db):
    # New York falls back from EDT (UTC-4) to EST (UTC-5) at 06:00 UTC on 1 Nov 2026.
    for n, at in enumerate(["2026-11-01T03:59:00Z",  # 23:59 EDT, 31 Oct
                            "2026-11-01T04:30:00Z",  # 00:30 EDT, 1 Nov
                            "2026-11-02T04:30:00Z",  # 23:30 EST, 1 Nov (00:30 on 2 Nov in EDT)
                            "2026-11-02T05:30:00Z"]):  # 00:30 EST, 2 Nov
        _item(db, n, "wire", at, rules={"tps-decisions": "tps"})

    rows = daily_counts(db, days=3, tz=ZoneInfo("America/New_York"), until=date(2026, 11, 2))

    assert [(r.day.isoformat(), r.items) for r in rows] == [
        ("2026-10-31", 1), ("2026-11-01", 2), ("2026-11-02", 1)]


def test_undated_items_count_on_their_fetch_day_and_apart(db):
    _item(db, 1, "wire", None, fetched="2026-12-01T20:00:00Z", rules={"tps-decisions": "tps"})
    _item(db, 2, "wire", "2026-12-01T15:00:00Z", rules={"tps-decisions": "tps"})

    (row,) = daily_counts(db, days=1, tz=GT, until=date(2026, 12, 1))

    assert (row.stories, row.items, row.undated) == (2, 2, 1)


def test_stories_are_distinct_clusters_and_all_items_come_from_the_keys_sources(db):
    day = "2026-12-01T15:00:00Z"
    _item(db, 1, "wire", day, cluster="s1", rules={"tps-decisions": "tps"})
    _item(db, 2, "diario", day, cluster="s1", rules={"tps-decisions": "tps"})  # the same story
    _item(db, 3, "wire", day)
    _item(db, 4, "diario", day)
    _item(db, 5, "sports", day)  # no item of this source matched: not in the share
    _item(db, 6, "sports", day)

    (row,) = daily_counts(db, days=1, tz=GT, until=date(2026, 12, 1))

    assert (row.key, row.stories, row.items, row.all_items, row.share) == ("tps", 1, 2, 4, 0.5)
    (top,) = top_stories(db, key="tps", day=date(2026, 12, 1), tz=GT)
    assert (top.cluster_id, top.items, sorted(top.outlets)) == ("s1", 2, ["diario", "wire"])


def test_by_topic_counts_an_item_once_and_by_rule_once_per_rule(db):
    _item(db, 1, "wire", "2026-12-01T15:00:00Z", rules={"tps-decisions": "tps", "tps-courts": "tps"})

    topics = daily_counts(db, days=1, tz=GT, until=date(2026, 12, 1))
    rules = daily_counts(db, days=1, tz=GT, until=date(2026, 12, 1), by="rule")

    assert [(r.key, r.items) for r in topics] == [("tps", 1)]
    assert [(r.key, r.items) for r in rules] == [("tps-courts", 1), ("tps-decisions", 1)]


def test_the_configured_topic_wins_and_quiet_keys_are_zeros_every_day(db):
    _item(db, 1, "wire", "2026-12-01T15:00:00Z", rules={"tps-decisions": "tps"})

    rows = daily_counts(db, days=3, tz=GT, until=date(2026, 12, 1),
                        topics={"tps-decisions": "migration"}, keys=["corruption"])

    assert [(r.day.isoformat(), r.key, r.items) for r in rows] == [
        ("2026-11-29", "corruption", 0), ("2026-11-29", "migration", 0),
        ("2026-11-30", "corruption", 0), ("2026-11-30", "migration", 0),
        ("2026-12-01", "corruption", 0), ("2026-12-01", "migration", 1),
    ]


def test_a_window_of_no_days_is_refused(db):
    with pytest.raises(ValueError, match="days must be 1 or more"):
        daily_counts(db, days=0, tz=GT)


def test_sparkline_shares_bars_when_days_do_not_fit_and_marks_empty_ones():
    assert sparkline([0, 1, 2, 8], 10) == "·▁▂█"
    assert sparkline([1, 1, 0, 0, 4, 4], 3) == "▂·█"


def test_the_table_fits_80_columns_with_long_keys(db):
    long_rule = "northern-triangle-aid-and-security-cooperation"
    _item(db, 1, "wire", "2026-12-01T15:00:00Z", rules={long_rule: None})
    rows = daily_counts(db, days=90, tz=GT, until=date(2026, 12, 1), by="rule")

    lines = coverage_lines(Coverage("rule", date(2026, 9, 3), date(2026, 12, 1), "America/Guatemala", rows))

    assert max(len(line) for line in lines) <= 80
    assert lines[2].startswith("northern-triang… ") and lines[2].endswith("█")
    assert "a bar per 3 days" in lines[1]


def test_the_demo_prints_the_trends_table_over_its_whole_span(tmp_path, cli):
    demo = cli("demo", "--dir", str(tmp_path / "out"), timeout=240)

    assert demo.returncode == 0, demo.stdout + demo.stderr
    shown = demo.stdout.split("Coverage over time", 1)[1]
    command = shown.split("`", 2)[1]  # newswatch trends --days N --until DATE
    assert command.startswith("newswatch trends --days ")
    table = shown.splitlines()[2:7]
    # The followed story's follow-ups are matches of a rule with no topic: a line of their own.
    assert [line.split()[0] for line in table] == ["topic", "aid", "corruption", "follow:miami-20…", "tps"]
    # The same figures as the command prints, and every matched item of the demo inside the window.
    rows = json.loads(cli("trends", "-c", str(tmp_path / "out" / "newswatch.toml"), "--json",
                          *command.split()[2:]).stdout)
    db = open_db(tmp_path / "out" / "demo.db")
    follow_items = int(table[3].split()[2])
    assert follow_items == sum(r["items"] for r in rows if r["key"] == "follow:miami-2017") == db.execute(
        "select count(*) from matches where rule = 'follow:miami-2017'").fetchone()[0] > 0
    for line in table[1:3] + table[4:]:
        key, stories, items = line.split()[:3]
        assert int(items) == sum(r["items"] for r in rows if r["key"] == key)
        assert int(stories) == sum(r["stories"] for r in rows if r["key"] == key)
        assert int(items) == db.execute("select count(distinct item_id) from matches where topic = ?",
                                        [key]).fetchone()[0]
