"""Who may speak for an article URL: the site a URL is on, and whether a source is that site.

Any feed can list any URL, and any page can name any URL as its
rel=canonical. So that one source cannot rewrite or pre-empt another's
items, identity and ownership go by *site*: the registrable domain of a
host (``news.bbc.co.uk`` -> ``bbc.co.uk``, by the Public Suffix List with its
private part, so ``a.github.io`` and ``b.github.io`` are two sites). An IP
address or a single-label host (``localhost``) is its own site; a host under
a suffix the list does not know (``.example``, ``.internal``) is its last two
labels.

- A source *publishes* an item when the item's URL is on the site of the
  source's own URL (its feed, sitemap, listing page or watched page). See
  docs/reliability.md, "Hostile sources and inputs", for the ownership rule
  built on it (newswatch.storage.items.store_batch applies it).
- A page's rel=canonical is trusted for identity only when it names a URL on
  the page's own site.

The list is the snapshot that ships with tldextract (a Scrapy dependency):
nothing is downloaded.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from urllib.parse import urlsplit

from .urls import plain_http_host

_extract = None


def _extractor():
    global _extract
    if _extract is None:
        import tldextract

        # No cache directory, no download: the bundled snapshot of the list.
        _extract = tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), include_psl_private_domains=True)
    return _extract


def host_of(url: str) -> str:
    """The lower-cased host of ``url`` without a trailing dot, or '' (also for a malformed URL)."""
    # Every item's URL is looked at once per run: a plain one is read without urllib,
    # whose urlsplit costs several times more.
    host = plain_http_host(url) if url else None
    if host is not None:
        return host.lower().rstrip(".")
    try:
        return (urlsplit(url or "").hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


@lru_cache(maxsize=4096)
def site_of_host(host: str) -> str:
    """The registrable domain of ``host`` (see the module docstring), or '' for no host."""
    if not host:
        return ""
    try:
        ipaddress.ip_address(host.strip("[]"))
        return host
    except ValueError:
        pass
    if "." not in host:
        return host
    found = _extractor()(host)
    domain = getattr(found, "top_domain_under_public_suffix", None)
    if domain is None:  # tldextract before 5.3
        domain = found.registered_domain
    if domain:
        return domain
    if found.suffix:  # the host is itself a public suffix: it names no site beyond itself
        return host
    return ".".join(host.split(".")[-2:])


def site_of(url: str) -> str:
    """The site (registrable domain) of ``url``'s host, or ''."""
    return site_of_host(host_of(url))


def same_site(a: str, b: str) -> bool:
    """True when URLs ``a`` and ``b`` are on one site (and both have a host)."""
    site = site_of(a)
    return bool(site) and site == site_of(b)
