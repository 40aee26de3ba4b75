"""Language of an item: what the feed claims, checked by a detector."""

from __future__ import annotations

import py3langid

# Below this much text the detector guesses more than it knows.
_MIN_CHARS = 120
_MIN_CHARS_FOR_OVERRIDE = 400


def detect_language(text: str, claimed: str | None) -> str | None:
    """The item's language code: the claim when the text agrees or is too short to tell.

    A claim that disagrees with a confident detection over enough text is
    replaced (feeds often declare one language for everything they carry).
    """
    text = (text or "").strip()
    if len(text) < _MIN_CHARS:
        return claimed
    detected, _score = py3langid.classify(text[:4000])
    if not claimed:
        return detected
    if claimed.split("-")[0] == detected:
        return claimed
    return detected if len(text) >= _MIN_CHARS_FOR_OVERRIDE else claimed
