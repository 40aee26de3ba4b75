"""Due times: intervals, backoff after failures, jitter; and a source that starts failing, end to end."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace

from sources_helpers import config, db, serve

from newswatch import storage
from newswatch.config import Source
from newswatch.crawlers import due_sources
from newswatch.demo.sinks import ChatSink
from newswatch.health import silence, transitions, usual_gap
from newswatch.schedule import backoff_wait, due_time, iso, jitter_for, next_due_at, now_iso, parse_time
from newswatch.watch import Watch

T0 = datetime(2026, 11, 28, 7, 0, tzinfo=UTC)


def test_backoff_doubles_per_failure_up_to_eight_times_and_a_day():
    assert [backoff_wait(900, n) for n in range(6)] == [900, 1800, 3600, 7200, 7200, 7200]
    assert backoff_wait(6 * 3600, 3) == 86400  # 8 x 6h would be two days: capped at one
    assert backoff_wait(2 * 86400, 3) == 2 * 86400  # an interval longer than a day is never shortened
    assert next_due_at(3600, "2026-11-28T07:00:00Z", 2) == "2026-11-28T11:00:00Z"
    assert due_time(3600, None) is None and due_time(3600, {"last_fetch_at": None}) is None
    assert due_time(3600, {"last_fetch_at": "2026-11-28T07:00:00Z", "error_streak": 1}) == T0 + timedelta(hours=2)


def test_every_timestamp_is_utc_with_seconds_and_a_z():
    guatemala = timezone(timedelta(hours=-6))
    assert iso(datetime(2026, 11, 28, 1, 0, 30, 999, tzinfo=guatemala)) == "2026-11-28T07:00:30Z"
    assert iso(datetime(2026, 11, 28, 7, 0)) == "2026-11-28T07:00:00Z"  # naive: taken as UTC
    assert now_iso(T0) == "2026-11-28T07:00:00Z" and now_iso().endswith("Z")
    assert parse_time("2026-11-28T07:00:00Z") == T0 == parse_time("2026-11-28T01:00:00-06:00")
    assert parse_time("2026-11-28T07:00:00") == T0  # stored without an offset: UTC
    assert parse_time(None) is None


def test_jitter_is_bounded_by_the_setting_and_a_tenth_of_the_interval():
    rng = random.Random(7)
    draws = [jitter_for(900, 60, rng) for _ in range(200)]
    assert 0 <= min(draws) and max(draws) <= 60 and len(set(draws)) > 100
    assert max(jitter_for(120, 60, rng) for _ in range(200)) <= 12  # a tenth of 2 minutes
    assert jitter_for(900, 0, rng) == 0


def _db_with(tmp_path, rows):
    d = storage.open_db(tmp_path / "nw.db")
    storage.sync_sources(d, [{"name": n, "kind": "feed", "url": f"https://{n}.example/", "lang": None,
                              "interval_s": 3600} for n in rows])
    for name, (last, streak) in rows.items():
        if last:
            d["sources"].update(name, {"last_fetch_at": last, "error_streak": streak})
    return d


def test_due_sources_follow_intervals_and_back_off(tmp_path):
    d = _db_with(tmp_path, {"new": (None, 0), "fresh": ("2026-11-28T06:30:00Z", 0),
                            "hourly": ("2026-11-28T06:00:00Z", 0), "failing": ("2026-11-28T05:00:00Z", 2)})
    cfg = SimpleNamespace(path="x", sources=[Source(n, "feed", f"https://{n}.example/", interval_s=3600)
                                             for n in ("new", "fresh", "hourly", "failing")])
    assert [s.name for s in due_sources(cfg, d, now=T0)] == ["new", "hourly"]
    # Two failures in a row: four hours after the last try, not one.
    assert [s.name for s in due_sources(cfg, d, now=T0 + timedelta(hours=2))] == ["new", "fresh", "hourly", "failing"]
    assert "failing" not in [s.name for s in due_sources(cfg, d, now=T0 + timedelta(minutes=90))]


def test_the_watch_plan_keeps_jitter_until_the_source_is_fetched_again():
    w = Watch(config_path="unused.toml")
    cfg = SimpleNamespace(crawl=SimpleNamespace(jitter_s=60),
                          sources=[Source("a", "feed", "https://a.example/", interval_s=3600),
                                   Source("b", "feed", "https://b.example/", interval_s=3600)])
    state = {"a": {"last_fetch_at": "2026-11-28T06:00:00Z", "error_streak": 0}}
    w._replan(cfg, state, T0)
    a, b = w._plan["a"], w._plan["b"]
    assert T0 <= a.at <= T0 + timedelta(seconds=60) and a.base == T0
    assert T0 <= b.at <= T0 + timedelta(seconds=60) and b.base is None  # never fetched: due now, jittered
    w._replan(cfg, state, T0 + timedelta(seconds=5))
    assert w._plan["a"] is a and w._plan["b"] is b  # same due time, same draw
    # b was not fetched by the cycle (another run held the lock): it waits for a retry.
    w._hold_unfetched(["a", "b"], before=state, after={**state, "a": {"last_fetch_at": "2026-11-28T07:00:01Z"}})
    assert w._plan["b"].at > datetime.now(UTC) + timedelta(seconds=20)
    assert w._plan["a"].at == a.at
    w._wake.close()


def test_silence_is_measured_against_the_usual_gap():
    every_6h = [(T0 - timedelta(hours=6 * k)).strftime("%Y-%m-%dT%H:%M:%SZ") for k in range(10)]
    assert usual_gap(every_6h) == timedelta(hours=6)
    assert usual_gap(every_6h[:3]) is None  # too little history
    assert silence("s", 1800, every_6h, now=T0 + timedelta(hours=20)) is None  # 4 gaps = 24h not reached
    quiet = silence("s", 1800, every_6h, now=T0 + timedelta(days=2))
    assert str(quiet) == "silent for 2d (usually a new item every 6h)"
    hourly = [(T0 - timedelta(hours=k)).strftime("%Y-%m-%dT%H:%M:%SZ") for k in range(10)]
    assert silence("s", 1800, hourly, now=T0 + timedelta(hours=5)) is None  # never sooner than 6h
    assert silence("s", 1800, hourly, now=T0 + timedelta(hours=7)) is not None


def test_broken_and_recovered_fire_once_each():
    def f(ok):
        return SimpleNamespace(source="s", ok=ok)

    assert transitions({"s": {"error_streak": 1}}, [f(False)]) == []
    assert [w for w, _ in transitions({"s": {"error_streak": 2}}, [f(False)])] == ["broken"]
    assert transitions({"s": {"error_streak": 3}}, [f(False)]) == []
    assert [w for w, _ in transitions({"s": {"error_streak": 5}}, [f(True)])] == ["recovered"]
    assert transitions({"s": {"error_streak": 1}}, [f(True)]) == []


def test_a_source_that_starts_failing_waits_longer_each_time_and_ops_hears_once(tmp_path, cli):
    with serve(tmp_path, "diario") as site, ChatSink() as chat:
        cfg = config(tmp_path, f"""
            [[sources]]
            name = "diario"
            url = "{site.url}/feed.xml"
            interval = "1h"
            fetch_articles = false
            """, notify=f'[notify]\nurls = {{ ops = ["{chat.json_url()}"] }}\n')
        assert cli("run", "-c", str(cfg)).returncode == 0
        site.fail("/feed.xml", 500)
        waits = []
        for _ in range(4):
            result = cli("run", "-c", str(cfg), "--source", "diario")
            assert result.returncode == 1 and "HTTP 500" in result.stdout
            row = db(tmp_path)["sources"].get("diario")
            waits.append(parse_time(row["next_due_at"]) - parse_time(row["last_fetch_at"]))
        assert waits == [timedelta(hours=2), timedelta(hours=4), timedelta(hours=8), timedelta(hours=8)]
        assert db(tmp_path)["sources"].get("diario")["error_streak"] == 4
        # Not due by itself (cron) until the backed-off time.
        assert "diario" not in cli("run", "-c", str(cfg)).stdout.split("Run")[0]

        # ops heard once, at the third failure in a row; then once more on recovery.
        assert chat.wait_for(1, timeout=5) and len(chat.posts) == 1
        assert "diario is failing" in chat.posts[0].body["title"] and "HTTP 500" in chat.posts[0].body["message"]
        status = cli("status", "-c", str(cfg))
        assert status.returncode == 1  # a failing source: cron and systemd hear of it
        lines = status.stdout.splitlines()
        block = lines[lines.index(
            "  El Diario Ejemplo — Portada (diario, feed): FAILING, 4 failed fetches in a row"):]
        assert any(line.startswith("    error: ") and line.endswith("HTTP 500") for line in block[:4]), lines
        del site.routes["/feed.xml"]
        assert cli("run", "-c", str(cfg), "--source", "diario").returncode == 0
        assert chat.wait_for(2, timeout=5)
        assert "diario works again" in chat.posts[1].body["title"]
        assert db(tmp_path)["sources"].get("diario")["error_streak"] == 0


def test_status_names_a_source_that_went_silent(tmp_path, cli):
    cfg = config(tmp_path, """
        [[sources]]
        name = "steady"
        url = "https://steady.example/feed"

        [[sources]]
        name = "frozen"
        url = "https://frozen.example/feed"

        [[sources]]
        name = "tps-page"
        kind = "page"
        url = "https://gov.example/tps"
        """)
    d = storage.open_db(tmp_path / "nw.db")
    storage.sync_sources(d, [{"name": n, "kind": k, "url": f"https://{n}.example/", "lang": None, "interval_s": 1800}
                             for n, k in (("steady", "feed"), ("frozen", "feed"), ("tps-page", "page"))])
    now = datetime.now(UTC)
    rows = []
    for source, newest in (("steady", now - timedelta(hours=2)), ("frozen", now - timedelta(days=3)),
                           ("tps-page", now - timedelta(days=30))):
        for k in range(8):
            when = (newest - timedelta(hours=6 * k)).strftime("%Y-%m-%dT%H:%M:%SZ")
            url = f"https://{source}.example/{k}"
            rows.append({"id": storage.item_id_for(url), "url": url, "canonical_url": url, "title": f"{source} {k}",
                         "published": when, "fetched_at": when, "source": source})
    d["items"].insert_all(rows)
    result = cli("status", "-c", str(cfg))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    block = lines[lines.index("  frozen (feed): silent"):]
    assert "    silent for 3d (usually a new item every 6h)" in block[:4], lines
    assert "  steady (feed): ok" in lines and "  tps-page (page): ok" in lines
