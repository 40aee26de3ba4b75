"""Planning new sources: a site's feeds discovered (``sources add``), an OPML file read
(``sources import``); then the plan written into the config file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Config
from ..errors import NewswatchError
from .config_write import NewSource, append_sources, configured_urls, new_source, slug, url_key
from .loading import ConfigLike, as_config

_LANG_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")


class SourcesError(NewswatchError):
    """Nothing can be added: the site could not be read, has no feed, is already a source ...

    ``found`` is what discovery saw, if it got that far (a
    :class:`~newswatch.discovery.Discovery`), to show the user.
    """

    def __init__(self, message: str, found: Any = None):
        super().__init__(message)
        self.found = found


@dataclass
class SourcesPlan:
    """Sources to append to ``config_path``, and what they were planned from.

    ``tables`` are the ``[[sources]]`` to write (each has ``fields`` and
    ``text``). After :func:`sources_add`: ``found`` (the discovery; None
    with a given ``kind``) and ``best`` (the chosen candidate). After
    :func:`sources_import`: ``feeds`` (every feed of the file) and
    ``unusable`` (outline URLs that are not absolute http(s)).
    """

    config_path: Path
    tables: list[NewSource] = field(default_factory=list)
    found: Any = None
    best: Any = None
    feeds: list[Any] = field(default_factory=list)
    unusable: list[str] = field(default_factory=list)

    @property
    def already_configured(self) -> int:
        """How many feeds of an imported file are sources already."""
        return len(self.feeds) - len(self.tables) - len(self.unusable)


def sources_add(config: ConfigLike, url: str, *, name: str | None = None, kind: str | None = None,
                lang: str | None = None, interval: str | None = None, max_time: float = 60,
                force: bool = False) -> SourcesPlan:
    """Plan a source for ``url``: its best feed or sitemap, found by discovery (or ``kind`` as given).

    A URL given with ``kind`` is fetched once and must read as that kind (a
    feed that parses, a sitemap, an HTML page); ``force`` skips that check.

    Nothing is written: pass the plan to :func:`write_sources`. Raises
    :class:`SourcesError` when the site cannot be read, offers no feed or
    sitemap, is already configured, or its URL cannot be a source.
    """
    from ..discovery import Candidate, DiscoveryError, discover, source_name

    config = as_config(config)
    if kind and force:
        found, best = None, Candidate(kind, url, how="as given (--kind, --force)")
    else:
        try:
            found = discover(url, config.crawl.user_agent, timeout=config.crawl.timeout_s, max_time=max_time,
                             kind=kind)
        except DiscoveryError as exc:
            hint = " (add it anyway with --force)" if kind else ""
            raise SourcesError(f"{exc}{hint}") from None
        best = found.candidates[0] if kind else found.best
        if best is None:
            raise SourcesError(
                f"no feed or sitemap found for {url} (tried {len(found.tried)} URLs, incl. "
                f"{', '.join(found.tried[1:4]) or url}). To watch the page itself for changes: "
                f"`newswatch sources add {url} --kind page`; for a listing page without a feed, write a "
                "kind = \"site\" source with selectors (see docs/sources.md).", found)
    if url_key(best.url) in configured_urls(config):
        raise SourcesError(f"{best.url} is already a source in {config.path}", found)
    fields = {
        "name": name or source_name(best.url, {s.name for s in config.sources}),
        "kind": best.kind, "url": best.url,
        "lang": lang or best.lang or (found.lang if found else None), "interval": interval,
    }
    if fields["lang"] and not _LANG_CODE.match(fields["lang"].lower()):
        fields["lang"] = None  # what a site says is not always a language code
    try:  # the URL may come from the page: written as it will be requested, ${ and all encoded
        table = new_source(fields, comment=f"added by `newswatch sources add {url}`")
    except ValueError as exc:
        raise SourcesError(f"{best.url}: cannot be a source: {exc}", found) from None
    return SourcesPlan(Path(config.path), [table], found=found, best=best)


def sources_import(config: ConfigLike, opml_file: str | Path) -> SourcesPlan:
    """Plan a feed source for each feed of an OPML file (from a feed reader) not configured yet.

    Nothing is written: pass the plan to :func:`write_sources`. Raises
    :class:`SourcesError` for a file that is not OPML.
    """
    from ..formats.opml import OpmlError, read_opml

    config = as_config(config)
    opml_file = Path(opml_file)
    try:
        feeds = read_opml(opml_file.read_bytes())
    except OpmlError as exc:
        raise SourcesError(f"{opml_file}: {exc}") from None
    plan = SourcesPlan(Path(config.path), feeds=feeds)
    known = configured_urls(config)
    taken = {s.name for s in config.sources}
    for f in feeds:
        key = url_key(f.url)
        if key in known:
            continue
        lang = f.lang if f.lang and _LANG_CODE.match(f.lang) else None
        # Titles and URLs are the file's, not the user's: new_source writes them inert
        # (one-line comment; URL percent-encoded as it will be requested, so no ${...}).
        try:
            table = new_source({"name": slug(f.title, taken, fallback="feed"), "kind": "feed", "url": f.url,
                                "lang": lang}, comment=f"{f.title} ({f.category})" if f.category else f.title)
        except ValueError:
            plan.unusable.append(f.url)
            continue
        known.add(key)
        taken.add(table.fields["name"])
        plan.tables.append(table)
    return plan


def write_sources(plan: SourcesPlan) -> Config:
    """Append the plan's sources to its config file; returns the configuration as loaded after.

    The file is left as it was when the result would not read back as
    exactly the old file plus these sources
    (:class:`~newswatch.app.config_write.UnsafeTable`), or no longer loads
    (:class:`~newswatch.config.ConfigError`).
    """
    return append_sources(plan.config_path, plan.tables)


def sources_export(config: ConfigLike = None) -> str:
    """The feed and search sources as an OPML document (for a feed reader); other kinds are left out."""
    from ..formats.opml import write_opml

    config = as_config(config)
    return write_opml(config.sources, title=f"newswatch sources from {config.path.name}")
