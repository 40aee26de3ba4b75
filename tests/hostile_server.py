"""A misbehaving news site on 127.0.0.1, port 0, for reliability tests.

Every path is a way for a real site to go wrong. Feeds are RSS 2.0 unless said::

    /ok.xml                  a small, well-behaved feed (the control)
    /slow.xml?delay=S        headers, then the body after S seconds (default 3)
    /hang.xml                headers and a few bytes, then nothing until the server stops
    /silent.xml              accepts the connection, reads the request, never answers
    /trickle.xml             one byte every 0.2 s, forever
    /status/CODE             an HTTP error page with that status (500, 503, 404 ...)
    /huge.xml?mb=N           a declared N MB body, streamed (default 50)
    /endless.xml             no Content-Length, a body that never ends
    /truncated.xml           Content-Length promises more than is sent; then the connection closes
    /gzip-bomb.xml           Content-Encoding: gzip, 1 MB on the wire, 1 GB inflated
    /gzip-body.xml           a gzipped feed body without Content-Encoding (a mislabelled .gz)
    /redirect-loop.xml       302 to itself
    /redirect/a, /redirect/b 302 to each other
    /charset/wrong.xml       header says utf-8, body is windows-1252 (no XML declaration)
    /charset/missing.xml     no charset anywhere, windows-1252 bytes
    /charset/header-only.xml windows-1252 bytes, charset only in the Content-Type header
    /entity-bomb.xml         "billion laughs": nested internal entities
    /quadratic-bomb.xml      one 100 kB entity referenced 10,000 times
    /external-entity.xml     an external entity pointing at a local file (XXE)
    /big-feed.xml?n=N        N items (default 10,000)
    /odd-items.xml           no link, no title, duplicate GUIDs, future and 1970 dates, <script>/on* markup
    /not-a-feed.html         an HTML page
    /empty.xml               200 with an empty body
    /flaky.xml?fail=N        500 for the first N requests of that URL, then /ok.xml's feed
    /header-flood.xml        200, then header line after 8 KB header line, forever (no body)

``server.add(path, body, status=200, headers=None, delay=0)`` serves any other fixed
response; ``server.requests`` counts requests per path and ``server.wait_for(path)``
blocks until one arrives. ``story_feed`` makes news feeds whose entries never
change once published, for runs that must find every entry again. Endless and hanging
responses end when the client goes away or the server stops, so a test never
leaves a thread behind.
"""

from __future__ import annotations

import random
import threading
import time
import zlib
from collections.abc import Callable
from email.utils import formatdate
from functools import lru_cache, partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

HOST = "127.0.0.1"
FUTURE = "Fri, 01 Jan 2106 00:00:00 GMT"
EPOCH = "Thu, 01 Jan 1970 00:00:00 GMT"
SCRIPT_TITLE = 'Aid <script>alert("title")</script> to <b onmouseover="alert(1)">Honduras</b>'
# Markup meant as text: the feed escapes it twice, so the stored title holds "<script>" literally.
LITERAL_TITLE = 'Honduras literally <script>alert(5)</script> and <b onmouseover="alert(6)">bold</b>'
SCRIPT_SUMMARY = ('Summary <img src="x" onerror="alert(2)"> with <a href="javascript:alert(3)">a link</a>'
                  ' and <script>document.cookie</script> end')


def rss(items: list[str], title: str = "Hostile", encoding: str | None = "utf-8") -> str:
    decl = f'<?xml version="1.0" encoding="{encoding}"?>' if encoding else ""
    return (f'{decl}<rss version="2.0"><channel><title>{title}</title><link>http://{HOST}/</link>'
            + "".join(items) + "</channel></rss>")


