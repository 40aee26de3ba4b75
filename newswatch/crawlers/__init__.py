"""The Scrapy project: spiders, items and the pipelines where the rooms meet.

The one door: :func:`crawl` runs the spiders for a prepared
:class:`RunContext` and returns when every source is done.
"""

from __future__ import annotations

import logging

from .context import FetchResult, RunContext
from .crawl import crawl, crawl_settings

__all__ = ["crawl", "crawl_settings", "FetchResult", "RunContext"]

logging.getLogger(__name__).addHandler(logging.NullHandler())
