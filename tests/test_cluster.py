"""[cluster]: newswatch worker subprocesses on a real redis-server, feeds on a local site.

Workers are killed (SIGKILL) or frozen (SIGSTOP) in the middle of fetches; the
run must store every entry once, record every source's fetch and queue each
alert once. Skipped, with the reason, where redis-server is not installed.
"""

from __future__ import annotations

import pickle
import signal
import subprocess
import sys
import time

import pytest
import redis as redis_py
import sqlite_utils
from cluster_helpers import REDIS, LatentSite, RedisServer, cluster_config, make_feeds, start_worker, stop_workers

pytestmark = pytest.mark.skipif(REDIS is None, reason="redis-server is not installed "
                                                      "(Debian: apt-get install redis-server; .ci/run does)")

N_FEEDS, N_ITEMS = 300, 5
SLOW, SLOW_S = 24, 6.0  # the first feeds answer late: every worker is mid-fetch when one dies
FREEZE_S = 9.0  # past a lease (5 s) and the run's next look for expired ones (each second)
TAIL_S = 14.0  # the last feed answers late: the run still waits when the frozen worker wakes


def _run(cfg, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "newswatch.cli", "run", "-c", str(cfg), "--no-alerts", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cfg.parent,
                            env={"NO_COLOR": "1", "COLUMNS": "200", "PATH": "/usr/bin:/bin"})


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def desk(tmp_path):
    """300 feeds on a local site, a redis-server and a config whose [cluster] uses it."""
    marked = make_feeds(tmp_path / "site", N_FEEDS, N_ITEMS)
    with RedisServer(tmp_path / "redis") as redis, LatentSite(tmp_path / "site") as site:
        for f in range(SLOW):  # asked again (a job put back), they answer at once
            site.first_delays[f"/feeds/f{f}.xml"] = SLOW_S
        cfg = cluster_config(tmp_path, site.url, redis.url, N_FEEDS)
        yield cfg, site, redis, marked


def _stored(cfg):
    return sqlite_utils.Database(cfg.parent / "nw.db")


def test_a_worker_killed_and_one_frozen_mid_fetch_lose_nothing_and_store_nothing_twice(desk, tmp_path):
    cfg, site, _redis, marked = desk
    site.delays[f"/feeds/f{N_FEEDS - 1}.xml"] = TAIL_S
    workers = [start_worker(cfg, 8, tmp_path / f"worker{i}.log") for i in range(3)]
    try:
        run = _run(cfg)
        # The three workers claim the 24 slow feeds first (8 each) and are all waiting on them.
        _wait_for(lambda: len({p for p in site.started if p.startswith("/feeds/")}) >= SLOW, 60,
                  "the workers to ask for the slow feeds")
        workers[0].send_signal(signal.SIGKILL)
        workers[1].send_signal(signal.SIGSTOP)  # silent past its lease: its jobs go to the others
        time.sleep(FREEZE_S)
        workers[1].send_signal(signal.SIGCONT)  # ... and then it hands in results of jobs done again
        out, err = run.communicate(timeout=180)
    finally:
        workers[1].send_signal(signal.SIGCONT)
        stop_workers(workers)
    assert run.returncode == 0, out + err
    assert "job(s) back in the queue: their worker went silent" in err
    # Its jobs were done again at once by the others; its own 8 results, handed in when it woke
    # while the run waited for the last feed, were the second of each and were dropped.
    assert "8 second result(s) of a job put back dropped" in err

    db = _stored(cfg)
    run_id = db.execute("select max(id) from runs").fetchone()[0]
    assert db["items"].count == N_FEEDS * N_ITEMS
    assert db.execute("select guid from items group by guid having count(*) > 1").fetchall() == []
    fetches = db.execute("select source, status, error, items, items_new from fetches where run_id = ?",
                         [run_id]).fetchall()
    assert len(fetches) == N_FEEDS and {s for s, *_ in fetches} == {f"feed-{f}" for f in range(N_FEEDS)}
    assert {(status, error, items, new) for _, status, error, items, new in fetches} == {
        ("200", None, N_ITEMS, N_ITEMS)}
    row = db.execute("select items_new, items_updated, matches_new, sources_ok from runs where id = ?",
                     [run_id]).fetchone()
    assert row == (N_FEEDS * N_ITEMS, 0, len(marked), N_FEEDS)
    matched = {guid for (guid,) in db.execute(
        "select i.guid from matches m join items i on i.id = m.item_id where m.rule = 'marked'")}
    assert matched == marked
    assert db.execute("select count(*), count(distinct item_id) from alerts").fetchone() == (len(marked), len(marked))


