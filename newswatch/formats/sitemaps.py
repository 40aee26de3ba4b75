"""Sitemaps to entries: urlsets with Google News ``<news:news>``, indexes, .gz, text lists, robots.txt.

Scrapy's own ``Sitemap`` class keeps only the direct children of ``<url>``, so
a news sitemap's title and publication date (nested in ``<news:news>``) are
lost; this parser keeps them. It is lenient as sitemaps in the wild require:
a BOM, a wrong namespace, a stray comment or an unclosed tag still yield
what can be read, and anything that is not a sitemap at all (or malformed
XML of which no entry can be read) raises :class:`SitemapError` with the
reason. External entities are never resolved.

Entries that are left out are counted by reason in ``ParsedSitemap.skips``,
so a fetch can record its gaps; among them the last entry of a body cut off
mid-document, whose URL may be cut too ("http://host/page_").
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from lxml import etree

from ..schedule import iso
from .decoding import decode_page
from .feeds import size_text
from .items import NewsItem
from .urls import canonical_url, shown_url, url_problem

#: A gzipped sitemap stops here when inflated (the default of [crawl] max_bytes; the
#: crawl passes [crawl] max_bytes). sitemaps.org allows 50 MB, but a body served
#: plainly or with Content-Encoding is held to max_bytes too, and news sitemaps are small.
MAX_UNCOMPRESSED = 5 * 1024 * 1024

_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_SITEMAP_KEY = re.compile(r"site-?map", re.IGNORECASE)


#: Why entries are skipped, as ``skips_text`` words them after a count.
SKIP_NO_LOC = "no usable <loc>"
SKIP_BAD_LINK = "bad link"
SKIP_CUT = "cut off (truncated body)"
SKIP_NOT_URL = "not a URL"


class SitemapError(Exception):
    """A document that is not a sitemap we can read; the message says why."""


def skips_text(skips: dict[str, int]) -> str | None:
    """``{"no usable <loc>": 2, "bad link": 1}`` as "2 no usable <loc>; 1 bad link", or None."""
    return "; ".join(f"{n} {why}" for why, n in skips.items() if n) or None


@dataclass
class SitemapEntry:
    """One ``<url>`` (or ``<sitemap>`` of an index, or a line of a text sitemap)."""

    loc: str
    lastmod: str | None = None  # UTC ISO 8601: when the page last changed, not when it was published
    title: str = ""  # news:title
    published: str | None = None  # news: (else video:) publication_date, UTC ISO 8601
    lang: str | None = None  # news:language
    publication: str = ""  # news:name
    keywords: str = ""  # news:keywords
    news: bool = False  # the entry has a <news:news> (a video's date alone is no news entry)

    @property
    def changed(self) -> str | None:
        """The latest date the sitemap gives the entry (``lastmod`` or publication date): what
        tells an entry new since the last fetch. Not a publication date."""
        return max(filter(None, (self.lastmod, self.published)), default=None)

    @property
    def is_news(self) -> bool:
        return self.news and bool(self.title or self.published)

    def item(self) -> NewsItem:
        """The article this entry names, with what the sitemap says of it: its news title,
        news or video publication date and language. ``lastmod`` is no publication date:
        it goes to ``item.lastmod``, never to ``item.published``."""
        return NewsItem(url=self.loc, canonical_url=canonical_url(self.loc), title=self.title,
                        published=self.published, lang=self.lang, lastmod=self.lastmod,
                        published_from="sitemap" if self.published else None)


@dataclass
class ParsedSitemap:
    """What a sitemap document holds: page entries, or further sitemaps to read."""

    kind: str  # "urlset" | "sitemapindex" | "text" | "robots"
    entries: list[SitemapEntry] = field(default_factory=list)
    sitemaps: list[SitemapEntry] = field(default_factory=list)
    warning: str | None = None
    # <loc>s that are http(s) URLs but broken (a port out of range, a bad IPv6 host):
    # skipped and counted, the first kept as "link (why)" for the warning.
    bad_links: int = 0
    bad_example: str = ""
    # Entries left out, by reason (see SKIP_*): what a fetch records as skipped.
    skips: dict[str, int] = field(default_factory=dict)

    @property
    def skipped(self) -> int:
        return sum(self.skips.values())

    def skip(self, why: str, n: int = 1) -> None:
        if n:
            self.skips[why] = self.skips.get(why, 0) + n

    def bad_link(self, link: str, problem: str) -> None:
        self.bad_links += 1
        self.skip(SKIP_BAD_LINK)
        self.bad_example = self.bad_example or f"{shown_url(link)} ({problem})"

    def bad_links_note(self) -> str | None:
        if not self.bad_links:
            return None
        what = "bad link" if self.bad_links == 1 else f"{self.bad_links} bad links, like"
        total = self.bad_links + len(self.entries) + len(self.sitemaps)
        return f"{self.bad_links} of {total} entries skipped: {what} {self.bad_example}"


def iso_date(value: str | None) -> str | None:
    """A W3C datetime ('2008-12-23', '2017-04-25T10:00:36+00:00', '...Z') as UTC ISO 8601, or None."""
    if not value:
        return None
    value = value.strip()
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        m = _DATE_RE.match(value)
        if not m:
            return None
        try:
            dt = datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    try:
        return iso(dt)
    except (OverflowError, ValueError):
        return None


def decompress(body: bytes, max_size: int = MAX_UNCOMPRESSED) -> bytes:
    """The body, gunzipped when it starts with gzip's magic number (``.xml.gz``).

    A body already decompressed by HTTP (``Content-Encoding: gzip`` on a .gz
    URL) comes back unchanged. Raises :class:`SitemapError` past ``max_size``
    (the crawl passes [crawl] max_bytes, the limit HTTP decompression keeps
    to) or for a truncated archive.
    """
    if body[:2] != b"\x1f\x8b":
        return body
    out = io.BytesIO()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as gz:
            while chunk := gz.read(1 << 16):
                out.write(chunk)
                if out.tell() > max_size:
                    raise SitemapError(f"gzipped sitemap is larger than {size_text(max_size)} uncompressed "
                                       "([crawl] max_bytes); not read")
    except (OSError, EOFError, zlib.error) as exc:
        raise SitemapError(f"cannot gunzip the sitemap: {exc}") from exc
    return out.getvalue()


def sitemaps_from_robots(body: bytes | str, url: str) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt, absolute and without duplicates, in order.

    ``Site-map:`` counts too (Google's parser takes it), in any case, spaces around the colon or not.
    """
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    found: dict[str, None] = {}
    for line in text.lstrip("\ufeff").splitlines():
        key, sep, value = line.partition(":")
        if sep and _SITEMAP_KEY.fullmatch(key.strip()) and value.strip():
            try:
                found.setdefault(urljoin(url, value.strip().split("#", 1)[0].strip()), None)
            except ValueError:  # "http://[x/": not a URL at all; the other lines still count
                continue
    return list(found)


