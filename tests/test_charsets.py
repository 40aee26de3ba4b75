"""Spanish text arrives intact: pages, feeds and sitemaps decoded by what the server and the bytes say.

One real `newswatch run` reads a feed whose entries link to article pages
served every way a server declares (or misdeclares) a charset; every page must
be stored with its accents and matched by a Spanish rule. Sitemaps and feeds
whose declarations disagree go the same way, and a source whose text is still
mis-decoded after repair is counted in `newswatch status`.
"""

from __future__ import annotations

import re

import hostile_server as hs
import sqlite_utils
from hostile_server import HostileServer
from measure import newswatch

TEXT = ("Párrafo uno. La fiscalía acusó de corrupción a la exvicepresidenta guatemalteca "
        "Roxana Baldetti, señalada en el caso La Línea junto al expresidente Otto Pérez Molina. ")
PARAGRAPHS = "".join(f"<p>{TEXT}Nota {n}: la investigación continúa con más pruebas.</p>" for n in range(4))
RULE = """
[[rules]]
name = "baldetti"
query = 'corrupción NEAR/5 exvicepresidenta'
"""


def page(title: str, meta: str = "") -> str:
    return (f"<!doctype html><html><head>{meta}<title>{title}</title></head><body><article>"
            f"<h1>{title}</h1>{PARAGRAPHS}</article></body></html>")


# name -> (bytes, Content-Type): the ways pages reach us.
PAGES = {
    "utf8-header-only": (page("Corrupción uno").encode(), "text/html; charset=utf-8"),
    "cp1252-header-only": (page("Corrupción dos").encode("cp1252"), "text/html; charset=windows-1252"),
    "utf8-wrong-header": (page("Corrupción tres").encode(), "text/html; charset=ISO-8859-1"),
    "cp1252-wrong-header": (page("Corrupción cuatro").encode("cp1252"), "text/html; charset=utf-8"),
    "meta-only": (page("Corrupción cinco", '<meta charset="windows-1252">').encode("cp1252"), "text/html"),
    "bom-only": (b"\xef\xbb\xbf" + page("Corrupción seis").encode(), "text/html"),
    "undeclared-utf8": (page("Corrupción siete").encode(), "text/html"),
}


def _feed(base: str) -> bytes:
    # Titles without accents: the stored text must come from the pages.
    items = [hs.item(base, n, title=f"Nota {name}", link=f"{base}/art/{name}.html")
             for n, name in enumerate(PAGES)]
    return hs.rss(items).encode()


