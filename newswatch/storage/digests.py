"""Digests: which digests are due, and their life cycle in the database.

A digest is one message per (rule, tag) listing what matched since the
previous digest. What it lists are alert rows waiting for a digest:

- ``mode = 'digest'`` rows still ``pending`` (rules with mode digest or both);
- ``mode = 'immediate'`` rows ``deferred`` by the rate limit (see
  :func:`newswatch.storage.outbox.claim_due_alerts`).

A schedule (``hourly``, ``daily HH:MM``, ``weekly DAY HH:MM``, in a time
zone: :class:`newswatch.schedule.Schedule`) defines *slots*. The digest of
(rule, tag) is due when a slot has passed since the oldest waiting row was
queued and since the previous digest's slot. So a digest missed while the
machine was off goes out at the next run (once, not once per missed slot),
and an empty digest is never sent (nothing waits, nothing is due).

Opening a due digest writes a ``digests`` row for its slot and stamps the
waiting rows with its id, in one transaction; the unique index on
(rule, tag, slot) means one digest per slot even with two processes. From
then on the digest row is an outbox entry like an alert: claimed, sent,
failed with backoff, dead after the last try; its alert rows become
``sent`` (``sent_via = 'digest'``) with it, or ``dead`` with it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlite_utils import Database

from ..schedule import Schedule, iso, parse_time
from .outbox import (
    STALE_CLAIM_AFTER,
    _decode,
    _in_write_transaction,
    next_attempt_at,
)

__all__ = [
    "claim_due_digests",
    "digest_entries",
    "digest_overview",
    "mark_digest_failed",
    "mark_digest_sent",
    "open_due_digests",
    "release_digest_claims",
]


# -- opening due digests ---------------------------------------------------------

# Alert rows that wait for the next digest of their (rule, tag).
_WAITING = """
    digest_id IS NULL AND (
        (mode = 'digest' AND status = 'pending')
        OR (mode = 'immediate' AND status = 'deferred')
    )
