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
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from itertools import islice

import numpy as np

from ..rules import fold
from ..storage import stories as story_store

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
# Signatures are datasketch 2's MinHash with its "affine32" scheme, computed
# here in numpy: importing datasketch pulls in SciPy, a third of a second at
# every run's start. tests/test_parsing.py checks both agree.
_SCHEME = "affine32"
_DTYPE = np.uint32
#: Identifies how a stored signature was made; others are recomputed.
SIGNATURE_KIND = f"minhash-{_SCHEME}-p{NUM_PERM}-s{_SEED}-w{SHINGLE_WORDS}-crc"


def _permutations(seed: int = _SEED, num_perm: int = NUM_PERM) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutation parameters (odd a, any b) for ``seed``."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=_DTYPE) * _DTYPE(2) + _DTYPE(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=_DTYPE)
    return a, b


_PERM_A, _PERM_B = _permutations()


def _optimal_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """The (bands, rows) that minimise false positives plus false negatives around ``threshold``.

    datasketch's ``_optimal_param`` with equal weights, integrating exactly
    (Gauss-Legendre is exact for these polynomials of degree at most num_perm)
    instead of through SciPy.
    """
    nodes, weights = np.polynomial.legendre.leggauss(num_perm // 2 + 2)

    def integral(f, lo: float, hi: float) -> float:
        s = (hi - lo) / 2 * nodes + (hi + lo) / 2
        return float((hi - lo) / 2 * np.sum(weights * f(s)))

    best, best_error = (0, 0), float("inf")
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            fp = integral(lambda s, r=r, b=b: 1 - (1 - s ** r) ** b, 0.0, threshold)
            fn = integral(lambda s, r=r, b=b: (1 - s ** r) ** b, threshold, 1.0)
            error = fp * 0.5 + fn * 0.5
            if error < best_error:
                best, best_error = (b, r), error
    return best


# Shingles are hashed arithmetically from per-word CRC32s: hashing each
# shingle's bytes with SHA-1 in a Python loop was most of a signature's cost.
_MUL1 = np.uint64(0x9E3779B97F4A7C15)
_MUL2 = np.uint64(0xC2B2AE3D27D4EB4F)
_MUL3 = np.uint64(0x165667B19E3779F9)
_MIX = np.uint64(0xFF51AFD7ED558CCD)
_MASK = np.uint64(0xFFFFFFFF)
_word_hashes: dict[str, int] = {}


def _folded_words(title: str | None, text: str | None) -> list[str]:
    return _WORD.findall(fold(f"{title or ''}\n{text or ''}"))


def _word_hashes_of(words: list[str]) -> list[int]:
    """CRC32 of each word, in order."""
    cache = _word_hashes
    if len(cache) > 500_000:  # a long-running watch must not grow without bound
        cache.clear()
    out = []
    for w in words:
        h = cache.get(w)
        if h is None:
            h = cache[w] = zlib.crc32(w.encode())
        out.append(h)
    return out


def _mix(h: np.ndarray) -> np.ndarray:
    """The hash of each run of three consecutive word hashes in ``h`` (uint64), as uint32."""
    with np.errstate(over="ignore"):  # arithmetic modulo 2**64 is the point
        x = h[:-2] * _MUL1 + h[1:-1] * _MUL2 + h[2:] * _MUL3
        x ^= x >> np.uint64(33)
        x *= _MIX
        x ^= x >> np.uint64(29)
    return (x & _MASK).astype(np.uint32)


def _shingle_hashes(title: str | None, text: str | None) -> np.ndarray:
    """The distinct hashes of the folded word 3-shingles, as uint32, sorted."""
    words = _folded_words(title, text)
    if not words:
        return np.empty(0, dtype=np.uint32)
    if len(words) < SHINGLE_WORDS:
        return np.array([zlib.crc32(" ".join(words).encode())], dtype=np.uint32)
    return np.unique(_mix(np.array(_word_hashes_of(words), dtype=np.uint64)))


def shingles(title: str | None, text: str | None) -> frozenset[int]:
    """Hashes of the folded word 3-shingles of ``title`` and ``text`` (accent- and case-blind)."""
    return frozenset(_shingle_hashes(title, text).tolist())


def signature(grams: Iterable[int]):
    """The datasketch MinHash of a set of shingle hashes (for tuning and tests; the crawl uses
    :func:`fingerprint_of`)."""
    from datasketch import MinHash

    mh = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME, hashfunc=int)
    mh.update_batch(list(grams))
    return mh


