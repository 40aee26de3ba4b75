"""Where the rooms meet: normalise -> deduplicate -> cluster -> match -> store.

Each pipeline gets the run's :class:`~newswatch.crawlers.context.RunContext`
from the spider. The store pipeline writes items, matches and pending alerts
in one transaction per batch, then records each source's fetch.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from scrapy.exceptions import DropItem

from .. import storage
from ..formats.decoding import looks_mojibake
from ..formats.items import NewsItem
from ..stories import clustering
from .batches import NewsBatch
from .derive import normalize, printable

#: Items written per transaction. New items land at random places in the indexes, and each
#: transaction rewrites every page it touched: storing 50,000 items in batches of 1,000 cost
#: 2.75 s of CPU against 3.3 s in batches of 200. A failed batch is retried whole next run.
BATCH_SIZE = 1000


class BatchPipeline:
    """A pipeline stage applied to each item of a :class:`NewsBatch`."""

    def process_item(self, batch: NewsBatch, spider) -> NewsBatch:
        for item in batch.items:
            self.process_news_item(item, spider)
        return batch

    def process_news_item(self, item: NewsItem, spider) -> NewsItem:  # pragma: no cover - abstract
        raise NotImplementedError


class NormalizePipeline:
    """Fill the id, language and title key; trim text (see :func:`newswatch.crawlers.derive.normalize`)."""

    def process_item(self, batch: NewsBatch, spider) -> NewsBatch:
        todo = [item for item in batch.items if not item.normalized]
        if todo:
            normalize(todo)
        return batch


class DedupePipeline:
    """Recognise an article seen before, by canonical URL or GUID, here or in the database.

    Whether the item's source is the site of its URL (``native``) is settled
    here, on its final canonical URL: a copy a foreign source stored first is
    then not "seen" for it, so it is matched as new and takes the row over
    (see :func:`newswatch.storage.store_batch`).
    """

    def process_item(self, batch: NewsBatch, spider) -> NewsBatch:
        ctx = spider.context
        todo = [i for i in batch.items if not i.looked_up]
        for item in todo:
            item.native = ctx.publishes(item.source, item.canonical_url)
        stored = storage.find_existing_many(ctx.db, [i.id for i in todo], [i.guid for i in todo],
                                            source=batch.source or None,
                                            takeover=[i.id for i in todo if i.native]) if todo else {}
        for item in batch.items:
            earlier = ctx.seen_in_run(item.id, item.guid, item.source, item.native)
            if earlier is None:
                earlier = item.known_id if item.looked_up else (
                    stored.get(item.id) or (stored.get(item.guid) if item.guid else None))
            item.existing_id = earlier
            ctx.mark_seen(item.id, item.guid, item.source, item.native)
        return batch


class ClusterPipeline:
    """Give copies of one story one cluster id: same normalised title, or near-duplicate text.

    See :mod:`newswatch.stories.clustering` (MinHash LSH over the items of the last 30 days).
    """

    def process_item(self, batch: NewsBatch, spider) -> NewsBatch:
        new = [item for item in batch.items if not item.existing_id]
        if not new:
            return batch
        todo = [item for item in new if not item.derived]
        for item, fp in zip(todo, clustering.fingerprints_of([(i.title, i.body or i.summary) for i in todo])):
            item.fingerprint = fp
        try:  # the first new item reads the story index from the database
            clusters = clustering.clusters_for(spider.context)
            for item in new:
                assignment = clusters.assign(item.id, item.title_key, item.title, item.body or item.summary,
                                             fingerprint=item.fingerprint)
                item.cluster_id = assignment.cluster_id
        except (storage.StorageError, sqlite3.Error) as exc:
            spider.context.storage_failed(exc, [item.source for item in batch.items])
            raise DropItem(f"not stored: {exc}") from exc
        return batch


class MatchPipeline(BatchPipeline):
    """Run every compiled rule over new items."""

    def process_news_item(self, item: NewsItem, spider) -> NewsItem:
        if not item.existing_id and not item.derived:
            item.matches = spider.context.matcher.match(item.text_fields())
        return item


class StorePipeline:
    """Write items with their matches, alerts and signatures, one transaction per batch.

    Writes go through the run's :class:`~newswatch.crawlers.writer.BatchWriter`,
    so SQLite works in its own thread while the crawl goes on.
    """

    def open_spider(self, spider) -> None:
        self.batch: list[tuple[NewsItem, storage.ItemRecord]] = []

    async def process_item(self, batch: NewsBatch, spider) -> NewsBatch:
        for item in batch.items:
            self._add(item, spider.context)
        if len(self.batch) >= BATCH_SIZE:
            await self._flush(spider.context)
        return batch

    def _add(self, item: NewsItem, ctx) -> None:
        self.batch.append((item, item_record(item, ctx.rules, ctx.now)))

    async def close_spider(self, spider) -> None:
        ctx = spider.context
        await self._flush(ctx)
        # Errors and warnings may quote the server (a Content-Type, a parser's message): no
        # terminal control character of theirs reaches sources.last_error, runs.errors or the screen.
        for res in ctx.results.values():
            res.error, res.warning = printable(res.error), printable(res.warning)
        # Several spiders (one per kind of source) share the run: record this one's sources.
        try:
            await ctx.writer.run(storage.record_fetches, ctx.fetch_rows(getattr(spider, "kinds", None)))
        except storage.StorageError as exc:  # unrecorded, the sources are simply read again next run
            ctx.storage_failed(exc)

    async def _flush(self, ctx) -> None:
        batch, self.batch = self.batch, []  # batches arriving meanwhile start a new one
        sightings, ctx.sightings = ctx.sightings, []
        if not batch and not sightings:
            return
        try:
            counts = await ctx.writer.run(storage.store_batch, [rec for _, rec in batch], sightings)
        except storage.StorageError as exc:
            # Nothing of the batch was written (one transaction): its sources must be read again.
            ctx.storage_failed(exc, [item.source for item, _ in batch] + [s[1] for s in sightings])
            return
        for key, value in counts.items():
            ctx.counts[key] = ctx.counts.get(key, 0) + value
        for item, rec in batch:
            res = ctx.results.get(item.source)
            # Another source's copy is only a sighting; a publisher taking its item over adds its matches.
            if res and rec.outcome in ("new", "taken over"):
                res.items_new += rec.outcome == "new"
                res.matches_new += len(rec.matches)
                if any(looks_mojibake(text) for text in (item.title, item.summary, item.body)):
                    res.mojibake += 1
            if ctx.on_item and rec.outcome != "sighting":
                ctx.on_item(item)


def item_record(item: NewsItem, rules: dict[str, Any], now: str) -> storage.ItemRecord:
    """What storing ``item`` writes: its row and, when it is new, its matches (of ``rules``, by
    name), their pending alerts and its MinHash signature."""
    rec = storage.ItemRecord(item=item.row(), existing_id=item.existing_id)
    if not item.existing_id:
        for m in item.matches:
            rule = rules.get(m.rule)
            rec.matches.append({
                "item_id": item.id, "rule": m.rule, "topic": rule.topic if rule else None,
                "terms": list(m.terms), "fields": list(m.fields), "snippet": m.snippet,
                "matched_at": now,
            })
            if rule and rule.notify:  # a rule that notifies no one queues nothing
                rec.alerts.extend(storage.new_alerts(rule.name, item.cluster_id, item.id, rule.notify, now,
                                                     rule.mode))
        if item.fingerprint is not None:
            rec.signature = (clustering.SIGNATURE_KIND, item.fingerprint.values)
    return rec
