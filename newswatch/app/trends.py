"""``newswatch trends``: attention over time, per topic or rule, as data and as a table.

:func:`coverage` counts (see :func:`newswatch.storage.daily_counts` for what
each figure means); :func:`coverage_lines` draws the compact table with a
sparkline per key that the command and ``make demo`` print.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from .. import storage
from ..errors import InvalidInput
from ..schedule import get_timezone
from .loading import ConfigLike, as_config, existing_database

__all__ = ["Coverage", "coverage", "coverage_lines", "sparkline"]

#: Eight heights of a sparkline bar; a day with nothing is a dot.
_BARS = "▁▂▃▄▅▆▇█"
_NOTHING = "·"


@dataclass
class Coverage:
    """Per day and per key, the figures of :func:`newswatch.storage.daily_counts`."""

    by: str
    first: date
    last: date
    timezone: str
    rows: list[storage.DayCount] = field(default_factory=list)

    @property
    def keys(self) -> list[str]:
        """The keys (topics or rules), in alphabetical order."""
        return sorted({r.key for r in self.rows})

    def series(self, key: str) -> list[storage.DayCount]:
        """One key's rows, oldest day first."""
        return [r for r in self.rows if r.key == key]


def coverage(config: ConfigLike = None, *, days: int = 30, by: str = "topic",
             until: date | None = None) -> Coverage:
    """Per day and per topic (``by="topic"``) or rule (``by="rule"``), the last ``days`` days.

    Days end with ``until`` (default: today) and are local dates in the
    ``[notify] timezone``. Every configured topic (or rule) is listed, zeros
    included. Raises InvalidInput for ``days`` < 1 or an unknown ``by``,
    NotFoundError when there is no database yet.
    """
    if by not in ("topic", "rule"):
        raise InvalidInput(f"by must be topic or rule, not {by!r}")
    if days < 1:
        raise InvalidInput(f"days must be 1 or more, not {days}")
    config = as_config(config, check_env=False)
    tz = get_timezone(config.notify.timezone)
    topics = {r.name: r.topic for r in config.rules}
    keys = {r.name if by == "rule" else (r.topic or r.name) for r in config.rules}
    db = existing_database(config)
    rows = storage.daily_counts(db, days=days, by=by,  # type: ignore[arg-type]
                                tz=tz, topics=topics, until=until, keys=keys)
    first = rows[0].day if rows else until or date.today()
    last = rows[-1].day if rows else first
    return Coverage(by, first, last, config.notify.timezone, rows)


def sparkline(values: list[int], width: int) -> str:
    """``values`` as at most ``width`` bars; several values share a bar when they do not fit.

    A bar stands for the sum of its values, scaled to the largest bar; a
    bar of zero is a dot, so a quiet day never looks like a low one.
    """
    per = max(1, math.ceil(len(values) / max(1, width)))
    sums = [sum(values[i:i + per]) for i in range(0, len(values), per)]
    top = max(sums, default=0)
    return "".join(_NOTHING if not s else _BARS[max(0, math.ceil(s / top * len(_BARS)) - 1)]
                   for s in sums)


def coverage_lines(cov: Coverage, width: int = 80) -> list[str]:
    """The table ``newswatch trends`` prints: one line per key, ``width`` columns at most.

    Columns: the key, its stories, matched items and the items of its
    sources over the window, the share, and a sparkline of stories per day.
    """
    name_w = max([len(cov.by), *(len(k) for k in cov.keys)])
    name_w = min(name_w, 16)
    head = f"{cov.by:<{name_w}} {'stories':>7} {'items':>6} {'of all':>7} {'share':>6}  "
    spark_w = max(10, width - len(head))
    days = (cov.last - cov.first).days + 1
    per = max(1, math.ceil(days / spark_w))
    scale = "a bar a day" if per == 1 else f"a bar per {per} days"
    lines = [f"Stories per day, {cov.first} to {cov.last}, {cov.timezone}", head + scale]
    undated = 0
    for key in cov.keys:
        rows = cov.series(key)
        items = sum(r.items for r in rows)
        all_items = sum(r.all_items for r in rows)
        share = f"{items / all_items:.1%}" if all_items else "-"
        undated += sum(r.undated for r in rows)
        name = key if len(key) <= name_w else key[:name_w - 1] + "…"
        lines.append(f"{name:<{name_w}} {sum(r.stories for r in rows):>7} {items:>6} {all_items:>7} "
                     f"{share:>6}  {sparkline([r.stories for r in rows], spark_w)}")
    if not cov.keys:
        lines.append("(no rules, so nothing to count)")
    if undated:
        lines.append(f"{undated} matched item{'s' if undated != 1 else ''} had no publication date: "
                     "counted on the day fetched.")
    return lines
