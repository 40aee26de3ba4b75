"""One hop beyond the sources: pages the follow-ups of a run link to.

After :func:`newswatch.app.following.find_follow_ups`, :func:`discover`
fetches the pages this run's new follow-ups link to on hosts that are no
source's (robots.txt obeyed, one page at a time with the crawl's
``download_delay`` between two pages of one host, at most ``[discovery]
max_pages`` a run (default 100), ``hops`` deep (default 1: the pages the
follow-ups link to; 2: also what the pages kept at the first hop link to);
a host on a source's site counts as that source's), and, when ``[discovery]
rules`` names rules, the pages this run's items matched by them link to,
extracts each with the crawlers' trafilatura path, and stores it as an
item of source ``discovered:<host>`` only when it follows a story or
matches a rule. Every page asked for, kept or not, is remembered in
``discovered_pages`` and never fetched again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import storage
from ..config import Config
from ..storage import follows as store
from .following import FollowReport, follow_reason, store_follow_ups

__all__ = ["DiscoveryReport", "discover", "rule_links"]

#: Seconds one page may take.
PAGE_MAX_TIME = 30.0
#: Seconds discovery may take in a run: slow hosts do not hold back delivery.
RUN_MAX_TIME = 300.0
#: A discovered item's source is this prefix and the page's host.
PREFIX = "discovered:"


@dataclass
class DiscoveryReport:
    """Pages discovery fetched in a run, and how many it kept."""

    fetched: int = 0
    kept: int = 0


def rule_links(config: Config, db: Any, since: str) -> dict[str, list[str]]:
    """The links of the items ``[discovery] rules`` matched since ``since`` (this run), by item id."""
    import json

    if not config.discovery.rules:
        return {}
    marks = ",".join("?" * len(config.discovery.rules))
    rows = db.execute(
        f"SELECT DISTINCT i.id, i.links FROM matches m JOIN items i ON i.id = m.item_id "
        f"WHERE m.rule IN ({marks}) AND m.matched_at >= ? AND i.links IS NOT NULL",
        [*config.discovery.rules, since]).fetchall()
    return {item_id: json.loads(links) for item_id, links in rows if links}


def _candidates(config: Config, db: Any, follows: FollowReport, links_of: dict[str, list[str]],
                room: int) -> list[str]:
    """Links in ``links_of`` to pages on hosts no source is on, not visited yet, ``room`` at most."""
    from ..follows import alias_key
    from ..formats.owners import site_of
    from ..formats.urls import canonical_url, host_of

    # A page on a source's site (www., another subdomain) is that source's to find.
    source_sites = {site_of(s.url) for s in config.sources}
    seeds = set().union(*(seed.keys for _, seed, _ in follows.followed)) if follows.followed else set()
    links = [canonical_url(u) for links in links_of.values() for u in links]
    links = [u for u in dict.fromkeys(links)
             if host_of(u) and site_of(u) not in source_sites and alias_key(u) not in seeds]
    seen = store.visited(db, links)
    return [u for u in links if u not in seen][:room]


def _item(page: Any, url: str, now: str) -> Any:
    """The fetched page as a NewsItem of ``discovered:<host>``, or None when it holds no text."""
    from ..formats.articles import extract_article
    from ..formats.items import NewsItem
    from ..formats.urls import canonical_url, clean_url, host_of

    article = extract_article(page.content, page.url, page.content_type)
    if not article["body"]:
        return None
    host = host_of(url)
    published = article["published"]
    if published and len(published) == 10:
        published += "T00:00:00Z"
    return NewsItem(url=clean_url(page.url), canonical_url=url, title=article["title"] or "",
                    body=article["body"], author=article["author"] or "", published=published,
                    published_from="page" if published else None, links=list(article["links"]),
                    source=f"{PREFIX}{host}", fetched_at=now,
                    declared_canonical_url=canonical_url(article["canonical_url"] or "")
                    if article["canonical_url"] else "")


def discover(config: Config, ctx: Any, follows: FollowReport, now: str,
             should_stop: Callable[[], bool] = lambda: False,
             links_of: dict[str, list[str]] | None = None) -> DiscoveryReport:
    """Fetch, test and keep or drop the pages up to ``[discovery] hops`` from this run's
    follow-ups (and from the items of ``links_of``: item id -> its links).

    Stops early, the pages not yet fetched left unvisited, when
    ``should_stop`` says so, after ``[discovery] max_pages`` pages or after
    :data:`RUN_MAX_TIME` seconds.
    """
    report = DiscoveryReport()
    frontier = {**(links_of or {}), **follows.links}
    deadline = time.monotonic() + RUN_MAX_TIME
    for _ in range(config.discovery.hops):
        room = config.discovery.max_pages - report.fetched
        if not frontier or room <= 0 or should_stop() or time.monotonic() > deadline:
            break
        frontier = _hop(config, ctx, follows, now, _candidates(config, ctx.db, follows, frontier, room),
                        report, lambda: should_stop() or time.monotonic() > deadline)
    return report


def _hop(config: Config, ctx: Any, follows: FollowReport, now: str, urls: list[str],
         report: DiscoveryReport, should_stop: Callable[[], bool]) -> dict[str, list[str]]:
    """Fetch ``urls``, keeping the pages that follow a story or match a rule; their links."""
    from ..crawlers.derive import derive
    from ..crawlers.pipelines import item_record
    from ..discovery import DiscoveryError, fetch_page
    from ..formats.urls import host_of
    from ..stories import clustering

    db = ctx.db
    last_at: dict[str, float] = {}
    kept: dict[str, list[str]] = {}
    for url in urls:
        if should_stop():
            break
        host = host_of(url)
        wait = last_at.get(host, 0) + config.crawl.download_delay_s - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        try:
            page = fetch_page(url, config.crawl.user_agent, timeout=config.crawl.timeout_s,
                              max_time=PAGE_MAX_TIME)
        except DiscoveryError as exc:
            store.record_visit(db, url, host, now, "failed", str(exc))
            continue
        finally:
            last_at[host] = time.monotonic()
            report.fetched += 1
        try:
            item = _item(page, url, now)
        except ValueError:  # a rel=canonical urljoin cannot split ("http://[x/")
            item = None
        if item is None:
            store.record_visit(db, url, host, now, "dropped", "no article text")
            continue
        derive([item], ctx.matcher)
        row = {**item.row(), "links": list(item.links)}
        reasons = [(one[0], r) for one in follows.followed if (r := follow_reason(one, row)) is not None]
        if not reasons and not item.matches:
            store.record_visit(db, url, host, now, "dropped", "follows no story, matches no rule")
            continue
        clusters = clustering.clusters_for(ctx)
        item.cluster_id = clusters.assign(item.id, item.title_key, item.title, item.body,
                                          fingerprint=item.fingerprint).cluster_id
        store.add_discovered_source(db, item.source, f"{url.split('://', 1)[0]}://{host}/")
        storage.store_batch(db, [item_record(item, ctx.rules, now)])
        row["cluster_id"] = item.cluster_id
        for follow, reason in reasons:
            store_follow_ups(db, follows, [(row, reason)], follow, now)
        store.record_visit(db, url, host, now, "kept", ", ".join(
            [f"follow:{f.name}" for f, _ in reasons] + [m.rule for m in item.matches]), item.id)
        report.kept += 1
        kept[item.id] = list(item.links)
    return kept

