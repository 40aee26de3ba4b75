"""Trust audit (issue 13, items 3-5): what a hostile or careless feed server can do to a crawl.

Each test serves the hostile input from tests/hostile_server.py on 127.0.0.1
and runs the real `newswatch run` in a subprocess (tests/measure.py measures
its peak RSS); see docs/reliability.md, "Hostile sources and inputs".
"""

from __future__ import annotations

import gzip

import hostile_server as hs
import sqlite_utils
from hostile_server import HostileServer
from measure import RSS_LIMIT_MB, newswatch


def _db(tmp_path) -> sqlite_utils.Database:
    return sqlite_utils.Database(tmp_path / "nw.db")


def _fetches(db, source: str) -> list[dict]:
    return list(db["fetches"].rows_where("source = ?", [source], order_by="id"))


# -- item 3: endless response headers ----------------------------------------------------------

def test_endless_response_headers_are_cut_off_and_reported(tmp_path):
    """A server sending 8 KB header lines forever grew a run to 6 GB in 30 s; now it stops at 64 KB."""
    with HostileServer() as server:
        cfg = hs.one_source_config(tmp_path, "flood", f"{server.url}/header-flood.xml", "timeout = 10",
                                   "retries = 2")
        (tmp_path / "newswatch.toml").write_text(
            cfg.read_text() + f'\n[[sources]]\nname = "ok"\nurl = "{server.url}/ok.xml"\n', encoding="utf-8")
        result = newswatch("run", "-c", str(cfg), timeout=120)
        flood_requests = server.requests.get("/header-flood.xml", 0)
    assert result.returncode == 1, result.output  # one source failed
    assert "Traceback" not in result.output
    assert result.max_rss_mb < RSS_LIMIT_MB, f"peak RSS {result.max_rss_mb:.0f} MB"
    db = _db(tmp_path)
    error = db["sources"].get("flood")["last_error"]
    assert error == f"{server.url}/header-flood.xml: response headers larger than 64 KB; not read"
    assert flood_requests == 1, "the same flood is not asked for again (no retries)"
    assert db["items"].count_where("source = 'ok'") == 3  # the other source is unaffected


# -- item 4: one bad link must not drop the whole feed ------------------------------------------

BAD_LINKS = ("http://127.0.0.1:99999/x", "http://[x/")


def _config(tmp_path, *sources: str, crawl: tuple[str, ...] = ()):
    """newswatch.toml with ``sources`` (TOML tables' bodies), politeness and article pages off."""
    cfg = tmp_path / "newswatch.toml"
    cfg.write_text("\n".join([
        'database = "nw.db"', "[crawl]", "download_delay = 0", "obey_robots = false", "fetch_articles = false",
        "retries = 0", *crawl, *(f"[[sources]]\n{body}" for body in sources),
    ]) + "\n", encoding="utf-8")
    return cfg


def _feed_with_links(base: str, links: list[str]) -> bytes:
    return hs.rss([hs.item(base, i, title=f"Story {i} about the budget", link=link, guid=f"story-{i}",
                           description=f"Summary {i}.") for i, link in enumerate(links)]).encode()


def _news_sitemap(locs: list[str]) -> bytes:
    urls = "".join(
        f"<url><loc>{loc}</loc><news:news><news:publication><news:name>Hostile</news:name>"
        f"<news:language>en</news:language></news:publication>"
        f"<news:publication_date>2030-01-0{i + 1}T10:00:00Z</news:publication_date>"
        f"<news:title>Sitemap story {i}</news:title></news:news></url>" for i, loc in enumerate(locs))
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + urls + "</urlset>").encode()


