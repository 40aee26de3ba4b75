"""Running the spiders in-process for one run."""

from __future__ import annotations

import gc
import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from .. import storage
from ..config import Config
from . import settings as default_settings
from .context import RunContext

if TYPE_CHECKING:
    from scrapy.settings import Settings


def crawl_settings(config: Config, log_level: str | None = None) -> Settings:
    """Scrapy settings: the project's defaults, then newswatch.toml's [crawl] table.

    ``log_level`` ``"DEBUG"``, ``"INFO"`` or ``"WARNING"`` sends Scrapy's log
    to stderr from that level up (``newswatch --debug run`` passes INFO).
    None, ``"ERROR"`` or ``"CRITICAL"`` keep it off: what Scrapy logs at
    ERROR is a download or a callback that failed, and that is already on
    its source's :class:`FetchResult` (the run's line for it, the database).
    """
    from scrapy.settings import Settings

    s = Settings()
    s.setmodule(default_settings, priority="project")
    c = config.crawl
    s.setdict({
        "USER_AGENT": c.user_agent,
        "ROBOTSTXT_OBEY": c.obey_robots,
        "CONCURRENT_REQUESTS_PER_DOMAIN": c.concurrency_per_domain,
        "DOWNLOAD_DELAY": c.download_delay_s,
        # AutoThrottle starts at the configured delay and never goes below it.
        "AUTOTHROTTLE_ENABLED": c.autothrottle,
        "AUTOTHROTTLE_START_DELAY": c.download_delay_s,
        "DOWNLOAD_TIMEOUT": c.timeout_s,
        "DOWNLOAD_MAXSIZE": c.max_bytes,
        "DOWNLOAD_WARNSIZE": min(c.max_bytes, 2 * 1024 * 1024),
        "RETRY_TIMES": c.retries,
        # A run reports each failing source in one line, and records it in
        # the database; Scrapy's log said the same again with tracebacks
        # (1,283 lines for the starter config without a network).
        "LOG_ENABLED": shows_scrapy_log(log_level),
        "LOG_LEVEL": log_level or "ERROR",
        # The spiders are handed to Scrapy as classes (see crawl()): it need not
        # import every spider module (and what they import) to look them up by name.
        "SPIDER_MODULES": [],
    }, priority="cmdline")
    # Extensions newswatch turns off are not even imported: Scrapy imports each one
    # named in EXTENSIONS, None or not, and the remote control's aiohttp server
    # cost 0.1-0.3 s of every run's start.
    # Likewise the cookies middleware (COOKIES_ENABLED is off), which imports tldextract,
    # requests and urllib3: 0.04 s before the first fetch.
    for base, unused in (("EXTENSIONS_BASE", _UNUSED_EXTENSIONS), ("DOWNLOADER_MIDDLEWARES_BASE", _UNUSED_MIDDLEWARES)):
        s.set(base, {name: order for name, order in s.getdict(base).items() if name not in unused},
              priority="cmdline")
    return s


#: Scrapy extensions newswatch's settings turn off (TELNETCONSOLE_ENABLED, REMOTE_CONTROL_ENABLED).
_UNUSED_EXTENSIONS = ("scrapy.extensions.telnet.TelnetConsole", "scrapy.extensions.remote_control.RemoteControl")
#: Scrapy downloader middlewares newswatch's settings turn off (COOKIES_ENABLED).
_UNUSED_MIDDLEWARES = ("scrapy.downloadermiddlewares.cookies.CookiesMiddleware",)


def shows_scrapy_log(log_level: str | None) -> bool:
    """True when ``log_level`` asks for more than errors (see :func:`crawl_settings`)."""
    level = logging.getLevelName(log_level.upper()) if log_level else None
    return isinstance(level, int) and level < logging.ERROR


def spiders_for(kinds, cluster: bool = False) -> list[type]:
    """The spider class of each kind of source in ``kinds``, once each, in a stable order.

    With ``cluster``, feeds are read by ``newswatch worker``s (newswatch.cluster).
    """
    from scrapy.utils.misc import load_object

    # Only the spiders wanted are imported: the page watches' loads trafilatura (0.2-0.4 s).
    by_kind = {"feed": "newswatch.crawlers.spiders.feeds.FeedsSpider",
               "search": "newswatch.crawlers.spiders.search.SearchSpider",
               "sitemap": "newswatch.crawlers.spiders.sitemaps.SitemapsSpider",
               "site": "newswatch.crawlers.spiders.sites.SitesSpider",
               "page": "newswatch.crawlers.spiders.pages.PagesSpider"}
    if cluster:
        by_kind["feed"] = "newswatch.cluster.collect.ClusterFeedsSpider"
    wanted = set(kinds)
    return [load_object(path) for kind, path in by_kind.items() if kind in wanted]


#: About how many new container objects come between two full collections during a crawl
#: (Python's default: 70,000).
FULL_COLLECTION_EVERY = 7_000_000
#: New container objects between two young collections during a crawl (Python's default
#: is 700). A feed's result from a worker unpickles into about 3,000 objects that live
#: until their batch is stored, and every young collection walked those in flight:
#: 0.19 s of the crawl process's 2.6 s in a 200-feed run, 0.06 s at this threshold.
YOUNG_COLLECTION_EVERY = 50_000


