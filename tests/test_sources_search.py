"""Search sources: provider URLs, their config errors, and redirect links resolved to the publisher."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sources_helpers import config, db, serve

from newswatch.config import ConfigError, load
from newswatch.formats.search import google_news_locale, is_redirector, search_url, strip_publisher, unwrap_link


def test_google_news_urls():
    assert search_url("google-news", '"TPS" Honduras', "es", "HN") == (
        "https://news.google.com/rss/search?q=%22TPS%22+Honduras&hl=es-419&gl=HN&ceid=HN:es-419")
    assert search_url("google-news", "temporary protected status") == (
        "https://news.google.com/rss/search?q=temporary+protected+status&hl=en-US&gl=US&ceid=US:en")
    assert google_news_locale("en", "gb") == ("en-GB", "GB", "GB:en")
    assert google_news_locale("es", "ES") == ("es", "ES", "ES:es")  # Spain: plain Spanish edition
    assert google_news_locale("pt", "BR") == ("pt-BR", "BR", "BR:pt-419")
    assert google_news_locale("fr", "FR") == ("fr", "FR", "FR:fr")


def test_bing_news_urls_and_links():
    assert search_url("bing-news", "TPS Honduras", "es", "hn") == (
        "https://www.bing.com/news/search?q=TPS+Honduras&format=RSS&setlang=es&cc=HN")
    assert search_url("bing-news", "TPS", endpoint="http://127.0.0.1:9/bing") == "http://127.0.0.1:9/bing?q=TPS&format=RSS"
    click = ("http://www.bing.com/news/apiclick.aspx?ref=FexRss&aid=&tid=abc"
             "&url=https%3a%2f%2fwww.latribuna.hn%2f2018%2f05%2f04%2ftps%2f&c=123&mkt=es-xl")
    assert unwrap_link(click) == "https://www.latribuna.hn/2018/05/04/tps/"
    assert is_redirector(click) and is_redirector("https://news.google.com/rss/articles/CBMiXX?oc=5")
    assert unwrap_link("https://news.google.com/rss/articles/CBMiXX?oc=5") == "https://news.google.com/rss/articles/CBMiXX?oc=5"
    assert not is_redirector("https://www.latribuna.hn/x")
    assert strip_publisher("US ends TPS for Hondurans - La Tribuna") == "US ends TPS for Hondurans"
    assert strip_publisher("Honduras - US talks stall - Reuters") == "Honduras - US talks stall"
    assert strip_publisher("A title without a publisher") == "A title without a publisher"
    assert strip_publisher("Left - " + "a very long second half of a headline that is no publisher name") \
        .endswith("publisher name")
    with pytest.raises(ValueError, match="unknown search provider"):
        search_url("yahoo", "x")


def test_a_search_source_becomes_a_feed_url(tmp_path):
    cfg = config(tmp_path, """
        [[sources]]
        name = "gn-tps-hn"
        kind = "search"
        provider = "google-news"
        query = '"TPS" Honduras'
        lang = "es"
        region = "hn"
        """)
    (src,) = load(cfg).sources
    assert src.kind == "search" and src.provider == "google-news" and src.region == "HN"
    assert src.url == "https://news.google.com/rss/search?q=%22TPS%22+Honduras&hl=es-419&gl=HN&ceid=HN:es-419"


def test_search_source_problems_are_located(tmp_path):
    cfg = tmp_path / "newswatch.toml"
    cfg.write_text(
        '[[sources]]\nname = "a"\nkind = "search"\nprovider = "altavista"\nquery = ""\nregion = "Honduras"\n'
        '[[sources]]\nname = "b"\nkind = "search"\nprovider = "bing-news"\nquery = "x"\nurl = "https://x.example/"\n'
        '[[sources]]\nname = "c"\nkind = "feed"\nurl = "https://c.example/feed"\nquery = "x"\n',
        encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load(cfg)
    text = str(err.value)
    assert f"{cfg}:4: sources.provider: unknown search provider 'altavista'; valid: google-news, bing-news" in text
    assert f"{cfg}:5: sources.query: a search source needs a query string" in text
    assert f"{cfg}:6: sources.region: invalid region 'Honduras'" in text
    assert f"{cfg}:12: sources.url: a search source builds its URL from provider and query" in text
    assert f"{cfg}:17: sources.query: query applies to kind 'search', not 'feed'" in text


def test_search_results_lead_to_the_publishers_pages(tmp_path, cli):
    with serve(tmp_path, "diario") as site:
        # The provider's click-through links redirect to the publisher, as Google News's do.
        site.redirect("/gn/rss/articles/CBMiAAA1", "/noticias/2018/05/tps-honduras-fin.html?utm_medium=gn")
        site.redirect("/gn/rss/articles/CBMiBBB2", "/noticias/2018/01/tps-salvador-fin.html", status=301)
        cfg = config(tmp_path, f"""
            [[sources]]
            name = "gn-tps-hn"
            kind = "search"
            provider = "google-news"
            query = '"TPS" Honduras'
            lang = "es"
            region = "HN"
            endpoint = "{site.url}/gn/rss/search.xml"

            [[sources]]
            name = "diario"
            url = "{site.url}/feed.xml"
            """)
        result = cli("run", "-c", str(cfg))
        assert result.returncode == 0, result.stdout + result.stderr
        searched = [r for r in site.requests if r.startswith("GET /gn/rss/search.xml?")]
        assert searched, site.requests
        assert parse_qs(urlsplit(searched[0].split(" ", 1)[1]).query) == {
            "q": ['"TPS" Honduras'], "hl": ["es-419"], "gl": ["HN"], "ceid": ["HN:es-419"]}

        rows = {r["canonical_url"].removeprefix(site.url): r for r in db(tmp_path)["items"].rows}
        # The publisher's feed and the search carry the same story: one item, at the publisher's URL.
        assert sorted(rows) == ["/noticias/2018/01/tps-salvador-fin.html", "/noticias/2018/05/tps-honduras-fin.html"]
        salvador = rows["/noticias/2018/01/tps-salvador-fin.html"]
        assert salvador["source"] == "gn-tps-hn"
        assert salvador["url"] == f"{site.url}/noticias/2018/01/tps-salvador-fin.html"
        assert salvador["guid"] == "CBMiBBB2"
        assert salvador["title"] == "Salvadoreños con TPS tienen hasta 2019 para salir de EE.UU."  # " - El Diario…" dropped
        assert "200.000 salvadoreños" in salvador["body"]
