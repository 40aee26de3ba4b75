"""Stories, not URLs: near-duplicate copies of one story share a cluster id.

A wire story carried by five outlets arrives as five items with five URLs,
five headlines, five ledes of boilerplate. Two ways put them in one cluster:

1. equal normalised titles (``title_key``: folded words, at least four);
2. near-duplicate text: MinHash signatures of folded word 3-shingles of the
   title and text (the body, or the summary when there is no body; see
   :mod:`.minhash`), indexed by LSH band keys. A candidate sharing a band
   joins only when its estimated Jaccard similarity is at least
   :data:`THRESHOLD`.

The threshold was tuned on pairs of syndicated copies (same wire text, other
headline, outlet boilerplate, last paragraphs trimmed) against different
stories on the same topic and follow-ups that reuse background paragraphs;
the numbers are in docs/alerts.md and are re-measured by
tests/test_clustering.py.

A new item looks for its story among the items first fetched in the last
:data:`WINDOW` (30 days). Those of earlier runs are looked up in the
database: each item is filed in ``story_keys`` under its band keys and its
title key, and only the signatures of the items sharing a key are read.
This run's items are in memory (:class:`StoryClusterer`) and are filed at
the start of the next run that clusters (all at once, in key order: filed
with each batch of items, the keys cost a page write each), as is any item
stored without its keys (by an older newswatch); items that left the window
are taken out then too. So a run's memory does not grow with the window and
nothing is rebuilt at its start.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from ..storage import stories as story_store
from .minhash import _DTYPE, NUM_PERM, THRESHOLD, Fingerprint, _Banding, fingerprint_of, fingerprints_of, lsh_threshold
from .minhash import _SEED as _SEED
from .minhash import MIN_SHINGLES as MIN_SHINGLES
from .minhash import SIGNATURE_KIND as SIGNATURE_KIND
from .minhash import _optimal_bands as _optimal_bands
from .minhash import _permutations as _permutations
from .minhash import from_bytes as from_bytes
from .minhash import shingles as shingles
from .minhash import signature as signature
from .minhash import similarity as similarity
from .minhash import to_bytes as to_bytes

__all__ = [
    "SIGNATURE_KIND",
    "THRESHOLD",
    "WINDOW",
    "Assignment",
    "Fingerprint",
    "StoryClusterer",
    "StoryClusters",
    "clusters_for",
    "fingerprint_of",
    "fingerprints_of",
    "shingles",
    "signature",
    "filing",
    "similarity",
]

log = logging.getLogger(__name__)

#: How far back a new item looks for its story (by when items were first fetched).
WINDOW = timedelta(days=30)

_COMPUTE = object()


_COMPUTE = object()


@dataclass(frozen=True)
class Assignment:
    """Which story an item joined, and why."""

    cluster_id: str
    how: str  # "title" | "text" | "new"
    similarity: float | None = None
    fingerprint: Fingerprint | None = None




class BandIndex:
    """Locality-sensitive hashing over MinHash signatures, kept compact.

    The same banding as datasketch's MinHashLSH (its optimal bands and rows
    for the threshold), but signatures live in one numpy array and each band
    is one int key in one dict. MinHashLSH kept a set of bytes keys per band
    and a MinHash object per item: 600 MB and 0.1 ms an item for 50,000
    items, where this takes about a fifth of the memory and a tenth of the time.
    """

    def __init__(self, threshold: float, num_perm: int = NUM_PERM) -> None:
        self._banding = _Banding.of(threshold, num_perm)
        self.bands, self.rows = self._banding.bands, self._banding.rows
        self.num_perm = num_perm
        self.ids: list[str] = []
        self.positions: dict[str, int] = {}
        self._values = np.empty((1024, num_perm), dtype=_DTYPE)
        # band key -> one row number, or a list of them when several items share it
        self._buckets: dict[int, int | list[int]] = {}

    def __contains__(self, item_id: str) -> bool:
        return item_id in self.positions

    def _keys(self, values: np.ndarray) -> list[int]:
        return self._banding.keys(getattr(values, "hashvalues", values))

    def candidates(self, values: np.ndarray, keys: list[int] | None = None) -> list[tuple[str, float]]:
        """Items sharing a band with ``values``, with their estimated Jaccard similarity."""
        rows = self._sharing(keys if keys is not None else self._keys(values))
        if not rows:
            return []
        values = getattr(values, "hashvalues", values)
        order = sorted(rows)
        sims = np.count_nonzero(self._values[order] == values, axis=1) / self.num_perm
        return [(self.ids[row], float(sim)) for row, sim in zip(order, sims)]

    def best(self, values: np.ndarray, keys: list[int] | tuple[int, ...]) -> tuple[str, float] | None:
        """The most similar item sharing a band with ``values`` (ties: the smallest id), or None."""
        return self._most_similar(self._sharing(keys), values)

    def _sharing(self, keys: Iterable[int]) -> set[int]:
        """Rows of the items filed under any of ``keys``."""
        rows: set[int] = set()
        buckets = self._buckets
        for key in keys:
            found = buckets.get(key)
            if found is None:
                continue
            if isinstance(found, list):
                rows.update(found)
            else:
                rows.add(found)
        return rows

    def _most_similar(self, rows: set[int], values: np.ndarray) -> tuple[str, float] | None:
        if not rows:
            return None
        at = np.fromiter(rows, dtype=np.intp, count=len(rows))
        sims = np.count_nonzero(self._values[at] == values, axis=1)
        top = sims.max()
        best = min(self.ids[row] for row in at[sims == top].tolist())
        return best, float(top) / self.num_perm

    def insert_and_find(self, item_id: str, values: np.ndarray, keys: list[int] | tuple[int, ...],
                        find: bool = True) -> tuple[str, float] | None:
        """:meth:`best` (when ``find``) among the items indexed before, then :meth:`insert`, in one
        pass over the bands: a new item does both, and the bands are most of the cost."""
        if item_id in self.positions:
            return self.best(values, keys) if find else None
        row = self._append(item_id, values)
        rows: set[int] = set()
        buckets = self._buckets
        for key in keys:
            found = buckets.get(key)
            if found is None:
                buckets[key] = row
            elif isinstance(found, list):
                if find:
                    rows.update(found)
                found.append(row)
            else:
                if find:
                    rows.add(found)
                buckets[key] = [found, row]
        return self._most_similar(rows, values) if find else None

    def query(self, values) -> list[str]:
        """Ids of the items sharing a band with ``values`` (a MinHash or its hash values)."""
        return [item_id for item_id, _ in self.candidates(values)]

    def insert(self, item_id: str, values, keys: list[int] | None = None) -> None:
        """Index ``values`` (a MinHash or its hash values) under ``item_id``."""
        values = getattr(values, "hashvalues", values)
        self.insert_and_find(item_id, values, keys if keys is not None else self._keys(values), find=False)

    def _append(self, item_id: str, values: np.ndarray) -> int:
        row = len(self.ids)
        if row == len(self._values):
            self._values = np.concatenate([self._values, np.empty_like(self._values)])
        self._values[row] = values
        self.ids.append(item_id)
        self.positions[item_id] = row
        return row


class StoryClusterer:
    """The in-memory index: title keys and an LSH over MinHash signatures.

    Pure computation: it holds a run's own items (and, in tests and
    measurements, whole sets of pairs); :class:`StoryClusters` adds the
    items of earlier runs from the database.
    """

    def __init__(self, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self.lsh = BandIndex(threshold=lsh_threshold(threshold))
        self.clusters: dict[str, str] = {}
        self.titles: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self.clusters)

    def add(self, item_id: str, cluster_id: str, title_key: str | None, values: np.ndarray | None,
            keys: list[int] | tuple[int, ...] | None = None) -> None:
        """Index an item already assigned to ``cluster_id`` (``values``: its MinHash values, if any)."""
        self._file(item_id, cluster_id, title_key)
        if values is not None:
            self.lsh.insert(item_id, values, keys)

    def _file(self, item_id: str, cluster_id: str, title_key: str | None) -> None:
        self.clusters[item_id] = cluster_id
        if title_key:  # the first item of a title key names its story
            self.titles.setdefault(title_key, cluster_id)

    def assign(self, item_id: str, title_key: str | None, title: str | None,
               text: str | None, fingerprint: Fingerprint | None = _COMPUTE,
               earlier: Earlier | None = None) -> Assignment:
        """Find the story of a new item (or start one) and index the item.

        ``fingerprint``, when already made from the same title and text (None
        for a text too short to compare), saves computing it here.
        ``earlier``: what items not in this index (stored by earlier runs)
        offer; they come first for a title key.
        """
        fp = fingerprint_of(title, text, self.threshold) if fingerprint is _COMPUTE else fingerprint
        values = keys = None
        if fp is not None:
            values = fp.array()
            keys = _band_keys(fp, self.lsh._banding)
        title_cluster = earlier.title_cluster if earlier is not None else None
        if title_cluster is None and title_key:
            title_cluster = self.titles.get(title_key)
        result = Assignment(title_cluster, "title", None, fp) if title_cluster is not None else None
        if values is not None:
            # Ties go to the smallest id, so the answer does not depend on set order.
            found = self.lsh.insert_and_find(item_id, values, keys, find=result is None)
            best = None if found is None else (found[1], found[0], self.clusters[found[0]])
            stored = earlier.best(values) if result is None and earlier is not None else None
            if stored is not None and (best is None or (-stored[0], stored[1]) < (-best[0], best[1])):
                best = stored
            if best is not None and best[0] >= self.threshold:
                result = Assignment(best[2], "text", best[0], fp)
        if result is None:
            result = Assignment(item_id, "new", None, fp)
        self._file(item_id, result.cluster_id, title_key)
        return result


# -- the index in the database ------------------------------------------------------

# Keys are stored as 48-bit integers, which SQLite keeps in 6 bytes (a 64-bit
# one takes 8), in a table of tens of millions of rows. Two keys colliding
# only make a candidate whose similarity is then checked like any other.
_KEY_OFFSET = 1 << 47


def _stored_keys(band_keys: list[int] | tuple[int, ...]) -> list[int]:
    return [(key >> 16) - _KEY_OFFSET for key in band_keys]


def _title_key(title_key: str) -> int:
    digest = hashlib.blake2b(title_key.encode(), digest_size=6, person=b"newswatch-title").digest()
    return int.from_bytes(digest, "big") - _KEY_OFFSET


def _band_keys(fp: Fingerprint, banding: _Banding) -> list[int] | tuple[int, ...]:
    return fp.keys if fp.banding == (banding.bands, banding.rows) else banding.keys(fp.array())


def filing(fingerprint: Fingerprint | None, title_key: str | None,
           threshold: float = THRESHOLD) -> tuple[str, bytes, tuple[int, ...]]:
    """What filing an item in the story index stores: (kind, MinHash values, keys).

    The values are empty for a text too short to compare; the keys (for
    ``story_keys``) are its LSH band keys and its title key's.
    """
    keys = []
    if fingerprint is not None:
        keys = _stored_keys(_band_keys(fingerprint, _Banding.of(lsh_threshold(threshold))))
    if title_key:
        keys.append(_title_key(title_key))
    return SIGNATURE_KIND, fingerprint.values if fingerprint is not None else b"", tuple(keys)


@dataclass(frozen=True)
class Earlier:
    """What the database holds for a new item: its title key's story and the items sharing a band."""

    title_cluster: str | None
    similar: list[tuple[str, str, bytes | None]]  # (item id, cluster id, MinHash values)

    def best(self, values: np.ndarray) -> tuple[float, str, str] | None:
        """(similarity, item id, cluster id) of the most similar item (ties: the smallest id)."""
        sized = [row for row in self.similar if row[2] is not None and len(row[2]) == values.nbytes]
        if not sized:
            return None
        stacked = np.frombuffer(b"".join(row[2] for row in sized), dtype=_DTYPE).reshape(len(sized), -1)
        sims = np.count_nonzero(stacked == values, axis=1)
        top = sims.max()
        winner = min((sized[k] for k in np.flatnonzero(sims == top).tolist()), key=lambda row: row[0])
        return float(top) / len(values), winner[0], winner[1]


