"""``newswatch status`` and ``newswatch alerts list`` for people and for monitors.

Text is laid out for the console's width (80 columns in cron mail and
journalctl, where there is no terminal): one record per block, names whole
on their line (never shortened, never split at a hyphen), titles wrapped to two
lines at most and shortened with an ellipsis, times in the configured
``[notify] timezone`` with their UTC offset. ``--json`` gives the same facts
as one JSON document, times as ISO 8601 with the zone's offset
(docs/alerts.md, "Status and the alerts list for monitors").
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from .. import app
from ..config import outlet_name
from .base import CONTROLS, console

#: Keys whose values are stored UTC timestamps, shown in the configured zone.
TIME_KEYS = ("newest", "published", "expires_at")
#: Alert statuses whose retry time and last error still matter.
UNDELIVERED = ("pending", "sending", "failed", "dead", "deferred")


def zone(name: str | None) -> ZoneInfo:
    """The configured time zone (UTC when unset or unknown: config validation names it)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ValueError, KeyError):
        return ZoneInfo("UTC")


def _moment(ts: str | None, tz: ZoneInfo) -> datetime | None:
    if not ts:
        return None
    try:
        moment = app.parse_time(str(ts))
    except ValueError:
        return None
    return moment.astimezone(tz)


def local(ts: str | None, tz: ZoneInfo, missing: str = "") -> str:
    """'2026-12-04 03:40 -06:00': a stored UTC time in ``tz``, its offset shown."""
    moment = _moment(ts, tz)
    if moment is None:
        return missing if not ts else str(ts)
    return moment.strftime("%Y-%m-%d %H:%M ") + _offset(moment)


def local_iso(ts: str | None, tz: ZoneInfo) -> str | None:
    """'2026-12-04T03:40:00-06:00': ISO 8601 in ``tz`` (None stays None)."""
    moment = _moment(ts, tz)
    return moment.isoformat() if moment is not None else ts


def _offset(moment: datetime) -> str:
    text = moment.strftime("%z")  # -0600
    return f"{text[:3]}:{text[3:]}" if len(text) == 5 else text


def zone_note(tz: ZoneInfo) -> str:
    """'America/Guatemala (UTC-06:00)': the zone, and its offset now."""
    return f"{tz.key} (UTC{_offset(datetime.now(tz))})"


def _took(started: str | None, finished: str | None) -> str:
    """'took 41s' / 'still running or killed'."""
    tz = ZoneInfo("UTC")
    a, b = _moment(started, tz), _moment(finished, tz)
    if a is None or b is None:
        return "still running or killed"
    seconds = max(0, int((b - a).total_seconds()))
    return f"took {seconds // 60}m {seconds % 60}s" if seconds >= 60 else f"took {seconds}s"


# -- layout ----------------------------------------------------------------------------


def _width() -> int:
    return max(40, console.width)


#: A time as :func:`local` writes it, kept on one line by :func:`out`.
_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d [+-]\d\d:\d\d")
_KEEP = "\ue000"  # a private-use character: never in the text we print


def _clean(text: Any) -> str:
    return CONTROLS.sub("", " ".join(str(text).split()))


def out(text: str, indent: int = 0, style: str | None = None, max_lines: int | None = None) -> None:
    """Print ``text`` wrapped at the console width, words and times whole, continuation lines
    indented two more; past ``max_lines`` lines, cut with an ellipsis."""
    text = _TIME.sub(lambda m: m.group(0).replace(" ", _KEEP), _clean(text))
    # Only a word longer than a whole line (a long URL in an error) is split; hyphens never.
    lines = textwrap.wrap(text, width=_width(), initial_indent=" " * indent,
                          subsequent_indent=" " * (indent + 2), break_long_words=True,
                          break_on_hyphens=False) or [""]
    if max_lines and len(lines) > max_lines:
        last = lines[max_lines - 1]
        lines = lines[:max_lines - 1] + [last[:_width() - 1].rstrip() + "…"]
    console.out("\n".join(lines).replace(_KEEP, " "), style=style, highlight=False)