def item(base: str, n: int | str, title: str | None = None, link: str | None = "", guid: str | None = None,
         date: str | None = None, description: str | None = None) -> str:
    """One RSS item; ``link=None`` leaves the link out, ``title=None`` the title."""
    parts = ["<item>"]
    if title is not None:
        parts.append(f"<title>{title}</title>")
    if link is not None:
        parts.append(f"<link>{link or f'{base}/a/{n}.html'}</link>")
    if guid is not None:
        parts.append(f'<guid isPermaLink="false">{guid}</guid>')
    parts.append(f"<pubDate>{date or formatdate(1_500_000_000 + (int(n) if str(n).isdigit() else 0), usegmt=True)}</pubDate>")
    if description is not None:
        parts.append(f"<description>{description}</description>")
    parts.append("</item>")
    return "".join(parts)


_WORDS = ("government aid budget court decision migrants deportation security police election president "
          "minister congress corruption fraud customs trial prosecutor cartel gang weather football economy "
          "coffee bank loan treaty border report officials week city plan money").split()
_PLACES = ("Honduras", "Guatemala", "El Salvador", "Tegucigalpa", "Washington", "Miami", "Baldetti", "Morales")


def story(feed_no: int, n: int) -> tuple[str, str]:
    """A deterministic (title, summary) for entry ``n`` of feed ``feed_no``: the same every time it is served."""
    rng = random.Random(feed_no * 1_000_003 + n)
    words = _WORDS + list(_PLACES)
    title = " ".join([rng.choice(_WORDS).capitalize(), rng.choice(_WORDS), "in", rng.choice(_PLACES),
                      rng.choice(_WORDS), rng.choice(_WORDS), str(n)])
    summary = " ".join(rng.choice(words) for _ in range(60)) + f" (story {feed_no}-{n})"
    return title, summary


def story_feed(base: str, feed_no: int, start: int, stop: int) -> bytes:
    """Entries ``start`` .. ``stop - 1`` of a news feed whose entries never change once published."""
    items = []
    for n in range(start, stop):
        title, summary = story(feed_no, n)
        items.append(item(base, n, title=title, link=f"{base}/news/{feed_no}/{n}.html", guid=f"news-{feed_no}-{n}",
                          date=formatdate(1_700_000_000 + n * 600, usegmt=True), description=summary))
    return rss(items[::-1], title=f"News {feed_no}").encode()  # newest first, as feeds are


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def ok_feed(base: str, prefix: str = "ok", n: int = 3) -> bytes:
    return rss([item(base, f"{prefix}-{i}", title=f"Control story {prefix} {i}", link=f"{base}/{prefix}/{i}.html",
                     guid=f"{prefix}-{i}", description="A plain summary.") for i in range(n)]).encode()


def big_feed(base: str, n: int) -> bytes:
    items = [item(base, i, title=f"Story number {i} about the budget", guid=f"big-{i}",
                  description=f"Summary {i} of a long feed.") for i in range(n)]
    return rss(items, title="Ten thousand").encode()


def odd_items_feed(base: str) -> bytes:
    """Every way an entry can be incomplete or strange, in one feed."""
    items = [
        item(base, "no-link", title="An entry with no link", link=None, guid="odd-no-link"),
        item(base, "no-title", title=None, link=f"{base}/odd/no-title.html", guid="odd-no-title",
             description="An entry with a link and a summary but no title."),
        item(base, "bare", title=None, link=f"{base}/odd/bare.html", guid=None),
        item(base, "dup1", title="First entry with a shared GUID", link=f"{base}/odd/dup-1.html", guid="odd-dup"),
        item(base, "dup2", title="Second entry with a shared GUID", link=f"{base}/odd/dup-2.html", guid="odd-dup"),
        item(base, "future", title="Dated in 2106", link=f"{base}/odd/future.html", guid="odd-future", date=FUTURE),
        item(base, "epoch", title="Dated 1 January 1970", link=f"{base}/odd/epoch.html", guid="odd-epoch",
             date=EPOCH),
        item(base, "baddate", title="With a date that is not a date", link=f"{base}/odd/baddate.html",
             guid="odd-baddate", date="yesterday-ish"),
        item(base, "script", title=_escape(SCRIPT_TITLE), link=f"{base}/odd/script.html", guid="odd-script",
             description=_escape(SCRIPT_SUMMARY)),
        item(base, "cdata", title=f"<![CDATA[{SCRIPT_TITLE}]]>", link=f"{base}/odd/cdata.html",
             guid="odd-cdata", description=f"<![CDATA[{SCRIPT_SUMMARY}]]>"),
        item(base, "jslink", title="A javascript: link", link="javascript:alert(4)", guid="odd-jslink"),
        item(base, "literal", title=_escape(_escape(LITERAL_TITLE)), link=f"{base}/odd/literal.html",
             guid="odd-literal", description=_escape(_escape(LITERAL_TITLE))),
    ]
    return rss(items, title="Odd items").encode()


