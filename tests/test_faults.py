"""Faults: a killed process, a full disk, two runs at once, a chat service down, a flaky feed.

Nothing is mocked: the real `newswatch run` in a subprocess against local
servers. The long version of the kill test (20 kills) is tests/stress/.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import hostile_server as hs
import pytest
import sqlite_utils
from hostile_server import HostileServer
from measure import RSS_LIMIT_MB, newswatch

from newswatch.config import load
from newswatch.crawlers import compile_config_rules
from newswatch.demo.sinks import ChatSink

# Rules on the titles of hostile_server.story_feed: about one entry in eight matches one of them.
NEWS_RULES = """
[[rules]]
name = "baldetti"
query = 'title:baldetti'
notify = ["team"]

[[rules]]
name = "honduras-graft"
query = 'title:honduras AND (corruption OR fraud OR cartel OR trial)'
notify = ["team"]
"""


def later(**delta) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class NewsSite:
    """``feeds`` news feeds that gain ``per_generation`` entries each time :meth:`publish` is called."""

    server: HostileServer
    feeds: int
    per_generation: int
    generation: int = -1

    def publish(self) -> None:
        self.generation += 1
        for f in range(self.feeds):
            self.server.add(f"/news/{f}.xml", hs.story_feed(self.server.url, f, 0,
                                                            self.per_generation * (self.generation + 1)))

    @property
    def entries(self) -> int:
        return self.feeds * self.per_generation * (self.generation + 1)

    def config(self, directory: Path, notify_url: str, database: str = "nw.db") -> Path:
        lines = [f'database = "{database}"', "[crawl]", "download_delay = 0", "fetch_articles = false",
                 "obey_robots = false", "retries = 0", "concurrency_per_domain = 8",
                 "[notify]", f'urls = {{ team = ["{notify_url}"] }}', "max_per_hour = 100000", ""]
        for f in range(self.feeds):
            lines.append(f'[[sources]]\nname = "news-{f}"\nurl = "{self.server.url}/news/{f}.xml"\ninterval = "1h"\n')
        cfg = directory / "newswatch.toml"
        cfg.write_text("\n".join(lines) + NEWS_RULES, encoding="utf-8")
        return cfg


def check_database(db_path: Path, cfg: Path) -> dict[str, int]:
    """The database after whatever happened: intact, and every item has its matches and alerts.

    Re-matches each stored item with the compiled rules (what `newswatch rules
    match` does): an item never updated since it was stored has exactly the
    matches the rules give, and each match has its alert for each tag of its
    rule, for the item's story cluster.
    """
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.row_factory = sqlite3.Row
        items = conn.execute("select id, title, summary, body, url, canonical_url, source, lang, cluster_id,"
                             " fetched_at, updated_at from items").fetchall()
        matches = defaultdict(set)
        for row in conn.execute("select item_id, rule from matches"):
            matches[row["item_id"]].add(row["rule"])
        alerts = {(r["rule"], r["cluster_id"], r["tag"]) for r in conn.execute("select rule, cluster_id, tag from alerts")}
    finally:
        conn.close()
    config = load(cfg)
    matcher = compile_config_rules(config)
    tags = {r.name: r.notify for r in config.rules}
    problems = []
    for it in items:
        fields = {"title": it["title"], "summary": it["summary"], "body": it["body"],
                  "url": it["canonical_url"] or it["url"], "source": it["source"], "lang": it["lang"]}
        expected = {m.rule for m in matcher.match(fields)}
        # stored rows start with updated_at = fetched_at; a later one means the text was rewritten
        if it["updated_at"] in (None, it["fetched_at"]) and matches[it["id"]] != expected:
            problems.append(f"item {it['id']} {it['title']!r}: matches {sorted(matches[it['id']])}, "
                            f"rules say {sorted(expected)}")
        for rule in matches[it["id"]]:
            for tag in tags[rule]:
                if (rule, it["cluster_id"], tag) not in alerts:
                    problems.append(f"item {it['id']}: match {rule} has no alert for tag {tag}")
    assert not problems, "\n".join(problems[:20])
    return {"items": len(items), "matches": sum(len(v) for v in matches.values()), "alerts": len(alerts)}


@dataclass
class KillReport:
    kills: list[float] = field(default_factory=list)  # seconds after start
    finished_first: int = 0  # runs that ended before their kill time
    full_run_s: float = 0.0
    max_rss_mb: float = 0.0


def kill_campaign(tmp_path: Path, kills: int, feeds: int = 24, per_generation: int = 25,
                  seed: int | None = None) -> KillReport:
    """SIGKILL `newswatch run` ``kills`` times at random moments; check the database after each.

    Each round publishes new entries first, so every run has items to store
    and alerts to send. A last run (and an `alerts send` past the stale-claim
    time) must then complete the work: every entry stored, every alert sent.
    """
    rng = random.Random(seed if seed is not None else int(os.environ.get("NEWSWATCH_KILL_SEED", "0")) or None)
    report = KillReport()
    # Chat over json:// (Apprise's email plugin pauses 5.5 s between two emails; this one does not).
    with HostileServer() as server, ChatSink() as chat:
        site = NewsSite(server, feeds, per_generation)
        site.publish()
        cfg = site.config(tmp_path, chat.json_url())
        db_path = tmp_path / "nw.db"
        first = newswatch("run", "-c", str(cfg), "--all", timeout=300)
        assert first.returncode == 0, first.output[-3000:]
        report.full_run_s = first.seconds
        report.max_rss_mb = first.max_rss_mb
        check_database(db_path, cfg)
        for _ in range(kills):
            site.publish()
            at = rng.uniform(0.05, 1.1) * report.full_run_s
            proc = subprocess.Popen([sys.executable, "-m", "newswatch.cli", "run", "-c", str(cfg), "--all"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                proc.wait(timeout=at)
                report.finished_first += 1
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
                report.kills.append(round(at, 2))
            check_database(db_path, cfg)
        last = newswatch("run", "-c", str(cfg), "--all", timeout=300)
        assert last.returncode == 0, last.output[-3000:]
        # Alerts claimed by a killed run wait for STALE_CLAIM_AFTER (10 min): send as if then.
        sent = newswatch("alerts", "send", "-c", str(cfg), "--now", later(minutes=15), timeout=300)
        assert sent.returncode == 0, sent.output[-3000:]
        counts = check_database(db_path, cfg)
        db = sqlite_utils.Database(db_path)
        assert counts["items"] == site.entries, f"{counts['items']} of {site.entries} entries stored"
        statuses = {r["status"] for r in db["alerts"].rows}
        assert statuses == {"sent"}, statuses
        chat.wait_for(db["alerts"].count, timeout=30)
        received = [json.dumps(p.body) for p in chat.posts]
        titles = {r["title"] for r in db.query("select i.title from alerts a join items i on i.id = a.item_id")}
        assert all(any(t in r for r in received) for t in titles), "every alert reached the chat service"
        # At least once: a run killed between the mail server's OK and recording it sends that one again.
        assert len(received) - db["alerts"].count <= len(report.kills)
        report.max_rss_mb = max(report.max_rss_mb, last.max_rss_mb)
    return report


def test_sigkill_at_random_moments_leaves_a_sound_database_and_loses_nothing(tmp_path):
    report = kill_campaign(tmp_path, kills=4)
    assert report.max_rss_mb < RSS_LIMIT_MB
    print(f"\nkills at {report.kills} s (a full run takes {report.full_run_s:.1f} s; "
          f"{report.finished_first} finished first)")


# -- a full disk under the database --------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path):
    """A 1 MB tmpfs mounted under tmp_path (root only); unmounted afterwards."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_a_full_disk_is_a_clear_error_and_the_next_run_stores_everything(tmp_path, small_disk):
    with HostileServer() as server, ChatSink() as chat:
        site = NewsSite(server, feeds=30, per_generation=50)
        site.publish()
        cfg = site.config(tmp_path, chat.json_url(), database=str(small_disk / "nw.db"))
        full = newswatch("run", "-c", str(cfg), timeout=300)
        assert full.returncode == 1, full.output[-3000:]
        assert "Traceback" not in full.output
        assert f"cannot store items in {small_disk / 'nw.db'}: database or disk is full" in full.stderr
        assert "run again" in full.stderr
        check_database(small_disk / "nw.db", cfg)
        assert chat.posts == []  # nothing is sent that could not be marked sent
        db = sqlite_utils.Database(small_disk / "nw.db")
        # A source recorded as read (its body hash kept, so it would be skipped as unchanged) has all
        # its items; the others are recorded as failed ("items not stored"), or not at all if the
        # disk had no room left even for that: either way they are read again.
        sources = list(db["sources"].rows)
        for row in sources:
            if row["body_hash"]:
                assert db["items"].count_where("source = ?", [row["name"]]) == site.per_generation, row
            if row["last_error"]:
                assert "items not stored" in row["last_error"] and not row["body_hash"]
        assert sum(1 for r in sources if r["body_hash"]) < site.feeds
        assert db["items"].count < site.entries
        db.conn.close()

        subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
        again = newswatch("run", "-c", str(cfg), timeout=300)  # the failed sources are due at once
        assert again.returncode == 0, again.output[-3000:]
        counts = check_database(small_disk / "nw.db", cfg)
        assert counts["items"] == site.entries, again.output[-4000:]
        chat.wait_for(counts["alerts"], timeout=30)
        assert len(chat.posts) == counts["alerts"]


