"""Stories: the story index of a run with a month of history, old design against new.

Builds a database holding N items (default 1,000,000) first fetched over
the last 30 days and an hour, as a busy desk's would be: signatures (random
MinHash values for unrelated stories; copies of a story share most values,
so some are near-duplicates, some just below the threshold), title keys
(a third of the copies share their story's), and each item filed under its
keys as the store pipeline files it. Then, each in a child process on its
own copy of that database, a run clusters M new items (a third copies of
stored items, some sharing a stored title key, some copies of one another,
some too short to compare) as the crawl does:

- old: the index of every item in the window rebuilt in memory from
  ``item_signatures`` at the start of the run (newswatch before issue 21),
  then each item found and filed in memory, its signature stored;
- new: :class:`~newswatch.stories.clustering.StoryClusters`: the stored
  index brought up to date (the run before's M items filed under their
  keys, the items that left the window taken out), then one look-up per
  item; each batch of 200 items' signatures stored as the store pipeline
  stores them.

Prints for each: peak RSS of the child (``resource.getrusage``), start-up
(before the first item is clustered), time per item (finding its story;
storing its signature and keys), and checks that both put every new item in
the same story.

    python benchmarks/bench_stories.py [--items 1000000] [--new 2000] [--db PATH] [--seed 21]

``--db`` keeps the built database (about 3.5 GB at 1,000,000 items) to
measure again without building it.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from newswatch.schedule import iso, parse_time
from newswatch.storage import open_db
from newswatch.storage import stories as story_store
from newswatch.stories import clustering
from newswatch.stories.minhash import _DTYPE, NUM_PERM, Fingerprint, _Banding, lsh_threshold

NOW = "2026-12-04T12:00:00Z"
SPAN = timedelta(days=30, hours=1)  # the last hour's worth has just left the window
BATCH = 200


def _perturb(rng: np.random.Generator, values: np.ndarray, changed: float) -> np.ndarray:
    """A copy of ``values`` with a share ``changed`` of them replaced (Jaccard about 1 - changed)."""
    out = values.copy()
    at = rng.random(out.shape) < changed
    out[at] = rng.integers(0, 2**32, size=int(at.sum()), dtype=np.uint64).astype(_DTYPE)
    return out


def build(path: Path, n: int, seed: int, unfiled: int) -> None:
    """A database of ``n`` items with their signatures and keys (see the module docstring).

    The last ``unfiled`` items, those of the run before, are not filed yet:
    the next run that clusters files them.
    """
    rng = np.random.default_rng(seed)
    db = open_db(path)
    db.execute("PRAGMA journal_mode = WAL")
    db["sources"].insert({"name": "wire", "kind": "feed", "url": "https://wire.example/feed"})
    banding = _Banding.of(lsh_threshold(clustering.THRESHOLD))
    start = parse_time(NOW) - SPAN
    step = SPAN / n
    keys: list[np.ndarray] = []
    owners: list[np.ndarray] = []
    chunk = 20_000
    for first in range(0, n, chunk):
        count = min(chunk, n - first)
        values = rng.integers(0, 2**32, size=(count, NUM_PERM), dtype=np.uint64).astype(_DTYPE)
        # 30% of items copy an earlier item of their chunk (a story carried by several outlets).
        story = np.arange(count)
        copies = np.flatnonzero(rng.random(count) < 0.3)
        copies = copies[copies > 0]
        story[copies] = (rng.random(len(copies)) * copies).astype(int)
        for i in copies.tolist():
            story[i] = story[story[i]]  # a copy of a copy belongs to the first one's story
            values[i] = _perturb(rng, values[story[i]], float(rng.uniform(0.05, 0.6)))
        band_keys = banding.keys_of_rows(values)
        items, signatures = [], []
        for i in range(count):
            n_item = first + i
            item_id = f"{n_item:016x}"
            cluster = f"{first + int(story[i]):016x}"
            titled = story[i] % 2 == 0 and (story[i] == i or rng.random() < 0.33)
            title_key = f"story number {first + int(story[i])} of the wire" if titled else None
            fetched = iso(start + step * n_item)
            items.append({"id": item_id, "url": f"https://wire.example/{item_id}",
                          "canonical_url": f"https://wire.example/{item_id}",
                          "title": f"Story {item_id}", "summary": "A summary of the story. " * 8,
                          "fetched_at": fetched, "source": "wire", "cluster_id": cluster,
                          "title_key": title_key})
            fp = Fingerprint(values[i].tobytes(), tuple(band_keys[i]), (banding.bands, banding.rows))
            kind, minhash, filed = clustering.filing(fp, title_key)
            signatures.append((item_id, kind, minhash, fetched))
            if n_item < n - unfiled:
                keys.append(np.array(filed, dtype=np.int64))
                owners.append(np.full(len(filed), n_item, dtype=np.int64))
        with db.conn:
            db["items"].insert_all(items, batch_size=2000)
            db.conn.executemany("INSERT INTO item_signatures (item_id, kind, minhash, created_at)"
                                " VALUES (?, ?, ?, ?)", signatures)
        print(f"\r  built {first + count:,} of {n:,} items", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    # The pipeline files each item in its own transaction; here, all keys at once, in order.
    all_keys, all_owners = np.concatenate(keys), np.concatenate(owners)
    del keys, owners
    order = np.lexsort((all_owners, all_keys))
    with db.conn:
        db.conn.executemany("INSERT INTO story_keys (key, item_id) VALUES (?, ?)",
                            ((int(all_keys[k]), f"{int(all_owners[k]):016x}") for k in order.tolist()))
        db.execute("DELETE FROM story_pending WHERE item_id < ?", [f"{n - unfiled:016x}"])
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()


def new_items(path: Path, m: int, seed: int) -> list[dict]:
    """``m`` new items: (id, title key, MinHash values as a list or None)."""
    rng = np.random.default_rng(seed + 1)
    db = open_db(path, migrate=False)
    since = story_store.shift_ts(NOW, -clustering.WINDOW)
    # Stored items picked by the seed (the built signatures' rowids follow the items' order).
    first, last = db.execute("SELECT min(rowid), max(rowid) FROM item_signatures WHERE created_at >= ?",
                             [since]).fetchone()
    rowids = rng.choice(np.arange(first, last + 1), size=m, replace=False).tolist()
    by_rowid = {row[0]: row[1:] for row in db.execute(
        "SELECT s.rowid, s.item_id, s.minhash, i.title_key FROM item_signatures s"
        f" JOIN items i ON i.id = s.item_id WHERE s.rowid IN ({', '.join('?' * len(rowids))})", rowids)}
    stored = [by_rowid[r] for r in rowids]
    db.conn.close()
    out: list[dict] = []
    for k in range(m):
        roll = rng.random()
        title_key = values = None
        if roll < 0.3:  # a copy of a stored item, near or just below the threshold
            _, minhash, title_key = stored[k]
            base = np.frombuffer(minhash, dtype=_DTYPE)
            values = _perturb(rng, base, float(rng.uniform(0.05, 0.6)))
            title_key = title_key if rng.random() < 0.3 else None
        elif roll < 0.4 and out:  # a copy of an item of this run
            other = out[int(rng.integers(len(out)))]
            if other["values"] is not None:
                values = _perturb(rng, np.array(other["values"], dtype=_DTYPE), float(rng.uniform(0.05, 0.6)))
            title_key = other["title_key"]
        elif roll < 0.5:  # too short to compare: a title only
            title_key = f"a headline of the run number {k}"
        else:
            values = rng.integers(0, 2**32, size=NUM_PERM, dtype=np.uint64).astype(_DTYPE)
        out.append({"id": f"new{k:013x}", "title_key": title_key,
                    "values": values.tolist() if values is not None else None})
    return out


def _fingerprints(items: list[dict]) -> list[Fingerprint | None]:
    banding = _Banding.of(lsh_threshold(clustering.THRESHOLD))
    out: list[Fingerprint | None] = []
    for item in items:
        if item["values"] is None:
            out.append(None)
            continue
        values = np.array(item["values"], dtype=_DTYPE)
        out.append(Fingerprint(values.tobytes(), tuple(banding.keys(values)), (banding.bands, banding.rows)))
    return out


def run_old(path: Path, items: list[dict]) -> dict:
    """The index as newswatch built it before issue 21: the whole window in memory."""
    t0 = time.perf_counter()
    db = open_db(path, migrate=False)
    clusterer = clustering.StoryClusterer()
    since = story_store.shift_ts(NOW, -clustering.WINDOW)
    size = NUM_PERM * np.dtype(_DTYPE).itemsize
    cursor = db.execute(
        "SELECT i.id, i.cluster_id, i.title_key, s.minhash FROM items i"
        " LEFT JOIN item_signatures s ON s.item_id = i.id AND s.kind = ? AND length(s.minhash) = ?"
        " WHERE i.fetched_at >= ? ORDER BY i.fetched_at, i.rowid",
        [clustering.SIGNATURE_KIND, size, since])
    while rows := cursor.fetchmany(500):
        for item_id, cluster_id, title_key, minhash in rows:
            values = np.frombuffer(minhash, dtype=_DTYPE) if minhash else None
            clusterer.add(item_id, cluster_id or item_id, title_key, values)
    with db.conn:
        db.execute("DELETE FROM item_signatures WHERE created_at < ?", [since])
    startup = time.perf_counter() - t0

    def save(batch: list) -> None:
        with db.conn:
            db.conn.executemany("INSERT OR REPLACE INTO item_signatures (item_id, kind, minhash, created_at)"
                                " VALUES (?, ?, ?, ?)", batch)

    return {"startup": startup, **_assign_all(clusterer.assign, save, items),
            "indexed": len(clusterer)}


def _assign_all(assign, save, items: list[dict]) -> dict:
    """File ``items`` in batches as a run does; the time to find stories and to store signatures."""
    fps = _fingerprints(items)
    found = store = 0.0
    out = []
    for first in range(0, len(items), BATCH):
        t = time.perf_counter()
        batch = []
        for item, fp in zip(items[first:first + BATCH], fps[first:first + BATCH]):
            a = assign(item["id"], item["title_key"], None, None, fp)
            out.append((a.cluster_id, a.how))
            if fp is not None:
                batch.append((item["id"], clustering.SIGNATURE_KIND, fp.values, NOW))
        t2 = time.perf_counter()
        save(batch)
        found += t2 - t
        store += time.perf_counter() - t2
    return {"find": found / len(items), "store": store / len(items), "assignments": out}


def run_new(path: Path, items: list[dict]) -> dict:
    """The index as it is: earlier items looked up in the database, this run's in memory."""
    t0 = time.perf_counter()
    db = open_db(path, migrate=False)
    clusters = clustering.StoryClusters(db, NOW, save_signatures=False)
    clusters.prepare()
    startup = time.perf_counter() - t0
    return {"startup": startup,
            **_assign_all(clusters.assign, lambda batch: story_store.save_signatures(db, batch), items),
            "indexed": len(clusters.clusterer)}


