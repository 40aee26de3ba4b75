"""What the spiders hand the pipelines: items of one source in batches.

The item itself is :class:`newswatch.formats.items.NewsItem`, made by the
parsers and enriched here.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..formats.items import NewsItem


@dataclass
class NewsBatch:
    """The items of one feed response (or one article page) travelling together.

    Scrapy's item machinery costs tens of microseconds per item; a feed of 50
    entries pays it once, and the pipelines work on the whole batch.
    """

    items: list[NewsItem]
    source: str = ""
