"""Time: UTC timestamps, when sources are due, and when digests go out.

Pure and at the bottom of the house: it imports nothing of newswatch, so the
configuration, storage, the crawlers and the watch can all share it.

Timestamps: every timestamp newswatch writes (database columns, lock files,
log lines) is UTC ISO 8601 with seconds and a Z, ``2026-11-28T07:30:00Z``:
:func:`iso` and :func:`now_iso` write it, :func:`parse_time` reads it back.

Due times are shared by cron-style ``newswatch run`` and by ``newswatch
watch``: a source is due ``interval`` after its last fetch, and after failures
the wait doubles (2x, 4x, 8x the interval, never more than a day unless the
interval itself is longer). The watch adds a random delay of up to ``[crawl]
jitter`` (at most a tenth of the interval) so sources do not all fire at once.

Digest schedules (``hourly``, ``daily HH:MM``, ``weekly DAY HH:MM``, in a
time zone) define *slots*; :mod:`newswatch.storage.digests` decides from them
which digests are due.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "MAX_BACKOFF_S",
    "MAX_BACKOFF_STEPS",
    "Schedule",
    "TS_FORMAT",
    "backoff_wait",
    "due_time",
    "get_timezone",
    "iso",
    "jitter_for",
    "next_due_at",
    "now_iso",
    "parse_schedule",
    "parse_time",
]

#: The one timestamp format: UTC, seconds precision, a Z.
TS_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

#: After this many failures in a row the wait stops growing (8x the interval).
MAX_BACKOFF_STEPS = 3
#: Backoff never makes a source wait longer than this (unless its interval is longer).
MAX_BACKOFF_S = 86400


# -- timestamps -------------------------------------------------------------------


def iso(moment: datetime) -> str:
    """``datetime`` -> ``'2026-11-28T07:30:00Z'`` (a naive value is taken as UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime(TS_FORMAT)


def now_iso(moment: datetime | None = None) -> str:
    """The current time (or ``moment``) in the format of every timestamp column."""
    return iso(moment or datetime.now(UTC))


def parse_time(value: str | datetime | None) -> datetime | None:
    """A stored UTC ISO 8601 timestamp as an aware datetime (None stays None).

    A time written without an offset is taken as UTC, as every stored one is.
    """
    if value is None or isinstance(value, datetime):
        return value
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# -- when sources are due ---------------------------------------------------------


def backoff_wait(interval_s: int, error_streak: int = 0) -> int:
    """Seconds to wait after a fetch: the interval, doubled per failure in a row (capped)."""
    streak = max(0, int(error_streak or 0))
    return min(interval_s * 2 ** min(streak, MAX_BACKOFF_STEPS), max(interval_s, MAX_BACKOFF_S))


def next_due_at(interval_s: int, fetched_at: str | datetime, error_streak: int = 0) -> str:
    """When a source fetched at ``fetched_at`` with ``error_streak`` failures in a row is due again."""
    start = parse_time(fetched_at)
    if start is None:
        raise ValueError(f"not a time: {fetched_at!r}")
    return iso(start + timedelta(seconds=backoff_wait(interval_s, error_streak)))


def due_time(interval_s: int, state: dict | None) -> datetime | None:
    """A source's due time from its stored state; None when it was never fetched (due now)."""
    last = parse_time((state or {}).get("last_fetch_at"))
    if last is None:
        return None
    return last + timedelta(seconds=backoff_wait(interval_s, (state or {}).get("error_streak") or 0))


def jitter_for(interval_s: int, max_jitter_s: int, rng: random.Random | None = None) -> float:
    """A random delay in [0, min(max_jitter_s, interval/10)] seconds."""
    cap = min(float(max_jitter_s), interval_s / 10)
    return (rng or random).uniform(0, cap) if cap > 0 else 0.0


# -- time zones and digest schedules ----------------------------------------------

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
SCHEDULE_HELP = 'write "hourly", "daily HH:MM" or "weekly DAY HH:MM", like "daily 07:00" or "weekly mon 08:30"'


def get_timezone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``; ValueError saying what is valid otherwise."""
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {name!r}: use an IANA name like \"UTC\", "
            f"\"America/Guatemala\" or \"Europe/Madrid\""
        ) from None


@dataclass(frozen=True)
class Schedule:
    """When digests go out: every hour, every day at HH:MM, or one day a week at HH:MM."""

    every: str  # hourly | daily | weekly
    at: time = time(0, 0)
    weekday: int | None = None  # 0 = Monday
    tz: ZoneInfo = ZoneInfo("UTC")

    def __str__(self) -> str:
        if self.every == "hourly":
            text = "hourly"
        elif self.every == "daily":
            text = f"daily {self.at:%H:%M}"
        else:
            text = f"weekly {DAYS[self.weekday or 0][:3]} {self.at:%H:%M}"  # weekly always has one
        return f"{text} {self.tz.key}"

    def _local(self, day: date) -> datetime:
        # A wall-clock time skipped by a DST change lands just after the gap.
        return datetime.combine(day, self.at, tzinfo=self.tz)

    def latest_slot(self, now: datetime) -> datetime:
        """The most recent slot at or before ``now`` (an aware datetime), in UTC."""
        now_utc = now.astimezone(UTC)
        local = now_utc.astimezone(self.tz)
        if self.every == "hourly":
            # Whole hours of local time (a zone at +05:30 gets them at :30 UTC).
            slot = local.replace(minute=0, second=0, microsecond=0)
            return slot.astimezone(UTC)
        step = 1 if self.every == "daily" else 7
        day = local.date()
        if self.every == "weekly":
            day -= timedelta(days=(day.weekday() - (self.weekday or 0)) % 7)
        while self._local(day).astimezone(UTC) > now_utc:
            day -= timedelta(days=step)
        return self._local(day).astimezone(UTC)

    def next_slot(self, now: datetime) -> datetime:
        """The first slot after ``now``, in UTC."""
        slot = self.latest_slot(now)
        probe = slot
        while True:
            probe += timedelta(minutes=30) if self.every == "hourly" else timedelta(hours=12)
            candidate = self.latest_slot(probe)
            if candidate > slot:
                return candidate


def parse_schedule(text: str, tz: str | ZoneInfo = "UTC") -> Schedule:
    """``"hourly"``, ``"daily 07:00"``, ``"weekly mon 08:30"`` -> :class:`Schedule`.

    Days may be written in full or by their first three letters, in any
    case. Raises ValueError saying what would be valid.
    """
    zone = tz if isinstance(tz, ZoneInfo) else get_timezone(tz)
    parts = str(text).strip().lower().split()
    bad = ValueError(f"invalid digest schedule {text!r}: {SCHEDULE_HELP}")
    if parts == ["hourly"]:
        return Schedule("hourly", tz=zone)
    if len(parts) == 2 and parts[0] == "daily":
        return Schedule("daily", _clock(parts[1], bad), tz=zone)
    if len(parts) == 3 and parts[0] == "weekly":
        day = next((i for i, d in enumerate(DAYS) if parts[1] in (d, d[:3])), None)
        if day is None:
            raise ValueError(
                f"invalid digest schedule {text!r}: unknown day {parts[1]!r}; "
                f"use monday ... sunday or mon ... sun"
            )
        return Schedule("weekly", _clock(parts[2], bad), day, zone)
    raise bad


def _clock(text: str, bad: ValueError) -> time:
    m = _HHMM.match(text)
    if not m:
        raise bad
    return time(int(m.group(1)), int(m.group(2)))
