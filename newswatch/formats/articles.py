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

from urllib.parse import urljoin

import trafilatura
from lxml import html as lxml_html
from trafilatura.settings import set_date_params

from .decoding import parse_html
from .feeds import plausible_date


def extract_article(page: str | bytes, url: str, content_type: str | None = None) -> dict[str, str | None]:
    """Main text, title, author, date and canonical URL of an article page.

    ``content_type`` is the response's Content-Type header, whose charset
    comes before the page's own declaration (as in a browser).

    Returns empty values rather than raising: a page we cannot read still
    leaves the feed's title and summary in place.
    """
    out: dict[str, str | None] = {"body": None, "title": None, "author": None,
                                  "published": None, "canonical_url": None}
    if not page:
        return out
    try:
        tree = parse_html(page, content_type)
    except (ValueError, lxml_html.etree.ParserError):
        return out
    canon = tree.xpath('//link[translate(@rel,"CANONICAL","canonical")="canonical"]/@href')
    if canon and canon[0].strip():
        out["canonical_url"] = urljoin(url, canon[0].strip())
    doc = trafilatura.bare_extraction(
        tree, url=url, include_comments=False, include_tables=False,
        favor_precision=True, with_metadata=True,
    )
    if doc is None:
        # No main text, but the page's own metadata still holds (trafilatura's
        # defaults: original_date, extensive search, nothing after today).
        doc = trafilatura.extract_metadata(tree, url, set_date_params(True))
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    out["body"] = (data.get("text") or "").strip() or None
    out["title"] = data.get("title") or None
    out["author"] = data.get("author") or None
    out["published"] = plausible_date(data.get("date") or None)
    return out
