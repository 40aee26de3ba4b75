"""Gaps are recorded, not printed: entries left out are counted on the fetch and shown by
`newswatch status`; sitemaps that cannot be read fail their source; what a sitemap says of
dates is kept apart (``lastmod`` is no publication date). Real `newswatch run`s against
sites served on 127.0.0.1."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlite_utils
from hostile_server import HostileServer, rss

SITEMAP_NS = ('xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
              'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9" '
              'xmlns:video="http://www.google.com/schemas/sitemap-video/1.1"')
# advertools' error_sitemap.xml, verbatim: XML of a sort, with no entry that can be read.
ERROR_SITEMAP = b'<?xml version="1.0" encoding="UTF-8"?>\n\n<urlset><url does not close</urlset>\n\n\n</url>\n'
PARAGRAPH = ("The ministry said on Tuesday that the programme would be reviewed by a panel of "
             "independent experts, who are expected to report before the end of the year. ")


def _page(title: str) -> bytes:
    # No date anywhere: what the item's date is must come from the sitemap or nowhere.
    return (f"<!doctype html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{PARAGRAPH * 4}</p><p>{PARAGRAPH * 3}</p></article></body></html>").encode()


def _urlset(*urls: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset {SITEMAP_NS}>{"".join(urls)}</urlset>'.encode()


def _url(loc: str, lastmod: str | None = None, extra: str = "") -> str:
    return f"<url><loc>{loc}</loc>{f'<lastmod>{lastmod}</lastmod>' if lastmod else ''}{extra}</url>"


def _index(*locs: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs) + "</sitemapindex>").encode()


def _close_delimited(body: bytes):
    """A route answering ``body`` with no Content-Length: it ends when the connection closes."""
    def route(h, q, n):
        h.send_response(200)
        h.send_header("Content-Type", "text/plain; charset=utf-8")
        h.send_header("Connection", "close")
        h.end_headers()
        h.wfile.write(body)
        h.close_connection = True
    return route


def _config(directory, sources: list[tuple[str, ...]]):
    """newswatch.toml with (name, kind, url[, more TOML lines]) sources."""
    cfg = directory / "newswatch.toml"
    cfg.write_text("\n".join([
        'database = "nw.db"', "[crawl]", "download_delay = 0", "obey_robots = false", "retries = 0",
        'jitter = "0s"', "timeout = 30",
        *(f'[[sources]]\nname = "{name}"\nkind = "{kind}"\nurl = "{url}"\ninterval = "1h"\n{"".join(more)}'
          for name, kind, url, *more in sources),
    ]), encoding="utf-8")
    return cfg


def _db(directory) -> sqlite_utils.Database:
    return sqlite_utils.Database(directory / "nw.db")


def _last_fetch(directory, source: str) -> dict:
    return list(_db(directory)["fetches"].rows_where("source = ?", [source], order_by="id desc", limit=1))[0]


def _status_lines(cli, cfg) -> list[str]:
    result = cli("status", "-c", str(cfg), env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.splitlines()


def test_feed_entries_without_a_usable_link_are_counted_on_the_fetch_and_shown_by_status(tmp_path, cli):
    with HostileServer() as server:
        feed = rss([
            f"<item><title>Kept</title><link>{server.url}/a/1.html</link></item>",
            "<item><title>No link at all</title><description>nothing to point at</description></item>",
            "<item><title>Broken port</title><link>http://127.0.0.1:99999/a/2.html</link></item>",
        ])
        cfg = _config(tmp_path, [("wire", "feed", server.add("/feed.xml", feed.encode()))])
        first = cli("run", "-c", str(cfg))
        assert first.returncode == 0, first.stdout + first.stderr
        fetch = _last_fetch(tmp_path, "wire")
        assert fetch["items"] == 1 and fetch["skipped"] == 2
        assert "no http(s) link" in fetch["skipped_why"] and "bad link" in fetch["skipped_why"]
        assert [r["title"] for r in _db(tmp_path)["items"].rows] == ["Kept"]

        # The next run finds the feed unchanged: it reads nothing, and the gap is still shown.
        again = cli("run", "-c", str(cfg), "--all")
        assert again.returncode == 0, again.stdout + again.stderr
        assert _last_fetch(tmp_path, "wire")["status"] in ("not-modified", "unchanged")
        lines = _status_lines(cli, cfg)  # 80 columns: the line is whole, not wrapped
        block = lines[lines.index("  Hostile (wire, feed): ok, see below"):]  # the feed's title
        gap = [line for line in block[:5] if line.startswith("    skipped 2 entries when last read: ")]
        assert gap and "1 no http(s) link" in gap[0] and "1 bad link" in gap[0], lines


def test_sitemap_gaps_failures_and_dates(tmp_path, cli):
    with HostileServer() as server:
        base = server.url
        for path, title in [("/cut/1.html", "Cut one"), ("/cut/2.html", "Cut two"), ("/good/1.html", "Good one"),
                            ("/robots-ok/1.html", "Via Site-map"), ("/d/news.html", "News dated"),
                            ("/d/video.html", "Video dated"), ("/d/lastmod.html", "Lastmod only"),
                            ("/u/1.html", "Undated later"), ("/u/2.html", "Undated new"),
                            ("/t/1.html", "Text one"), ("/t/2.html", "Text two"), ("/t/3.html", "Text three"),
                            ("/n/old.html", "Old, edited today"), ("/n/new.html", "Newest")]:
            server.add(path, _page(title), headers={"Content-Type": "text/html; charset=utf-8"})
        # A sitemap whose body stops in the middle of its last URL, as a cut-off download does.
        truncated = _urlset(_url(f"{base}/cut/1.html", "2024-03-01"), _url(f"{base}/cut/2.html", "2024-03-02"))
        truncated = truncated.replace(b"</urlset>", f"<url><loc>{base}/cut/page_".encode())
        server.add("/cut/sitemap.xml", truncated)
        server.add("/sm/error.xml", ERROR_SITEMAP)  # /sm/missing.xml is a 404
        server.add("/sm/good.xml", _urlset(_url(f"{base}/good/1.html", "2024-03-01")))
        server.add("/all-fail/index.xml", _index(f"{base}/sm/missing.xml", f"{base}/sm/error.xml"))
        server.add("/partial/index.xml", _index(f"{base}/sm/missing.xml", f"{base}/sm/good.xml"))
        server.add("/r1/robots.txt", f"User-agent: *\nSite-map: {base}/sm/missing.xml\n"
                   f"SITEMAP :  {base}/sm/error.xml\n".encode(), headers={"Content-Type": "text/plain"})
        server.add("/robots-ok/robots.txt", f"User-agent: *\nsite-map: {base}/robots-ok/sitemap.xml\n".encode(),
                   headers={"Content-Type": "text/plain"})
        server.add("/robots-ok/sitemap.xml", _urlset(_url(f"{base}/robots-ok/1.html", "2024-03-01")))
        server.add("/d/sitemap.xml", _urlset(
            _url(f"{base}/d/news.html", "2024-03-05T12:00:00Z",
                 "<news:news><news:publication><news:name>Diario</news:name><news:language>es</news:language>"
                 "</news:publication><news:publication_date>2024-03-01T08:00:00+01:00</news:publication_date>"
                 "<news:title>News dated</news:title></news:news>"),
            _url(f"{base}/d/video.html", "2024-03-06T12:00:00Z",
                 "<video:video><video:title>Clip</video:title>"
                 "<video:publication_date>2024-03-02T10:00:00Z</video:publication_date></video:video>"),
            _url(f"{base}/d/lastmod.html", "2024-03-07T12:00:00Z")))
        # One page allowed per run: the newest published, not the one edited last.
        server.add("/n/sitemap.xml", _urlset(*(
            _url(f"{base}/n/{name}.html", lastmod, f"<news:news><news:publication_date>{published}"
                 f"</news:publication_date><news:title>{name}</news:title></news:news>")
            for name, published, lastmod in [("old", "2024-01-01T00:00:00Z", "2024-06-01T00:00:00Z"),
                                             ("new", "2024-05-01T00:00:00Z", "2024-05-01T00:00:00Z")])))
        undated = _urlset(_url(f"{base}/u/1.html", datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")))
        server.add("/u/sitemap.xml", undated)
        # Text sitemaps without a final newline: cut short when nothing told the length, whole when it did.
        server.routes["/t/cut.txt"] = _close_delimited(f"{base}/t/1.html\n{base}/t/pag".encode())
        server.add("/t/whole.txt", f"{base}/t/2.html\n{base}/t/3.html".encode(), headers={"Content-Type": "text/plain"})
        cfg = _config(tmp_path, [
            ("cut", "sitemap", f"{base}/cut/sitemap.xml"),
            ("all-fail", "sitemap", f"{base}/all-fail/index.xml"),
            ("partial", "sitemap", f"{base}/partial/index.xml"),
            ("malformed", "sitemap", f"{base}/sm/error.xml"),
            ("robots-fail", "sitemap", f"{base}/r1/robots.txt"),
            ("robots-ok", "sitemap", f"{base}/robots-ok/robots.txt"),
            ("dates", "sitemap", f"{base}/d/sitemap.xml"),
            ("undated", "sitemap", f"{base}/u/sitemap.xml"),
            ("text-cut", "sitemap", f"{base}/t/cut.txt"),
            ("text-whole", "sitemap", f"{base}/t/whole.txt"),
            ("newest", "sitemap", f"{base}/n/sitemap.xml", "max_articles = 1"),
        ])
        first = cli("run", "-c", str(cfg))
        assert first.returncode == 1, first.stdout + first.stderr  # three sources failed
        db = _db(tmp_path)
        items = {r["canonical_url"].removeprefix(base): r for r in db["items"].rows}
        sources = {r["name"]: r for r in db["sources"].rows}

        # The cut last URL is no item, and is counted; the whole entries are stored, titled.
        assert sorted(p for p in items if p.startswith("/cut/")) == ["/cut/1.html", "/cut/2.html"]
        assert not [p for p in items if "page_" in p or p.endswith("/t/pag")]
        assert all(r["title"] for r in items.values())
        cut = _last_fetch(tmp_path, "cut")
        assert (cut["error"], cut["skipped"], cut["skipped_why"]) == (None, 1, "1 cut off (truncated body)")
        assert sorted(p for p in items if p.startswith("/t/")) == ["/t/1.html", "/t/2.html", "/t/3.html"]
        assert (_last_fetch(tmp_path, "text-cut")["skipped"], _last_fetch(tmp_path, "text-whole")["skipped"]) == (1, None)

        # Sitemaps none of which can be read fail their source, as any failure does.
        for name, why in [("all-fail", "none of the sitemaps the index lists could be read (2 failed)"),
                          ("robots-fail", "none of the sitemaps robots.txt names could be read (2 failed)"),
                          ("malformed", "malformed XML, no entry could be read")]:
            assert sources[name]["error_streak"] == 1 and why in sources[name]["last_error"], sources[name]
            assert _last_fetch(tmp_path, name)["error"] == sources[name]["last_error"]
        assert any(f"{base}/sm/{why}" in sources["all-fail"]["last_error"]  # the first that failed, and why
                   for why in ("missing.xml: HTTP 404", "error.xml: malformed XML"))
        # Some failing and some read: a success, with the failure in the run's output.
        assert sources["partial"]["error_streak"] == 0 and sources["partial"]["last_error"] is None
        assert "/good/1.html" in items and "/robots-ok/1.html" in items  # `site-map:` read
        assert "sm/missing.xml: HTTP 404" in first.stdout

        assert sorted(p for p in items if p.startswith("/n/")) == ["/n/new.html"]
        # <lastmod> is kept apart; the publication date comes from news: or video:, or nowhere.
        news, video, lastmod = items["/d/news.html"], items["/d/video.html"], items["/d/lastmod.html"]
        assert (news["published"], news["published_from"], news["lastmod"]) == (
            "2024-03-01T07:00:00Z", "sitemap", "2024-03-05T12:00:00Z")
        assert (video["published"], video["published_from"]) == ("2024-03-02T10:00:00Z", "sitemap")
        assert (lastmod["published"], lastmod["published_from"], lastmod["lastmod"]) == (
            None, None, "2024-03-07T12:00:00Z")

        # After the first fetch an undated entry cannot be told new from old: skipped, and counted.
        server.add("/u/sitemap.xml", undated.replace(b"</urlset>", _url(f"{base}/u/2.html").encode() + b"</urlset>"))
        second = cli("run", "-c", str(cfg), "--all")
        assert second.returncode == 1, second.stdout + second.stderr
        und = _last_fetch(tmp_path, "undated")
        assert (und["skipped"], und["skipped_why"]) == (1, "1 undated (read on a first fetch only)")
        assert "/u/2.html" not in {r["canonical_url"].removeprefix(base) for r in _db(tmp_path)["items"].rows}
        assert _db(tmp_path)["sources"].get("all-fail")["error_streak"] == 2

        lines = _status_lines(cli, cfg)  # 80 columns: each line whole, not wrapped
        for name, why in (("undated", "1 undated (read on a first fetch only)"), ("cut", "1 cut off (truncated body)"),
                          ("text-cut", "1 cut off (truncated body)")):
            block = lines[lines.index(f"  {name} (sitemap): ok, see below"):]
            assert f"    skipped 1 entry when last read: {why}" in block[:5], lines
