"""The pages spider: watch one page's main text; each change becomes an item.

Primary sources (a USCIS page on TPS for Honduras, a ministry's notices)
change in place rather than publish articles. The page is fetched
conditionally; its main text (or the ``selectors.content`` part) is compared
with the text stored at the last change, and a difference becomes an item:
the title says the page changed and when, the summary is a short diff, the
body is the new text (so rules match the whole page). The first fetch stores
a first snapshot. See :mod:`newswatch.formats.diffs`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy.http import Response

from ... import storage
from ...formats.diffs import SelectorMatchedNothing, change_id, diff_summary, normalize_text, page_text
from ...formats.items import NewsItem
from ...formats.urls import canonical_url
from .base import NewswatchSpider, emit, response_header


class PagesSpider(NewswatchSpider):
    """Fetch watched pages; yield an item per change of their text."""

    name = "pages"
    kinds = ("page",)

    async def start(self) -> AsyncIterator[Any]:
        for request in self.source_requests(self.parse_page):
            yield request

    def parse_page(self, response: Response):
        src = response.meta["source"]
        res = self._result(src, response)
        try:
            if self.unchanged_since_last_fetch(src, response, res):
                return
            try:
                title, text = page_text(response.body, response.url, src.selectors.get("content"),
                                        response_header(response, "Content-Type"))
            except SelectorMatchedNothing as exc:
                res.ok, res.body_hash, res.error = False, None, f"{exc}; has the page's layout changed?"
                return
            if not text:
                res.ok, res.body_hash = False, None
                res.error = f"{response.url}: no text found on the page (is it HTML?)"
                return
            previous = storage.latest_item(self.context.db, src.name)
            old = normalize_text(previous["body"] or "") if previous else ""
            if previous and old == text:
                res.status = "unchanged"  # the markup changed, the text did not
                return
            res.items = 1
            yield from emit([self._change(src, response.url, title, old, text)], src.name)
        finally:
            self._report(res)

    def _change(self, src, url: str, title: str, old: str, new: str) -> NewsItem:
        now = self.context.now
        key = change_id(url, old, new)
        name = title or url
        item = NewsItem(
            url=url, source=src.name,
            # The time makes each change its own story: two changes of one page
            # are two alerts, not one cluster.
            title=f"{'Page changed' if old else 'Now watching'}: {name} ({now[:16].replace('T', ' ')} UTC)",
            # One line per block, stored as paragraphs as other bodies are (NEAR/p sees them);
            # normalize_text folds the blank lines away again for the next comparison.
            summary=diff_summary(old, new), body=new.replace("\n", "\n\n"), published=now, lang=src.lang,
            guid=f"{canonical_url(url)}#change-{key}", fetched_at=now,
        )
        item.canonical_url = item.guid  # each change is its own item
        return item
