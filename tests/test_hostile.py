"""Hostile servers and documents: one real `newswatch run` against every way a site can misbehave.

Each misbehaving source must end with a clear error on that source (or its
items stored as text), the run must end in bounded time and memory, and the
well-behaved source beside them must be stored in full. The server is
tests/hostile_server.py; the run is measured by tests/measure.py.
"""

from __future__ import annotations

import json
import re

import hostile_server as hs
import pytest
import sqlite_utils
from hostile_server import HostileServer
from measure import RSS_LIMIT_MB, newswatch

from newswatch.demo.sinks import SmtpSink

TIMEOUT_S = 2

# source name -> (path on the hostile server, what sources.last_error must say; None: no error)
CASES = {
    "ok": ("/ok.xml", None),
    "slow": ("/slow.xml?delay=6", f"timed out after {TIMEOUT_S} s"),
    "hang": ("/hang.xml", f"timed out after {TIMEOUT_S} s"),
    "silent": ("/silent.xml", f"timed out after {TIMEOUT_S} s"),
    "trickle": ("/trickle.xml", f"timed out after {TIMEOUT_S} s"),
    "server-error": ("/status/500", "HTTP 500"),
    "unavailable": ("/status/503", "HTTP 503"),
    "huge": ("/huge.xml?mb=2000", "declares 2000 MB, larger than 5 MB ([crawl] max_bytes)"),
    "endless": ("/endless.xml", "larger than 5 MB ([crawl] max_bytes)"),
    "truncated": ("/truncated.xml", "connection closed before the whole body arrived"),
    "gzip-bomb": ("/gzip-bomb.xml", "compressed response inflates past 5 MB"),
    "redirect-self": ("/redirect-loop.xml", "redirect loop"),
    "redirect-pair": ("/redirect/a", "redirect loop"),
    "html": ("/not-a-feed.html", "this is an HTML page"),
    "empty": ("/empty.xml", "the response body is empty"),
    "entity-bomb": ("/entity-bomb.xml", None),
    "quadratic-bomb": ("/quadratic-bomb.xml", None),
    "xxe": ("/external-entity.xml", None),
    "charset-wrong": ("/charset/wrong.xml", None),
    "charset-missing": ("/charset/missing.xml", None),
    "charset-header": ("/charset/header-only.xml", None),
    "gzip-body": ("/gzip-body.xml", None),
    "odd": ("/odd-items.xml", None),
}

RULES = """
[[rules]]
name = "honduras"
query = 'honduras'
notify = ["team"]
"""


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """One `newswatch run` over every case, with a mail server for the alerts it raises."""
    hs.gzip_bomb()  # built once (2 s) before the run, so the bomb is served at once
    tmp = tmp_path_factory.mktemp("hostile")
    with HostileServer() as server, SmtpSink() as smtp:
        lines = ['database = "nw.db"', "[crawl]", "download_delay = 0", f"timeout = {TIMEOUT_S}", "retries = 0",
                 "fetch_articles = false", "obey_robots = false", "concurrency_per_domain = 32",
                 "[notify]", f'urls = {{ team = ["{smtp.url()}"] }}', ""]
        for name, (path, _) in CASES.items():
            lines.append(f'[[sources]]\nname = "{name}"\nurl = "{server.url}{path}"\n')
        (tmp / "newswatch.toml").write_text("\n".join(lines) + RULES, encoding="utf-8")
        result = newswatch("run", "-c", str(tmp / "newswatch.toml"), timeout=180)
        smtp.wait_for(3, timeout=10)
        yield result, sqlite_utils.Database(tmp / "nw.db"), server, list(smtp.messages)


def _items(db, source):
    return {r["url"].rsplit("/", 1)[-1]: r for r in db["items"].rows_where("source = ?", [source])}


