"""Stories, not URLs: near-duplicate copies of one story share a cluster id.

A wire story carried by five outlets arrives as five items with five URLs,
five headlines, five ledes of boilerplate. Two ways put them in one cluster:

1. equal normalised titles (``title_key``: folded words, at least four);
2. near-duplicate text: MinHash signatures of folded word 3-shingles of the
   title and text (the body, or the summary when there is no body), indexed
   in a MinHash LSH (datasketch). A candidate from the LSH joins only when
   its estimated Jaccard similarity is at least :data:`THRESHOLD`.

The threshold was tuned on pairs of syndicated copies (same wire text, other
headline, outlet boilerplate, last paragraphs trimmed) against different
stories on the same topic and follow-ups that reuse background paragraphs;
the numbers are in docs/alerts.md and are re-measured by
tests/test_clustering.py.

The index lives in memory for one run and is rebuilt at the start of the next
from the signatures stored in ``item_signatures`` for items first fetched in
the last :data:`WINDOW` (30 days), so a copy arriving tomorrow joins today's
cluster. Stored signatures are a cache: one that is missing or was made with
other parameters (:data:`SIGNATURE_KIND`) is recomputed from the item's text.
"""

from __future__ import annotations

import logging
import re
import zlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Iterable

import numpy as np
from datasketch import MinHash
from datasketch.lsh import _optimal_param

from ..rules import fold
from ..storage import stories as story_store

__all__ = [
    "SIGNATURE_KIND",
    "THRESHOLD",
    "WINDOW",
    "Assignment",
    "StoryClusterer",
    "StoryClusters",
    "clusters_for",
    "shingles",
    "signature",
    "similarity",
]

log = logging.getLogger(__name__)

#: Minimum estimated Jaccard similarity of two items' shingles to call them one story.
THRESHOLD = 0.5
#: How far back a new item looks for its story (by when items were first fetched).
WINDOW = timedelta(days=30)
NUM_PERM = 128
SHINGLE_WORDS = 3
#: Texts with fewer shingles than this (a bare headline) are clustered by title only.
MIN_SHINGLES = 8
_SEED = 1
_WORD = re.compile(r"\w+")


def _minhash_kwargs() -> tuple[dict[str, Any], str]:
    # datasketch 2 chooses among hashing schemes and wants the scheme named
    # when a MinHash is rebuilt from stored values; 1.x has only "legacy".
    try:
        MinHash(num_perm=1, seed=_SEED, scheme="affine32")
    except TypeError:
        return {}, "legacy"
    return {"scheme": "affine32"}, "affine32"


_MH_KWARGS, _SCHEME = _minhash_kwargs()
#: Identifies how a stored signature was made; others are recomputed.
SIGNATURE_KIND = f"minhash-{_SCHEME}-p{NUM_PERM}-s{_SEED}-w{SHINGLE_WORDS}-crc"
# Building the permutations is a third of the cost of a signature: do it once.
_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=_SEED, **_MH_KWARGS)


# Shingles are hashed arithmetically from per-word CRC32s: hashing each
# shingle's bytes with SHA-1 in a Python loop was most of a signature's cost.
_MUL1 = np.uint64(0x9E3779B97F4A7C15)
_MUL2 = np.uint64(0xC2B2AE3D27D4EB4F)
_MUL3 = np.uint64(0x165667B19E3779F9)
_MIX = np.uint64(0xFF51AFD7ED558CCD)
_MASK = np.uint64(0xFFFFFFFF)
_word_hashes: dict[str, int] = {}


def _hash_words(words: list[str]) -> np.ndarray:
    cache = _word_hashes
    if len(cache) > 500_000:  # a long-running watch must not grow without bound
        cache.clear()
    out = np.empty(len(words), dtype=np.uint64)
    for i, w in enumerate(words):
        h = cache.get(w)
        if h is None:
            h = cache[w] = zlib.crc32(w.encode())
        out[i] = h
    return out


def shingles(title: str | None, text: str | None) -> frozenset[int]:
    """Hashes of the folded word 3-shingles of ``title`` and ``text`` (accent- and case-blind)."""
    words = _WORD.findall(fold(f"{title or ''}\n{text or ''}"))
    if not words:
        return frozenset()
    h = _hash_words(words)
    if len(words) < SHINGLE_WORDS:
        return frozenset([zlib.crc32(" ".join(words).encode())])
    with np.errstate(over="ignore"):  # arithmetic modulo 2**64 is the point
        x = h[:-2] * _MUL1 + h[1:-1] * _MUL2 + h[2:] * _MUL3
        x ^= x >> np.uint64(33)
        x *= _MIX
        x ^= x >> np.uint64(29)
    return frozenset((x & _MASK).tolist())


