"""Search feeds: a provider, a query, a language and a region become an RSS URL.

A ``kind = "search"`` source is a feed whose URL newswatch builds, so it goes
through the feeds spider like any other feed. What differs is the links: the
providers point at their own redirectors, and the publisher's URL is known
only after following them. :func:`unwrap_link` resolves the ones that carry
the target in the query string (Bing); Google News links are followed when
the article page is fetched, and the final URL (or the page's rel=canonical)
becomes the item's canonical URL.

Neither provider documents these RSS endpoints; the forms here are the ones
in wide use. If a provider changes them, a ``kind = "feed"`` source with a URL
of your own keeps working.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from .urls import unwrap_redirect

GOOGLE_NEWS_RSS = "https://news.google.com/rss/search"
BING_NEWS_RSS = "https://www.bing.com/news/search"

# Hosts whose article links are redirectors rather than the publisher's page.
_REDIRECTOR_HOSTS = ("news.google.com", "www.bing.com", "bing.com")

# Google News serves Latin American Spanish as es-419 (hl) for any Spanish-speaking
# country of the Americas; Spain keeps plain "es".
_ES_419 = {"AR", "BO", "CL", "CO", "CR", "CU", "DO", "EC", "GT", "HN", "MX", "NI", "PA", "PE", "PR",
           "PY", "SV", "US", "UY", "VE"}


def google_news_locale(lang: str | None, region: str | None) -> tuple[str, str, str]:
    """(hl, gl, ceid) for Google News: ``("es", "HN")`` -> ``("es-419", "HN", "HN:es-419")``."""
    lang = (lang or "en").split("-")[0].lower()
    region = (region or "US").upper()
    if lang == "es" and region in _ES_419:
        hl = edition = "es-419"
    elif lang == "pt" and region == "BR":
        hl, edition = "pt-BR", "pt-419"
    elif lang == "en":
        hl, edition = f"en-{region}", "en"
    else:
        hl = edition = lang
    return hl, region, f"{region}:{edition}"


def search_url(provider: str, query: str, lang: str | None = None, region: str | None = None,
               endpoint: str | None = None) -> str:
    """The provider's RSS search URL for ``query`` in ``lang`` and ``region``.

    ``endpoint`` replaces the provider's RSS address (a proxy, a mirror, a
    local fixture); the query string is built the same way.

    >>> search_url("google-news", '"TPS" Honduras', "es", "HN")
    'https://news.google.com/rss/search?q=%22TPS%22+Honduras&hl=es-419&gl=HN&ceid=HN:es-419'
    """
    if provider == "google-news":
        hl, gl, ceid = google_news_locale(lang, region)
        return f"{endpoint or GOOGLE_NEWS_RSS}?{urlencode({'q': query, 'hl': hl, 'gl': gl, 'ceid': ceid}, safe=':')}"
    if provider == "bing-news":
        params = {"q": query, "format": "RSS"}
        if lang:
            params["setlang"] = lang.split("-")[0].lower()
        if region:
            params["cc"] = region.upper()
        return f"{endpoint or BING_NEWS_RSS}?{urlencode(params)}"
    raise ValueError(f"unknown search provider {provider!r}; valid: google-news, bing-news")


def is_redirector(url: str) -> bool:
    """True for a provider's click-through link, whose target is known only by following it."""
    host = (urlsplit(url).hostname or "").lower()
    return host in _REDIRECTOR_HOSTS


def unwrap_link(url: str) -> str:
    """The publisher's URL when a provider's link carries it (Bing's ``apiclick.aspx?url=``;
    see :func:`~newswatch.formats.urls.unwrap_redirect`, which undoes every known wrapper).

    Other links come back unchanged; Google News links must be followed.
    """
    return unwrap_redirect(url)


def strip_publisher(title: str) -> str:
    """'Headline - Publisher' (Google News's form) -> 'Headline', so copies of a story cluster.

    Only a short last part is taken for a publisher's name; a dash inside the headline stays.
    """
    head, sep, tail = (title or "").rpartition(" - ")
    if sep and head.strip() and 0 < len(tail.split()) <= 6 and len(tail) <= 60:
        return head.strip()
    return title
