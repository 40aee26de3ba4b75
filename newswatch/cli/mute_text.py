"""``newswatch alerts mutes``: what is muted or marked not relevant, for people and monitors.

One block per mute or mark, laid out like ``alerts list`` (80 columns in cron
mail): what it holds back and until when, the item's or story's title or the
source's display name, then who, when, how many alerts and why. ``--json``
gives the same facts, times as ISO 8601 in the configured zone.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from .base import console
from .status_text import local, local_iso, out, plural, shorten, zone, zone_note

#: What ``alerts mutes --json`` gives for each mute or mark, in this order.
MUTE_KEYS = ("id", "kind", "scope", "target", "title", "rule", "alert_id", "item_id", "who", "why",
             "created_at", "expires_at", "withdrawn_at", "withdrawn_by", "live", "alerts_held_back")


def mute_json(row: dict[str, Any], tz: ZoneInfo) -> dict[str, Any]:
    """One mute or mark as ``alerts mutes --json`` gives it."""
    doc = {k: row.get(k) for k in MUTE_KEYS}
    for key in ("created_at", "expires_at", "withdrawn_at"):
        doc[key] = local_iso(doc[key], tz)
    return doc


def print_mutes(rows: list[dict[str, Any]], timezone: str | None, everything: bool,
                ended: int = 0) -> None:
    """The mutes and marks as text, newest first; ``ended``: how many --all would add."""
    tz = zone(timezone)
    if not rows:
        more = f" ({plural(ended, 'ended one')}: --all shows them)" if ended else ""
        out(f"Nothing is muted or marked not relevant{more}.")
        return
    which = "All mutes and not-relevant marks" if everything else "Mutes and not-relevant marks in force"
    out(f"{which}; times in {zone_note(tz)}")
    for row in rows:
        _print_mute(row, tz)
    if ended:
        out(f"{plural(ended, 'ended one')} not shown: --all shows them.")


def _print_mute(m: dict[str, Any], tz: ZoneInfo) -> None:
    style = None if m["live"] else "dim"
    if m["kind"] == "dismiss":
        head = f"Alert #{m['alert_id']} not relevant for rule {m['rule']} (story {m['target']})"
        until = "until withdrawn"
    else:
        head = f"Mute {m['id']}: {m['scope']} {m['target']}"
        until = f"until {local(m['expires_at'], tz)}" if m["expires_at"] else "until further notice"
    if m.get("withdrawn_at"):
        verb = "withdrawn" if m["kind"] == "dismiss" else "ended"
        until = f"{verb} by {m['withdrawn_by']} {local(m['withdrawn_at'], tz)}"
    elif not m["live"]:
        until = f"expired {local(m['expires_at'], tz)}"
    out(f"{head}, {until}", style=style)
    if m.get("title") and m["title"] != m["target"]:
        for line in shorten(m["title"], 4):
            console.out(line, style=style, highlight=False)
    held = plural(m.get("alerts_held_back") or 0, "alert")
    why = f": {m['why']}" if m.get("why") else ""
    out(f"by {m['who']} {local(m['created_at'], tz)}, {held} held back{why}", indent=4, style=style)
