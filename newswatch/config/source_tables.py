"""[[sources]] tables: names, kinds, URLs, intervals, and what each kind reads.

A search source's URL is built here from its provider and query
(:func:`newswatch.formats.search.search_url`), so everything downstream sees
a feed URL.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from ..formats.search import search_url
from .files import ENV_RE, Locator
from .model import (
    NAME_RE,
    SEARCH_PROVIDERS,
    SELECTOR_KEYS,
    SOURCE_KINDS,
    CrawlConfig,
    Problem,
    Source,
    parse_interval,
)


def load_source(raw: Any, i: int, fname: str, loc: Locator, crawl: CrawlConfig,
                problems: list[Problem]) -> Source | None:
    """The ``i``-th [[sources]] table, or None when it has problems (added to ``problems``)."""
    line = loc.line_of("sources", i, None)
    if not isinstance(raw, dict):
        problems.append(Problem(fname, line, "sources", "each [[sources]] entry must be a table"))
        return None
    ok = True

    def bad(key: str, msg: str) -> None:
        nonlocal ok
        ok = False
        problems.append(Problem(fname, loc.line_of("sources", i, key), f"sources.{key}", msg))

    name = raw.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name):
        bad("name", f"invalid source name {name!r}: use lower-case letters, digits and hyphens, "
                    "like \"insightcrime-es\"")
    kind = raw.get("kind", "feed")
    if kind not in SOURCE_KINDS:
        bad("kind", f"unknown kind {kind!r}; valid kinds: {', '.join(SOURCE_KINDS)}")
    url = raw.get("url")
    if kind == "search":
        if url is not None:
            bad("url", "a search source builds its URL from provider and query; remove url "
                       "(or use kind = \"feed\" for a search feed URL of your own)")
    else:
        parts = urlsplit(url) if isinstance(url, str) else None
        if not parts or parts.scheme not in ("http", "https") or not parts.netloc:
            bad("url", f"invalid URL {url!r}: write an absolute http:// or https:// URL")
    for key in ("url", "endpoint"):
        var = ENV_RE.search(raw[key]) if isinstance(raw.get(key), str) else None
        if var:  # once expanded; now refused, so an old config never fetches a literal ${...}
            bad(key, f"{var.group(0)}: source URLs are not read from the environment; "
                     "write the URL itself (see docs/sources.md)")
    interval = raw.get("interval")
    interval_s = crawl.default_interval_s
    if interval is not None:
        try:
            interval_s = parse_interval(interval)
        except ValueError as exc:
            bad("interval", str(exc))
    lang = raw.get("lang")
    if lang is not None and (not isinstance(lang, str) or not re.match(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", lang)):
        bad("lang", f"invalid language {lang!r}: use a code like \"en\", \"es\" or \"es-419\"")
    fetch = raw.get("fetch_articles")
    if fetch is not None and not isinstance(fetch, bool):
        bad("fetch_articles", "must be true or false")
    title = raw.get("title")
    if title is not None and (not isinstance(title, str) or not title.strip()):
        bad("title", "must be a non-empty string: the outlet's name as alerts should show it")
    extra = _load_source_extras(raw, kind, bad)
    known = {"name", "kind", "url", "lang", "interval", "fetch_articles", "title", *_EXTRA_KEYS}
    for key in raw:
        if key not in known:
            bad(key, f"unknown setting; valid: {', '.join(sorted(known))}")
    if not ok:
        return None
    if kind == "search":
        url = search_url(extra["provider"], extra["query"], lang, extra["region"], extra.pop("endpoint", None))
    return Source(name=name, kind=kind, url=url, lang=lang, interval_s=interval_s,
                  fetch_articles=fetch, file=fname, line=line,
                  title=" ".join(title.split()) if title else None, **extra)


# Source keys that only some kinds read, and which kinds those are.
_EXTRA_KEYS = {
    "query": ("search",), "provider": ("search",), "region": ("search",), "endpoint": ("search",),
    "selectors": ("site", "page"), "max_pages": ("site",),
    "max_articles": ("feed", "search", "sitemap", "site"),
}


def _load_source_extras(raw: dict, kind: Any, bad) -> dict[str, Any]:
    """The kind-specific source keys, checked; problems go to ``bad(key, message)``."""
    out: dict[str, Any] = {}
    for key, kinds in _EXTRA_KEYS.items():
        if key in raw and kind in SOURCE_KINDS and kind not in kinds:
            bad(key, f"{key} applies to kind {' or '.join(repr(k) for k in kinds)}, not {kind!r}")
    for key in ("max_pages", "max_articles"):
        value = raw.get(key)
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            bad(key, f"must be a whole number >= 1, not {value!r}")
        else:
            out[key] = value
    if kind == "search":
        provider = raw.get("provider")
        if provider not in SEARCH_PROVIDERS:
            bad("provider", f"unknown search provider {provider!r}; valid: {', '.join(SEARCH_PROVIDERS)}")
        query = raw.get("query")
        if not isinstance(query, str) or not query.strip():
            bad("query", 'a search source needs a query string, like query = "TPS Honduras"')
        region = raw.get("region")
        if region is not None and (not isinstance(region, str) or not re.match(r"^[A-Za-z]{2}$", region)):
            bad("region", f"invalid region {region!r}: use a two-letter country code like \"HN\" or \"US\"")
        out.update(provider=provider, query=query.strip() if isinstance(query, str) else query,
                   region=region.upper() if isinstance(region, str) else None)
        endpoint = raw.get("endpoint")
        if endpoint is not None:
            parts = urlsplit(endpoint) if isinstance(endpoint, str) else None
            if not parts or parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
                bad("endpoint", f"invalid endpoint {endpoint!r}: the provider's RSS search URL without "
                                "a query string, like \"https://news.google.com/rss/search\"")
            else:
                out["endpoint"] = endpoint
    selectors = raw.get("selectors")
    if selectors is not None and kind in SELECTOR_KEYS:
        valid = SELECTOR_KEYS[kind]
        if not isinstance(selectors, dict):
            bad("selectors", f"must be a table, like selectors = {{ {valid[0]} = \"article h2 a\" }}")
            selectors = {}
        for sub, expr in selectors.items():
            if sub not in valid:
                bad("selectors", f"unknown selector {sub!r} for kind {kind!r}; valid: {', '.join(valid)}")
            elif not isinstance(expr, str) or not expr.strip():
                bad("selectors", f"selectors.{sub} must be a CSS selector or an XPath expression")
            else:
                error = selector_error(expr)
                if error:
                    bad("selectors", f"selectors.{sub}: {error}")
                else:
                    out.setdefault("selectors", {})[sub] = expr.strip()
    if kind == "site" and "links" not in (selectors if isinstance(selectors, dict) else {}):
        bad("selectors", 'a site source needs selectors = { links = "..." }: a CSS selector or XPath '
                         "for the article links on its listing page")
    return out


def _is_xpath(expr: str) -> bool:
    # As formats.diffs.is_xpath, which reads pages by these selectors.
    return expr.lstrip().startswith(("/", "(", "./"))


def selector_error(expr: str) -> str | None:
    """Why ``expr`` is neither a valid CSS selector nor a valid XPath, or None."""
    if _is_xpath(expr):
        from lxml import etree
        try:
            etree.XPath(expr)
        except etree.XPathError as exc:
            return f"invalid XPath {expr!r}: {exc}"
        return None
    from cssselect import GenericTranslator, SelectorError
    try:
        GenericTranslator().css_to_xpath(expr)
    except SelectorError as exc:
        return f"invalid CSS selector {expr!r}: {exc} (an XPath must start with / or ( )"
    return None
