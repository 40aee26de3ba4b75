"""A reliable job queue on Redis: a job claimed by a worker that dies goes back to the queue.

Keys, under the ``[cluster] queue`` prefix ``p``:

* ``p:jobs``: a list of waiting jobs; a run pushes on the left, workers take
  from the right (first in, first out; a job put back goes first).
* ``p:claimed``: a sorted set of the jobs workers hold, scored by the end of
  their lease in milliseconds of Redis's own clock (machines' clocks may
  differ). A worker renews the leases of the jobs it holds; a run puts a job
  whose lease ended back on ``p:jobs`` (its worker was killed, or lost).
* ``p:results:<run>``: the results workers send one run, one message per job.
* ``p:run:<run>``: set while the run waits, renewed every few seconds. Gone
  while the run waits means Redis lost its data (restarted without
  persistence): the run queues its jobs again. Gone because the run was
  killed: workers drop its jobs and results.
* ``p:rules:<digest>``: the run's rules, for the workers to match with.

A job is stored as its signed message (see :mod:`.messages`); the scripts
read its run from the JSON after the signature and check nothing else: a
worker checks the signature before it does anything with a job it claimed.

Claiming is one Lua script (pop and lease at once), and a worker hands in a
result and drops its claim in another; a script runs whole or not at all, so
no step leaves a job both unclaimed and not waiting. A job can be done twice
(its lease ended while its worker was still at it): the run keeps the first
result of each job.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import redis

from .messages import TAG_BYTES

#: What Redis raises when it cannot be reached or is still loading its data.
UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError,
               redis.exceptions.BusyLoadingError)

#: How long a run's keys outlive it at most, when it could not delete them (seconds).
KEEP_S = 24 * 3600
#: A run's marker lives this long unless the run renews it (each second while it waits): a run
#: killed outright stops renewing, and workers then drop its jobs instead of doing them for nobody.
MARKER_S = 120

_NOW_MS = "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000) "

# A job of a run that is gone (its marker expired: the run was killed) is dropped, not fetched:
# nobody would store its result. (The marker's key is built here, so this needs a Redis that is
# not a Redis Cluster, as newswatch's queue does throughout.) A message that is no job at all
# (written into Redis by someone else) is handed out too, for the worker to refuse and drop.
_CLAIM = _NOW_MS + """
local out = {}
local looked = 0
while #out < tonumber(ARGV[2]) and looked < tonumber(ARGV[2]) + 1000 do
  local job = redis.call('RPOP', KEYS[1])
  if not job then break end
  looked = looked + 1
  local ok, decoded = pcall(cjson.decode, string.sub(job, tonumber(ARGV[4]) + 1))
  local run = ok and type(decoded) == 'table' and decoded['run']
  if type(run) ~= 'string' or redis.call('EXISTS', ARGV[3] .. ':run:' .. run) == 1 then
    redis.call('ZADD', KEYS[2], now + tonumber(ARGV[1]), job)
    out[#out + 1] = job
  end
end
return out
"""

_RENEW = _NOW_MS + """
local held = 0
for i = 2, #ARGV do
  held = held + redis.call('ZADD', KEYS[1], 'XX', 'CH', now + tonumber(ARGV[1]), ARGV[i])
end
return held
"""

# A result for a run that is gone (it finished, or gave up) is not kept: nobody would read it.
_FINISH = """
if redis.call('EXISTS', KEYS[3]) == 1 then
  redis.call('RPUSH', KEYS[2], ARGV[2])
  redis.call('EXPIRE', KEYS[2], tonumber(ARGV[3]))
end
return redis.call('ZREM', KEYS[1], ARGV[1])
"""

_REQUEUE = _NOW_MS + """
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 1000)
for _, job in ipairs(expired) do
  redis.call('ZREM', KEYS[1], job)
  redis.call('RPUSH', KEYS[2], job)
end
return #expired
"""


# A worker stopping hands back what it holds: still claimed by it, the job waits again at once.
_RELEASE = """
local back = 0
for _, job in ipairs(ARGV) do
  if redis.call('ZREM', KEYS[1], job) == 1 then
    redis.call('RPUSH', KEYS[2], job)
    back = back + 1
  end
