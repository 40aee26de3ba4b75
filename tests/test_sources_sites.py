"""Site sources: article links picked by CSS or XPath on a listing page, with pagination."""

from __future__ import annotations

from scrapy.http import HtmlResponse
from sources_helpers import SITES, config, db, items_by_path, serve

from newswatch.crawlers.spiders.sites import select_links

PORTADA = (SITES / "diario" / "portada" / "index.html").read_bytes()


def _listing():
    return HtmlResponse(url="https://diario.example/portada/", body=PORTADA, encoding="utf-8")


def test_links_by_css_xpath_and_attribute():
    css = select_links(_listing(), "h2.titular a")
    assert css == [
        ("https://diario.example/noticias/2018/05/tps-honduras-fin.html?utm_source=portada",
         "EE.UU. pone fin al TPS para 57.000 hondureños"),
        ("https://diario.example/noticias/2018/05/ayuda-triangulo-norte.html", "Congreso debate recorte de la ayuda"),
        ("https://diario.example/noticias/2018/05/extradicion-alcalde.html", "Solicitan extradición de exalcalde"),
    ]
    # An element holding the link, an XPath to the elements, an XPath to the attribute: same URLs.
    for expr in ("article.nota", '//h2[@class="titular"]/a', '//h2[@class="titular"]/a/@href', "h2 a::attr(href)"):
        assert [u for u, _ in select_links(_listing(), expr)] == [u for u, _ in css], expr
    assert select_links(_listing(), "a.siguiente") == [("https://diario.example/portada/pagina-2.html", "Siguiente »")]
    assert select_links(_listing(), "div.nothing a") == []


SITE_SOURCE = """
[[sources]]
name = "diario-portada"
kind = "site"
url = "{base}/portada/"
selectors = {{ links = "h2.titular a", next = "a.siguiente" }}
max_pages = 2
interval = "1h"
"""


def test_listing_pages_are_followed_and_articles_extracted(tmp_path, cli):
    with serve(tmp_path, "diario") as site:
        cfg = config(tmp_path, SITE_SOURCE.format(base=site.url))
        first = cli("run", "-c", str(cfg))
        assert first.returncode == 0, first.stdout + first.stderr
        items = items_by_path(tmp_path, site.url)
        assert sorted(items) == [
            "/noticias/2018/01/tps-salvador-fin.html",  # page 2
            "/noticias/2018/04/remesas-record.html",  # page 2
            "/noticias/2018/05/ayuda-triangulo-norte.html",
            "/noticias/2018/05/extradicion-alcalde.html",
            "/noticias/2018/05/tps-honduras-fin.html",  # ?utm_source stripped
        ]
        assert not site.requested("/portada/pagina-3")  # max_pages = 2
        assert not site.requested("/suscribase")  # not an article link
        tps = items["/noticias/2018/05/tps-honduras-fin.html"]
        assert tps["title"] == "EE.UU. pone fin al TPS para 57.000 hondureños"
        assert "Redacción" in tps["author"] and tps["lang"] == "es"
        assert "Departamento de Seguridad Nacional" in tps["body"] and "Lo más leído" not in tps["body"]
        fetch = list(db(tmp_path)["fetches"].rows)[-1]
        assert (fetch["status"], fetch["items"], fetch["items_new"]) == ("200", 5, 5)

        # The listing has not changed: one conditional request, answered 304, and nothing else.
        site.log.clear()
        again = cli("run", "-c", str(cfg), "--all")
        assert again.returncode == 0
        assert site.requested("/portada/") == ["/portada/"]
        assert "If-None-Match" in site.log[-1][1] and not site.requested("/noticias/")

        # A new story on the front page: only it is fetched; page 2 is not read again
        # because page 1 already brought a link we know.
        listing = site.root / "portada" / "index.html"
        listing.write_text(listing.read_text(encoding="utf-8").replace(
            '<section class="portada">',
            '<section class="portada">\n<article class="nota"><h2 class="titular">'
            '<a href="/noticias/2018/05/lluvias-tegucigalpa.html">Lluvias</a></h2></article>'), encoding="utf-8")
        site.log.clear()
        third = cli("run", "-c", str(cfg), "--all")
        assert third.returncode == 0, third.stdout + third.stderr
        assert site.requested("/noticias/") == ["/noticias/2018/05/lluvias-tegucigalpa.html"]
        assert db(tmp_path)["items"].count == 6


def test_selectors_that_match_nothing_are_an_error_of_the_source(tmp_path, cli):
    with serve(tmp_path, "diario") as site:
        cfg = config(tmp_path, f"""
            [[sources]]
            name = "diario-rediseno"
            kind = "site"
            url = "{site.url}/portada/"
            selectors = {{ links = "div.teaser > a" }}
            """)
        result = cli("run", "-c", str(cfg))
        assert result.returncode == 1
        error = db(tmp_path)["sources"].get("diario-rediseno")["last_error"]
        assert "selectors.links 'div.teaser > a' matched no link" in error


def test_bad_selectors_are_located_config_errors(tmp_path, cli):
    cfg = tmp_path / "newswatch.toml"
    cfg.write_text(
        '[[sources]]\nname = "a"\nkind = "site"\nurl = "https://a.example/"\n'
        'selectors = { links = "h2 >> a" }\n'
        '[[sources]]\nname = "b"\nkind = "site"\nurl = "https://b.example/"\n'
        '[[sources]]\nname = "c"\nkind = "page"\nurl = "https://c.example/"\n'
        'selectors = { content = "//main[" }\nmax_pages = 2\n',
        encoding="utf-8")
    result = cli("check", "-c", str(cfg))
    assert result.returncode == 2
    err = result.stderr
    assert f"{cfg}:5: sources.selectors: selectors.links: invalid CSS selector 'h2 >> a'" in err
    assert f"{cfg}:6: sources.selectors: a site source needs selectors" in err
    assert f"{cfg}:14: sources.selectors: selectors.content: invalid XPath '//main['" in err
    assert f"{cfg}:15: sources.max_pages: max_pages applies to kind 'site', not 'page'" in err
