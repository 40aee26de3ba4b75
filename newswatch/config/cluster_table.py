"""The [cluster] table: crawl workers on other machines, sharing one Redis queue.

::

    [cluster]
    redis = "redis://:${REDIS_PASSWORD}@queue.example.org:6379/0"
    lease = "60s"            # a silent worker's job goes back to the queue after this
    result_timeout = "5m"    # a run stops waiting when no result came for this long
    queue = "newswatch"      # key prefix, so desks can share one Redis

Without the table one process crawls, as before. ``${VAR}`` is read from the
environment (a password belongs there, not in the file).
"""

from __future__ import annotations

from typing import Any

from .files import Locator
from .model import ClusterConfig, Problem, parse_interval

_KEYS = "redis, lease, result_timeout, queue"
_SCHEMES = ("redis://", "rediss://", "unix://")


def load_cluster(raw: Any, fname: str, loc: Locator, problems: list[Problem]) -> ClusterConfig | None:
    """The [cluster] table, or None when there is none (one process crawls)."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        problems.append(Problem(fname, loc.line_of("cluster", None, None), "cluster", "must be a table"))
        return None
    redis = raw.get("redis")
    if not isinstance(redis, str) or not redis.startswith(_SCHEMES):
        problems.append(Problem(fname, loc.line_of("cluster", None, "redis" if "redis" in raw else None),
                                "cluster.redis",
                                'must be a Redis URL, like "redis://localhost:6379/0", '
                                f"not {redis!r}"))
        return None
    cfg = ClusterConfig(redis=redis)
    for key, value in raw.items():
        line = loc.line_of("cluster", None, key)
        where = f"cluster.{key}"
        if key in ("lease", "result_timeout"):
            try:
                seconds = parse_interval(value)
            except ValueError as exc:
                problems.append(Problem(fname, line, where, str(exc)))
                continue
            if key == "lease":
                if seconds < 5:
                    problems.append(Problem(fname, line, where, "must be at least 5s (workers renew it "
                                                                "every third of it)"))
                cfg.lease_s = seconds
            else:
                cfg.result_timeout_s = seconds
        elif key == "queue":
            if not isinstance(value, str) or not value or any(c.isspace() for c in value):
                problems.append(Problem(fname, line, where, f"must be a name without spaces, not {value!r}"))
            else:
                cfg.queue = value
        elif key != "redis":
            problems.append(Problem(fname, line, where, f"unknown setting; valid: {_KEYS}"))
    return cfg
