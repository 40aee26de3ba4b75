"""Feed reading beside the crawl: worker processes when a run has many feeds.

feedparser is pure Python and the largest single cost of reading a feed. On
a machine with a spare core, a run with many feed sources reads them in
worker processes: each parses the document and works out what the entries'
text alone decides (language, story fingerprint, matching rules; see
:mod:`newswatch.crawlers.derive`), while the crawl process fetches,
deduplicates, clusters and stores, so the two overlap. Small runs parse
in-process and leave the rest to the pipelines, which work it out only for
new items: starting workers costs more than it saves on a handful of feeds.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import sqlite3
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from .. import storage
from ..formats.feeds import ParsedFeed, parse_feed
from ..formats.items import NewsItem
from .derive import as_items, derive

#: Runs with fewer feed sources than this parse in-process.
MIN_FEEDS_FOR_WORKER = 20

_matcher = None  # in a worker: the run's rules, compiled once


def _start_worker(rules: Sequence[tuple[str, str]], aliases: dict[str, list[str]]) -> None:
    global _matcher
    from ..rules import compile_rules

    _matcher = compile_rules(list(rules), aliases=aliases)


def _read_in_worker(body: bytes, url: str, content_type: str | None, source: str, lang: str | None,
                    fetched_at: str, max_bytes: int | None = None, database: str | None = None) -> ParsedFeed:
    parsed = parse_feed(body, url, content_type, max_bytes)
    derive(as_items(parsed, source, lang, fetched_at), _matcher, _stored_in(database))
    return parsed  # its entries are the derived items


_reader: tuple[int, str, sqlite3.Connection] | None = None  # this process's look at the run's database


def _stored_in(database: str | None) -> Callable[[str, list[str]], set[str]] | None:
    """:func:`derive`'s ``stored`` for a worker: which entries the run's database holds, read
    through a read-only connection of this process (opened on first use, never inherited)."""
    global _reader
    if database is None:
        return None
    if _reader is None or _reader[:2] != (os.getpid(), database):
        try:
            _reader = (os.getpid(), database, storage.open_reader(database))
        except storage.StorageError:
            return None
    conn = _reader[2]

    def stored(source: str, ids: list[str]) -> set[str]:
        try:
            return storage.ids_stored_for(conn, source, ids)
        except sqlite3.Error:  # then every entry is derived: it costs more, nothing is lost
            return set()

    return stored


# One entry of plain RSS: enough to take every first-use cost (lazily imported modules,
# tables built on first call) before the first real feed arrives.
_SAMPLE_FEED = (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>warm-up</title>'
                b"<link>http://127.0.0.1/</link><item><title>Warm-up entry</title>"
                b"<link>http://127.0.0.1/a.html</link><pubDate>Fri, 04 Dec 2026 10:00:00 GMT</pubDate>"
                b"<description>One two three four five six seven eight nine ten eleven twelve thirteen."
                b"</description></item></channel></rss>")


def _warm_up_worker() -> None:
    """Make a new worker ready while the crawl process starts Scrapy: the language model, then
    one sample feed read end to end, so that no first-use cost falls on the first real feed."""
    _warm_up()
    if _matcher is not None:
        _read_in_worker(_SAMPLE_FEED, "http://127.0.0.1/feed.xml", "application/rss+xml", "warm-up",
                        "en", "2026-01-01T00:00:00Z")


def _die_with_parent(parent: int) -> None:
    """Initialise a forked worker: end it when the crawl process ends, even by SIGKILL."""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(0)
    # The crawl process feeds the workers and stores what they return: when
    # cores are short it goes first, or everything waits on it.
    os.nice(5)


def _warm_up() -> None:
    # Load the language model now, while the crawl process starts its spiders,
    # rather than on the first feed (a forked worker has it already).
    from ..formats.langs import load_model

    load_model()


def worker_count(n_feeds: int, workers: int | None = None) -> int:
    """How many worker processes read ``n_feeds`` feeds: ``workers`` when set ([crawl]
    parse_workers), else one per core on a machine of two or more for 20 feeds or more."""
    if workers is not None:
        return workers
    cores = os.cpu_count() or 1
    return cores if (cores >= 2 and n_feeds >= MIN_FEEDS_FOR_WORKER) else 0


def forks_workers(n_feeds: int, workers: int | None = None) -> bool:
    """Whether a :class:`FeedParser` for ``n_feeds`` feeds forks its workers (see
    :func:`preload_language_model`)."""
    return sys.platform == "linux" and worker_count(n_feeds, workers) > 0


_model_thread: threading.Thread | None = None


def preload_language_model() -> None:
    """Start loading the language detector's model in a thread, for a :class:`FeedParser` to come.

    Loading it is mostly decompression, outside Python's lock: started before
    the crawl imports and sets up Scrapy, it is ready, or nearly, when the
    feed workers are forked, and they inherit it.
    """
    global _model_thread
    if _model_thread is None:
        _model_thread = threading.Thread(target=_warm_up, name="newswatch-language-model", daemon=True)
        _model_thread.start()


#: Room in the pipe that carries the workers' results back: a feed of 50 entries comes back as
#: about 75 KB, more than a pipe's default 64 KB.
RESULT_PIPE_BYTES = 1 << 20


def _widen_result_pipe(pool: ProcessPoolExecutor) -> None:
    """Let a worker hand over a whole feed's result and go on to the next feed.

    Through a pipe of the default size a worker waited until the crawl process,
    busy with the GIL elsewhere, had read most of its result: 0.25 s of each
    worker's 1.4 s for 100 feeds. On Linux the pipe can hold more; elsewhere,
    or if the system refuses, it stays as it is (only slower).
    """
    import fcntl

    queue = getattr(pool, "_result_queue", None)  # the executor's own pipe (CPython 3.9+)
    reader = getattr(queue, "_reader", None)
    setsize = getattr(fcntl, "F_SETPIPE_SZ", None)
    if reader is None or setsize is None:
        return
    for size in (RESULT_PIPE_BYTES, RESULT_PIPE_BYTES // 4):
        try:
            fcntl.fcntl(reader.fileno(), setsize, size)
            return
        except OSError:  # above /proc/sys/fs/pipe-max-size for this user: try less
            continue


class FeedParser:
    """Reads feed documents into items, in worker processes when that pays off.

    Create it before the crawl starts threads: on Linux the workers are forked
    at once, inheriting the compiled rules and every module already loaded.
    """

    def __init__(self, n_feeds: int, matcher=None, rules: Sequence[tuple[str, str]] = (),
                 aliases: dict[str, list[str]] | None = None, workers: int | None = None,
                 database: str | os.PathLike[str] | None = None):
        if _model_thread is not None:
            _model_thread.join()  # so that nothing loads it a second time meanwhile
        workers = worker_count(n_feeds, workers)
        # Workers skip the fingerprints and matches of entries the database holds already.
        self._database = os.fspath(database) if database is not None else None
        self._pool: ProcessPoolExecutor | None = None
        if workers > 0:
            if sys.platform == "linux" and matcher is not None:
                global _matcher
                _matcher = matcher
                # Loaded once here (if not preloaded), the model is inherited by
                # every worker instead of loaded by each (0.2 s from the cache, 0.6 s without).
                _warm_up()
                ctx, init, initargs = multiprocessing.get_context("fork"), _die_with_parent, (os.getpid(),)
            else:
                # Elsewhere fork is unsafe or missing: workers start from scratch and compile the rules.
                ctx = multiprocessing.get_context("spawn")
                init, initargs = _start_worker, (list(rules), dict(aliases or {}))
            self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=init,
                                             initargs=initargs)
            _widen_result_pipe(self._pool)
            # A pool starts its workers on its first task: now, before the crawl has threads.
            for _ in range(workers):
                self._pool.submit(_warm_up_worker)

    async def read(self, body: bytes, url: str, content_type: str | None, source: str, lang: str | None,
                   fetched_at: str, max_bytes: int | None = None) -> tuple[ParsedFeed, list[NewsItem]]:
        """The feed and its entries as items of ``source``; raises
        :class:`~newswatch.formats.feeds.FeedError` like parse_feed
        (a gzipped body inflating past ``max_bytes``, too).

        Items read in a worker come back ``derived``; the others are derived
        by the pipelines, for new items only.
        """
        if self._pool is not None:
            try:
                parsed = await asyncio.wrap_future(
                    self._pool.submit(_read_in_worker, body, url, content_type, source, lang, fetched_at,
                                      max_bytes, self._database))
                return parsed, parsed.entries
            except BrokenProcessPool:
                # A worker that died (out of memory on a hostile feed) must not
                # stop the run: parse in-process from now on.
                self._pool = None
        parsed = parse_feed(body, url, content_type, max_bytes)
        return parsed, as_items(parsed, source, lang, fetched_at)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
