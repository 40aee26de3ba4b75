"""True dates: a page's own date is kept, and fetch time is never shown as publication time.

One real ``newswatch run`` reads a feed whose entries carry no date, with
article pages on: one page states its date in its markup but has too little
text for trafilatura (which used to drop the date with the text), the other
states no date at all. Then ``newswatch export`` and Datasette must show the
first item's date as published and the second item's as unknown, its fetch
time under its own name (fetched_at, "first seen").
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from xml.etree import ElementTree as ET

import pytest
import sqlite_utils
import trafilatura
from conftest import run_cli
from hostile_server import HostileServer

from newswatch.browse import make_datasette
from newswatch.config import load
from newswatch.formats.articles import extract_article

ATOM = "{http://www.w3.org/2005/Atom}"

# A video page: a menu, a player and the date in its metadata, no article text.
DATED = b"""<!doctype html><html><head><title>Baldetti extradition hearing (video)</title>
<meta property="article:published_time" content="2017-06-20T14:00:00+00:00">
<meta name="author" content="Ana Lopez"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<div id="player"><video src="/hearing.mp4"></video></div></body></html>"""

UNDATED = b"""<!doctype html><html><head><title>Baldetti case explained</title></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<div id="player"><video src="/explainer.mp4"></video></div></body></html>"""


def _feed(base: str) -> bytes:
    items = "".join(
        f"<item><title>{title}</title><link>{base}/{path}</link><description>{title}.</description></item>"
        for title, path in (("Baldetti hearing", "dated.html"), ("Baldetti explained", "undated.html")))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Wire</title>'
            f"<link>{base}/</link>{items}</channel></rss>").encode()


def test_a_page_without_main_text_keeps_its_date_title_and_author():
    # The case itself: trafilatura rejects this page's text, and its date with it.
    assert trafilatura.bare_extraction(DATED.decode(), favor_precision=True, with_metadata=True) is None
    page = extract_article(DATED, "https://example.org/video/baldetti", "text/html; charset=utf-8")
    assert page["published"] == "2017-06-20"
    assert page["title"] == "Baldetti extradition hearing (video)"
    assert page["author"] == "Ana Lopez"
    assert page["body"] is None


def test_a_page_with_no_date_gives_none():
    assert extract_article(UNDATED, "https://example.org/explained", "text/html")["published"] is None


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """A real run over the dated and undated pages; returns the config path."""
    directory = tmp_path_factory.mktemp("dates")
    with HostileServer() as server:
        server.add("/dated.html", DATED, headers={"Content-Type": "text/html; charset=utf-8"})
        server.add("/undated.html", UNDATED, headers={"Content-Type": "text/html; charset=utf-8"})
        feed = server.add("/feed.xml", _feed(server.url), headers={"Content-Type": "application/rss+xml"})
        cfg = directory / "newswatch.toml"
        cfg.write_text("\n".join([
            'database = "nw.db"', "[crawl]", "download_delay = 0", "obey_robots = false",
            "fetch_articles = true", f'[[sources]]\nname = "wire"\nurl = "{feed}"',
            '[[rules]]\nname = "baldetti"\nquery = "baldetti"\nnotify = []',
        ]), encoding="utf-8")
        result = run_cli("run", "-c", str(cfg), "--no-alerts")
    assert result.returncode == 0, result.stdout + result.stderr
    return cfg


def _items(cfg) -> dict[str, dict]:
    db = sqlite_utils.Database(cfg.parent / "nw.db")
    try:
        return {r["title"]: r for r in db["items"].rows}
    finally:
        db.close()


def test_the_run_stores_the_pages_date_and_says_where_it_came_from(crawled):
    items = _items(crawled)
    dated, undated = items["Baldetti hearing"], items["Baldetti explained"]
    assert dated["published"].startswith("2017-06-20")
    assert dated["published_from"] == "page"
    assert undated["published"] is None and undated["published_from"] is None
    assert undated["fetched_at"]


def _export(cfg, fmt: str) -> str:
    result = run_cli("export", "-c", str(cfg), "-f", fmt)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_export_never_labels_fetch_time_as_published(crawled):
    fetched = _items(crawled)["Baldetti explained"]["fetched_at"]
    records = {r["title"]: r for r in map(json.loads, _export(crawled, "jsonl").splitlines())}
    assert records["Baldetti explained"]["published"] is None
    assert records["Baldetti explained"]["fetched_at"] == fetched
    assert records["Baldetti hearing"]["published"].startswith("2017-06-20")

    rows = {r["title"]: r for r in csv.DictReader(io.StringIO(_export(crawled, "csv")))}
    assert rows["Baldetti explained"]["published"] == ""
    assert rows["Baldetti explained"]["fetched_at"] == fetched
    assert rows["Baldetti hearing"]["published"].startswith("2017-06-20")

    entries = {e.findtext(f"{ATOM}title"): e for e in ET.fromstring(_export(crawled, "atom")).iter(f"{ATOM}entry")}
    assert entries["Baldetti explained"].find(f"{ATOM}published") is None
    assert entries["Baldetti explained"].findtext(f"{ATOM}updated") == fetched  # Atom wants one
    assert entries["Baldetti hearing"].findtext(f"{ATOM}published").startswith("2017-06-20")


def _get(ds, path: str):
    async def fetch():
        return await ds.client.get(path)
    response = asyncio.run(fetch())
    assert response.status_code == 200, response.text[:500]
    return response


def test_datasette_shows_published_only_when_known(crawled):
    items = _items(crawled)
    undated, dated = items["Baldetti explained"], items["Baldetti hearing"]
    ds = make_datasette(load(crawled, check_env=False))
    rows = {r["title"]: r for r in _get(ds, "/nw/rule-baldetti.json?_shape=array").json()}
    assert rows["Baldetti explained"]["published"] is None
    assert rows["Baldetti explained"]["fetched_at"] == undated["fetched_at"]
    assert rows["Baldetti hearing"]["published"].startswith("2017-06-20")
    item = _get(ds, f"/nw/item.json?id={undated['id']}&_shape=array").json()[0]
    assert item["published"] is None and item["fetched_at"] == undated["fetched_at"]

    page = _get(ds, f"/nw/items/{undated['id']}").text
    assert "publication date unknown" in page
    assert f"first seen {undated['fetched_at']}" in page
    assert f"published {undated['fetched_at']}" not in page
    page = _get(ds, f"/nw/items/{dated['id']}").text
    assert f"published {dated['published']}" in page
