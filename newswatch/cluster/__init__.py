"""Crawl workers on Redis: feeds read on any number of machines, stored by one run.

The one door: :func:`serve` runs a worker (``newswatch worker``);
:class:`JobQueue` is the reliable queue it and the run share. A run with a
[cluster] table reads its feeds through the queue by itself (see
:mod:`newswatch.cluster.collect`, which the crawl picks instead of the feeds
spider). Every job and result is signed with the [cluster] secret and
checked before it is read (:mod:`newswatch.cluster.messages`). docs/scale.md
tells how it holds together, what it needs and what it trusts.
"""

from __future__ import annotations

from .queue import JobQueue, describe_url
from .worker import serve

__all__ = ["JobQueue", "describe_url", "serve"]
