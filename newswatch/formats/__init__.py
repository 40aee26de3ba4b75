"""What the web's documents say, without any crawling: feeds, sitemaps, OPML, article pages.

Everything here turns bytes (and a URL, a Content-Type) into plain data, and
knows nothing of Scrapy, SQLite or Apprise, so each function can be tried on
a file:

* :class:`NewsItem`, the one item type, from feed entry to stored row;
* :func:`parse_feed` (RSS, Atom, JSON Feed via feedparser), :func:`parse_sitemap`,
  :func:`read_opml` / :func:`write_opml`;
* :func:`extract_article` (trafilatura) and :func:`page_text` (page watches);
* :func:`is_teaser` and :func:`page_is_fuller` (a feed's text or the page's);
* :func:`decode_page` (charsets as a browser reads them, mojibake repaired);
* :func:`canonical_url`, :func:`same_site`, :func:`search_url`, :func:`detect_language`.

The names are loaded on first use, so importing one module of this package
(the configuration imports :mod:`.search`) does not load feedparser, lxml and
trafilatura with it.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "NewsItem": "items",
    "parse_feed": "feeds", "FeedError": "feeds", "ParsedFeed": "feeds",
    "html_to_text": "feeds",
    "parse_sitemap": "sitemaps", "SitemapError": "sitemaps", "sitemaps_from_robots": "sitemaps",
    "read_opml": "opml", "write_opml": "opml", "OpmlError": "opml",
    "extract_article": "articles",
    "is_teaser": "teasers", "page_is_fuller": "teasers",
    "page_text": "diffs", "SelectorMatchedNothing": "diffs",
    "decode_page": "decoding", "choose_encoding": "decoding", "parse_html": "decoding",
    "repair_text": "decoding", "looks_mojibake": "decoding",
    "canonical_url": "urls", "url_problem": "urls", "shown_url": "urls",
    "same_site": "owners", "site_of": "owners",
    "search_url": "search",
    "detect_language": "langs",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
