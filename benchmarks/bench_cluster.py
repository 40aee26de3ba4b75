"""Cluster throughput: feeds per minute with 1, 2 and 4 ``newswatch worker``s on this machine.

Serves N generated RSS feeds of M entries on 127.0.0.1, each response after
--latency seconds (200 ms by default: a news site's answer over the
internet), starts a real redis-server on a free port and, for each worker
count, a fresh database: the workers (subprocesses, --concurrency requests
each) are started and connected first, then one ``newswatch run`` is timed
from start to exit (process start, queueing, storing, matching included).
A one-process run (no [cluster]) over the same feeds is the baseline.

Then, with the same workers and the feeds unchanged, a second run times what
an idle poll costs (every feed a 304).

    python benchmarks/bench_cluster.py [--feeds 1000] [--items 20] [--latency 0.2]
                                       [--concurrency 16] [--workers 1,2,4]

Feeds per minute = feeds / wall seconds of the run x 60. Workers, run and the
site share this machine's cores: docs/scale.md reads the figures with that in mind.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import redis as redis_py
from cluster_helpers import LatentSite, RedisServer, cluster_config, make_feeds, start_worker, stop_workers


def timed_run(cfg: Path, *args: str) -> tuple[float, float]:
    """Wall seconds and CPU seconds of one ``newswatch run``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "newswatch.cli", "run", "-c", str(cfg), "--no-alerts", *args],
                          capture_output=True, text=True, cwd=cfg.parent,
                          env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"})
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        print(proc.stdout[-3000:], proc.stderr[-3000:])
        raise SystemExit("the run failed")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def cpu_of(pids: list[int]) -> float:
    """CPU seconds the processes ``pids`` used so far."""
    total = 0.0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def counts(db: Path) -> tuple[int, int]:
    conn = sqlite3.connect(db)
    try:
        return (conn.execute("select count(*) from items").fetchone()[0],
                conn.execute("select count(*) from fetches").fetchone()[0])
    finally:
        conn.close()


def without_cluster(cfg: Path) -> None:
    text = cfg.read_text(encoding="utf-8")
    cfg.write_text(re.sub(r"\[cluster\]\n(?:[a-z_]+ = .*\n)+", "", text), encoding="utf-8")


def store_ceiling(site_root: Path, base_url: str, n_feeds: int, tmp: Path) -> tuple[int, float]:
    """Items per second SQLite takes from the run's writer alone: the feeds' entries parsed and
    derived beforehand (as workers hand them in), then stored in batches of 200 (items, full-text
    index, matches, pending alerts, story signatures) into a fresh database."""
    from cluster_helpers import KEYWORD

    from newswatch import storage
    from newswatch.crawlers.derive import as_items, derive
    from newswatch.crawlers.pipelines import BATCH_SIZE, item_record
    from newswatch.formats.feeds import parse_feed
    from newswatch.rules import compile_rules

    matcher = compile_rules([("marked", KEYWORD)])
    items = []
    for f in range(n_feeds):
        body = (site_root / "feeds" / f"f{f}.xml").read_bytes().replace(b"{{BASE}}", base_url.encode())
        parsed = parse_feed(body, f"{base_url}/feeds/f{f}.xml", "application/rss+xml")
        batch = as_items(parsed, f"feed-{f}", "en", storage.now_iso())
        derive(batch, matcher)
        items += batch
    rules = {"marked": type("Rule", (), {"name": "marked", "topic": None, "notify": ["desk"],
                                         "mode": "immediate"})()}
    now = storage.now_iso()
    for item in items:
        item.cluster_id = item.id
    records = [item_record(item, rules, now) for item in items]
    db = storage.open_db(tmp / "ceiling.db")
    storage.sync_sources(db, [{"name": f"feed-{f}", "kind": "feed", "url": f"{base_url}/feeds/f{f}.xml",
                               "lang": "en", "interval_s": 3600} for f in range(n_feeds)])
    db.execute("PRAGMA wal_autocheckpoint = 10000")
    t0 = time.perf_counter()
    for start in range(0, len(records), BATCH_SIZE):
        storage.store_batch(db, records[start:start + BATCH_SIZE])
    return len(records), time.perf_counter() - t0


def wait_connected(url: str, n: int, timeout: float = 60) -> None:
    """Until ``n`` workers are connected to Redis (each has asked the queue for work)."""
    client = redis_py.Redis.from_url(url)
    deadline = time.monotonic() + timeout
    while len(client.client_list()) - 1 < n:
        if time.monotonic() > deadline:
            raise SystemExit(f"{n} workers did not connect within {timeout:.0f} s")
        time.sleep(0.2)
    client.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feeds", type=int, default=1000)
    ap.add_argument("--items", type=int, default=20)
    ap.add_argument("--latency", type=float, default=0.2, help="seconds before each response")
    ap.add_argument("--concurrency", type=int, default=16, help="requests in flight per worker")
    ap.add_argument("--workers", default="1,2,4")
    args = ap.parse_args()
    counts_of_workers = [int(w) for w in args.workers.split(",")]
    print(f"cluster: {args.feeds} feeds x {args.items} entries, {args.latency * 1000:.0f} ms per response, "
          f"{args.concurrency} requests per worker, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        make_feeds(tmp / "site", args.feeds, args.items)
        with RedisServer(tmp / "redis") as server, LatentSite(tmp / "site", args.latency) as site:
            base = tmp / "one-process"
            base.mkdir()
            cfg = cluster_config(base, site.url, server.url, args.feeds)
            without_cluster(cfg)
            wall, cpu = timed_run(cfg)
            items, _ = counts(base / "nw.db")
            print(f"  one process (no [cluster]): {args.feeds / wall * 60:8,.0f} feeds/min  "
                  f"({items} items in {wall:.1f} s; CPU {cpu / args.feeds * 1000:.1f} ms a feed)")
            for n in counts_of_workers:
                desk = tmp / f"workers-{n}"
                desk.mkdir()
                cfg = cluster_config(desk, site.url, server.url, args.feeds, result_timeout="5m")
                workers = [start_worker(cfg, args.concurrency, desk / f"w{i}.log") for i in range(n)]
                try:
                    wait_connected(server.url, n)
                    pids = [w.pid for w in workers]
                    c0 = cpu_of(pids)
                    wall, run_cpu = timed_run(cfg)
                    c1 = cpu_of(pids)
                    items, fetches = counts(desk / "nw.db")
                    again, again_cpu = timed_run(cfg, "--all")
                    c2 = cpu_of(pids)
                finally:
                    stop_workers(workers)
                used = redis_py.Redis.from_url(server.url).info("memory")["used_memory_peak"]
                ms = 1000 / args.feeds
                print(f"  {n} worker(s):                 {args.feeds / wall * 60:8,.0f} feeds/min  "
                      f"({items} items, {fetches} fetches in {wall:.1f} s; CPU a feed: workers "
                      f"{(c1 - c0) * ms:.1f} ms, run {run_cpu * ms:.1f} ms)")
                print(f"    all unchanged (304):        {args.feeds / again * 60:8,.0f} feeds/min  "
                      f"({again:.1f} s; CPU a feed: workers {(c2 - c1) * ms:.1f} ms, run {again_cpu * ms:.1f} ms; "
                      f"Redis peak {used / 1e6:.1f} MB)")

            n_items, secs = store_ceiling(tmp / "site", site.url, args.feeds, tmp)
            print(f"  SQLite alone (the run's writer, entries derived beforehand): "
                  f"{n_items / secs:,.0f} items/s ({n_items} items in {secs:.1f} s)")


if __name__ == "__main__":
    main()