def _murmur_finish(hashes: np.ndarray) -> np.ndarray:
    # Signatures are datasketch's affine32 arithmetic: this MurmurHash3 finish
    # of each shingle hash, then one affine permutation per value, modulo 2**32.
    hv = hashes.astype(_DTYPE)
    with np.errstate(over="ignore"):
        hv = hv ^ (hv >> _DTYPE(16))
        hv = hv * _DTYPE(0x85EBCA6B)
        hv = hv ^ (hv >> _DTYPE(13))
        hv = hv * _DTYPE(0xC2B2AE35)
        return hv ^ (hv >> _DTYPE(16))


def to_bytes(mh) -> bytes:
    return mh.hashvalues.tobytes()


def from_bytes(blob: bytes):
    from datasketch import MinHash

    return MinHash(seed=_SEED, hashvalues=np.frombuffer(blob, dtype=_DTYPE), scheme=_SCHEME)


def similarity(a: tuple[str | None, str | None], b: tuple[str | None, str | None]) -> float:
    """Estimated Jaccard similarity of two (title, text) pairs; for tuning and tests."""
    return signature(shingles(*a)).jaccard(signature(shingles(*b)))


def lsh_threshold(threshold: float) -> float:
    """The LSH's own threshold for a clustering threshold.

    The LSH only proposes candidates; every one is checked against the
    threshold. A lower LSH threshold trades a few more checks for fewer
    copies missed near the threshold.
    """
    return max(0.1, threshold * 0.8)


