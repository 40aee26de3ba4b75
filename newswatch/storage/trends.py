"""Attention over time: per day and per topic (or rule), how much matched.

One row per (day, key) for every day of a window, zeros included, counted
in one SQL statement, one pass over the items of the window (a desk has 600,000 items):

* ``stories``: distinct stories (clusters) with an item the key matched;
* ``items``: items the key matched;
* ``all_items``: every item stored that day from the key's *sources*,
  the sources with at least one item the key matched in the window (Media
  Cloud's "all stories of the same sources in the same period");
* ``share``: ``items / all_items`` (0.0 when ``all_items`` is 0);
* ``undated``: how many of ``items`` have no publication date and were put
  on the day they were fetched instead.

The ``spike:<topic>`` rows that spike alerts write into ``matches`` (see
:mod:`newswatch.app.spikes`) are no rule's matches and are not counted.

An item's day is the local date (in ``tz``) of its publication, or of its
first fetch when the source gave no date.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlite_utils import Database

__all__ = ["DayCount", "TopStory", "daily_counts", "day_bounds", "top_stories"]

By = Literal["topic", "rule"]

#: SQL of an items row ``i``'s moment: publication, else first fetch.
_WHEN = "coalesce(i.published, i.fetched_at)"


@dataclass(frozen=True)
class DayCount:
    """One key's figures on one local day."""

    day: date
    key: str
    stories: int
    items: int
    all_items: int
    share: float
    undated: int = 0

    def as_json(self) -> dict[str, Any]:
        """The object ``newswatch trends --json`` prints for this row."""
        row = asdict(self)
        row["day"] = self.day.isoformat()
        del row["undated"]
        return row


@dataclass(frozen=True)
class TopStory:
    """A story a key matched on one day, with the outlets that carried it."""

    cluster_id: str
    title: str
    url: str
    outlets: list[str]
    items: int