def is_robots_url(url: str) -> bool:
    return urlsplit(url).path.lower().endswith("/robots.txt")


def parse_sitemap(body: bytes, url: str, max_size: int = MAX_UNCOMPRESSED,
                  content_type: str | None = None, length_known: bool = True) -> ParsedSitemap:
    """Parse a sitemap document fetched from ``url``.

    Reads XML urlsets and sitemap indexes (any namespace, BOM or not), gzip,
    plain-text sitemaps (one URL a line) and robots.txt (its ``Sitemap:``
    lines become ``sitemaps``). Raises :class:`SitemapError` for anything else.
    ``content_type``'s charset wins over the XML declaration, as RFC 7303 says.
    ``length_known=False`` says the body ended when the server closed the
    connection, without a declared length: a text sitemap's last line is then
    dropped (and counted) unless a newline ends it, since it may be cut short.
    """
    body = decompress(body, max_size)
    if is_robots_url(url):
        return ParsedSitemap("robots", sitemaps=[SitemapEntry(u) for u in sitemaps_from_robots(body, url)])
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head == b"<":
        return _parse_xml(body, url, content_type)
    return _parse_text(body, url, length_known)


def _parse_text(body: bytes, url: str, length_known: bool = True) -> ParsedSitemap:
    text = body.decode("utf-8", "replace").lstrip("\ufeff")
    out, others = ParsedSitemap("text"), 0
    lines = text.splitlines()
    # A text sitemap has no end mark, and many complete ones lack a final newline: only
    # when nothing told the body's length is an unterminated last line taken as cut.
    if not length_known and lines and lines[-1].strip() and not text.endswith(("\n", "\r")):
        lines.pop()
        out.skip(SKIP_CUT)
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if not line[:8].lower().startswith(("http://", "https://")):
            others += 1
        elif problem := url_problem(line):
            out.bad_link(line, problem)
        else:
            out.entries.append(SitemapEntry(line))
    if not out.entries and not out.skipped:
        if re.search(r"(?im)^\s*(user-agent|site-?map)\s*:", text):
            return ParsedSitemap("robots", sitemaps=[SitemapEntry(u) for u in sitemaps_from_robots(text, url)])
        raise SitemapError("not a sitemap: neither XML nor a list of URLs (one per line)")
    out.skip(SKIP_NOT_URL, others)
    notes = [f"{others} lines that are not URLs were skipped"] if others else []
    if out.skips.get(SKIP_CUT):
        notes.append("the last line was dropped: the body may be cut short (no length, no final newline)")
    out.warning = "; ".join(filter(None, [out.bad_links_note(), *notes])) or None
    return out


def _local(tag) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2].lower()


