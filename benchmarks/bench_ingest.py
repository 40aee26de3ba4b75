"""Ingest speed: feed bytes to stored, matched rows, against plain feedparser.parse.

Serves N generated RSS feeds of M items on 127.0.0.1, runs one real
``newswatch run`` cycle over them (Scrapy fetch, feedparser parse, normalise,
dedupe, cluster, match R rules, store) and compares items/s with
``feedparser.parse`` over the same bytes in the same run: the floor that any
feed reader pays. Prints the ratio (target: at least 0.5).

All feeds come from one local host, so politeness is off ([crawl]
download_delay = 0, autothrottle = false, 16 requests at a time): AutoThrottle
keeps about one request in flight per host, which on real feeds spread over
many hosts costs nothing, but here would measure one host's latency instead
of newswatch's processing.

Besides the R rules on names (which match about one item in fifty), --broad
rules each watch one topic word ("deportation", "Honduras"): with the
default 15, an item matches about one rule, so each run also pays for
matches, their explanations and their rows. --broad 0 measures the names
alone.

    python benchmarks/bench_ingest.py [--feeds 1000] [--items 50] [--rules 1000] [--broad 15] [--repeat 1]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from email.utils import formatdate
from pathlib import Path
from xml.sax.saxutils import escape

import feedparser

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newswatch.demo.server import SiteServer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_rules import Corpus


def make_feeds(root: Path, n_feeds: int, n_items: int, corpus: Corpus, newer: int = 0,
               later: Corpus | None = None) -> None:
    """RSS feeds whose entries are bench_rules' news-like documents (title and summary).

    ``newer``: each feed as it is that many entries later, its oldest gone and as many new
    ones in, drawn from ``later``; ``corpus`` must be a new one of the same seed (a corpus
    draws its documents in turn, so the entries kept are those it drew the first time).
    """
    feeds = root / "feeds"
    feeds.mkdir(parents=True, exist_ok=True)
    for f in range(n_feeds):
        items = []
        lang = None
        for i in range(n_items + newer):
            if i < n_items:
                doc = corpus.document(f * n_items + i)
            else:
                assert later is not None, "newer entries need a corpus to draw them from"
                doc = later.document(f * n_items + i)
            lang = lang or doc["lang"]  # the feed's language, whichever entries it holds now
            if i < newer:
                continue
            date = formatdate(1_500_000_000 + f * 1000 + i * 10, usegmt=True)
            items.append(
                f"<item><title>{escape(doc['title'])}</title>"
                f"<link>{{{{BASE}}}}/a/{f}/{i}.html?utm_source=rss</link>"
                f"<guid isPermaLink=\"false\">f{f}-i{i}</guid><pubDate>{date}</pubDate>"
                f"<description>{escape(doc['summary'])}</description></item>"
            )
        (feeds / f"{f}.xml").write_text(
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Feed {f}</title><link>{{{{BASE}}}}/</link><language>{lang}</language>"
            + "".join(items) + "</channel></rss>", encoding="utf-8")


def make_rules(n: int, corpus: Corpus, broad: int = 0) -> str:
    """bench_rules' monitoring-shaped rules, and ``broad`` rules of one topic word, as [[rules]] tables."""
    tables = []
    words = random.Random(5).sample(corpus.topic, broad)
    for name, query in corpus.rules(n) + [(f"topic{i}", f'"{w}"' if " " in w else w)
                                                for i, w in enumerate(words)]:
        tables.append(f'[[rules]]\nname = "{name}"\nquery = """{query}"""\nnotify = []\n')
    return "\n".join(tables)


