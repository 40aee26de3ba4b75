"""Load: one `newswatch run` over many feeds when some are slow and some fail.

Serves N generated RSS feeds of M entries (bench_ingest's generator) on
127.0.0.1 and runs `newswatch run` twice over them in the same process tree:

- baseline: every feed answers at once;
- hostile: SLOW% of the feeds answer only after DELAY seconds, FAIL% fail
  (HTTP 500, 404, a body cut short, a timeout).

Prints wall time, items/s and peak RSS of each run, the ratio hostile/baseline,
and checks that the hostile run stored every entry of every healthy feed and
recorded each failure on its source.

    python benchmarks/bench_load.py [--feeds 1000] [--items 50] [--slow 10] [--fail 5] [--delay 2]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))

from bench_ingest import make_feeds, make_rules
from bench_rules import Corpus
from hostile_server import HostileServer
from measure import newswatch

FAILURES = ("/status/500", "/status/404", "/truncated.xml", "/silent.xml")


@dataclass
class LoadResult:
    seconds: float
    items: int
    max_rss_mb: float
    sources_failed: int
    errors: dict[str, str]
    returncode: int
    output: str

    @property
    def rate(self) -> float:
        return self.items / self.seconds


def plan(n_feeds: int, slow_pct: float, fail_pct: float, seed: int = 8) -> dict[int, str]:
    """Feed number -> "slow" or one of :data:`FAILURES`, for the chosen share of feeds."""
    rng = random.Random(seed)
    picked = rng.sample(range(n_feeds), round(n_feeds * (slow_pct + fail_pct) / 100))
    n_slow = round(n_feeds * slow_pct / 100)
    out = {f: "slow" for f in picked[:n_slow]}
    out.update({f: FAILURES[i % len(FAILURES)] for i, f in enumerate(picked[n_slow:])})
    return out


def run_load(workdir: Path, n_feeds: int, n_items: int, n_rules: int, behaviour: dict[int, str],
             delay: float, timeout_s: int = 10, corpus: Corpus | None = None) -> LoadResult:
    """Generate the feeds (once per ``workdir``), serve them, and time one `newswatch run` over them."""
    corpus = corpus or Corpus(seed=2017)
    site = workdir / "site"
    if not site.exists():
        make_feeds(site, n_feeds, n_items, corpus)
    run_dir = workdir / f"run-{len(list(workdir.glob('run-*')))}"
    run_dir.mkdir()
    with HostileServer() as server:
        lines = ['database = "load.db"', "[crawl]", "download_delay = 0", "fetch_articles = false",
                 "concurrency_per_domain = 16", "obey_robots = false", "retries = 0", f"timeout = {timeout_s}", ""]
        for f in range(n_feeds):
            what = behaviour.get(f)
            if what in FAILURES:
                url = f"{server.url}{what}?feed={f}"
            else:
                body = (site / "feeds" / f"{f}.xml").read_bytes().replace(b"{{BASE}}", server.url.encode())
                url = server.add(f"/feeds/{f}.xml", body, delay=delay if what == "slow" else 0)
            lines.append(f'[[sources]]\nname = "f{f}"\nurl = "{url}"\n')
        lines.append(make_rules(n_rules, corpus))
        cfg = run_dir / "newswatch.toml"
        cfg.write_text("\n".join(lines), encoding="utf-8")
        result = newswatch("run", "-c", str(cfg), "--no-alerts", timeout=1800)
    db = sqlite3.connect(run_dir / "load.db")
    try:
        items = db.execute("select count(*) from items").fetchone()[0]
        errors = dict(db.execute("select name, last_error from sources where last_error is not null"))
        failed = db.execute("select sources_failed from runs order by id desc limit 1").fetchone()[0]
    finally:
        db.close()
    return LoadResult(result.seconds, items, result.max_rss_mb, failed, errors, result.returncode, result.output)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feeds", type=int, default=1000)
    ap.add_argument("--items", type=int, default=50)
    ap.add_argument("--rules", type=int, default=100)
    ap.add_argument("--slow", type=float, default=10, help="percent of feeds that answer after --delay seconds")
    ap.add_argument("--fail", type=float, default=5, help="percent of feeds that fail")
    ap.add_argument("--delay", type=float, default=2.0)
    args = ap.parse_args()
    behaviour = plan(args.feeds, args.slow, args.fail)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        base = run_load(tmp, args.feeds, args.items, args.rules, {}, args.delay)
        load = run_load(tmp, args.feeds, args.items, args.rules, behaviour, args.delay)
    failing = sum(1 for v in behaviour.values() if v != "slow")
    expected = (args.feeds - failing) * args.items
    print(f"load: {args.feeds} feeds x {args.items} entries, {args.rules} rules; "
          f"{args.slow:g}% answer after {args.delay:g} s, {args.fail:g}% fail")
    for name, r in (("all healthy (baseline)", base), ("slow and failing", load)):
        print(f"  {name:<24} {r.seconds:6.1f} s  {r.rate:7,.0f} items/s  {r.items:6,} items  "
              f"peak RSS {r.max_rss_mb:4.0f} MB  {r.sources_failed} sources failed")
    print(f"  ratio slow-and-failing / baseline (items/s): {load.rate / base.rate:.2f}")
    ok = load.items == expected and load.sources_failed == failing and len(load.errors) == failing
    print(f"  every healthy entry stored ({load.items:,} of {expected:,}) and every failure recorded "
          f"({len(load.errors)} of {failing}): {'yes' if ok else 'NO'}")
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
