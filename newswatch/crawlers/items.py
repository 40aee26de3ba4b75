"""The item that flows through the pipelines."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class NewsItem:
    """One article as seen in a feed (and, when fetched, on its page)."""

    url: str
    source: str
    title: str = ""
    summary: str = ""
    body: str = ""
    author: str = ""
    published: str | None = None
    guid: str | None = None
    lang: str | None = None
    fetched_at: str = ""
    canonical_url: str = ""
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
    # True when id, title_key, lang, fingerprint and matches were all worked out
    # from the current text (newswatch.crawlers.derive); whoever changes the text resets it.
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
        }

    def text_fields(self) -> dict[str, Any]:
        """What the rule matcher reads."""
        return {
            "title": self.title, "summary": self.summary, "body": self.body,
            "url": self.canonical_url or self.url, "source": self.source, "lang": self.lang,
        }


@dataclass
class NewsBatch:
    """The items of one feed response (or one article page) travelling together.

    Scrapy's item machinery costs tens of microseconds per item; a feed of 50
    entries pays it once, and the pipelines work on the whole batch.
    """

    items: list[NewsItem]
    source: str = ""