def signature(grams: Iterable[int]) -> MinHash:
    """The MinHash signature of a set of shingle hashes."""
    mh = MinHash(
        num_perm=NUM_PERM, seed=_SEED, permutations=_TEMPLATE.permutations, hashfunc=int,
        **_MH_KWARGS,
    )
    mh.update_batch(list(grams))
    return mh


def to_bytes(mh: MinHash) -> bytes:
    return mh.hashvalues.tobytes()


def from_bytes(blob: bytes) -> MinHash:
    values = np.frombuffer(blob, dtype=_TEMPLATE.hashvalues.dtype)
    return MinHash(
        seed=_SEED, hashvalues=values, permutations=_TEMPLATE.permutations, **_MH_KWARGS
    )


def similarity(a: tuple[str | None, str | None], b: tuple[str | None, str | None]) -> float:
    """Estimated Jaccard similarity of two (title, text) pairs; for tuning and tests."""
    return signature(shingles(*a)).jaccard(signature(shingles(*b)))


@dataclass(frozen=True)
class Assignment:
    """Which story an item joined, and why."""

    cluster_id: str
    how: str  # "title" | "text" | "new"
    similarity: float | None = None
    minhash: MinHash | None = None


class BandIndex:
    """Locality-sensitive hashing over MinHash signatures, kept compact.

    The same banding as datasketch's MinHashLSH (its optimal bands and rows
    for the threshold), but signatures live in one numpy array and each band
    is one int key in one dict. MinHashLSH kept a set of bytes keys per band
    and a MinHash object per item: 600 MB and 0.1 ms an item for 50,000
    items, where this takes about a fifth of the memory and a tenth of the time.
    """

    def __init__(self, threshold: float, num_perm: int = NUM_PERM) -> None:
        self.bands, self.rows = _optimal_param(threshold, num_perm, 0.5, 0.5)
        self.num_perm = num_perm
        self.ids: list[str] = []
        self.positions: dict[str, int] = {}
        self._values = np.empty((1024, num_perm), dtype=_TEMPLATE.hashvalues.dtype)
        # band key -> one row number, or a list of them when several items share it
        self._buckets: dict[int, int | list[int]] = {}
        rng = np.random.default_rng(20170615)
        self._row_mults = rng.integers(1, 2**63, size=self.rows, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        self._band_salt = rng.integers(0, 2**63, size=self.bands, dtype=np.uint64)

    def __contains__(self, item_id: str) -> bool:
        return item_id in self.positions

    def _keys(self, values: np.ndarray) -> list[int]:
        values = getattr(values, "hashvalues", values)
        # One int per band, computed for all bands at once: each band's rows are
        # folded with odd multipliers (modulo 2**64) and salted with the band number.
        cut = values[: self.bands * self.rows].reshape(self.bands, self.rows).astype(np.uint64)
        with np.errstate(over="ignore"):
            mixed = (cut * self._row_mults).sum(axis=1, dtype=np.uint64) + self._band_salt
        return mixed.tolist()

    def candidates(self, values: np.ndarray, keys: list[int] | None = None) -> list[tuple[str, float]]:
        """Items sharing a band with ``values``, with their estimated Jaccard similarity."""
        rows: set[int] = set()
        for key in keys if keys is not None else self._keys(values):
            found = self._buckets.get(key)
            if found is None:
                continue
            if isinstance(found, list):
                rows.update(found)
            else:
                rows.add(found)
        if not rows:
            return []
        values = getattr(values, "hashvalues", values)
        order = sorted(rows)
        sims = np.count_nonzero(self._values[order] == values, axis=1) / self.num_perm
        return [(self.ids[row], float(sim)) for row, sim in zip(order, sims)]

    def query(self, values) -> list[str]:
        """Ids of the items sharing a band with ``values`` (a MinHash or its hash values)."""
        return [item_id for item_id, _ in self.candidates(values)]

    def insert(self, item_id: str, values, keys: list[int] | None = None) -> None:
        """Index ``values`` (a MinHash or its hash values) under ``item_id``."""
        values = getattr(values, "hashvalues", values)
        if item_id in self.positions:
            return
        row = len(self.ids)
        if row == len(self._values):
            self._values = np.concatenate([self._values, np.empty_like(self._values)])
        self._values[row] = values
        self.ids.append(item_id)
        self.positions[item_id] = row
        buckets = self._buckets
        for key in keys if keys is not None else self._keys(values):
            found = buckets.get(key)
            if found is None:
                buckets[key] = row
            elif isinstance(found, list):
                found.append(row)
            else:
                buckets[key] = [found, row]


class StoryClusterer:
    """The in-memory index: title keys and an LSH over MinHash signatures.

    Pure computation; :class:`StoryClusters` loads and saves it.
    """

    def __init__(self, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        # The LSH only proposes candidates; every one is checked against the
        # threshold. A lower LSH threshold trades a few more checks for
        # fewer copies missed near the threshold.
        self.lsh = BandIndex(threshold=max(0.1, threshold * 0.8))
        self.clusters: dict[str, str] = {}
        self.titles: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self.clusters)

    def add(self, item_id: str, cluster_id: str, title_key: str | None, mh: MinHash | None,
            keys: list[int] | None = None) -> None:
        """Index an item already assigned to ``cluster_id``."""
        self.clusters[item_id] = cluster_id
        if title_key:
            self.titles.setdefault(title_key, cluster_id)
        if mh is not None:
            self.lsh.insert(item_id, mh.hashvalues, keys)

    def assign(self, item_id: str, title_key: str | None, title: str | None,
               text: str | None) -> Assignment:
        """Find the story of a new item (or start one) and index the item."""
        grams = shingles(title, text)
        mh = signature(grams) if len(grams) >= MIN_SHINGLES else None
        keys = self.lsh._keys(mh.hashvalues) if mh is not None else None
        result = None
        if title_key and title_key in self.titles:
            result = Assignment(self.titles[title_key], "title", None, mh)
        elif mh is not None:
            best, best_sim = None, 0.0
            for candidate, sim in self.lsh.candidates(mh.hashvalues, keys):
                # Ties go to the earlier item, so the answer does not depend on set order.
                if sim > best_sim or (sim == best_sim and best is not None and candidate < best):
                    best, best_sim = candidate, sim
            if best is not None and best_sim >= self.threshold:
                result = Assignment(self.clusters[best], "text", best_sim, mh)
        if result is None:
            result = Assignment(item_id, "new", None, mh)
        self.add(item_id, result.cluster_id, title_key, mh, keys)
        return result


class StoryClusters:
    """A :class:`StoryClusterer` backed by the database, for one run.

    Built lazily on the first new item (a run with nothing new never reads
    the signatures); new signatures are written in batches and on
    :meth:`flush`. Signatures carry no foreign key: an item whose batch was
    never stored leaves a harmless orphan, and an item stored without its
    signature gets one recomputed at the next rebuild.
    """

    FLUSH_EVERY = 200

    def __init__(self, db, now: str, threshold: float = THRESHOLD, window: timedelta = WINDOW) -> None:
        self.db = db
        self.now = now
        self.window = window
        self.clusterer = StoryClusterer(threshold)
        self._pending: list[tuple[str, str, bytes, str]] = []
        self._loaded = False

    def load(self) -> StoryClusterer:
        """Rebuild the index from the items first fetched within the window."""
        if self._loaded:
            return self.clusterer
        since = story_store.shift_ts(self.now, -self.window)
        backfill = []
        rows = story_store.recent_signatures(self.db, since, SIGNATURE_KIND,
                                             _TEMPLATE.hashvalues.nbytes)
        for row in rows:
            if row["minhash"] is not None:
                mh = from_bytes(row["minhash"])
            else:
                grams = shingles(row["title"], row["body"] or row["summary"])
                mh = signature(grams) if len(grams) >= MIN_SHINGLES else None
                if mh is not None:
                    backfill.append((row["id"], SIGNATURE_KIND, to_bytes(mh), self.now))
            self.clusterer.add(row["id"], row["cluster_id"] or row["id"], row["title_key"], mh)
        story_store.save_signatures(self.db, backfill)
        story_store.prune_signatures(self.db, since)
        self._loaded = True
        log.debug("story index: %d items since %s (%d signatures recomputed)",
                  len(self.clusterer), since, len(backfill))
        return self.clusterer

    def assign(self, item_id: str, title_key: str | None, title: str | None,
               text: str | None) -> Assignment:
        """The cluster of a new item; its signature is queued for storage."""
        result = self.load().assign(item_id, title_key, title, text)
        if result.minhash is not None:
            self._pending.append((item_id, SIGNATURE_KIND, to_bytes(result.minhash), self.now))
            if len(self._pending) >= self.FLUSH_EVERY:
                self.flush()
        return result

    def flush(self) -> None:
        """Write the queued signatures."""
        if self._pending:
            story_store.save_signatures(self.db, self._pending)
            self._pending = []


def clusters_for(context) -> StoryClusters:
    """The run's :class:`StoryClusters`, shared by every spider of the run."""
    found = getattr(context, "story_clusters", None)
    if found is None:
        found = StoryClusters(context.db, context.now)
        context.story_clusters = found
    return found
