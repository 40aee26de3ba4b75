"""Digests: one message per (rule, tag) listing the stories since the previous one.

Digests of one tag that are due in the same run (rules on the same schedule)
are sent as one message, each article listed once with every rule that
matched it, and its evidence snippet.

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
  not wait a day (spike alerts, ``spike:<topic>``, are such rules).
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
from .context import Labels, label_of, rules_of
from .delivery import (
    DeliveryReport,
    _default_worker,
    _now,
    forget_legacy_secrets,
    pacing_notes,
    send_message,
)
from .render import Renderer
from .spike import PREFIX as SPIKE_PREFIX
from .spike import is_spike, spikes_of

__all__ = ["DEFAULT_DIGEST", "OVERFLOW_DIGEST", "compose", "deliver_digests", "schedules_for"]

log = logging.getLogger(__name__)

DEFAULT_DIGEST = "daily 07:00"
OVERFLOW_DIGEST = "hourly"
_MAX_ERROR = 1000


def schedules_for(rules: Iterable[Any], timezone: str = "UTC") -> Callable[[str], Schedule]:
    """rule name -> its digest :class:`Schedule`, from objects with name, mode and digest.

    A rule that is no longer configured (its alerts are still waiting) gets
    the daily default; a spike alert's ``spike:<topic>`` the hourly one.
    Raises ValueError for a schedule that does not parse (the config loader
    has reported it already).
    """
    table = {}
    for rule in rules:
        text = rule.digest or (OVERFLOW_DIGEST if rule.mode == "immediate" else DEFAULT_DIGEST)
        table[rule.name] = parse_schedule(text, timezone)
    fallback = parse_schedule(DEFAULT_DIGEST, timezone)
    # A spike alert is immediate: deferred by the rate limit, it should not wait a day.
    overflow = parse_schedule(OVERFLOW_DIGEST, timezone)
    return lambda name: table.get(name) or (overflow if name.startswith(SPIKE_PREFIX) else fallback)


def compose(
    digest: dict[str, Any] | list[dict[str, Any]],
    entries: list[dict[str, Any]],
    labels: Labels | None = None,
) -> dict[str, Any]:
    """The template context of a digest: its articles grouped into stories, newest first.

    ``digest`` may be several digests of one tag sent as one message;
    ``entries`` are then all their rows (see ``digest_entries``). An article
    matched by several rules is listed once with all of them: each story
    has ``rules`` (name, topic, description, terms) and the lead article's
    evidence ``snippet``. Spike alerts among the entries are not stories:
    they are listed apart, as ``spikes`` (see
    :func:`newswatch.notifier.spike.spikes_of`).
    """
    labels = labels or Labels()
    digests = digest if isinstance(digest, list) else [digest]
    spikes = spikes_of(entries, labels)
    all_entries, entries = entries, [e for e in entries if not is_spike(e)]
    articles: dict[Any, list[dict[str, Any]]] = {}
    for entry in entries:  # oldest first (by when newswatch first saw them)
        articles.setdefault(entry["item_id"], []).append(entry)
    clusters: dict[str, list[list[dict[str, Any]]]] = {}
    for rows in articles.values():
        clusters.setdefault(rows[0]["cluster_id"] or rows[0]["item_id"], []).append(rows)
    stories = []
    for cluster_id, members in clusters.items():
        lead = members[0][0]
        also, outlets = [], {lead["source"]}
        for other in (rows[0] for rows in members[1:]):
            if other["source"] not in outlets:
                outlets.add(other["source"])
                also.append({"source": labels.outlet(other["source"], other.get("feed_title")),
                             "url": other["url"], "title": other["title"]})
        rules = rules_of([row for rows in members for row in rows], labels)
        newest = max((rows[0]["published"] or rows[0]["fetched_at"] or "") for rows in members)
        stories.append({
            **{k: lead.get(k) for k in ("title", "url", "published", "summary", "snippet", "lang")},
            "source": labels.outlet(lead["source"], lead.get("feed_title")),
            "terms": rules[0]["terms"],
            "rules": rules,
            "cluster_id": cluster_id,
            "articles": len(members),
            "also": also,
            "newest": newest,
        })
    stories.sort(key=lambda s: (s["newest"], s["cluster_id"]), reverse=True)
    rules = rules_of([*({"rule": d["rule"]} for d in digests), *all_entries], labels)
    for rule in rules:  # the topic of a digest's rule, from its rows
        rule["topic"] = rule["topic"] or next(
            (e.get("topic") for e in all_entries if e.get("rule") == rule["name"] and e.get("topic")), None)
    label = label_of(rules)
    # A spike's rule is no rule a reader wrote: its topic is in the label, its text in ``spikes``.
    rules = [r for r in rules if not r["name"].startswith(SPIKE_PREFIX)]
    first = digests[0]
    return {
        "id": first["id"],
        "ids": [d["id"] for d in digests],
        "rule": first["rule"],
        "rules": rules,
        "label": label,
        "topic": rules[0]["topic"] if rules else (spikes[0]["topic"] if spikes else None),
        "tag": first["tag"],
        "schedule": first.get("schedule"),
        "slot": first.get("slot"),
        "since": min((d.get("since") for d in digests if d.get("since")), default=None),
        "n_stories": len(stories),
        "n_articles": len(articles),
        "stories": stories,
        "spikes": spikes,
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
    labels: Labels | None = None,
    on_notice: Callable[[str], None] | None = None,
) -> DeliveryReport:
    """Open the digests that are due and deliver every open one; counts are digests.

    Same clock, worker, retry, throttle, ``labels`` and ``on_notice`` rules
    as :func:`~newswatch.notifier.deliver_pending`. The digests of one tag
    that are due together (two rules on one schedule) go out as one message
    that lists each article once with all its rules. A digest with nothing
    in it is never opened, so never sent.
    """
    renderer = Renderer(templates_dir, labels)
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
        by_tag: dict[str, list[dict[str, Any]]] = {}
        for digest in batch:
            by_tag.setdefault(str(digest["tag"]).lower(), []).append(digest)
        if throttle and on_notice:
            for line in pacing_notes(list(by_tag), channels):
                on_notice(line)
        try:
            for group in by_tag.values():
                for digest in group:
                    untouched.remove(digest["id"])
                rows = {d["id"]: digest_entries(db, d["id"]) for d in group}
                live = [d for d in group if rows[d["id"]]]
                ok, error = True, None
                if live:
                    by_id = {d["id"]: d for d in live}
                    ok, error = send_message(
                        "digest", list(by_id), live[0]["tag"],
                        lambda style, ids, by_id=by_id, rows=rows: renderer.render_digest(
                            compose([by_id[i] for i in ids], [e for i in ids for e in rows[i]],
                                    renderer.labels), style),
                        channels, throttle, db, now,
                    )
                for digest in group:
                    context = compose(digest, rows[digest["id"]], renderer.labels)
                    if rows[digest["id"]]:
                        _record(db, digest, context, ok, error, now or _now(), max_attempts, report)
                    else:  # its articles were deleted meanwhile: nothing to say
                        _record(db, digest, context, True, None, now or _now(), max_attempts, report)
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
