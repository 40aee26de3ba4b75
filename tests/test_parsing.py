"""Feeds read in worker processes give the same stored results as feeds read in the crawl process."""

from __future__ import annotations

import asyncio
import sys

import numpy as np
import pytest
import sqlite_utils

from newswatch.crawlers.derive import normalize
from newswatch.crawlers.parsing import FeedParser
from newswatch.demo import SITE_DIR, write_demo_config
from newswatch.demo.server import SiteServer
from newswatch.rules import compile_rules
from newswatch.stories import clustering

RULES = [("tps", '"temporary protected status" OR "estatus de proteccion temporal" OR TPS'),
         ("aid", '(aid OR ayuda) AND ("northern triangle" OR "triangulo norte")')]


def _read(parser: FeedParser, body: bytes, url: str):
    return asyncio.run(parser.read(body, url, "application/rss+xml", source="s", lang=None,
                                   fetched_at="2026-01-01T00:00:00Z"))


@pytest.mark.parametrize("start", ["fork", "spawn"])
def test_a_worker_derives_what_the_pipelines_would(site_feeds, start):
    """Forked workers inherit the compiled rules (Linux); spawned ones (macOS, Windows) compile
    them from the rule texts. Without a compiled matcher FeedParser spawns, so both are tested here."""
    matcher = compile_rules(RULES)
    if start == "fork":
        workers = FeedParser(100, matcher=matcher, workers=1)
    else:
        workers = FeedParser(100, rules=RULES, workers=1)
    assert workers._pool._mp_context.get_start_method() == start
    inline = FeedParser(1, workers=0)
    try:
        compared = 0
        for url, body in site_feeds:
            _, derived = _read(workers, body, url)
            _, plain = _read(inline, body, url)
            assert all(item.derived for item in derived) and not any(item.derived for item in plain)
            normalize(plain)
            for a, b in zip(derived, plain, strict=True):
                assert (a.id, a.canonical_url, a.title, a.title_key, a.lang) == \
                    (b.id, b.canonical_url, b.title, b.title_key, b.lang)
                assert a.fingerprint == clustering.fingerprint_of(b.title, b.body or b.summary)
                assert a.matches == matcher.match(b.text_fields())
                compared += 1
        assert compared >= 30
    finally:
        workers.close()
        inline.close()


@pytest.mark.parametrize("start", ["fork", "spawn"])
def test_a_worker_leaves_the_entries_its_source_stored_to_the_database(site_feeds, tmp_path, start):
    """A feed that gained an entry brings back every other one: the worker looks them up in the
    run's database and works out the story and matches of the new ones only."""
    from newswatch import storage

    matcher = compile_rules(RULES)
    db_path = tmp_path / "nw.db"
    db = storage.open_db(db_path)
    storage.sync_sources(db, [{"name": "s", "kind": "feed", "url": "https://example.org/feed", "lang": "en",
                               "interval_s": 900}])
    url, body = max(site_feeds, key=lambda feed: len(feed[1]))
    inline = FeedParser(1, workers=0)
    _, before = _read(inline, body, url)
    normalize(before)
    stored = before[::2]  # every other entry was stored by an earlier run
    storage.store_batch(db, [storage.ItemRecord(item={**item.row(), "source": "s"}) for item in stored])
    workers = (FeedParser(100, matcher=matcher, workers=1, database=db_path) if start == "fork"
               else FeedParser(100, rules=RULES, workers=1, database=db_path))
    assert workers._pool._mp_context.get_start_method() == start
    try:
        _, entries = _read(workers, body, url)
    finally:
        workers.close()
        inline.close()
    known = {item.id for item in stored}
    assert len(entries) == len(before) >= 6 and 0 < len(known) < len(entries)
    for item, plain in zip(entries, before, strict=True):
        assert item.normalized and (item.id, item.title_key, item.lang) == (plain.id, plain.title_key, plain.lang)
        if item.id in known:  # the pipelines refresh it; its story and matches are those stored
            assert not item.derived and item.matches == [] and item.fingerprint is None
        else:
            assert item.derived and item.matches == matcher.match(plain.text_fields())
            assert item.fingerprint == clustering.fingerprint_of(plain.title, plain.body or plain.summary)


@pytest.mark.skipif(sys.platform != "linux", reason="pipe sizes are set on Linux only")
def test_a_worker_hands_over_a_whole_feed_without_waiting(site_feeds):
    """A feed's result (75 KB for 50 entries) fits in the results pipe, so a worker goes on to
    the next feed instead of waiting for the crawl process to read it."""
    import fcntl

    workers = FeedParser(100, matcher=compile_rules(RULES), workers=1)
    try:
        room = fcntl.fcntl(workers._pool._result_queue._reader.fileno(), fcntl.F_GETPIPE_SZ)
        assert room >= 256 * 1024
        url, body = site_feeds[0]
        assert _read(workers, body, url)[1], "and results still arrive whole"
    finally:
        workers.close()


