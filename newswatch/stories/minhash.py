"""MinHash signatures of an item's text, and the LSH band keys they are filed under.

Pure computation (numpy, no I/O): :mod:`.clustering` decides stories with
them, and the crawl makes them away from the index (in the feed-parsing
workers). How they were chosen and what they cost: docs/alerts.md, "Stories,
not URLs".
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain

import numpy as np

from ..rules import fold

__all__ = [
    "MIN_SHINGLES",
    "NUM_PERM",
    "SIGNATURE_KIND",
    "THRESHOLD",
    "Fingerprint",
    "fingerprint_of",
    "fingerprints_of",
    "from_bytes",
    "lsh_threshold",
    "shingles",
    "signature",
    "similarity",
    "to_bytes",
]

#: Minimum estimated Jaccard similarity of two items' shingles to call them one story.
THRESHOLD = 0.5
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
    try:  # most words were seen before: the lookups run in C, not a Python loop per word
        return list(map(cache.__getitem__, words))
    except KeyError:
        for w in set(words).difference(cache):
            cache[w] = zlib.crc32(w.encode())
        return list(map(cache.__getitem__, words))


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
    lengths = np.array([len(seq) for _, seq in seqs])
    words = np.fromiter(chain.from_iterable(seq for _, seq in seqs), dtype=np.uint64, count=int(lengths.sum()))
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

