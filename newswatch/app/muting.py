"""Mute and dismiss: hold back alerts for an item, story or source; mark an alert not relevant;
and the per-rule noise report built on those marks (docs/alerts.md, "Mute and dismiss")."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from .. import storage
from ..config import outlet_name, outlet_titles, parse_interval
from ..errors import InvalidInput, NotFoundError
from ..schedule import iso, parse_time
from .loading import ConfigLike, as_config, existing_database


@dataclass
class Muted:
    """What :func:`mute` or :func:`dismiss` recorded."""

    id: int
    kind: str  # mute | dismiss
    scope: str  # item | story | source
    target: str  # item id, cluster id or source name
    who: str
    created_at: str
    expires_at: str | None = None
    rule: str | None = None  # a dismissal's rule
    title: str | None = None  # the item's title, or the source's display name when not its name
    held_back: int = 0  # unsent alerts held back at once


def _who(by: str | None) -> str:
    if by:
        return by
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment or passwd
        return "unknown"


def _now(now: str | None) -> str:
    from .delivery import outbox_clock

    now = now or os.environ.get("NEWSWATCH_NOW") or None
    return outbox_clock(now) if now else storage.now_iso()


def mute(config: ConfigLike = None, *, item: str | None = None, story: str | None = None,
         source: str | None = None, duration: str | None = None, why: str | None = None,
         by: str | None = None, now: str | None = None) -> Muted:
    """Hold back every rule's alerts for one item, story or source (give exactly one).

    ``item`` is an item id or link; ``story`` a cluster id, or an item id or
    link (its story); ``source`` a source name. ``duration`` ("7d", "12h")
    makes the mute expire; without it, it lasts. ``by`` defaults to the OS
    user; ``now`` (UTC ISO 8601, default ``$NEWSWATCH_NOW``) is when it
    starts. Unsent alerts it covers become ``muted`` at once. Raises
    :class:`InvalidInput` for a bad choice or duration,
    :class:`NotFoundError` for an item, story or source that is not there.
    """
    config = as_config(config, check_env=False)
    given = [(scope, ref) for scope, ref in (("item", item), ("story", story), ("source", source)) if ref]
    if len(given) != 1:
        raise InvalidInput("mute one thing: an item id (or link), --story ID or --source NAME")
    scope, ref = given[0]
    try:
        seconds = parse_interval(duration) if duration else None
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    db = existing_database(config)
    title = item_id = None
    if scope == "item":
        found = storage.find_item(db, ref)
        if found is None:
            raise NotFoundError(f"no item {ref!r}: give an item id or link from `newswatch alerts list`")
        target, title, item_id = found["id"], found["title"], found["id"]
    elif scope == "story":
        target = storage.find_story(db, ref)
        if target is None:
            raise NotFoundError(f"no story {ref!r}: give a cluster id, or an item id or link")
    else:
        stored = db.execute("SELECT feed_title FROM sources WHERE name = ?", [ref]).fetchone()
        if ref not in {s.name for s in config.sources} and not stored:
            raise NotFoundError(f"no source {ref!r} in {config.path}")
        shown = outlet_name(ref, stored[0] if stored else None, outlet_titles(config.sources))
        target, title = ref, shown if shown != ref else None
    start = _now(now)
    expires = iso(parse_time(start) + timedelta(seconds=seconds)) if seconds else None
    who = _who(by)
    mute_id, held = storage.add_mute(db, scope, target, who=who, now=start, why=why,
                                     expires_at=expires, item_id=item_id)
    return Muted(mute_id, "mute", scope, target, who, start, expires, title=title, held_back=held)


def dismiss(config: ConfigLike = None, alert_id: int = 0, *, why: str | None = None,
            by: str | None = None, now: str | None = None) -> Muted:
    """Mark alert ``alert_id`` not relevant for its rule: it and the rule's other alerts for
    its story are held back, now and in later runs. NotFoundError when there is no such alert."""
    config = as_config(config, check_env=False)
    db = existing_database(config)
    who, start = _who(by), _now(now)
    done = storage.dismiss_alert(db, alert_id, who=who, now=start, why=why)
    if done is None:
        raise NotFoundError(f"no alert {alert_id}")
    row, held = done
    found = storage.find_item(db, row["item_id"])
    return Muted(row["id"], "dismiss", "story", row["target"], who, start, rule=row["rule"],
                 title=found["title"] if found else None, held_back=held)


def unmute(config: ConfigLike = None, mute_id: int = 0, *, by: str | None = None,
           now: str | None = None) -> dict[str, Any]:
    """End mute ``mute_id`` now: later alerts go out again (those it held back stay held back).

    The row stays, with ``withdrawn_by`` (``by``, default the OS user) and
    ``withdrawn_at``. Returns the mute row; NotFoundError when no live mute
    has that id.
    """
    config = as_config(config, check_env=False)
    row = storage.end_mute(existing_database(config), mute_id, _now(now), _who(by))
    if row is None:
        raise NotFoundError(f"no live mute {mute_id}")
    return row


def undismiss(config: ConfigLike = None, alert_id: int = 0, *, by: str | None = None,
              now: str | None = None) -> list[dict[str, Any]]:
    """Take back the not-relevant mark on alert ``alert_id`` (made on it, or holding it back).

    The mark's row stays, with ``withdrawn_by`` (``by``, default the OS user)
    and ``withdrawn_at``; the noise report no longer counts it, later runs'
    alerts for the story go out again, and the marked alert is ``sent`` again
    if it had been sent (unsent alerts it held back stay held back). Returns
    the mark rows withdrawn; NotFoundError when the alert has no mark in force.
    """
    config = as_config(config, check_env=False)
    rows = storage.withdraw_dismissal(existing_database(config), alert_id, _now(now), _who(by))
    if not rows:
        raise NotFoundError(f"alert {alert_id} is not marked not relevant")
    return rows


def mutes(config: ConfigLike = None, *, live: bool = False, now: str | None = None) -> list[dict[str, Any]]:
    """Mutes and dismissals, newest first (``live``: only those in force ``now``); an empty list
    when there is no database yet.

    Each is a ``mutes`` row (``id``, ``kind``, ``scope``, ``target``, ``rule``,
    ``alert_id``, ``item_id``, ``who``, ``why``, ``created_at``, ``expires_at``,
    ``withdrawn_at``, ``withdrawn_by``) with ``alerts_held_back``, ``live``
    (in force now) and ``title``: the item's title, a story's first title, or
    a source's display name (its ``title`` in the config, else the feed's own
    title, else its name).
    """
    config = as_config(config, check_env=False)
    try:
        db = existing_database(config)
    except NotFoundError:
        return []
    at = _now(now)
    rows = storage.list_mutes(db, live_at=at if live else None)
    titles = outlet_titles(config.sources)
    for row in rows:
        feed_title = row.pop("feed_title", None)
        if row["scope"] == "source":
            row["title"] = outlet_name(row["target"], feed_title, titles)
        row["live"] = all(end is None or end > at for end in (row["expires_at"], row["withdrawn_at"]))
    return rows


def noise_report(config: ConfigLike = None) -> list[dict[str, Any]]:
    """Per rule: ``sent`` (items whose alert was delivered), ``dismissed`` (items marked not
    relevant), ``alerted`` (either), ``share`` (dismissed / alerted, 0 to 1), ``muted``.

    Noisiest first; configured rules with no alert yet are listed with zeros.
    """
    config = as_config(config, check_env=False)
    try:
        rows = storage.rule_noise(existing_database(config))
    except NotFoundError:
        rows = []
    seen = {r["rule"] for r in rows}
    zero = {"sent": 0, "dismissed": 0, "alerted": 0, "share": 0.0, "muted": 0}
    return rows + [{"rule": r.name, **zero} for r in config.rules if r.name not in seen]
