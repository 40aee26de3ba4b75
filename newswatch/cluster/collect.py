"""The run's side of a cluster: queue the due feeds, take in what the workers read.

:class:`ClusterFeedsSpider` stands in for the feeds spider when the config
has a [cluster] table. It puts one job per due feed source in the queue,
then turns each worker's result back into what the feeds spider would have
had after reading the feed itself, and lets :class:`FeedsSpider` carry on as
in a one-process run: which entries are new (this run and the database),
article pages for teasers (fetched here), then the pipelines' dedupe,
clustering, storage and alerts. SQLite is written by this process only.

A result is read only when it is signed with the [cluster] secret (see
:mod:`.messages`); one that is not is dropped unread, and its job, if it
names one, waits on for a genuine result.

The first result of a job counts; another copy (its lease ended while its
worker was still at it, and a second worker did it too) is dropped. A
source without a result when the run stops waiting is recorded as failed
and keeps its old validators, so the next run reads it again.
"""

from __future__ import annotations

import asyncio
import sys
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from scrapy.http import Request, Response

from ..crawlers.context import FetchResult
from ..crawlers.spiders.base import conditional_headers
from ..crawlers.spiders.feeds import FeedsSpider
from ..formats.feeds import FeedError
from . import messages
from .messages import Result, load_result
from .queue import UNREACHABLE, JobQueue

#: Seconds between looks for results when none came, for expired leases, and at Redis's health.
POLL_S = 0.1
HOUSEKEEPING_S = 1.0
#: Batches handed to the pipelines and not yet stored, at most, before taking more results.
MAX_IN_PIPELINES = 32


class _Delivered:
    """The feed parser of a cluster run: hands the feed spider what a worker read."""

    def __init__(self) -> None:
        self.current: Result | None = None

    async def read(self, body: bytes, url: str, content_type: str | None, source: str, lang: str | None,
                   fetched_at: str, max_bytes: int | None = None):
        res = self.current
        if res is not None and res.feed_error is not None:
            raise FeedError(res.feed_error)
        if res is None or res.parsed is None:
            raise FeedError("no feed in the worker's result")
        return res.parsed, res.parsed.entries

    def close(self) -> None:
        self.current = None


