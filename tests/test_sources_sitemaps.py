"""Sitemap sources: the parser on real-world files, and `newswatch run` on a local news site."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta

import pytest
from conftest import CORPORA
from sources_helpers import config, db, items_by_path, serve

from newswatch.formats.sitemaps import (
    SKIP_CUT,
    SKIP_NO_LOC,
    SitemapError,
    decompress,
    iso_date,
    parse_sitemap,
    sitemaps_from_robots,
    skips_text,
)

SITEMAP_CORPUS = CORPORA / "sitemaps"


def _corpus_files():
    if not SITEMAP_CORPUS.is_dir():
        return []
    return sorted(p for p in SITEMAP_CORPUS.rglob("*") if p.is_file() and p.name not in ("LICENSE", "README.md"))


@pytest.mark.skipif(not SITEMAP_CORPUS.is_dir(), reason="../shared/corpora/sitemaps is absent")
def test_every_corpus_file_parses_or_is_refused_with_a_reason():
    files = _corpus_files()
    assert len(files) >= 35
    news_entries, refused = [], []
    for path in files:
        url = "https://example.org/" + ("robots.txt" if "robots" in path.name else path.name)
        try:
            parsed = parse_sitemap(path.read_bytes(), url)
        except SitemapError as exc:
            refused.append((path.name, str(exc)))
            continue
        assert parsed.kind in ("urlset", "sitemapindex", "text", "robots"), path
        for e in parsed.entries + parsed.sitemaps:
            assert e.loc.startswith(("http://", "https://")), (path, e.loc)
        news_entries += [(path.name, e) for e in parsed.entries if e.is_news]
    # Refused: the feeds that sit among the sitemaps, named as feeds, and advertools'
    # error_sitemap.xml, XML of a sort with no entry in it ("<url does not close").
    why = dict(refused)
    assert sorted(why) == ["atom.xml", "error_sitemap.xml", "feed-with-sitemap-namespace.xml"]
    assert "this is a feed" in why["atom.xml"] and "this is a feed" in why["feed-with-sitemap-namespace.xml"]
    assert why["error_sitemap.xml"].startswith("malformed XML, no entry could be read: ")
    # Every news entry has a title and a publication date in UTC.
    assert len(news_entries) >= 12
    for name, e in news_entries:
        assert e.title and e.published and e.published.endswith("Z"), (name, e)
    nyt = [e for name, e in news_entries if name == "news_sitemap.xml"]
    assert nyt[0].title == "Quarantine Was Driving Me Crazy — So I Decided to Lose My Mind on Purpose"
    assert nyt[0].published == "2020-05-11T09:00:01Z" and nyt[0].lang == "en-us"
    assert nyt[0].loc == "https://www.nytimes.com/interactive/2020/05/11/magazine/quarantine-insanity.html"


@pytest.mark.skipif(not SITEMAP_CORPUS.is_dir(), reason="../shared/corpora/sitemaps is absent")
def test_corpus_indexes_gzip_text_and_robots():
    cc = SITEMAP_CORPUS / "crawler-commons" / "src" / "test" / "resources"
    index = parse_sitemap((cc / "sitemaps" / "sitemap.index.xml").read_bytes(), "https://example.com/s.xml")
    assert index.kind == "sitemapindex" and len(index.sitemaps) == 15  # <sitemap>URL</sitemap>, no <loc>
    gz = parse_sitemap((cc / "sitemaps" / "xmlSitemap.gz").read_bytes(), "https://example.com/x.gz")
    assert gz.kind == "urlset" and len(gz.entries) == 5
    bom = parse_sitemap((cc / "sitemaps" / "sitemap-with-bom.txt").read_bytes(), "https://example.com/s.txt")
    assert [e.loc for e in bom.entries] == ["http://www.domain.com/page1.html", "http://www.domain.com/page2.html"]
    badns = parse_sitemap((cc / "sitemaps" / "sitemap.badns.xml").read_bytes(), "https://example.com/s.xml")
    assert [e.loc for e in badns.entries] == ["http://www.example.com/1", "http://www.example.com/2"]
    robots = (cc / "robots" / "sitemap-robots-dedup.txt").read_bytes()
    assert sitemaps_from_robots(robots, "http://example.org/robots.txt") == ["http://example.org/sitemap.xml"]
    relative = (cc / "robots" / "relative-sitemap-robots.txt").read_bytes()
    assert sitemaps_from_robots(relative, "https://site.example/robots.txt") == ["https://site.example/sitemap.xml"]


def test_dates_gzip_limits_and_entities():
    assert iso_date("2008-12-23") == "2008-12-23T00:00:00Z"
    assert iso_date("2017-04-25T10:00:36+02:00") == "2017-04-25T08:00:36Z"
    assert iso_date("2020-05-11T09:00:01Z") == "2020-05-11T09:00:01Z"
    assert iso_date("2018-05-04 garbage") == "2018-05-04T00:00:00Z"
    assert iso_date("yesterday") is None and iso_date("") is None

    bomb = gzip.compress(b"<urlset>" + b" " * 200_000 + b"</urlset>")
    with pytest.raises(SitemapError, match="larger than"):
        decompress(bomb, max_size=100_000)
    with pytest.raises(SitemapError, match="cannot gunzip"):
        decompress(bomb[:40])

    # External entities are never resolved (no local file leaks into a URL).
    xxe = (b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY e SYSTEM "file:///etc/hostname">]>'
           b'<urlset><url><loc>http://a.example/&e;</loc></url></urlset>')
    parsed = parse_sitemap(xxe, "http://a.example/s.xml")
    assert all("\n" not in e.loc and len(e.loc) < 40 for e in parsed.entries)

    with pytest.raises(SitemapError, match="root element is <html>"):
        parse_sitemap(b"<html><body>hi</body></html>", "http://a.example/s.xml")
    with pytest.raises(SitemapError, match="neither XML nor a list of URLs"):
        parse_sitemap(b"just words", "http://a.example/s.txt")


def test_robots_site_map_lines_in_any_case_and_spacing():
    robots = ("User-agent: *\nSitemap: /a.xml\nsite-map:/b.xml\nSITE-MAP :  /c.xml # comment\n"
              "Sitemaps: /not-a-key.xml\nsitemap: /a.xml\n")
    assert sitemaps_from_robots(robots, "https://site.example/robots.txt") == [
        "https://site.example/a.xml", "https://site.example/b.xml", "https://site.example/c.xml"]
    # A robots.txt served at another path is still told from a text sitemap by its Site-map line.
    parsed = parse_sitemap(b"Site-Map: https://site.example/d.xml\n", "https://site.example/maps.txt")
    assert parsed.kind == "robots" and [e.loc for e in parsed.sitemaps] == ["https://site.example/d.xml"]


def test_a_body_cut_mid_document_yields_no_partial_entry():
    head = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            b"<url><loc>http://host.example/a</loc><lastmod>2024-01-01</lastmod></url>")
    for tail in (b"<url><loc>http://host.example/page_", b"<url><loc>http://host.example/b</loc><lastmod>20",
                 b"<url>", b"<url"):
        parsed = parse_sitemap(head + tail, "http://host.example/s.xml")
        assert [e.loc for e in parsed.entries] == ["http://host.example/a"], tail
        assert parsed.skips == {SKIP_CUT: 1} and "ends inside its last <url>" in parsed.warning, tail
    # Cut after a whole entry: nothing is dropped; the whole entry is kept.
    whole = parse_sitemap(head + b"<url><loc>http://host.example/b</loc></url></urls", "http://host.example/s.xml")
    assert [e.loc for e in whole.entries] == ["http://host.example/a", "http://host.example/b"] and not whole.skips
    # Cut inside the only entry: nothing can be read, which is an error, not an empty sitemap.
    with pytest.raises(SitemapError, match="malformed XML, no entry could be read"):
        parse_sitemap(head[:head.index(b"<url>")] + b"<url><loc>http://host.ex", "http://host.example/s.xml")
    assert parse_sitemap(head[:head.index(b"<url>")] + b"</urlset>", "http://host.example/s.xml").entries == []

    text = b"http://host.example/1\nhttp://host.example/pa"
    cut = parse_sitemap(text, "http://host.example/s.txt", length_known=False)
    assert [e.loc for e in cut.entries] == ["http://host.example/1"] and cut.skips == {SKIP_CUT: 1}
    assert len(parse_sitemap(text, "http://host.example/s.txt").entries) == 2  # a declared length: whole
    assert len(parse_sitemap(text + b"\n", "http://host.example/s.txt", length_known=False).entries) == 2


def test_lastmod_is_kept_apart_and_video_dates_count():
    body = (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            b'xmlns:video="http://www.google.com/schemas/sitemap-video/1.1">'
            b"<url><loc>http://h.example/v</loc><lastmod>2024-02-01</lastmod><video:video>"
            b"<video:publication_date>2024-01-05T10:00:00+02:00</video:publication_date></video:video></url>"
            b"<url><loc>http://h.example/m</loc><lastmod>2024-02-03T04:05:06Z</lastmod></url>"
            b"<url><lastmod>2024-01-01</lastmod></url><url><loc>mailto:x@h.example</loc></url></urlset>")
    parsed = parse_sitemap(body, "http://h.example/s.xml")
    video, plain = parsed.entries
    assert not video.is_news and video.changed == "2024-02-01T00:00:00Z"
    item = video.item()
    assert (item.published, item.published_from, item.lastmod) == (
        "2024-01-05T08:00:00Z", "sitemap", "2024-02-01T00:00:00Z")
    item = plain.item()
    assert (item.published, item.published_from, item.lastmod) == (None, None, "2024-02-03T04:05:06Z")
    assert parsed.skips == {SKIP_NO_LOC: 2} and parsed.skipped == 2
    assert skips_text({SKIP_NO_LOC: 2, SKIP_CUT: 1}) == "2 no usable <loc>; 1 cut off (truncated body)"


def _news_entry(base: str, path: str, title: str, when: str) -> str:
    return (f"<url><loc>{base}{path}</loc><news:news><news:publication><news:name>El Diario Ejemplo</news:name>"
            f"<news:language>es</news:language></news:publication><news:publication_date>{when}"
            f"</news:publication_date><news:title>{title}</news:title></news:news></url>")


SITEMAP_SOURCE = """
[[sources]]
name = "diario-mapas"
kind = "sitemap"
url = "{base}/robots.txt"
interval = "1h"
"""


def test_robots_index_news_and_gzip_then_only_newer_entries(tmp_path, cli):
    with serve(tmp_path, "diario") as site:
        cfg = config(tmp_path, SITEMAP_SOURCE.format(base=site.url))
        first = cli("run", "-c", str(cfg))
        assert first.returncode == 0, first.stdout + first.stderr
        items = items_by_path(tmp_path, site.url)
        assert sorted(items) == [
            "/noticias/2017/12/elecciones-honduras.html",  # from the .xml.gz, relative <loc>
            "/noticias/2018/01/tps-salvador-fin.html",
            "/noticias/2018/05/ayuda-triangulo-norte.html",  # from the news sitemap
            "/noticias/2018/05/lluvias-tegucigalpa.html",
            "/noticias/2018/05/tps-honduras-fin.html",
        ]
        tps = items["/noticias/2018/05/tps-honduras-fin.html"]
        assert tps["title"] == "EE.UU. pone fin al TPS para 57.000 hondureños"  # <news:title>
        assert tps["published"] == "2018-05-04T22:00:00Z"  # <news:publication_date>, in UTC
        assert tps["published_from"] == "sitemap" and tps["lastmod"] is None
        assert tps["lang"] == "es"
        assert "57.000 hondureños" in tps["body"] and "PUBLICIDAD" not in tps["body"]
        archive = items["/noticias/2018/01/tps-salvador-fin.html"]
        assert archive["title"].startswith("Salvadoreños con TPS")  # from the page itself
        # The page's date (its day), never the sitemap's <lastmod>, which is kept apart.
        assert archive["published"].startswith("2018-01-08") and archive["published_from"] != "sitemap"
        assert archive["lastmod"] == "2018-01-08T18:00:00Z"
        fetch = db(tmp_path)["fetches"].get(1)
        assert (fetch["source"], fetch["status"], fetch["items"], fetch["items_new"]) == ("diario-mapas", "200", 5, 5)
        assert not site.requested("/private/")

        # Nothing changed: robots.txt and the index are read, no child sitemap and no article.
        site.log.clear()
        again = cli("run", "-c", str(cfg), "--all")
        assert again.returncode == 0, again.stdout + again.stderr
        assert site.requested("/sitemap") == ["/sitemap-index.xml"]
        assert not site.requested("/noticias/")

        # The news sitemap gains a new entry and an old one we never saw: only the new one is fetched.
        now = datetime.now(UTC)
        news = site.root / "sitemaps" / "news.xml"
        news.write_text(news.read_text(encoding="utf-8").replace("</urlset>", "".join([
            _news_entry(site.url, "/noticias/2018/05/extradicion-alcalde.html",
                        "Solicitan extradición de exalcalde", now.strftime("%Y-%m-%dT%H:%M:%SZ")),
            _news_entry(site.url, "/noticias/2018/04/remesas-record.html", "Remesas récord",
                        "2015-04-15T10:00:00Z"),
        ]) + "</urlset>"), encoding="utf-8")
        index = site.root / "sitemap-index.xml"
        index.write_text(index.read_text(encoding="utf-8").replace(
            "2018-05-04T22:00:00Z", (now + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")), encoding="utf-8")
        site.log.clear()
        third = cli("run", "-c", str(cfg), "--all")
        assert third.returncode == 0, third.stdout + third.stderr
        assert site.requested("/sitemaps/") == ["/sitemaps/news.xml"]  # the archive's lastmod is old
        assert site.requested("/noticias/") == ["/noticias/2018/05/extradicion-alcalde.html"]
        assert db(tmp_path)["items"].count == 6


def test_a_news_sitemap_is_fetched_conditionally_and_fed_to_the_rules(tmp_path, cli):
    with serve(tmp_path, "gobierno") as site:
        cfg = config(tmp_path, f"""
            [[sources]]
            name = "ministerio-noticias"
            kind = "sitemap"
            url = "{site.url}/sitemap-noticias.xml"
            """, rules="""
            [[rules]]
            name = "tps"
            query = '"temporary protected status" honduras'
            """)
        first = cli("run", "-c", str(cfg))
        assert first.returncode == 0, first.stdout + first.stderr
        assert db(tmp_path)["matches"].count == 1
        site.log.clear()
        again = cli("run", "-c", str(cfg), "--all")
        assert again.returncode == 0
        (headers,) = [h for p, h in site.log if p != "/robots.txt"]  # robots.txt is read by every run
        assert "If-None-Match" in headers
        assert "not-modified" in again.stdout


def test_a_broken_sitemap_is_reported_against_its_source(tmp_path, cli):
    with serve(tmp_path, "diario") as site:
        cfg = config(tmp_path, f"""
            [[sources]]
            name = "not-a-sitemap"
            kind = "sitemap"
            url = "{site.url}/feed.xml"

            [[sources]]
            name = "gone"
            kind = "sitemap"
            url = "{site.url}/sitemaps/missing.xml"
            """)
        result = cli("run", "-c", str(cfg))
        assert result.returncode == 1
        errors = {r["name"]: r["last_error"] for r in db(tmp_path)["sources"].rows}
        assert "this is a feed (<rss>), not a sitemap: use kind = \"feed\"" in errors["not-a-sitemap"]
        assert "HTTP 404" in errors["gone"]
