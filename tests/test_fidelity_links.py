"""Field fidelity (issue 15): the link, author, enclosures, language and title stored are the
outlet's, through the real `newswatch run` against feeds served on 127.0.0.1.

One RSS feed and one JSON Feed carry the cases: a FeedBurner proxy link with its origLink,
Google Alerts, Bing News and Facebook redirect wrappers (one nested in another), a
``<guid isPermaLink="false">`` with no link, tracking parameters, authors with mail
addresses, enclosures and media, a missing title, regional language tags. What is checked is
what a user sees: the items table, `newswatch export` (JSON lines and Atom) and rule matches.
"""

from __future__ import annotations

import json
import textwrap
from urllib.parse import quote, urlsplit

import hostile_server
import pytest
import sqlite_utils
from conftest import CORPORA, run_cli
from hostile_server import HostileServer

from newswatch.crawlers.derive import fallback_title, normalize
from newswatch.formats.items import NewsItem
from newswatch.formats.langs import split_lang

GOOGLE_ALERTS = CORPORA / "feeds" / "reader-fixtures" / "feedjira" / "spec" / "sample_feeds" / "google_alerts_atom.xml"


def rss_feed(base: str) -> bytes:
    """An RSS 2.0 feed in es-419 with one entry per link, author and enclosure case."""
    alert = f"{base}/2017/alert-story.html"
    bing_target = quote(f"{base}/2017/bing-story.html?utm_source=bing", safe="")
    fb_target = quote(f"{base}/2017/facebook-story.html", safe="")
    nested = quote(f"https://l.facebook.com/l.php?u={fb_target}&h=AT0", safe="")
    items = [
        # FeedBurner: the link is the proxy, origLink the article.
        f"""<item><title>Aid to Honduras resumes</title>
        <link>http://feedproxy.google.com/~r/wire/~3/Xy12/</link>
        <feedburner:origLink>{base}/2017/origlink-story.html?utm_source=feedburner&amp;utm_medium=feed</feedburner:origLink>
        <guid isPermaLink="false">{base}/?p=101</guid>
        <author>john.doe@example.com (John Doe)</author>
        <pubDate>Tue, 04 Jul 2017 18:30:00 GMT</pubDate>
        <enclosure url="{base}/media/aid.mp3" type="audio/mpeg" length="1000"/>
        <media:content url="{base}/media/aid.mp3" medium="audio"/>
        <media:content url="{base}/media/aid.jpg" medium="image"/>
        <enclosure url="ftp://files.example.org/aid.mp3" type="audio/mpeg" length="1"/></item>""",
        # Google Alerts' redirect wrapper.
        f"""<item><title>Google alert on TPS</title>
        <link>https://www.google.com/url?rct=j&amp;sa=t&amp;url={alert}&amp;ct=ga&amp;cd=CAIy&amp;usg=AFQjCN</link>
        <author>Jane Roe (jane.roe@example.com)</author>
        <pubDate>Tue, 04 Jul 2017 19:00:00 GMT</pubDate></item>""",
        # Bing News' click-through, its target percent-encoded and carrying utm_source.
        f"""<item><title>Bing story on deportations</title>
        <link>http://www.bing.com/news/apiclick.aspx?ref=FexRss&amp;aid=&amp;tid=9&amp;url={bing_target}&amp;c=1</link>
        <dc:creator>newsroom@example.com</dc:creator></item>""",
        # A Google wrapper around a Facebook wrapper.
        f"""<item><title>Shared on Facebook</title>
        <link>https://www.google.com/url?q={nested}&amp;sa=D</link></item>""",
        # Only an id that is no permalink: skipped and counted, never stored as the URL.
        f"""<item><title>No link at all</title><guid isPermaLink="false">{base}/?p=999</guid></item>""",
        # Tracking parameters among the outlet's own; a fragment that is a section.
        f"""<item><title>Tracked link</title>
        <link>{base}/2017/tracked.html?id=7&amp;utm_source=rss&amp;utm_campaign=x&amp;fbclid=IwAR0#comments</link></item>""",
        # No title: the URL's slug stands in.
        f"""<item><title></title><link>{base}/2017/central-america-aid-2017.html</link></item>""",
    ]
    return (f"""<?xml version="1.0" encoding="utf-8"?>
    <rss version="2.0" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"
         xmlns:media="http://search.yahoo.com/mrss/" xmlns:dc="http://purl.org/dc/elements/1.1/">
    <channel><title>Wire</title><link>{base}/</link><language>es-419</language>
    {"".join(items)}
    </channel></rss>""").encode()


