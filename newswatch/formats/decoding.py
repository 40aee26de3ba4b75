"""Bytes to text the way a browser reads them, and mojibake found and repaired.

A fetched page is decoded in the browser's order (WHATWG "encoding sniffing"):
byte-order mark, the charset of the HTTP ``Content-Type`` header, the
document's own ``<meta charset>`` / ``http-equiv`` / XML declaration, then
detection (w3lib does the first three, as Scrapy's ``TextResponse`` does).

Servers often get the declaration wrong, so two mismatches are corrected on
top of that, where a browser would show garbage:

* declared UTF-8 but the bytes are not UTF-8 (a windows-1252 page behind a
  server-wide ``charset=utf-8``): read as windows-1252;
* declared Latin-1 / windows-1252 but the bytes are valid UTF-8 with
  multi-byte characters (valid UTF-8 is almost never accidental): read as UTF-8.

Text that was already mangled before it reached us ("corrupciÃ³n" in a feed
or a CMS database) is repaired with ftfy, which only undoes a mis-decoding
when the result is clearly better.
"""

from __future__ import annotations

import codecs
import re

from lxml import html as lxml_html
from w3lib.encoding import html_body_declared_encoding, html_to_unicode, http_content_type_encoding, read_bom

#: Single-byte charsets that servers declare by habit for pages that are really UTF-8
#: (Python's own names for them, as _canonical gives them).
_LEGACY = frozenset(codecs.lookup(e).name for e in ("windows-1252", "latin-1", "iso-8859-15", "us-ascii"))

# UTF-8 read as windows-1252 / Latin-1: a lead byte shown as Ã, Â, Å, Ä, Æ, Ð, Ñ
# or â€ followed by what a continuation byte (0x80-0xBF) becomes. One of these in
# real Spanish, Portuguese or French text is vanishingly rare; ftfy confirms.
_MOJIBAKE = re.compile(
    "[\u00c2\u00c3\u00c5\u00c4\u00c6\u00d0\u00d1\u00ce\u00cf][\u0080-\u00bf\u0152\u0153\u0160\u0161"
    "\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2020\u2021"
    "\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
    "|\u00e2\u20ac"  # the lead of every curly quote, dash and ellipsis: â€œ, â€”, â€¦
)


def _canonical(encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return None


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


_NON_ASCII = re.compile("[^\x00-\x7f\ufffd]")


def _mostly_utf8(body: bytes) -> bool:
    """UTF-8 with at most a few stray bytes (a truncated character, one pasted
    Latin-1 quote) rather than a legacy page: more good characters than bad."""
    if _is_utf8(body):
        return True
    text = body.decode("utf-8", errors="replace")
    return len(_NON_ASCII.findall(text)) > text.count("\ufffd")


def _detect(body: bytes) -> str:
    """The encoding of an undeclared page: UTF-8 when it (mostly) is, else windows-1252.

    windows-1252 is what browsers in the Americas and Western Europe fall back
    to, and the bytes of every legacy page in our languages decode in it.
    """
    return "utf-8" if _mostly_utf8(body) else "cp1252"


#: How "<?" or "<" starts in UTF-16/32 without a BOM (XML 1.0, appendix F).
_WIDE_STARTS = ((b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"),
                (b"\x00<\x00", "utf-16-be"), (b"<\x00", "utf-16-le"))


def _wide(body: bytes) -> str | None:
    head = body.lstrip(b" \t\r\n")[:4] if body[:1] in b" \t\r\n<" else body[:4]
    for start, encoding in _WIDE_STARTS:
        if head.startswith(start):
            return encoding
    return None


def _declared(body: bytes, content_type: str | None) -> str | None:
    """The encoding the header or else the document declares, or None."""
    return _canonical(http_content_type_encoding(content_type or "") or html_body_declared_encoding(body))


def choose_encoding(body: bytes, content_type: str | None = None) -> str:
    """The encoding to read ``body`` with: the declared one unless the bytes prove it wrong."""
    bom, _ = read_bom(body)
    if bom:
        return _canonical(bom) or bom
    wide = _wide(body)
    if wide:  # no ASCII-based declaration can be right about these bytes
        return wide
    declared = _declared(body, content_type)
    if declared is None:
        return _detect(body)
    if declared == "utf-8" and not _mostly_utf8(body):
        return "cp1252"
    if declared in _LEGACY and not body.isascii() and _is_utf8(body):
        return "utf-8"
    return declared


def decode_page(body: bytes, content_type: str | None = None) -> str:
    """``body`` as text: browser order, declarations the bytes contradict corrected, mojibake repaired."""
    if not body:
        return ""
    encoding = choose_encoding(body, content_type)
    # html_to_unicode strips the BOM and maps Latin-1 to windows-1252 as browsers do.
    _, text = html_to_unicode(f"text/html; charset={encoding}", body)
    return repair_text(text)


#: The characters every match of _MOJIBAKE starts with. Looking for each with ``in``
#: is some ten times faster than the pattern on clean text, which is nearly all text.
_LEADS = tuple("\u00c2\u00c3\u00c5\u00c4\u00c6\u00d0\u00d1\u00ce\u00cf\u00e2")


def looks_mojibake(text: str | None) -> bool:
    """True when ``text`` still holds typical UTF-8-read-as-Latin-1 sequences (Ã¡, Ã©, Ã±, â€œ)."""
    if not text or text.isascii() or not any(lead in text for lead in _LEADS):
        return False
    return _MOJIBAKE.search(text) is not None


def repair_text(text: str) -> str:
    """``text`` with UTF-8-read-as-Latin-1 mojibake undone; other text is returned as it is.

    The cheap pattern test comes first, so clean text (nearly all of it)
    costs one regular-expression scan.
    """
    if not text or not looks_mojibake(text):
        return text
    import ftfy  # here, not above: 0.04 s of every run's start-up, for the rare text that needs it

    return ftfy.fix_encoding(text)


#: Told the bytes are UTF-8, lxml ignores any (possibly wrong) declaration inside them.
_UTF8_PARSER = lxml_html.HTMLParser(encoding="utf-8")


_CONTROL = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def parse_html(page: str | bytes, content_type: str | None = None):
    """An lxml tree of an HTML page, decoded as :func:`decode_page` does.

    C0 control characters other than tab and line breaks are dropped: XML may
    not hold them, so trafilatura gave up on a whole page for one terminal
    escape, and they are never text anyone reads.

    Raises ValueError or lxml's ParserError when there is no document.
    """
    text = decode_page(page, content_type) if isinstance(page, bytes) else page
    text = text.translate(_CONTROL)
    return lxml_html.fromstring(text.encode("utf-8"), parser=_UTF8_PARSER)
