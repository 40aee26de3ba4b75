"""Canonical URLs: one spelling per article, so dedup works across feeds."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Parameters that identify a campaign or a click, never the article.
_TRACKING_EXACT = {
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid",
    "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok", "ocid", "cmpid", "ncid", "sr_share",
    "spm", "vero_id", "oly_enc_id", "oly_anon_id", "rss", "ref_src",
}
_TRACKING_PREFIXES = ("utm_", "ga_", "pk_", "piwik_", "mtm_", "at_", "__twitter")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """Lowercase scheme and host, drop default port, fragment and tracking parameters.

    The path and the order of the remaining query parameters are kept: some
    sites route on parameter order, and rewriting paths would break links.
    """
    url = (url or "").strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    port = parts.port if parts.port and _DEFAULT_PORTS.get(scheme) != parts.port else None
    netloc = host if port is None else f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in _TRACKING_EXACT and not k.lower().startswith(_TRACKING_PREFIXES)
    ]
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, urlencode(query, doseq=True), ""))


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be an article's address, or None when it can.

    It must be an absolute http(s) URL with a host that :func:`canonical_url`
    can read: a feed's ``http://127.0.0.1:99999/x`` (port out of range) or
    ``http://[x/`` (a broken IPv6 host) raise ValueError there, and once did
    so for the whole feed.
    """
    try:
        parts = urlsplit((url or "").strip())
        parts.port  # noqa: B018 - parsing the port is what raises
    except ValueError as exc:
        return str(exc) or "unreadable URL"
    if parts.scheme.lower() not in _DEFAULT_PORTS:
        return "not an http(s) URL"
    if not parts.hostname:
        return "no host name"
    return None


def shown_url(url: str, limit: int = 100) -> str:
    """A URL from outside, fit for one line of a message: control characters
    replaced by ``?`` and cut to ``limit`` characters."""
    text = "".join("?" if ord(ch) < 32 or 127 <= ord(ch) < 160 else ch for ch in url or "")
    return text if len(text) <= limit else text[:limit - 3] + "..."


def host_of(url: str) -> str:
    """The lower-cased host of a URL, or ''."""
    return (urlsplit(url or "").hostname or "").lower()