@contextmanager
def _calm_collector() -> Iterator[None]:
    """Keep Python's cyclic garbage collector off the objects every run holds anyway.

    A crawl allocates millions of short-lived objects while holding large
    long-lived ones (imported modules, compiled rules, the story index).
    Each full collection walked all of them: 1.4 s of a 14 s run over 50,000
    items. What exists at the start is frozen (forked feed workers share it
    untouched, too), and full collections are rarer; young objects are
    collected less often: most of them die young anyway, freed as soon as
    they are unused, and what a collection would walk is mostly still in use.
    """
    threshold = gc.get_threshold()
    young = max(threshold[0], YOUNG_COLLECTION_EVERY)
    gc.freeze()
    gc.set_threshold(young, threshold[1], max(threshold[2], FULL_COLLECTION_EVERY // (young * max(1, threshold[1]))))
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()  # what the run left behind is collectable again (delivery still runs)


def record_spider_error(context: RunContext, source: str | None, url: str, error: BaseException) -> None:
    """A spider's callback raised on ``url`` of ``source``: the fetch failed, and says why.

    The first error of a source is kept. Its validators are dropped, so the
    next run reads it again rather than skip it as unchanged.
    """
    res = context.results.get(source) if source else None
    if res is None or not res.ok:
        return
    res.ok = False
    res.status = res.status or "error"
    res.error = (f"{url}: error in newswatch ({type(error).__name__}: {error}); "
                 "`newswatch --debug run` shows the traceback")[:300]
    res.read_again()
    if context.on_fetch:
        context.on_fetch(res)


def crawl(context: RunContext, log_level: str | None = None,
          stop_requested: Callable[[], bool] | None = None) -> bool:
    """Fetch, parse, match and store every source of ``context``; blocks until done.

    One spider per kind of source, all in one CrawlerProcess, so one run
    covers every due source. Scrapy's Twisted reactor runs once per process,
    so call this once per process (``newswatch run`` and ``newswatch demo``
    do). Returns False when the crawl was stopped early (SIGTERM, Ctrl-C):
    what was fetched is stored, and sources with article pages still
    pending are recorded as interrupted. ``stop_requested`` says whether a
    stop signal arrived before Scrapy's own handlers were in place.
    ``log_level`` INFO or DEBUG shows Scrapy's log (``newswatch --debug
    run``); by default it is off, and what went wrong is on each source's
    :class:`FetchResult` (see :func:`crawl_settings`).
    """
    with _calm_collector():
        return _crawl(context, log_level, stop_requested)


def _crawl(context: RunContext, log_level: str | None,
           stop_requested: Callable[[], bool] | None) -> bool:
    cluster = context.config.cluster is not None
    feeds = not cluster and any(s.kind == "feed" for s in context.sources)
    # Scrapy is imported here rather than with this module, so that it loads beside the
    # language model (started by prepare_context) and commands that never crawl do without it.
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    if feeds:
        context.feed_parser  # noqa: B018 - its workers start now, before the crawl has threads
    process = CrawlerProcess(crawl_settings(context.config, log_level))
    reasons: list[str] = []

    def closed(spider, reason: str) -> None:
        reasons.append(reason)

    def item_failed(item, response, spider, failure) -> None:
        # A pipeline raised: the batch is lost to this run, so its sources must be read again.
        error = failure.value
        sources = [getattr(i, "source", None) for i in getattr(item, "items", [item])]
        if isinstance(error, (storage.StorageError, sqlite3.Error)):
            context.storage_failed(error, sources)
        else:
            context.items_not_stored(error if str(error) else type(error).__name__, sources)

    def spider_failed(failure, response, spider) -> None:
        # A callback raised: with Scrapy's log off, its source is the only
        # place left to say so. Scrapy passes the Failure when an errback raised.
        request = getattr(response, "request", None)
        source = (getattr(request, "meta", None) or {}).get("source")
        record_spider_error(context, getattr(source, "name", None), getattr(request, "url", ""),
                            failure.value)

    spiders = spiders_for((s.kind for s in context.sources), cluster)
    for spider_cls in spiders:
        crawler = process.create_crawler(spider_cls)
        # weak=False: the receiver is a local function that would be collected otherwise.
        crawler.signals.connect(closed, signal=signals.spider_closed, weak=False)
        crawler.signals.connect(item_failed, signal=signals.item_error, weak=False)
        crawler.signals.connect(spider_failed, signal=signals.spider_error, weak=False)
        process.crawl(crawler, context=context)
    if stop_requested is not None:
        from twisted.internet import reactor

        def check() -> None:  # runs after Scrapy installed its signal handlers at startup
            if stop_requested():
                process._graceful_stop_reactor()

        reactor.callWhenRunning(lambda: reactor.callLater(0, check))
    try:
        process.start()
    finally:
        context.close()
    return len(reasons) == len(spiders) and all(r == "finished" for r in reasons)
