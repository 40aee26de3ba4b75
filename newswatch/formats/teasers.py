"""Whether a feed entry's text is the article or a teaser that points at it.

Many feeds give only the first lines of a story, sometimes in
``content:encoded``, ending in "Read more" or "[…]"; the rest is on the page.
:func:`is_teaser` decides from the text alone, before any fetch;
:func:`page_is_fuller` decides, once the page is read, whose text to keep.
The figures behind the thresholds are in docs/sources.md.
"""

from __future__ import annotations

import re

#: Shorter than this (in characters, the "read more" words removed), the text is a
#: teaser whatever it ends with: about 100 words, shorter than almost any news story
#: and longer than a 55-word WordPress excerpt, a standfirst or a Google Alerts snippet.
#: Erring this way costs one page fetch; the other way loses the article's text.
SHORT = 600

#: From this length on the text is the article, whatever it ends with: full
#: posts often end in a "Read more" link to something else or a "[…]" quote.
LONG = 3000

#: A page whose text is this many times the feed's is the fuller text even
#: when it does not start the way the feed's does (a standfirst, not the lead).
RATIO = 2.0

_MORE = "|".join((
    # English
    r"read (?:the )?more", r"read (?:the )?(?:full|whole|entire|complete|rest of the) "
    r"(?:story|article|post|piece|report|text)", r"read (?:the )?rest", r"continue reading(?: [^.]{0,80})?",
    r"keep reading", r"full (?:story|article)", r"[\[(]more[\])]", r"more ?(?:»|>>|→|\.\.\.|…)",
    # Spanish
    r"leer m[aá]s", r"lee m[aá]s", r"ver m[aá]s", r"seguir leyendo", r"sigue leyendo",
    r"contin[uú]a(?:r)? leyendo", r"lee (?:la|el) (?:nota|noticia|art[ií]culo|historia)(?: completa| completo)?",
    r"leer (?:la |el )?(?:nota|noticia|art[ií]culo)(?: completa| completo)?",
    # Portuguese
    r"leia mais", r"continue lendo", r"saiba mais",
))
# A "read more" ending: the words, perhaps in brackets, then arrows, dots or a colon.
_MORE_END = re.compile(rf"[\s\[(«<-]*(?<!\w)(?:{_MORE})[\s\]).:…»>→-]*$", re.I)
# Text cut short: "[...]", "[…]", "(...)", "…" or "..." at the very end, or NewsAPI's "[+1234 chars]".
_CUT_END = re.compile(r"(?:[\[(]\s*(?:\.{3}|…|&hellip;|&#8230;)\s*[\])]|…|\.{3}|\[\+\d+ chars\])\s*$")
#: Endings are looked for in this many last characters only, whatever the text's size.
TAIL = 1000

_POST = re.compile(r"\bthe post ", re.I)
_FIRST = re.compile(r" appeared first on ", re.I)
_WORD = re.compile(r"\w+")


def teaser_core(text: str) -> tuple[str, bool]:
    """``text`` without its trailing footer and "read more" words, and whether it had such an ending."""
    text = (text or "").strip()
    head, tail = text[:-TAIL], _without_footer(text[-TAIL:])
    cut = False
    for _ in range(3):  # "Lead […] Read more »" has two endings
        core = _CUT_END.sub("", _MORE_END.sub("", tail)).rstrip()
        if core == tail:
            break
        cut, tail = True, core
    return head + tail, cut


def _without_footer(tail: str) -> str:
    """``tail`` without WordPress's "The post X appeared first on Y." line.

    Yoast adds it to excerpts and to full posts alike: it says nothing by
    itself, so it is removed and what it follows is judged.
    """
    starts = [m.start() for m in _POST.finditer(tail)]
    site = _FIRST.search(tail, starts[-1]) if starts else None
    if site is None or len(tail) - site.end() > 200:
        return tail
    return tail[:starts[-1]].rstrip()


def is_teaser(text: str) -> bool:
    """Whether a feed entry's ``text`` (its longest: content or summary) is a teaser, not the article.

    No text, text under :data:`SHORT` characters, or under :data:`LONG` and
    ending in "Read more", "Leer más", "[…]", "…" and the like. Used to decide
    whether the entry's page is worth fetching.
    """
    core, cut = teaser_core(text)
    return len(core) < SHORT or (cut and len(core) < LONG)


def _words(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def page_is_fuller(feed_text: str, page_text: str) -> bool:
    """Whether the page's extracted text should replace the feed's as the item's body.

    The page wins when it is longer than the feed's text (its "read more" words
    removed) and starts the way the feed's does (its first words are on the
    page), or when it is :data:`RATIO` times longer at least. A page that yields
    less than the feed, or something else of about its length, leaves the feed's.
    """
    if not page_text:
        return False
    core, _ = teaser_core(feed_text)
    if not core:
        return True
    if len(page_text) <= len(core):
        return False
    if len(page_text) >= RATIO * len(core):
        return True
    start = " ".join(_words(core).split()[:12])
    return bool(start) and start in _words(page_text)
