"""The search spider: Google News and Bing News RSS searches, read as feeds.

The feed URL is built from the source's provider, query, language and region
(:func:`newswatch.formats.search.search_url`). Entry links point at the
provider's redirector; the article page is always fetched (unless the source
says ``fetch_articles = false``), and the URL it ends on after redirects, or
its rel=canonical, becomes the item's URL and canonical URL, so the story
deduplicates against the publisher's own feed. Google News's " - Publisher"
title suffix is dropped, so copies of a story on other outlets cluster with it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.http import Response
from twisted.python.failure import Failure

from ...formats.items import NewsItem
from ...formats.search import is_redirector, strip_publisher, unwrap_link
from ...formats.urls import canonical_url
from .feeds import FeedsSpider


class SearchSpider(FeedsSpider):
    """Read search sources as the feeds they are; resolve their links to the publishers' pages."""

    name = "search"
    kinds = ("search",)

    def parse_article(self, response: Response):
        item: NewsItem = response.meta["item"]
        provider = urlsplit(response.meta["source"].url).netloc.lower()
        via = item.url
        if response.meta["source"].provider == "google-news":
            item.title = strip_publisher(item.title)
        out = list(super().parse_article(response))
        # Links back to the search provider's own host are its click-through redirectors.
        if is_redirector(via) or urlsplit(via).netloc.lower() == provider:
            landed = unwrap_link(response.url)
            if canonical_url(landed) != canonical_url(via):  # redirected (or Bing named the target)
                item.url = landed
                if item.canonical_url == canonical_url(via):
                    item.canonical_url = canonical_url(landed)
            elif item.canonical_url != canonical_url(via):
                item.url = item.canonical_url  # no redirect, but the page names its canonical URL
        yield from out

    def article_failed(self, failure: Failure):
        item: NewsItem = failure.request.meta["item"]
        if failure.request.meta["source"].provider == "google-news":
            item.title = strip_publisher(item.title)
        target = unwrap_link(item.url)  # Bing links carry the publisher's URL
        if target != item.url:
            item.url, item.canonical_url = target, canonical_url(target)
        yield from super().article_failed(failure)
