"""A local news site for the demo and the tests: static files on 127.0.0.1, port 0.

Text files may hold the placeholder ``{{BASE}}``, replaced by the server's own
``http://127.0.0.1:PORT`` when served, so fixture feeds can carry absolute
links. Files are served with ETag and Last-Modified and answer conditional
requests with 304, as a well-behaved news site does.

Run ``python -m newswatch.demo.server DIR`` to serve a folder; it prints its URL.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import mimetypes
import sys
import threading
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

PLACEHOLDER = b"{{BASE}}"
_TEXT_SUFFIXES = {".xml", ".rss", ".atom", ".html", ".htm", ".json", ".txt", ".opml"}
_TYPES = {
    ".xml": "application/xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


class _Handler(BaseHTTPRequestHandler):
    server_version = "newswatch-fixture/1"

    def __init__(self, *args, site: SiteServer, **kwargs):
        self.site = site
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        self.site.requests.append(f"{self.command} {self.path}")

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        path = unquote(urlsplit(self.path).path)
        self.site.log.append((path, dict(self.headers)))
        target = (self.site.root / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if self.site.root not in target.parents and target != self.site.root or not target.is_file():
            self._send(404, b"not found", "text/plain")
            return
        body = target.read_bytes()
        if target.suffix in _TEXT_SUFFIXES:
            body = body.replace(PLACEHOLDER, self.site.url.encode())
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        modified = email.utils.formatdate(target.stat().st_mtime, usegmt=True)
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        ctype = _TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        for prefix, charset in self.site.charsets.items():
            if target.suffix == ".html" and path.lstrip("/").startswith(prefix):
                ctype = f"text/html; charset={charset}"
        self._send(200, body, ctype, {"ETag": etag, "Last-Modified": modified})

    def _send(self, code: int, body: bytes, ctype: str, headers: dict | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)


class SiteServer:
    """Serve ``root`` on 127.0.0.1 at a free port in a background thread.

    Use as a context manager; ``url`` is the base URL, ``log`` lists
    (path, request headers) of every GET.
    """

    def __init__(self, root: str | Path, host: str = "127.0.0.1", port: int = 0):
        self.root = Path(root).resolve()
        self.log: list[tuple[str, dict]] = []
        self.requests: list[str] = []
        # Outlets whose pages are not UTF-8 and say so only in the Content-Type header.
        charsets = self.root / "charsets.json"
        self.charsets: dict[str, str] = json.loads(charsets.read_text()) if charsets.is_file() else {}
        self.httpd = ThreadingHTTPServer((host, port), partial(_Handler, site=self))
        self.httpd.daemon_threads = True
        self.url = f"http://{host}:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> SiteServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    """Serve a folder until interrupted, printing the URL first (for subprocess use)."""
    argv = sys.argv[1:] if argv is None else argv
    root = argv[0] if argv else str(Path(__file__).parent / "site")
    server = SiteServer(root)
    print(server.url, flush=True)
    try:
        server.httpd.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