def child(design: str, path: Path, items_file: Path) -> None:
    if design == "none":  # what the process holds before any index: Python, numpy, newswatch
        open_db(path, migrate=False)
        print(json.dumps({"rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
        return
    items = json.loads(items_file.read_text())
    result = (run_old if design == "old" else run_new)(path, items)
    result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def measure(design: str, base: Path, work: Path, items_file: Path) -> dict:
    """Run ``design`` in a child process on a fresh copy of the database."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(base, work)
    done = subprocess.run([sys.executable, __file__, "--child", design, "--db", str(work),
                           "--items-file", str(items_file)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=1_000_000, help="items of history (30 days)")
    parser.add_argument("--new", type=int, default=2000, help="new items the run clusters")
    parser.add_argument("--db", type=Path, help="keep (or reuse) the built database here")
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--child", choices=("build", "none", "old", "new"), help=argparse.SUPPRESS)
    parser.add_argument("--items-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "build":
        build(args.db, args.items, args.seed, args.new)
        return
    if args.child:
        child(args.child, args.db, args.items_file)
        return
    with tempfile.TemporaryDirectory(prefix="bench-stories-") as tmp:
        base = args.db or Path(tmp) / "history.db"
        if not base.exists():
            t = time.perf_counter()
            # In a child: Linux keeps a process's peak RSS across fork and exec, so the
            # children measured below must not start from a parent that built a database.
            subprocess.run([sys.executable, __file__, "--child", "build", "--db", str(base), "--items",
                            str(args.items), "--new", str(args.new), "--seed", str(args.seed)], check=True)
            print(f"built {args.items:,} items in {time.perf_counter() - t:.0f} s "
                  f"({base.stat().st_size / 1e9:.2f} GB)", file=sys.stderr)
        items_file = Path(tmp) / "new.json"
        items_file.write_text(json.dumps(new_items(base, args.new, args.seed)))
        work = Path(tmp) / "run.db"
        bare = measure("none", base, work, items_file)["rss_mb"]
        results = {design: measure(design, base, work, items_file) for design in ("old", "new")}
    print(f"Story index of a run: {args.items:,} items of history, {args.new:,} new items"
          f" (a process with no index: {bare:,.0f} MB)\n")
    print("| design | peak RSS | start-up | find a story | store signature | in memory |")
    print("|---|---:|---:|---:|---:|---:|")
    for design, r in results.items():
        print(f"| {design} | {r['rss_mb']:,.0f} MB | {r['startup']:.2f} s | {r['find'] * 1000:.3f} ms/item"
              f" | {r['store'] * 1000:.3f} ms/item | {r['indexed']:,} items |")
    old, new = results["old"], results["new"]
    print(f"\nnew/old: peak RSS {new['rss_mb'] / old['rss_mb']:.2f}, start-up "
          f"{new['startup'] / old['startup']:.3f}, per item (find + store) "
          f"{(new['find'] + new['store']) / (old['find'] + old['store']):.1f}")
    same = sum(a == b for a, b in zip(old["assignments"], new["assignments"]))
    hows = {how: sum(1 for _, h in new["assignments"] if h == how) for how in ("title", "text", "new")}
    print(f"same story for {same:,} of {args.new:,} new items (joined by title {hows['title']:,}, "
          f"by text {hows['text']:,}, new stories {hows['new']:,})")
    if same != args.new:
        sys.exit(1)


if __name__ == "__main__":
    main()
