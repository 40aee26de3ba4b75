"""Source health: sources that keep failing, and sources that went quiet.

A source is *failing* after :data:`FAILING_AFTER` failed fetches in a row;
that moment, and the first good fetch after it, are what the ``ops`` tag is
told about (one message each, not one per failed run). A source is *silent*
when its newest item is much older than its usual gap between items, which
catches what no error reports: a feed frozen on old entries, a sitemap no
longer updated, a site whose listing selectors stopped matching.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .schedule import parse_time

#: Failed fetches in a row after which a source counts as broken.
FAILING_AFTER = 3
#: A source is silent after this many usual gaps without a new item...
SILENT_GAPS = 4
#: ...and never sooner than this (nor sooner than two of its intervals).
SILENT_FLOOR = timedelta(hours=6)
#: Items needed before a source's rhythm is trusted.
MIN_HISTORY = 5


@dataclass
class Silence:
    """A source whose newest item is older than its rhythm allows."""

    source: str
    quiet_for: timedelta
    usual_gap: timedelta

    def __str__(self) -> str:
        return f"silent for {human(self.quiet_for)} (usually a new item every {human(self.usual_gap)})"


def human(delta: timedelta) -> str:
    """'3d', '5h', '12m', '40s': the largest whole unit."""
    s = int(delta.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if s >= size:
            return f"{s // size}{unit}"
    return f"{max(s, 0)}s"


def usual_gap(times: Iterable[str | datetime]) -> timedelta | None:
    """The median gap between consecutive item times, or None with too little history."""
    stamps = sorted(t for t in (parse_time(x) for x in times) if t is not None)
    if len(stamps) < MIN_HISTORY:
        return None
    gaps = [b - a for a, b in zip(stamps, stamps[1:]) if b > a]
    if len(gaps) < MIN_HISTORY - 1:
        return None
    return statistics.median(gaps)


def silence(source: str, interval_s: int, times: list[str], now: datetime | None = None) -> Silence | None:
    """A :class:`Silence` when ``source`` has gone quiet for longer than its rhythm allows."""
    gap = usual_gap(times)
    if gap is None:
        return None
    now = now or datetime.now(UTC)
    newest = max(parse_time(t) for t in times)
    quiet = now - newest
    limit = max(gap * SILENT_GAPS, timedelta(seconds=2 * interval_s), SILENT_FLOOR)
    return Silence(source, quiet, gap) if quiet > limit else None


def silent_sources(db, config, now: datetime | None = None) -> dict[str, Silence]:
    """Configured sources that went silent (page watches are quiet by nature and skipped)."""
    from . import storage

    out = {}
    for s in config.sources:
        if s.kind == "page":
            continue
        found = silence(s.name, s.interval_s, storage.item_times(db, s.name), now)
        if found:
            out[s.name] = found
    return out


def transitions(before: dict[str, dict], fetches) -> list[tuple[str, object]]:
    """("broken", fetch) when a source reaches FAILING_AFTER failures in a row; ("recovered", fetch)
    on its first good fetch after that. ``before`` is the sources' state before the run."""
    out = []
    for f in fetches:
        streak = (before.get(f.source) or {}).get("error_streak") or 0
        if not f.ok and streak + 1 == FAILING_AFTER:
            out.append(("broken", f))
        elif f.ok and streak >= FAILING_AFTER:
            out.append(("recovered", f))
    return out
