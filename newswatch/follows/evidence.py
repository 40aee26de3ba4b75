"""Whether an item follows the seed story, and why (the three reasons).

An item follows the story when (a) it ``links`` to the seed under any of
its addresses, (b) it ``quotes`` one of the seed's sentences, or (c) one of
its paragraphs ``names`` at least :data:`MIN_NAMES` of the seed's
distinctive names and figures, at least one a person. A caller passes the
item's outgoing links (a run: the stored ``items.links``) as ``links``;
addresses written in the item's text (with or without
``https://``) are read from it too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .aliases import alias_key, urls_in_text
from .folding import paragraphs
from .names import Name, named_in
from .profile import SeedProfile
from .quotes import quoted

MIN_NAMES = 3
_SHOWN_QUOTE = 60
_LINE = 80


@dataclass(frozen=True)
class Reason:
    """Why an item follows: ``kind`` is ``links``, ``quotes`` or ``names``;
    ``text`` is what a match shows (``quotes "…"``, ``names Ortiz, ...``)."""

    kind: str
    text: str
    evidence: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.text


def _field(item: Any, name: str) -> str:
    value = item.get(name) if isinstance(item, Mapping) else getattr(item, name, "")
    return value or ""


def follows(seed: SeedProfile, item: Any, links: Iterable[str] = ()) -> Reason | None:
    """The :class:`Reason` ``item`` follows ``seed`` for, or None when it does not.

    ``item`` is a stored item or :class:`newswatch.formats.NewsItem` (its
    ``url``, ``title``, ``summary`` and ``body``); ``links`` are the
    outgoing links of its page, when known. The seed itself follows nothing.
    """
    if alias_key(_field(item, "url")) in seed.keys:
        return None
    parts = [_field(item, k) for k in ("title", "summary", "body")]
    text = "\n\n".join(p for p in parts if p)
    for link in [*links, *urls_in_text(text)]:
        if alias_key(link) in seed.keys:
            return Reason("links", "links", (link,))
    lowered = text.lower()
    for key in seed.keys:
        # An address written without its scheme ("insightcrime.org/news/...").
        if "/" in key.rstrip("/") and key.lower() in lowered:
            return Reason("links", "links", (key,))
    if sentence := quoted(list(seed.sentences), text):
        shown = sentence if len(sentence) <= _SHOWN_QUOTE else sentence[:_SHOWN_QUOTE - 1].rstrip() + "…"
        return Reason("quotes", f'quotes "{shown}"', (sentence,))
    best: list[Name] = []
    for paragraph in paragraphs(text):
        hits = named_in(list(seed.names), paragraph)
        if len(hits) >= MIN_NAMES and any(n.kind == "person" for n in hits) and len(hits) > len(best):
            best = hits
    if best:
        return Reason("names", _names_text(best), tuple(n.text for n in best))
    return None


def _names_text(names: list[Name]) -> str:
    """``names A, B, C``, cut with ``…`` to fit one 80-column line."""
    text = "names " + ", ".join(n.short for n in names)
    if len(text) <= _LINE:
        return text
    return text[:_LINE - 1].rsplit(",", 1)[0] + ", …"
