"""OPML: the feed lists that feed readers import and export.

:func:`read_opml` takes every ``<outline>`` with an ``xmlUrl`` (at any depth;
the enclosing outlines' titles become its category). :func:`write_opml`
writes OPML 2.0 with one outline per feed-like source (feeds and search
feeds); other kinds have no place in OPML and are left out.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import urlsplit
from xml.sax.saxutils import quoteattr

from lxml import etree

_BARE_AMP = re.compile(rb"&(?!(?:#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);)")
_OUTLINE_URL = re.compile(rb"\bxmlurl\s*=\s*([\"'])(.*?)\1", re.I)
_OUTLINE_TEXT = re.compile(rb"\btext\s*=\s*\"([^\"]*)\"", re.I)


class OpmlError(Exception):
    """A file that is not OPML we can read; the message says why."""


@dataclass
class OpmlFeed:
    url: str
    title: str = ""
    category: str = ""
    lang: str | None = None
    html_url: str = ""


def read_opml(data: bytes) -> list[OpmlFeed]:
    """The feeds listed in an OPML document, in order, without repeated URLs."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    # Exported lists often carry a bare '&' in a URL (?a=1&b=2); XML recovery would drop
    # what follows it, so escape it first.
    data = _BARE_AMP.sub(b"&amp;", data.lstrip(b"\xef\xbb\xbf \t\r\n"))
    try:
        root = etree.fromstring(data, parser=parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise OpmlError(f"not readable XML: {exc}") from exc
    if root is None or not isinstance(root.tag, str) or root.tag.rpartition("}")[2].lower() != "opml":
        raise OpmlError("not an OPML file: the root element must be <opml>")
    feeds: list[OpmlFeed] = []
    seen: set[str] = set()

    def walk(node, path: list[str]) -> None:
        for el in node:
            if not isinstance(el.tag, str) or el.tag.rpartition("}")[2].lower() != "outline":
                continue
            attrs = {k.lower(): (v or "").strip() for k, v in el.attrib.items()}
            title = attrs.get("title") or attrs.get("text") or ""
            url = attrs.get("xmlurl", "")
            if url and urlsplit(url).scheme in ("http", "https") and url not in seen:
                seen.add(url)
                lang = attrs.get("language") or None
                feeds.append(OpmlFeed(url=url, title=title, category=" / ".join(path),
                                      lang=lang.lower().replace("_", "-") if lang else None,
                                      html_url=attrs.get("htmlurl", "")))
            walk(el, path + [title] if title and not url else path)

    body = next((el for el in root if isinstance(el.tag, str) and el.tag.rpartition("}")[2].lower() == "body"),
                None)
    if body is None:
        raise OpmlError("not an OPML file: no <body>")
    walk(body, [])
    # An outline too broken for XML recovery (quotes inside a quoted title, seen in
    # real exports) is dropped from the tree: pick up its feed URL from the text.
    for m in _OUTLINE_URL.finditer(data):
        url = html.unescape(m.group(2).decode("utf-8", "replace")).strip()
        if urlsplit(url).scheme in ("http", "https") and url not in seen:
            seen.add(url)
            title = _OUTLINE_TEXT.search(data, max(data.rfind(b"<outline", 0, m.start()), 0), m.start())
            feeds.append(OpmlFeed(url=url, title=title.group(1).decode("utf-8", "replace").strip() if title else ""))
    return feeds


def write_opml(sources, title: str = "newswatch sources") -> str:
    """OPML 2.0 for the feed-like ``sources`` (kind feed or search)."""
    now = format_datetime(datetime.now(UTC), usegmt=True)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<opml version="2.0">', "  <head>",
             f"    <title>{_esc(title)}</title>", f"    <dateCreated>{now}</dateCreated>", "  </head>", "  <body>"]
    for s in sources:
        if s.kind not in ("feed", "search"):
            continue
        attrs = {"type": "rss", "text": s.name, "title": s.name, "xmlUrl": s.url}
        if s.lang:
            attrs["language"] = s.lang
        if s.kind == "search":
            attrs["description"] = f"{s.provider} search: {s.query}"
        lines.append("    <outline " + " ".join(f"{k}={quoteattr(v)}" for k, v in attrs.items()) + "/>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _esc(text: str) -> str:
    return quoteattr(text)[1:-1]