def shorten(text: str, indent: int, lines: int = 2) -> list[str]:
    """``text`` wrapped to at most ``lines`` lines at the console width, the last ending '…' if cut."""
    width = _width() - indent
    wrapped = textwrap.wrap(_clean(text), width=width, break_long_words=True, break_on_hyphens=False)
    if len(wrapped) > lines:
        last = textwrap.shorten(" ".join(wrapped[lines - 1:]), width=width - 1, placeholder="")
        wrapped = wrapped[:lines - 1] + [(last or wrapped[lines - 1][:width - 1]) + "…"]
    return [" " * indent + line for line in wrapped]


def whole(text: str) -> str:
    """``text`` kept on one line by :func:`out` ("item 0123abcd" is not split after "item")."""
    return text.replace(" ", _KEEP)


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 item', '3 items' (kept on one line by :func:`out`)."""
    return f"{n} {word if n == 1 else many or word + 's'}".replace(" ", _KEEP)


#: Errors (Apprise's are long) take this many lines at most; --json has them whole.
ERROR_LINES = 3


def named(name: str | None, feed_title: str | None, titles: Mapping[str, str] | None) -> str:
    """'Noticias Locales (noticias-locales)': the display name, and the name commands take
    when it differs."""
    shown = outlet_name(name, feed_title, titles)
    return f"{shown} ({name})" if name and shown != name else shown


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {k}" for k, n in sorted(counts.items()) if n) or "none yet"


# -- status -----------------------------------------------------------------------------


def status_exit_code(st) -> int:
    """1 when a source is failing or an alert is dead (for cron and systemd), else 0."""
    return 1 if any(s["failing"] for s in st.sources) or st.alerts.get("dead") else 0


def print_status(st, timezone: str | None, titles: Mapping[str, str] | None = None) -> None:
    """``newswatch status`` as text: sources, runs, alerts, digests, stories; ``titles`` maps
    source names to their configured ``title``, for outlets' display names."""
    tz = zone(timezone)
    shown = {s["name"]: outlet_name(s["name"], s.get("feed_title"), titles) for s in st.sources}
    failing = sum(1 for s in st.sources if s["failing"])
    out(f"newswatch status: {len(st.sources)} sources ({failing} failing, {len(st.silent)} silent); "
        f"alerts: {_counts(st.alerts)}")
    out(f"Times in {zone_note(tz)}.")
    console.out("")
    out("Sources")
    for s in st.sources:
        _print_source(s, tz, shown[s["name"]])
    if st.runs:
        console.out("")
        out("Last runs")
    for r in st.runs:
        took = _took(r["started_at"], r["finished_at"])
        out(f"run {r['id']} {r['status'] or ''}, {local(r['started_at'], tz)}, {took}: "
            f"sources {r['sources_ok'] or 0} ok, {r['sources_failed'] or 0} failed; "
            f"{plural(r['items_new'] or 0, 'new item')}, {plural(r['matches_new'] or 0, 'match', 'matches')}, "
            f"{plural(r['alerts_sent'] or 0, 'alert')} sent", indent=2,
            style="red" if (r["sources_failed"] or 0) else None)
    console.out("")
    out(f"Alerts: {_counts(st.alerts)}")
    for a in st.dead:
        out(f"dead: alert {a['id']} ({a['rule']} -> {a['tag']}), {plural(a['attempts'] or 0, 'attempt')}, "
            f"created {local(a['created_at'], tz)}: {a.get('last_error') or 'no error recorded'}",
            indent=2, style="red", max_lines=ERROR_LINES)
        out(f"`newswatch alerts retry {a['id']}` puts it back in the queue", indent=4)
    if st.digests:
        console.out("")
        out("Digests")
    for d in st.digests:
        unsent = f"; {d['unsent_digests']} not delivered" if d["unsent_digests"] else ""
        out(f"{d['rule']} -> {d['tag']} ({d['schedule']}): {d['waiting']} waiting, "
            f"next due {local(d['next_due_at'], tz, 'not scheduled')}, "
            f"last sent {local(d['last_sent_at'], tz, 'never')}{unsent}", indent=2,
            style="red" if d["unsent_digests"] else None)
    if st.stories:
        console.out("")
        out("Stories on several outlets (last 7 days)")
    for s in st.stories:
        console.out("\n".join(shorten(s["title"] or "(no title)", 2, lines=1)), highlight=False)
        outlets = ", ".join(shown.get(o, o) for o in (s["outlets"] or "").split(", ") if o)
        out(f"{s['articles']} articles: {outlets}", indent=4)
    if st.follows:
        console.out("")
        out("Followed stories")
    for f in st.follows:
        _print_follow(f, tz)
    found = getattr(st, "discovery", None) or {}
    if found.get("fetched"):
        out(f"one hop beyond the sources: {plural(found['fetched'], 'page')} fetched, "
            f"{found['kept']} kept", indent=2)


