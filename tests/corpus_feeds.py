"""The real-world feed corpora as newswatch sources: files, their HTTP headers, what they expect.

Shared by tests/test_corpora_feeds.py (every file through parse_feed, a sample
end to end) and tests/stress/test_corpora_full.py (every file end to end).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from conftest import CORPORA

from newswatch.formats.feeds import FeedError, ParsedFeed, html_to_text, parse_feed
from newswatch.formats.urls import canonical_url

FOLDERS = ("feedparser-tests", "feeds/reader-fixtures")
_HEADER = re.compile(rb"^\s*Header:\s*([A-Za-z-]+):[ \t]*(.*?)\s*$", re.M)
_EXPECT = re.compile(rb"^\s*Expect:\s*(.*?)\s*$", re.M)
_DEFAULT_TYPES = {".json": "application/json", ".html": "text/html", ".opml": "text/x-opml"}


def corpus_files() -> list[Path]:
    """Every file of the feed corpora, in a stable order (empty when ../shared/corpora is absent)."""
    return sorted(p for d in FOLDERS if (CORPORA / d).is_dir() for p in (CORPORA / d).rglob("*") if p.is_file())


@dataclass
class CorpusFeed:
    path: Path
    body: bytes
    headers: dict[str, str]  # as stated in a feedparser test's header comment, or a default Content-Type
    expect: list[tuple[int, str, str]] = field(default_factory=list)  # (entry index, "title"|"link", value)

    @property
    def name(self) -> str:
        return str(self.path.relative_to(CORPORA))

    @property
    def content_type(self) -> str | None:
        return self.headers.get("Content-Type")

    def parse(self, url: str) -> ParsedFeed | FeedError:
        """What parse_feed makes of this file fetched from ``url`` (the FeedError when it refuses it)."""
        try:
            return parse_feed(self.body, url, self.content_type)
        except FeedError as exc:
            return exc

    def expected(self, parsed: ParsedFeed, url: str) -> list[tuple[str, Any, str]]:
        """(what, entry, expected value) for each title or link the file's Expect: states.

        Only where entry N of feedparser is entry N of ours (no entry was skipped
        for want of a link), and not for links resolved against a Content-Location
        header or feedparser's own test server (newswatch resolves against the feed URL).
        """
        if parsed.skipped:
            return []
        out = []
        for n, what, value in self.expect:
            if n >= len(parsed.entries):
                continue
            if what == "title":
                out.append((what, parsed.entries[n], html_to_text(value)))
            elif "Content-Location" not in self.headers and "127.0.0.1:8097" not in value:
                out.append((what, parsed.entries[n], urljoin(url, value)))
        return out


def load(path: Path) -> CorpusFeed:
    body = path.read_bytes()
    head = body[:4096]
    headers = {k.decode("latin-1").title(): v.decode("latin-1") for k, v in _HEADER.findall(head)}
    if "Content-Type" not in headers:
        headers["Content-Type"] = _DEFAULT_TYPES.get(path.suffix, "application/xml")
    expect = []
    m = _EXPECT.search(head)
    if m:
        expect = _title_and_link_expectations(m.group(1).decode("utf-8", "replace"))
    return CorpusFeed(path, body, headers, expect)


def _title_and_link_expectations(expr: str) -> list[tuple[int, str, str]]:
    """``entries[N]['title'] == '...'`` (or ['title_detail']['value'], ['link']) found in an Expect: line."""
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError:
        return []
    out = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.Eq)):
            continue
        keys, target = [], node.left
        while isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant):
            keys.append(target.slice.value)
            target = target.value
        if not (isinstance(target, ast.Name) and target.id == "entries"):
            continue
        keys.reverse()
        if len(keys) < 2 or not isinstance(keys[0], int):
            continue
        what = {("title",): "title", ("title_detail", "value"): "title", ("link",): "link"}.get(tuple(keys[1:]))
        if what is None:
            continue
        try:  # string literals, possibly concatenated: evaluated with no names at all
            value = eval(compile(ast.Expression(node.comparators[0]), "<expect>", "eval"), {"__builtins__": {}})
        except Exception:  # noqa: BLE001 - anything else is not a plain expected string
            continue
        if isinstance(value, str):
            out.append((keys[0], what, value))
    return out


def serve(server, feeds: list[CorpusFeed]) -> list[tuple[str, str, CorpusFeed]]:
    """Register each file on ``server`` with its headers; (source name, URL, feed) for each."""
    out = []
    for i, feed in enumerate(feeds):
        url = server.add(f"/c/{i}/{feed.path.name}", feed.body, headers=feed.headers)
        out.append((f"c{i}", url, feed))
    return out


def config_text(sources: list[tuple[str, str, CorpusFeed]]) -> str:
    """A newswatch.toml reading every source in one run: no article pages, no robots.txt, no delay."""
    lines = ['database = "nw.db"', "[crawl]", "download_delay = 0", "fetch_articles = false",
             "obey_robots = false", "retries = 0", "timeout = 30", "concurrency_per_domain = 16", ""]
    for name, url, _ in sources:
        lines.append(f'[[sources]]\nname = "{name}"\nurl = "{url}"\n')
    return "\n".join(lines)


def check_run(db, sources: list[tuple[str, str, CorpusFeed]]) -> dict[str, int]:
    """Every source was fetched and ended as parse_feed says: its entries stored, or its error recorded.

    Returns counts for the report. Entries are looked up by canonical URL in
    the whole table: two files announcing the same URL share one item.
    """
    state = {r["name"]: r for r in db["sources"].rows}
    fetched = {r["source"]: r for r in db["fetches"].rows}
    stored = {r["canonical_url"]: r for r in db.query("select canonical_url, title, source from items")}
    counts = {"sources": len(sources), "ok": 0, "failed": 0, "entries": 0, "checked": 0}
    problems = []
    announced: dict[str, list[str]] = {}
    titles: list[tuple[str, str, str]] = []  # (file, canonical URL, expected title)
    for name, url, feed in sources:
        parsed = feed.parse(url)
        if name not in fetched:
            problems.append(f"{feed.name}: never fetched")
            continue
        error = state[name]["last_error"]
        if isinstance(parsed, FeedError):
            counts["failed"] += 1
            if not error or str(parsed) not in error:
                problems.append(f"{feed.name}: expected the error {parsed!s:.80}, got {error!r:.120}")
            continue
        counts["ok"] += 1
        if error:
            problems.append(f"{feed.name}: parses, yet the run recorded {error!r:.200}")
            continue
        if fetched[name]["items"] != len(parsed.entries):
            problems.append(f"{feed.name}: {len(parsed.entries)} entries, the run counted {fetched[name]['items']}")
        seen_guids: set[str] = set()
        for entry in parsed.entries:
            counts["entries"] += 1
            if entry.guid and entry.guid in seen_guids:
                continue  # the feed repeats a GUID: one entry of that feed, updated in place
            if entry.guid:
                seen_guids.add(entry.guid)
            announced.setdefault(canonical_url(entry.url), []).append(feed.name)
        for what, entry, want in feed.expected(parsed, url):
            counts["checked"] += 1
            got = entry.title if what == "title" else entry.url
            if got != want:
                problems.append(f"{feed.name}: {what} {got!r:.80} but Expect: says {want!r:.80}")
            elif what == "title":
                titles.append((feed.name, canonical_url(entry.url), want))
    missing = [(u, names) for u, names in announced.items() if u not in stored]
    problems += [f"{names[0]}: entry {u} is not stored" for u, names in missing[:20]]
    for name, u, want in titles:  # where one file alone announces the URL, the stored title is its title
        if len(announced.get(u, [])) == 1 and u in stored and stored[u]["title"] != want:
            problems.append(f"{name}: stored title {stored[u]['title']!r:.80}, Expect: says {want!r:.80}")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
    return counts
