"""What one crawl needs to share between the spider and the pipelines."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from .. import storage
from ..config import Config, RuleConfig, Source
from ..schedule import next_due_at


def count_feed_documents(sources: Iterable[Source]) -> int:
    """How many of ``sources`` answer with a feed document: feeds and news searches."""
    return sum(1 for s in sources if s.kind in ("feed", "search"))


@dataclass
class FetchResult:
    """The outcome of fetching one source in this run (a row of ``fetches``)."""

    source: str
    url: str
    status: str = ""
    items: int = 0
    items_new: int = 0
    matches_new: int = 0
    duration_ms: int = 0
    error: str | None = None
    ok: bool = True
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    warning: str | None = None
    # Article pages requested for this source and not yet handled. When a run
    # stops with some still pending, the fetch is recorded as interrupted and
    # its validators are not kept, so the next run reads the source again.
    pending: int = 0
    not_stored: bool = False  # some of its items could not be written (a full disk)
    mojibake: int = 0  # new items whose text still looks mis-decoded after repair
    # Entries the source listed that were not stored, and why ("2 no http(s) link"):
    # recorded on the fetch so `newswatch status` shows the gap, not only the console.
    skipped: int = 0
    skipped_why: str | None = None
    feed_title: str | None = None  # the feed's own title: the outlet's name in alerts

    @property
    def reason(self) -> str:
        """``error`` without the source's own URL in front, for a line that names the source:
        a long URL (a news search's) made one failing source three lines of a terminal."""
        return (self.error or "").removeprefix(f"{self.url}: ")

    def read_again(self) -> None:
        """Keep no validators: the next run reads the source in full instead of finding it
        "not modified" or unchanged (after a failure, or when some of it was left for later)."""
        self.etag = self.last_modified = self.body_hash = None

    def row(self, run_id: int, fetched_at: str, next_due_at: str | None) -> dict[str, Any]:
        return {
            "run_id": run_id, "source": self.source, "url": self.url, "status": self.status,
            "items": self.items, "items_new": self.items_new, "duration_ms": self.duration_ms,
            "error": self.error, "fetched_at": fetched_at, "ok": self.ok, "etag": self.etag,
            "last_modified": self.last_modified, "body_hash": self.body_hash,
            "next_due_at": next_due_at, "not_stored": self.not_stored, "mojibake": self.mojibake,
            "skipped": self.skipped or None, "skipped_why": self.skipped_why,
            "feed_title": self.feed_title,
        }


@dataclass
class RunContext:
    """Config, database, compiled rules and the running tally of one crawl."""

    config: Config
    db: Database
    matcher: Any  # newswatch.rules.Matcher
    run_id: int
    sources: list[Source]
    now: str = field(default_factory=storage.now_iso)
    results: dict[str, FetchResult] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=lambda: {
        "items_new": 0, "items_updated": 0, "matches_new": 0, "alerts_new": 0})
    on_fetch: Callable[[FetchResult], None] | None = None
    on_item: Callable[[Any], None] | None = None
    _feed_parser: Any = None
    _writer: Any = None
    # The first write that failed (a full disk, ...): the run ends with this error.
    storage_error: str | None = None

    @property
    def feed_documents(self) -> int:
        """How many of the run's sources answer with a feed (see :func:`count_feed_documents`)."""
        return count_feed_documents(self.sources)

    @property
    def feed_parser(self):
        """The run's :class:`~newswatch.crawlers.parsing.FeedParser`, started on first use."""
        if self._feed_parser is None:
            from .parsing import FeedParser

            self._feed_parser = FeedParser(self.feed_documents, matcher=self.matcher,
                                           rules=[(r.name, r.query) for r in self.config.rules],
                                           aliases=self.config.aliases,
                                           workers=self.config.crawl.parse_workers,
                                           database=self.config.database)
        return self._feed_parser

    @property
    def writer(self):
        """The run's :class:`~newswatch.crawlers.writer.BatchWriter`, started on first use."""
        if self._writer is None:
            from .writer import BatchWriter

            self._writer = BatchWriter(self.config.database)
        return self._writer

    def close(self) -> None:
        """Release what the run started (the feed-parsing workers, the writer thread)."""
        if self._feed_parser is not None:
            self._feed_parser.close()
            self._feed_parser = None
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def __post_init__(self) -> None:
        self.rules: dict[str, RuleConfig] = {r.name: r for r in self.config.rules}
        self.state = storage.sources_state(self.db)
        # item id -> (source, native) of the copy handled first in this run
        self._seen_ids: dict[str, tuple[str, bool]] = {}
        self._seen_guids: dict[tuple[str, str], str] = {}
        # article URL -> (source, native) of the source handling it in this run
        self._claimed_urls: dict[str, tuple[str, bool]] = {}
        # (item id, source, url, seen at) of copies of URLs another source handles: see storage.store_batch
        self.sightings: list[tuple[str, str, str, str]] = []
        self._sites: dict[str, str] = {}

    def storage_failed(self, error: Exception, sources=()) -> None:
        """A write failed (disk full, ...): the run ends with this error; see :meth:`items_not_stored`."""
        self.storage_error = self.storage_error or str(error)
        self.items_not_stored(error, sources)

    def items_not_stored(self, error: Exception, sources) -> None:
        """The fetches of ``sources``, some of whose items were not stored, count as failed and
        keep no validators, so the next run reads them again instead of skipping them as unchanged."""
        for name in set(sources):
            res = self.results.get(name)
            if res is not None:
                res.ok = False
                res.not_stored = True
                res.error = f"items not stored: {error}"
                res.read_again()

    def claim_url(self, url: str, source: str = "", native: bool = False) -> bool:
        """True when ``source`` is to handle this article URL in this run: the first time the
        run meets it, or when ``native`` (the URL is on the source's own site) and the source
        that met it first is not on that site. False otherwise: see :meth:`claimed_by`."""
        held = self._claimed_urls.get(url)
        if held is None or (native and not held[1] and held[0] != source):
            self._claimed_urls[url] = (source, native)
            return True
        return False

    def claimed_by(self, url: str) -> str | None:
        """The source handling this article URL in this run, if any."""
        held = self._claimed_urls.get(url)
        return held[0] if held else None

    def publishes(self, source: str, url: str) -> bool:
        """True when ``url`` is on the site of ``source``'s own URL (newswatch.formats.owners)."""
        from ..formats.owners import site_of

        site = self._sites.get(source)
        if site is None:
            src = next((s for s in self.sources if s.name == source), None)
            site = self._sites[source] = site_of(src.url) if src else ""
        return bool(site) and site_of(url) == site

    def sighted(self, item_id: str, source: str, url: str, seen_at: str) -> None:
        """``source`` carries an item another source handles: stored with the next batch."""
        self.sightings.append((item_id, source, url, seen_at))

    def fetch_articles_for(self, source: Source) -> bool:
        if source.fetch_articles is not None:
            return source.fetch_articles
        # Sitemaps and listing pages carry no text, and search links must be
        # followed to reach the publisher: these kinds fetch pages unless told not to.
        return source.kind in ("sitemap", "site", "search") or self.config.crawl.fetch_articles

    def article_done(self, source: str) -> None:
        """An article page requested for ``source`` was handled (stored or given up)."""
        res = self.results.get(source)
        if res is not None and res.pending > 0:
            res.pending -= 1

    def seen_in_run(self, item_id: str, guid: str | None, source: str = "", native: bool = False) -> str | None:
        """The id of an item already handled in this run under this id, or this GUID of ``source``.

        Not when ``native`` (``source`` is the site of the item's URL) and the copy
        handled first came from a source that is not: that copy may be taken over.
        """
        held = self._seen_ids.get(item_id)
        if held is not None and not (native and not held[1] and held[0] != source):
            return item_id
        if guid and (source, guid) in self._seen_guids:
            return self._seen_guids[(source, guid)]
        return None

    def mark_seen(self, item_id: str, guid: str | None, source: str = "", native: bool = False) -> None:
        held = self._seen_ids.get(item_id)
        if held is None or (native and not held[1]):
            self._seen_ids[item_id] = (source, native)
        if guid:  # GUIDs are unique within a feed only
            self._seen_guids.setdefault((source, guid), item_id)

    def fetch_rows(self, kinds: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
        """The ``fetches`` rows of sources of ``kinds`` (all when None), each with its next due time.

        A source whose article pages were not all handled (the run was
        stopped) is recorded as ``interrupted``: its ETag, Last-Modified and
        body hash are not kept, so nothing it announced is skipped next time.
        """
        rows = []
        by_name = {s.name: s for s in self.sources}
        for res in self.results.values():
            src = by_name.get(res.source)
            if kinds is not None and (src is None or src.kind not in kinds):
                continue
            if res.pending and res.ok:
                res.status = "interrupted"
                res.warning = f"stopped with {res.pending} article pages not fetched; read again next run"
                res.read_again()
            streak = 0 if res.ok else (self.state.get(res.source, {}).get("error_streak") or 0) + 1
            due = next_due_at(src.interval_s, self.now, streak) if src else None
            rows.append(res.row(self.run_id, self.now, due))
        return rows
