"""Language of an item: what the feed claims, checked by a detector."""

from __future__ import annotations

import hashlib
import logging
import lzma
import os
import re
import shutil
import tempfile
import threading
from pathlib import Path

import py3langid

log = logging.getLogger(__name__)

# Below this much text the detector guesses more than it knows.
_MIN_CHARS = 120
_MIN_CHARS_FOR_OVERRIDE = 400
_SAMPLE_CHARS = 600
# A feed's claim is checked on this much of its first entries: on 207 real articles in 20
# languages (fundus' test pages), the first 1,000 characters gave the language the first
# 2,000 gave every time, in 0.5 ms against 0.8 ms.
_CLAIM_SAMPLE_CHARS = 1000


_PRIMARY = re.compile(r"[a-z]{2,3}")
_REGION = re.compile(r"[a-z]{2}|[0-9]{3}")


def split_lang(tag: str | None) -> tuple[str | None, str | None]:
    """A language tag's primary subtag and its region, lower-case.

    ``"es-419"`` -> ``("es", "419")``, ``"en-US"`` -> ``("en", "us")``,
    ``"es_GT"`` -> ``("es", "gt")``, ``"zh-Hant-TW"`` -> ``("zh", "tw")``,
    ``"fr"`` -> ``("fr", None)``. A value that is no BCP 47 tag (``"English"``)
    comes back lower-cased as it is, with no region.
    """
    tag = (tag or "").strip().replace("_", "-").lower()
    if not tag:
        return None, None
    primary, *rest = tag.split("-")
    if not _PRIMARY.fullmatch(primary):
        return tag, None
    region = next((sub for sub in rest if _REGION.fullmatch(sub)), None)
    return primary, region


def detect_language(text: str, claimed: str | None) -> str | None:
    """The item's language code: the claim when the text agrees or is too short to tell.

    A claim that disagrees with a confident detection over enough text is
    replaced (feeds often declare one language for everything they carry).
    """
    text = (text or "").strip()
    # Detect only where the answer could change what the feed claims.
    if len(text) < (_MIN_CHARS_FOR_OVERRIDE if claimed else _MIN_CHARS):
        return claimed
    # The detector's cost grows with the text; a few hundred characters decide.
    detected, _score = py3langid.classify(text[:_SAMPLE_CHARS])
    if not claimed:
        return detected
    if claimed.split("-")[0] == detected:
        return claimed
    return detected if len(text) >= _MIN_CHARS_FOR_OVERRIDE else claimed


def feed_claim_holds(texts: list[str], claimed: str | None) -> bool:
    """Whether a sample of a feed's entries is in the language the feed claims.

    One detection over the first entries checks a feed's claim for all of
    them; only feeds whose claim fails are checked entry by entry.
    """
    if not claimed:
        return False
    sample = " ".join(texts[:10])[:_CLAIM_SAMPLE_CHARS]
    if len(sample) < _MIN_CHARS_FOR_OVERRIDE:
        return True  # too little text to contradict the claim
    detected, _score = py3langid.classify(sample)
    return claimed.split("-")[0] == detected


def model_cache_dir() -> Path:
    """Where the detector's model is kept decompressed: ``$XDG_CACHE_HOME/newswatch``
    (``~/.cache/newswatch`` by default)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "newswatch"


_load_lock = threading.Lock()


def load_model() -> None:
    """Load the detector's model now (it loads on first use otherwise).

    py3langid ships its model xz-compressed and inflates all 68 MB of it
    on every load, about 0.6 s of one core at the start of each run. The
    first load keeps the inflated arrays in :func:`model_cache_dir`; later
    loads map the two large ones from there (0.01 s instead of 0.12 s to
    read them: their pages come from the system's file cache, shared by
    every process and run, and a language check reads few of them). A
    cache that cannot be written or read is passed over: the model then
    loads as py3langid loads it.
    """
    from py3langid import langid

    with _load_lock:
        if langid.IDENTIFIER is None:
            try:
                langid.IDENTIFIER = _identifier_from_cache(Path(langid.MODEL_DIR) / langid.MODEL_FILE)
            except Exception as exc:  # noqa: BLE001 - any failure means: load it the library's way
                log.debug("language model cache not used: %s", exc)
    py3langid.classify("newswatch")


#: The model's arrays, each kept as one .npy file in the cache.
_ARRAYS = ("ptc", "pc", "classes", "nextmove", "out_feat", "nextmove_row")


def _identifier_from_cache(model: Path):
    """A py3langid identifier read from the inflated copy of ``model``, made first if missing."""
    import numpy as np
    from py3langid import langid, modelio

    # Named by the model's content, not its file's date: every install of one
    # py3langid release (a new virtualenv, a reinstall) shares one 68 MB copy.
    digest = hashlib.blake2b(model.read_bytes(), digest_size=12).hexdigest()
    cached = model_cache_dir() / f"langid-{digest}"
    if not cached.is_dir():
        _make_cache(model, cached)
    try:
        ptc, nextmove = (np.load(cached / f"{name}.npy", mmap_mode="r") for name in ("ptc", "nextmove"))
        small = {name: np.load(cached / f"{name}.npy") for name in ("pc", "classes", "out_feat", "nextmove_row")}
        if nextmove.dtype != np.uint32 or ptc.ndim != 2:
            raise ValueError(f"unexpected model arrays in {cached}")
        # A memoryview of the mapped transition table indexes as fast as py3langid's array copy of it.
        return langid.LanguageIdentifier(ptc, small["pc"], small["classes"].tolist(), memoryview(nextmove),
                                         small["out_feat"].tolist(), tk_row=modelio._to_array(small["nextmove_row"]))
    except Exception:
        shutil.rmtree(cached, ignore_errors=True)  # damaged: the next run makes it again
        raise


def _make_cache(model: Path, cached: Path) -> None:
    """Inflate ``model`` into the directory ``cached``, one .npy file per array, whole or not at all
    (even with two runs at once); any other release's copy (or an older layout) goes."""
    import numpy as np

    cached.parent.mkdir(parents=True, exist_ok=True)
    for stale in cached.parent.glob("langid-*"):
        if stale == cached:  # another run has just made it
            continue
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)
    work = Path(tempfile.mkdtemp(dir=cached.parent, prefix=".langid-"))
    try:
        inflated = work / "model.npz"  # a file: numpy seeks in the archive, and an xz stream seeks slowly
        with lzma.open(model) as src, inflated.open("wb") as out:
            shutil.copyfileobj(src, out, length=1 << 20)
        with np.load(inflated, allow_pickle=False) as data:
            for name in _ARRAYS:
                np.save(work / f"{name}.npy", data[name], allow_pickle=False)
        inflated.unlink()
        try:
            work.rename(cached)
        except OSError:
            if not cached.is_dir():  # else another run made it meanwhile
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
