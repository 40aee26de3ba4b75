"""The addresses one article goes by: its canonical URL and the AMP, mobile and
tracking variants that outlets link to instead.

Every variant is reduced to one key (:func:`alias_key`), so a link matches
the seed when its key equals the seed's: redirect wrappers undone and
tracking parameters dropped (:mod:`newswatch.formats.urls`), then the
scheme, a ``www.``/``m.``/``amp.``/``mobile.`` host prefix, an ``/amp``
path piece, an ``amp``/``outputType=amp`` parameter and the trailing slash
set aside.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

from newswatch.formats.urls import canonical_url, clean_url, unwrap_redirect

_HOST_PREFIX = re.compile(r"^(?:www|m|amp|mobile)\.")
_AMP_PARAMS = {"amp", "outputtype", "output"}
# A URL written into running text: up to the first space or closing bracket/quote.
_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"')\]]+", re.I)


def alias_key(url: str) -> str:
    """One spelling shared by an article's canonical, AMP, mobile and tracked URLs."""
    url = canonical_url(unwrap_redirect(clean_url(url or "")))
    parts = urlsplit(url)
    host = _HOST_PREFIX.sub("", (parts.hostname or "").lower())
    path = re.sub(r"(?:^/amp(?=/)|/amp/?$|\.amp(?=$|\.html?$))", "", parts.path)
    path = path.rstrip("/") or "/"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k.lower() not in _AMP_PARAMS]
    return host + path + ("?" + urlencode(query) if query else "")


def aliases(url: str, declared: str | None = None) -> tuple[str, ...]:
    """The seed's addresses to show: as given, its declared canonical URL, and
    the usual AMP and mobile spellings (all share one :func:`alias_key`)."""
    seen: list[str] = []
    for u in (url, declared):
        if u and (c := canonical_url(u)) not in seen:
            seen.append(c)
    base = urlsplit(seen[0])
    host = _HOST_PREFIX.sub("", base.hostname or "")
    path = base.path.rstrip("/") or "/"
    for h, p in ((f"m.{host}", path), (f"amp.{host}", path), (base.hostname, path + "/amp/"),
                 (base.hostname, "/amp" + path)):
        variant = f"{base.scheme}://{h}{p}"
        if variant not in seen:
            seen.append(variant)
    return tuple(seen)


def urls_in_text(text: str) -> list[str]:
    """The http(s) addresses written out in plain text."""
    return [m.group(0).rstrip(".,;:") for m in _URL_IN_TEXT.finditer(text or "")]