ENTITY_BOMB = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n <!ENTITY lol "lol">\n'
    + b"".join(b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
               for i in range(1, 10))
    + b']>\n<rss version="2.0"><channel><title>Bomb</title><item><title>&lol9;</title>'
    b"<link>http://127.0.0.1/bomb</link><description>&lol9;</description></item></channel></rss>"
)

QUADRATIC_BOMB = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "' + b"A" * 100_000 + b'">]>\n'
    b'<rss version="2.0"><channel><title>Quadratic</title><item><title>t</title>'
    b"<link>http://127.0.0.1/quadratic</link><description>" + b"&a;" * 10_000
    + b"</description></item></channel></rss>"
)

EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b'<rss version="2.0"><channel><title>XXE</title><item><title>Secrets: &xxe;</title>'
    b"<link>http://127.0.0.1/xxe</link><description>&xxe;</description></item></channel></rss>"
)

# "Café in São Paulo — ñandú" in windows-1252; not valid UTF-8.
CP1252_TITLE = "Café in São Paulo — ñandú"


def cp1252_feed(base: str, declare: bool, name: str = "story") -> bytes:
    body = rss([item(base, "cp", title=CP1252_TITLE, link=f"{base}/charset/{name}.html", guid="cp-1")],
               encoding="windows-1252" if declare else None)
    return body.encode("cp1252")


@lru_cache(maxsize=1)
def gzip_bomb(inflated_mb: int = 1024) -> bytes:
    """A gzip stream of an RSS prologue and ``inflated_mb`` MB of spaces (about 1 kB per MB)."""
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    out = [c.compress(b'<?xml version="1.0"?><rss version="2.0"><channel><title>')]
    chunk = b" " * (1 << 20)
    out.extend(c.compress(chunk) for _ in range(inflated_mb))
    out.append(c.flush())
    return b"".join(out)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "hostile/1"

    def __init__(self, *args, site: HostileServer, **kwargs):
        self.site = site
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        pass

    def handle(self) -> None:
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass  # the client gave up on us: that is the point of most routes

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        parts = urlsplit(self.path)
        path, query = parts.path, {k: v[-1] for k, v in parse_qs(parts.query).items()}
        with self.site.arrived:
            self.site.requests[path] = self.site.requests.get(path, 0) + 1
            count = self.site.requests[path]
            self.site.arrived.notify_all()
        if path in self.site.fixed:
            status, body, headers, delay = self.site.fixed[path]
            if delay and self.site.stopping.wait(delay):
                return
            return self._send(status, body, headers)
        route = self.site.routes.get(path)
        if route is None and path.startswith("/status/"):
            code = int(path.rsplit("/", 1)[1] or 500)
            return self._send(code, f"<html><body>error {code}</body></html>".encode(), {"Content-Type": "text/html"})
        if route is None and path.startswith("/redirect/"):
            other = "/redirect/b" if path.endswith("/a") else "/redirect/a"
            return self._send(302, b"", {"Location": self.site.url + other})
        if route is None:
            return self._send(404, b"not found", {"Content-Type": "text/plain"})
        route(self, query, count)

    # -- responses -----------------------------------------------------------------

    def _send(self, status: int, body: bytes, headers: dict | None = None) -> None:
        headers = {"Content-Type": "application/rss+xml; charset=utf-8", **(headers or {})}
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _headers_only(self, headers: dict) -> None:
        self.send_response(200)
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.flush()

    def _hold(self, seconds: float | None = None) -> None:
        """Keep the connection open, sending nothing, until the server stops (or ``seconds``)."""
        self.site.stopping.wait(seconds)
        self.close_connection = True

    def _stream(self, chunk: bytes, total: int | None, pause: float = 0.0) -> None:
        sent = 0
        while (total is None or sent < total) and not self.site.stopping.is_set():
            piece = chunk if total is None else chunk[: total - sent]
            self.wfile.write(piece)
            sent += len(piece)
            if pause:
                time.sleep(pause)
        self.close_connection = True


