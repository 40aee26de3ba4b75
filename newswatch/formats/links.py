"""An item's outgoing links: the ``<a href>``s of its feed entry and of its article page.

What :func:`newswatch.follows.follows` reads to tell an item that links to
a followed story. Links are absolute http(s) URLs without tracking
parameters (:func:`~newswatch.formats.urls.clean_url`), in the order they
first appear, each once, at most :data:`MAX_LINKS` of them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urljoin

from .urls import clean_url, unwrap_redirect

#: Links kept per item: a link farm or a long list of related stories costs no more.
MAX_LINKS = 200

_ABSOLUTE_RE = re.compile(r"https?://", re.I)
_WEB_URL_RE = re.compile(r"https?://[^/?#\s]\S*\Z", re.I)  # a host, and no whitespace
_HREF_RE = re.compile(r"""<a\b[^<>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>]+))""", re.I)
# On a page, a link inside the text (a paragraph, list item, quote, table cell) and
# not in the page's furniture: menus, headers, footers and sidebars link to the
# site's other articles, which the article itself does not cite.
_TEXT_LINKS = ("//a[@href][ancestor::p or ancestor::li or ancestor::blockquote or ancestor::td]"
               "[not(ancestor::nav or ancestor::header or ancestor::footer or ancestor::aside"
               " or ancestor::form)]/@href")


def clean_links(hrefs: Iterable[str], base: str, limit: int = MAX_LINKS) -> list[str]:
    """``hrefs`` made absolute against ``base``: http(s) only, without tracking
    parameters or redirect wrappers, each once, at most ``limit``."""
    out: dict[str, None] = {}
    scheme, _, rest = base.partition("://")
    origin = f"{scheme}://{rest.split('/', 1)[0].split('?', 1)[0].split('#', 1)[0]}"
    for href in dict.fromkeys((h or "").strip() for h in hrefs):
        if not href or href.startswith("#"):
            continue
        try:
            # urljoin costs more than the rest together: the common forms are joined by hand.
            if _ABSOLUTE_RE.match(href):
                url = href
            elif href.startswith("/") and not href.startswith("//") and "\\" not in href:
                url = origin + href
            else:
                url = urljoin(base, href)
            url = clean_url(unwrap_redirect(url))
        except ValueError:  # an unsplittable address ("http://[x/")
            continue
        if not _WEB_URL_RE.match(url):
            continue
        out.setdefault(url.split("#", 1)[0], None)
        if len(out) >= limit:
            break
    return list(out)


def html_links(fragment: str | None, base: str, limit: int = MAX_LINKS) -> list[str]:
    """The links of an HTML fragment (a feed entry's summary or content)."""
    if not fragment or "<" not in fragment:
        return []
    hrefs = (html.unescape(next(g for g in m.groups() if g is not None))
             for m in _HREF_RE.finditer(fragment))
    return clean_links(hrefs, base, limit)


def page_links(tree: Any, base: str, limit: int = MAX_LINKS) -> list[str]:
    """The links inside the text of a parsed page (lxml), not its menus and sidebars."""
    try:
        hrefs = [str(h) for h in tree.xpath(_TEXT_LINKS)]
    except Exception:  # lxml raises its own errors for odd trees; a page without links is fine
        return []
    return clean_links(hrefs, base, limit)