def test_the_run_ends_in_bounded_time_and_memory_with_failures_reported(hostile_run):
    result, db, _, _ = hostile_run
    assert result.returncode == 1, result.output  # some sources failed: exit 1, not a crash
    assert "Traceback" not in result.output
    assert result.max_rss_mb < RSS_LIMIT_MB, f"peak RSS {result.max_rss_mb:.0f} MB"
    # Five sources hang for the whole timeout, concurrently; everything else is quick.
    assert result.seconds < 60, f"took {result.seconds:.0f} s"
    run = list(db["runs"].rows)[-1]
    failing = sum(1 for _, error in CASES.values() if error)
    assert (run["sources_ok"], run["sources_failed"]) == (len(CASES) - failing, failing)
    print(f"\nhostile run: {result.seconds:.1f} s, peak RSS {result.max_rss_mb:.0f} MB")


@pytest.mark.parametrize("name", list(CASES))
def test_each_source_ends_with_a_clear_error_or_its_items(hostile_run, name):
    _, db, server, _ = hostile_run
    path, expected = CASES[name]
    row = db["sources"].get(name)
    if expected is None:
        assert row["last_error"] is None and row["error_streak"] == 0
    else:
        assert expected in (row["last_error"] or ""), row["last_error"]
        assert row["last_error"].startswith(server.url + path), "the error names the URL"
        assert row["error_streak"] == 1
        fetch = next(db["fetches"].rows_where("source = ?", [name]))
        assert fetch["error"] == row["last_error"]


def test_the_control_source_is_stored_in_full(hostile_run):
    _, db, _, _ = hostile_run
    assert len(_items(db, "ok")) == 3
    assert db["items"].count_where("source = 'gzip-body'") == 3  # a .gz body without Content-Encoding


def test_a_ten_thousand_item_feed_is_stored_in_full_in_bounded_time_and_memory(tmp_path):
    """Alone: its items are processed in one go on Scrapy's reactor (see docs/reliability.md)."""
    with HostileServer() as server:
        cfg = hs.one_source_config(tmp_path, "big", f"{server.url}/big-feed.xml?n=10000")
        result = newswatch("run", "-c", str(cfg), timeout=180)
        again = newswatch("run", "-c", str(cfg), "--all", timeout=180)
    assert result.returncode == 0, result.output
    db = sqlite_utils.Database(tmp_path / "nw.db")
    assert db["items"].count == 10_000
    assert result.max_rss_mb < RSS_LIMIT_MB, f"peak RSS {result.max_rss_mb:.0f} MB"
    assert result.seconds < 90, f"took {result.seconds:.0f} s"
    # Read again: the body is unchanged (ETag), nothing is added.
    assert again.returncode == 0, again.output
    assert db["items"].count == 10_000
    print(f"\n10,000-item feed: {result.seconds:.1f} s, peak RSS {result.max_rss_mb:.0f} MB")


def test_entity_bombs_and_external_entities_are_not_expanded(hostile_run):
    _, db, _, _ = hostile_run
    for source in ("entity-bomb", "quadratic-bomb", "xxe"):
        for row in db["items"].rows_where("source = ?", [source]):
            text = " ".join(str(row[k] or "") for k in ("title", "summary", "body"))
            assert len(text) < 100_000, f"{source}: {len(text)} characters stored"
            assert "lollollol" not in text and "AAAAAAAAAA" not in text
            assert "root:" not in text  # /etc/passwd stayed where it was


@pytest.mark.parametrize("source", ["charset-wrong", "charset-missing", "charset-header"])
def test_wrong_or_missing_charset_still_decodes_the_title(hostile_run, source):
    _, db, _, _ = hostile_run
    (row,) = _items(db, source).values()
    assert row["title"] == hs.CP1252_TITLE


def test_odd_entries_are_kept_as_far_as_they_make_sense(hostile_run):
    _, db, _, _ = hostile_run
    items = _items(db, "odd")
    # No link (and a javascript: link): nothing to point a reader at, skipped and counted.
    assert "javascript:alert(4)" not in {r["url"] for r in db["items"].rows}
    assert not any("no link" in (r["title"] or "") for r in items.values())
    # No title: kept, with its summary, named after its URL (never an empty title);
    # no title and no summary: kept too.
    assert items["no-title.html"]["title"] == "No title" and "no title" in items["no-title.html"]["summary"]
    assert items["bare.html"]["title"] == "Bare"
    assert "bare.html" in items
    # Two entries sharing a GUID are one entry of that feed (updated, never alerted twice).
    assert ("dup-1.html" in items) != ("dup-2.html" in items)
    # A date in 2106 or in 1970, or no date at all: unknown, so the time it was first seen stands in.
    assert items["future.html"]["published"] is None
    assert items["epoch.html"]["published"] is None
    assert items["baddate.html"]["published"] is None
    fetch = next(db["fetches"].rows_where("source = 'odd'"))
    assert fetch["items"] == len(items) + 1  # the duplicate GUID was fetched, then merged