def _ok(h: _Handler, q: dict, n: int) -> None:
    h._send(200, ok_feed(h.site.url))


def _slow(h: _Handler, q: dict, n: int) -> None:
    h._headers_only({"Content-Type": "application/rss+xml", "Content-Length": str(len(ok_feed(h.site.url, "slow")))})
    if h.site.stopping.wait(float(q.get("delay", 3))):
        return
    h.wfile.write(ok_feed(h.site.url, "slow"))


def _hang(h: _Handler, q: dict, n: int) -> None:
    h._headers_only({"Content-Type": "application/rss+xml", "Content-Length": "100000"})
    h.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel>')
    h.wfile.flush()
    h._hold()


def _silent(h: _Handler, q: dict, n: int) -> None:
    h._hold()


def _trickle(h: _Handler, q: dict, n: int) -> None:
    h._headers_only({"Content-Type": "application/rss+xml", "Connection": "close"})
    h._stream(b" ", None, pause=0.2)


def _huge(h: _Handler, q: dict, n: int) -> None:
    size = int(float(q.get("mb", 50)) * 1024 * 1024)
    h._headers_only({"Content-Type": "application/rss+xml", "Content-Length": str(size)})
    h._stream(b"<!-- padding -->" * 4096, size)


def _endless(h: _Handler, q: dict, n: int) -> None:
    # HTTP/1.0-style body: no length, ends when the connection closes, which it never does.
    h.send_response(200)
    h.send_header("Content-Type", "application/rss+xml")
    h.send_header("Connection", "close")
    h.end_headers()
    h.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel><title>')
    h._stream(b"endless " * 8192, None)


