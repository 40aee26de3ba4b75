"""The feeds spider: every due ``feed`` source, parsed with feedparser.

Conditional GET with the stored ETag and Last-Modified, so an unchanged feed
costs a 304; a body whose hash has not changed is not parsed again. Where a
source asks for full text, each new entry whose feed text is a teaser (see
:mod:`newswatch.formats.teasers`) has its page fetched and extracted.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy.http import Response

from ... import storage
from ...formats.feeds import FeedError
from ...formats.items import NewsItem
from ...formats.teasers import is_teaser
from ..context import FetchResult
from .base import NewswatchSpider, emit, response_header


class FeedsSpider(NewswatchSpider):
    """Fetch feed sources and yield one :class:`NewsItem` per entry."""

    name = "feeds"
    kinds = ("feed",)

    async def start(self) -> AsyncIterator[Any]:
        for request in self.source_requests(self.parse_feed):
            yield request

    async def parse_feed(self, response: Response):
        src = response.meta["source"]
        res = self._result(src, response)
        try:
            async for out in self._read_feed(src, response, res):
                yield out
        except Exception as exc:  # noqa: BLE001 - any failure, reported on the source
            self._entries_not_read(src, response, res, exc)
        self._report(res)

    async def _read_feed(self, src, response: Response, res: FetchResult):
        if self.unchanged_since_last_fetch(src, response, res):
            return
        try:
            parsed, entries = await self.context.feed_parser.read(
                response.body, response.url, response_header(response, "Content-Type"),
                source=src.name, lang=src.lang, fetched_at=storage.now_iso(),
                max_bytes=response.meta.get("download_maxsize") or self.settings.getint("DOWNLOAD_MAXSIZE"))
        except FeedError as exc:
            res.ok = False
            res.error = f"{response.url}: {exc}"
            res.body_hash = None
            return
        res.warning = parsed.warning
        # Recorded on the fetch, so `newswatch status` shows the gap, not only this run's console.
        res.skipped = parsed.skipped + parsed.bad_links
        res.skipped_why = parsed.skipped_why
        # The outlet's name in alerts; a news search's feed title names the search, not an outlet.
        res.feed_title = (parsed.title or None) if src.kind != "search" else None
        if parsed.bad_links:  # skipped and counted: the feed's other entries are stored
            self.logger.warning("source %s: %s", src.name, parsed.warning)
        res.items = len(entries)
        fetch_pages = self.context.fetch_articles_for(src)

        def needs_page(item: NewsItem, known_id: str | None) -> bool:
            # The page is fetched when the feed's text is a teaser, even in content:encoded.
            return fetch_pages and not known_id and is_teaser(max(item.body, item.summary, key=len))

        # Entries another feed of this run already carried are left out.
        found, over_entries, over_pages = within_limits(
            self.look_up(entries), self.context.config.crawl.max_entries, src.max_articles, needs_page)
        if over_entries or over_pages:
            notes = [res.warning] if res.warning else []
            if over_pages:
                notes.append(f"{over_pages} new entries left for the next run "
                             f"(max_articles = {src.max_articles} pages per run)")
            if over_entries:
                notes.append(f"{over_entries} new entries left for the next run "
                             f"([crawl] max_entries = {self.context.config.crawl.max_entries})")
            res.warning = "; ".join(notes)
            # No validators: the next run must read this feed again for what was left,
            # not find it "not-modified" or "unchanged".
            res.read_again()
        ready = []
        for item, known_id in found:
            item.known_id, item.looked_up = known_id, True
            if needs_page(item, known_id):
                # The page's text (and maybe its canonical URL) will replace the feed's.
                item.normalized = item.derived = item.looked_up = False
                yield self.article_request(item, src)
            else:
                ready.append(item)
        for batch in emit(ready, src.name):
            yield batch


def within_limits(found: list[tuple[NewsItem, str | None]], max_entries: int, max_pages: int,
                  needs_page) -> tuple[list[tuple[NewsItem, str | None]], int, int]:
    """Which of a feed's looked-up entries this run handles, and how many new ones wait.

    ``found`` is ``(item, id of the stored item or None)`` per entry. New
    entries come first, newest first (undated ones last), at most
    ``max_entries`` of them and at most ``max_pages`` of those whose page
    ``needs_page(item, known_id)``; entries stored before fill what room is
    left of ``max_entries`` (they are only refreshed). The rest wait for a
    later run, which reads the feed again and finds them new. Returns the
    entries to handle, in the feed's order, and the new entries left over
    ``max_entries`` and over ``max_pages``.
    """
    order = sorted(range(len(found)), key=lambda i: found[i][0].published or "", reverse=True)
    new: list[int] = []
    known: list[int] = []
    pages = over_entries = over_pages = 0
    for i in order:
        item, known_id = found[i]
        if known_id is not None:
            known.append(i)
        elif len(new) >= max_entries:
            over_entries += 1
        elif needs_page(item, known_id):
            if pages >= max_pages:
                over_pages += 1
                continue
            pages += 1
            new.append(i)
        else:
            new.append(i)
    keep = sorted(new + known[:max(0, max_entries - len(new))])
    return [found[i] for i in keep], over_entries, over_pages
