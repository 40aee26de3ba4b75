"""Article pages to text with trafilatura, plus the page's rel=canonical.

Pages are decoded first (:mod:`newswatch.formats.decoding`): lxml reads raw
bytes by their ``<meta charset>`` alone and falls back to Latin-1, so a UTF-8
page that declares its charset only in the HTTP header came out as mojibake.

A page whose text trafilatura rejects (too short, mostly links, a video page)
still has a date, title and author in its markup: trafilatura drops them with
the text, so they are read again with its own metadata extractor (htmldate for
the date, with the options trafilatura gives it). ``benchmarks/eval_dates.py``
measures the dates against htmldate alone on real pages.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

import trafilatura
from lxml import html as lxml_html
from trafilatura.settings import set_date_params
from trafilatura.xml import xmltotxt

from .decoding import parse_html
from .feeds import plausible_date
from .htmltext import text_paragraphs
from .links import page_links

# Stands for a <br> (trafilatura's <lb/>) while the text is made: trafilatura ends each
# paragraph, heading, list item and <br> alike with one "\n". Printable (trafilatura
# drops control and private-use characters) and all but unknown in news text.
_LINE_BREAK = "\u241f"


def extract_article(page: str | bytes, url: str, content_type: str | None = None) -> dict[str, Any]:
    """Main text, title, author, date and canonical URL of an article page, and the
    links inside its text (``links``: a list, see :mod:`newswatch.formats.links`).

    ``content_type`` is the response's Content-Type header, whose charset
    comes before the page's own declaration (as in a browser).

    Returns empty values rather than raising: a page we cannot read still
    leaves the feed's title and summary in place.
    """
    out: dict[str, Any] = {"body": None, "title": None, "author": None,
                           "published": None, "canonical_url": None, "links": []}
    if not page:
        return out
    try:
        tree = parse_html(page, content_type)
    except (ValueError, lxml_html.etree.ParserError):
        return out
    canon = tree.xpath('//link[translate(@rel,"CANONICAL","canonical")="canonical"]/@href')
    if canon and canon[0].strip():
        out["canonical_url"] = urljoin(url, canon[0].strip())
    out["links"] = page_links(tree, url)
    doc = trafilatura.bare_extraction(
        tree, url=url, include_comments=False, include_tables=False,
        favor_precision=True, with_metadata=True,
    )
    if doc is None:
        # No main text, but the page's own metadata still holds (trafilatura's
        # defaults: original_date, extensive search, nothing after today).
        doc = trafilatura.extract_metadata(tree, url, set_date_params(True))
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    out["body"] = _paragraphs(doc, data.get("text")) or None
    out["title"] = data.get("title") or None
    out["author"] = data.get("author") or None
    out["published"] = plausible_date(data.get("date") or None)
    return out


def _paragraphs(doc, text: str | None) -> str:
    """The extracted text with its paragraphs (and headings, list items, quotes) separated
    by a blank line and each ``<br>`` kept as a single line break, as feed bodies are stored
    (:mod:`newswatch.formats.htmltext`)."""
    body = getattr(doc, "body", None)
    if body is None or not text or _LINE_BREAK in text:
        return text_paragraphs((text or "").replace("\n", "\n\n"))
    for lb in body.iter("lb"):
        lb.tail = _LINE_BREAK + (lb.tail or "")
    marked = xmltotxt(body, include_formatting=False)
    return text_paragraphs(marked.replace("\n", "\n\n").replace("\n\n" + _LINE_BREAK, "\n")
                           .replace(_LINE_BREAK, " "))
