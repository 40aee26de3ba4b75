"""Feed documents to items: RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed by hand.

feedparser does not read JSON Feed, so :func:`parse_feed` recognises it by
content type or by its leading ``{`` and maps it onto the same entry shape.
"""

from __future__ import annotations

import calendar
import html
import json
import re
import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import feedparser.api

from .. import schedule
from .decoding import choose_encoding
from .htmltext import html_to_paragraphs, html_to_text, text_paragraphs
from .items import NewsItem
from .links import html_links
from .urls import canonical_url, plain_http_url, shown_url, unwrap_redirect, url_problem

# feedparser prefers libxml2's SAX driver where its Python bindings happen to be installed, so
# one feed could read differently from machine to machine; the driver is outdated and its
# maintainers advise against it (kurtmckee/feedparser#506). Python's expat parser everywhere,
# which also spares a failed import of the driver on every parse (40 us of a small feed's 140).
feedparser.api.PREFERRED_XML_PARSERS = []

_WS_RE = re.compile(r"\s+")
# The guids a feed marks isPermaLink="false": feedparser does not say which guid was
# marked once the entry has a <link>, and such a guid is an id, never the item's URL.
_NOT_PERMALINK_RE = re.compile(rb"<guid\b[^>]*\bispermalink\s*=\s*[\"']\s*false\s*[\"'][^>]*>(.*?)</guid\s*>",
                               re.S | re.I)