def json_feed(base: str) -> bytes:
    """A JSON Feed in es_GT: the Google Alerts article again (direct, with utm_), attachments."""
    return json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "Diario", "language": "es_GT",
        "items": [
            {"id": "1", "url": f"{base}/2017/alert-story.html?utm_source=json&utm_medium=feed",
             "title": "Alerta sobre el TPS", "content_text": "El TPS de Honduras.",
             "authors": [{"name": "Ana Pérez (ana@example.com)"}],
             "attachments": [{"url": f"{base}/media/tps.mp4", "mime_type": "video/mp4"},
                             {"url": "data:text/plain,x", "mime_type": "text/plain"},
                             {"url": f"{base}/media/tps.mp4", "mime_type": "video/mp4"}]},
            {"id": "2", "url": f"https://l.facebook.com/l.php?u={quote(base + '/2017/json-fb.html', safe='')}",
             "title": "Compartido", "content_text": "Texto.", "date_published": "2017-07-05T10:00:00Z"},
        ],
    }).encode()


@pytest.fixture(scope="module")
def fidelity(tmp_path_factory):
    """One `newswatch run` over both feeds; (base URL, items by canonical URL, work directory)."""
    directory = tmp_path_factory.mktemp("fidelity")
    with HostileServer() as server:
        base = server.url
        rss_url = server.add("/wire.xml", rss_feed(base), headers={"Content-Type": "application/rss+xml"})
        json_url = server.add("/diario.json", json_feed(base), headers={"Content-Type": "application/feed+json"})
        (directory / "newswatch.toml").write_text(textwrap.dedent(f"""\
            database = "nw.db"
            [crawl]
            download_delay = 0
            obey_robots = false
            fetch_articles = false
            [[sources]]
            name = "wire"
            url = "{rss_url}"
            [[sources]]
            name = "diario"
            url = "{json_url}"
            [[rules]]
            name = "latam"
            query = "lang:es-419"
            [[rules]]
            name = "spanish"
            query = "lang:es"
            """), encoding="utf-8")
        result = run_cli("run", "-c", str(directory / "newswatch.toml"), "--no-alerts", cwd=directory)
    assert result.returncode == 0, result.stdout + result.stderr
    db = sqlite_utils.Database(directory / "nw.db")
    items = {r["canonical_url"].removeprefix(base): r for r in db["items"].rows}
    return base, items, directory, result.stdout + result.stderr


def test_feedburner_entry_stores_the_original_link(fidelity):
    base, items, _, _ = fidelity
    row = items["/2017/origlink-story.html"]
    assert row["url"] == f"{base}/2017/origlink-story.html"  # origLink, utm_ parameters gone
    assert row["raw_url"] == "http://feedproxy.google.com/~r/wire/~3/Xy12/"
    assert not any("feedproxy" in r["url"] for r in items.values())


def test_redirect_wrappers_store_the_article(fidelity):
    base, items, _, _ = fidelity
    alert = items["/2017/alert-story.html"]
    assert alert["url"] == f"{base}/2017/alert-story.html"
    # One row: the Google Alerts entry and the JSON Feed's direct link are the same article.
    assert sum(1 for r in items.values() if r["canonical_url"] == f"{base}/2017/alert-story.html") == 1
    bing = items["/2017/bing-story.html"]
    assert bing["url"] == f"{base}/2017/bing-story.html"
    assert bing["raw_url"].startswith("http://www.bing.com/news/apiclick.aspx?")
    assert items["/2017/facebook-story.html"]["url"] == f"{base}/2017/facebook-story.html"  # two wrappers deep
    assert items["/2017/json-fb.html"]["raw_url"].startswith("https://l.facebook.com/l.php?u=")
    assert {urlsplit(r["url"]).netloc for r in items.values()} == {urlsplit(base).netloc}


def test_a_guid_that_is_no_permalink_never_becomes_the_url(fidelity):
    base, items, _, output = fidelity
    assert "/?p=999" not in items and "/?p=101" not in items
    assert all(r["title"] != "No link at all" for r in items.values())
    assert "1 of 7 entries skipped: no http(s) link" in output


def test_stored_url_has_no_tracking_parameters(fidelity):
    base, items, _, _ = fidelity
    row = items["/2017/tracked.html?id=7"]
    assert row["url"] == f"{base}/2017/tracked.html?id=7#comments"  # the section fragment is the outlet's
    assert row["raw_url"] == f"{base}/2017/tracked.html?id=7&utm_source=rss&utm_campaign=x&fbclid=IwAR0#comments"
    direct = items["/2017/central-america-aid-2017.html"]
    assert direct["raw_url"] is None  # nothing to clean: no raw copy
    for r in items.values():
        assert "utm_" not in r["url"] and "fbclid" not in r["url"]


