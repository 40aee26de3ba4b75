"""Finding sources: feed discovery for `sources add`, and OPML import/export."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib

import pytest
from conftest import CORPORA, FIXTURES
from sources_helpers import config, serve

from newswatch.app.config_write import append_sources, inert_url, new_source, slug, toml_table
from newswatch.config import load
from newswatch.discovery import DiscoveryError, discover, source_name
from newswatch.formats.opml import OpmlError, read_opml, write_opml

UA = "newswatch-tests (+mailto:tests@example.org)"
OPML_CORPUS = CORPORA / "feeds" / "opml-awesome-rss-feeds"


def test_a_linked_feed_is_found_first(tmp_path):
    with serve(tmp_path, "diario") as site:
        found = discover(site.url + "/", UA)
        assert found.title == "El Diario Ejemplo — Noticias de Honduras" and found.lang == "es"
        best = found.best
        assert (best.kind, best.url, best.how) == ("feed", site.url + "/feed.xml", "linked from the page (rel=alternate)")
        assert best.title == "El Diario Ejemplo — Portada" and best.lang == "es" and best.entries == 1
        # robots.txt's sitemaps are offered too.
        assert [c.url for c in found.candidates if c.kind == "sitemap"] == [site.url + "/sitemap-index.xml"]
        # Every request carried our User-Agent.
        assert {h.get("User-Agent") for _, h in site.log} == {UA}


def test_common_paths_then_robots_sitemaps(tmp_path):
    with serve(tmp_path, "diario") as site:
        section = discover(site.url + "/portada/", UA)  # no <link rel=alternate> on this page
        assert (section.best.url, section.best.how) == (site.url + "/feed.xml", "at the common path /feed.xml")
        assert site.url + "/portada/feed" in section.tried  # the section's own feed first
    with serve(tmp_path, "gobierno") as gov:
        found = discover(gov.url + "/", UA)
        best = found.best
        assert (best.kind, best.url, best.how) == ("sitemap", gov.url + "/sitemap-noticias.xml", "named in robots.txt")
        assert best.is_news_sitemap and best.lang == "en" and best.title == "Ministry of Examples"
        # The URL of a feed or a sitemap is recognised as such.
        assert discover(gov.url + "/sitemap-noticias.xml", UA).best.how == "the URL is a sitemap"


def test_discovery_errors_and_robots(tmp_path):
    with serve(tmp_path, "diario") as site:
        with pytest.raises(DiscoveryError, match="HTTP 404"):
            discover(site.url + "/nothing/", UA)
        with pytest.raises(DiscoveryError, match="robots.txt does not allow"):
            discover(site.url + "/private/", UA)
        assert not site.requested("/private/")
    with pytest.raises(DiscoveryError, match="cannot fetch it"):
        discover("http://127.0.0.1:9/", UA, timeout=2)


def test_names_and_tables():
    assert source_name("https://www.latribuna.hn/feed/", set()) == "latribuna-hn"
    assert source_name("https://feeds.elheraldo.hn/x", {"elheraldo-hn"}) == "elheraldo-hn-2"
    assert slug("Excélsior - RSS", set()) == "excelsior-rss"
    assert slug("日本", set(), fallback="feed") == "feed"
    table = toml_table({"name": "x", "url": 'https://a.example/?q="tps"', "lang": None, "max_pages": 2,
                        "interval": 'a"b\\c\nd\x7f\u2028'})
    # URLs are written as they will be requested (quotes percent-encoded); other strings exactly.
    assert tomllib.loads(table)["sources"] == [{"name": "x", "url": "https://a.example/?q=%22tps%22", "max_pages": 2,
                                                "interval": 'a"b\\c\nd\x7f\u2028'}]


def test_sources_add_asks_first_then_appends(tmp_path, cli):
    with serve(tmp_path, "diario") as site:
        cfg = config(tmp_path, "")
        original = cfg.read_text(encoding="utf-8")
        declined = subprocess.run([sys.executable, "-m", "newswatch.cli", "sources", "add", site.url + "/",
                                   "-c", str(cfg), "--name", "diario"], input="n\n", capture_output=True,
                                  text=True, timeout=60, env={**os.environ, "NO_COLOR": "1"})
        assert declined.returncode == 0 and "Append it?" in declined.stdout and "Nothing changed." in declined.stdout
        assert cfg.read_text(encoding="utf-8") == original

        added = cli("sources", "add", site.url + "/", "-c", str(cfg), "--name", "diario", "--interval", "20m", "--yes")
        assert added.returncode == 0, added.stdout + added.stderr
        assert "[[sources]]" in added.stdout and "Added source 'diario'" in added.stdout
        assert cfg.read_text(encoding="utf-8").startswith(original)  # the rest of the file is kept
        (src,) = load(cfg).sources
        assert (src.name, src.kind, src.url, src.lang, src.interval_s) == ("diario", "feed", site.url + "/feed.xml",
                                                                          "es", 1200)
        again = cli("sources", "add", site.url + "/", "-c", str(cfg), "--yes")
        assert again.returncode == 1 and "is already a source" in again.stderr

    with serve(tmp_path, "gobierno") as gov:
        (gov.root / "robots.txt").unlink()
        nothing = cli("sources", "add", gov.url + "/tps/honduras.html", "-c", str(cfg), "--yes")
        assert nothing.returncode == 1
        assert "no feed or sitemap found" in nothing.stderr and "--kind page" in nothing.stderr
        page = cli("sources", "add", gov.url + "/tps/honduras.html", "-c", str(cfg), "--yes", "--kind", "page",
                   "--name", "tps-honduras")
        assert page.returncode == 0, page.stdout + page.stderr
        assert [(s.name, s.kind) for s in load(cfg).sources] == [("diario", "feed"), ("tps-honduras", "page")]


def test_a_url_given_with_kind_must_read_as_that_kind_unless_forced(tmp_path, cli):
    cfg = config(tmp_path, "")
    with serve(tmp_path, "gobierno") as gov:
        (gov.root / "robots.txt").unlink()
        missing = cli("sources", "add", gov.url + "/no-such-feed.xml", "-c", str(cfg), "--yes", "--kind", "feed")
        assert missing.returncode == 1
        assert "no-such-feed.xml: HTTP 404" in missing.stderr and "--force" in missing.stderr
        html = cli("sources", "add", gov.url + "/tps/honduras.html", "-c", str(cfg), "--yes", "--kind", "feed")
        assert html.returncode == 1
        assert "not a feed" in html.stderr and "HTML page" in " ".join(html.stderr.split())
        not_a_map = cli("sources", "add", gov.url + "/tps/honduras.html", "-c", str(cfg), "--yes",
                        "--kind", "sitemap")
        assert not_a_map.returncode == 1 and "not a sitemap" in not_a_map.stderr
        assert load(cfg).sources == []
        forced = cli("sources", "add", gov.url + "/no-such-feed.xml", "-c", str(cfg), "--yes", "--kind", "feed",
                     "--force", "--name", "later")
        assert forced.returncode == 0, forced.stdout + forced.stderr
        assert [(s.name, s.kind) for s in load(cfg).sources] == [("later", "feed")]


def test_opml_reading():
    feeds = read_opml((FIXTURES / "opml" / "central-america.opml").read_bytes())
    assert [(f.title, f.url, f.category, f.lang) for f in feeds] == [
        ("La Tribuna", "https://www.latribuna.hn/feed/", "Honduras", "es"),
        ("El Heraldo: País", "https://www.elheraldo.hn/rss/pais", "Honduras", None),
        ("Proceso Digital", "https://proceso.hn/feed/", "Honduras / Diarios", None),
        ("InSight Crime", "https://insightcrime.org/feed/", "Región", "en"),
    ]
    with pytest.raises(OpmlError, match="root element must be <opml>"):
        read_opml(b"<rss version='2.0'><channel/></rss>")
    with pytest.raises(OpmlError, match="not readable XML"):
        read_opml(b"")


def test_opml_import_and_export_round_trip(tmp_path, cli):
    cfg = config(tmp_path, """
        [[sources]]
        name = "insightcrime"
        url = "https://insightcrime.org/feed/"

        [[sources]]
        name = "tps-page"
        kind = "page"
        url = "https://gov.example/tps"
        """)
    opml = FIXTURES / "opml" / "central-america.opml"
    result = cli("sources", "import", str(opml), "-c", str(cfg), "--yes")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 feeds, 3 new (1 already configured)" in result.stdout
    names = {s.name: s for s in load(cfg).sources}
    assert sorted(names) == ["el-heraldo-pais", "insightcrime", "la-tribuna", "proceso-digital", "tps-page"]
    assert names["la-tribuna"].lang == "es" and names["la-tribuna"].kind == "feed"
    assert "# Proceso Digital (Honduras / Diarios)" in cfg.read_text(encoding="utf-8")
    assert "all already configured" in cli("sources", "import", str(opml), "-c", str(cfg), "--yes").stdout

    exported = cli("sources", "export", "-c", str(cfg))
    assert exported.returncode == 0
    assert {f.url for f in read_opml(exported.stdout.encode())} == {
        s.url for s in load(cfg).sources if s.kind == "feed"}
    assert "tps-page" in exported.stderr and "left out" in exported.stderr


@pytest.mark.skipif(not OPML_CORPUS.is_dir(), reason="../shared/corpora/feeds/opml-awesome-rss-feeds is absent")
def test_every_opml_list_of_the_corpus_imports(tmp_path):
    files = sorted(OPML_CORPUS.rglob("*.opml"))
    assert len(files) >= 100
    taken: set[str] = set()
    tables, seen = [], set()
    for path in files:
        data = path.read_bytes()
        feeds = read_opml(data)
        expected = {u.replace(b"&amp;", b"&").decode() for u in re.findall(rb'xmlUrl="(https?://[^"]+)"', data)}
        assert {f.url for f in feeds} == expected, path
        for f in feeds:
            if f.url in seen:
                continue
            seen.add(f.url)
            name = slug(f.title, taken, fallback="feed")
            taken.add(name)
            tables.append(new_source({"name": name, "kind": "feed", "url": f.url}))
    cfg = config(tmp_path, "")
    loaded = append_sources(cfg, tables)  # raises, and restores the file, if any table were invalid
    assert len(loaded.sources) == len(seen) > 700  # the lists overlap (with and without categories)
    # Written as they will be requested: percent-encoded where a URL may not hold the character.
    assert {f.url for f in read_opml(write_opml(loaded.sources).encode())} == {inert_url(u) for u in seen}
