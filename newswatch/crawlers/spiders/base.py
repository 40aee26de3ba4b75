"""What the spiders for sitemaps, sites, pages and search feeds share with the feeds spider.

They subclass :class:`~newswatch.crawlers.spiders.feeds.FeedsSpider` for its
article handling (fetch, extract, keep the feed's data when a page fails)
and its failure reporting; these helpers cover the rest.
"""

from __future__ import annotations

import time
from typing import Any, Iterable, Iterator

import scrapy

from ... import storage
from ...config import Source
from ..context import FetchResult
from ...formats.items import NewsItem
from ..items import NewsBatch

#: Items per batch: large enough that Scrapy's per-item cost is paid rarely, small
#: enough that a 10,000-entry feed does not hold the reactor for seconds at a time.
MAX_BATCH = 200


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


def source_requests(spider, callback) -> Iterator[scrapy.Request]:
    """The first request of each of the run's sources of ``spider.kinds``, conditional."""
    ctx = spider.context
    for src in ctx.sources:
        if src.kind not in spider.kinds:
            continue
        ctx.results[src.name] = FetchResult(source=src.name, url=src.url)
        yield scrapy.Request(
            src.url, headers=conditional_headers(ctx.state.get(src.name)), callback=callback,
            errback=spider.feed_failed, dont_filter=True,
            meta={"source": src, "started": time.monotonic(), "handle_httpstatus_list": [304]},
        )


def look_up(spider, items: Iterable[NewsItem]) -> list[tuple[NewsItem, str | None]]:
    """The items this source is to handle in this run, each with the id of the stored item it
    already is (by URL, or by GUID among its source's items), or None: one query per source.

    An item whose URL another source of this run handles is left out and recorded as that
    source's sighting, unless this source is the site of the URL and the other is not (see
    :meth:`RunContext.claim_url`). A stored row of a foreign source that this source may take
    over counts as unknown (see :func:`newswatch.storage.store_batch`).
    """
    ctx = spider.context
    claimed = []
    for item in items:
        item.native = ctx.publishes(item.source, item.canonical_url)
        if ctx.claim_url(item.canonical_url, item.source, item.native):
            claimed.append(item)
        elif ctx.claimed_by(item.canonical_url) != item.source:
            ctx.sighted(storage.item_id_for(item.canonical_url), item.source, item.url, item.fetched_at)
    ids = [item.id if item.derived else storage.item_id_for(item.canonical_url) for item in claimed]
    known: dict[str, dict[str, str]] = {}
    for source in dict.fromkeys(item.source for item in claimed):
        mine = [(item, item_id) for item, item_id in zip(claimed, ids) if item.source == source]
        known[source] = storage.find_existing_many(ctx.db, [item_id for _, item_id in mine],
                                                   [item.guid for item, _ in mine], source=source,
                                                   takeover=[item_id for item, item_id in mine if item.native])
    return [(item, known[item.source].get(item_id) or (known[item.source].get(item.guid) if item.guid else None))
            for item, item_id in zip(claimed, ids)]


def unknown(spider, items: Iterable[NewsItem]) -> list[NewsItem]:
    """The items no other source claimed in this run and the database does not hold yet.

    Those stored already are noted as sightings (storage drops the ones of the
    item's own source), since they go no further.
    """
    ctx = spider.context
    new = []
    for item, known_id in look_up(spider, items):
        if known_id is None:
            new.append(item)
        else:
            ctx.sighted(known_id, item.source, item.url, item.fetched_at)
    return new


def article_request(spider, item: NewsItem, src: Source, **meta: Any) -> scrapy.Request:
    """A request for ``item``'s page, counted as pending until it is handled."""
    spider.context.results[src.name].pending += 1
    return scrapy.Request(item.canonical_url, callback=spider.parse_article, errback=spider.article_failed,
                          meta={"item": item, "source": src, **meta}, dont_filter=True)


def body_unchanged(spider, src: Source, response, res: FetchResult) -> bool:
    """Record the response's validators and body hash; True when the body is the one seen last time."""
    import hashlib

    res.etag = response_header(response, "ETag")
    res.last_modified = response_header(response, "Last-Modified")
    res.body_hash = hashlib.sha256(response.body).hexdigest()
    return res.body_hash == (spider.context.state.get(src.name) or {}).get("body_hash")


def unchanged_since_last_fetch(spider, src: Source, response, res: FetchResult) -> bool:
    """Record the response's status and validators; True when there is nothing new to read.

    That is a 304 (status "not-modified") or a body identical to the last one
    (status "unchanged"); the caller reports the fetch and stops.
    """
    res.status = str(response.status)
    if response.status == 304:
        res.status = "not-modified"
        return True
    if body_unchanged(spider, src, response, res):
        res.status = "unchanged"
        return True
    return False


def response_header(response, name: str) -> str | None:
    """A response header as text, or None."""
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
