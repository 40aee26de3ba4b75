"""Mutes and "not relevant" marks: alerts held back for an item, a story or a source.

A *mute* (``kind = 'mute'``) holds back every rule's alerts for one item,
one story (cluster) or one source, until it expires (``expires_at``) or for
good. A *dismissal* (``kind = 'dismiss'``) marks one alert not relevant for
its rule: that alert and every other alert of that rule for the same story
are held back, and the mark feeds the per-rule noise report (the
``rule_noise`` view). Each row records who asked, when and why; a mute ended
early or a dismissal taken back keeps its row, with who withdrew it and when
(``withdrawn_by``, ``withdrawn_at``).

Held back means: unsent alerts (pending, failed, deferred) that match become
``muted`` (or ``dismissed``) at once, and alerts a later run creates for a
match are inserted already so (:func:`hold_back_new_alerts`, called by
:func:`newswatch.storage.store_batch`), so nothing claims or digests them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlite_utils import Database

__all__ = [
    "SCOPES",
    "add_mute",
    "dismiss_alert",
    "end_mute",
    "find_item",
    "find_story",
    "hold_back_new_alerts",
    "list_mutes",
    "mutes_by_id",
    "rule_noise",
    "withdraw_dismissal",
]

SCOPES = ("item", "story", "source")
# Alerts not on their way: the ones a new mute still stops.
_UNSENT = ("pending", "failed", "deferred")
#: SQL true of a mutes row ``m`` still holding alerts back at ``:at``.
_LIVE = ("(m.withdrawn_at IS NULL OR m.withdrawn_at > :at)"
         " AND (m.expires_at IS NULL OR m.expires_at > :at)")


def _rows(db: Database, sql: str, params: Iterable[Any] | Mapping[str, Any] = ()) -> list[dict[str, Any]]:
    cursor = db.execute(sql, dict(params) if isinstance(params, Mapping) else list(params))
    cols = [c[0] for c in cursor.description]
    return [dict(zip(cols, row)) for row in cursor.fetchall()]


def _scope_sql(scope: str) -> str:
    """SQL that is true of an alert row ``a`` under a mute of ``scope`` on target ``:target``."""
    return {
        "item": "a.item_id = :target",
        "story": "a.cluster_id = :target",
        "source": "a.item_id IN (SELECT id FROM items WHERE source = :target)",
    }[scope]


def _hold_back(db: Database, mute_id: int, scope: str, target: str, rule: str | None,
               status: str, only_unsent: bool = True) -> int:
    """Mark the matching alerts ``status`` (muted or dismissed) with ``mute_id``; how many."""
    where = _scope_sql(scope)
    if rule is not None:
        where += " AND a.rule = :rule"
    if only_unsent:  # an alert already in a digest is on its way with it
        where += f" AND a.status IN ({', '.join(repr(s) for s in _UNSENT)}) AND a.digest_id IS NULL"
    cursor = db.execute(
        f"UPDATE alerts SET status = :status, mute_id = :mute, next_attempt_at = NULL"
        f" WHERE id IN (SELECT a.id FROM alerts a WHERE {where})",
        {"status": status, "mute": mute_id, "target": target, "rule": rule},
    )
    return cursor.rowcount


def add_mute(db: Database, scope: str, target: str, *, who: str, now: str, why: str | None = None,
             expires_at: str | None = None, item_id: str | None = None) -> tuple[int, int]:
    """Mute every rule's alerts for an item, story or source; (mute id, unsent alerts muted now).

    ``target`` is the item id, the cluster id or the source name. Alerts
    created later for it are inserted muted until ``expires_at`` (None: for
    good).
    """
    if scope not in SCOPES:
        raise ValueError(f"unknown mute scope {scope!r}: one of {', '.join(SCOPES)}")
    with db.atomic():
        mute_id = db["mutes"].insert({
            "kind": "mute", "scope": scope, "target": target, "rule": None, "alert_id": None,
            "item_id": item_id, "who": who, "why": why, "created_at": now, "expires_at": expires_at,
        }).last_pk
        held = _hold_back(db, mute_id, scope, target, None, "muted")
    return int(mute_id), held


def dismiss_alert(db: Database, alert_id: int, *, who: str, now: str,
                  why: str | None = None) -> tuple[dict[str, Any], int] | None:
    """Mark an alert not relevant for its rule; (the mute row, other alerts held back), or None.

    The alert itself becomes ``dismissed`` whatever its status (a sent one
    keeps its ``sent_at``); the rule's unsent alerts for the same story are
    held back, and so are those a later run creates for it.
    """
    with db.atomic():
        found = _rows(db, "SELECT id, rule, item_id, cluster_id FROM alerts WHERE id = ?", [alert_id])
        if not found:
            return None
        alert = found[0]
        mute = {"kind": "dismiss", "scope": "story", "target": alert["cluster_id"], "rule": alert["rule"],
                "alert_id": alert_id, "item_id": alert["item_id"], "who": who, "why": why,
                "created_at": now, "expires_at": None}
        mute["id"] = db["mutes"].insert(mute).last_pk
        db.execute("UPDATE alerts SET status = 'dismissed', mute_id = ?, next_attempt_at = NULL"
                   " WHERE id = ?", [mute["id"], alert_id])
        held = _hold_back(db, mute["id"], "story", alert["cluster_id"], alert["rule"], "dismissed")
    return mute, held


def end_mute(db: Database, mute_id: int, now: str, who: str | None = None) -> dict[str, Any] | None:
    """End a live mute at ``now``, recording ``who`` ended it; the mute row, or None when no mute
    by that id is live. Alerts it held back stay held back; dismissals are not mutes."""
    with db.atomic():
        cursor = db.execute(f"UPDATE mutes AS m SET withdrawn_at = :at, withdrawn_by = :who"
                            f" WHERE m.id = :id AND m.kind = 'mute' AND {_LIVE}",
                            {"at": now, "who": who, "id": mute_id})
        if cursor.rowcount == 0:
            return None
        return _rows(db, "SELECT * FROM mutes WHERE id = ?", [mute_id])[0]


def withdraw_dismissal(db: Database, alert_id: int, now: str, who: str | None = None) -> list[dict[str, Any]]:
    """Take back the not-relevant marks on alert ``alert_id``; the mark rows withdrawn (none: none).

    A mark counts when it was made on this alert or holds it back (a copy's
    alert). The rows stay, with ``withdrawn_at`` and ``withdrawn_by``: the
    noise report and the ``dismissed_items`` view stop counting them, and
    later runs' alerts are not held back by them. The marked alert goes back
    to ``sent`` if it had been sent; unsent alerts held back stay held back.
    """
    with db.atomic():
        marks = _rows(db, "SELECT id FROM mutes WHERE kind = 'dismiss' AND withdrawn_at IS NULL"
                          " AND (alert_id = :alert OR id = (SELECT mute_id FROM alerts WHERE id = :alert))",
                      {"alert": alert_id})
        ids = [m["id"] for m in marks]
        if not ids:
            return []
        marks_in = ", ".join(str(int(i)) for i in ids)
        db.execute(f"UPDATE mutes SET withdrawn_at = ?, withdrawn_by = ? WHERE id IN ({marks_in})",
                   [now, who])
        db.execute(f"UPDATE alerts SET status = 'sent', mute_id = NULL WHERE status = 'dismissed'"
                   f" AND sent_at IS NOT NULL AND mute_id IN ({marks_in})"
                   f" AND id IN (SELECT alert_id FROM mutes WHERE id IN ({marks_in}))")
        return _rows(db, f"SELECT * FROM mutes WHERE id IN ({marks_in}) ORDER BY id", [])


def hold_back_new_alerts(db: Database, alerts: list[dict[str, Any]], sources: Mapping[str, str]) -> int:
    """Mark alert rows about to be inserted that a live mute covers; how many.

    ``sources`` maps each alert's item id to its source. A mute is live at
    the alert's ``created_at`` when it has not expired by then. Rows held
    back get status ``muted`` (``dismissed`` under a dismissal), their
    ``mute_id`` and no ``next_attempt_at``.
    """
    if not alerts:
        return 0
    oldest = min(a.get("created_at") or "" for a in alerts)
    mutes = _rows(db, f"SELECT id, kind, scope, target, rule, expires_at, withdrawn_at FROM mutes m"
                      f" WHERE {_LIVE} ORDER BY id", {"at": oldest})
    if not mutes:
        return 0
    held = 0
    for alert in alerts:
        keys = {"item": alert.get("item_id"), "story": alert.get("cluster_id"),
                "source": sources.get(alert.get("item_id") or "")}
        for m in mutes:
            at = alert.get("created_at") or ""
            if (keys[m["scope"]] == m["target"] and m["rule"] in (None, alert.get("rule"))
                    and all(end is None or end > at for end in (m["expires_at"], m["withdrawn_at"]))):
                alert["status"] = "dismissed" if m["kind"] == "dismiss" else "muted"
                alert["mute_id"] = m["id"]
                alert["next_attempt_at"] = None
                held += 1
                break
    return held


def list_mutes(db: Database, *, live_at: str | None = None) -> list[dict[str, Any]]:
    """Mutes and dismissals, newest first (with ``live_at``: only those in force then), each with
    ``alerts_held_back``, ``title`` (the item's, or for a story its first item's) and, for a
    source, ``feed_title`` (the feed's own title)."""
    where = f"WHERE {_LIVE}" if live_at is not None else ""
    return _rows(db, "SELECT m.*, (SELECT COUNT(*) FROM alerts a WHERE a.mute_id = m.id) AS alerts_held_back,"
                     " CASE WHEN m.scope = 'source' THEN NULL ELSE coalesce(i.title,"
                     "  (SELECT f.title FROM items f WHERE f.cluster_id = m.target"
                     "   ORDER BY f.fetched_at, f.rowid LIMIT 1)) END AS title,"
                     " s.feed_title"
                     " FROM mutes m LEFT JOIN items i ON i.id = m.item_id"
                     " LEFT JOIN sources s ON m.scope = 'source' AND s.name = m.target"
                     f" {where} ORDER BY m.id DESC", {"at": live_at})


def mutes_by_id(db: Database, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The mute rows with these ids, by id."""
    ids = sorted({int(i) for i in ids if i is not None})
    if not ids:
        return {}
    rows = _rows(db, f"SELECT * FROM mutes WHERE id IN ({', '.join('?' for _ in ids)})", ids)
    return {r["id"]: r for r in rows}


def rule_noise(db: Database) -> list[dict[str, Any]]:
    """Per rule: items alerted and sent, dismissed as not relevant, their share, muted (the view)."""
    return _rows(db, "SELECT rule, sent, dismissed, alerted, share, muted FROM rule_noise"
                     " ORDER BY share DESC, dismissed DESC, rule")


def find_item(db: Database, ref: str) -> dict[str, Any] | None:
    """The item whose id, link or canonical link is ``ref`` (id, source, cluster_id, title), or None."""
    for column in ("id", "url", "canonical_url"):
        rows = _rows(db, f"SELECT id, source, cluster_id, title FROM items WHERE {column} = ? LIMIT 1", [ref])
        if rows:
            return rows[0]
    return None


def find_story(db: Database, ref: str) -> str | None:
    """The cluster id ``ref`` names: a cluster id, or an item's id or link (its story)."""
    if db.execute("SELECT 1 FROM items WHERE cluster_id = ? LIMIT 1", [ref]).fetchone():
        return ref
    item = find_item(db, ref)
    return item["cluster_id"] if item else None
