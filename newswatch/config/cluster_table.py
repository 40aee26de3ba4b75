"""The [cluster] table: crawl workers on other machines, sharing one Redis queue.

::

    [cluster]
    redis = "redis://:${REDIS_PASSWORD}@queue.example.org:6379/0"
    secret = "${NEWSWATCH_CLUSTER_SECRET}"   # the same on the run and every worker
    lease = "60s"            # a silent worker's job goes back to the queue after this
    result_timeout = "5m"    # a run stops waiting when no result came for this long
    queue = "newswatch"      # key prefix, so desks can share one Redis

Without the table one process crawls, as before. ``${VAR}`` is read from the
environment (a password belongs there, not in the file). ``secret`` is
required: every job and result is signed with it, so whoever can write to
the Redis cannot make workers fetch or the run unpickle what they wrote.
"""

from __future__ import annotations

from typing import Any

from .files import ENV_RE, Locator
from .model import ClusterConfig, Problem, parse_interval

_KEYS = "redis, secret, lease, result_timeout, queue"
#: Characters a secret needs at least.
MIN_SECRET = 16
_MAKE_ONE = ('make one with: python -c "import secrets; print(secrets.token_hex(32))"; '
             'give it to the run and every worker')
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
    cfg = ClusterConfig(redis=redis, secret=_secret(raw, fname, loc, problems))
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
        elif key not in ("redis", "secret"):
            problems.append(Problem(fname, line, where, f"unknown setting; valid: {_KEYS}"))
    return cfg


def _secret(raw: dict[str, Any], fname: str, loc: Locator, problems: list[Problem]) -> str:
    """The secret that signs the cluster's messages; "" with a problem when it is missing or
    too short ("" also while its ``${VAR}`` is unset: the loader names the variable)."""
    value = raw.get("secret")
    if value is None:
        problems.append(Problem(fname, loc.line_of("cluster", None, None), "cluster.secret",
                                "missing: the run and its workers sign every message with it; add "
                                'secret = "${NEWSWATCH_CLUSTER_SECRET}" and set that variable; '
                                + _MAKE_ONE))
    elif not isinstance(value, str):
        problems.append(Problem(fname, loc.line_of("cluster", None, "secret"), "cluster.secret",
                                f"must be a string; {_MAKE_ONE}"))
    elif ENV_RE.search(value):
        pass
    elif len(value) < MIN_SECRET:
        problems.append(Problem(fname, loc.line_of("cluster", None, "secret"), "cluster.secret",
                                f"too short ({len(value)} characters; at least {MIN_SECRET}); "
                                + _MAKE_ONE))
    else:
        return value
    return ""