def _truncated(h: _Handler, q: dict, n: int) -> None:
    body = ok_feed(h.site.url, "trunc", 50)
    h._headers_only({"Content-Type": "application/rss+xml", "Content-Length": str(len(body) + 5000)})
    h.wfile.write(body[: len(body) // 2])
    h.wfile.flush()
    h.close_connection = True


def _gzip_bomb(h: _Handler, q: dict, n: int) -> None:
    h._send(200, gzip_bomb(), {"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"})


def _gzip_body(h: _Handler, q: dict, n: int) -> None:
    import gzip
    h._send(200, gzip.compress(ok_feed(h.site.url, "gz")), {"Content-Type": "application/x-gzip"})


def _redirect_loop(h: _Handler, q: dict, n: int) -> None:
    h._send(302, b"", {"Location": h.site.url + "/redirect-loop.xml"})


def _charset_wrong(h: _Handler, q: dict, n: int) -> None:
    h._send(200, cp1252_feed(h.site.url, declare=False, name="wrong"),
            {"Content-Type": "application/rss+xml; charset=utf-8"})


def _charset_missing(h: _Handler, q: dict, n: int) -> None:
    h._send(200, cp1252_feed(h.site.url, declare=False, name="missing"), {"Content-Type": "application/rss+xml"})


def _charset_header(h: _Handler, q: dict, n: int) -> None:
    h._send(200, cp1252_feed(h.site.url, declare=False, name="header-only"),
            {"Content-Type": "application/rss+xml; charset=windows-1252"})


def _fixed(body: bytes | Callable[[str], bytes], ctype: str = "application/rss+xml; charset=utf-8"):
    def route(h: _Handler, q: dict, n: int) -> None:
        h._send(200, body(h.site.url) if callable(body) else body, {"Content-Type": ctype})
    return route


def _big(h: _Handler, q: dict, n: int) -> None:
    h._send(200, big_feed(h.site.url, int(q.get("n", 10_000))))


def _flaky(h: _Handler, q: dict, n: int) -> None:
    if n <= int(q.get("fail", 1)):
        return h._send(500, b"try again later", {"Content-Type": "text/plain"})
    h._send(200, ok_feed(h.site.url, "flaky"))


def _header_flood(h: _Handler, q: dict, n: int) -> None:
    # Written straight to the socket: send_header() would buffer the endless headers here.
    h.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n")
    line = b"X-Flood-%d: " + b"x" * 8192 + b"\r\n"
    i = 0
    while not h.site.stopping.is_set():
        h.wfile.write(line % i)
        i += 1
    h.close_connection = True


ROUTES = {
    "/ok.xml": _ok, "/slow.xml": _slow, "/hang.xml": _hang, "/silent.xml": _silent, "/trickle.xml": _trickle,
    "/huge.xml": _huge, "/endless.xml": _endless, "/truncated.xml": _truncated, "/gzip-bomb.xml": _gzip_bomb,
    "/gzip-body.xml": _gzip_body, "/redirect-loop.xml": _redirect_loop, "/charset/wrong.xml": _charset_wrong,
    "/charset/missing.xml": _charset_missing, "/charset/header-only.xml": _charset_header,
    "/entity-bomb.xml": _fixed(ENTITY_BOMB), "/quadratic-bomb.xml": _fixed(QUADRATIC_BOMB),
    "/external-entity.xml": _fixed(EXTERNAL_ENTITY), "/big-feed.xml": _big,
    "/odd-items.xml": _fixed(odd_items_feed),
    "/not-a-feed.html": _fixed(b"<!doctype html><html><head><title>Home</title></head><body><p>Welcome</p></body></html>",
                               "text/html; charset=utf-8"),
    "/empty.xml": _fixed(b""), "/flaky.xml": _flaky, "/header-flood.xml": _header_flood,
}


class HostileServer:
    """Serve :data:`ROUTES` (and anything :meth:`add` registers) on 127.0.0.1 at a free port."""

    def __init__(self, host: str = HOST, port: int = 0):
        self.routes: dict[str, Callable] = dict(ROUTES)
        self.fixed: dict[str, tuple[int, bytes, dict, float]] = {}
        self.requests: dict[str, int] = {}
        self.arrived = threading.Condition()
        self.stopping = threading.Event()
        self.httpd = ThreadingHTTPServer((host, port), partial(_Handler, site=self))
        self.httpd.daemon_threads = True
        self.httpd.request_queue_size = 256
        self.url = f"http://{host}:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def add(self, path: str, body: bytes, status: int = 200, headers: dict | None = None, delay: float = 0) -> str:
        """Serve a fixed response at ``path`` (after ``delay`` seconds); returns its full URL."""
        self.fixed[path] = (status, body, dict(headers or {}), delay)
        return self.url + path

    def wait_for(self, path: str, count: int = 1, timeout: float = 30) -> bool:
        """Block until ``path`` was requested ``count`` times (True), or ``timeout`` seconds passed."""
        with self.arrived:
            return self.arrived.wait_for(lambda: self.requests.get(path, 0) >= count, timeout)

    def start(self) -> HostileServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()  # releases hanging and endless responses
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def one_source_config(directory, name: str, url: str, *crawl: str):
    """newswatch.toml in ``directory`` with the single source ``name`` at ``url``, politeness and
    article pages off, plus ``crawl`` lines for the [crawl] table."""
    cfg = directory / "newswatch.toml"
    cfg.write_text("\n".join([
        'database = "nw.db"', "[crawl]", "download_delay = 0", "obey_robots = false", "fetch_articles = false",
        *crawl, f'[[sources]]\nname = "{name}"\nurl = "{url}"',
    ]), encoding="utf-8")
    return cfg


if __name__ == "__main__":  # python tests/hostile_server.py: serve until interrupted
    with HostileServer() as server:
        print(server.url, flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