def test_signatures_equal_datasketch():
    """The numpy signature is datasketch's MinHash, so stored signatures stay valid."""
    texts = [("US ends TPS for Hondurans", "The Department of Homeland Security said on Friday " * 3),
             ("Ayuda al Triángulo Norte", "El Congreso aprobó la ayuda para Honduras, Guatemala y El Salvador")]
    for title, text in texts:
        fp = clustering.fingerprint_of(title, text)
        expected = clustering.signature(clustering.shingles(title, text)).hashvalues
        assert np.array_equal(fp.array(), expected)


def test_a_batch_of_signatures_equals_datasketch_item_by_item():
    """Workers sign a feed's entries together; each must still be that entry's own MinHash."""
    long_text = " ".join(f"palabra{i % 3000} ayuda{i % 7}" for i in range(6000))  # more than one numpy chunk
    texts = [("US ends TPS for Hondurans", "The Department of Homeland Security said on Friday " * 3),
             ("Too short", None), ("", ""), (None, None), ("one two", "three"),
             ("Same words again", "again " * 30),  # many words, one distinct shingle: too little to compare
             ("Ayuda al Triángulo Norte", long_text),
             ("Ayuda al Triángulo Norte", "El Congreso aprobó la ayuda para Honduras, Guatemala y El Salvador")]
    fingerprints = clustering.fingerprints_of(texts)
    assert len(fingerprints) == len(texts)
    for (title, text), fp in zip(texts, fingerprints):
        grams = clustering.shingles(title, text)
        if len(grams) < clustering.MIN_SHINGLES:
            assert fp is None, title
        else:
            assert np.array_equal(fp.array(), clustering.signature(grams).hashvalues), title
    assert [fp is None for fp in fingerprints] == [False, True, True, True, True, True, False, False]


def _stored(db_path):
    db = sqlite_utils.Database(db_path)
    rows = {r["canonical_url"].split("/", 3)[-1]: r for r in db["items"].rows}
    by_id = {r["id"]: url for url, r in rows.items()}
    story = {url: by_id.get(r["cluster_id"], r["cluster_id"]) for url, r in rows.items()}
    return {
        "items": {url: (r["source"], r["title"], r["lang"], r["title_key"], r["body"]) for url, r in rows.items()},
        "matches": {(by_id[r["item_id"]], r["rule"], r["terms"], r["snippet"]) for r in db["matches"].rows},
        "together": {(a, b) for a in rows for b in rows if a < b and story[a] == story[b]},
        "signatures": {by_id[r["item_id"]]: r["minhash"] for r in db["item_signatures"].rows},
    }


@pytest.mark.timeout(300)
def test_a_run_with_workers_stores_what_a_run_without_them_does(tmp_path, cli):
    """The demo site and topic pack, article pages included, read both ways."""
    results = []
    with SiteServer(SITE_DIR) as site:
        for workers in (0, 2):
            out = tmp_path / f"workers-{workers}"
            cfg = write_demo_config(out, site.url, {})
            text = cfg.read_text(encoding="utf-8").replace("[crawl]\n", f"[crawl]\nparse_workers = {workers}\n", 1)
            cfg.write_text(text.replace("[notify]\nurls = {  }\n", "[notify]\n"), encoding="utf-8")
            result = cli("run", "-c", str(cfg), "--no-alerts")
            assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
            results.append(_stored(out / "demo.db"))
    inline, workers = results
    assert len(inline["items"]) >= 60 and inline["matches"] and inline["together"]
    assert workers["items"].keys() == inline["items"].keys()
    # An article carried by two feeds is stored from whichever arrived first, in
    # either mode: compare what does not depend on arrival order.
    same = {url for url, row in inline["items"].items() if workers["items"][url][0] == row[0]}
    assert len(same) >= 0.8 * len(inline["items"])
    assert {u: workers["items"][u] for u in same} == {u: inline["items"][u] for u in same}
    assert {m for m in workers["matches"] if m[0] in same} == {m for m in inline["matches"] if m[0] in same}
    assert {u: workers["signatures"].get(u) for u in same} == {u: inline["signatures"].get(u) for u in same}
    pairs = {(a, b) for a in same for b in same if a < b}
    assert workers["together"] & pairs == inline["together"] & pairs