def _run(tmp_path, url: str, articles: bool = False) -> sqlite_utils.Database:
    cfg = hs.one_source_config(tmp_path, "noticias", url)
    text = cfg.read_text(encoding="utf-8")
    if articles:
        text = text.replace("fetch_articles = false", "fetch_articles = true")
    cfg.write_text(text + RULE, encoding="utf-8")
    result = newswatch("run", "-c", str(cfg), "--no-alerts", timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return sqlite_utils.Database(tmp_path / "nw.db")


def test_article_pages_keep_their_accents_however_the_charset_is_declared(tmp_path):
    with HostileServer() as server:
        for name, (body, ctype) in PAGES.items():
            server.add(f"/art/{name}.html", body, headers={"Content-Type": ctype})
        server.add("/feed.xml", _feed(server.url), headers={"Content-Type": "application/rss+xml"})
        db = _run(tmp_path, server.url + "/feed.xml", articles=True)
    rows = {r["url"].rsplit("/", 1)[1][:-5]: r for r in db["items"].rows}
    assert set(rows) == set(PAGES)
    matched = {r["item_id"] for r in db.query("select item_id from matches where rule = 'baldetti'")}
    for name, row in rows.items():
        assert "corrupción" in row["body"] and "exvicepresidenta" in row["body"], (name, row["body"][:120])
        assert "Línea" in row["body"] and "Ã" not in row["body"], name
        assert row["id"] in matched, f"{name}: the Spanish rule did not match"


def test_a_feed_behind_a_wrong_charset_header_keeps_its_accents(tmp_path):
    items = [hs.item("x", n, title=f"Corrupción de la exvicepresidenta, nota {n}", description=TEXT)
             for n in range(3)]
    body = hs.rss(items, encoding="utf-8").encode()
    with HostileServer() as server:
        # UTF-8 bytes, an XML declaration saying so, and a header that says Latin-1.
        server.add("/feed.xml", body, headers={"Content-Type": "application/rss+xml; charset=ISO-8859-1"})
        db = _run(tmp_path, server.url + "/feed.xml")
    titles = [r["title"] for r in db["items"].rows]
    assert len(titles) == 3 and all(t.startswith("Corrupción de la exvicepresidenta") for t in titles), titles
    assert db.execute("select count(*) from matches where rule = 'baldetti'").fetchone()[0] == 3


def test_a_news_sitemap_title_keeps_its_accents_behind_a_header_only_charset(tmp_path):
    with HostileServer() as server:
        urls = "".join(
            f"<url><loc>{server.url}/art/{n}.html</loc><news:news><news:publication><news:name>X</news:name>"
            f"<news:language>es</news:language></news:publication>"
            f"<news:publication_date>2017-06-1{n}T10:00:00Z</news:publication_date>"
            f"<news:title>Corrupción y la exvicepresidenta, parte {n}</news:title></news:news></url>"
            for n in range(3))
        sitemap = ('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                   'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + urls + "</urlset>")
        server.add("/news.xml", sitemap.encode("cp1252"),
                   headers={"Content-Type": "application/xml; charset=windows-1252"})
        cfg = hs.one_source_config(tmp_path, "noticias", server.url + "/news.xml")
        text = cfg.read_text(encoding="utf-8").replace('url = "', 'kind = "sitemap"\nurl = "', 1)
        cfg.write_text(text + RULE, encoding="utf-8")
        result = newswatch("run", "-c", str(cfg), "--no-alerts", timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    titles = sorted(r["title"] for r in sqlite_utils.Database(tmp_path / "nw.db")["items"].rows)
    assert titles == [f"Corrupción y la exvicepresidenta, parte {n}" for n in range(3)]


def test_text_mis_decoded_upstream_is_repaired_and_what_cannot_be_is_shown_in_status(tmp_path):
    mangled = "Corrupción de la exvicepresidenta".encode().decode("cp1252")  # CorrupciÃ³n ...
    items = [hs.item("x", 0, title=mangled, description=TEXT),
             # A cut mid-character: "â€" with nothing a quote can be rebuilt from.
             hs.item("x", 1, title="Informe â€", description="Sin acentos rotos aquí.")]
    with HostileServer() as server:
        server.add("/feed.xml", hs.rss(items).encode(), headers={"Content-Type": "application/rss+xml"})
        db = _run(tmp_path, server.url + "/feed.xml")
        cfg = tmp_path / "newswatch.toml"
        status = newswatch("status", "-c", str(cfg), timeout=60)
    titles = sorted(r["title"] for r in db["items"].rows)
    assert titles == ["Corrupción de la exvicepresidenta", "Informe â€"]
    assert db["sources"].get("noticias")["mojibake_items"] == 1
    assert db.execute("select mojibake from fetches where source = 'noticias'").fetchone()[0] == 1
    assert "1 items look mis-decoded" in " ".join(status.stdout.split()), status.stdout


def test_the_demo_sites_spanish_pages_are_served_header_only_and_stored_intact(tmp_path):
    from urllib.request import urlopen

    from newswatch.demo import SITE_DIR
    from newswatch.demo.server import SiteServer

    with SiteServer(SITE_DIR) as site:
        for path, charset in (("/cronica-chapina/2017/03/eeuu-acusa-baldetti-narcotrafico.html", "windows-1252"),
                              ("/diario-del-valle/2018/11/captura-tony-hernandez-miami.html", "utf-8")):
            with urlopen(site.url + path) as response:
                assert response.headers.get_content_charset() == charset
                assert b"<meta charset" not in response.read().lower()
    result = newswatch("demo", cwd=tmp_path, timeout=240)
    assert result.returncode == 0, result.stdout + result.stderr
    # The wire feed's teasers: each page was read for the full text (tests/test_teasers.py).
    assert "10 of 10 ntm-wire items hold their page's full text" in " ".join(result.stdout.split())
    db = sqlite_utils.Database(tmp_path / "demo-out" / "demo.db")
    spanish = list(db.query("select * from items where source in ('cronica-chapina', 'diario-del-valle')"))
    assert len(spanish) == 18
    for row in spanish:
        text = " ".join(filter(None, (row["title"], row["body"])))
        assert re.search("[áéíóúñ]", text) and "Ã" not in text and "\ufffd" not in text, row["url"]
    matched = {r["url"].split("?")[0].rsplit("/", 1)[1]: r["rule"] for r in db.query(
        "select i.url, m.rule from matches m join items i on i.id = m.item_id "
        "where i.source in ('cronica-chapina', 'diario-del-valle')")}
    assert matched["eeuu-acusa-baldetti-narcotrafico.html"] == "officials-corruption"
    assert matched["captura-tony-hernandez-miami.html"] == "officials-corruption"
