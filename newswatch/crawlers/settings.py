"""Scrapy settings for newswatch: polite, and tuned for monitoring rather than bulk crawling.

Scrapy's defaults suit bulk crawls (1 GB bodies, 180 s timeouts with
retries). A monitor caps bodies at a few MB, waits tens of seconds, and never
lets one bad source stall a run. ``newswatch run`` overrides several of these
from newswatch.toml's [crawl] table (see :func:`newswatch.crawlers.crawl_settings`).
"""

BOT_NAME = "newswatch"
SPIDER_MODULES = ["newswatch.crawlers.spiders"]
NEWSPIDER_MODULE = "newswatch.crawlers.spiders"

# Politeness: obey robots.txt, identify ourselves (newswatch.toml's [crawl]
# user_agent should carry a contact), few requests per site.
ROBOTSTXT_OBEY = True
USER_AGENT = "newswatch/0.1 (+https://github.com/newswatch/newswatch)"
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
COOKIES_ENABLED = False

# AutoThrottle: slow down for a site that answers slowly or with errors
# (a delay of latency / target per request, between DOWNLOAD_DELAY and the
# max), on top of the per-domain limit. Note: each kind of source runs in
# its own spider, and limits apply per spider.
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = DOWNLOAD_DELAY
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Monitoring, not archiving: small bodies, short waits, few retries.
DOWNLOAD_MAXSIZE = 5 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
DOWNLOAD_TIMEOUT = 30
DNS_TIMEOUT = 15
RETRY_ENABLED = True
RETRY_TIMES = 2
# Giving up on a source is reported on its line of the run summary and in
# the database; for Scrapy's log (--debug) it is a warning, not an error.
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"
REDIRECT_MAX_TIMES = 5

# Scrapy's HTTP/1.1 handler, but giving up on a response whose headers pass
# 64 KB: neither Scrapy nor Twisted limits them (see crawlers/download.py).
DOWNLOAD_HANDLERS = {
    "http": "newswatch.crawlers.download.BoundedHTTP11DownloadHandler",
    "https": "newswatch.crawlers.download.BoundedHTTP11DownloadHandler",
}

# Scrapy's own robots.txt middleware lets requests that waited for robots.txt
# through unchecked (see crawlers/robots.py); ours replaces it in place.
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "newswatch.crawlers.robots.ReliableRobotsTxtMiddleware": 100,
}

# The data flow of one run, in order.
ITEM_PIPELINES = {
    "newswatch.crawlers.pipelines.NormalizePipeline": 100,
    "newswatch.crawlers.pipelines.DedupePipeline": 200,
    "newswatch.crawlers.pipelines.ClusterPipeline": 300,
    "newswatch.crawlers.pipelines.MatchPipeline": 400,
    "newswatch.crawlers.pipelines.StorePipeline": 500,
}

# Spiders hand the pipelines whole batches (one per feed response), so a
# response carries a handful of outputs: Scrapy's default of 100 starts 100
# asyncio tasks per response to work on them, a second of CPU per 1,000 feeds.
CONCURRENT_ITEMS = 4

TELNETCONSOLE_ENABLED = False
# Scrapy 2.19 starts, per spider, a local HTTP server that runs Python code
# sent to it (token-protected, for debugging live crawls). A scheduled
# monitor wants no such port open.
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "WARNING"
FEED_EXPORT_ENCODING = "utf-8"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
