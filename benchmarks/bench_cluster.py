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


def timed_run(cfg: Path, *args: str) -> tuple[float, str]:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "newswatch.cli", "run", "-c", str(cfg), "--no-alerts", *args],
                          capture_output=True, text=True, cwd=cfg.parent,
                          env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"})
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        print(proc.stdout[-3000:], proc.stderr[-3000:])
        raise SystemExit("the run failed")
    return wall, proc.stdout


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
            wall, _ = timed_run(cfg)
            items, _ = counts(base / "nw.db")
            print(f"  one process (no [cluster]): {args.feeds / wall * 60:8,.0f} feeds/min  "
                  f"({items} items in {wall:.1f} s)")
            for n in counts_of_workers:
                desk = tmp / f"workers-{n}"
                desk.mkdir()
                cfg = cluster_config(desk, site.url, server.url, args.feeds, result_timeout="5m")
                workers = [start_worker(cfg, args.concurrency, desk / f"w{i}.log") for i in range(n)]
                try:
                    wait_connected(server.url, n)
                    wall, _ = timed_run(cfg)
                    items, fetches = counts(desk / "nw.db")
                    again, _ = timed_run(cfg, "--all")
                finally:
                    stop_workers(workers)
                used = redis_py.Redis.from_url(server.url).info("memory")["used_memory"]
                print(f"  {n} worker(s):                 {args.feeds / wall * 60:8,.0f} feeds/min  "
                      f"({items} items, {fetches} fetches in {wall:.1f} s; "
                      f"all unchanged: {args.feeds / again * 60:,.0f} feeds/min in {again:.1f} s; "
                      f"Redis {used / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
