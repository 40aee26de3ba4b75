"""Finding a site's feeds and sitemaps, for ``newswatch sources add URL``.

Looks, in order, at: the URL itself (a feed or a sitemap?), the page's
``<link rel="alternate">`` feeds, common feed paths (/feed, /rss, /atom.xml,
/feed.xml ...), and the ``Sitemap:`` lines of robots.txt. robots.txt is
obeyed for every probe. This is an interactive command, so it uses a small
synchronous HTTP client (httpx) rather than the crawl machinery.

The whole look has a time limit (``max_time``, 60 s by default): httpx's
timeout is per read, so a server that trickles a byte at a time would
otherwise hold the command for hours.

Errors: :class:`DiscoveryError` when the URL cannot be fetched at all,
:class:`DiscoveryTimeout` when the time limit ran out.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx
from lxml import html as lxml_html
from protego import Protego

from .formats.decoding import parse_html
from .formats.feeds import FeedError, parse_feed
from .formats.sitemaps import SitemapError, parse_sitemap, sitemaps_from_robots

COMMON_FEED_PATHS = ("/feed", "/feed/", "/rss", "/rss.xml", "/atom.xml", "/feed.xml", "/index.xml",
                     "/feeds/posts/default", "/?feed=rss2")
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json",
               "application/json", "application/rdf+xml", "text/xml", "application/xml")
MAX_BYTES = 5 * 1024 * 1024
MAX_TIME = 60.0  # seconds for the whole of discover()


class DiscoveryError(Exception):
    """The URL could not be read at all; the message says why."""


class DiscoveryTimeout(DiscoveryError):
    """Looking for feeds took longer than its time limit (a server answering a byte at a time)."""


@dataclass
class Candidate:
    """A source we could add: its kind, URL and what we learnt about it."""

    kind: str  # feed | sitemap | page
    url: str
    title: str = ""
    lang: str | None = None
    entries: int = 0
    how: str = ""  # how it was found, for the user
    news: bool = False  # a sitemap with <news:news> entries

    @property
    def is_news_sitemap(self) -> bool:
        return self.kind == "sitemap" and (self.news or "news" in self.url.lower())


@dataclass
class Discovery:
    """Everything found for one URL, best first."""

    url: str
    title: str = ""
    lang: str | None = None
    candidates: list[Candidate] = field(default_factory=list)
    tried: list[str] = field(default_factory=list)

    @property
    def best(self) -> Candidate | None:
        feeds = [c for c in self.candidates if c.kind == "feed"]
        if feeds:
            return feeds[0]
        maps = sorted((c for c in self.candidates if c.kind == "sitemap"), key=lambda c: not c.is_news_sitemap)
        return maps[0] if maps else None


@dataclass
class _Page:
    url: str  # after redirects
    status_code: int
    content_type: str
    content: bytes


class _Client:
    """A polite synchronous client: our User-Agent, robots.txt obeyed, bodies capped."""

    def __init__(self, user_agent: str, timeout: float, transport=None, deadline: float | None = None):
        self.http = httpx.Client(headers={"User-Agent": user_agent}, timeout=timeout, follow_redirects=True,
                                 max_redirects=5, transport=transport)
        self.user_agent = user_agent
        self.timeout = timeout
        self.deadline = deadline  # time.monotonic() past which every fetch gives up
        self.current = ""  # the URL being read, for the time-limit message
        self.robots: dict[str, Protego | None] = {}

    def _left(self) -> float:
        """Seconds before the deadline; raises _Expired when there are none."""
        if self.deadline is None:
            return self.timeout
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise _Expired()
        return min(self.timeout, left)

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        base = f"{parts.scheme}://{parts.netloc}"
        if base not in self.robots:
            page = self.fetch(base + "/robots.txt", check_robots=False)
            ok = page is not None and page.status_code == 200
            self.robots[base] = Protego.parse(page.content.decode("utf-8", "replace")) if ok else None
        rp = self.robots[base]
        return rp is None or rp.can_fetch(url, self.user_agent)

    def fetch(self, url: str, check_robots: bool = True, errors: bool = False) -> _Page | None:
        """GET ``url``; None when robots.txt forbids it or it fails (or raise httpx errors if ``errors``)."""
        if check_robots and not self.allowed(url):
            return None
        self.current = url
        try:
            with self.http.stream("GET", url, timeout=self._left()) as r:
                chunks, size = [], 0
                for chunk in r.iter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    self._left()  # a trickling body: give up at the deadline, not after 5 MB
                    if size > MAX_BYTES:
                        break
                return _Page(str(r.url), r.status_code, r.headers.get("content-type", ""), b"".join(chunks))
        except httpx.HTTPError:
            if self.deadline is not None and time.monotonic() >= self.deadline:
                raise _Expired() from None  # it timed out because the time was up
            if errors:
                raise
            return None


def _as_feed(r: _Page | None) -> Candidate | None:
    if r is None or r.status_code != 200:
        return None
    if "html" in r.content_type.lower() and not r.content.lstrip()[:5].lower().startswith(b"<?xml"):
        return None
    try:
        parsed = parse_feed(r.content, r.url, r.content_type or None)
    except FeedError:
        return None
    if not parsed.entries and not parsed.title:
        return None
    return Candidate("feed", r.url, title=parsed.title, lang=parsed.lang, entries=len(parsed.entries))


def _as_sitemap(r: _Page | None) -> Candidate | None:
    if r is None or r.status_code != 200:
        return None
    try:
        parsed = parse_sitemap(r.content, r.url, content_type=r.content_type or None)
    except SitemapError:
        return None
    if parsed.kind not in ("urlset", "sitemapindex"):
        return None
    langs = {e.lang for e in parsed.entries if e.lang}
    return Candidate("sitemap", r.url, entries=len(parsed.entries) + len(parsed.sitemaps),
                     news=any(e.is_news for e in parsed.entries),
                     lang=langs.pop() if len(langs) == 1 else None,
                     title=next((e.publication for e in parsed.entries if e.publication), ""))


class _Expired(Exception):
    """Raised inside the discovery when its deadline has passed."""


def _timeout_message(url: str, max_time: float, current: str) -> str:
    still = f"\n(still reading {current})" if current else ""
    return (f"{url}: gave up looking for feeds after {max_time:g} s:{still}\n"
            "the site answers too slowly. Try again later, allow longer with --max-time,\n"
            "or add a feed URL you know with --kind feed.")


def discover(url: str, user_agent: str, timeout: float = 15.0, transport=None,
             max_time: float | None = MAX_TIME, kind: str | None = None) -> Discovery:
    """Find feeds and sitemaps for ``url`` within ``max_time`` seconds (None: no limit).

    With ``kind`` ("feed", "sitemap" or "page") nothing is looked for: the URL
    itself must be readable as that kind, or :class:`DiscoveryError` says why.
    ``timeout`` bounds each network wait. Raises :class:`DiscoveryError` if the URL
    cannot be fetched, :class:`DiscoveryTimeout` when ``max_time`` runs out.
    """
    deadline = time.monotonic() + max_time if max_time else None
    client = _Client(user_agent, timeout, transport, deadline)
    if kind:
        return _within(client, url, max_time, lambda: _check_kind(client, url, kind))
    return _within(client, url, max_time, lambda: _discover(client, url))


def fetch_page(url: str, user_agent: str, timeout: float = 15.0, transport=None,
               max_time: float | None = MAX_TIME) -> _Page:
    """One page as ``newswatch follow`` reads it: robots.txt obeyed, within ``max_time``.

    Returns the page (``url`` after redirects, ``status_code``,
    ``content_type``, ``content``); raises :class:`DiscoveryError` when it
    cannot be fetched or answers with an HTTP error.
    """
    deadline = time.monotonic() + max_time if max_time else None
    client = _Client(user_agent, timeout, transport, deadline)
    return _within(client, url, max_time, lambda: _first(client, url))


def _within(client: _Client, url: str, max_time: float | None, work):
    deadline = client.deadline
    if deadline is None:
        return work()
    # A byte every few seconds in the headers, or a slow name lookup, blocks inside httpx
    # where no check of ours runs: the look runs in a thread, and we stop waiting for it
    # at the deadline. Left behind, the thread gives up at its next chunk of body or
    # when its (shortened) read timeout fires, and closes its connections.
    outcome: dict[str, object] = {}

    def look() -> None:
        try:
            outcome["found"] = work()
        except _Expired:
            pass
        except BaseException as exc:  # handed to the caller's thread
            outcome["error"] = exc
        finally:
            client.http.close()

    worker = threading.Thread(target=look, name="newswatch-discover", daemon=True)
    worker.start()
    worker.join(max(deadline - time.monotonic(), 0))
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    if "found" in outcome:
        return outcome["found"]
    raise DiscoveryTimeout(_timeout_message(url, max_time, client.current))


def _first(client: _Client, url: str) -> _Page:
    if not client.allowed(url):
        raise DiscoveryError(f"{url}: robots.txt does not allow us to fetch it")
    try:
        first = client.fetch(url, check_robots=False, errors=True)
    except httpx.HTTPError as exc:
        raise DiscoveryError(f"{url}: cannot fetch it: {exc or type(exc).__name__}") from None
    if first.status_code >= 400:
        raise DiscoveryError(f"{url}: HTTP {first.status_code}")
    return first


def _check_kind(client: _Client, url: str, kind: str) -> Discovery:
    """``url`` as the ``kind`` of source it was given as, or DiscoveryError saying what it is instead."""
    first = _first(client, url)
    found = Discovery(url, tried=[url])
    if kind == "page":
        if "html" not in first.content_type.lower() and first.content.lstrip()[:1] != b"<":
            raise DiscoveryError(f"{url}: not an HTML page ({first.content_type or 'no Content-Type'})")
        found.candidates.append(Candidate("page", first.url, how="as given (--kind)"))
        return found
    candidate = _as_feed(first) if kind == "feed" else _as_sitemap(first)
    if candidate is None:
        if kind == "feed":
            try:
                parse_feed(first.content, first.url, first.content_type or None)
                why = "it holds no entries and no title"
            except FeedError as exc:
                why = str(exc)
        else:
            why = "not a sitemap (no <urlset> or <sitemapindex>)"
            try:
                parse_sitemap(first.content, first.url, content_type=first.content_type or None)
            except SitemapError as exc:
                why = str(exc)
        raise DiscoveryError(f"{url}: not a {kind}: {why}")
    candidate.how = "as given (--kind)"
    found.candidates.append(candidate)
    return found


def _discover(client: _Client, url: str) -> Discovery:
    found = Discovery(url)
    seen: set[str] = set()

    def add(c: Candidate | None, how: str) -> None:
        if c and c.url not in seen:
            seen.add(c.url)
            c.how = how
            found.candidates.append(c)

    first = _first(client, url)
    found.tried.append(url)
    add(_as_feed(first), "the URL is a feed")
    add(_as_sitemap(first), "the URL is a sitemap")
    if found.candidates:
        return found
    page_url = first.url
    try:
        tree = parse_html(first.content, first.content_type or None)
    except (ValueError, lxml_html.etree.ParserError):
        tree = None
    if tree is not None:
        found.title = " ".join(" ".join(tree.xpath("//title//text()")).split())
        lang = [v.strip().lower().replace("_", "-") for v in tree.xpath("/html/@lang") if v.strip()]
        found.lang = lang[0] if lang else None
        for link in tree.xpath("//link[@href]"):
            rel = (link.get("rel") or "").lower().split()
            ctype = (link.get("type") or "").lower().split(";")[0].strip()
            if "alternate" in rel and ctype in _FEED_TYPES:
                href = urljoin(page_url, link.get("href").strip())
                found.tried.append(href)
                cand = _as_feed(client.fetch(href))
                if cand and not cand.title:
                    cand.title = link.get("title") or ""
                add(cand, "linked from the page (rel=alternate)")
    parts = urlsplit(page_url)
    root = f"{parts.scheme}://{parts.netloc}"
    if not any(c.kind == "feed" for c in found.candidates):
        prefixes = [root]
        if parts.path.strip("/"):  # a section page: try its own /feed first
            prefixes.insert(0, page_url.rstrip("/"))
        for prefix in prefixes:
            for path in COMMON_FEED_PATHS:
                probe = prefix + path
                if probe in seen:
                    continue
                found.tried.append(probe)
                add(_as_feed(client.fetch(probe)), f"at the common path {path}")
            if any(c.kind == "feed" for c in found.candidates):
                break
    robots = client.fetch(root + "/robots.txt", check_robots=False)
    if robots is not None and robots.status_code == 200:
        for sm in sitemaps_from_robots(robots.content, root + "/robots.txt")[:10]:
            found.tried.append(sm)
            add(_as_sitemap(client.fetch(sm)), "named in robots.txt")
    return found


def source_name(url: str, taken: set[str]) -> str:
    """A source name from a URL's host, unique among ``taken``: 'www.latribuna.hn' -> 'latribuna-hn'."""
    host = (urlsplit(url).hostname or "source").lower()
    host = re.sub(r"^(www\d*|m|feeds?|rss)\.", "", host)
    base = re.sub(r"[^a-z0-9]+", "-", host).strip("-")[:40] or "source"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    return name