class _Banding:
    """How signatures are cut into LSH bands, and each band folded into one int key."""

    _made: dict[tuple[float, int], _Banding] = {}

    def __init__(self, threshold: float, num_perm: int) -> None:
        self.bands, self.rows = _optimal_bands(threshold, num_perm)
        rng = np.random.default_rng(20170615)
        self.row_mults = rng.integers(1, 2**63, size=self.rows, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        self.band_salt = rng.integers(0, 2**63, size=self.bands, dtype=np.uint64)

    @classmethod
    def of(cls, threshold: float, num_perm: int = NUM_PERM) -> _Banding:
        made = cls._made.get((threshold, num_perm))
        if made is None:
            made = cls._made[(threshold, num_perm)] = cls(threshold, num_perm)
        return made

    def keys(self, values: np.ndarray) -> list[int]:
        """One int key per band of one signature."""
        return self.keys_of_rows(values.reshape(1, -1))[0]

    def keys_of_rows(self, values: np.ndarray) -> list[list[int]]:
        """:meth:`keys` for each row of a 2-D array of signatures."""
        # Each band's rows are folded with odd multipliers (modulo 2**64) and
        # salted with the band number, for all bands and signatures at once.
        cut = values[:, : self.bands * self.rows].reshape(len(values), self.bands, self.rows).astype(np.uint64)
        with np.errstate(over="ignore"):
            mixed = (cut * self.row_mults).sum(axis=2, dtype=np.uint64) + self.band_salt
        return mixed.tolist()


@dataclass(frozen=True)
class Fingerprint:
    """What clustering needs of an item's text: its MinHash values and their LSH band keys.

    Computed from the text alone, so it can be made away from the index (in
    the feed-parsing worker) and handed to :meth:`StoryClusterer.assign`.
    """

    values: bytes
    keys: tuple[int, ...]
    banding: tuple[int, int]  # (bands, rows) the keys were cut with

    def array(self) -> np.ndarray:
        return np.frombuffer(self.values, dtype=_DTYPE)


def fingerprint_of(title: str | None, text: str | None, threshold: float = THRESHOLD) -> Fingerprint | None:
    """The item's :class:`Fingerprint`, or None for a text too short to compare (title only)."""
    return fingerprints_of([(title, text)], threshold)[0]


#: Shingles hashed in one numpy step (a 4 MB temporary): a feed's worth of
#: summaries, or one long article.
_CHUNK = 8192


def fingerprints_of(texts: list[tuple[str | None, str | None]],
                    threshold: float = THRESHOLD) -> list[Fingerprint | None]:
    """:func:`fingerprint_of` for each (title, text) pair, in a few numpy steps for all of them.

    One item at a time, numpy's per-call overhead was most of the cost of a
    summary's fingerprint; here the calls are shared by a whole feed.
    """
    out: list[Fingerprint | None] = [None] * len(texts)
    seqs = [(i, h) for i, h in enumerate(_word_hashes_of(_folded_words(t, x)) for t, x in texts)
            if len(h) >= SHINGLE_WORDS]
    if not seqs:
        return out
    words = np.fromiter((h for _, seq in seqs for h in seq), dtype=np.uint64)
    lengths = np.array([len(seq) for _, seq in seqs])
    ends = np.cumsum(lengths)
    keep = np.ones(len(words) - 2, dtype=bool)  # shingles that do not straddle two items
    for end in ends[:-1].tolist():
        keep[end - 2:end] = False
    grams = _mix(words)[keep]
    counts = lengths - 2
    owner = np.repeat(np.arange(len(seqs), dtype=np.uint64), counts)
    distinct = np.bincount((np.unique((owner << np.uint64(32)) | grams) >> np.uint64(32)).astype(np.intp),
                           minlength=len(seqs))
    enough = distinct >= MIN_SHINGLES
    if not enough.any():
        return out
    grams = grams[np.repeat(enough, counts)]
    counts = counts[enough]
    finished = _murmur_finish(grams)
    values = np.empty((len(counts), NUM_PERM), dtype=_DTYPE)
    starts = np.concatenate([[0], np.cumsum(counts)])
    first = 0
    with np.errstate(over="ignore"):
        while first < len(counts):  # items in chunks of about _CHUNK shingles
            last = int(np.searchsorted(starts, starts[first] + _CHUNK, side="right")) - 1
            last = max(last, first + 1)
            lo, hi = starts[first], starts[last]
            perm = finished[lo:hi].reshape(-1, 1) * _PERM_A + _PERM_B
            values[first:last] = np.minimum.reduceat(perm, starts[first:last] - lo, axis=0)
            first = last
    banding = _Banding.of(lsh_threshold(threshold))
    keys = banding.keys_of_rows(values)
    band_rows = (banding.bands, banding.rows)
    for (i, _), row, row_keys in zip((s for s, ok in zip(seqs, enough.tolist()) if ok), values, keys):
        out[i] = Fingerprint(row.tobytes(), tuple(row_keys), band_rows)
    return out


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

    Pure computation; :class:`StoryClusters` loads and saves it.
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
               text: str | None, fingerprint: Fingerprint | None = _COMPUTE) -> Assignment:
        """Find the story of a new item (or start one) and index the item.

        ``fingerprint``, when already made from the same title and text (None
        for a text too short to compare), saves computing it here.
        """
        fp = fingerprint_of(title, text, self.threshold) if fingerprint is _COMPUTE else fingerprint
        values = keys = None
        if fp is not None:
            values = fp.array()
            keys = fp.keys if fp.banding == (self.lsh.bands, self.lsh.rows) else self.lsh._keys(values)
        result = None
        if title_key and title_key in self.titles:
            result = Assignment(self.titles[title_key], "title", None, fp)
        if values is not None:
            # Ties go to the smallest id, so the answer does not depend on set order.
            found = self.lsh.insert_and_find(item_id, values, keys, find=result is None)
            if found is not None and found[1] >= self.threshold:
                result = Assignment(self.clusters[found[0]], "text", found[1], fp)
        if result is None:
            result = Assignment(item_id, "new", None, fp)
        self._file(item_id, result.cluster_id, title_key)
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

    def __init__(self, db, now: str, threshold: float = THRESHOLD, window: timedelta = WINDOW,
                 save_signatures: bool = True) -> None:
        self.db = db
        self.now = now
        self.window = window
        # False when the caller stores each item's signature with the item (the crawl does).
        self.save_signatures = save_signatures
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
                                             NUM_PERM * np.dtype(_DTYPE).itemsize)
        while part := list(islice(rows, 500)):  # in order: the first item of a title key names its story
            unsigned = [row for row in part if row["minhash"] is None]
            made = dict(zip((row["id"] for row in unsigned),
                            fingerprints_of([(r["title"], r["body"] or r["summary"]) for r in unsigned])))
            for row in part:
                if row["minhash"] is not None:
                    values = np.frombuffer(row["minhash"], dtype=_DTYPE)
                else:
                    fp = made[row["id"]]
                    values = fp.array() if fp is not None else None
                    if fp is not None:
                        backfill.append((row["id"], SIGNATURE_KIND, fp.values, self.now))
                self.clusterer.add(row["id"], row["cluster_id"] or row["id"], row["title_key"], values)
        story_store.save_signatures(self.db, backfill)
        story_store.prune_signatures(self.db, since)
        self._loaded = True
        log.debug("story index: %d items since %s (%d signatures recomputed)",
                  len(self.clusterer), since, len(backfill))
        return self.clusterer

    def assign(self, item_id: str, title_key: str | None, title: str | None,
               text: str | None, fingerprint: Fingerprint | None = _COMPUTE) -> Assignment:
        """The cluster of a new item; its signature is queued for storage."""
        result = self.load().assign(item_id, title_key, title, text, fingerprint)
        if result.fingerprint is not None and self.save_signatures:
            self._pending.append((item_id, SIGNATURE_KIND, result.fingerprint.values, self.now))
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