def _print_follow(f: dict[str, Any], tz: ZoneInfo) -> None:
    found = f"{plural(f['follow_ups'], 'follow-up')}, newest {local(f['newest'], tz, 'none')}"
    if f["fetched_at"]:
        out(f"{f['name']}: seed article read {local(f['fetched_at'], tz)}; {found}", indent=2)
    elif f["error"]:
        out(f"{f['name']}: seed article not read ({plural(f['attempts'] or 0, 'attempt')}, "
            f"last {local(f['error_at'], tz)}); tried again next run", indent=2, style="red")
        out(f"error: {f['error']}", indent=4, style="red", max_lines=ERROR_LINES)
    else:
        out(f"{f['name']}: seed article not read yet (the next run reads it)", indent=2)


def _print_source(s: dict[str, Any], tz: ZoneInfo, shown: str) -> None:
    streak = s["error_streak"] or 0
    if s["failing"]:
        state, style = f"FAILING, {streak} failed fetches in a row", "red"
    elif streak:
        state, style = f"{streak} failed fetch{'es' if streak > 1 else ''} in a row", "yellow"
    elif s["silent"]:
        state, style = "silent", "yellow"
    elif s["mojibake_items"] or s.get("skipped"):
        state, style = "ok, see below", "yellow"
    else:
        state, style = "ok", None
    kind = f"{s['name']}, {s['kind']}" if shown != s["name"] else s["kind"]
    out(f"{shown} ({kind}): {state}", indent=2, style=style)
    out(f"{plural(s['items'] or 0, 'item')}, newest {local(s['newest'], tz, 'none')}", indent=4)
    out(f"last ok {local(s['last_ok_at'], tz, 'never')}, next due {local(s['next_due_at'], tz, 'now')}",
        indent=4)
    if streak and s["last_error"]:
        out(f"error: {s['last_error']}", indent=4, style=style, max_lines=ERROR_LINES)
    if s["silent"]:
        out(str(s["silent"]), indent=4, style="yellow")
    if s["mojibake_items"]:
        out(f"{s['mojibake_items']} items look mis-decoded (Ã¡, â€œ): wrong charset?", indent=4, style="yellow")
    if s.get("skipped"):
        n = s["skipped"]
        out(f"skipped {n} {'entry' if n == 1 else 'entries'} when last read: "
            f"{s['skipped_why'] or 'reason not recorded'}", indent=4, style="yellow")


def status_json(st, timezone: str | None, titles: Mapping[str, str] | None = None) -> str:
    """``newswatch status --json``: one JSON object (shape in docs/alerts.md)."""
    tz = zone(timezone)
    sources = []
    for s in st.sources:
        row = {"name": s["name"], "title": outlet_name(s["name"], s.get("feed_title"), titles)}
        row |= {k: s.get(k) for k in ("kind", "url", "failing", "error_streak", "last_error",
                                     "items", "newest", "last_ok_at", "last_fetch_at", "next_due_at",
                                     "mojibake_items", "skipped", "skipped_why")}
        row["silent"] = str(s["silent"]) if s["silent"] else None
        if not row["error_streak"]:
            row["last_error"] = None
        sources.append(_times(row, tz))
    doc = {
        "ok": status_exit_code(st) == 0,
        "exit_code": status_exit_code(st),
        "timezone": tz.key,
        "database": str(st.database),
        "sources": sources,
        "runs": [_times(dict(r), tz) for r in st.runs],
        "alerts": dict(st.alerts),
        "dead": [alert_json(a, tz) for a in st.dead],
        "digests": [_times(dict(d), tz) for d in st.digests],
        "stories": [_times(dict(s), tz) for s in st.stories],
        "follows": [_times(dict(f), tz) for f in getattr(st, "follows", [])],
        "discovery": dict(getattr(st, "discovery", None) or {}),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, default=str)


