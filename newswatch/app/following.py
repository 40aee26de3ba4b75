"""Following stories in a run: each ``[[follows]]`` seed profiled, new items tested.

After a run has matched and stored its items, :func:`find_follow_ups` reads
each followed story's seed article (fetched once, kept in the
``follow_seeds`` table: later runs profile the kept page and never ask the
site again; a failed fetch is recorded there, shown by ``newswatch status``
and tried again next run) and tests the items this run stored or refreshed
with :func:`newswatch.follows.follows` (all stored items, the run its seed
is first read). Each follow-up becomes a match of
rule ``follow:<name>`` (terms: the evidence; snippet: the reason, such as
``quotes "…"``) with one pending alert per ``notify`` tag, so it is
delivered, muted, digested, browsed and counted like any rule's match.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from .. import storage
from ..config import Config, FollowConfig
from ..storage import follows as store

__all__ = ["PREFIX", "FollowReport", "find_follow_ups", "follow_reason", "seed_profile", "store_follow_ups"]

#: A follow-up's rule is this prefix and the story's name.
PREFIX = "follow:"
#: Seconds a seed page may take to arrive in a run.
SEED_MAX_TIME = 60.0


@dataclass
class FollowReport:
    """What following did in a run: follow-ups and alerts stored, seeds fetched or failed."""

    follow_ups: int = 0
    alerts: int = 0
    seeds_fetched: list[str] = field(default_factory=list)
    seeds_failed: dict[str, str] = field(default_factory=dict)
    # The stories whose seed was read: (table, profile, profile as tested).
    followed: list[tuple[FollowConfig, Any, Any]] = field(default_factory=list)
    links: dict[str, list[str]] = field(default_factory=dict)  # new follow-up id -> its links


def _fetch_seed(config: Config, db: Any, follow: FollowConfig, now: str) -> dict[str, Any] | None:
    """The kept seed page of ``follow``, fetching it when none is kept for its URL."""
    from ..discovery import DiscoveryError, fetch_page

    row = store.seed_row(db, follow.name)
    if row and row.get("page") is not None and row.get("url") == follow.url:
        return row
    try:
        page = fetch_page(follow.url, config.crawl.user_agent, timeout=config.crawl.timeout_s,
                          max_time=SEED_MAX_TIME)
    except DiscoveryError as exc:
        store.seed_failed(db, follow.name, follow.url, str(exc) or type(exc).__name__, now)
        return None
    store.save_seed(db, follow.name, follow.url, final_url=page.url, content_type=page.content_type,
                    page=page.content, now=now)
    return store.seed_row(db, follow.name)


def seed_profile(row: dict[str, Any], mode: tuple[str, ...]) -> Any:
    """The :class:`~newswatch.follows.SeedProfile` of a kept seed page, keeping
    only what ``mode``'s reasons look for (the addresses always identify the seed)."""
    from ..follows import profile

    seed = profile(row["final_url"] or row["url"], row["page"], content_type=row["content_type"])
    if row["url"] != seed.url:
        from ..follows import alias_key
        seed = dataclasses.replace(seed, keys=seed.keys | {alias_key(row["url"])})
    return dataclasses.replace(
        seed,
        sentences=seed.sentences if "quotes" in mode else (),
        names=seed.names if "names" in mode else ())


def _is_seed(seed: Any, item: dict[str, Any]) -> bool:
    from ..follows import alias_key

    return any(alias_key(item.get(k) or "") in seed.keys for k in ("url", "canonical_url"))


def find_follow_ups(config: Config, db: Any, *, changed_since: str, now: str) -> FollowReport:
    """Test the items stored or refreshed since ``changed_since`` against every followed story.

    Never raises for a seed that cannot be fetched: it is recorded and the
    other stories are followed. Raises :class:`newswatch.storage.StorageError`
    when follow-ups cannot be written.
    """
    report = FollowReport()
    for follow in config.follows:
        fetched_before = (store.seed_row(db, follow.name) or {}).get("fetched_at")
        row = _fetch_seed(config, db, follow, now)
        if row is None:
            report.seeds_failed[follow.name] = (store.seed_row(db, follow.name) or {}).get("error") or ""
            continue
        since_changed = changed_since
        if row.get("fetched_at") != fetched_before:
            report.seeds_fetched.append(follow.name)
            # A seed read for the first time (or again, after a failure or a new
            # URL) is tested against every stored item, not only this run's.
            since_changed = ""
        seed = seed_profile(row, follow.mode)
        # Without the links reason, no link counts; the seed's own addresses still do.
        test_seed = seed if "links" in follow.mode else dataclasses.replace(seed, keys=frozenset())
        one = (follow, seed, test_seed)
        report.followed.append(one)
        since = follow.since.isoformat() if follow.since else None
        items = store.items_to_test(db, since_changed, since)
        store_follow_ups(db, report, [(item, reason) for item in items
                                      if (reason := follow_reason(one, item)) is not None], follow, now)
    return report


def follow_reason(followed: tuple[FollowConfig, Any, Any], item: dict[str, Any]) -> Any:
    """The :class:`~newswatch.follows.Reason` ``item`` (a stored row, ``links`` a list)
    follows one story for, among the reasons of its ``mode``; None when it does not."""
    from ..follows import follows

    follow, seed, test_seed = followed
    if _is_seed(seed, item):
        return None  # the seed article, under any of its addresses, follows nothing
    if follow.since and item.get("published") and item["published"] < follow.since.isoformat():
        return None
    reason = follows(test_seed, item, item.get("links") or ())
    return reason if reason is not None and reason.kind in follow.mode else None


def store_follow_ups(db: Any, report: FollowReport, found: list[tuple[dict[str, Any], Any]],
                     follow: FollowConfig, now: str) -> None:
    """Store ``found`` (item, reason) as matches of ``follow``'s rule, with their alerts."""
    rule = f"{PREFIX}{follow.name}"
    matches, alerts, sources = [], [], {}
    for item, reason in found:
        matches.append({"item_id": item["id"], "rule": rule, "topic": None,
                        "terms": _json(list(reason.evidence) or [reason.kind]),
                        "fields": _json([reason.kind]), "snippet": reason.text,
                        "matched_at": now})
        sources[item["id"]] = item["source"]
        alerts.extend(storage.new_alerts(rule, item["cluster_id"], item["id"], follow.notify, now))
    added, queued = store.store_follow_ups(db, matches, alerts, sources)
    report.follow_ups += len(added)
    report.alerts += queued
    new = {m["item_id"] for m in added}
    for item, _ in found:
        if item["id"] in new:
            report.links[item["id"]] = list(item.get("links") or [])


def _json(values: list[str]) -> str:
    import json

    return json.dumps(values, ensure_ascii=False)
