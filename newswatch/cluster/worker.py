"""``newswatch worker``: a long-lived Scrapy crawl that takes its requests from the Redis queue.

The spider's ``start()`` never ends: whenever fewer than ``concurrency``
jobs are in hand it claims more (scrapy-redis's RedisSpider pattern, on a
reliable queue). Each job is one feed source: fetched conditionally, read by
:func:`~newswatch.formats.feeds.parse_feed` and derived
(:func:`~newswatch.crawlers.derive.derive`: language, fingerprint, matches)
exactly as a one-process run's feed workers do, then handed in as one
result. Leases are renewed every third of their length while a job is in
hand; a worker killed outright stops renewing, and the run puts its jobs
back in the queue when their leases end.

A claimed job whose signature is not right for this worker's [cluster]
secret is dropped unread (nothing fetched: whoever wrote it into Redis does
not hold the secret, or this worker has another one than the run); the
worker says so once and counts them.

Redis out of reach: the worker says so once, keeps what it has finished and
hands it in when Redis is back.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import socket
import time
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from twisted.internet import task
from twisted.python.failure import Failure

from .. import storage
from ..config import Config
from ..crawlers import crawl_settings
from ..crawlers.derive import as_items, derive
from ..crawlers.spiders.base import describe_failure, entries_not_read, response_header
from ..formats.feeds import FeedError, parse_feed
from .messages import Result, read_job, rules_digest
from .queue import UNREACHABLE, JobQueue

log = logging.getLogger(__name__)

#: How long an idle worker waits before asking the queue again (seconds).
IDLE_POLL_S = 0.2


class QueueSpider(scrapy.Spider):
    """Fetch and read the feed of each job claimed from the queue; hand in one result per job."""

    name = "newswatch-worker"

    def __init__(self, queue: JobQueue, concurrency: int, key: bytes, say=None, **kwargs: Any):
        super().__init__(**kwargs)
        self.queue = queue
        self.key = key
        self.refused = 0
        self.concurrency = concurrency
        self.say = say or (lambda text: None)
        self.in_hand: dict[bytes, dict[str, Any]] = {}
        self.outbox: list[tuple[bytes, dict[str, Any], bytes]] = []  # results waiting for Redis to come back
        self.done = 0
        self._matchers: dict[str, Any] = {}
        self._redis_down = False
        self._freed = asyncio.Event()  # set when a job is handed in: there is room for another
        self._me = f"{socket.gethostname()}:{os.getpid()}"

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._keep_open, signal=signals.spider_idle)
        crawler.signals.connect(spider._give_back, signal=signals.spider_closed)
        return spider

    def _keep_open(self, spider) -> None:
        raise DontCloseSpider

    def _give_back(self, spider, reason: str) -> None:
        """Stopping (SIGTERM, Ctrl-C): hand in what is done, put back what is not, so no
        run waits for a lease to end."""
        self._hand_in()
        if self.refused:
            self.say(f"{self.refused} job(s) refused: not signed with this worker's [cluster] secret")
        handed = {raw for raw, _, _ in self.outbox}
        unfinished = [raw for raw in self.in_hand if raw not in handed]
        try:
            back = self.queue.release(unfinished)
        except UNREACHABLE:
            return  # their leases end and a run puts them back
        if back:
            self.say(f"{back} unfinished job(s) put back in the queue")

    async def start(self):
        renew = task.LoopingCall(self._renew)
        renew.start(self.queue.lease_ms / 3000, now=False)
        try:
            while True:
                self._hand_in()
                room = self.concurrency - len(self.in_hand)
                jobs = self._claim(room) if room > 0 and not self.outbox else []
                for raw in jobs:
                    request = self._request(raw)
                    if request is not None:
                        yield request
                if not jobs:
                    # Hands full: ask again as soon as a job is done. Queue empty: in a moment.
                    self._freed.clear()
                    try:
                        await asyncio.wait_for(self._freed.wait(), IDLE_POLL_S)
                    except TimeoutError:
                        pass
        finally:
            if renew.running:
                renew.stop()

    def _claim(self, room: int) -> list[bytes]:
        try:
            jobs = self.queue.claim(room)
        except UNREACHABLE as exc:
            self._unreachable(exc)
            return []
        self._reachable()
        return jobs

    def _request(self, raw: bytes) -> scrapy.Request | None:
        job = read_job(self.key, raw)
        if job is None:
            self._refuse(raw)
            return None
        self.in_hand[raw] = job
        return scrapy.Request(job["source"]["url"], headers=job["headers"], callback=self.read_feed,
                              errback=self.fetch_failed, dont_filter=True,
                              meta={"raw_job": raw, "job": job, "started": time.monotonic(),
                                    "handle_httpstatus_list": [304]})

    def _refuse(self, raw: bytes) -> None:
        """Drop a job that is not signed with this worker's secret, unread; say so the first time."""
        self.refused += 1
        if self.refused == 1:
            self.say("a job not signed with this worker's [cluster] secret: dropped unread")
            self.say("(written into Redis by someone else, or the run has another secret)")
        try:
            self.queue.drop([raw])
        except UNREACHABLE:
            pass  # its lease ends and a run puts it back; refused again then

    def read_feed(self, response: Response):
        """One job's feed: unchanged, read (entries derived), or why it could not be read."""
        raw = response.meta["raw_job"]
        job = response.meta["job"]
        res = self._result(job, {**response.meta, "final_url": response.url})
        res.status = str(response.status)
        if response.status == 304:
            res.status, res.unchanged = "not-modified", True
        else:
            res.etag = response_header(response, "ETag")
            res.last_modified = response_header(response, "Last-Modified")
            res.body_hash = hashlib.sha256(response.body).hexdigest()
            res.unchanged = res.body_hash == job.get("body_hash")
            if res.unchanged:
                res.status = "unchanged"
            else:
                res.content_type = response_header(response, "Content-Type")
                self._read(job, response, res)
        self._finish(raw, job, res)
        return []

    def _read(self, job: dict[str, Any], response: Response, res: Result) -> None:
        src = job["source"]
        try:
            parsed = parse_feed(response.body, response.url, res.content_type,
                                response.meta.get("download_maxsize") or self.settings.getint("DOWNLOAD_MAXSIZE"))
        except FeedError as exc:
            res.feed_error = str(exc)
            return
        try:
            derive(as_items(parsed, src["name"], src.get("lang"), storage.now_iso()), self._matcher(job["rules"]))
        except Exception as exc:  # noqa: BLE001 - reported on the source, as a one-process run does
            res.ok, res.error = False, entries_not_read(response.url, exc)
            res.read_again()
            return
        res.parsed = parsed

    def fetch_failed(self, failure: Failure):
        """A job's request failed: the result says why, in the words of a one-process run."""
        request = failure.request
        raw = request.meta["raw_job"]
        job = request.meta["job"]
        res = self._result(job, request.meta)
        res.ok = False
        status = getattr(getattr(failure.value, "response", None), "status", None)
        res.status = str(status) if status else "error"
        res.error = (f"{job['source']['url']}: "
                     f"{describe_failure(failure, max_bytes=self.settings.getint('DOWNLOAD_MAXSIZE'))}")
        self._finish(raw, job, res)
        return []

    def _result(self, job: dict[str, Any], meta: dict[str, Any]) -> Result:
        started = meta.get("started")
        return Result(job=job["id"], url=meta.get("final_url") or job["source"]["url"], worker=self._me,
                      duration_ms=int((time.monotonic() - started) * 1000) if started else 0)

    def _matcher(self, digest: str):
        matcher = self._matchers.get(digest)
        if matcher is None:
            from ..rules import compile_rules

            published = self.queue.rules(digest)
            if published is None:
                raise LookupError("the run's rules are no longer in Redis")
            if rules_digest(published) != digest:  # the job is signed; the rules are not
                raise LookupError("the rules in Redis are not the ones the run's job names")
            self._matchers = {digest: compile_rules([tuple(r) for r in published["rules"]],
                                                    aliases=published["aliases"])}
            matcher = self._matchers[digest]
        return matcher

    def _finish(self, raw: bytes, job: dict[str, Any], res: Result) -> None:
        self.outbox.append((raw, job, res.dump(self.key)))
        self._hand_in()

    def _hand_in(self) -> None:
        while self.outbox:
            raw, job, message = self.outbox[0]
            try:
                self.queue.finish(raw, job["run"], job["reply"], message)
            except UNREACHABLE as exc:
                self._unreachable(exc)
                return
            self._reachable()
            self.outbox.pop(0)
            self.in_hand.pop(raw, None)
            self.done += 1
            self._freed.set()

    def _renew(self) -> None:
        held = [raw for raw in self.in_hand if raw not in {o[0] for o in self.outbox}]
        try:
            self.queue.renew(held)
        except UNREACHABLE as exc:
            self._unreachable(exc)

    def _unreachable(self, exc: Exception) -> None:
        if not self._redis_down:
            self._redis_down = True
            self.say(f"Redis at {self.queue.where} not reachable ({exc}); waiting for it")

    def _reachable(self) -> None:
        if self._redis_down:
            self._redis_down = False
            self.say(f"Redis at {self.queue.where} is back")


def serve(config: Config, concurrency: int = 16, log_level: str | None = None, say=None) -> int:
    """Work for the runs of ``config``'s [cluster] until SIGTERM or Ctrl-C; the jobs done.

    ``config`` gives the Redis and the [crawl] settings (user agent, robots,
    timeouts, size limit); the rules come with each job. ``say`` hears what
    the operator should know (Redis gone and back).
    """
    cluster = config.cluster
    if cluster is None:
        raise ValueError("no [cluster] table")
    if not cluster.secret:
        raise ValueError("no [cluster] secret")
    queue = JobQueue(cluster.redis, cluster.queue, cluster.lease_s)
    from ..formats.langs import load_model

    load_model()  # now, not during the first job: that job's lease would run meanwhile
    settings = crawl_settings(config, log_level)
    settings.setdict({"CONCURRENT_REQUESTS": concurrency, "ITEM_PIPELINES": {}}, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(QueueSpider)
    process.crawl(crawler, queue=queue, concurrency=concurrency, key=cluster.secret.encode(), say=say)
    process.start()
    spider = crawler.spider
    return spider.done if spider is not None else 0
