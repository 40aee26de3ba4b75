"""Running the spiders in-process for one run."""

from __future__ import annotations

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from ..config import Config
from . import settings as default_settings
from .context import RunContext


def crawl_settings(config: Config, log_level: str = "ERROR") -> Settings:
    """Scrapy settings: the project's defaults, then newswatch.toml's [crawl] table."""
    s = Settings()
    s.setmodule(default_settings, priority="project")
    c = config.crawl
    s.setdict({
        "USER_AGENT": c.user_agent,
        "ROBOTSTXT_OBEY": c.obey_robots,
        "CONCURRENT_REQUESTS_PER_DOMAIN": c.concurrency_per_domain,
        "DOWNLOAD_DELAY": c.download_delay_s,
        "DOWNLOAD_TIMEOUT": c.timeout_s,
        "DOWNLOAD_MAXSIZE": c.max_bytes,
        "DOWNLOAD_WARNSIZE": min(c.max_bytes, 2 * 1024 * 1024),
        "RETRY_TIMES": c.retries,
        "LOG_LEVEL": log_level,
    }, priority="cmdline")
    return s


def crawl(context: RunContext, log_level: str = "ERROR") -> None:
    """Fetch, parse, match and store every source of ``context``; blocks until done.

    Scrapy's Twisted reactor runs once per process, so call this once per
    process (``newswatch run`` and ``newswatch demo`` do).
    """
    from .spiders.feeds import FeedsSpider

    process = CrawlerProcess(crawl_settings(context.config, log_level))
    process.crawl(FeedsSpider, context=context)
    process.start()
