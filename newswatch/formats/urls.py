"""Article URLs: the clean link shown to people, and one spelling per article for dedup.

Three steps, each its own function: :func:`unwrap_redirect` replaces a
redirect wrapper (Google Alerts, Bing News, Facebook ...) by the article it
points at; :func:`clean_url` drops tracking parameters and leaves the rest
as the outlet wrote it (the stored, shown ``url``); :func:`canonical_url`
does both and also folds case, default ports and fragments (the identity
items are deduplicated by).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

# Parameters that identify a campaign or a click, never the article.
_TRACKING_EXACT = {
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid",
    "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok", "ocid", "cmpid", "ncid", "sr_share",
    "spm", "vero_id", "oly_enc_id", "oly_anon_id", "rss", "ref_src", "xtor",
}
_TRACKING_PREFIXES = ("utm_", "ga_", "pk_", "piwik_", "mtm_", "at_", "__twitter")
_DEFAULT_PORTS = {"http": 80, "https": 443}


# Links that carry their target, absolute, in a query parameter: (host, path, parameters).
# Hosts are matched whole; paths case-insensitively. Links whose target is encoded
# (news.google.com/rss/articles/..., bing.com/ck/a) must be followed instead.
_GOOGLE_HOST = r"(?:www\.)?google\.(?:[a-z]{2,3}|co\.[a-z]{2}|com\.[a-z]{2})"
_WRAPPERS = tuple((re.compile(host), path, params) for host, path, params in (
    (_GOOGLE_HOST, "/url", ("url", "q")),  # Google Alerts, search results
    (r"news\.google\.com", "/news/url", ("url",)),  # Google News RSS before 2020
    (r"(?:www\.)?bing\.com", "/news/apiclick.aspx", ("url",)),  # Bing News RSS
    (r"(?:l|lm|m|www)\.facebook\.com", "/l.php", ("u",)),
    (r"l\.instagram\.com", "/", ("u",)),
    (r"(?:www\.|m\.)?youtube\.com", "/redirect", ("q",)),
    (r"(?:www\.)?linkedin\.com", "/redir/redirect", ("url",)),
    (r"(?:html\.)?duckduckgo\.com", "/l/", ("uddg",)),
    (r"t\.umblr\.com", "/redirect", ("z",)),
    (r"(?:m\.)?vk\.com", "/away.php", ("to",)),
    (r"[a-z0-9]+\.safelinks\.protection\.outlook\.com", "/", ("url",)),
    (r"slack-redir\.net", "/link", ("url",)),
))
# A cheap first look at the scheme and host: could this be one of _WRAPPERS at all?
_HOST_PART = re.compile(r"\s*https?://([^/?#]*)", re.I)
_WRAPPER_HINT = re.compile(r"google|bing|facebook|instagram|youtube|linkedin|duckduckgo|umblr|vk\.com|safelinks|"
                           r"slack-redir")
_MAX_UNWRAP = 5  # a wrapper of a wrapper ...: a few levels, never a loop


def unwrap_redirect(url: str) -> str:
    """The article a redirect wrapper points at, or ``url`` itself when it is no known wrapper.

    ``https://www.google.com/url?rct=j&sa=t&url=https://outlet.example/a&ct=ga``
    (a Google Alerts link) -> ``https://outlet.example/a``; likewise Bing News'
    ``apiclick.aspx?url=``, Facebook's ``l.php?u=`` and the other wrappers of
    ``_WRAPPERS``. The target must be an absolute http(s) URL; nested wrappers
    are undone a few levels deep.
    """
    for _ in range(_MAX_UNWRAP):
        target = _wrapped_target(url)
        if target is None:
            break
        url = target
    return url


def _wrapped_target(url: str) -> str | None:
    host_part = _HOST_PART.match(url or "")  # most links need no parsing: not a wrapper's host
    if host_part is None or not _WRAPPER_HINT.search(host_part.group(1).lower()):
        return None
    try:
        parts = urlsplit((url or "").strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if not parts.query or parts.scheme.lower() not in _DEFAULT_PORTS:
        return None
    for host_re, path, params in _WRAPPERS:
        if parts.path.lower() == path and host_re.fullmatch(host):
            query = parse_qs(parts.query)
            for name in params:
                target = (query.get(name) or [""])[0].strip()
                if target[:8].lower().startswith(("http://", "https://")) and url_problem(target) is None:
                    return target
    return None


def is_tracking(name: str) -> bool:
    """Whether a query parameter names a campaign or a click (``utm_source``, ``fbclid`` ...)."""
    name = name.lower()
    return name in _TRACKING_EXACT or name.startswith(_TRACKING_PREFIXES)


def clean_url(url: str) -> str:
    """``url`` as the outlet wrote it, without tracking parameters: the link stored and shown.

    Only ``key=value`` pieces of the query whose key is a tracking parameter
    go (the others keep their order and spelling), and a fragment made of
    nothing but tracking parameters (``#xtor=RSS-3208``). Scheme, host, path
    and case are left alone: :func:`canonical_url` folds those for dedup.
    """
    url = (url or "").strip()
    # Split by hand, as urlsplit would (the fragment starts at the first "#"); no
    # reassembly, so nothing but the dropped pieces can change.
    head, hash_, fragment = url.partition("#")
    head, mark, query = head.partition("?")
    if not mark and not hash_:
        return url
    kept = _without_tracking(query, "&")
    drop_fragment = "=" in fragment and not _without_tracking(fragment, "&")
    if kept == query and not drop_fragment:
        return url
    return head + ("?" + kept if kept else "") + ("" if drop_fragment else hash_ + fragment)


def _without_tracking(query: str, sep: str) -> str:
    if not query:
        return query
    kept = [piece for piece in query.split(sep)
            if piece and not is_tracking(unquote_plus(piece.split("=", 1)[0]).strip())]
    return sep.join(kept)


# An absolute http(s) URL that urllib's urlsplit, urljoin and urlunsplit leave as it is
# written: a lower-case scheme, a host of letters, digits, dots and hyphens (no user, no
# IPv6 brackets), an optional port of digits, a path without parameters (";"), a
# non-empty query, no fragment, no spaces or control characters. Most feed links are
# such; :func:`plain_http_url` and :func:`canonical_url` read them without urllib.
_PLAIN_URL = re.compile(r"(https?)://([A-Za-z0-9.-]+)(?::([0-9]{1,5}))?"
                        r"(/[^\x00-\x20\x7f?#;\[\]]*)?(?:\?([^\x00-\x20\x7f#]+))?\Z")
# A query that parse_qsl and urlencode give back as written: name=value pieces of
# characters that neither unquote nor quote_plus changes.
_PLAIN_QUERY = re.compile(r"[A-Za-z0-9_.~-]+=[A-Za-z0-9_.~-]*(?:&[A-Za-z0-9_.~-]+=[A-Za-z0-9_.~-]*)*\Z")


def _plain_match(url: str) -> re.Match | None:
    m = _PLAIN_URL.match(url)
    if m is not None and m.group(3) is not None and int(m.group(3)) > 65535:
        return None  # urllib raises on it: the slow path says why
    return m


def plain_http_url(url: str) -> bool:
    """Whether ``url`` is an absolute http(s) URL that :func:`url_problem` accepts and that
    ``urljoin(base, url)`` gives back unchanged, whatever the (readable) base: no need to
    parse it (see ``_PLAIN_URL``)."""
    return _plain_match(url) is not None


def plain_http_host(url: str) -> str | None:
    """The host of ``url`` as written when it is a plain http(s) URL (see :func:`plain_http_url`),
    else None: such a URL needs no parsing to be read."""
    m = _plain_match(url)
    return m.group(2) if m is not None else None


def canonical_url(url: str) -> str:
    """The article's identity: redirect wrappers undone (:func:`unwrap_redirect`), scheme and
    host lowercased, default port, fragment and tracking parameters dropped.

    The path and the order of the remaining query parameters are kept: some
    sites route on parameter order, and rewriting paths would break links.
    """
    url = unwrap_redirect((url or "").strip())
    m = _plain_match(url)
    if m is not None:
        # The same steps as below without urllib, for a URL it would read as written.
        scheme, host, port_text, path, query = m.groups()
        host = host.lower().rstrip(".")
        if host:  # else urlunsplit's own rules for an empty host apply: the slow path
            port = int(port_text) if port_text else None
            netloc = host if not port or _DEFAULT_PORTS[scheme] == port else f"{host}:{port}"
            query = _query_without_tracking(query or "")
            return f"{scheme}://{netloc}{path or '/'}" + (f"?{query}" if query else "")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    port = parts.port if parts.port and _DEFAULT_PORTS.get(scheme) != parts.port else None
    netloc = host if port is None else f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, _query_without_tracking(parts.query), ""))


def _query_without_tracking(query: str) -> str:
    """``query`` without tracking parameters, re-encoded as :func:`canonical_url` keeps it."""
    if not query:
        return query
    if _PLAIN_QUERY.match(query):  # parse_qsl and urlencode would give each piece back as written
        return "&".join(piece for piece in query.split("&") if not is_tracking(piece.split("=", 1)[0]))
    return urlencode([(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not is_tracking(k)],
                     doseq=True)


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
