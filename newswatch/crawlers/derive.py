"""What an item's own text decides: id, title key, language, story fingerprint, matches.

The pipelines work these out for each new item as it passes. A run with many
feeds works them out in the feed-parsing worker instead, beside feedparser
(see :mod:`newswatch.crawlers.parsing`), so the crawl process is left to
fetch, deduplicate, cluster and store. Either way the same functions here
do the work, so the answers are the same.

An item whose title, text or URL changes after :func:`derive` (an article
page fetched for full text) must have ``derived`` set back to False; the
pipelines then work everything out again.
"""

from __future__ import annotations

import re

from .. import storage
from ..rules import fold
from . import clustering
from .feeds import ParsedFeed
from .items import NewsItem
from .langs import detect_language, feed_claim_holds
from .urls import canonical_url

_WORDS = re.compile(r"\w+")


def title_key(title: str) -> str:
    """A title folded to its words: equal keys mean the same story retitled only in case or accents."""
    words = _WORDS.findall(fold(title or ""))
    return " ".join(words) if len(words) >= 4 else ""


def news_items(parsed: ParsedFeed, source: str, lang: str | None, fetched_at: str) -> list[NewsItem]:
    """One :class:`NewsItem` per feed entry, with its canonical URL.

    ``lang`` is the source's configured language, used when neither the
    entry nor the feed says.
    """
    items = []
    for entry in parsed.entries:
        item = NewsItem(
            url=entry.url, source=source, title=entry.title, summary=entry.summary,
            body=entry.body, author=entry.author, published=entry.published,
            guid=entry.guid, lang=entry.lang or parsed.lang or lang, fetched_at=fetched_at,
        )
        item.canonical_url = canonical_url(item.url)
        items.append(item)
    return items


def normalize(items: list[NewsItem]) -> None:
    """Trim text; fill the id, title key and language (one detector call when the feed's claim holds)."""
    texts = []
    for item in items:
        item.title = (item.title or "").strip()
        item.summary = (item.summary or "").strip()
        item.body = (item.body or "").strip()
        item.id = storage.item_id_for(item.canonical_url)
        item.title_key = title_key(item.title)
        texts.append(" ".join(filter(None, (item.title, item.summary, item.body[:500]))))
    claims = {item.lang for item in items}
    if len(claims) == 1 and feed_claim_holds(texts, claims.pop()):
        return
    for item, text in zip(items, texts):
        item.lang = detect_language(text, item.lang)


def derive(items: list[NewsItem], matcher) -> None:
    """Everything of :mod:`this module <newswatch.crawlers.derive>` for ``items``, marking them ``derived``.

    ``matcher`` is the run's compiled rules (:func:`newswatch.rules.compile_rules`).
    """
    normalize(items)
    fingerprints = clustering.fingerprints_of([(item.title, item.body or item.summary) for item in items])
    for item, fingerprint in zip(items, fingerprints):
        item.fingerprint = fingerprint
        item.matches = matcher.match(item.text_fields())
        item.derived = True
