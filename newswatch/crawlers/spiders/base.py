"""What the five spiders (feeds, search, sitemaps, sites, pages) share: :class:`NewswatchSpider`.

Each spider reads one kind of source; all of them take the run's
:class:`~newswatch.crawlers.context.RunContext`, fetch a source's first
document conditionally, keep its :class:`FetchResult` and report it when the
source is done, look their items up before fetching pages, fetch article
pages for full text (keeping what the source said when a page fails) and
say in the user's terms why a request failed.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterable, Iterator
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from ... import storage
from ...config import Source
from ...formats.feeds import size_text
from ...formats.items import NewsItem
from ...formats.links import MAX_LINKS
from ...formats.owners import same_site
from ...formats.teasers import page_is_fuller
from ...formats.urls import canonical_url, url_problem
from ..batches import NewsBatch
from ..context import FetchResult, RunContext
from ..derive import fallback_title

#: Items per batch: large enough that Scrapy's per-item cost is paid rarely, small
#: enough that a 10,000-entry feed does not hold the reactor for seconds at a time.
MAX_BATCH = 200


class NewswatchSpider(scrapy.Spider):
    """A spider for the sources of :attr:`kinds` in one run (see the module docstring).

    Subclasses set ``name`` and ``kinds``, start with
    :meth:`source_requests` and call :meth:`_report` once per source when it
    is done.
    """

    kinds: tuple[str, ...] = ()

    def __init__(self, context: RunContext | None = None, config: str | None = None,
                 source: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if context is None:
            # `scrapy crawl feeds -a config=newswatch.toml` from the project root.
            from ..prepare import prepare_context
            context = prepare_context(config, [source] if source else None)
        self.context = context

    def source_requests(self, callback) -> Iterator[scrapy.Request]:
        """The first request of each of the run's sources of :attr:`kinds`, conditional."""
        ctx = self.context
        for src in ctx.sources:
            if src.kind not in self.kinds:
                continue
            ctx.results[src.name] = FetchResult(source=src.name, url=src.url)
            yield scrapy.Request(
                src.url, headers=conditional_headers(ctx.state.get(src.name)), callback=callback,
                errback=self.source_failed, dont_filter=True,
                meta={"source": src, "started": time.monotonic(), "handle_httpstatus_list": [304]},
            )

    def _result(self, src: Source, response_or_failure) -> FetchResult:
        """``src``'s result, with the time its first request took."""
        res = self.context.results[src.name]
        started = response_or_failure.meta.get("started") if hasattr(response_or_failure, "meta") else None
        if started:
            res.duration_ms = int((time.monotonic() - started) * 1000)
        return res

    def _entries_not_read(self, src: Source, response: Response, res: FetchResult, exc: Exception) -> None:
        """Fail a fetch whose entries raised something unforeseen while being read.

        Whatever it was, the fetch must not pass as "200, 0 items" and keep its
        validators: the document would then be "unchanged" and its entries never stored.
        """
        self.logger.warning("source %s: reading %s failed", src.name, response.url, exc_info=True)
        res.ok = False
        res.error = res.error or entries_not_read(response.url, exc)
        res.read_again()

    def _report(self, res: FetchResult) -> None:
        """``res``'s source is done: tell whoever watches the run."""
        if self.context.on_fetch:
            self.context.on_fetch(res)

    def source_failed(self, failure: Failure):
        """A source's first request failed: the fetch failed, and says why."""
        request = failure.request
        src = request.meta["source"]
        res = self._result(src, request)
        res.ok = False
        res.body_hash = None
        status = getattr(getattr(failure.value, "response", None), "status", None)
        res.status = str(status) if status else "error"
        res.error = f"{src.url}: {describe_failure(failure, max_bytes=self.settings.getint('DOWNLOAD_MAXSIZE'))}"
        self._report(res)

    def unchanged_since_last_fetch(self, src: Source, response: Response, res: FetchResult) -> bool:
        """Record the response's status and validators; True when there is nothing new to read.

        That is a 304 (status "not-modified") or a body identical to the last one
        (status "unchanged"); the caller reports the fetch and stops.
        """
        res.status = str(response.status)
        if response.status == 304:
            res.status = "not-modified"
            return True
        res.etag = response_header(response, "ETag")
        res.last_modified = response_header(response, "Last-Modified")
        res.body_hash = hashlib.sha256(response.body).hexdigest()
        if res.body_hash == (self.context.state.get(src.name) or {}).get("body_hash"):
            res.status = "unchanged"
            return True
        return False

    def look_up(self, items: Iterable[NewsItem]) -> list[tuple[NewsItem, str | None]]:
        """The items this source is to handle in this run, each with the id of the stored item it
        already is (by URL, or by GUID among its source's items), or None: one query per source.

        An item whose URL another source of this run handles is left out and recorded as that
        source's sighting, unless this source is the site of the URL and the other is not (see
        :meth:`RunContext.claim_url`). A stored row of a foreign source that this source may take
        over counts as unknown (see :func:`newswatch.storage.store_batch`).
        """
        ctx = self.context
        claimed = []
        for item in items:
            item.native = ctx.publishes(item.source, item.canonical_url)
            if ctx.claim_url(item.canonical_url, item.source, item.native):
                claimed.append(item)
            elif ctx.claimed_by(item.canonical_url) != item.source:
                ctx.sighted(storage.item_id_for(item.canonical_url), item.source, item.url, item.fetched_at)
        ids = [item.id if item.normalized else storage.item_id_for(item.canonical_url) for item in claimed]
        known: dict[str, dict[str, str]] = {}
        for source in dict.fromkeys(item.source for item in claimed):
            mine = [(item, item_id) for item, item_id in zip(claimed, ids) if item.source == source]
            known[source] = storage.find_existing_many(ctx.db, [item_id for _, item_id in mine],
                                                       [item.guid for item, _ in mine], source=source,
                                                       takeover=[item_id for item, item_id in mine if item.native])
        return [(item, known[item.source].get(item_id) or (known[item.source].get(item.guid) if item.guid else None))
                for item, item_id in zip(claimed, ids)]

    def unknown(self, items: Iterable[NewsItem]) -> list[NewsItem]:
        """The items no other source claimed in this run and the database does not hold yet.

        Those stored already are noted as sightings (storage drops the ones of the
        item's own source), since they go no further.
        """
        ctx = self.context
        new = []
        for item, known_id in self.look_up(items):
            if known_id is None:
                new.append(item)
            else:
                ctx.sighted(known_id, item.source, item.url, item.fetched_at)
        return new

    def article_request(self, item: NewsItem, src: Source, **meta: Any) -> scrapy.Request:
        """A request for ``item``'s page, counted as pending until it is handled."""
        self.context.results[src.name].pending += 1
        return scrapy.Request(item.canonical_url, callback=self.parse_article, errback=self.article_failed,
                              meta={"item": item, "source": src, **meta}, dont_filter=True)

    def parse_article(self, response: Response):
        """The item with its page's text, and the page's title, author, date and canonical URL
        where the source gave none."""
        # Loaded on the first article page: trafilatura and its parsers take 0.2-0.4 s to
        # import, which a run of feeds that carry their text never needs.
        from ...formats.articles import extract_article

        item: NewsItem = response.meta["item"]
        self.context.article_done(item.source)
        try:
            page = extract_article(response.body, response.url, response_header(response, "Content-Type"))
        except ValueError as exc:  # a rel=canonical urljoin cannot split ("http://[x/")
            self.logger.info("article page %s not read (%s); keeping the feed's summary", response.url, exc)
            page = dict.fromkeys(("body", "title", "author", "published", "canonical_url", "links"))
        if page_is_fuller(item.body, page["body"] or ""):
            # A teaser the feed gave as content is not kept beside the page's text;
            # the summary stays as the feed gave it. A page with less keeps the feed's.
            item.body = page["body"]
        if page["links"]:  # the entry's links first; the page adds those it alone has
            item.links = list(dict.fromkeys([*item.links, *page["links"]]))[:MAX_LINKS]
        if page["canonical_url"] and not url_problem(page["canonical_url"]):
            item.declared_canonical_url = canonical_url(page["canonical_url"])
        # A page speaks for its own site only: a rel=canonical on another site is kept as
        # declared_canonical_url, not taken as the item's identity (see formats/owners.py).
        if item.declared_canonical_url and same_site(item.declared_canonical_url, response.url):
            item.canonical_url = item.declared_canonical_url
        elif response.url != item.url:
            item.canonical_url = canonical_url(response.url)  # followed a redirect
        # An entry read in a feed worker may carry the URL-slug title derive gave it.
        if page["title"] and (not item.title or item.title == fallback_title(item.url)):
            item.title = page["title"]
        if not item.author and page["author"]:
            item.author = page["author"]
        if not item.published and page["published"]:
            item.published = page["published"] + "T00:00:00Z" if len(page["published"]) == 10 else page["published"]
            item.published_from = "page"
        yield NewsBatch([item], source=item.source)

    def article_failed(self, failure: Failure):
        """The page could not be read: keep what the source said rather than lose the item."""
        request = failure.request
        item: NewsItem = request.meta["item"]
        self.context.article_done(item.source)
        self.logger.info("article page %s failed (%s); keeping the feed's summary",
                         request.url, failure.getErrorMessage())
        yield NewsBatch([item], source=item.source)


