"""The reliable queue itself (newswatch.cluster.JobQueue) on a real redis-server.

Uses the server .ci/run starts ($NEWSWATCH_TEST_REDIS), else starts one from PATH;
each test has a queue name of its own.
"""

from __future__ import annotations

import json
import os
import time
import uuid

import pytest
from cluster_helpers import REDIS, RedisServer

from newswatch.cluster import JobQueue, messages


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    if os.environ.get("NEWSWATCH_TEST_REDIS"):
        yield os.environ["NEWSWATCH_TEST_REDIS"]
        return
    if REDIS is None:
        pytest.skip("redis-server is not installed (Debian: apt-get install redis-server; .ci/run does)")
    with RedisServer(tmp_path_factory.mktemp("redis")) as server:
        yield server.url


@pytest.fixture
def queue(redis_url):
    q = JobQueue(redis_url, f"test-{uuid.uuid4().hex[:8]}", lease_s=1)
    yield q
    keys = list(q.redis.scan_iter(match=f"{q.prefix}:*"))
    if keys:
        q.redis.delete(*keys)


KEY = b"queue-test-secret-0123456789"


def _job(run: str, name: str) -> bytes:
    return messages.job(KEY, run, name, f"results:{run}", {"name": name, "url": "http://127.0.0.1:9/"},
                        {}, None, "d1")


A, B, C = (_job("r1", n) for n in "abc")


def test_jobs_are_claimed_in_order_once_each(queue):
    queue.open_run("r1", [A, B, C], {"rules": []}, "d1")
    assert queue.claim(2) == [A, B]
    assert queue.claim(5) == [C]
    assert queue.claim(5) == []


def test_a_silent_workers_job_goes_back_after_its_lease_and_a_renewed_one_does_not(queue):
    silent, alive = _job("r1", "silent"), _job("r1", "alive")
    queue.open_run("r1", [silent, alive], {"rules": []}, "d1")
    assert queue.claim(2) == [silent, alive]
    assert queue.requeue_expired() == 0  # leases still running
    for _ in range(4):
        time.sleep(0.4)
        queue.renew([alive])
    assert queue.requeue_expired() == 1
    assert queue.claim(5) == [silent]


def test_a_result_reaches_its_run_once_and_a_finished_run_gets_none(queue):
    queue.open_run("r1", [A], {"rules": []}, "d1")
    (job,) = queue.claim(1)
    reply = queue.key("results", "r1")
    queue.finish(job, "r1", reply, b"result")
    assert queue.results("r1") == [b"result"]
    assert queue.redis.zcard(queue.key("claimed")) == 0
    time.sleep(1.1)
    assert queue.requeue_expired() == 0  # handed in: nothing to put back
    queue.close_run("r1", [])
    queue.finish(job, "r1", reply, b"late copy")
    assert queue.results("r1") == []
    assert not queue.redis.exists(reply)


def test_closing_a_run_takes_its_waiting_and_claimed_jobs_out(queue):
    other = _job("r2", "other")
    queue.open_run("r1", [A, B, C], {"rules": [["r", "a"]]}, "d1")
    queue.open_run("r2", [other], {"rules": []}, "d2")
    assert queue.claim(1) == [A]
    queue.close_run("r1", [A, B, C])
    assert queue.claim(5) == [other]
    assert queue.rules("d1") == {"rules": [["r", "a"]]}
    assert not queue.run_alive("r1") and queue.run_alive("r2")


def test_jobs_of_a_run_that_is_gone_are_dropped_not_handed_out(queue):
    queue.open_run("dead", [_job("dead", "0"), _job("dead", "1")], {"rules": []}, "d1")
    queue.open_run("alive", [_job("alive", "0")], {"rules": []}, "d2")
    queue.redis.delete(queue.key("run", "dead"))  # its marker expired: the run was killed
    assert queue.claim(5) == [_job("alive", "0")]
    assert queue.redis.llen(queue.key("jobs")) == 0
    assert queue.run_alive("alive") and not queue.run_alive("dead")


def test_a_stopping_worker_puts_back_what_it_holds_and_only_that(queue):
    queue.open_run("r1", [A, B, C], {"rules": []}, "d1")
    assert queue.claim(2) == [A, B]
    time.sleep(1.1)
    assert queue.requeue_expired() == 2  # a run put both back, first in line, meanwhile ...
    (taken,) = queue.claim(1)  # ... and another worker took one
    assert taken in (A, B)
    assert queue.release([A, B]) == 1  # the one held goes back; the other was not held: no copy
    assert sorted(queue.claim(5)) == sorted([A, B, C])
    assert queue.redis.zcard(queue.key("claimed")) == 3


def test_messages_that_are_no_job_are_handed_out_for_the_worker_to_refuse_and_then_gone(queue):
    """Whatever is written into the queue, claiming keeps working; dropped, a claim ends for good."""
    queue.open_run("r1", [A], {"rules": []}, "d1")
    unsigned = json.dumps({"id": "r1:x", "run": "r1"}).encode()  # no signature before the JSON
    junk = b"\x80\x04not a job at all"
    queue.redis.lpush(queue.key("jobs"), unsigned, junk)
    got = queue.claim(5)
    assert got == [A, unsigned, junk]
    assert [messages.read_job(KEY, raw) is None for raw in got] == [False, True, True]
    queue.drop([unsigned, junk])
    time.sleep(1.1)
    assert queue.requeue_expired() == 1  # A, not renewed; the dropped ones are not put back
    assert queue.claim(5) == [A]
