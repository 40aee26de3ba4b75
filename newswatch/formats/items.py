"""The news item: one article, from the entry that names it to its row in the items table.

One type all the way: :func:`~newswatch.formats.feeds.parse_feed` (and
:meth:`SitemapEntry.item() <newswatch.formats.sitemaps.SitemapEntry.item>`)
fill in what the document says; the crawl adds the source and the fetch
time, the article page its text, and the pipelines what they work out (id,
story cluster, matches). Field names are the items table's columns, so
:meth:`NewsItem.row` is the row.

It travels back from the feed-reading worker processes by pickle
(:mod:`newswatch.crawlers.parsing`): it stays a plain dataclass, its
``__dict__`` pickled as it is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class NewsItem:
    """One article as a feed or sitemap names it and, when fetched, as its page says."""

    # What the entry says (text not yet normalised; see newswatch.crawlers.derive).
    url: str
    title: str = ""
    summary: str = ""
    body: str = ""
    author: str = ""
    published: str | None = None  # UTC ISO 8601
    guid: str | None = None
    lang: str | None = None  # the entry's own; the crawl falls back to the feed's, then the source's
    canonical_url: str = ""  # the url's (newswatch.formats.urls), or where its page says it lives
    raw_url: str = ""  # the link as the source gave it, kept when ``url`` differs from it
    enclosures: list[str] = field(default_factory=list)  # podcast/video/image files the entry carries
    lang_region: str | None = None  # "419" of es-419: lang keeps the primary subtag only
    lastmod: str | None = None  # a sitemap's <lastmod> (UTC ISO 8601): no publication date
    published_from: str | None = None  # where ``published`` came from: "feed", "sitemap" or "page"
    links: list[str] = field(default_factory=list)  # outgoing links of its entry and page (formats.links)
    # Set by the crawl: the configured source that found it, when, and what its page named.
    source: str = ""
    fetched_at: str = ""
    # The rel=canonical its article page named (the identity only when on the page's own site).
    declared_canonical_url: str = ""
    # Filled in by the pipelines.
    id: str = ""
    title_key: str = ""
    cluster_id: str = ""
    existing_id: str | None = None
    matches: list[Any] = field(default_factory=list)
    # True when the item's source is the site its URL is on (newswatch.formats.owners):
    # its copy is the one kept when another source carries the same URL.
    native: bool = False
    fingerprint: Any = None  # clustering.Fingerprint, or None for a text too short to compare
    # True when id, title_key and lang were worked out from the current text
    # (newswatch.crawlers.derive.normalize), and ``derived`` when its fingerprint
    # and matches were too; whoever changes the text resets both.
    normalized: bool = False
    derived: bool = False
    # Set when the spider already looked the item up in the database (known_id:
    # the stored item it is, if any), so the dedupe stage need not ask again.
    looked_up: bool = False
    known_id: str | None = None

    def row(self) -> dict[str, Any]:
        """The items-table row for this item."""
        return {
            "id": self.id, "url": self.url, "canonical_url": self.canonical_url,
            "guid": self.guid, "title": self.title, "summary": self.summary,
            "body": self.body or None, "author": self.author or None,
            "published": self.published, "fetched_at": self.fetched_at,
            "updated_at": self.fetched_at, "lang": self.lang, "source": self.source,
            "cluster_id": self.cluster_id, "title_key": self.title_key, "native": int(self.native),
            "declared_canonical_url": self.declared_canonical_url or None,
            "raw_url": self.raw_url if self.raw_url and self.raw_url != self.url else None,
            "enclosures": json.dumps(self.enclosures) if self.enclosures else None,
            "lang_region": self.lang_region, "lastmod": self.lastmod,
            "published_from": self.published_from if self.published else None,
            "links": json.dumps(self.links, ensure_ascii=False) if self.links else None,
        }

    def text_fields(self) -> dict[str, Any]:
        """What the rule matcher reads."""
        return {
            "title": self.title, "summary": self.summary, "body": self.body,
            "url": self.canonical_url or self.url, "source": self.source, "lang": self.lang,
            "lang_region": self.lang_region,
        }