def emit(items: list[NewsItem], source: str) -> Iterator[Any]:
    """What the pipelines take: ``items`` in batches of at most :data:`MAX_BATCH`."""
    for start in range(0, len(items), MAX_BATCH):
        yield NewsBatch(list(items[start:start + MAX_BATCH]), source=source)


def conditional_headers(state: dict | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from a source's stored validators."""
    headers = {}
    if (state or {}).get("etag"):
        headers["If-None-Match"] = state["etag"]
    if (state or {}).get("last_modified"):
        headers["If-Modified-Since"] = state["last_modified"]
    return headers


def response_header(response, name: str) -> str | None:
    """A response header as text, or None."""
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def entries_not_read(url: str, exc: BaseException) -> str:
    """The error of a fetch whose entries raised ``exc`` while being read."""
    return f"{url}: entries not read ({type(exc).__name__}: {exc})"[:300]


def describe_failure(failure: Failure, max_bytes: int | None = None) -> str:
    """One line saying what went wrong with a request, in the user's terms (and which setting applies)."""
    from scrapy.exceptions import (
        CannotResolveHostError,
        DownloadCancelledError,
        DownloadConnectionRefusedError,
        DownloadTimeoutError,
        IgnoreRequest,
        ResponseDataLossError,
    )
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
    return size_text(n) if n else None
