"""Helpers for the tests of sitemap, site, page and search sources, and of `newswatch watch`.

:class:`FixtureSite` is the demo's SiteServer (static files, {{BASE}}, ETag/304)
plus ``routes``: paths that answer what a test needs instead of a file
(redirects, errors, slow answers). Everything listens on 127.0.0.1 port 0.
"""

from __future__ import annotations

import shutil
import textwrap
from functools import partial
from pathlib import Path
from urllib.parse import unquote, urlsplit

import sqlite_utils

from newswatch.demo.server import SiteServer, _Handler

SITES = Path(__file__).parent / "fixtures" / "sites"


class _RoutingHandler(_Handler):
    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        path = unquote(urlsplit(self.path).path)
        route = self.site.routes.get(path)
        if route is None:
            return super().do_GET()
        self.site.log.append((path, dict(self.headers)))
        status, headers, body = route(self) if callable(route) else route
        headers = dict(headers)
        self._send(status, body, headers.pop("Content-Type", "text/plain; charset=utf-8"), headers)


class FixtureSite(SiteServer):
    """A copy of ``tests/fixtures/sites/NAME`` served locally, with routes for misbehaviour."""

    def __init__(self, root: Path):
        super().__init__(root)
        self.routes: dict[str, object] = {}
        self.httpd.RequestHandlerClass = partial(_RoutingHandler, site=self)

    def redirect(self, path: str, target: str, status: int = 302) -> None:
        self.routes[path] = (status, {"Location": self.url + target}, b"")

    def fail(self, path: str, status: int = 500) -> None:
        self.routes[path] = (status, {}, b"server error")

    def requested(self, prefix: str = "/") -> list[str]:
        return [p for p, _ in self.log if p.startswith(prefix)]


def serve(tmp_path: Path, name: str) -> FixtureSite:
    """Copy a fixture site into ``tmp_path`` (tests may edit it) and serve it; use as a context manager."""
    root = tmp_path / name
    shutil.copytree(SITES / name, root)
    return FixtureSite(root)


def config(directory: Path, sources: str, rules: str = "", extra: str = "", notify: str = "") -> Path:
    """A newswatch.toml with fast, offline-friendly crawl settings and the given [[sources]] text."""
    text = "\n".join([
        'database = "nw.db"',
        "[crawl]",
        'user_agent = "newswatch-tests (+mailto:tests@example.org)"',
        "download_delay = 0",
        "timeout = 30",  # generous: the suite may share the machine with other suites
        "retries = 0",
        'jitter = "0s"',
        textwrap.dedent(extra),
        textwrap.dedent(notify),
        textwrap.dedent(sources),
        textwrap.dedent(rules),
    ])
    path = directory / "newswatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


def db(directory: Path) -> sqlite_utils.Database:
    return sqlite_utils.Database(directory / "nw.db")


def items_by_path(directory: Path, base: str, source: str | None = None) -> dict[str, dict]:
    """Stored items keyed by their canonical URL's path on the fixture site."""
    rows = db(directory)["items"].rows_where("source = ?", [source]) if source else db(directory)["items"].rows
    return {r["canonical_url"].removeprefix(base): r for r in rows}