def test_a_second_run_of_unchanged_feeds_costs_a_304_each(desk, tmp_path):
    cfg, site, _redis, marked = desk
    site.first_delays.clear()
    workers = [start_worker(cfg, 16, tmp_path / f"worker{i}.log") for i in range(2)]
    try:
        first = _run(cfg)
        out, err = first.communicate(timeout=180)
        assert first.returncode == 0, out + err
        served = len(site.log)
        second = _run(cfg, "--all")
        out, err = second.communicate(timeout=180)
    finally:
        stop_workers(workers)
    assert second.returncode == 0, out + err
    db = _stored(cfg)
    run_id = db.execute("select max(id) from runs").fetchone()[0]
    statuses = [s for (s,) in db.execute("select status from fetches where run_id = ?", [run_id])]
    assert statuses == ["not-modified"] * N_FEEDS
    # Each feed asked once more, with its ETag, and answered without a body.
    again = site.log[served:]
    assert len(again) == N_FEEDS and all(h.get("If-None-Match") for _, h in again)
    assert db.execute("select items_new, matches_new from runs where id = ?", [run_id]).fetchone() == (0, 0)
    assert db["items"].count == N_FEEDS * N_ITEMS
    assert db["alerts"].count == len(marked)


def test_redis_restarted_empty_mid_run_the_run_waits_queues_again_and_loses_nothing(tmp_path):
    marked = make_feeds(tmp_path / "site", 60, N_ITEMS)
    with RedisServer(tmp_path / "redis") as redis, LatentSite(tmp_path / "site") as site:
        for f in range(8):
            site.delays[f"/feeds/f{f}.xml"] = 3.0
        cfg = cluster_config(tmp_path, site.url, redis.url, 60)
        workers = [start_worker(cfg, 4, tmp_path / f"worker{i}.log") for i in range(2)]
        try:
            run = _run(cfg)
            _wait_for(lambda: len(site.started) >= 8, 60, "the workers to ask for the slow feeds")
            redis.stop()  # without persistence: the queue, the leases and the results are gone
            time.sleep(2)
            redis.start()
            out, err = run.communicate(timeout=120)
        finally:
            stop_workers(workers)
    assert run.returncode == 0, out + err
    assert f"Redis at 127.0.0.1:{redis.port}/0 not reachable" in err
    assert "Redis lost the queue (restarted without its data?)" in err
    db = _stored(cfg)
    assert db["items"].count == 60 * N_ITEMS
    assert db.execute("select count(*), count(distinct source) from fetches where error is null").fetchone() == (60, 60)
    assert db["alerts"].count == len(marked)


def test_without_a_worker_the_run_gives_up_after_result_timeout_and_says_why(tmp_path):
    make_feeds(tmp_path / "site", 3, 2)
    with RedisServer(tmp_path / "redis") as redis, LatentSite(tmp_path / "site") as site:
        cfg = cluster_config(tmp_path, site.url, redis.url, 3, result_timeout="5s")
        run = _run(cfg)
        out, err = run.communicate(timeout=60)
    assert run.returncode == 1
    assert "no worker's result within 5 s ([cluster] result_timeout); is `newswatch worker` running?" in out
    db = _stored(cfg)
    rows = db.execute("select source, status from fetches").fetchall()
    assert sorted(rows) == [(f"feed-{f}", "error") for f in range(3)]
    assert db["items"].count == 0
    # They count as failed, not as fetched, and keep no validators: the next run reads them whole.
    state = db.execute("select name, error_streak, etag, body_hash, last_error from sources order by name").fetchall()
    assert [row[:4] for row in state] == [(f"feed-{f}", 1, None, None) for f in range(3)]
    assert all("[cluster] result_timeout" in row[4] for row in state)