def test_authors_are_names_not_mail_addresses(fidelity):
    _, items, _, _ = fidelity
    assert items["/2017/origlink-story.html"]["author"] == "John Doe"
    assert items["/2017/alert-story.html"]["author"] in ("Jane Roe", "Ana Pérez")
    assert items["/2017/bing-story.html"]["author"] is None  # a bare mailbox is no name
    assert not any("@" in (r["author"] or "") for r in items.values())


def test_enclosures_are_kept_once_and_web_only(fidelity):
    base, items, _, _ = fidelity
    assert json.loads(items["/2017/origlink-story.html"]["enclosures"]) == [
        f"{base}/media/aid.mp3", f"{base}/media/aid.jpg"]
    alert = items["/2017/alert-story.html"]
    if alert["source"] == "diario":
        assert json.loads(alert["enclosures"]) == [f"{base}/media/tps.mp4"]
    assert items["/2017/tracked.html?id=7"]["enclosures"] is None


def test_dates_from_the_feed_say_so(fidelity):
    _, items, _, _ = fidelity
    row = items["/2017/origlink-story.html"]
    assert (row["published"], row["published_from"]) == ("2017-07-04T18:30:00Z", "feed")
    assert items["/2017/json-fb.html"]["published_from"] == "feed"
    undated = items["/2017/tracked.html?id=7"]
    assert undated["published"] is None and undated["published_from"] is None


def test_language_is_the_primary_subtag_with_the_region_apart(fidelity, tmp_path):
    _, items, directory, _ = fidelity
    wire = items["/2017/origlink-story.html"]
    assert (wire["lang"], wire["lang_region"]) == ("es", "419")
    diario = items["/2017/json-fb.html"]
    assert (diario["lang"], diario["lang_region"]) == ("es", "gt")
    db = sqlite_utils.Database(directory / "nw.db")
    assert {r["lang"] for r in db["items"].rows} == {"es"}  # one facet, not es / es-419 / es-gt
    # lang:es-419 still means the region; lang:es every Spanish item.
    matched = {(r["rule"], r["item_id"]) for r in db["matches"].rows}
    latam = {item_id for rule, item_id in matched if rule == "latam"}
    assert wire["id"] in latam and diario["id"] not in latam
    assert {item_id for rule, item_id in matched if rule == "spanish"} == {r["id"] for r in items.values()}


def test_an_item_without_title_is_named_after_its_url(fidelity):
    _, items, _, _ = fidelity
    assert items["/2017/central-america-aid-2017.html"]["title"] == "Central america aid 2017"
    assert all(r["title"] for r in items.values())


def test_export_shows_the_clean_links(fidelity):
    base, _, directory, _ = fidelity
    cfg = str(directory / "newswatch.toml")
    lines = run_cli("export", "-c", cfg, "--format", "jsonl", cwd=directory)
    assert lines.returncode == 0, lines.stderr
    exported = [json.loads(line) for line in lines.stdout.splitlines()]
    by_title = {e["title"]: e for e in exported}
    assert by_title["Aid to Honduras resumes"]["url"] == f"{base}/2017/origlink-story.html"
    assert by_title["Aid to Honduras resumes"]["author"] == "John Doe"
    assert by_title["Tracked link"]["url"] == f"{base}/2017/tracked.html?id=7#comments"
    atom = run_cli("export", "-c", cfg, "--format", "atom", cwd=directory)
    assert atom.returncode == 0, atom.stderr
    assert f'href="{base}/2017/bing-story.html"' in atom.stdout
    for wrapper in ("utm_", "fbclid", "google.com/url", "apiclick", "feedproxy", "l.php"):
        assert wrapper not in lines.stdout and wrapper not in atom.stdout