class ClusterFeedsSpider(FeedsSpider):
    """The feeds spider of a run whose feeds are fetched and read by ``newswatch worker``s."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.context.config.cluster is None:
            raise ValueError("a cluster run needs a [cluster] table")
        self.cluster = self.context.config.cluster
        if not self.cluster.secret:
            raise ValueError("a cluster run needs the [cluster] secret")
        self._delivered = _Delivered()
        self.context._feed_parser = self._delivered
        self.key = self.cluster.secret.encode()
        self.requeued = 0
        self.duplicates = 0
        self.refused = 0

    def say(self, text: str) -> None:
        """A line for the operator (Redis gone and back, jobs put back)."""
        print(f"cluster: {text}", file=sys.stderr, flush=True)

    async def start(self) -> AsyncIterator[Any]:
        ctx, cluster = self.context, self.cluster
        queue = JobQueue(cluster.redis, cluster.queue, cluster.lease_s)
        run = f"{ctx.run_id}-{uuid.uuid4().hex[:12]}"
        reply_to = queue.key("results", run)
        payload, digest = messages.rules_payload([(r.name, r.query) for r in ctx.config.rules],
                                                 ctx.config.aliases)
        pending: dict[str, tuple[bytes, Any]] = {}  # job id -> (job, source)
        for n, src in enumerate(s for s in ctx.sources if s.kind in self.kinds):
            ctx.results[src.name] = FetchResult(source=src.name, url=src.url)
            state = ctx.state.get(src.name)
            raw = messages.job(self.key, run, n, reply_to, {"name": src.name, "url": src.url, "lang": src.lang},
                               conditional_headers(state), (state or {}).get("body_hash"), digest)
            pending[f"{run}:{n}"] = (raw, src)
        if not pending:
            return
        waited_since = time.monotonic()
        opened = False
        down_since: float | None = None
        last_look = 0.0
        unfinished: list[bytes] = []  # jobs given up on: they leave the queue with the run
        try:
            while pending:
                try:
                    if not opened:
                        queue.open_run(run, [raw for raw, _ in pending.values()], payload, digest)
                        opened = True
                    if time.monotonic() - last_look >= HOUSEKEEPING_S:
                        last_look = time.monotonic()
                        self._housekeeping(queue, run, pending, payload, digest)
                    raws = queue.results(run)
                except UNREACHABLE as exc:
                    if down_since is None:
                        down_since = time.monotonic()
                        self.say(f"Redis at {queue.where} not reachable ({exc}); waiting for it "
                                 f"(at most {cluster.result_timeout_s} s)")
                    raws = []
                else:
                    if down_since is not None:
                        self.say(f"Redis at {queue.where} is back")
                        down_since = None
                results = self._verified(raws)
                if results:  # refused ones do not count: they would keep a run waiting forever
                    waited_since = time.monotonic()
                elif time.monotonic() - waited_since > cluster.result_timeout_s:
                    self._give_up(pending, queue, down_since is not None)
                    unfinished.extend(raw for raw, _ in pending.values())
                    pending.clear()
                    return
                elif not raws:
                    await asyncio.sleep(POLL_S)
                for res in results:
                    if res.job not in pending:
                        self.duplicates += 1
                        continue
                    _, src = pending.pop(res.job)
                    async for out in self._take(src, res):
                        yield out
                    await self._room()
        finally:
            if pending:  # stopped (Ctrl-C, SIGTERM): these were not read
                for _, src in pending.values():
                    self._failed(src, "interrupted", "the run stopped before a worker's result arrived; "
                                                     "read again next run")
            try:
                queue.close_run(run, unfinished + [raw for raw, _ in pending.values()])
            except UNREACHABLE:
                pass  # its keys expire on their own (queue.KEEP_S)
            if self.duplicates:
                self.say(f"{self.duplicates} second result(s) of a job put back dropped")
            if self.refused:
                self.say(f"{self.refused} result(s) refused: not signed with the [cluster] secret")
            self._close_soon()

    def _verified(self, raws: list[bytes]) -> list[Result]:
        """The results of ``raws`` signed with the secret; the others are dropped unread,
        said the first time."""
        out = []
        for raw in raws:
            res = load_result(self.key, raw)
            if res is not None:
                out.append(res)
                continue
            self.refused += 1
            if self.refused == 1:
                self.say("a result not signed with the [cluster] secret: dropped unread")
                self.say("(written into Redis by someone else, or a worker has another secret)")
        return out

    def _close_soon(self) -> None:
        """Have the engine look for idleness once start() has returned.

        A spider whose last work came from start() is otherwise closed by the
        engine's 5 s heartbeat: seconds added to every run.
        """
        from twisted.internet import reactor

        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None:
            reactor.callLater(0.05, slot.nextcall.schedule)

    def _housekeeping(self, queue: JobQueue, run: str, pending: dict[str, tuple[bytes, Any]],
                      rules: dict[str, Any], digest: str) -> None:
        n = queue.requeue_expired()
        if n:
            self.requeued += n
            self.say(f"{n} job(s) back in the queue: their worker went silent")
        if not queue.run_alive(run):
            queue.open_run(run, [raw for raw, _ in pending.values()], rules, digest)
            self.say(f"Redis lost the queue (restarted without its data?); "
                     f"{len(pending)} job(s) queued again")

    def _give_up(self, pending: dict[str, tuple[bytes, Any]], queue: JobQueue, redis_down: bool) -> None:
        limit = self.cluster.result_timeout_s
        why = (f"Redis at {queue.where} unreachable for {limit} s ([cluster] result_timeout)" if redis_down
               else f"no worker's result within {limit} s ([cluster] result_timeout); "
                    "is `newswatch worker` running?")
        for _, src in pending.values():
            self._failed(src, "error", why)

    def _failed(self, src, status: str, why: str | None) -> None:
        res = self.context.results[src.name]
        res.ok, res.status, res.error = False, status, why
        res.read_again()
        self._report(res)

    async def _take(self, src, res: Result):
        """What the feeds spider makes of the feed the worker read (or the fetch that failed)."""
        self.context.results[src.name].duration_ms = res.duration_ms
        if not res.ok:
            self._failed(src, res.status, res.error)
            return
        self._delivered.current = res
        request = Request(res.url, meta={"source": src, "worker_result": res})
        response = Response(res.url, status=int(res.status) if res.status.isdigit() else 200, request=request)
        try:
            async for out in self.parse_feed(response):
                yield out
        finally:
            self._delivered.current = None

    def unchanged_since_last_fetch(self, src, response: Response, res: FetchResult) -> bool:
        got: Result = response.meta["worker_result"]
        res.status = got.status
        res.etag, res.last_modified, res.body_hash = got.etag, got.last_modified, got.body_hash
        return got.unchanged

    async def _room(self) -> None:
        """Wait while the pipelines are full: results come faster than SQLite stores them."""
        engine = self.crawler.engine
        slot = engine.scraper.slot if engine is not None else None
        while slot is not None and (slot.needs_backout() or slot.itemproc_size > MAX_IN_PIPELINES):
            await asyncio.sleep(POLL_S / 10)