def test_a_bad_link_skips_that_entry_and_the_rest_of_the_feed_is_stored(tmp_path):
    with HostileServer() as server:
        good = [f"{server.url}/story/{i}.html" for i in range(3)]
        server.add("/feed.xml", _feed_with_links(server.url, [good[0], BAD_LINKS[0], good[1], BAD_LINKS[1], good[2]]))
        cfg = _config(tmp_path, f'name = "mixed"\nurl = "{server.url}/feed.xml"')
        first = newswatch("run", "-c", str(cfg), timeout=120)
        again = newswatch("run", "-c", str(cfg), "--all", timeout=120)  # the same body
        # The publisher fixes the links; the next run stores those entries too.
        server.add("/feed.xml", _feed_with_links(server.url, [good[0], f"{server.url}/story/fixed-a.html", good[1],
                                                              f"{server.url}/story/fixed-b.html", good[2]]))
        fixed = newswatch("run", "-c", str(cfg), "--all", timeout=120)
    assert first.returncode == 0, first.output
    assert "Traceback" not in first.output
    db = _db(tmp_path)
    fetch = _fetches(db, "mixed")[0]
    assert fetch["status"] == "200" and fetch["error"] is None
    assert fetch["items"] == 3 and fetch["items_new"] == 3
    # The run names the source, what was skipped and the bad link.
    line = next(x for x in first.stdout.splitlines() if " mixed " in x)
    assert "2 of 5 entries skipped: 2 bad links, like http://127.0.0.1:99999/x (Port out of range" in line, line
    # Every entry was stored or deliberately skipped: the unchanged body is then not read again.
    assert again.returncode == 0, again.output
    assert _fetches(db, "mixed")[1]["status"] == "unchanged"
    assert fixed.returncode == 0, fixed.output
    urls = {r["url"] for r in db["items"].rows_where("source = 'mixed'")}
    assert urls == {*good, f"{server.url}/story/fixed-a.html", f"{server.url}/story/fixed-b.html"}


def test_a_bad_link_in_a_news_sitemap_skips_that_entry_only(tmp_path):
    with HostileServer() as server:
        good = [f"{server.url}/news/{i}.html" for i in range(3)]
        server.add("/sitemap.xml", _news_sitemap([good[0], BAD_LINKS[0], good[1], BAD_LINKS[1], good[2]]),
                   headers={"Content-Type": "application/xml"})
        cfg = _config(tmp_path, f'name = "news-map"\nkind = "sitemap"\nurl = "{server.url}/sitemap.xml"\n'
                                "fetch_articles = false")
        first = newswatch("run", "-c", str(cfg), timeout=120)
        server.add("/sitemap.xml", _news_sitemap([*good, f"{server.url}/news/fixed.html"]),
                   headers={"Content-Type": "application/xml"})
        fixed = newswatch("run", "-c", str(cfg), "--all", timeout=120)
    assert first.returncode == 0, first.output
    assert "Traceback" not in first.output
    db = _db(tmp_path)
    fetch = _fetches(db, "news-map")[0]
    assert fetch["status"] == "200" and fetch["error"] is None and fetch["items_new"] == 3
    line = next(x for x in first.stdout.splitlines() if " news-map " in x)
    assert "2 of 5 entries skipped: 2 bad links, like http://127.0.0.1:99999/x" in line, line
    assert fixed.returncode == 0, fixed.output
    titles = {r["url"]: r["title"] for r in db["items"].rows_where("source = 'news-map'")}
    assert set(titles) == {*good, f"{server.url}/news/fixed.html"}
    assert titles[good[0]] == "Sitemap story 0"


# -- item 5: caps on one feed's work per run ----------------------------------------------------

def test_article_pages_of_a_big_feed_are_capped_per_run_newest_first(tmp_path):
    """A 100,000-entry feed with fetch_articles made a request per entry and held the run lock
    for hours; now at most max_articles (default 50) pages per feed per run, the rest next run."""
    with HostileServer() as server:
        cfg = _config(tmp_path, f'name = "big"\nurl = "{server.url}/big-feed.xml?n=1000"\nfetch_articles = true')
        first = newswatch("run", "-c", str(cfg), timeout=180)
        after_first = {p for p in server.requests if p.startswith("/a/")}
        second = newswatch("run", "-c", str(cfg), "--all", timeout=180)
        after_second = {p for p in server.requests if p.startswith("/a/")}
        counts = [n for p, n in server.requests.items() if p.startswith("/a/")]
    assert first.returncode == 0 and second.returncode == 0, first.output + second.output
    # The newest 50 entries (big-feed dates grow with the entry number) in the first run.
    assert after_first == {f"/a/{i}.html" for i in range(950, 1000)}
    assert after_second - after_first == {f"/a/{i}.html" for i in range(900, 950)}
    assert max(counts) == 1, "no page is asked for twice"
    db = _db(tmp_path)
    # Pages that failed (404 here) keep the feed's summary: each requested entry is stored.
    assert db["items"].count == 100
    line = next(x for x in first.stdout.splitlines() if " big " in x)
    assert "950 new entries left for the next run (max_articles = 50 pages per run)" in line, line