@pytest.mark.skipif(not GOOGLE_ALERTS.exists(), reason="external corpora absent")
def test_a_real_google_alerts_feed_stores_the_articles(tmp_path):
    body = GOOGLE_ALERTS.read_bytes()
    with HostileServer() as server:
        url = server.add("/alerts.xml", body, headers={"Content-Type": "application/atom+xml"})
        (tmp_path / "newswatch.toml").write_text(textwrap.dedent(f"""\
            database = "nw.db"
            [crawl]
            download_delay = 0
            obey_robots = false
            fetch_articles = false
            [[sources]]
            name = "alerts"
            url = "{url}"
            """), encoding="utf-8")
        result = run_cli("run", "-c", str(tmp_path / "newswatch.toml"), "--no-alerts", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = list(sqlite_utils.Database(tmp_path / "nw.db")["items"].rows)
    assert len(rows) == body.count(b"<entry>")
    by_url = {r["url"]: r for r in rows}
    assert "https://investorplace.com/2019/07/slack-stock-truly-compelling/" in by_url
    for row in rows:
        assert "google." not in row["url"] and "google." not in row["canonical_url"]
        assert row["raw_url"].startswith("https://www.google.com/url?")


@pytest.mark.parametrize("tag, split", [
    ("es-419", ("es", "419")), ("en-US", ("en", "us")), ("es_GT", ("es", "gt")),
    ("zh-Hant-TW", ("zh", "tw")), ("fr", ("fr", None)), (" EN ", ("en", None)),
    ("English", ("english", None)), ("", (None, None)), (None, (None, None)),
])
def test_split_lang(tag, split):
    assert split_lang(tag) == split


@pytest.mark.parametrize("url, title", [
    ("https://x.example/2017/central-america-aid-2017.html", "Central america aid 2017"),
    ("https://x.example/2018/05/04/tps_fin/", "Tps fin"),
    ("https://x.example/noticias/2018/n%C3%BAmero-uno.php", "Número uno"),
    ("https://x.example/story/12345", "x.example"),  # an id and a generic word: the host
    ("https://x.example/?p=12", "x.example"),
])
def test_fallback_title(url, title):
    assert fallback_title(url) == title


def test_normalize_is_the_door_for_every_kind_of_item():
    # As a sitemap or a listing page builds them: no feed code involved.
    long_english = "The aid package for Central America was approved by the committee on Tuesday. " * 8
    items = [NewsItem(url="https://x.example/a/aid-vote.html?utm_source=sitemap&ref_src=tw", lang="es-419",
                      author="Redacción <redaccion@x.example>"),
             NewsItem(url="https://x.example/b", title="Aid vote", body=long_english, lang="es-MX")]
    normalize(items)
    first, second = items
    assert (first.url, first.raw_url, first.title) == (
        "https://x.example/a/aid-vote.html", "https://x.example/a/aid-vote.html?utm_source=sitemap&ref_src=tw",
        "Aid vote")
    assert (first.lang, first.lang_region) == ("es", "419")
    assert first.author == "Redacción"
    assert (second.lang, second.lang_region) == ("en", None)  # detected: the claimed region went with the claim
    normalize(items)  # again, as after an article page was fetched: nothing drifts
    assert (first.url, first.raw_url, first.lang, first.lang_region) == (
        "https://x.example/a/aid-vote.html", "https://x.example/a/aid-vote.html?utm_source=sitemap&ref_src=tw",
        "es", "419")


PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Aid talks resume in Tegucigalpa</title>
</head><body><article><h1>Aid talks resume in Tegucigalpa</h1>{}</article></body></html>"""


@pytest.mark.parametrize("fillers", [0, 20], ids=["in-process", "feed-workers"])
def test_an_untitled_entry_takes_its_pages_title_not_its_slug(tmp_path, fillers):
    # With 20 feeds or more, entries are derived in worker processes before the page is fetched:
    # the slug title they get there must still give way to the page's.
    paragraph = "<p>Delegations from Honduras and the donors met on Monday to resume the aid talks. </p>" * 6
    with HostileServer() as server:
        base = server.url
        server.add("/2017/aid-talks-resume.html", PAGE.format(paragraph).encode(),
                   headers={"Content-Type": "text/html; charset=utf-8"})
        url = server.add("/untitled.xml", (
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>u</title><link>{base}/</link>'
            f"<item><link>{base}/2017/aid-talks-resume.html?utm_source=rss</link>"
            f"<description>Short.</description></item></channel></rss>").encode())
        sources = [f'[[sources]]\nname = "untitled"\nurl = "{url}"\nfetch_articles = true\n']
        for i in range(fillers):
            filler = server.add(f"/filler-{i}.xml", hostile_server.ok_feed(base, prefix=f"f{i}", n=1))
            sources.append(f'[[sources]]\nname = "filler-{i}"\nurl = "{filler}"\n')
        (tmp_path / "newswatch.toml").write_text("\n".join([
            'database = "nw.db"', "[crawl]", "download_delay = 0", "obey_robots = false",
            "fetch_articles = false", *sources]), encoding="utf-8")
        result = run_cli("run", "-c", str(tmp_path / "newswatch.toml"), "--no-alerts", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    (row,) = sqlite_utils.Database(tmp_path / "nw.db")["items"].rows_where("source = 'untitled'")
    assert row["title"] == "Aid talks resume in Tegucigalpa"
    assert row["url"] == f"{base}/2017/aid-talks-resume.html"