def test_a_run_stopped_while_it_waits_records_its_feeds_interrupted_and_takes_its_jobs_back(tmp_path):
    make_feeds(tmp_path / "site", 3, 2)
    with RedisServer(tmp_path / "redis") as redis, LatentSite(tmp_path / "site") as site:
        cfg = cluster_config(tmp_path, site.url, redis.url, 3)
        run = _run(cfg)  # no worker: it waits for results
        client = redis_py.Redis.from_url(redis.url)
        _wait_for(lambda: client.llen("newswatch:jobs") == 3, 60, "the run to queue its jobs")
        run.send_signal(signal.SIGTERM)
        out, err = run.communicate(timeout=60)
        assert client.llen("newswatch:jobs") == 0  # no worker will fetch for a run that is gone
        assert list(client.scan_iter("newswatch:run:*")) == []
    db = _stored(cfg)
    rows = db.execute("select source, status, error from fetches").fetchall()
    assert sorted(r[:2] for r in rows) == [(f"feed-{f}", "interrupted") for f in range(3)], out + err
    assert all("read again next run" in r[2] for r in rows)
    assert db.execute("select count(*) from sources where etag is not null or body_hash is not null").fetchone() == (0,)


def test_watch_runs_its_cycles_through_the_workers(tmp_path, cli):
    marked = make_feeds(tmp_path / "site", 20, N_ITEMS)
    with RedisServer(tmp_path / "redis") as redis, LatentSite(tmp_path / "site") as site:
        cfg = cluster_config(tmp_path, site.url, redis.url, 20, crawl="jitter = 0")  # all due at once
        workers = [start_worker(cfg, 8, tmp_path / "worker.log")]
        try:
            result = cli("watch", "-c", str(cfg), "--max-cycles", "1", timeout=120)
        finally:
            stop_workers(workers)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "cycle 1: run feed-0, feed-1, feed-10" in result.stdout + result.stderr
    db = _stored(cfg)
    assert db["items"].count == 20 * N_ITEMS
    assert db.execute("select count(distinct source) from fetches where status = '200'").fetchone() == (20,)
    assert db["alerts"].count == len(marked)
    assert "20 jobs" in (tmp_path / "worker.log").read_text()  # the worker fetched them, not the run


def test_failures_read_through_workers_are_recorded_as_one_process_records_them(tmp_path):
    """A missing feed and a page that is no feed: the same status and error with workers as without."""
    make_feeds(tmp_path / "site", 3, 2)
    (tmp_path / "site" / "feeds" / "f1.xml").unlink()
    (tmp_path / "site" / "feeds" / "f2.xml").write_text("<html><body><p>Not a feed</p></body></html>")
    rows = {}
    with RedisServer(tmp_path / "redis") as redis, LatentSite(tmp_path / "site") as site:
        for mode in ("cluster", "one-process"):
            desk = tmp_path / mode
            desk.mkdir()
            cfg = cluster_config(desk, site.url, redis.url, 3)
            if mode == "one-process":
                text = cfg.read_text()
                cfg.write_text(text[:text.index("[cluster]")] + text[text.index("[[rules]]"):])
                run = _run(cfg)
                run.communicate(timeout=120)
            else:
                workers = [start_worker(cfg, 4, desk / "worker.log")]
                try:
                    run = _run(cfg)
                    run.communicate(timeout=120)
                finally:
                    stop_workers(workers)
            assert run.returncode == 1
            rows[mode] = sorted(_stored(cfg).execute("select source, status, items, error from fetches"))
    assert rows["cluster"] == rows["one-process"]
    assert [r[:3] for r in rows["cluster"]] == [("feed-0", "200", 2), ("feed-1", "404", 0), ("feed-2", "200", 0)]
    assert rows["cluster"][1][3].endswith("HTTP 404") and rows["cluster"][2][3]


def _waiting_run(client, timeout: float = 60) -> str:
    """The id of the run that waits on this Redis, once it has queued its jobs."""
    _wait_for(lambda: list(client.scan_iter("newswatch:run:*")), timeout, "the run to queue its jobs")
    (key,) = client.scan_iter("newswatch:run:*")
    return key.decode().split(":", 2)[2]


class _CreatesAFile:
    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):  # what an attacker's pickle does on load: here, create a file
        return (open, (self.path, "w"))