def test_entries_of_one_feed_are_capped_per_run_and_the_rest_stored_by_the_next(tmp_path):
    with HostileServer() as server:
        cfg = _config(tmp_path, f'name = "big"\nurl = "{server.url}/big-feed.xml?n=250"', crawl=("max_entries = 100",))
        runs, stored = [], []
        for i in range(4):
            runs.append(newswatch("run", "-c", str(cfg), *(["--all"] if i else []), timeout=180))
            stored.append({r["guid"] for r in _db(tmp_path)["items"].rows})
    assert [r.returncode for r in runs] == [0, 0, 0, 0], runs[0].output
    db = _db(tmp_path)
    fetches = _fetches(db, "big")
    assert [f["items_new"] for f in fetches] == [100, 100, 50, 0]
    # Newest first (big-feed dates grow with the entry number): 150-249, then 50-149, then 0-49.
    assert stored[0] == {f"big-{i}" for i in range(150, 250)}
    assert stored[1] - stored[0] == {f"big-{i}" for i in range(50, 150)}
    assert stored[3] == {f"big-{i}" for i in range(250)}
    # Once everything is stored the body hash is kept: an unchanged feed is not read again.
    assert [f["status"] for f in fetches] == ["200", "200", "200", "unchanged"]
    assert "150 new entries left for the next run ([crawl] max_entries = 100)" in runs[0].stdout


def _gzip_padded(document: bytes, pad_mb: int) -> bytes:
    """``document`` with ``pad_mb`` MB of whitespace before its last closing tag, gzipped (~1 kB per MB)."""
    head, _, tail = document.rpartition(b"</")
    return gzip.compress(head + b" " * (pad_mb << 20) + b"</" + tail, compresslevel=9)


def test_a_gzip_body_without_content_encoding_keeps_to_max_bytes(tmp_path):
    """The raw-gzip path (a .gz served as a file) inflated up to 50 MB whatever [crawl] max_bytes said."""
    with HostileServer() as server:
        gz = {"Content-Type": "application/x-gzip"}
        server.add("/feed.xml.gz", _gzip_padded(hs.ok_feed(server.url, "gz"), 20), headers=gz)
        server.add("/sitemap.xml.gz", _gzip_padded(_news_sitemap([f"{server.url}/n/1.html"]), 20), headers=gz)
        server.add("/small.xml.gz", gzip.compress(hs.ok_feed(server.url, "small")), headers=gz)
        cfg = _config(tmp_path, f'name = "feed-bomb"\nurl = "{server.url}/feed.xml.gz"',
                      f'name = "sitemap-bomb"\nkind = "sitemap"\nurl = "{server.url}/sitemap.xml.gz"\n'
                      "fetch_articles = false",
                      f'name = "small"\nurl = "{server.url}/small.xml.gz"')
        result = newswatch("run", "-c", str(cfg), timeout=120)
    assert result.returncode == 1, result.output
    assert "Traceback" not in result.output
    assert result.max_rss_mb < RSS_LIMIT_MB, f"peak RSS {result.max_rss_mb:.0f} MB"
    db = _db(tmp_path)
    errors = {r["name"]: r["last_error"] for r in db["sources"].rows}
    assert errors["feed-bomb"] == (f"{server.url}/feed.xml.gz: gzipped body (no Content-Encoding) "
                                   "inflates past 5 MB ([crawl] max_bytes); not read")
    assert errors["sitemap-bomb"] == (f"{server.url}/sitemap.xml.gz: gzipped sitemap is larger than 5 MB "
                                      "uncompressed ([crawl] max_bytes); not read")
    assert errors["small"] is None and db["items"].count_where("source = 'small'") == 3
    assert db["items"].count_where("source in ('feed-bomb', 'sitemap-bomb')") == 0
