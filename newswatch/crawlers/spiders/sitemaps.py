"""The sitemaps spider: news sitemaps, sitemap indexes, .gz, text sitemaps and robots.txt.

Only entries newer than the source's last complete fetch (less a day of
overlap, because sitemaps are often regenerated late) and not stored yet
become article requests, newest first and at most ``max_articles`` per run.
A sitemap is fetched conditionally (ETag, Last-Modified); a sitemap index or
robots.txt is read each time, and its child sitemaps only when their
``lastmod`` is newer than that cutoff (or missing).
A news sitemap's ``<news:title>``, publication date (news or video) and
language fill the item; the article page adds the text, and the date when
the sitemap gives none. ``<lastmod>`` is kept in ``items.lastmod`` and is
never taken for a publication date. Entries without any date are read on
a source's first fetch only (we cannot tell a new one from an old one).

Gaps are recorded on the fetch (``skipped``, ``skipped_why``): entries
without a usable ``<loc>``, bad links, entries cut off by a truncated body,
undated entries after the first fetch. A robots.txt or sitemap index none
of whose sitemaps could be read is a failed fetch, not "0 items"; when only
some fail, the fetch succeeds with a warning.

Why not Scrapy's SitemapSpider: its parser keeps only the direct children of
``<url>`` (the news title and date are nested), and it has no conditional GET
or "newer than last time" filter.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from ... import storage
from ...formats.sitemaps import SitemapError, parse_sitemap, skips_text
from ...schedule import iso, parse_time
from .base import NewswatchSpider, describe_failure, emit, response_header

#: How far before the last complete fetch entries are still considered.
OVERLAP = timedelta(days=1)
#: Child sitemaps (of an index or robots.txt) read per source per run, newest first.
MAX_CHILD_SITEMAPS = 20
MAX_DEPTH = 3


class SitemapsSpider(NewswatchSpider):
    """Fetch sitemap sources; yield items for their new entries."""

    name = "sitemaps"
    kinds = ("sitemap",)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._open: dict[str, int] = {}  # source -> sitemap documents still to read
        self._budget: dict[str, int] = {}  # source -> article requests still allowed this run
        self._children: dict[str, int] = {}  # source -> child sitemaps requested
        self._notes: dict[str, list[str]] = {}
        self._skips: dict[str, dict[str, int]] = {}  # source -> why -> entries skipped
        self._top: dict[str, str] = {}  # source -> kind of its own document (robots, sitemapindex ...)
        # Below the source's own document: sitemaps that failed (why), and those read
        # that count as success (a urlset, or an index that asked for nothing more).
        self._failed: dict[str, list[str]] = {}
        self._read: dict[str, int] = {}

    async def start(self) -> AsyncIterator[Any]:
        for request in self.source_requests(self.parse_sitemap):
            src = request.meta["source"]
            self._open[src.name] = 1
            self._budget[src.name] = src.max_articles
            self._children[src.name] = 0
            self._skips[src.name], self._failed[src.name], self._read[src.name] = {}, [], 0
            request.meta["depth"] = 0
            yield request

    def parse_sitemap(self, response: Response):
        src = response.meta["source"]
        depth = response.meta.get("depth", 0)
        res = self.context.results[src.name]
        try:
            if depth == 0:
                res = self._result(src, response)
                if self.unchanged_since_last_fetch(src, response, res):
                    return
            try:
                # A .gz body inflates within [crawl] max_bytes, as HTTP's gzip does. A body
                # without a declared length ("partial": it ended when the connection closed)
                # may be cut short, which a text sitemap cannot show by itself.
                parsed = parse_sitemap(response.body, response.url, self.settings.getint("DOWNLOAD_MAXSIZE"),
                                       response_header(response, "Content-Type"),
                                       length_known="partial" not in response.flags)
            except SitemapError as exc:
                if depth == 0:
                    res.ok, res.body_hash, res.error = False, None, f"{response.url}: {exc}"
                else:
                    self._child_failed(src, response.url, str(exc))
                return
            if depth == 0:
                self._top[src.name] = parsed.kind
            self._skipped(src, parsed.skips)
            if parsed.warning:
                self._note(src, f"{response.url}: {parsed.warning}")
            if parsed.bad_links:  # skipped and counted: the sitemap's other entries are read
                self.logger.warning("source %s: %s: %s", src.name, response.url, parsed.bad_links_note())
            if parsed.kind in ("robots", "sitemapindex"):
                if depth == 0:
                    # What changes is in the child sitemaps: an index or a robots.txt
                    # answering 304 would hide it. They are small; read them each time.
                    res.read_again()
                if depth == 0 and not parsed.sitemaps:
                    res.ok, res.body_hash = False, None
                    res.error = f"{response.url}: " + ("robots.txt names no Sitemap" if parsed.kind == "robots"
                                                       else "the sitemap index lists no sitemap")
                    return
                children = list(self._follow(src, parsed.sitemaps, depth))
                if depth and not children:
                    self._read[src.name] += 1  # read, and nothing below it is new
                yield from children
            else:
                if depth:
                    self._read[src.name] += 1
                yield from self._entries(src, parsed.entries)
        except Exception as exc:  # noqa: BLE001 - any failure, reported on the source
            self._entries_not_read(src, response, res, exc)
        finally:
            self._done(src)

    def _follow(self, src, children, depth: int):
        if depth >= MAX_DEPTH:
            self._note(src, f"sitemaps nested deeper than {MAX_DEPTH} levels were not read")
            return
        cutoff = self._cutoff(src)
        fresh = [c for c in children if not (cutoff and c.lastmod and c.lastmod <= cutoff)]
        fresh.sort(key=lambda c: c.lastmod or "", reverse=True)
        room = MAX_CHILD_SITEMAPS - self._children[src.name]
        if len(fresh) > room:
            self._note(src, f"{len(fresh) - room} more sitemaps listed than are read per run ({MAX_CHILD_SITEMAPS})")
        for child in fresh[:max(room, 0)]:
            self._children[src.name] += 1
            self._open[src.name] += 1
            yield scrapy.Request(child.loc, callback=self.parse_sitemap, errback=self.sitemap_failed,
                                 meta={"source": src, "depth": depth + 1}, dont_filter=True)

    def _entries(self, src, entries):
        res = self.context.results[src.name]
        res.items += len(entries)
        cutoff = self._cutoff(src)
        first = storage.last_complete_fetch(self.context.db, src.name) is None
        fresh, undated = [], 0
        for e in entries:
            # lastmod (or the publication date) tells what changed since the last fetch.
            if e.changed is None and not first:
                undated += 1
            elif not (cutoff and e.changed and e.changed <= cutoff):
                fresh.append(e)
        if undated:
            self._note(src, f"{undated} entries without a date were skipped (read on the first fetch only)")
            self._skipped(src, {"undated (read on a first fetch only)": undated})
        # Newest first, by publication where the sitemap says it (a regenerated sitemap may give
        # every entry today's lastmod); undated ones keep their order, last.
        fresh.sort(key=lambda e: e.published or e.lastmod or "", reverse=True)
        fetched_at = storage.now_iso()
        items = []
        for e in fresh:
            item = e.item()
            item.source, item.fetched_at, item.lang = src.name, fetched_at, item.lang or src.lang
            items.append(item)
        new = self.unknown(items)
        over = max(0, len(new) - self._budget[src.name])
        if over:
            self._note(src, f"{over} new entries left for later runs (max_articles = {src.max_articles})")
            # Keep no validators: an unchanged sitemap must still be read for what was left.
            res.read_again()
        new = new[:self._budget[src.name]]
        self._budget[src.name] -= len(new)
        if not self.context.fetch_articles_for(src):
            yield from emit(new, src.name)
            return
        for item in new:
            yield self.article_request(item, src)

    def sitemap_failed(self, failure: Failure):
        src = failure.request.meta["source"]
        self._child_failed(src, failure.request.url, describe_failure(failure))
        self._done(src)

    def _child_failed(self, src, url: str, why: str) -> None:
        self._failed[src.name].append(f"{url}: {why}")
        self._note(src, f"{url}: {why}")

    def _skipped(self, src, skips: dict[str, int]) -> None:
        mine = self._skips[src.name]
        for why, n in skips.items():
            mine[why] = mine.get(why, 0) + n

    def _cutoff(self, src) -> str | None:
        last = parse_time(storage.last_complete_fetch(self.context.db, src.name))
        return iso(last - OVERLAP) if last else None

    def _note(self, src, text: str) -> None:
        notes = self._notes.setdefault(src.name, [])
        notes.append(text)
        res = self.context.results[src.name]
        res.warning = "; ".join(notes[:3]) + (f" (+{len(notes) - 3} more)" if len(notes) > 3 else "")

    def _done(self, src) -> None:
        """One sitemap document of ``src`` handled; report the source when none is left."""
        self._open[src.name] -= 1
        if self._open[src.name] == 0:
            res = self.context.results[src.name]
            res.skipped = sum(self._skips[src.name].values())
            res.skipped_why = skips_text(self._skips[src.name])
            failed = self._failed[src.name]
            if res.ok and failed and not self._read[src.name]:
                # Every sitemap it leads to failed: nothing was read, and "200, 0 items"
                # would hide it. Some failing and some read is a success with a warning.
                res.ok, res.body_hash, res.etag, res.last_modified = False, None, None, None
                what = "robots.txt names" if self._top.get(src.name) == "robots" else "the index lists"
                res.error = (f"{src.url}: none of the sitemaps {what} could be read "
                             f"({len(failed)} failed): {failed[0]}")[:500]
            self._report(res)
