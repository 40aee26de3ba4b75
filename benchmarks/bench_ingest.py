"""Ingest speed: feed bytes to stored, matched rows, against plain feedparser.parse.

Serves N generated RSS feeds of M items on 127.0.0.1, runs one real
``newswatch run`` cycle over them (Scrapy fetch, feedparser parse, normalise,
dedupe, cluster, match R rules, store) and compares items/s with
``feedparser.parse`` over the same bytes in the same run: the floor that any
feed reader pays. Prints the ratio (target: at least 0.5).

    python benchmarks/bench_ingest.py [--feeds 1000] [--items 50] [--rules 1000]
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

import feedparser

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newswatch.demo.server import SiteServer  # noqa: E402

WORDS_EN = ("government aid budget court decision migrants deportation security police election "
            "president minister congress corruption fraud customs trial prosecutor drug cartel "
            "gang violence weather football economy exports coffee bank loan treaty border").split()
WORDS_ES = ("gobierno ayuda presupuesto tribunal decisión migrantes deportación seguridad policía "
            "elección presidente ministro congreso corrupción fraude aduanas juicio fiscal droga "
            "pandillas violencia clima fútbol economía exportaciones café banco préstamo frontera").split()
PLACES = ["Honduras", "Guatemala", '"El Salvador"', "Tegucigalpa", '"San Salvador"', "Washington",
          "Miami", "Hernández", "Baldetti", "Morales", "Ortiz"]


COMMON_EN = ("the of and to in a is that for on was with he as it by at from his an were are which "
             "this be or had not but have their they has one after all new also two been would who "
             "more year its about than into other last some over people first could state city week "
             "government officials said told report according group police public country local "
             "national during under since while before against between three month where many "
             "reported called announced added officials plan program support money million").split()
COMMON_ES = ("el la de que y en los del se las por un para con una su al lo como más pero sus le "
             "ya o este sí porque esta entre cuando muy sin sobre también me hasta hay donde quien "
             "desde todo nos durante todos uno les ni contra otros ese eso ante ellos esto antes "
             "algunos qué unos otro otras otra él tanto esa estos mucho quienes nada muchos cual "
             "gobierno país según dijo informó autoridades ciudad semana año millones presidente "
             "programa apoyo dinero nacional pública durante mientras varios").split()


def make_feeds(root: Path, n_feeds: int, n_items: int, rng: random.Random) -> None:
    feeds = root / "feeds"
    feeds.mkdir(parents=True)
    for f in range(n_feeds):
        # Mostly everyday words, as in real news, so topical words are rare and
        # each feed reads as the language it claims.
        words = (WORDS_ES + COMMON_ES * 12) if f % 3 == 0 else (WORDS_EN + COMMON_EN * 12)
        items = []
        for i in range(n_items):
            title = " ".join(rng.choice(words).capitalize() if j == 0 else rng.choice(words + PLACES).strip('"')
                             for j in range(9))
            summary = " ".join(rng.choice(words + PLACES).strip('"') for _ in range(60))
            date = formatdate(1_500_000_000 + f * 1000 + i * 10, usegmt=True)
            items.append(
                f"<item><title>{title}</title><link>{{{{BASE}}}}/a/{f}/{i}.html?utm_source=rss</link>"
                f"<guid isPermaLink=\"false\">f{f}-i{i}</guid><pubDate>{date}</pubDate>"
                f"<description>{summary}</description></item>"
            )
        (feeds / f"{f}.xml").write_text(
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Feed {f}</title><link>{{{{BASE}}}}/</link><language>{'es' if f % 3 == 0 else 'en'}</language>"
            + "".join(items) + "</channel></rss>", encoding="utf-8")


def make_rules(n: int, rng: random.Random) -> str:
    """Rules shaped like a topic pack's: specific, so that few items match each."""
    out = []
    vocab = WORDS_EN + WORDS_ES
    for r in range(n):
        a, b, c = rng.sample(vocab, 3)
        place = rng.choice(PLACES)
        shape = r % 4
        if shape == 0:
            q = f'"{a} {b}" {place}'
        elif shape == 1:
            q = f"({a} OR {b}) AND {place} AND {c}"
        elif shape == 2:
            q = f"{a[:4]}* NEAR/3 {place}"
        else:
            q = f'title:({a} AND {b}) -{c}'
        out.append(f"[[rules]]\nname = \"r{r}\"\nquery = '{q}'\nnotify = []\n")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feeds", type=int, default=1000)
    ap.add_argument("--items", type=int, default=50)
    ap.add_argument("--rules", type=int, default=1000)
    ap.add_argument("--profile", help="write a cProfile of the newswatch run to this file")
    args = ap.parse_args()
    rng = random.Random(2017)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        make_feeds(tmp / "site", args.feeds, args.items, rng)
        with SiteServer(tmp / "site") as site:
            lines = ['database = "bench.db"', "[crawl]", "download_delay = 0", "fetch_articles = false",
                     "concurrency_per_domain = 16", "obey_robots = false", ""]
            for f in range(args.feeds):
                lines.append(f'[[sources]]\nname = "f{f}"\nurl = "{site.url}/feeds/{f}.xml"\n')
            lines.append(make_rules(args.rules, rng))
            cfg = tmp / "newswatch.toml"
            cfg.write_text("\n".join(lines), encoding="utf-8")

            bodies = [(tmp / "site" / "feeds" / f"{f}.xml").read_bytes().replace(b"{{BASE}}", site.url.encode())
                      for f in range(args.feeds)]
            t0 = time.perf_counter()
            n_floor = sum(len(feedparser.parse(b).entries) for b in bodies)
            floor_s = time.perf_counter() - t0

            t0 = time.perf_counter()
            cmd = [sys.executable, "-m", "newswatch.cli", "run", "-c", str(cfg), "--no-alerts"]
            if args.profile:
                cmd[1:1] = ["-m", "cProfile", "-o", args.profile]
            proc = subprocess.run(cmd,
                                  capture_output=True, text=True)
            run_s = time.perf_counter() - t0
            if proc.returncode != 0:
                print(proc.stdout[-3000:], proc.stderr[-3000:])
                raise SystemExit("the run failed")
            import sqlite3
            n_items = sqlite3.connect(tmp / "bench.db").execute("select count(*) from items").fetchone()[0]
            n_matches = sqlite3.connect(tmp / "bench.db").execute("select count(*) from matches").fetchone()[0]
    floor_rate = n_floor / floor_s
    rate = n_items / run_s
    print(f"ingest: {args.feeds} feeds x {args.items} items, {args.rules} rules")
    print(f"  feedparser.parse alone (floor):   {floor_rate:9,.0f} items/s  ({n_floor} items in {floor_s:.1f} s)")
    print(f"  newswatch run (fetch..store):     {rate:9,.0f} items/s  ({n_items} items, {n_matches} matches "
          f"in {run_s:.1f} s, process start included)")
    print(f"  ratio newswatch / floor:          {rate / floor_rate:9.2f}  (target >= 0.5)")


if __name__ == "__main__":
    main()