#: Most enclosure URLs kept per item (a gallery feed may list hundreds of images).
MAX_ENCLOSURES = 20
# Where an entry names its article behind a feed proxy (feeds.feedburner.com/~r/...).
_ORIG_LINK_KEYS = ("feedburner_origlink", "pheedo_origlink")
_PROXY_HOSTS = ("feeds.feedburner.com", "feedproxy.google.com", "feeds.pheedo.com")
_HTTP_START = re.compile(r"https?://")
_EMAIL_RE = re.compile(r"(?:mailto:)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


class FeedError(Exception):
    """A document that is not a feed we can read; the message says why."""


@dataclass
class ParsedFeed:
    """What a feed document says: its entries as items (no source yet), its title and language."""

    entries: list[NewsItem] = field(default_factory=list)
    title: str = ""
    lang: str | None = None
    warning: str | None = None  # feedparser's "bozo" reason, when it still recovered entries
    skipped: int = 0  # entries without an http(s) link: nothing to point the reader at
    # Entries whose http(s) link is broken (a port out of range, a bad IPv6 host):
    # skipped and counted, the first few kept as "link (why)" for the warning.
    bad_links: int = 0
    bad_examples: list[str] = field(default_factory=list)

    @property
    def skipped_why(self) -> str | None:
        """The entries left out, counted by reason ("2 no http(s) link, 1 bad link"), or None."""
        why = []
        if self.skipped:
            why.append(f"{self.skipped} no http(s) link")
        if self.bad_links:
            why.append(f"{self.bad_links} bad link" + ("s" if self.bad_links > 1 else ""))
        return ", ".join(why) or None

    def bad_link(self, link: str, problem: str) -> None:
        self.bad_links += 1
        if len(self.bad_examples) < 3:
            self.bad_examples.append(f"{shown_url(link)} ({problem})")


_YEAR_2100 = 4_102_444_800  # 2100-01-01T00:00:00Z in seconds since the epoch


def iso_utc(value: Any) -> str | None:
    """A time.struct_time (UTC, from feedparser) or an ISO string -> 'YYYY-MM-DDTHH:MM:SSZ'."""
    if value is None:
        return None
    try:
        if isinstance(value, str):
            dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if dt.tzinfo is None:
                dt = dt.replace(tzinfo=UTC)
        else:
            seconds = calendar.timegm(value)
            if type(seconds) is int and 0 <= seconds < _YEAR_2100:  # not a float: fromtimestamp rounds those
                # What schedule.iso gives for these seconds, at half the cost (the years need no padding).
                return "%04d-%02d-%02dT%02d:%02d:%02dZ" % time.gmtime(seconds)[:6]
            dt = datetime.fromtimestamp(seconds, tz=UTC)
        return schedule.iso(dt)
    except (ValueError, TypeError, OverflowError, OSError):
        return None


# Dates outside these bounds are publisher bugs (an unset date printed as the
# epoch, a wrong year): kept, they would sort first or last forever, so the
# item counts as undated and its first-seen time stands in.
EARLIEST_PLAUSIBLE = "1990-01-01T00:00:00Z"
FUTURE_SLACK = timedelta(days=1)
#: A gzipped body served without Content-Encoding is inflated up to this size
#: (the default of [crawl] max_bytes), unless the caller passes another (the crawl
#: passes [crawl] max_bytes).
MAX_INFLATED = 5 * 1024 * 1024


def plausible_date(iso: str | None, now: datetime | None = None, latest: str | None = None) -> str | None:
    """``iso`` when it lies between 1990 and a day from now, else None.

    ``latest``: that bound already worked out (:func:`_latest_plausible`), for
    many dates at once.
    """
    if not iso:
        return None
    return iso if EARLIEST_PLAUSIBLE <= iso <= (latest or _latest_plausible(now)) else None


def _latest_plausible(now: datetime | None = None) -> str:
    """The latest date :func:`plausible_date` keeps: a day from ``now``."""
    return schedule.iso((now or datetime.now(UTC)) + FUTURE_SLACK)


def size_text(n: int) -> str:
    """``n`` bytes as the message of a size limit says it: "5 MB", "1.5 MB", "300000 bytes"."""
    return f"{n / (1024 * 1024):g} MB" if n >= 1024 * 1024 else f"{n} bytes"


def _gunzip(body: bytes, limit: int = MAX_INFLATED) -> bytes:
    """A body that starts with gzip's magic number, inflated (a .xml.gz served as a plain file).

    HTTP's own ``Content-Encoding`` is inflated by Scrapy within [crawl]
    max_bytes; this path must keep to the same limit, or a 2 MB download
    becomes a 50 MB document (and a gigabyte of parsed entries).
    """
    d = zlib.decompressobj(wbits=31)
    try:
        out = d.decompress(body, limit + 1)
    except zlib.error as exc:
        raise FeedError(f"not a readable RSS/Atom/JSON feed: a gzip body that cannot be inflated ({exc})") from exc
    if len(out) > limit:
        raise FeedError(f"gzipped body (no Content-Encoding) inflates past {size_text(limit)} "
                        "([crawl] max_bytes); not read")
    return out


def _looks_like_html(body: bytes) -> bool:
    head = body[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or (b"<html" in head and b"<rss" not in head
                                                               and b"<feed" not in head and b"<rdf" not in head)


def parse_feed(body: bytes, url: str, content_type: str | None = None,
               max_bytes: int | None = None) -> ParsedFeed:
    """Parse a feed document fetched from ``url``.

    Raises :class:`FeedError` when the document holds no feed at all; a feed
    that is malformed but still yields entries parses with a ``warning``.
    A gzipped body is inflated up to ``max_bytes`` ([crawl] max_bytes).
    """
    if body[:2] == b"\x1f\x8b":
        body = _gunzip(body, max_bytes or MAX_INFLATED)
    if not body.strip():
        raise FeedError("not a readable RSS/Atom/JSON feed: the response body is empty")
    head = body.lstrip()[:1]
    if (content_type and "json" in content_type.lower()) or head == b"{":
        return _parse_json_feed(body, url)
    headers = {"content-type": _with_charset(content_type, choose_encoding(body, content_type))}
    # Links are joined to the feed URL below; resolving relative URIs inside
    # HTML content or sanitising it is wasted work, as .htmltext reduces content
    # to plain text (dropping scripts and styles as the sanitizer would).
    parsed = feedparser.parse(body, response_headers=headers, sanitize_html=False,
                              resolve_relative_uris=False)
    feed = parsed.get("feed", {})
    # A recognised feed with no entries and a small flaw (an HTML entity XML
    # does not know, like &nbsp;) is an empty feed, not a broken one.
    recognised = parsed.get("version") and (feed.get("title") or feed.get("link"))
    if not parsed.entries and (parsed.bozo or not parsed.get("version")) and not recognised:
        if _looks_like_html(body):
            raise FeedError("not a readable RSS/Atom/JSON feed: this is an HTML page; its feed, if any, is "
                            "named in a <link rel=\"alternate\"> (`newswatch sources add URL` finds it)")
        reason = parsed.get("bozo_exception") if parsed.bozo else None
        raise FeedError("not a readable RSS/Atom/JSON feed: " + (str(reason) if reason else _no_feed_root(body)))
    out = ParsedFeed(title=html_to_text(feed.get("title")), lang=_lang(feed.get("language")))
    if parsed.bozo:
        out.warning = str(parsed.get("bozo_exception"))[:300]
    not_permalinks = _not_permalink_guids(body)
    # dict.get, not FeedParserDict.get: that one looks every key up among feedparser's
    # aliases and special keys first (a sixth of this loop's time). The keys read
    # here are canonical ones, which it returns as stored. Of its special keys,
    # 'enclosures' is read through it still; 'updated_parsed' falls back to
    # 'published_parsed', which is only read here when it is empty anyway.
    get = dict.get
    latest = _latest_plausible()  # plausible_date's bound, once for the feed's entries
    for e in parsed.entries:
        link = get(e, "link") or ""
        if not link:
            for ln in get(e, "links", []) or []:
                if get(ln, "href"):
                    link = ln["href"]
                    break
        guid = get(e, "id") or None
        permalink = guid if guid and _HTTP_START.match(guid) and guid.strip() not in not_permalinks else None
        orig = next((v for k in _ORIG_LINK_KEYS if isinstance(v := get(e, k), str) and v.strip()), "")
        if orig and _web_link(orig, url)[0]:  # the article behind a FeedBurner/Pheedo proxy link
            link, raw = orig, _web_link(link, url)[0] or orig
        else:
            raw = None
        resolved = _entry_link(out, link, permalink, url)
        if resolved is None:
            continue
        raw, resolved = raw or resolved, unwrap_redirect(resolved)
        published = plausible_date(iso_utc(get(e, "published_parsed") or get(e, "updated_parsed")), latest=latest)
        body_html = ""
        content = get(e, "content")
        if content:
            body_html = max((get(c, "value") or "" for c in content), key=len)
        summary_html = get(e, "summary")
        summary = html_to_text(summary_html)
        body_text = html_to_paragraphs(body_html)
        if body_text and " ".join(body_text.split()) == summary:
            body_text = ""
        language = get(e, "language")
        out.entries.append(
            NewsItem(
                url=resolved,
                raw_url=raw if raw != resolved else "",
                canonical_url=canonical_url(resolved),
                title=html_to_text(get(e, "title")),
                summary=summary,
                body=body_text,
                author=_entry_author(e),
                published=published,
                published_from="feed" if published else None,
                guid=guid,
                lang=_lang(language) if language else None,
                enclosures=_enclosures(_entry_enclosure_urls(e), url),
                links=html_links((summary_html or "") + body_html, resolved),
            )
        )
    return _note_skipped(out)


def _not_permalink_guids(body: bytes) -> set[str]:
    """The values of the document's ``<guid isPermaLink="false">`` elements."""
    if b"guid" not in body and b"GUID" not in body:
        return set()
    found = set()
    for m in _NOT_PERMALINK_RE.finditer(body):
        value = re.sub(rb"^\s*<!\[CDATA\[|\]\]>\s*$", b"", m.group(1).strip())
        found.add(html.unescape(value.decode("utf-8", "replace")).strip())
    return found


def author_name(text: str | None) -> str:
    """A byline without mail addresses: the name where the feed gives one.

    ``"John Doe (john.doe@example.com)"`` and ``"john.doe@example.com (John
    Doe)"`` -> ``"John Doe"``; ``"Jane Roe <jane@example.com>"`` -> ``"Jane
    Roe"``. A bare address (``"newsroom@example.com"``) gives ``""``: it names
    a mailbox, not a person, and is no name for an analyst to cite.
    """
    text = html_to_text(text)
    if "@" not in text:
        return text
    text = _EMAIL_RE.sub(" ", text)
    text = re.sub(r"\(\s*\)|<\s*>|\[\s*\]", " ", text)
    text = _WS_RE.sub(" ", text).strip(" ,;:-/|")
    if text.startswith("(") and text.endswith(")") and "(" not in text[1:-1]:
        text = text[1:-1]
    return text.strip(" ,;:-/|")


def _entry_author(e: Any) -> str:
    """The entry's authors' names, joined with ", ": feedparser's parsed names (author_detail,
    or each of several Atom authors) first, else its author text without mail addresses."""
    names = []
    get = dict.get  # canonical keys: see parse_feed
    for detail in get(e, "authors") or [get(e, "author_detail") or {}]:
        name = author_name(get(detail, "name")) if isinstance(detail, dict) else ""
        if name and name not in names:
            names.append(name)
    return ", ".join(names) if names else author_name(get(e, "author"))


def _entry_enclosure_urls(e: Any) -> list[str]:
    """What an entry attaches: FeedBurner's original enclosure, RSS <enclosure> and Atom
    rel="enclosure" (feedparser's ``enclosures``), Media RSS <media:content>."""
    get = dict.get  # canonical keys: see parse_feed
    orig = get(e, "feedburner_origenclosurelink")
    urls = [orig] if isinstance(orig, str) else []
    # 'enclosures' is made by FeedParserDict from the entry's links of rel="enclosure"
    # (none when one link has no rel): asked only when there may be one.
    links = get(e, "links")
    if links and any(isinstance(ln, dict) and get(ln, "rel") == "enclosure" for ln in links):
        for enc in e.get("enclosures") or []:
            href = enc.get("href") if isinstance(enc, dict) else None
            if href and not (orig and (_safe_host(href) in _PROXY_HOSTS)):
                urls.append(href)
    for media in get(e, "media_content") or []:
        if isinstance(media, dict) and media.get("url"):
            urls.append(media["url"])
    return urls


def _safe_host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _enclosures(urls: list[Any], base: str) -> list[str]:
    """``urls`` resolved against ``base``: http(s) only, each once, at most :data:`MAX_ENCLOSURES`."""
    out: list[str] = []
    for href in urls:
        if not isinstance(href, str):
            continue
        resolved, _problem = _web_link(href, base)
        if resolved and resolved not in out:
            out.append(resolved)
            if len(out) >= MAX_ENCLOSURES:
                break
    return out


def _with_charset(content_type: str | None, encoding: str) -> str:
    """``content_type`` naming ``encoding`` as its charset, for feedparser.

    feedparser ranks the header's charset first (RFC 3023) and believes it;
    :func:`~newswatch.formats.decoding.choose_encoding` has already weighed the
    header, the BOM and the XML declaration against the bytes themselves.
    """
    mime = (content_type or "").split(";", 1)[0].strip() or "application/xml"
    return f"{mime}; charset={encoding}"


_ROOT_RE = re.compile(rb"<([A-Za-z_][\w.:-]*)")


def _no_feed_root(body: bytes) -> str:
    """Why a well-formed document is not a feed: the root element it has instead."""
    text = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", b"", body[:4096], flags=re.S)
    m = _ROOT_RE.search(text)
    root = m.group(1).decode("ascii", "replace") if m else None
    if root and root.lower() == "opml":
        return "an OPML list of feeds, not a feed (add its feeds with `newswatch sources import`)"
    found = f"the document's root element is <{root}>" if root else "no XML element found"
    return f"no <rss>, <feed> or <rdf:RDF> root element: {found}"


def _web_link(link: str, base: str) -> tuple[str | None, str | None]:
    """``link`` resolved against ``base`` when that is an http(s) URL (not javascript:, mailto:,
    data: ...), else None; and why an http(s) link cannot be used (see :func:`url_problem`)."""
    if not link:
        return None, None
    link = link.strip()
    if plain_http_url(link):  # what urljoin would give back, and url_problem accept
        try:
            urlsplit(base)  # urljoin reads the base first, and stops there when it cannot
        except ValueError as exc:
            return None, str(exc) or "unreadable URL"
        return link, None
    try:
        resolved = urljoin(base, link)
    except ValueError as exc:  # "http://[x/": urljoin cannot even split it
        return None, str(exc) or "unreadable URL"
    if not resolved[:8].lower().startswith(("http://", "https://")):
        return None, None
    problem = url_problem(resolved)
    return (None, problem) if problem else (resolved, None)


def _entry_link(out: ParsedFeed, link: str, fallback: str | None, base: str) -> str | None:
    """The entry's web address: its ``link``, else ``fallback`` (an http GUID or id); None when
    neither will do, counted on ``out`` as an entry without a link or with a bad one."""
    resolved, problem = _web_link(link, base)
    if resolved is None and fallback:
        resolved, fallback_problem = _web_link(fallback, base)
        problem = problem or fallback_problem
    if resolved is None:
        if problem:  # skipped and counted; the feed's other entries are read as usual
            out.bad_link(link or fallback or "", problem)
        else:
            out.skipped += 1  # an entry with nowhere to point the reader at cannot be an alert
    return resolved


def _note_skipped(out: ParsedFeed) -> ParsedFeed:
    skipped = out.skipped + out.bad_links
    if skipped:
        total = skipped + len(out.entries)
        why = []
        if out.skipped:
            why.append(f"{out.skipped} with no http(s) link" if out.bad_links else "no http(s) link")
        if out.bad_links:
            what = "bad link" if out.bad_links == 1 else f"{out.bad_links} bad links, like"
            why.append(f"{what} {out.bad_examples[0]}")
        note = f"{skipped} of {total} entries skipped: {', '.join(why)}"
        out.warning = f"{note}; {out.warning}" if out.warning else note
    return out


def _lang(value: Any) -> str | None:
    if not value or not isinstance(value, str):
        return None
    return value.strip().replace("_", "-").lower() or None


def _parse_json_feed(body: bytes, url: str) -> ParsedFeed:
    try:
        doc = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise FeedError(f"not a readable JSON Feed: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        raise FeedError("not a JSON Feed: no top-level \"items\" list (see https://jsonfeed.org/version/1.1)")
    out = ParsedFeed(title=str(doc.get("title") or ""), lang=_lang(doc.get("language")))
    feed_authors = doc.get("authors") or ([doc["author"]] if isinstance(doc.get("author"), dict) else [])
    for it in doc["items"]:
        if not isinstance(it, dict):
            out.skipped += 1  # not an item at all: nothing to link to
            continue
        item_id = it.get("id") if isinstance(it.get("id"), str) and it["id"].startswith("http") else None
        resolved = _entry_link(out, str(it.get("url") or it.get("external_url") or ""), item_id, url)
        if resolved is None:
            continue
        raw, resolved = resolved, unwrap_redirect(resolved)
        authors = it.get("authors") or ([it["author"]] if isinstance(it.get("author"), dict) else feed_authors)
        names = [author_name(str(a["name"])) for a in authors if isinstance(a, dict) and a.get("name")]
        author = ", ".join(dict.fromkeys(n for n in names if n))
        published = plausible_date(iso_utc(it.get("date_published") or it.get("date_modified")))
        attachments = it.get("attachments")
        attachments = attachments if isinstance(attachments, list) else []
        body_text = html_to_paragraphs(it.get("content_html")) or text_paragraphs(it.get("content_text"))
        summary = html_to_text(it.get("summary") or "")
        out.entries.append(
            NewsItem(
                url=resolved,
                raw_url=raw if raw != resolved else "",
                canonical_url=canonical_url(resolved),
                title=html_to_text(str(it.get("title") or "")),
                summary=summary,
                body=body_text if " ".join(body_text.split()) != summary else "",
                author=author,
                published=published,
                published_from="feed" if published else None,
                guid=str(it["id"]) if it.get("id") is not None else None,
                lang=_lang(it.get("language")),
                enclosures=_enclosures([a.get("url") for a in attachments if isinstance(a, dict)], url),
                links=html_links(str(it.get("content_html") or ""), resolved),
            )
        )
    return _note_skipped(out)
