"""Teasers are not full text: a feed's "Read more" lead makes newswatch read the page.

Unit tests of :mod:`newswatch.formats.teasers`; the rule measured on the real feed
corpora (one half decided the thresholds, the other is held out); and the real
`newswatch run` against feeds and pages served on 127.0.0.1, and against the demo site.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import Counter

import pytest
import sqlite_utils
from conftest import CORPORA
from hostile_server import HostileServer
from measure import newswatch

from newswatch.formats.feeds import parse_feed
from newswatch.formats.teasers import LONG, SHORT, is_teaser, page_is_fuller, teaser_core

LEAD = ("WASHINGTON — Lawmakers met on Tuesday with builders and church leaders who asked them to protect "
        "thousands of long-settled workers from Central America, days before a decision on their status.")
LONG_TEXT = " ".join([LEAD] * 20)  # about 4,000 characters


@pytest.mark.parametrize("ending", [
    "Read more", "Read more »", "Read the full story", "Read the full article >>", "Continue reading...",
    "Continue reading “Lawmakers meet builders” →", "[…]", "[...]", "…", "Leer más", "Seguir leyendo",
    "Lee la nota completa", "Ver más", "[…] The post Lawmakers meet builders appeared first on Wire.",
])
def test_a_lead_ending_in_read_more_is_a_teaser_even_past_the_length_limit(ending):
    text = f"{LEAD} {LEAD} {LEAD} {LEAD} {ending}"  # ~800 characters: over SHORT
    assert len(text) > SHORT
    assert is_teaser(text), text
    core, cut = teaser_core(text)
    assert cut and core.endswith("status.")


def test_length_alone_decides_short_and_long_texts():
    assert is_teaser("") and is_teaser(LEAD)  # no text, or a standfirst of 200 characters
    assert not is_teaser(f"{LEAD} " * 4)  # 800 characters with no "read more": the article
    # A full post that ends in a link elsewhere, or WordPress's footer line, is still the article.
    assert len(LONG_TEXT) >= LONG and not is_teaser(LONG_TEXT + " Read more")
    assert not is_teaser(f"{LEAD} " * 4 + "The post Lawmakers meet builders appeared first on Wire.")
    # "more" inside a word or a sentence is not a "read more" link.
    assert not is_teaser(f"{LEAD} " * 4 + "and then some more.")
    assert not is_teaser(f"{LEAD} " * 4 + "furthermore")


def test_a_huge_hostile_text_is_judged_at_once():
    started = time.monotonic()
    assert not is_teaser("The post appeared first on " * 100_000)
    assert not is_teaser("x" * 5_000_000 + " Read more")
    assert time.monotonic() - started < 1


def test_the_page_wins_when_it_is_fuller_and_starts_like_the_feed():
    teaser = f"{LEAD} Read the full story"
    article = f"{LEAD} The meeting ran for three hours. " + "Officials in Tegucigalpa followed it closely. " * 3
    assert page_is_fuller(teaser, article)
    assert page_is_fuller("", article)  # the feed gave no text of its own
    assert not page_is_fuller(teaser, "")
    assert not page_is_fuller(teaser, "Cookies help us deliver our services.")  # the page yields less
    # About the teaser's length but about something else: a menu or a comment, not the article.
    assert not page_is_fuller(teaser, "Subscribe to our newsletter for the week's news. " * 5)
    # Much longer, though it starts with its own standfirst: the article.
    assert page_is_fuller(teaser, "A standfirst the feed did not carry. " + LONG_TEXT)


# --- the corpora -------------------------------------------------------------------------

def _half(name: str) -> str:
    """Files whose name hashes even decided the thresholds ("dev"); the others are held out."""
    return "dev" if hashlib.sha1(name.encode()).digest()[0] % 2 == 0 else "held-out"


@pytest.fixture(scope="module")
def corpus_entries():
    import sys
    from pathlib import Path

    if not (CORPORA / "feeds" / "reader-fixtures").is_dir():
        pytest.skip("../shared/corpora is absent")
    sys.path.insert(0, str(Path(__file__).parent))
    from corpus_feeds import corpus_files, load

    from newswatch.formats.feeds import FeedError

    out = []
    for path in corpus_files():
        feed = load(path)
        parsed = feed.parse("http://127.0.0.1:8000/" + feed.name)
        if not isinstance(parsed, FeedError):
            out += [(feed.name, max(e.body, e.summary, key=len)) for e in parsed.entries]
    return out


# Feeds whose entries a person classed, reading them: every entry of these is a teaser ...
TEASER_FEEDS = ("rss-parser/test/input/guardian.rss", "node-feedparser/test/feeds/wapowellness.xml",
                "feedjira/spec/sample_feeds/google_alerts_atom.xml", "rss-parser/test/input/craigslist.rss",
                "rss-parser/test/input/heise.atom")
# ... and every entry of these is the whole post.
FULL_FEEDS = ("node-feedparser/test/feeds/tpm.atom", "feedjira/spec/sample_feeds/FeedBurnerXHTML.xml",
              "feedjira/spec/sample_feeds/DuplicateContentAtomFeed.xml",
              "rss-parser/test/input/many-links.rss", "feedjira/spec/sample_feeds/PaulDixExplainsNothingWFW.xml",
              "node-feedparser/test/feeds/invalid-characters-gzipped.xml", "feedjira/spec/sample_feeds/CRE.xml")


def test_the_rule_on_the_real_feed_corpora_both_halves(corpus_entries):
    counts: Counter = Counter()
    for name, text in corpus_entries:
        corpus = "feedparser" if name.startswith("feedparser") else "reader"
        counts[corpus, _half(name), "teaser" if is_teaser(text) else "full"] += 1
    print("\nentries called teaser / full text, by corpus and half:")
    for corpus in ("reader", "feedparser"):
        for half in ("dev", "held-out"):
            print(f"  {corpus:10} {half:8} {counts[corpus, half, 'teaser']:5} teasers "
                  f"{counts[corpus, half, 'full']:5} full")
    for half in ("dev", "held-out"):
        assert counts["reader", half, "teaser"] > 300 and counts["reader", half, "full"] > 100, counts
    halves = set()
    for suffix in TEASER_FEEDS + FULL_FEEDS:
        found = [(n, t) for n, t in corpus_entries if n.endswith(suffix)]
        assert found, suffix
        called = Counter(is_teaser(t) for _, t in found)
        assert set(called) == {suffix in TEASER_FEEDS}, (suffix, called)
        halves.add((_half(found[0][0]), suffix in TEASER_FEEDS))
    # Both halves hold labelled feeds of both kinds, so the held-out half checks the rule too.
    assert halves == {(h, k) for h in ("dev", "held-out") for k in (True, False)}


# --- a real run ------------------------------------------------------------------------------

PAGE_ONLY = ("Officials in Tegucigalpa said the decision would be announced in November, after a review "
             "of conditions in the country.")
SUMMARY = "Builders and bishops lobby Congress for Central American workers."
FULL_POST = " ".join(["The whole story is in the feed: " + LEAD] * 12)  # ~3,500 characters


def _page(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!doctype html><html><head><title>{title}</title></head><body><nav>Home News Sports</nav>"
            f"<article><h1>{title}</h1>{body}</article><footer>© Wire</footer></body></html>").encode()


def _entry(base: str, slug: str, title: str, content: str | None) -> str:
    encoded = f"<content:encoded><![CDATA[{content}]]></content:encoded>" if content else ""
    return (f"<item><title>{title}</title><link>{base}/{slug}.html</link><guid isPermaLink=\"false\">{slug}</guid>"
            f"<pubDate>Tue, 26 Sep 2017 10:00:00 GMT</pubDate><description>{SUMMARY}</description>{encoded}</item>")


def _feed(entries: list[str]) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Wire</title>'
            '<link>http://127.0.0.1/</link>' + "".join(entries) + "</channel></rss>").encode()


def test_a_teaser_feed_stores_the_pages_full_text_and_a_full_text_feed_costs_no_request(tmp_path):
    html = {"Content-Type": "text/html; charset=utf-8"}
    middle = ("The coalition said about 250,000 people had lived and worked in the country for two decades, "
              "and that their employers could not replace them.")
    with HostileServer() as server:
        base = server.url
        server.add("/on.xml", _feed([
            _entry(base, "teaser", "Lawmakers meet builders",
                   f"<p>{LEAD}</p><p><a href='#'>Read the full story</a></p>"),
            _entry(base, "corto", "Reunión en el Congreso", f"<p>{LEAD}</p><p>Leer más</p>"),
            _entry(base, "full", "The whole story", f"<p>{FULL_POST}</p>"),
            _entry(base, "thin", "A page with less", f"<p>{LEAD}</p><p>Read more</p>"),
        ]))
        server.add("/off.xml", _feed([
            _entry(base, "kept", "Teaser kept", f"<p>{LEAD}</p><p>Read the full story</p>")]))
        for slug in ("teaser", "corto", "kept"):
            server.add(f"/{slug}.html", _page(slug, [LEAD, middle, PAGE_ONLY, middle]), headers=html)
        server.add("/full.html", _page("full", [PAGE_ONLY] * 30), headers=html)
        server.add("/thin.html", b"<html><body><p>Cookies.</p></body></html>", headers=html)
        cfg = tmp_path / "newswatch.toml"
        cfg.write_text("\n".join([
            'database = "nw.db"', "[crawl]", "download_delay = 0", "obey_robots = false", "retries = 0",
            f'[[sources]]\nname = "on"\nurl = "{base}/on.xml"\nfetch_articles = true',
            f'[[sources]]\nname = "off"\nurl = "{base}/off.xml"\nfetch_articles = false',
            "[notify]", 'urls = { team = ["json://127.0.0.1:9/hook"] }',
            '[[rules]]\nname = "capital"\nquery = "tegucigalpa"\nnotify = ["team"]',
        ]) + "\n", encoding="utf-8")
        run = newswatch("run", "-c", str(cfg), "--no-alerts", timeout=180)
        requests = dict(server.requests)
    assert run.returncode == 0, run.output
    db = sqlite_utils.Database(tmp_path / "nw.db")
    rows = {r["url"].rsplit("/", 1)[1]: r for r in db["items"].rows}
    assert set(rows) == {"teaser.html", "corto.html", "full.html", "thin.html", "kept.html"}
    # The pages of the teasers were read: their full text is the body, not the lead and its link.
    for slug in ("teaser.html", "corto.html"):
        assert PAGE_ONLY in rows[slug]["body"] and middle in rows[slug]["body"], rows[slug]["body"]
        assert "Read the full story" not in rows[slug]["body"] and "Leer más" not in rows[slug]["body"]
        assert rows[slug]["summary"] == SUMMARY  # as the feed gave it
    matched = {r["url"].rsplit("/", 1)[1] for r in db.query(
        "select i.url from matches m join items i on i.id = m.item_id where m.rule = 'capital'")}
    assert matched == {"teaser.html", "corto.html"}  # "Tegucigalpa" is only on those pages
    assert requests.get("/teaser.html") == 1 and requests.get("/corto.html") == 1
    # A full-text entry costs no request; its text is the feed's.
    assert "/full.html" not in requests and rows["full.html"]["body"].startswith("The whole story is in the feed")
    # A page that yields less than the teaser leaves the feed's text.
    assert requests.get("/thin.html") == 1 and rows["thin.html"]["body"].startswith(LEAD[:40])
    # With fetch_articles off the teaser is what there is, and no page is asked for.
    assert "/kept.html" not in requests
    assert rows["kept.html"]["body"].startswith(LEAD[:40]) and "Tegucigalpa" not in rows["kept.html"]["body"]


def test_the_demo_wire_feed_gives_teasers_and_a_match_needs_the_page(tmp_path):
    """The demo's ntm-wire feed: a TPS match is found only in a page's text, not in the feed."""
    from urllib.request import urlopen

    from newswatch.demo import SITE_DIR, write_demo_config
    from newswatch.demo.server import SiteServer

    story = "/ntm-wire/2017/09/tps-advocates-lobby-congress.html"
    with SiteServer(SITE_DIR) as site:
        with urlopen(site.url + "/ntm-wire/feed.xml") as response:
            feed = response.read()
        cfg = write_demo_config(tmp_path, site.url, {})
        text = cfg.read_text(encoding="utf-8").replace("[notify]\nurls = {  }\n", "[notify]\n")
        cfg.write_text(text, encoding="utf-8")
        run = newswatch("run", "-c", str(cfg), "--no-alerts", "--source", "ntm-wire", timeout=180)
    assert run.returncode == 0, run.output
    # What the feed says of the story, as newswatch reads it: a teaser that never names TPS.
    entries = parse_feed(feed, site.url + "/ntm-wire/feed.xml").entries
    (entry,) = [e for e in entries if e.url.endswith(story)]
    assert entry.body.endswith("Read the full story") and is_teaser(entry.body)
    said = " ".join((entry.title, entry.summary, entry.body))
    assert not re.search(r"TPS|Temporary Protected Status|protected status", said, re.I)
    db = sqlite_utils.Database(tmp_path / "demo.db")
    (row,) = db.query("select * from items where url like ?", [f"%{story}"])
    assert "Temporary Protected Status" in row["body"] and "Read the full story" not in row["body"]
    assert {m["rule"] for m in db["matches"].rows_where("item_id = ?", [row["id"]])} == {"tps-decisions"}
    assert sum(bool(e.body) for e in entries) == 5  # half the entries carry a lead in content:encoded
    assert all(len(r["body"]) >= SHORT for r in db.query("select body from items where source = 'ntm-wire'"))
