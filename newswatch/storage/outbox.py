"""The outbox: alert rows waiting to be delivered, and their life cycle.

An alert row moves through these states::

    pending --claim--> sending --mark_sent--> sent
       ^                  |
       |                  +--mark_failed--> failed --(backoff due)--> claimed again
       |                  |                    \\--(max attempts)--> dead
       +----retry_alert---+--------------------------------------------/

    pending --claim, but its tag is over the hourly limit--> deferred
    deferred --(the digest of its rule and tag is sent)--> sent

Rows of ``mode = 'digest'`` are not claimed one by one: they wait
(``pending``) for the digest of their (rule, tag), as ``deferred`` rows do
(see :mod:`newswatch.storage.digests`).

The pipeline inserts ``pending`` rows in the same transaction as their item.
A deliverer *claims* due rows in one write (``UPDATE ... RETURNING``), so two
processes never hold the same row; a claim older than
:data:`STALE_CLAIM_AFTER` is taken to belong to a crashed process and may be
claimed again (that is the "at least once" half of the contract: a process
that died after sending but before recording it may cause one repeat).

This module is plain SQL through sqlite-utils; it knows nothing of Apprise.
All timestamps are UTC ISO 8601 text with seconds precision and a ``Z``
(``2026-11-28T07:30:00Z``), which sorts correctly as text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any, TypeVar

from sqlite_utils import Database

from ..schedule import iso, parse_time

__all__ = [
    "BACKOFF",
    "STALE_CLAIM_AFTER",
    "STATUSES",
    "alert_counts",
    "claim_due_alerts",
    "delivered_targets",
    "list_alerts",
    "mark_failed",
    "mark_sent",
    "new_alerts",
    "next_attempt_at",
    "record_delivery",
    "release_claims",
    "rename_targets",
    "retry_alert",
    "scrub_errors",
]

STATUSES = ("pending", "sending", "sent", "failed", "dead", "deferred")

#: The sliding window of the per-tag rate limit on immediate alerts.
RATE_WINDOW = timedelta(hours=1)

#: Wait before the 1st, 2nd, 3rd ... retry; the last step repeats.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)

#: A 'sending' claim older than this is from a process that died mid-send.
STALE_CLAIM_AFTER = timedelta(minutes=10)

T = TypeVar("T")

#: The outbox modes each rule ``mode`` queues an alert in.
RULE_MODES = {"immediate": ("immediate",), "digest": ("digest",), "both": ("immediate", "digest")}


def new_alerts(rule: str, cluster_id: str | None, item_id: str, tags: Iterable[str], now: str,
               mode: str = "immediate") -> list[dict[str, Any]]:
    """The pending outbox rows of one match: one per tag and per outbox mode of the rule's
    ``mode`` (immediate, digest or both), due at once."""
    return [{"rule": rule, "cluster_id": cluster_id, "item_id": item_id, "tag": tag, "mode": each,
             "status": "pending", "attempts": 0, "next_attempt_at": now, "created_at": now}
            for tag in tags for each in RULE_MODES[mode]]


def next_attempt_at(attempts: int, now: str) -> str:
    """When to try again after ``attempts`` failed tries (1 min, 5, 30, 2 h, 6 h ...)."""
    step = BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]
    return iso(parse_time(now) + step)


def _in_write_transaction(db: Database, work: Callable[[], T]) -> T:
    """Run ``work`` holding SQLite's write lock from the first statement.

    BEGIN IMMEDIATE takes the lock up front (waiting up to the connection's
    busy timeout), so a claim never reads rows another writer is about to
    change. Inside a caller's open transaction the work simply joins it.
    """
    conn = db.conn
    if conn.in_transaction:
        return work()
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = work()
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return result


_ALERT_JOIN = """
SELECT a.*,
       i.title, i.url, i.source, i.published, i.summary, i.lang,
       m.terms, m.fields, m.snippet, m.topic, s.feed_title