def measure(tmp: Path, cfg: Path, bodies: list[bytes], profile: str | None = None,
            fresh: bool = True) -> dict[str, float]:
    """One floor measurement and one newswatch run right after it, on a fresh database unless not
    ``fresh`` (then every source is read, due or not, into the database as it is)."""
    if fresh:
        for old in tmp.glob("bench.db*"):
            old.unlink()
    t0, c0 = time.perf_counter(), time.process_time()
    n_floor = sum(len(feedparser.parse(b).entries) for b in bodies)
    floor_s, floor_cpu = time.perf_counter() - t0, time.process_time() - c0

    import resource
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    cmd = [sys.executable, "-m", "newswatch.cli", "run", "-c", str(cfg), "--no-alerts"] + ([] if fresh else ["--all"])
    if profile:
        cmd[1:1] = ["-m", "cProfile", "-o", profile]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    run_s = time.perf_counter() - t0
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    run_cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    if proc.returncode != 0:
        print(proc.stdout[-3000:], proc.stderr[-3000:])
        raise SystemExit("the run failed")
    import sqlite3
    with sqlite3.connect(tmp / "bench.db") as db:
        n_items = n_floor if not fresh else db.execute("select count(*) from items").fetchone()[0]
        n_matches = db.execute("select count(*) from matches").fetchone()[0]
    return {"floor_rate": n_floor / floor_s, "n_floor": n_floor, "floor_s": floor_s,
            "floor_cpu": floor_cpu / n_floor * 1e3, "rate": n_items / run_s, "n_items": n_items,
            "n_matches": n_matches, "run_s": run_s, "run_cpu": run_cpu / max(n_items, 1) * 1e3,
            "ratio": (n_items / run_s) / (n_floor / floor_s)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feeds", type=int, default=1000)
    ap.add_argument("--items", type=int, default=50)
    ap.add_argument("--rules", type=int, default=1000)
    ap.add_argument("--broad", type=int, default=15, help="rules of one topic word (default 15: "
                    "about one match per item)")
    ap.add_argument("--repeat", type=int, default=1, help="measure the floor and the run this many times, "
                    "in turn, and report the median ratio (a shared machine's speed drifts by a tenth "
                    "or more from one minute to the next)")
    ap.add_argument("--profile", help="write a cProfile of the newswatch run to this file")
    ap.add_argument("--steady", action="store_true", help="after each run, measure a second one with "
                    "every feed one entry newer (49 entries seen before, one new), as polling finds them")
    args = ap.parse_args()
    corpus = Corpus(seed=2017)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        make_feeds(tmp / "site", args.feeds, args.items, corpus)
        with SiteServer(tmp / "site") as site:
            lines = ['database = "bench.db"', "[crawl]", "download_delay = 0", "fetch_articles = false",
                     "concurrency_per_domain = 16", "obey_robots = false", "autothrottle = false", ""]
            for f in range(args.feeds):
                lines.append(f'[[sources]]\nname = "f{f}"\nurl = "{site.url}/feeds/{f}.xml"\n')
            lines.append(make_rules(args.rules, corpus, args.broad))
            cfg = tmp / "newswatch.toml"
            cfg.write_text("\n".join(lines), encoding="utf-8")

            bodies = [(tmp / "site" / "feeds" / f"{f}.xml").read_bytes().replace(b"{{BASE}}", site.url.encode())
                      for f in range(args.feeds)]
            # An installed newswatch starts from byte-compiled modules (pip compiles them);
            # a checkout run with PYTHONDONTWRITEBYTECODE=1 would compile every module each run.
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(__file__).resolve().parents[1]
                                                                          / "newswatch")], check=True)
            runs, again = [], []
            for _ in range(max(1, args.repeat)):
                runs.append(measure(tmp, cfg, bodies, args.profile))
                if args.steady:
                    make_feeds(tmp / "site", args.feeds, args.items, Corpus(seed=2017), newer=1,
                               later=Corpus(seed=2018))
                    newer = [(tmp / "site" / "feeds" / f"{f}.xml").read_bytes().replace(b"{{BASE}}", site.url.encode())
                             for f in range(args.feeds)]
                    again.append(measure(tmp, cfg, newer, fresh=False))
                    make_feeds(tmp / "site", args.feeds, args.items, Corpus(seed=2017))
    m = sorted(runs, key=lambda r: r["ratio"])[len(runs) // 2]  # the median run
    print(f"ingest: {args.feeds} feeds x {args.items} items, {args.rules} rules + {args.broad} broad")
    print(f"  feedparser.parse alone (floor):   {m['floor_rate']:9,.0f} items/s  ({m['n_floor']} items in "
          f"{m['floor_s']:.1f} s)")
    print(f"  newswatch run (fetch..store):     {m['rate']:9,.0f} items/s  ({m['n_items']} items, {m['n_matches']} "
          f"matches in {m['run_s']:.1f} s, process start included)")
    print(f"  ratio newswatch / floor:          {m['ratio']:9.2f}  (target >= 0.5)")
    # CPU seconds are steadier than wall time on a busy machine.
    print(f"  CPU per item: floor {m['floor_cpu']:.3f} ms, newswatch {m['run_cpu']:.3f} ms "
          f"(ratio {m['floor_cpu'] / m['run_cpu']:.2f})")
    if len(runs) > 1:
        print(f"  {len(runs)} runs, the median shown; ratios " + " ".join(f"{r['ratio']:.2f}" for r in runs))
    if again:
        a = sorted(again, key=lambda r: r["ratio"])[len(again) // 2]
        print(f"steady: each feed one entry newer, read again ({a['n_items']} entries, {args.feeds} new)")
        print(f"  feedparser.parse alone (floor):   {a['floor_rate']:9,.0f} entries/s")
        print(f"  newswatch run (fetch..store):     {a['rate']:9,.0f} entries/s  ({a['run_s']:.1f} s, process start "
              f"included)")
        print(f"  ratio newswatch / floor:          {a['ratio']:9.2f}")
        print(f"  CPU per entry: floor {a['floor_cpu']:.3f} ms, newswatch {a['run_cpu']:.3f} ms")
        if len(again) > 1:
            print(f"  {len(again)} runs, the median shown; ratios " + " ".join(f"{r['ratio']:.2f}" for r in again))


if __name__ == "__main__":
    main()
