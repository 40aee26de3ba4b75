"""robots.txt obeyed for every request, including those that wait for it.

Scrapy 2.13+'s RobotsTxtMiddleware awaits one shared Deferred per host; the
first waiter's callback returns None, so the second and later requests that
arrived while robots.txt was downloading get no parser and go through
unchecked (seen here: a feed under a Disallow'd path was fetched when four
sources on one host started together). Once the Deferred has fired, the
middleware's own table holds the parser, so we read it from there.
"""

from __future__ import annotations

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred


class ReliableRobotsTxtMiddleware(RobotsTxtMiddleware):
    """RobotsTxtMiddleware whose waiting requests see the parsed robots.txt too."""

    async def robot_parser(self, request):
        parser = await super().robot_parser(request)
        if parser is None:
            current = self._parsers.get(urlparse_cached(request).netloc)
            if current is not None and not isinstance(current, Deferred):
                return current
        return parser
