"""The sites spider: a listing page, CSS or XPath selectors for article links, pagination.

For outlets with no feed. ``selectors.links`` picks the article links on the
listing page (an ``<a>``, an element containing one, or an ``@href``);
``selectors.next`` the link to the next listing page, followed up to
``max_pages`` pages while pages still bring links we have not stored. Each
new article (at most ``max_articles`` per run) is fetched and extracted like
a feed's. The first listing page is fetched conditionally, so an unchanged
listing costs a 304.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from ... import storage
from ...formats.diffs import is_xpath
from ...formats.items import NewsItem
from ...formats.urls import canonical_url
from .base import NewswatchSpider, describe_failure, emit


def select_links(response: Response, expr: str) -> list[tuple[str, str]]:
    """(absolute URL, link text) for each link ``expr`` selects, in page order, without repeats."""
    selected = response.xpath(expr) if is_xpath(expr) else response.css(expr)
    out: dict[str, str] = {}
    for sel in selected:
        root = sel.root
        if isinstance(root, str):  # an attribute or text node: @href, ::attr(href)
            href, text = root, ""
        else:
            href = sel.attrib.get("href") or sel.xpath(".//a/@href").get()
            text = " ".join(" ".join(sel.xpath(".//text()").getall()).split())
        if not href:
            continue
        url = urljoin(response.url, href.strip())
        if urlsplit(url).scheme in ("http", "https"):
            out.setdefault(url, text)
    return list(out.items())


class SitesSpider(NewswatchSpider):
    """Fetch listing pages of site sources; yield items for the articles they link."""

    name = "sites"
    kinds = ("site",)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._budget: dict[str, int] = {}

    async def start(self) -> AsyncIterator[Any]:
        for request in self.source_requests(self.parse_listing):
            src = request.meta["source"]
            self._budget[src.name] = src.max_articles
            request.meta["page"] = 1
            yield request

    def parse_listing(self, response: Response):
        src = response.meta["source"]
        page = response.meta.get("page", 1)
        res = self.context.results[src.name]
        if page == 1:
            res = self._result(src, response)
            if self.unchanged_since_last_fetch(src, response, res):
                self._report(res)
                return
        links = select_links(response, src.selectors["links"])
        if not links and page == 1:
            res.ok, res.body_hash = False, None
            res.error = (f"{response.url}: selectors.links {src.selectors['links']!r} matched no link; "
                         "has the page's layout changed?")
            self._report(res)
            return
        res.items += len(links)
        fetched_at = storage.now_iso()
        items = []
        for url, text in links:
            item = NewsItem(url=url, canonical_url=canonical_url(url), source=src.name, lang=src.lang,
                            fetched_at=fetched_at)
            items.append((item, text))
        texts = {item.canonical_url: text for item, text in items}
        new = self.unknown([item for item, _ in items])
        allowed = new[:self._budget[src.name]]
        if len(new) > len(allowed):
            res.warning = f"{len(new) - len(allowed)} new links left for later runs (max_articles = {src.max_articles})"
            res.read_again()  # read the listing again next run
        self._budget[src.name] -= len(allowed)
        if self.context.fetch_articles_for(src):
            for item in allowed:
                yield self.article_request(item, src, link_text=texts[item.canonical_url])
        else:
            for item in allowed:
                item.title = texts[item.canonical_url]
            yield from emit(allowed, src.name)
        next_url = self._next_page(response, src) if new and page < src.max_pages else None
        if next_url and self._budget[src.name] > 0:
            yield scrapy.Request(next_url, callback=self.parse_listing, errback=self.listing_failed,
                                 meta={"source": src, "page": page + 1}, dont_filter=True)
        else:
            self._report(res)

    def _next_page(self, response: Response, src) -> str | None:
        expr = src.selectors.get("next")
        if not expr:
            return None
        found = select_links(response, expr)
        return found[0][0] if found else None

    def parse_article(self, response: Response):
        item: NewsItem = response.meta["item"]
        out = list(super().parse_article(response))
        item.title = item.title or response.meta.get("link_text") or ""
        yield from out

    def article_failed(self, failure: Failure):
        item: NewsItem = failure.request.meta["item"]
        item.title = item.title or failure.request.meta.get("link_text") or ""
        yield from super().article_failed(failure)

    def listing_failed(self, failure: Failure):
        src = failure.request.meta["source"]
        res = self.context.results[src.name]
        res.warning = f"listing page {failure.request.url}: {describe_failure(failure)}"
        self._report(res)