def test_results_and_jobs_written_into_redis_without_the_secret_are_dropped_unread(tmp_path):
    """Whoever can write to the Redis but lacks the secret: no code run in the run, no fetch."""
    import zlib

    from newswatch.cluster import messages

    make_feeds(tmp_path / "site", 3, N_ITEMS)
    (tmp_path / "site" / "feeds" / "forged.xml").write_text((tmp_path / "site" / "feeds" / "f0.xml").read_text())
    pwned = tmp_path / "pwned"
    with RedisServer(tmp_path / "redis") as redis, LatentSite(tmp_path / "site") as site:
        cfg = cluster_config(tmp_path, site.url, redis.url, 3)
        run = _run(cfg)  # no worker yet: the forged messages are there first
        client = redis_py.Redis.from_url(redis.url)
        run_id = _waiting_run(client)
        wrong = b"not-the-cluster-secret-at-all"
        evil = zlib.compress(pickle.dumps(_CreatesAFile(pwned)))
        failed = messages.Result(job=f"{run_id}:0", url=f"{site.url}/feeds/f0.xml", ok=False, status="error",
                                 error="forged")  # claims feed-0 failed
        client.rpush(f"newswatch:results:{run_id}",
                     evil,  # as results were before they were signed
                     bytes(32) + evil, messages.Result.dump(failed, wrong))
        client.rpush("newswatch:jobs", messages.job(
            wrong, run_id, 99, f"newswatch:results:{run_id}",
            {"name": "feed-0", "url": f"{site.url}/feeds/forged.xml", "lang": "en"}, {}, None, "d"))
        _wait_for(lambda: client.llen(f"newswatch:results:{run_id}") == 0, 30, "the run to take the results")
        workers = [start_worker(cfg, 4, tmp_path / "worker.log")]
        try:
            out, err = run.communicate(timeout=120)
        finally:
            stop_workers(workers)
    assert run.returncode == 0, out + err
    assert not pwned.exists()
    assert "a result not signed with the [cluster] secret: dropped unread" in err
    assert "3 result(s) refused: not signed with the [cluster] secret" in err
    log = (tmp_path / "worker.log").read_text()
    assert "a job not signed with this worker's [cluster] secret: dropped unread" in log
    assert "1 job(s) refused" in log
    assert "/feeds/forged.xml" not in site.started
    # The genuine results came after the forged ones and were stored.
    db = _stored(cfg)
    assert sorted(db.execute("select source, status, error from fetches")) == [
        (f"feed-{f}", "200", None) for f in range(3)]
    assert db["items"].count == 3 * N_ITEMS


def test_a_worker_with_another_secret_fetches_nothing_and_hands_in_nothing(tmp_path):
    make_feeds(tmp_path / "site", 3, N_ITEMS)
    with RedisServer(tmp_path / "redis") as redis, LatentSite(tmp_path / "site") as site:
        cfg = cluster_config(tmp_path, site.url, redis.url, 3)
        (tmp_path / "elsewhere").mkdir()
        other = cluster_config(tmp_path / "elsewhere", site.url, redis.url, 3, secret="another-secret-0123456789")
        run = _run(cfg)
        client = redis_py.Redis.from_url(redis.url)
        run_id = _waiting_run(client)
        workers = [start_worker(other, 4, tmp_path / "worker.log")]
        try:
            # It claims the three jobs and drops them; none is left waiting or claimed.
            _wait_for(lambda: "dropped unread" in (tmp_path / "worker.log").read_text()
                      and client.llen("newswatch:jobs") == 0 and client.zcard("newswatch:claimed") == 0,
                      60, "the worker to refuse the jobs")
            time.sleep(1)  # what it would hand in, it would have by now
            assert client.llen(f"newswatch:results:{run_id}") == 0
            run.send_signal(signal.SIGTERM)
            out, err = run.communicate(timeout=60)
        finally:
            stop_workers(workers)
    assert "3 job(s) refused: not signed with this worker's [cluster] secret" in (tmp_path / "worker.log").read_text()
    assert site.started == []
    db = _stored(cfg)
    assert sorted(r[:2] for r in db.execute("select source, status from fetches")) == [
        (f"feed-{f}", "interrupted") for f in range(3)], out + err
    assert db["items"].count == 0
