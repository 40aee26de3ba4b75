"""The Scrapy project: spiders, items and the pipelines where the rooms meet.

The one door: :func:`prepare_context` gets a run ready (rules compiled, due
sources chosen), :func:`crawl` runs the spiders for that :class:`RunContext`
and returns when every source is done.
"""

from __future__ import annotations

import logging

from .context import FetchResult, RunContext
from .crawl import crawl, crawl_settings
from .prepare import compile_config_rules, due_sources, prepare_context

__all__ = ["crawl", "crawl_settings", "FetchResult", "RunContext", "compile_config_rules", "due_sources",
           "prepare_context"]

logging.getLogger(__name__).addHandler(logging.NullHandler())
