"""Feed parsing beside the crawl: a worker process when a run has many feeds.

feedparser is pure Python and the largest single cost of reading a feed. On
a machine with a spare core, a run with many feed sources parses them in a
worker process while the crawl process fetches, matches and stores, so the
two overlap. Small runs parse in-process: starting a worker costs more than
it saves on a handful of feeds.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from .feeds import ParsedFeed, parse_feed

#: Runs with fewer feed sources than this parse in-process.
MIN_FEEDS_FOR_WORKER = 20


class FeedParser:
    """Parses feed documents, in a worker process when that pays off."""

    def __init__(self, n_feeds: int, workers: int | None = None):
        cores = os.cpu_count() or 1
        if workers is None:
            workers = 1 if (cores >= 2 and n_feeds >= MIN_FEEDS_FOR_WORKER) else 0
        self._pool: ProcessPoolExecutor | None = None
        if workers > 0:
            # forkserver: the crawl process has threads (Twisted, SQLite), which
            # a plain fork would copy mid-flight.
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["newswatch.crawlers.feeds"])
            self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx)

    async def parse(self, body: bytes, url: str, content_type: str | None) -> ParsedFeed:
        """Parse one feed document; raises :class:`~newswatch.crawlers.feeds.FeedError` like parse_feed."""
        if self._pool is not None:
            try:
                return await asyncio.wrap_future(self._pool.submit(parse_feed, body, url, content_type))
            except BrokenProcessPool:
                # A worker that died (out of memory on a hostile feed) must not
                # stop the run: parse in-process from now on.
                self._pool = None
        return parse_feed(body, url, content_type)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
