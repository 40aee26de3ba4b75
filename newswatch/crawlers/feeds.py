"""Feed documents to entries: RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed by hand.

feedparser does not read JSON Feed, so :func:`parse_feed` recognises it by
content type or by its leading ``{`` and maps it onto the same entry shape.
"""

from __future__ import annotations

import calendar
import html
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin

import feedparser

_TAG_RE = re.compile(r"<[^>]+>")
_WS_RE = re.compile(r"\s+")


class FeedError(Exception):
    """A document that is not a feed we can read; the message says why."""


@dataclass
class Entry:
    """One feed entry in newswatch's terms (not yet normalised)."""

    url: str
    title: str = ""
    summary: str = ""
    body: str = ""
    author: str = ""
    published: str | None = None
    guid: str | None = None
    lang: str | None = None


@dataclass
class ParsedFeed:
    entries: list[Entry] = field(default_factory=list)
    title: str = ""
    lang: str | None = None
    warning: str | None = None  # feedparser's "bozo" reason, when it still recovered entries


def html_to_text(value: str | None) -> str:
    """Plain text from an HTML fragment: tags dropped, entities decoded, whitespace folded."""
    if not value:
        return ""
    text = _TAG_RE.sub(" ", value)
    return _WS_RE.sub(" ", html.unescape(text)).strip()


def iso_utc(value: Any) -> str | None:
    """A time.struct_time (UTC, from feedparser) or an ISO string -> 'YYYY-MM-DDTHH:MM:SSZ'."""
    if value is None:
        return None
    try:
        if isinstance(value, str):
            dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if dt.tzinfo is None:
                dt = dt.replace(tzinfo=timezone.utc)
        else:
            dt = datetime.fromtimestamp(calendar.timegm(value), tz=timezone.utc)
        return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (ValueError, TypeError, OverflowError, OSError):
        return None


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse a feed document fetched from ``url``.

    Raises :class:`FeedError` when the document holds no feed at all; a feed
    that is malformed but still yields entries parses with a ``warning``.
    """
    head = body.lstrip()[:1]
    if (content_type and "json" in content_type.lower()) or head == b"{":
        return _parse_json_feed(body, url)
    headers = {"content-type": content_type} if content_type else None
    # Links are joined to the feed URL below; resolving relative URIs inside
    # HTML content is wasted work, as content is reduced to text.
    parsed = feedparser.parse(body, response_headers=headers, sanitize_html=True,
                              resolve_relative_uris=False)
    feed = parsed.get("feed", {})
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        reason = parsed.get("bozo_exception") if parsed.bozo else None
        raise FeedError("not a readable RSS/Atom/JSON feed: "
                        + (str(reason) if reason else "no rss, feed or RDF element (is this an HTML page?)"))
    out = ParsedFeed(title=html_to_text(feed.get("title")), lang=_lang(feed.get("language")))
    if parsed.bozo:
        out.warning = str(parsed.get("bozo_exception"))[:300]
    for e in parsed.entries:
        link = e.get("link") or ""
        if not link:
            for ln in e.get("links", []) or []:
                if ln.get("href"):
                    link = ln["href"]
                    break
        guid = e.get("id") or None
        if not link and guid and re.match(r"^https?://", guid):
            link = guid
        if not link:
            continue  # an entry with nowhere to point the reader at cannot be an alert
        body_html = ""
        if e.get("content"):
            body_html = max((c.get("value") or "" for c in e.content), key=len)
        summary = html_to_text(e.get("summary"))
        body_text = html_to_text(body_html)
        if body_text and body_text == summary:
            body_text = ""
        out.entries.append(
            Entry(
                url=urljoin(url, link),
                title=html_to_text(e.get("title")),
                summary=summary,
                body=body_text,
                author=html_to_text(e.get("author")),
                published=iso_utc(e.get("published_parsed") or e.get("updated_parsed")),
                guid=guid,
                lang=_lang(e.get("language")) if e.get("language") else None,
            )
        )
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
            continue
        link = it.get("url") or it.get("external_url") or ""
        if not link and isinstance(it.get("id"), str) and it["id"].startswith("http"):
            link = it["id"]
        if not link:
            continue
        authors = it.get("authors") or ([it["author"]] if isinstance(it.get("author"), dict) else feed_authors)
        author = ", ".join(a.get("name", "") for a in authors if isinstance(a, dict) and a.get("name"))
        body_text = html_to_text(it.get("content_html")) or (it.get("content_text") or "").strip()
        summary = html_to_text(it.get("summary") or "")
        out.entries.append(
            Entry(
                url=urljoin(url, str(link)),
                title=html_to_text(str(it.get("title") or "")),
                summary=summary,
                body=body_text if body_text != summary else "",
                author=author,
                published=iso_utc(it.get("date_published") or it.get("date_modified")),
                guid=str(it["id"]) if it.get("id") is not None else None,
                lang=_lang(it.get("language")),
            )
        )
    return out