end
return back
"""


def describe_url(url: str) -> str:
    """A Redis URL for messages: host, port and database, never the password."""
    kwargs = redis.connection.parse_url(url)
    if "path" in kwargs:
        return f"unix://{kwargs['path']}"
    return f"{kwargs.get('host', 'localhost')}:{kwargs.get('port', 6379)}/{kwargs.get('db', 0)}"


class JobQueue:
    """The queue of one ``[cluster]`` (see the module docstring)."""

    def __init__(self, url: str, prefix: str = "newswatch", lease_s: int = 60):
        self.where = describe_url(url)
        self.prefix = prefix
        self.lease_ms = lease_s * 1000
        self.redis = redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5,
                                          health_check_interval=30)
        self._claim = self.redis.register_script(_CLAIM)
        self._renew = self.redis.register_script(_RENEW)
        self._requeue = self.redis.register_script(_REQUEUE)
        self._finish = self.redis.register_script(_FINISH)
        self._release = self.redis.register_script(_RELEASE)

    def key(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    # -- the run's side ---------------------------------------------------------

    def open_run(self, run: str, jobs: list[bytes], rules: dict[str, Any], digest: str) -> None:
        """Publish ``run``'s rules under ``digest``, mark it waiting and queue ``jobs``.

        Called again with the unfinished jobs when Redis lost its data: in one
        transaction, rules and marker first, so a worker that can hand in a
        result to the run can also read its rules.
        """
        pipe = self.redis.pipeline(transaction=True)
        pipe.set(self.key("rules", digest), json.dumps(rules), ex=KEEP_S)
        pipe.set(self.key("run", run), 1, ex=MARKER_S)
        for start in range(0, len(jobs), 1000):
            pipe.lpush(self.key("jobs"), *jobs[start:start + 1000])
        pipe.execute()

    def run_alive(self, run: str) -> bool:
        """Renew ``run``'s marker; False when Redis no longer knows ``run`` (it lost its data)."""
        return bool(self.redis.expire(self.key("run", run), MARKER_S))

    def requeue_expired(self) -> int:
        """Put the jobs whose lease ended back in the queue; how many there were."""
        return int(self._requeue(keys=[self.key("claimed"), self.key("jobs")]))

    def results(self, run: str, count: int = 100) -> list[bytes]:
        """Up to ``count`` results sent to ``run``, oldest first."""
        return self.redis.lpop(self.key("results", run), count) or []

    def close_run(self, run: str, unfinished: Iterable[bytes]) -> None:
        """Forget ``run``: its unfinished jobs leave the queue, its results and marker go."""
        pipe = self.redis.pipeline(transaction=False)
        for job in unfinished:
            pipe.lrem(self.key("jobs"), 0, job)
            pipe.zrem(self.key("claimed"), job)
        pipe.delete(self.key("results", run), self.key("run", run))
        pipe.execute()

    # -- the worker's side ------------------------------------------------------

    def claim(self, count: int) -> list[bytes]:
        """Take up to ``count`` jobs, each leased to this worker for the lease time."""
        if count <= 0:
            return []
        return list(self._claim(keys=[self.key("jobs"), self.key("claimed")],
                                args=[self.lease_ms, count, self.prefix, TAG_BYTES]))

    def renew(self, jobs: Iterable[bytes]) -> None:
        """Extend the lease of ``jobs`` still held (a job already put back stays put back)."""
        jobs = list(jobs)
        if jobs:
            self._renew(keys=[self.key("claimed")], args=[self.lease_ms, *jobs])

    def finish(self, job: bytes, run: str, reply_to: str, message: bytes) -> None:
        """Hand in ``job``'s result to ``run`` (if it still waits) and drop its claim, at once."""
        self._finish(keys=[self.key("claimed"), reply_to, self.key("run", run)], args=[job, message, KEEP_S])

    def drop(self, jobs: Iterable[bytes]) -> None:
        """Forget ``jobs`` this worker refused: claimed no more, never put back."""
        jobs = list(jobs)
        if jobs:
            self.redis.zrem(self.key("claimed"), *jobs)

    def release(self, jobs: Iterable[bytes]) -> int:
        """Put ``jobs`` this worker still holds back in the queue, first in line; how many."""
        jobs = list(jobs)
        return int(self._release(keys=[self.key("claimed"), self.key("jobs")], args=jobs)) if jobs else 0

    def rules(self, digest: str) -> dict[str, Any] | None:
        """The rules a run published under ``digest``, or None when they are gone."""
        raw = self.redis.get(self.key("rules", digest))
        return json.loads(raw) if raw else None