def _parse_xml(body: bytes, url: str, content_type: str | None = None) -> ParsedSitemap:
    # Decoded first, so news:title and image captions keep their accents whatever
    # the header, the XML declaration or a BOM say; lxml is then told it is UTF-8.
    text = decode_page(body, content_type).lstrip("\ufeff \t\r\n")
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, encoding="utf-8",
                             remove_comments=True, remove_pis=True, huge_tree=False)
    try:
        root = etree.fromstring(text.encode("utf-8"), parser=parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise SitemapError(f"not readable XML: {exc}") from exc
    if root is None:
        raise SitemapError("not readable XML: no root element")
    kind = _local(root.tag)
    if kind in ("rss", "feed", "rdf"):
        raise SitemapError(f"this is a feed (<{kind}>), not a sitemap: use kind = \"feed\"")
    if kind not in ("urlset", "sitemapindex"):
        raise SitemapError(f"not a sitemap: the root element is <{kind}>, not <urlset> or <sitemapindex>")
    out = ParsedSitemap(kind)
    child_tag = "url" if kind == "urlset" else "sitemap"
    recovered = bool(parser.error_log and len(parser.error_log))
    children = [el for el in root if _local(el.tag) == child_tag]
    if recovered and children and _ends_inside(text, child_tag):
        # lxml's recovery closes what the body left open: the last <loc> may be a
        # cut URL ("http://host/page_") and its news title and date missing.
        children.pop()
        out.skip(SKIP_CUT)
    skipped = 0
    for el in children:
        try:
            entry = _entry(el, url)
        except _BadLoc as bad:  # skipped and counted: the other entries are read as usual
            out.bad_link(*bad.args)
            continue
        if entry is None:
            skipped += 1
            continue
        (out.entries if kind == "urlset" else out.sitemaps).append(entry)
    out.skip(SKIP_NO_LOC, skipped)
    if recovered and not out.entries and not out.sitemaps:
        # error_sitemap.xml-style: XML of a sort, but not one entry in it can be read.
        raise SitemapError(f"malformed XML, no entry could be read: {parser.error_log[0].message}"[:300])
    if out.skips.get(SKIP_CUT):
        out.warning = (f"the document ends inside its last <{child_tag}> (cut off?): "
                       "that entry was dropped")
    elif recovered:
        out.warning = f"malformed XML recovered: {parser.error_log[0].message}"[:300]
    elif skipped:
        out.warning = f"{skipped} entries without a usable <loc> were skipped"
    out.warning = "; ".join(filter(None, [out.bad_links_note(), out.warning])) or None
    return out


def _ends_inside(text: str, tag: str) -> bool:
    """Whether ``text`` ends inside its last ``<tag>`` element: no ``</tag>`` after its start."""
    starts = deque(re.finditer(rf"<(?:[\w.-]+:)?{tag}(?=[\s>]|$)", text, re.IGNORECASE), maxlen=1)
    return bool(starts) and not re.search(rf"</(?:[\w.-]+:)?{tag}\s*>", text[starts[0].end():], re.IGNORECASE)


class _BadLoc(Exception):
    """A ``<loc>`` that is an http(s) URL but cannot be one: args are (link, why)."""


def _text(el) -> str:
    return " ".join((el.text or "").split())


def _entry(el, base: str) -> SitemapEntry | None:
    loc, lastmod = "", None
    news = video = None
    for child in el:
        name = _local(child.tag)
        if name == "loc":
            loc = _text(child)
        elif name == "lastmod":
            lastmod = iso_date(_text(child))
        elif name == "news":
            news = child
        elif name == "video" and video is None:
            video = child
    if not loc and _text(el)[:8].lower().startswith(("http://", "https://")):
        loc = _text(el)  # <sitemap>URL</sitemap> without <loc>, seen in the wild
    if not loc:
        return None
    try:
        loc = urljoin(base, loc)
    except ValueError as exc:  # "http://[x/"
        raise _BadLoc(loc, str(exc) or "unreadable URL") from None
    if not loc[:8].lower().startswith(("http://", "https://")):
        return None
    problem = url_problem(loc)
    if problem:
        raise _BadLoc(loc, problem)
    entry = SitemapEntry(loc, lastmod=lastmod)
    if video is not None:  # a page with a video: its date, unless a <news:news> gives one
        for node in video.iter():
            if _local(node.tag) == "publication_date":
                entry.published = iso_date(_text(node))
    if news is not None:
        entry.news = True
        for node in news.iter():
            name = _local(node.tag)
            if name == "title":
                entry.title = _text(node)
            elif name == "publication_date":
                entry.published = iso_date(_text(node)) or entry.published
            elif name == "language":
                entry.lang = _text(node).lower().replace("_", "-") or None
            elif name == "name":
                entry.publication = _text(node)
            elif name == "keywords":
                entry.keywords = _text(node)
    return entry
