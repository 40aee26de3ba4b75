"""Scrapy's HTTP/1.1 download handler, with a limit on the size of response headers.

Scrapy caps a response's body (``DOWNLOAD_MAXSIZE``) but not its headers,
and neither does Twisted: its parser limits one header line to 16 KB and
keeps every line it is sent. A server that answers with header line after
header line, forever, grew one run to 6 GB in 30 seconds before the
download timeout fired. Here the parser counts the bytes of the status line
and headers and gives up past :data:`MAX_HEADER_BYTES` (64 KB, far above
what any real site sends: browsers and servers allow 8-16 KB per line and
about 64-100 KB in all).

The handler is Scrapy's own (``HTTP11DownloadHandler``) with its connection
pool building a protocol whose parser counts; the failure reaches the
spider's errback as :class:`ResponseHeadersTooLarge`, which Scrapy does not
retry: the same server would only send the same flood again.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Iterator
from contextlib import contextmanager


def _frames(context: int = 1) -> list[inspect.FrameInfo]:
    """The caller's stack as :func:`inspect.stack` gives it, without source lines."""
    frames = []
    frame = sys._getframe(1)
    while frame is not None:
        frames.append(inspect.FrameInfo(frame, frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name,
                                        None, None))
        frame = frame.f_back
    return frames


@contextmanager
def _cheap_stack() -> Iterator[None]:
    """Let :func:`inspect.stack` skip reading every frame's source while Scrapy's TLS modules load.

    They define deprecated aliases (``scrapy.utils.deprecate.create_deprecated_class``),
    each calling ``inspect.stack()`` and ``inspect.getmodule(frame)`` only to learn
    its module's name: reading the source of every frame on a deep stack cost
    0.3-0.6 s of each run's start, and finding a frame's module by file name
    resolves the path of each of the 900 modules loaded (0.03 s). A frame's
    globals name its module.
    """
    saved = inspect.stack, inspect.getmodule

    def module_of(obj, _filename=None):
        if inspect.isframe(obj):
            return sys.modules.get(obj.f_globals.get("__name__"))
        return saved[1](obj, _filename)

    inspect.stack, inspect.getmodule = _frames, module_of
    try:
        yield
    finally:
        inspect.stack, inspect.getmodule = saved


with _cheap_stack():
    from scrapy.core.downloader.handlers.http11 import (
        HTTP11DownloadHandler,
        _LenientHTTP11ClientFactory,
        _LenientHTTP11ClientProtocol,
        _LenientHTTPClientParser,
    )
from scrapy.exceptions import DownloadFailedError  # noqa: E402 - after the import above
from twisted.web._newclient import ResponseFailed  # noqa: E402

#: Status line plus header lines of one response, in bytes.
MAX_HEADER_BYTES = 64 * 1024


class ResponseHeadersTooLarge(Exception):
    """A response whose status line and headers passed :data:`MAX_HEADER_BYTES`."""

    def __init__(self, limit: int = MAX_HEADER_BYTES):
        self.limit = limit
        super().__init__(f"response headers larger than {limit // 1024} KB; not read")


class _CountingParser(_LenientHTTPClientParser):
    """Scrapy's lenient response parser, stopping once the headers pass the limit."""

    max_header_bytes = MAX_HEADER_BYTES

    def lineReceived(self, line: bytes) -> None:
        # Only the status line and the headers arrive here: the body comes in raw mode.
        self._header_bytes = getattr(self, "_header_bytes", 0) + len(line) + 1
        if self._header_bytes > self.max_header_bytes:
            # HTTP11ClientProtocol.dataReceived turns this into a lost connection
            # whose reason is this exception (inside Twisted's ResponseFailed).
            raise ResponseHeadersTooLarge(self.max_header_bytes)
        super().lineReceived(line)


class _CountingProtocol(_LenientHTTP11ClientProtocol):
    def request(self, request):
        d = super().request(request)
        # As Scrapy does for its lenient parser: HTTP11ClientProtocol.request()
        # creates the parser itself, so its class is replaced (no new state but a counter).
        self._parser.__class__ = _CountingParser
        return d


class _CountingFactory(_LenientHTTP11ClientFactory):
    def buildProtocol(self, addr):
        return _CountingProtocol(self._quiescentCallback)


class BoundedHTTP11DownloadHandler(HTTP11DownloadHandler):
    """``http`` and ``https`` downloads that stop at :data:`MAX_HEADER_BYTES` of response headers."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self._pool._factory = _CountingFactory

    async def download_request(self, request):
        try:
            return await super().download_request(request)
        except DownloadFailedError as exc:
            cause = exc.__cause__
            if isinstance(cause, ResponseFailed):
                for reason in cause.reasons:
                    if reason.check(ResponseHeadersTooLarge):
                        raise reason.value from None
            raise