def _ts(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def day_bounds(day: date, tz: ZoneInfo) -> tuple[str, str]:
    """The UTC timestamps ``[start, end)`` of local day ``day`` in ``tz``.

    A day is not always 24 hours long (daylight saving), so each bound is
    the local midnight converted on its own.
    """
    start = datetime.combine(day, time(), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz)
    return _ts(start), _ts(end)


def _key_sql(by: By) -> str:
    if by == "rule":
        return "m.rule"
    # The configured topic of the rule wins over the one stored at match
    # time (a topic renamed since); a rule with no topic stands for itself.
    return "coalesce(t.value, m.topic, m.rule)"


def _day_table(first: date, last: date, tz: ZoneInfo) -> list[list[str]]:
    days, day = [], first
    while day <= last:
        days.append([day.isoformat(), *day_bounds(day, tz)])
        day += timedelta(days=1)
    return days


def _offset(epoch: int, tz: ZoneInfo) -> int:
    delta = datetime.fromtimestamp(epoch, UTC).astimezone(tz).utcoffset()
    return int(delta.total_seconds()) if delta is not None else 0


def _stretches(lo: str, hi: str, tz: ZoneInfo) -> list[tuple[str, int]]:
    """``(from, offset)``: where in ``[lo, hi)`` each UTC offset of ``tz`` starts, in seconds.

    Zones change offset at most a few times a year, so the local date of
    every row is one ``date(ts, '+N seconds')`` picked from a short CASE,
    rather than a join of every row against every day.
    """
    start = int(datetime.strptime(lo, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp())
    end = int(datetime.strptime(hi, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp())
    out = [(start, _offset(start, tz))]
    t = start
    while t < end:
        step = min(t + 3600, end)
        if _offset(step, tz) != out[-1][1]:
            a, b = t, step  # the change is in (a, b]: find its second
            while b - a > 1:
                mid = (a + b) // 2
                a, b = (mid, b) if _offset(mid, tz) == out[-1][1] else (a, mid)
            out.append((b, _offset(b, tz)))
        t = step
    return [(datetime.fromtimestamp(e, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), o) for e, o in out]


def _local_date_sql(when: str, stretches: list[tuple[str, int]]) -> str:
    """SQL of the local date of UTC timestamp ``when`` (text we made: no user input)."""
    shift = "".join(f" WHEN {when} < '{frm}' THEN '{prev:+d} seconds'"
                    for (frm, _), (_, prev) in zip(stretches[1:], stretches))
    last = f"'{stretches[-1][1]:+d} seconds'"
    return f"date({when}, CASE{shift} ELSE {last} END)" if shift else f"date({when}, {last})"


def _window(days: int, tz: ZoneInfo, until: date | None) -> tuple[date, date]:
    if days < 1:
        raise ValueError(f"days must be 1 or more, not {days}")
    last = until or datetime.now(tz).date()
    return last - timedelta(days=days - 1), last


_COUNTS_SQL = f"""
WITH dated AS (
    SELECT i.id, i.source, coalesce(i.cluster_id, i.id) AS story,
           i.published IS NULL AS undated, DAY_SQL AS day
    FROM items i WHERE {_WHEN} >= :lo AND {_WHEN} < :hi),
hits AS (
    SELECT DISTINCT KEY_SQL AS key, x.id, x.source, x.story, x.undated, x.day
    FROM dated x JOIN matches m ON m.item_id = x.id AND m.rule NOT LIKE 'spike:%'
    LEFT JOIN json_each(:topics) t ON t.key = m.rule),
matched AS (
    SELECT key, day, COUNT(DISTINCT story) AS stories, COUNT(*) AS items,
           SUM(undated) AS undated
    FROM hits GROUP BY key, day),
volume AS (SELECT day, source, COUNT(*) AS n FROM dated GROUP BY day, source),
totals AS (
    SELECT k.key, v.day, SUM(v.n) AS all_items
    FROM (SELECT DISTINCT key, source FROM hits) k
    JOIN volume v ON v.source = k.source GROUP BY k.key, v.day)
SELECT 'm' AS kind, key, day, stories, items, undated FROM matched
UNION ALL
SELECT 't', key, day, all_items, 0, 0 FROM totals
"""


def daily_counts(
    db: Database,
    *,
    days: int,
    by: By = "topic",
    tz: ZoneInfo,
    topics: Mapping[str, str | None] | None = None,
    until: date | None = None,
    keys: Iterable[str] = (),
) -> list[DayCount]:
    """Per local day and per topic (or rule): stories, items, all items, share.

    ``days`` days ending with ``until`` (default: today in ``tz``), oldest
    first, and within a day keys in alphabetical order. ``topics`` maps a
    rule to its configured topic (for ``by="topic"``; a rule missing from it
    keeps the topic stored with its matches, and a rule with no topic counts
    under its own name). ``keys`` are listed even when nothing matched them
    in the window (a quiet topic shows as zeros, not as absent). Every day
    of the window is present for every key: a day with no data is zeros.
    Raises ValueError when ``days`` < 1.
    """
    first, last = _window(days, tz, until)
    table = _day_table(first, last, tz)
    params = {
        "lo": table[0][1],
        "hi": table[-1][2],
        "topics": json.dumps({r: t for r, t in (topics or {}).items() if t}),
    }
    sql = _COUNTS_SQL.replace("KEY_SQL", _key_sql(by)).replace(
        "DAY_SQL", _local_date_sql(_WHEN, _stretches(params["lo"], params["hi"], tz)))
    matched: dict[tuple[str, str], tuple[int, int, int]] = {}
    totals: dict[tuple[str, str], int] = {}
    for kind, key, day, a, b, c in db.execute(sql, params):
        if kind == "m":
            matched[key, day] = (a, b, c or 0)
        else:
            totals[key, day] = a
    names = sorted(set(keys) | {k for k, _ in matched} | {k for k, _ in totals})
    rows = []
    for day_iso, _, _ in table:
        for key in names:
            stories, items, undated = matched.get((key, day_iso), (0, 0, 0))
            all_items = totals.get((key, day_iso), 0)
            share = round(items / all_items, 4) if all_items else 0.0
            rows.append(DayCount(date.fromisoformat(day_iso), key, stories, items,
                                 all_items, share, undated))
    return rows


_TOP_SQL = f"""
WITH hit AS (
    SELECT DISTINCT coalesce(i.cluster_id, i.id) AS story, i.id
    FROM items i JOIN matches m ON m.item_id = i.id AND m.rule NOT LIKE 'spike:%'
    LEFT JOIN json_each(:topics) t ON t.key = m.rule
    WHERE KEY_SQL = :key AND {_WHEN} >= :lo AND {_WHEN} < :hi)
SELECT h.story, COUNT(*) AS items,
       (SELECT f.title FROM items f WHERE f.id IN (SELECT id FROM hit WHERE story = h.story)
        ORDER BY f.fetched_at, f.rowid LIMIT 1) AS title,
       (SELECT f.url FROM items f WHERE f.id IN (SELECT id FROM hit WHERE story = h.story)
        ORDER BY f.fetched_at, f.rowid LIMIT 1) AS url,
       (SELECT group_concat(o.source, '\n') FROM (
            SELECT f.source FROM items f WHERE f.cluster_id = h.story OR f.id = h.story
            GROUP BY f.source ORDER BY MIN(f.fetched_at), f.source) o) AS outlets
FROM hit h GROUP BY h.story ORDER BY items DESC, MIN(h.id) LIMIT :limit
"""


def top_stories(
    db: Database,
    *,
    key: str,
    day: date,
    tz: ZoneInfo,
    by: By = "topic",
    topics: Mapping[str, str | None] | None = None,
    limit: int = 5,
) -> list[TopStory]:
    """The stories ``key`` matched on local ``day``, most matched items first.

    Each comes with the outlets (sources) that carried any of its items,
    in the order they were first seen, and how many of its items matched.
    """
    lo, hi = day_bounds(day, tz)
    params = {"key": key, "lo": lo, "hi": hi, "limit": limit,
              "topics": json.dumps({r: t for r, t in (topics or {}).items() if t})}
    return [
        TopStory(story, title or "", url or "", (outlets or "").split("\n"), items)
        for story, items, title, url, outlets in db.execute(
            _TOP_SQL.replace("KEY_SQL", _key_sql(by)), params)
    ]