class StoryClusters:
    """Stories for one run: earlier runs' items looked up in the database, this run's in memory.

    The database side is brought up to date on the first new item (a run
    with nothing new touches nothing): the items stored since the last time
    are filed under their keys, and at most :data:`PRUNE_MAX` items that
    left the window are taken out. The signatures of the run's items are
    written with the items by the caller (the crawl's store pipeline does)
    or, with ``save_signatures``, in batches and on :meth:`flush`.
    """

    FLUSH_EVERY = 200
    #: Items taken out of the index per run at most; look-ups check the window anyway.
    PRUNE_MAX = 20_000
    _BATCH = 10_000

    def __init__(self, db, now: str, threshold: float = THRESHOLD, window: timedelta = WINDOW,
                 save_signatures: bool = True) -> None:
        self.db = db
        self.now = now
        self.since = story_store.shift_ts(now, -window)
        # False when the caller stores each item's signature with the item (the crawl does).
        self.save_signatures = save_signatures
        self.clusterer = StoryClusterer(threshold)
        self._pending: list[tuple[str, str, bytes, str]] = []
        self._ready = False
        self._any_filed = False

    def prepare(self) -> StoryClusterer:
        """File the items stored without their keys; forget items out of the window."""
        if not self._ready:
            self._ready = True
            filed, forgotten = self._file_unindexed(), self._forget_expired()
            # A new database's first run has nothing to look up: it skips the look-ups.
            self._any_filed = story_store.any_filed(self.db)
            log.debug("story index: %d items filed, %d out of the window since %s", filed, forgotten, self.since)
        return self.clusterer

    def _file_unindexed(self) -> int:
        threshold = self.clusterer.threshold
        banding, size = self.clusterer.lsh._banding, NUM_PERM * np.dtype(_DTYPE).itemsize
        count, last = 0, ""
        while rows := story_store.unindexed(self.db, SIGNATURE_KIND, size, self._BATCH, last):
            last = rows[-1]["id"]
            gone = [r["id"] for r in rows if r["fetched_at"] is None or r["fetched_at"] < self.since]
            rows = [r for r in rows if r["fetched_at"] is not None and r["fetched_at"] >= self.since]
            signed = [r for r in rows if r["minhash"]]
            unsigned = [r for r in rows if r["minhash"] is None]
            keys = dict(zip((r["id"] for r in signed), banding.keys_of_rows(np.frombuffer(
                b"".join(r["minhash"] for r in signed), dtype=_DTYPE).reshape(len(signed), NUM_PERM))))
            made = fingerprints_of([(r["title"], r["body"] or r["summary"]) for r in unsigned], threshold)
            filed = [(r["id"], filing(fp, r["title_key"], threshold)) for r, fp in zip(unsigned, made)]
            signatures = [(item_id, kind, values, r["fetched_at"])
                          for (item_id, (kind, values, _)), r in zip(filed, unsigned)]
            records = [(item_id, made_keys) for item_id, (_, _, made_keys) in filed]
            for r in rows:
                if r["minhash"] is not None:  # empty: too short to compare, filed by title only
                    title = [_title_key(r["title_key"])] if r["title_key"] else []
                    records.append((r["id"], (*_stored_keys(keys.get(r["id"], ())), *title)))
            story_store.stage_filing(self.db, records, signatures)
            story_store.unqueue(self.db, gone)
            count += len(records)
        story_store.finish_filing(self.db)
        return count

    def _forget_expired(self) -> int:
        banding, size = self.clusterer.lsh._banding, NUM_PERM * np.dtype(_DTYPE).itemsize
        forgotten = 0
        while forgotten < self.PRUNE_MAX and (rows := story_store.expired(self.db, self.since, self._BATCH)):
            out = []
            for item_id, minhash, title_key in rows:
                keys = _stored_keys(banding.keys(np.frombuffer(minhash, dtype=_DTYPE))) if len(minhash) == size else []
                out.append((item_id, keys + ([_title_key(title_key)] if title_key else [])))
            story_store.forget(self.db, out)
            forgotten += len(rows)
        return forgotten

    def _earlier(self, title_key: str | None, fp: Fingerprint | None) -> Earlier | None:
        keys = filing(fp, title_key, self.clusterer.threshold)[2] if self._any_filed else ()
        if not keys:
            return None
        title = keys[-1] if title_key else None
        first = None
        similar: dict[str, tuple[str, str, bytes | None]] = {}
        for key, item_id, cluster_id, item_title_key, minhash, *order in story_store.filed_under(
                self.db, keys, self.since):
            if key != title:
                similar[item_id] = (item_id, cluster_id, minhash)
            elif item_title_key == title_key and (first is None or order < first[0]):
                first = (order, cluster_id)  # the first item of a title key names its story
        return Earlier(first[1] if first else None, list(similar.values()))

    def assign(self, item_id: str, title_key: str | None, title: str | None,
               text: str | None, fingerprint: Fingerprint | None = _COMPUTE) -> Assignment:
        """The cluster of a new item; its signature is queued for storage."""
        clusterer = self.prepare()
        fp = fingerprint_of(title, text, clusterer.threshold) if fingerprint is _COMPUTE else fingerprint
        result = clusterer.assign(item_id, title_key, title, text, fp, self._earlier(title_key, fp))
        if fp is not None and self.save_signatures:
            self._pending.append((item_id, SIGNATURE_KIND, fp.values, self.now))
            if len(self._pending) >= self.FLUSH_EVERY:
                self.flush()
        return result

    def flush(self) -> None:
        """Write the queued signatures."""
        if self._pending:
            story_store.save_signatures(self.db, self._pending)
            self._pending = []


def clusters_for(context) -> StoryClusters:
    """The run's :class:`StoryClusters`, shared by every spider of the run.

    Its signatures are not saved by it: the store pipeline writes each one
    with its item, in the item's transaction.
    """
    found = getattr(context, "story_clusters", None)
    if found is None:
        found = StoryClusters(context.db, context.now, save_signatures=False)
        context.story_clusters = found
    return found
