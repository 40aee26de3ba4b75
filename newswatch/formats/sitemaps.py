"""Sitemaps to entries: urlsets with Google News ``<news:news>``, indexes, .gz, text lists, robots.txt.

Scrapy's own ``Sitemap`` class keeps only the direct children of ``<url>``, so
a news sitemap's title and publication date (nested in ``<news:news>``) are
lost; this parser keeps them. It is lenient as sitemaps in the wild require:
a BOM, a wrong namespace, a stray comment or an unclosed tag still yield
what can be read, and anything that is not a sitemap at all raises
:class:`SitemapError` with the reason. External entities are never resolved.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
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


class SitemapError(Exception):
    """A document that is not a sitemap we can read; the message says why."""


@dataclass
class SitemapEntry:
    """One ``<url>`` (or ``<sitemap>`` of an index, or a line of a text sitemap)."""

    loc: str
    lastmod: str | None = None  # UTC ISO 8601
    title: str = ""  # news:title
    published: str | None = None  # news:publication_date, UTC ISO 8601
    lang: str | None = None  # news:language
    publication: str = ""  # news:name
    keywords: str = ""  # news:keywords

    @property
    def date(self) -> str | None:
        """The best date we have: publication date, else last modification."""
        return self.published or self.lastmod

    @property
    def is_news(self) -> bool:
        return bool(self.title or self.published)

    def item(self) -> NewsItem:
        """The article this entry names, with what the sitemap says of it: its news title,
        publication date and language (``lastmod`` is no publication date and stays here)."""
        return NewsItem(url=self.loc, canonical_url=canonical_url(self.loc), title=self.title,
                        published=self.published, lang=self.lang)


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

    def bad_link(self, link: str, problem: str) -> None:
        self.bad_links += 1
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
    """The ``Sitemap:`` URLs of a robots.txt, absolute and without duplicates, in order."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    found: dict[str, None] = {}
    for line in text.lstrip("\ufeff").splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() == "sitemap" and value.strip():
            try:
                found.setdefault(urljoin(url, value.strip().split("#", 1)[0].strip()), None)
            except ValueError:  # "http://[x/": not a URL at all; the other lines still count
                continue
    return list(found)


def is_robots_url(url: str) -> bool:
    return urlsplit(url).path.lower().endswith("/robots.txt")


def parse_sitemap(body: bytes, url: str, max_size: int = MAX_UNCOMPRESSED,
                  content_type: str | None = None) -> ParsedSitemap:
    """Parse a sitemap document fetched from ``url``.

    Reads XML urlsets and sitemap indexes (any namespace, BOM or not), gzip,
    plain-text sitemaps (one URL a line) and robots.txt (its ``Sitemap:``
    lines become ``sitemaps``). Raises :class:`SitemapError` for anything else.
    ``content_type``'s charset wins over the XML declaration, as RFC 7303 says.
    """
    body = decompress(body, max_size)
    if is_robots_url(url):
        return ParsedSitemap("robots", sitemaps=[SitemapEntry(u) for u in sitemaps_from_robots(body, url)])
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head == b"<":
        return _parse_xml(body, url, content_type)
    return _parse_text(body, url)


def _parse_text(body: bytes, url: str) -> ParsedSitemap:
    text = body.decode("utf-8", "replace").lstrip("\ufeff")
    out, others = ParsedSitemap("text"), 0
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if not line[:8].lower().startswith(("http://", "https://")):
            others += 1
        elif problem := url_problem(line):
            out.bad_link(line, problem)
        else:
            out.entries.append(SitemapEntry(line))
    if not out.entries and not out.bad_links:
        if re.search(r"(?im)^\s*(user-agent|sitemap)\s*:", text):
            return ParsedSitemap("robots", sitemaps=[SitemapEntry(u) for u in sitemaps_from_robots(text, url)])
        raise SitemapError("not a sitemap: neither XML nor a list of URLs (one per line)")
    notes = [f"{others} lines that are not URLs were skipped"] if others else []
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
    skipped = 0
    for el in root:
        if _local(el.tag) != child_tag:
            continue
        try:
            entry = _entry(el, url)
        except _BadLoc as bad:  # skipped and counted: the other entries are read as usual
            out.bad_link(*bad.args)
            continue
        if entry is None:
            skipped += 1
            continue
        (out.entries if kind == "urlset" else out.sitemaps).append(entry)
    if parser.error_log and len(parser.error_log):
        out.warning = f"malformed XML recovered: {parser.error_log[0].message}"[:300]
    elif skipped:
        out.warning = f"{skipped} entries without a usable <loc> were skipped"
    out.warning = "; ".join(filter(None, [out.bad_links_note(), out.warning])) or None
    return out


class _BadLoc(Exception):
    """A ``<loc>`` that is an http(s) URL but cannot be one: args are (link, why)."""


def _text(el) -> str:
    return " ".join((el.text or "").split())


def _entry(el, base: str) -> SitemapEntry | None:
    loc, lastmod = "", None
    news = None
    for child in el:
        name = _local(child.tag)
        if name == "loc":
            loc = _text(child)
        elif name == "lastmod":
            lastmod = iso_date(_text(child))
        elif name == "news":
            news = child
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
    if news is not None:
        for node in news.iter():
            name = _local(node.tag)
            if name == "title":
                entry.title = _text(node)
            elif name == "publication_date":
                entry.published = iso_date(_text(node))
            elif name == "language":
                entry.lang = _text(node).lower().replace("_", "-") or None
            elif name == "name":
                entry.publication = _text(node)
            elif name == "keywords":
                entry.keywords = _text(node)
    return entry
