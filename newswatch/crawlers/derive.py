"""What an item's own text decides: id, title key, language, story fingerprint, matches.

The pipelines work these out for each new item as it passes. A run with many
feeds works them out in the feed-parsing worker instead, beside feedparser
(see :mod:`newswatch.crawlers.parsing`), so the crawl process is left to
fetch, deduplicate, cluster and store. Either way the same functions here
do the work, so the answers are the same.

An item whose title, text or URL changes after :func:`derive` (an article
page fetched for full text) must have ``derived`` set back to False; the
pipelines then work everything out again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from .. import storage
from ..formats.decoding import repair_text
from ..formats.feeds import ParsedFeed, author_name
from ..formats.items import NewsItem
from ..formats.langs import detect_language, feed_claim_holds, split_lang
from ..formats.urls import clean_url, host_of, unwrap_redirect
from ..rules import fold
from ..stories import clustering

_WORDS = re.compile(r"\w+")
# C0 and C1 control characters and DEL, except tab and newline: ESC starts terminal
# escape sequences (colours, OSC 8 links, clearing the screen), BEL rings, CR overwrites.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

#: Longest title, summary and author stored, in characters: a hostile feed's
#: 50 MB title was once stored and sent as a 150 MB webhook. Longer text is cut
#: and ends with "…". The body is bounded by the page or feed it comes from
#: ([crawl] max_bytes, 5 MB by default) and kept whole: rules match all of it,
#: and page watches compare it with the next fetch.
MAX_TITLE = 1_000
MAX_SUMMARY = 10_000
MAX_AUTHOR = 200
#: A language tag longer than this is no language tag (BCP 47 tags in use are far shorter).
MAX_LANG = 35


def printable(text: str | None) -> str | None:
    """``text`` without control characters other than tab and newline (None stays None)."""
    if not text or text.isprintable():  # control characters are never printable: nothing to drop
        return text
    return _CONTROLS.sub("", text)


def _at_the_door(text: str | None, limit: int | None = None) -> str:
    """Text as it is matched and stored: trimmed, mojibake repaired, control characters
    dropped and, with ``limit``, cut to that many characters ending with "…"."""
    text = (text or "").strip()
    if not text:
        return ""
    over = limit is not None and len(text) > limit
    if over:
        text = text[:2 * limit]  # plenty to repair from; the repair need not see a 50 MB title
    # Mojibake is repaired first: its tell-tale characters include C1 controls.
    text = printable(repair_text(text)).strip()
    if limit is not None and (over or len(text) > limit):
        text = text[:limit - 1].rstrip() + "…"
    return text


_PAGE_SUFFIX = re.compile(r"\.(?:s?html?|php\d?|aspx?|jsp|cfm|cgi)$", re.I)
_SLUG_SPLIT = re.compile(r"[-_+~.,;:!\s]+")
_NO_SLUG = {"index", "default", "amp", "article", "story", "news", "noticia", "noticias"}


def fallback_title(url: str) -> str:
    """A title for an item that has none: the last word-like segment of the URL's path
    (``.../central-america-aid-2017.html`` -> "Central america aid 2017"), else its host.

    Segments that are numbers, ids or generic (``index.html``, ``amp``) are passed over.
    """
    try:
        segments = [s for s in urlsplit(url or "").path.split("/") if s]
    except ValueError:
        segments = []
    for segment in reversed(segments):
        words = [w for w in _SLUG_SPLIT.split(_PAGE_SUFFIX.sub("", unquote(segment))) if w]
        letters = sum(ch.isalpha() for w in words for ch in w)
        if letters >= 3 and " ".join(words).lower() not in _NO_SLUG:
            text = " ".join(words)
            return text[:1].upper() + text[1:]
    try:
        return host_of(url)
    except ValueError:
        return ""


def shown_link(item: NewsItem) -> None:
    """Store the link people see: redirect wrappers undone and tracking parameters dropped
    (:func:`~newswatch.formats.urls.clean_url`); the link as the source gave it stays in ``raw_url``."""
    shown = clean_url(unwrap_redirect(item.url))
    if shown != item.url:
        item.raw_url = item.raw_url or item.url
        item.url = shown


def title_key(title: str) -> str:
    """A title folded to its words: equal keys mean the same story retitled only in case or accents."""
    words = _WORDS.findall(fold(title or ""))
    return " ".join(words) if len(words) >= 4 else ""


def as_items(parsed: ParsedFeed, source: str, lang: str | None, fetched_at: str) -> list[NewsItem]:
    """The feed's entries as items of ``source`` fetched at ``fetched_at``.

    An entry that names no language gets the feed's, else ``lang``, the
    source's configured language.
    """
    for item in parsed.entries:
        item.source, item.fetched_at = source, fetched_at
        item.lang = item.lang or parsed.lang or lang
    return parsed.entries


def normalize(items: list[NewsItem]) -> None:
    """Clean and trim text and link; fill the id, title key and language (one detector call when
    the feed's claim holds).

    This is the door every item passes before it is matched or stored, whatever
    kind of source found it (:func:`_at_the_door`): text mis-decoded before it
    reached us (a CMS, a feed generator) is repaired, control characters go (see
    :func:`printable`), and the title, summary and author are cut to
    :data:`MAX_TITLE`, :data:`MAX_SUMMARY` and :data:`MAX_AUTHOR` characters.
    The link shown is the clean one (:func:`shown_link`), the author a name
    without mail address (:func:`~newswatch.formats.feeds.author_name`); the language keeps
    its primary subtag, the region going to ``lang_region`` ("es-419" -> "es",
    "419"); an item still without a title gets :func:`fallback_title`.
    """
    texts = []
    langs: dict[str | None, tuple[str | None, str | None]] = {}  # split_lang of each tag: a feed has one or two
    for item in items:
        shown_link(item)
        item.title = _at_the_door(item.title, MAX_TITLE) or fallback_title(item.url)
        item.summary = _at_the_door(item.summary, MAX_SUMMARY)
        item.body = _at_the_door(item.body)
        item.author = _at_the_door(item.author, MAX_AUTHOR)
        if "@" in item.author:  # a byline with a mail address, from any source: the name only
            item.author = author_name(item.author)
        if item.lang not in langs:
            langs[item.lang] = split_lang(printable(item.lang)[:MAX_LANG] if item.lang else None)
        lang, region = langs[item.lang]
        item.lang, item.lang_region = lang, region or item.lang_region
        item.id = storage.item_id_for(item.canonical_url)
        item.title_key = title_key(item.title)
        item.normalized = True
        texts.append(" ".join(filter(None, (item.title, item.summary, item.body[:500]))))
    claims = {item.lang for item in items}
    if len(claims) == 1 and feed_claim_holds(texts, claims.pop()):
        return
    for item, text in zip(items, texts):
        claimed = item.lang
        item.lang = detect_language(text, claimed)
        if item.lang != claimed:
            item.lang_region = None  # the region was the claimed language's


def derive(items: list[NewsItem], matcher, stored: Callable[[str, list[str]], set[str]] | None = None) -> None:
    """Everything of :mod:`this module <newswatch.crawlers.derive>` for ``items``, marking them ``derived``.

    ``matcher`` is the run's compiled rules (:func:`newswatch.rules.compile_rules`).
    ``stored(source, ids)``, when given, names those of ``ids`` the database holds as
    items of ``source``: those are only normalized (their story and matches are known;
    a feed that gains an entry brings back every other one). Should one of them turn
    out new after all, the pipelines derive it.
    """
    normalize(items)
    if stored is not None:
        ids: dict[str, list[str]] = {}
        for item in items:
            ids.setdefault(item.source, []).append(item.id)
        known = {(source, i) for source, some in ids.items() for i in stored(source, some)}
        items = [item for item in items if (item.source, item.id) not in known]
    fingerprints = clustering.fingerprints_of([(item.title, item.body or item.summary) for item in items])
    for item, fingerprint in zip(items, fingerprints):
        item.fingerprint = fingerprint
        item.matches = matcher.match(item.text_fields())
        item.derived = True
