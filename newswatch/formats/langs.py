"""Language of an item: what the feed claims, checked by a detector."""

from __future__ import annotations

import re

import py3langid

# Below this much text the detector guesses more than it knows.
_MIN_CHARS = 120
_MIN_CHARS_FOR_OVERRIDE = 400
_SAMPLE_CHARS = 600


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
    sample = " ".join(texts[:10])[:2000]
    if len(sample) < _MIN_CHARS_FOR_OVERRIDE:
        return True  # too little text to contradict the claim
    detected, _score = py3langid.classify(sample)
    return claimed.split("-")[0] == detected


def load_model() -> None:
    """Load the detector's model now (it loads on first use otherwise, taking about half a second)."""
    py3langid.classify("newswatch")