"""


def open_due_digests(
    db: Database, schedule_for: Callable[[str], Schedule], now: str
) -> list[int]:
    """Create a digest for every (rule, tag) that is due at ``now``; return their ids.

    ``schedule_for(rule)`` gives the rule's schedule. Each new digest holds
    every row waiting for its (rule, tag) at this moment.
    """
    moment = parse_time(now)

    def work() -> list[int]:
        waiting = db.execute(
            f"""
            SELECT rule, tag, MIN(created_at) AS oldest,
                   COUNT(DISTINCT cluster_id) AS stories, COUNT(DISTINCT item_id) AS articles
            FROM alerts WHERE {_WAITING}
            GROUP BY rule, tag ORDER BY rule, tag
            """
        ).fetchall()
        opened = []
        for rule, tag, oldest, stories, articles in waiting:
            schedule = schedule_for(rule)
            slot = schedule.latest_slot(moment)
            last = db.execute(
                "SELECT MAX(slot) FROM digests WHERE rule = ? AND tag = ?", [rule, tag]
            ).fetchone()[0]
            base = schedule.latest_slot(parse_time(oldest))
            if last:
                base = max(base, parse_time(last))
            if slot <= base:
                continue  # queued after the latest slot: wait for the next one
            cursor = db.execute(
                "INSERT OR IGNORE INTO digests (rule, tag, schedule, slot, since, stories,"
                " articles, status, attempts, next_attempt_at, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)",
                [rule, tag, str(schedule), iso(slot), last, stories, articles, now, now],
            )
            if not cursor.rowcount:
                continue
            digest_id = cursor.lastrowid
            db.execute(
                f"UPDATE alerts SET digest_id = ? WHERE rule = ? AND tag = ? AND {_WAITING}",
                [digest_id, rule, tag],
            )
            opened.append(digest_id)
        return opened

    return _in_write_transaction(db, work)


# -- the digest outbox -------------------------------------------------------------


def claim_due_digests(db: Database, now: str, worker: str, limit: int = 50) -> list[dict[str, Any]]:
    """Claim due digests for ``worker`` (same rules as alerts: one claimer per row)."""
    stale_before = iso(parse_time(now) - STALE_CLAIM_AFTER)

    def claim() -> list[int]:
        rows = db.execute(
            """
            UPDATE digests SET status = 'sending', claimed_by = :worker, claimed_at = :now
            WHERE id IN (
                SELECT id FROM digests
                WHERE (status IN ('pending', 'failed')
                       AND COALESCE(next_attempt_at, created_at) <= :now)
                   OR (status = 'sending' AND COALESCE(claimed_at, '') <= :stale_before)
                ORDER BY slot, id LIMIT :limit
            )
            RETURNING id
            """,
            {"now": now, "worker": worker, "stale_before": stale_before, "limit": limit},
        ).fetchall()
        return [r[0] for r in rows]

    ids = _in_write_transaction(db, claim)
    if not ids:
        return []
    placeholders = ", ".join("?" for _ in ids)
    cursor = db.execute(f"SELECT * FROM digests WHERE id IN ({placeholders}) ORDER BY slot, id", ids)
    columns = [c[0] for c in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def digest_entries(db: Database, digest_id: int) -> list[dict[str, Any]]:
    """The alert rows of a digest joined with item and match, one per article.

    ``fetched_at`` says when newswatch first saw each article; ``feed_title``
    is its source's feed's own title.
    """
    cursor = db.execute(
        """
        SELECT a.id, a.rule, a.tag, a.cluster_id, a.item_id, a.mode, a.created_at,
               i.title, i.url, i.source, i.published, i.summary, i.lang, i.fetched_at,
               m.terms, m.fields, m.snippet, m.topic, s.feed_title
        FROM alerts a
        LEFT JOIN items i ON i.id = a.item_id
        LEFT JOIN matches m ON m.item_id = a.item_id AND m.rule = a.rule
        LEFT JOIN sources s ON s.name = i.source
        WHERE a.digest_id = ?
        ORDER BY i.fetched_at, a.id
        """,
        [digest_id],
    )
    columns = [c[0] for c in cursor.description]
    seen: set[str] = set()
    out = []
    for row in cursor.fetchall():
        entry = _decode(dict(zip(columns, row)))
        # A rule with mode "both" whose immediate alert was deferred has two
        # rows for one article: list it once.
        if entry["item_id"] not in seen:
            seen.add(entry["item_id"])
            out.append(entry)
    return out


def mark_digest_sent(db: Database, digest_id: int, now: str) -> int:
    """Record a delivered digest and mark its alerts sent; return how many alerts."""

    def record() -> int:
        db.execute(
            "UPDATE digests SET status = 'sent', sent_at = ?, attempts = attempts + 1,"
            " last_error = NULL WHERE id = ?",
            [now, digest_id],
        )
        return db.execute(
            "UPDATE alerts SET status = 'sent', sent_at = ?, sent_via = 'digest'"
            " WHERE digest_id = ?",
            [now, digest_id],
        ).rowcount

    return _in_write_transaction(db, record)


def mark_digest_failed(
    db: Database, digest_id: int, error: str, now: str, max_attempts: int = 8
) -> str:
    """Record a failed try of a digest; 'failed' (backoff) or 'dead' (its alerts die with it)."""

    def record() -> str:
        row = db.execute("SELECT attempts FROM digests WHERE id = ?", [digest_id]).fetchone()
        if row is None:
            raise KeyError(f"digest {digest_id} does not exist")
        attempts = (row[0] or 0) + 1
        status = "dead" if attempts >= max_attempts else "failed"
        retry_at = None if status == "dead" else next_attempt_at(attempts, now)
        db.execute(
            "UPDATE digests SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?"
            " WHERE id = ?",
            [status, attempts, retry_at, error, digest_id],
        )
        if status == "dead":
            db.execute(
                "UPDATE alerts SET status = 'dead', last_error = ? WHERE digest_id = ?",
                [f"digest {digest_id}: {error}", digest_id],
            )
        return status

    return _in_write_transaction(db, record)


def release_digest_claims(db: Database, digest_ids: list[int], worker: str) -> int:
    """Hand back claimed digests that ``worker`` did not try."""
    if not digest_ids:
        return 0
    placeholders = ", ".join("?" for _ in digest_ids)
    return db.execute(
        "UPDATE digests SET status = CASE WHEN attempts > 0 THEN 'failed' ELSE 'pending' END,"
        " claimed_by = NULL, claimed_at = NULL"
        f" WHERE status = 'sending' AND claimed_by = ? AND id IN ({placeholders})",
        [worker, *digest_ids],
    ).rowcount


def digest_overview(
    db: Database, schedule_for: Callable[[str], Schedule], now: str
) -> list[dict[str, Any]]:
    """Per (rule, tag): articles waiting, the last digest sent, and when the next is due."""
    moment = parse_time(now)
    waiting = {
        (r, t): (n, oldest)
        for r, t, n, oldest in db.execute(
            f"SELECT rule, tag, COUNT(DISTINCT item_id), MIN(created_at) FROM alerts"
            f" WHERE {_WAITING} GROUP BY rule, tag"
        ).fetchall()
    }
    last = {
        (r, t): (sent, slot)
        for r, t, sent, slot in db.execute(
            "SELECT rule, tag, MAX(sent_at), MAX(slot) FROM digests GROUP BY rule, tag"
        ).fetchall()
    }
    unsent = {
        (r, t): n
        for r, t, n in db.execute(
            "SELECT rule, tag, COUNT(*) FROM digests WHERE status IN"
            " ('pending', 'sending', 'failed', 'dead') GROUP BY rule, tag"
        ).fetchall()
    }
    out = []
    for key in sorted(set(waiting) | set(last)):
        rule, tag = key
        schedule = schedule_for(rule)
        count, oldest = waiting.get(key, (0, None))
        sent_at, slot = last.get(key, (None, None))
        if count:
            base = schedule.latest_slot(parse_time(oldest))
            if slot:
                base = max(base, parse_time(slot))
            # Due at the first slot after that; if it has passed, at the next run.
            next_due = iso(max(schedule.next_slot(base), moment))
        else:
            next_due = None
        out.append({
            "rule": rule, "tag": tag, "schedule": str(schedule), "waiting": count,
            "last_sent_at": sent_at, "next_due_at": next_due, "unsent_digests": unsent.get(key, 0),
        })
    return out
