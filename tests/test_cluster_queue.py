"""The reliable queue itself (newswatch.cluster.JobQueue) on a real redis-server.

Uses the server .ci/run starts ($NEWSWATCH_TEST_REDIS), else starts one from PATH;
each test has a queue name of its own.
"""

from __future__ import annotations

import os
import time
import uuid

import pytest
from cluster_helpers import REDIS, RedisServer

from newswatch.cluster import JobQueue


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


def test_jobs_are_claimed_in_order_once_each(queue):
    queue.open_run("r1", [b"a", b"b", b"c"], {"rules": []}, "d1")
    assert queue.claim(2) == [b"a", b"b"]
    assert queue.claim(5) == [b"c"]
    assert queue.claim(5) == []


def test_a_silent_workers_job_goes_back_after_its_lease_and_a_renewed_one_does_not(queue):
    queue.open_run("r1", [b"silent", b"alive"], {"rules": []}, "d1")
    assert queue.claim(2) == [b"silent", b"alive"]
    assert queue.requeue_expired() == 0  # leases still running
    for _ in range(4):
        time.sleep(0.4)
        queue.renew([b"alive"])
    assert queue.requeue_expired() == 1
    assert queue.claim(5) == [b"silent"]


def test_a_result_reaches_its_run_once_and_a_finished_run_gets_none(queue):
    queue.open_run("r1", [b"job"], {"rules": []}, "d1")
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
    queue.open_run("r1", [b"x", b"y", b"z"], {"rules": [["r", "a"]]}, "d1")
    queue.open_run("r2", [b"other"], {"rules": []}, "d2")
    assert queue.claim(1) == [b"x"]
    queue.close_run("r1", [b"x", b"y", b"z"])
    assert queue.claim(5) == [b"other"]
    assert queue.rules("d1") == {"rules": [["r", "a"]]}
    assert not queue.run_alive("r1") and queue.run_alive("r2")