# -- two runs at once ---------------------------------------------------------------------

def test_two_runs_at_once_the_second_exits_with_a_clear_message(tmp_path):
    with HostileServer() as server:
        cfg = hs.one_source_config(tmp_path, "slow", f"{server.url}/slow.xml?delay=4")
        first = subprocess.Popen([sys.executable, "-m", "newswatch.cli", "run", "-c", str(cfg)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert server.wait_for("/slow.xml", timeout=60), "the first run never fetched"
            second = newswatch("run", "-c", str(cfg), timeout=60)
        finally:
            out, err = first.communicate(timeout=60)
    assert first.returncode == 0, out + err
    assert second.returncode == 1
    assert f"another newswatch run is using {tmp_path / 'nw.db'} (pid {first.pid}, newswatch run" in second.stderr
    assert "Traceback" not in second.output
    runs = list(sqlite_utils.Database(tmp_path / "nw.db")["runs"].rows)
    assert len(runs) == 1 and runs[0]["status"] == "ok"  # the refused run left no trace


# -- a chat service down for a run, then back ------------------------------------------------

def test_chat_down_during_a_run_then_back_delivers_each_alert_once(tmp_path):
    with HostileServer() as server, ChatSink() as chat:
        site = NewsSite(server, feeds=2, per_generation=20)
        site.publish()
        chat.fail_with = 500
        cfg = site.config(tmp_path, chat.mmost_url())
        down = newswatch("run", "-c", str(cfg), timeout=120)
        assert down.returncode == 1, down.output[-2000:]
        db = sqlite_utils.Database(tmp_path / "nw.db")
        alerts = list(db["alerts"].rows)
        assert alerts and {a["status"] for a in alerts} == {"failed"}
        assert all("500" in (a["last_error"] or "") for a in alerts), alerts[0]["last_error"]
        chat.fail_with = None
        early = newswatch("alerts", "send", "-c", str(cfg), timeout=120)  # the backoff has not passed
        assert early.returncode == 0 and chat.posts == []
        back = newswatch("alerts", "send", "-c", str(cfg), "--now", later(minutes=2), timeout=120)
        assert back.returncode == 0, back.output[-2000:]
        assert chat.wait_for(len(alerts), timeout=30)
        again = newswatch("alerts", "send", "-c", str(cfg), "--now", later(hours=3), timeout=120)
        assert again.returncode == 0
        assert len(chat.posts) == len(alerts)  # each once
        assert {a["status"] for a in db["alerts"].rows} == {"sent"}


# -- a feed that fails, then works -------------------------------------------------------------

def test_a_source_that_fails_once_recovers_and_its_error_clears(tmp_path):
    with HostileServer() as server:
        cfg = hs.one_source_config(tmp_path, "flaky", f"{server.url}/flaky.xml?fail=1", "retries = 0")
        failed = newswatch("run", "-c", str(cfg), timeout=60)
        recovered = newswatch("run", "-c", str(cfg), "--source", "flaky", timeout=60)
    assert failed.returncode == 1 and recovered.returncode == 0, recovered.output
    db = sqlite_utils.Database(tmp_path / "nw.db")
    source = db["sources"].get("flaky")
    assert source["last_error"] is None and source["error_streak"] == 0
    assert db["items"].count == 3
    assert [r["error"] is None for r in db["fetches"].rows] == [False, True]
