"""The feeds spider: every due ``feed`` source, parsed with feedparser.

Conditional GET with the stored ETag and Last-Modified, so an unchanged feed
costs a 304; a body whose hash has not changed is not parsed again. Where a
source asks for full text, each new entry's page is fetched and extracted.
"""

from __future__ import annotations

import re
import time
from typing import Any, AsyncIterator

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from ... import storage
from ...formats.articles import extract_article
from ..context import FetchResult, RunContext
from ...formats.feeds import FeedError
from ...formats.items import NewsItem
from ..items import NewsBatch
from ...formats.owners import same_site
from ...formats.urls import canonical_url, url_problem
from .base import emit, look_up, response_header, unchanged_since_last_fetch


class FeedsSpider(scrapy.Spider):
    """Fetch feed sources and yield one :class:`NewsItem` per entry."""

    name = "feeds"
    kinds = ("feed",)

    def __init__(self, context: RunContext | None = None, config: str | None = None,
                 source: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if context is None:
            # `scrapy crawl feeds -a config=newswatch.toml` from the project root.
            from ..prepare import prepare_context
            context = prepare_context(config, [source] if source else None)
        self.context = context

    async def start(self) -> AsyncIterator[Any]:
        for src in self.context.sources:
            if src.kind not in self.kinds:
                continue
            state = self.context.state.get(src.name, {})
            headers = {}
            if state.get("etag"):
                headers["If-None-Match"] = state["etag"]
            if state.get("last_modified"):
                headers["If-Modified-Since"] = state["last_modified"]
            self.context.results[src.name] = FetchResult(source=src.name, url=src.url)
            yield scrapy.Request(
                src.url, headers=headers, callback=self.parse_feed, errback=self.feed_failed,
                meta={"source": src, "started": time.monotonic(),
                      "handle_httpstatus_list": [304]},
                dont_filter=True,
            )

    def _result(self, src, response_or_failure) -> FetchResult:
        res = self.context.results[src.name]
        started = response_or_failure.meta.get("started") if hasattr(response_or_failure, "meta") else None
        if started:
            res.duration_ms = int((time.monotonic() - started) * 1000)
        return res

    async def parse_feed(self, response: Response):
        src = response.meta["source"]
        res = self._result(src, response)
        try:
            async for out in self._read_feed(src, response, res):
                yield out
        except Exception as exc:  # noqa: BLE001
            # Whatever it was, the fetch must not pass as "200, 0 items" and keep its body
            # hash: the feed would then be "unchanged" and its entries never stored.
            self.logger.warning("source %s: reading %s failed", src.name, response.url, exc_info=True)
            res.ok = False
            res.error = f"{response.url}: entries not read ({type(exc).__name__}: {exc})"[:300]
            res.etag = res.last_modified = res.body_hash = None
        self._report(res)

    async def _read_feed(self, src, response: Response, res: FetchResult):
        if unchanged_since_last_fetch(self, src, response, res):
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
        if parsed.bad_links:  # skipped and counted: the feed's other entries are stored
            self.logger.warning("source %s: %s", src.name, parsed.warning)
        res.items = len(entries)
        fetch_pages = self.context.fetch_articles_for(src)

        def needs_page(item: NewsItem, known_id: str | None) -> bool:
            return fetch_pages and not item.body and not known_id

        # Entries another feed of this run already carried are left out.
        found, over_entries, over_pages = within_limits(
            look_up(self, entries), self.context.config.crawl.max_entries, src.max_articles, needs_page)
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
            res.etag = res.last_modified = res.body_hash = None
        ready = []
        for item, known_id in found:
            item.known_id, item.looked_up = known_id, True
            if needs_page(item, known_id):
                # The page's text (and maybe its canonical URL) will replace the feed's.
                item.derived = item.looked_up = False
                res.pending += 1
                yield scrapy.Request(
                    item.canonical_url, callback=self.parse_article, errback=self.article_failed,
                    meta={"item": item, "source": src}, dont_filter=True,
                )
            else:
                ready.append(item)
        for batch in emit(ready, src.name):
            yield batch

    def parse_article(self, response: Response):
        item: NewsItem = response.meta["item"]
        self.context.article_done(item.source)
        try:
            page = extract_article(response.body, response.url, response_header(response, "Content-Type"))
        except ValueError as exc:  # a rel=canonical urljoin cannot split ("http://[x/")
            self.logger.info("article page %s not read (%s); keeping the feed's summary", response.url, exc)
            page = dict.fromkeys(("body", "title", "author", "published", "canonical_url"))
        if page["body"]:
            item.body = page["body"]
        if page["canonical_url"] and not url_problem(page["canonical_url"]):
            item.declared_canonical_url = canonical_url(page["canonical_url"])
        # A page speaks for its own site only: a rel=canonical on another site is kept as
        # declared_canonical_url, not taken as the item's identity (see formats/owners.py).
        if item.declared_canonical_url and same_site(item.declared_canonical_url, response.url):
            item.canonical_url = item.declared_canonical_url
        elif response.url != item.url:
            item.canonical_url = canonical_url(response.url)  # followed a redirect
        if not item.title and page["title"]:
            item.title = page["title"]
        if not item.author and page["author"]:
            item.author = page["author"]
        if not item.published and page["published"]:
            item.published = page["published"] + "T00:00:00Z" if len(page["published"]) == 10 else page["published"]
        yield NewsBatch([item], source=item.source)

    def article_failed(self, failure: Failure):
        # The page could not be read: keep what the feed said rather than lose the item.
        request = failure.request
        item: NewsItem = request.meta["item"]
        self.context.article_done(item.source)
        self.logger.info("article page %s failed (%s); keeping the feed's summary",
                         request.url, failure.getErrorMessage())
        yield NewsBatch([item], source=item.source)

    def feed_failed(self, failure: Failure):
        request = failure.request
        src = request.meta["source"]
        res = self._result(src, request)
        res.ok = False
        res.body_hash = None
        status = getattr(getattr(failure.value, "response", None), "status", None)
        res.status = str(status) if status else "error"
        res.error = f"{src.url}: {_describe_failure(failure, max_bytes=self.settings.getint('DOWNLOAD_MAXSIZE'))}"
        self._report(res)

    def _report(self, res: FetchResult) -> None:
        if self.context.on_fetch:
            self.context.on_fetch(res)


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


def _describe_failure(failure: Failure, max_bytes: int | None = None) -> str:
    """One line saying what went wrong with a request, in the user's terms (and which setting applies)."""
    from scrapy.exceptions import (CannotResolveHostError, DownloadCancelledError, DownloadConnectionRefusedError,
                                   DownloadTimeoutError, IgnoreRequest, ResponseDataLossError)
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TCPTimedOutError, TimeoutError

    from ..download import ResponseHeadersTooLarge

    v = failure.value
    request = getattr(failure, "request", None)
    meta = getattr(request, "meta", {}) or {}
    if isinstance(v, HttpError):
        return f"HTTP {v.response.status}"
    if failure.check(DNSLookupError, CannotResolveHostError):
        return "DNS lookup failed: host not found"
    if failure.check(TimeoutError, TCPTimedOutError, DownloadTimeoutError):
        # Scrapy's timeout covers the whole download: a server that never finishes ends here.
        seconds = meta.get("download_timeout")
        return (f"timed out after {seconds:g} s without a complete response ([crawl] timeout)"
                if seconds else "timed out")
    if failure.check(ConnectionRefusedError, DownloadConnectionRefusedError):
        return "connection refused"
    limit = _megabytes(meta.get("download_maxsize") or max_bytes)
    if failure.check(DownloadCancelledError):
        # Scrapy cancels a download whose declared or received size passes DOWNLOAD_MAXSIZE.
        declared = re.search(r"Expected to receive (\d+) bytes", str(v))
        size = f"declares {_megabytes(int(declared.group(1)))}, " if declared else ""
        return f"response {size}larger than {limit or 'the size limit'} ([crawl] max_bytes); not downloaded"
    if failure.check(ResponseHeadersTooLarge):
        return str(v)  # "response headers larger than 64 KB; not read"
    if failure.check(ResponseDataLossError):
        return "connection closed before the whole body arrived (shorter than its Content-Length)"
    if isinstance(v, IgnoreRequest):
        msg = str(v)
        if "robots" in msg.lower():
            return "forbidden by robots.txt"
        if "max redirections" in msg:
            chain = [*meta.get("redirect_urls", []), request.url] if request else []
            hops = len(chain) - 1
            if len(set(chain)) < len(chain):
                return f"redirect loop: {' -> '.join(dict.fromkeys(chain))} -> back again"
            return f"too many redirects (gave up after {hops}): {chain[0]} -> ... -> {chain[-1]}" if chain \
                else "too many redirects"
        if "DOWNLOAD_MAXSIZE" in msg and "decompress" in msg:
            return f"compressed response inflates past {limit or 'the size limit'} ([crawl] max_bytes); not read"
        return msg or "request ignored"
    return f"{type(v).__name__}: {v}"[:300]


def _megabytes(n: int | None) -> str | None:
    if not n:
        return None
    return f"{n / (1024 * 1024):g} MB" if n >= 1024 * 1024 else f"{n} bytes"