@pytest.fixture
def site_feeds():
    """The demo site's RSS, Atom and Spanish feeds, as served."""
    with SiteServer(SITE_DIR) as site:
        import urllib.request

        feeds = []
        for path in sorted(p for p in SITE_DIR.glob("*/*") if p.name in ("feed.xml", "rss.xml", "atom.xml", "feed.json")):
            url = f"{site.url}/{path.relative_to(SITE_DIR).as_posix()}"
            with urllib.request.urlopen(url) as response:
                feeds.append((url, response.read()))
        assert len(feeds) >= 3
        yield feeds


def test_permutations_and_bands_are_datasketchs():
    from datasketch import MinHash
    from datasketch.lsh import _optimal_param

    expected = MinHash(num_perm=clustering.NUM_PERM, seed=clustering._SEED, scheme="affine32").permutations
    assert np.array_equal(np.array(clustering._permutations()), expected)
    for threshold in (0.1, 0.25, 0.4, 0.5, 0.7, 0.9):
        assert clustering._optimal_bands(threshold, clustering.NUM_PERM) == _optimal_param(
            threshold, clustering.NUM_PERM, 0.5, 0.5)


def test_a_feed_that_gains_an_entry_stores_it_matched_and_leaves_the_others_as_they_were(tmp_path, cli):
    """The poll after the first, read by workers: each feed brings back what it held and one entry
    more. The new ones are matched and stored; of the others only one whose title was corrected
    is written again (and found by search under its new title); nothing is matched twice."""
    import re

    from cluster_helpers import KEYWORD, make_feeds

    n_feeds, n_items = 4, 10
    marked = make_feeds(tmp_path / "site", n_feeds, n_items, every=3)
    with SiteServer(tmp_path / "site") as site:
        cfg = tmp_path / "newswatch.toml"
        cfg.write_text("\n".join(
            ['database = "nw.db"', "[crawl]", "parse_workers = 2", "download_delay = 0", "autothrottle = false",
             "fetch_articles = false", "obey_robots = false", "retries = 0"]
            + [f'[[sources]]\nname = "f{f}"\nurl = "{site.url}/feeds/f{f}.xml"' for f in range(n_feeds)]
            + ["[[rules]]", 'name = "marked"', f'query = "{KEYWORD}"', "notify = []"]) + "\n", encoding="utf-8")
        first = cli("run", "-c", str(cfg), "--no-alerts")
        assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-2000:]
        with sqlite_utils.Database(tmp_path / "nw.db") as db:  # marks what the second run writes again
            db.execute("update items set updated_at = '2000-01-01T00:00:00Z'")
            db.conn.commit()
        for f in range(n_feeds):
            path = tmp_path / "site" / "feeds" / f"f{f}.xml"
            text = path.read_text(encoding="utf-8")
            new = (f"<item><title>Item {f}-new: harbour council</title><link>{{{{BASE}}}}/a/{f}/new.html</link>"
                   f'<guid isPermaLink="false">f{f}-new</guid><pubDate>Mon, 30 Nov 2026 10:00:00 GMT</pubDate>'
                   f"<description>river minister {KEYWORD} budget</description></item>")
            text = text.replace("<item>", new + "<item>", 1)
            if f == 0:
                text = re.sub(r"<title>Item 0-1: ", "<title>Item 0-1 (corrected): ", text)
            path.write_text(text, encoding="utf-8")
        second = cli("run", "-c", str(cfg), "--no-alerts", "--all")
        assert second.returncode == 0, second.stdout[-2000:] + second.stderr[-2000:]
    assert f"{n_feeds} new items, {n_feeds * n_items} seen again" in " ".join(second.stdout.split())
    db = sqlite_utils.Database(tmp_path / "nw.db")
    items = {row["guid"]: row for row in db["items"].rows}
    assert len(items) == n_feeds * (n_items + 1)
    matched = [row[0] for row in db.execute("select i.guid from matches m join items i on i.id = m.item_id")]
    assert sorted(matched) == sorted(marked | {f"f{f}-new" for f in range(n_feeds)})
    changed = {guid for guid, row in items.items() if row["updated_at"] != "2000-01-01T00:00:00Z"}
    assert changed == {"f0-i1"} | {f"f{f}-new" for f in range(n_feeds)}
    assert items["f0-i1"]["title"].startswith("Item 0-1 (corrected): ")
    found = [row[0] for row in db.execute(
        "select i.guid from items_fts f join items i on i.rowid = f.rowid where items_fts match 'corrected'")]
    assert found == ["f0-i1"]
