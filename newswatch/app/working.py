"""``newswatch worker``: a crawl worker of a [cluster] (see docs/scale.md)."""

from __future__ import annotations

from collections.abc import Callable

from ..config import ConfigError, Problem
from .loading import ConfigLike, as_config

#: What a config without a [cluster] table is told to add, with the shape to copy.
NO_CLUSTER = ('no [cluster] table; add one, like\n\n[cluster]\nredis = "redis://localhost:6379/0"\n'
              'secret = "${NEWSWATCH_CLUSTER_SECRET}"')


def work(config: ConfigLike = None, concurrency: int = 16, *, log_level: str = "ERROR",
         on_notice: Callable[[str], None] | None = None) -> int:
    """Fetch and read the feeds that runs of ``config``'s [cluster] queue, until SIGTERM or Ctrl-C.

    Returns how many jobs this worker handed in. ``on_notice`` hears when Redis
    goes out of reach and comes back. Scrapy's reactor runs once per process:
    call this once per process. Raises :class:`ConfigError` without a [cluster] table.
    """
    config = as_config(config)
    if config.cluster is None:
        raise ConfigError([Problem(str(config.path), None, "cluster", NO_CLUSTER)])
    from ..cluster import serve

    return serve(config, concurrency, log_level=log_level, say=on_notice)


def describe_redis(url: str) -> str:
    """A [cluster] Redis URL for messages: host, port and database, never its password."""
    from ..cluster import describe_url

    return describe_url(url)