FROM alerts a
LEFT JOIN items i ON i.id = a.item_id
LEFT JOIN matches m ON m.item_id = a.item_id AND m.rule = a.rule
LEFT JOIN sources s ON s.name = i.source
"""


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    for key in ("terms", "fields"):
        value = row.get(key)
        if isinstance(value, str):
            try:
                row[key] = json.loads(value)
            except ValueError:
                row[key] = [value]
        elif value is None:
            row[key] = []
    return row


# An alert row that is due: new or failed with its retry time come, or claimed
# by a process that has been silent too long.
_DUE = """(
    (status IN ('pending', 'failed') AND COALESCE(next_attempt_at, created_at) <= :now)
    OR (status = 'sending' AND COALESCE(claimed_at, '') <= :stale_before)
)"""


def claim_due_alerts(
    db: Database,
    now: str,
    worker: str,
    mode: str = "immediate",
    limit: int = 500,
    rate_limit: Callable[[str], int | None] | None = None,
    deferred: list[int] | None = None,
) -> list[dict[str, Any]]:
    """Claim up to ``limit`` due alerts of ``mode`` for ``worker``; return them.

    Due means: 'pending' or 'failed' with ``next_attempt_at <= now``, or
    'sending' with a claim older than :data:`STALE_CLAIM_AFTER`. The claim is
    a single ``UPDATE ... RETURNING`` inside ``BEGIN IMMEDIATE``, so rows
    claimed here are invisible to every other claimer. Each returned dict is
    the alert row joined with its item (title, url, source, published,
    summary, lang) and match (terms and fields as lists, snippet, topic).
    Oldest due first. The rows of one article for one tag (several rules
    matched it) are claimed together, so ``limit`` counts articles and
    the caller can send them as one message.

    ``rate_limit(tag)`` caps immediate alerts per tag in any hour (None: no
    cap), counted in articles. Alerts sent in the last hour and live claims count against it;
    due alerts beyond it become 'deferred', in the same transaction, and go
    into the next digest of their rule and tag instead of being sent now;
    their ids are appended to ``deferred`` when given.
    """
    stale_before = iso(parse_time(now) - STALE_CLAIM_AFTER)
    params = {
        "now": now,
        "worker": worker,
        "mode": mode,
        "limit": limit,
        "stale_before": stale_before,
    }

    def claim() -> list[int]:
        # The first ``limit`` due rows, and every due row for the same article
        # and tag: they go out together as one message.
        rows = db.execute(
            f"""
            UPDATE alerts
            SET status = 'sending', claimed_by = :worker, claimed_at = :now
            WHERE mode = :mode AND {_DUE} AND id IN (
                WITH first AS (
                    SELECT id, item_id, tag FROM alerts
                    WHERE mode = :mode AND {_DUE}
                    ORDER BY COALESCE(next_attempt_at, created_at), id
                    LIMIT :limit
                )
                SELECT id FROM first
                UNION
                SELECT sibling.id FROM alerts sibling
                JOIN first ON sibling.item_id = first.item_id AND sibling.tag = first.tag
            )
            RETURNING id
            """,
            params,
        ).fetchall()
        return [row[0] for row in rows]

    def claim_within_limits() -> list[int]:
        due = db.execute(
            f"""
            SELECT id, tag, item_id FROM alerts
            WHERE mode = :mode AND {_DUE}
            ORDER BY COALESCE(next_attempt_at, created_at), id
            """,
            params,
        ).fetchall()
        if not due:
            return []
        # The limit counts messages: one per article and tag, however many rules matched it.
        used = dict(db.execute(
            """
            SELECT tag, COUNT(DISTINCT item_id) FROM alerts
            WHERE mode = 'immediate' AND (
                (status = 'sent' AND COALESCE(sent_via, 'immediate') = 'immediate'
                 AND sent_at > :window_start)
                OR (status = 'sending' AND claimed_at > :stale_before)
            )
            GROUP BY tag
            """,
            {**params, "window_start": iso(parse_time(now) - RATE_WINDOW)},
        ).fetchall())
        take, defer = [], []
        taken: set[tuple[str, str]] = set()
        deferred_keys: set[tuple[str, str]] = set()
        for alert_id, tag, item_id in due:
            key = (tag, item_id if item_id is not None else f"alert {alert_id}")
            if key in taken:  # another rule's row for an article already in this batch
                take.append(alert_id)
                continue
            cap = rate_limit(tag)
            if key in deferred_keys or (cap is not None and used.get(tag, 0) >= cap):
                deferred_keys.add(key)
                defer.append(alert_id)
                continue
            # Within the limit: claimed now, or kept for the next batch.
            used[tag] = used.get(tag, 0) + 1
            if len(taken) < limit:
                taken.add(key)
                take.append(alert_id)
        if deferred is not None:
            deferred.extend(defer)
        for chunk, sql in (
            (defer, "UPDATE alerts SET status = 'deferred', claimed_by = NULL, claimed_at = NULL"),
            (take, "UPDATE alerts SET status = 'sending', claimed_by = ?, claimed_at = ?"),
        ):
            if chunk:
                args = [worker, now] if chunk is take else []
                db.execute(f"{sql} WHERE id IN ({', '.join('?' for _ in chunk)})", [*args, *chunk])
        return take

    ids = _in_write_transaction(db, claim if rate_limit is None or mode != "immediate"
                                else claim_within_limits)
    if not ids:
        return []
    # RETURNING cannot join; the rows are ours now, so read them back.
    placeholders = ", ".join("?" for _ in ids)
    rows = db.execute(
        f"{_ALERT_JOIN} WHERE a.id IN ({placeholders})"
        " ORDER BY COALESCE(a.next_attempt_at, a.created_at), a.id",
        ids,
    )
    columns = [c[0] for c in rows.description]
    return [_decode(dict(zip(columns, row))) for row in rows.fetchall()]


def mark_sent(db: Database, alert_id: int, now: str) -> None:
    """Record a delivery Apprise reported as successful (for every URL of the tag)."""
    db.execute(
        "UPDATE alerts SET status = 'sent', sent_at = ?, attempts = attempts + 1,"
        " sent_via = 'immediate' WHERE id = ?",
        [now, alert_id],
    )


def delivered_targets(db: Database, kind: str, message_id: int) -> set[str]:
    """The URLs (privacy form) that already have this alert or digest.

    ``kind`` is 'alert' or 'digest'. A retry skips these URLs, so a URL that
    took the message once never gets it twice when another URL of the same
    tag failed.
    """
    return {
        row[0]
        for row in db.execute(
            "SELECT target FROM deliveries WHERE kind = ? AND message_id = ?",
            [kind, message_id],
        ).fetchall()
    }


def record_delivery(db: Database, kind: str, message_id: int, target: str, now: str) -> None:
    """Record that Apprise delivered this alert or digest to ``target`` (privacy form)."""
    db.execute(
        "INSERT OR IGNORE INTO deliveries (kind, message_id, target, delivered_at)"
        " VALUES (?, ?, ?, ?)",
        [kind, message_id, target, now],
    )


def rename_targets(db: Database, renames: dict[str, str]) -> int:
    """Rename ``deliveries.target`` values (old -> new); return how many rows changed.

    For when the form a URL is recorded in changes, e.g. to one without the
    secrets an older version kept: a retry still skips the URLs that had the
    message, and the old text leaves the table. Reads first, and writes only
    when some old name is present.
    """
    renames = {old: new for old, new in renames.items() if old != new}
    if not renames:
        return 0
    olds = list(renames)
    marks = ", ".join("?" for _ in olds)
    if db.execute(f"SELECT 1 FROM deliveries WHERE target IN ({marks}) LIMIT 1", olds).fetchone() is None:
        return 0

    def rename() -> int:
        changed = 0
        for old, new in renames.items():
            changed += db.execute(
                "UPDATE OR IGNORE deliveries SET target = ? WHERE target = ?", [new, old]
            ).rowcount
            # Left over: the same message already recorded under the new name.
            db.execute("DELETE FROM deliveries WHERE target = ?", [old])
        return changed

    return _with_secure_delete(db, lambda: _in_write_transaction(db, rename))


def _with_secure_delete(db: Database, work: Callable[[], T]) -> T:
    """Run ``work`` with SQLite overwriting what it deletes or replaces with zeros.

    Otherwise the old text of a rewritten row stays in the file's free space.
    """
    before = db.execute("PRAGMA secure_delete").fetchone()[0]
    db.execute("PRAGMA secure_delete = 1")
    try:
        return work()
    finally:
        db.execute(f"PRAGMA secure_delete = {int(before)}")


def scrub_errors(db: Database, secrets: set[str] | frozenset[str], mask: str = "****") -> int:
    """Replace each of ``secrets`` in stored ``last_error`` texts (alerts, digests) by ``mask``.

    For errors recorded before their URLs were masked as they are now.
    Returns how many rows changed; writes only when some row holds one.
    """
    secrets = sorted((s for s in secrets if s), key=len, reverse=True)
    if not secrets:
        return 0
    holds = " OR ".join("instr(last_error, ?) > 0" for _ in secrets)
    replaced = "last_error"
    for _ in secrets:
        replaced = f"replace({replaced}, ?, ?)"
    args: list[str] = []
    for secret in secrets:
        args += [secret, mask]
    tables = [t for t in ("alerts", "digests") if db[t].exists()]
    found = [
        t for t in tables
        if db.execute(f"SELECT 1 FROM {t} WHERE last_error IS NOT NULL AND ({holds}) LIMIT 1",
                      secrets).fetchone() is not None
    ]
    if not found:
        return 0

    def scrub() -> int:
        return sum(
            db.execute(
                f"UPDATE {t} SET last_error = {replaced} WHERE last_error IS NOT NULL AND ({holds})",
                [*args, *secrets],
            ).rowcount
            for t in found
        )

    return _with_secure_delete(db, lambda: _in_write_transaction(db, scrub))


def mark_failed(
    db: Database, alert_id: int, error: str, now: str, max_attempts: int = 8
) -> str:
    """Record a failed try; return the new status, 'failed' or 'dead'.

    'failed' rows get ``next_attempt_at`` from :data:`BACKOFF`; after
    ``max_attempts`` tries the row is 'dead' and only :func:`retry_alert`
    brings it back. ``error`` is kept in ``last_error``: callers must pass
    text that is safe to show (Apprise URLs in their privacy form).
    """

    def record() -> str:
        row = db.execute(
            "SELECT attempts FROM alerts WHERE id = ?", [alert_id]
        ).fetchone()
        if row is None:
            raise KeyError(f"alert {alert_id} does not exist")
        attempts = (row[0] or 0) + 1
        if attempts >= max_attempts:
            status, retry_at = "dead", None
        else:
            status, retry_at = "failed", next_attempt_at(attempts, now)
        db.execute(
            "UPDATE alerts SET status = ?, attempts = ?, next_attempt_at = ?,"
            " last_error = ? WHERE id = ?",
            [status, attempts, retry_at, error, alert_id],
        )
        return status

    return _in_write_transaction(db, record)


def release_claims(db: Database, alert_ids: list[int], worker: str) -> int:
    """Hand back claimed alerts that ``worker`` did not try (e.g. on Ctrl-C).

    They become due again at once: 'pending', or 'failed' if tried before.
    Rows another worker has claimed since are left alone. Returns how many.
    """
    if not alert_ids:
        return 0
    placeholders = ", ".join("?" for _ in alert_ids)
    cursor = db.execute(
        "UPDATE alerts SET"
        " status = CASE WHEN attempts > 0 THEN 'failed' ELSE 'pending' END,"
        " claimed_by = NULL, claimed_at = NULL"
        f" WHERE status = 'sending' AND claimed_by = ? AND id IN ({placeholders})",
        [worker, *alert_ids],
    )
    return cursor.rowcount


def alert_counts(db: Database) -> dict[str, int]:
    """Number of alerts in each status; every status is present, zero or not."""
    counts = dict.fromkeys(STATUSES, 0)
    for status, count in db.execute(
        "SELECT status, COUNT(*) FROM alerts GROUP BY status"
    ).fetchall():
        counts[status] = count
    return counts


def list_alerts(
    db: Database, status: str | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """The newest alerts (optionally of one status) with their item and match."""
    where, params = "", []
    if status is not None:
        where, params = "WHERE a.status = ?", [status]
    rows = db.execute(
        f"{_ALERT_JOIN} {where} ORDER BY a.created_at DESC, a.id DESC LIMIT ?",
        [*params, limit],
    )
    columns = [c[0] for c in rows.description]
    return [_decode(dict(zip(columns, row))) for row in rows.fetchall()]


def retry_alert(db: Database, alert_id: int, now: str) -> bool:
    """Put a 'dead' or 'failed' alert back to 'pending', due ``now``.

    Its attempt count starts again from zero so it gets the whole backoff
    schedule (someone presumably fixed what was wrong); ``last_error`` stays
    until the next try. Sent alerts are never re-sent. An alert that died
    with its digest leaves that digest and waits for the next one (digest
    rows) or is sent on its own (immediate rows). Returns False when no dead
    or failed alert has that id.
    """
    cursor = db.execute(
        "UPDATE alerts SET status = 'pending', attempts = 0, next_attempt_at = ?,"
        " claimed_by = NULL, claimed_at = NULL, digest_id = NULL"
        " WHERE id = ? AND status IN ('dead', 'failed')",
        [now, alert_id],
    )
    return cursor.rowcount > 0
