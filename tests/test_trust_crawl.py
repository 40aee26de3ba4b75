"""Trust audit (issue 13, items 3-5): what a hostile or careless feed server can do to a crawl.

Each test serves the hostile input from tests/hostile_server.py on 127.0.0.1
and runs the real `newswatch run` in a subprocess (tests/measure.py measures
its peak RSS); see docs/reliability.md, "Hostile sources and inputs".
"""

from __future__ import annotations

import sqlite_utils

import hostile_server as hs
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

