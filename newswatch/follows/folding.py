"""Text folded for comparison: accents dropped (``Óscar`` = ``Oscar``), case kept
or lowered, so a name or a quote matches however an outlet typed it."""

from __future__ import annotations

import re
import unicodedata

from ..rules.folding import fold

_WORD = re.compile(r"\w+(?:['’]\w+)?")


def strip_accents(text: str) -> str:
    """``text`` without combining marks (ñ becomes n, as people type it)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The folded words of ``text`` (the rule matcher's folding: accents dropped, case
    folded), punctuation dropped."""
    return [w.replace("’", "'") for w in _WORD.findall(fold(text or ""))]


def paragraphs(text: str) -> list[str]:
    """``text`` cut at blank lines (how bodies are stored), empty pieces dropped."""
    return [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