def _times(row: dict[str, Any], tz: ZoneInfo) -> dict[str, Any]:
    for key, value in row.items():
        if isinstance(value, str) and (key.endswith("_at") or key in TIME_KEYS):
            row[key] = local_iso(value, tz)
    return row


# -- alerts list ------------------------------------------------------------------------

_ALERT_KEYS = ("id", "status", "rule", "tag", "mode", "attempts", "created_at", "sent_at",
               "next_attempt_at", "last_error", "item_id", "cluster_id", "title", "url", "source",
               "published", "mute_id")


def alert_json(a: dict[str, Any], tz: ZoneInfo, mute: dict[str, Any] | None = None,
               titles: Mapping[str, str] | None = None) -> dict[str, Any]:
    """One alert as ``alerts list --json`` gives it (a sent alert has no retry time or error);
    ``source_title`` is the source's display name."""
    row = {k: a.get(k) for k in _ALERT_KEYS}
    row["source_title"] = outlet_name(a.get("source"), a.get("feed_title"), titles) if a.get("source") else None
    if row["status"] not in UNDELIVERED:
        row["next_attempt_at"] = row["last_error"] = None
    row["muted"] = None
    if mute:
        row["muted"] = _times({k: mute.get(k) for k in ("id", "kind", "scope", "target", "rule", "who",
                                                         "why", "created_at", "expires_at",
                                                         "withdrawn_at", "withdrawn_by")}, tz)
    return _times(row, tz)


def print_alerts(alerts: list[dict[str, Any]], mutes: dict[int, dict[str, Any]], timezone: str | None,
                 status: str | None, titles: Mapping[str, str] | None = None) -> None:
    """``newswatch alerts list`` as text: a block of two to four lines per alert; ``titles`` maps
    source names to their configured ``title``."""
    tz = zone(timezone)
    which = f"{status.capitalize()} alerts" if status else "Alerts"
    if not alerts:
        out(f"No {which.lower()} yet.")
        return
    out(f"{which}, newest first; times in {zone_note(tz)}")
    for a in alerts:
        _print_alert(a, mutes.get(a.get("mute_id") or -1), tz, titles)


def _print_alert(a: dict[str, Any], mute: dict[str, Any] | None, tz: ZoneInfo,
                 titles: Mapping[str, str] | None) -> None:
    st = a["status"]
    when = (f"sent {local(a['sent_at'], tz)}" if a.get("sent_at") and st != "pending"
            else f"created {local(a['created_at'], tz)}")
    style = "red" if st in ("failed", "dead") else "dim" if st in ("muted", "dismissed") else None
    head = f"#{a['id']} {when}" if st == "sent" else f"#{a['id']} {st}, {when}"
    out(f"{head}: {a['rule']} -> {a['tag']}", style=style)
    for line in shorten(a.get("title") or "(no title)", 4):
        console.out(line, highlight=False)
    story = f"; {whole('story ' + a['cluster_id'])}" if a.get("cluster_id") and a["cluster_id"] != a["item_id"] else ""
    tries = f", {plural(a['attempts'] or 0, 'attempt')}" if st in UNDELIVERED and a.get("attempts") else ""
    source = named(a.get("source"), a.get("feed_title"), titles)
    out(f"{source}; {whole('item ' + str(a['item_id']))}{story}; {a['mode']}{tries}", indent=4)
    if st in ("failed", "pending", "deferred") and a.get("next_attempt_at") and a.get("attempts"):
        out(f"next try {local(a['next_attempt_at'], tz)}", indent=4)
    if st in ("failed", "dead") and a.get("last_error"):
        out(f"error: {a['last_error']}", indent=4, style="red", max_lines=ERROR_LINES)
    if mute:
        what = ("not relevant" if mute["kind"] == "dismiss"
                else f"muted ({mute['scope']} {mute['target']}, mute {mute['id']})")
        until = f", until {local(mute['expires_at'], tz)}" if mute.get("expires_at") else ""
        why = f": {mute['why']}" if mute.get("why") else ""
        if mute.get("withdrawn_at"):
            verb = "withdrawn" if mute["kind"] == "dismiss" else "ended"
            until = f", {verb} by {mute['withdrawn_by']} {local(mute['withdrawn_at'], tz)}"
        out(f"{what} by {mute['who']} {local(mute['created_at'], tz)}{until}{why}", indent=4)