@pytest.mark.parametrize("name", ["script.html", "cdata.html"])
def test_script_and_event_handlers_are_stored_as_plain_text(hostile_run, name):
    _, db, _, _ = hostile_run
    row = _items(db, "odd")[name]
    for field in ("title", "summary"):
        assert "<" not in row[field] and ">" not in row[field], row[field]
        assert not re.search(r"on(error|mouseover)\s*=", row[field])
    assert "Honduras" in row["title"]


def test_markup_meant_as_text_is_stored_as_text_and_escaped_in_email(hostile_run):
    _, db, _, messages = hostile_run
    row = _items(db, "odd")["literal.html"]
    assert row["title"] == hs.LITERAL_TITLE  # the reader's text, exactly
    sent = {r["item_id"] for r in db["alerts"].rows_where("status = 'sent'")}
    assert row["id"] in sent
    htmls = [m.get_body(("html",)).get_content() for m in messages if m.get_body(("html",))]
    assert htmls, "alert emails carry an HTML part"
    for html in htmls:
        assert not re.search(r"<script", html, re.I), "no script element in any email"
        assert not re.search(r"<[^>]*\son\w+\s*=", html, re.I), "no event-handler attribute in any email"
        assert "javascript:" not in html
    literal = [h for h in htmls if "alert(5)" in h]
    assert literal and "&lt;script&gt;alert(5)&lt;/script&gt;" in literal[0]


def test_alerts_match_the_hostile_items_once_each(hostile_run):
    _, db, _, messages = hostile_run
    matched = {r["item_id"] for r in db["matches"].rows}
    titles = {r["id"]: r["title"] for r in db["items"].rows_where("source = 'odd'")}
    assert {titles[i] for i in matched if i in titles} >= {hs.LITERAL_TITLE}
    alerts = list(db["alerts"].rows)
    assert len({(a["rule"], a["cluster_id"], a["tag"]) for a in alerts}) == len(alerts)
    assert all(a["status"] == "sent" for a in alerts), json.dumps(alerts, default=str)[:500]
    assert len(messages) == len(alerts)


def test_a_configured_size_cap_and_timeout_are_the_ones_reported(tmp_path):
    """[crawl] max_bytes and timeout reach Scrapy, and the messages quote them."""
    hs.gzip_bomb()
    with HostileServer() as server:
        cfg = tmp_path / "newswatch.toml"
        cfg.write_text("\n".join([
            'database = "nw.db"', "[crawl]", "download_delay = 0", "timeout = 1", "retries = 0",
            "max_bytes = 1048576", "obey_robots = false", "fetch_articles = false",
            f'[[sources]]\nname = "two-mb"\nurl = "{server.url}/huge.xml?mb=2"',
            f'[[sources]]\nname = "bomb"\nurl = "{server.url}/gzip-bomb.xml"',
            f'[[sources]]\nname = "hang"\nurl = "{server.url}/hang.xml"',
            f'[[sources]]\nname = "fine"\nurl = "{server.url}/big-feed.xml?n=2000"',  # about 400 kB
        ]), encoding="utf-8")
        result = newswatch("run", "-c", str(cfg), timeout=120)
    assert result.returncode == 1, result.output
    errors = {r["name"]: r["last_error"] for r in sqlite_utils.Database(tmp_path / "nw.db")["sources"].rows}
    assert "declares 2 MB, larger than 1 MB" in errors["two-mb"]
    assert "inflates past 1 MB" in errors["bomb"]
    assert "timed out after 1 s" in errors["hang"]
    assert errors["fine"] is None
