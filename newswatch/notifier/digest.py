"""Digests: one message per (rule, tag) listing the stories since the previous one.

:func:`deliver_digests` opens every digest that is due (see
:mod:`newswatch.storage.digests` for when that is), then delivers the open
ones like alerts: per-URL, marked sent only on Apprise's success, retried
with backoff, dead after the last try.

A digest lists stories, not articles: the articles of one cluster are one
entry, led by the first one newswatch saw, with the other outlets that
carried it as "also covered by". Stories are listed newest first, and the
head counts both ("3 stories, 7 articles").

Which schedule a rule's digest follows (:func:`schedules_for`):

- the rule's ``digest`` setting, when it has one;
- else ``daily 07:00`` (:data:`DEFAULT_DIGEST`) for rules whose mode is
  ``digest`` or ``both``;
- else ``hourly`` (:data:`OVERFLOW_DIGEST`): an ``immediate`` rule only has a
  digest when its tag went over ``max_per_hour``, and then the excess should
  not wait a day.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from ..schedule import Schedule, parse_schedule
from ..storage.digests import (
    claim_due_digests,
    digest_entries,
    mark_digest_failed,
    mark_digest_sent,
    open_due_digests,
    release_digest_claims,
)
from .channels import Channels
from .delivery import DeliveryReport, _default_worker, _now, forget_legacy_secrets, send_message
from .render import Renderer

__all__ = ["DEFAULT_DIGEST", "OVERFLOW_DIGEST", "compose", "deliver_digests", "schedules_for"]

log = logging.getLogger(__name__)

DEFAULT_DIGEST = "daily 07:00"
OVERFLOW_DIGEST = "hourly"
_MAX_ERROR = 1000


def schedules_for(rules: Iterable[Any], timezone: str = "UTC") -> Callable[[str], Schedule]:
    """rule name -> its digest :class:`Schedule`, from objects with name, mode and digest.

    A rule that is no longer configured (its alerts are still waiting) gets
    the daily default. Raises ValueError for a schedule that does not parse
    (the config loader has reported it already).
    """
    table = {}
    for rule in rules:
        text = rule.digest or (OVERFLOW_DIGEST if rule.mode == "immediate" else DEFAULT_DIGEST)
        table[rule.name] = parse_schedule(text, timezone)
    fallback = parse_schedule(DEFAULT_DIGEST, timezone)
    return lambda name: table.get(name, fallback)


def compose(digest: dict[str, Any], entries: list[dict[str, Any]]) -> dict[str, Any]:
    """The template context of a digest: its articles grouped into stories, newest first."""
    clusters: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:  # oldest first (by when newswatch first saw them)
        clusters.setdefault(entry["cluster_id"] or entry["item_id"], []).append(entry)
    stories = []
    for cluster_id, articles in clusters.items():
        lead = articles[0]
        also, outlets = [], {lead["source"]}
        for other in articles[1:]:
            if other["source"] not in outlets:
                outlets.add(other["source"])
                also.append({"source": other["source"], "url": other["url"], "title": other["title"]})
        newest = max((a["published"] or a["fetched_at"] or "") for a in articles)
        stories.append({
            **{k: lead.get(k) for k in ("title", "url", "source", "published", "summary",
                                        "snippet", "terms", "lang")},
            "cluster_id": cluster_id,
            "articles": len(articles),
            "also": also,
            "newest": newest,
        })
    stories.sort(key=lambda s: (s["newest"], s["cluster_id"]), reverse=True)
    topic = next((e["topic"] for e in entries if e.get("topic")), None)
    return {
        "id": digest["id"],
        "rule": digest["rule"],
        "topic": topic,
        "tag": digest["tag"],
        "schedule": digest.get("schedule"),
        "slot": digest.get("slot"),
        "since": digest.get("since"),
        "n_stories": len(stories),
        "n_articles": len(entries),
        "stories": stories,
    }


def deliver_digests(
    db: Database,
    channels: Channels,
    schedule_for: Callable[[str], Schedule],
    now: str | None = None,
    worker: str | None = None,
    max_attempts: int = 8,
    templates_dir: str | Path | None = None,
    throttle: bool = True,
) -> DeliveryReport:
    """Open the digests that are due and deliver every open one; counts are digests.

    Same clock, worker, retry and throttle rules as
    :func:`~newswatch.notifier.deliver_pending`. A digest with nothing in it
    is never opened, so never sent.
    """
    renderer = Renderer(templates_dir)
    worker = worker or _default_worker()
    report = DeliveryReport()
    forget_legacy_secrets(db, channels)
    opened = open_due_digests(db, schedule_for, now or _now())
    if opened:
        log.info("opened %d digests: %s", len(opened), opened)
    while True:
        batch = claim_due_digests(db, now or _now(), worker, limit=10)
        if not batch:
            break
        untouched = [d["id"] for d in batch]
        try:
            for digest in batch:
                untouched.remove(digest["id"])
                context = compose(digest, digest_entries(db, digest["id"]))
                if context["n_articles"]:
                    ok, error = send_message(
                        "digest", digest["id"], digest["tag"],
                        lambda style, c=context: renderer.render_digest(c, style),
                        channels, throttle, db, now,
                    )
                else:  # its articles were deleted meanwhile: nothing to say
                    ok, error = True, None
                _record(db, digest, context, ok, error, now or _now(), max_attempts, report)
        finally:
            release_digest_claims(db, untouched, worker)
    return report


def _record(db, digest, context, ok, error, now, max_attempts, report) -> None:
    name = f"digest {digest['id']} ({digest['rule']} -> {digest['tag']})"
    if ok:
        mark_digest_sent(db, digest["id"], now)
        report.sent += 1
        log.info("%s sent: %d stories, %d articles", name, context["n_stories"], context["n_articles"])
        return
    error = (error or "delivery failed")[:_MAX_ERROR]
    status = mark_digest_failed(db, digest["id"], error, now, max_attempts=max_attempts)
    report.count_failure(name, error, status, max_attempts)
