"""Spike alerts: a topic whose stories on a day jump far above its recent days.

After a run has matched and stored its items, :func:`queue_spike_alerts`
looks at today and yesterday (local dates in the ``[notify] timezone``:
yesterday too, because late items dated yesterday arrive today) for every
topic. A day is a spike when its stories exceed ``factor`` times the daily
mean of the ``window`` days before it (zeros included) and are at least
``min_items``. docs/alerts.md, "Spike alerts", has the formula.

A spike becomes one alert per ``notify`` tag in the normal outbox, as rule
``spike:<topic>``, so it is retried, rate-limited into digests and muted
like any alert. Its item is the day's top story (the one with the most
matched items), and a ``matches`` row of that item for the spike rule holds
what the message says: the count, the baseline and the day's top stories
with their outlets as one line of text (what Datasette shows), and its
``fields`` hold the same as one object, ``[{"spike": {...}}]`` (see
:func:`spike_payload`), from which the notifier writes a spike's message.
Its ``cluster_id`` is ``spike:<topic>:<day>``: one alert per topic and day,
ever.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .. import storage
from ..config import Config, SpikeSettings, outlet_titles
from ..schedule import get_timezone, parse_time
from ..storage.mutes import hold_back_new_alerts

__all__ = ["PREFIX", "Spike", "find_spikes", "queue_spike_alerts", "spike_payload", "spike_text"]

#: A spike alert's rule is this prefix and the topic.
PREFIX = "spike:"
#: How many of the day's stories a spike alert names.
TOP_STORIES = 3


@dataclass(frozen=True)
class Spike:
    """A topic's day whose stories jumped above its baseline."""

    topic: str
    day: date
    stories: int
    baseline: float  # daily mean of stories over the window before ``day``
    settings: SpikeSettings

    @property
    def rule(self) -> str:
        return f"{PREFIX}{self.topic}"

    @property
    def cluster_id(self) -> str:
        return f"{PREFIX}{self.topic}:{self.day.isoformat()}"


def _topics(config: Config) -> list[str]:
    return sorted({r.topic or r.name for r in config.rules})


def find_spikes(config: Config, db: Any, *, today: date, days: int = 2) -> list[Spike]:
    """The spikes of the ``days`` days ending with ``today``, topic by topic.

    A day is a spike when ``stories > factor * baseline`` and
    ``stories >= min_items``, where ``baseline`` is the mean of the topic's
    stories per day over the ``window_days`` days before it.
    """
    if config.spikes is None:
        return []
    tz = get_timezone(config.notify.timezone)
    topics = _topics(config)
    longest = max(config.spikes.for_topic(t).window_days for t in topics) if topics else 1
    rows = storage.daily_counts(db, days=longest + days, by="topic", tz=tz,
                                topics={r.name: r.topic for r in config.rules},
                                until=today, keys=topics)
    per_topic: dict[str, list[int]] = {}
    for row in rows:
        per_topic.setdefault(row.key, []).append(row.stories)
    spikes = []
    for topic in topics:
        settings = config.spikes.for_topic(topic)
        series = per_topic.get(topic, [])
        for back in range(days - 1, -1, -1):
            at = len(series) - 1 - back
            before = series[at - settings.window_days:at]
            baseline = sum(before) / settings.window_days
            count = series[at]
            if count >= settings.min_items and count > settings.factor * baseline:
                spikes.append(Spike(topic, today - timedelta(days=back), count, baseline, settings))
    return spikes


def spike_text(spike: Spike, top: list[storage.TopStory], outlets: dict[str, str]) -> str:
    """What a spike alert says: the count, the baseline, the top stories and their outlets.

    The count is marked «like this», as a rule's evidence marks its words.
    ``outlets`` maps a source name to its display name.
    """
    s = spike.settings
    lines = [f"«{spike.stories} stories» about {spike.topic} on {spike.day:%a %d %b %Y}: "
             f"above {s.factor:g} × the daily mean of the {s.window_days} days before "
             f"({spike.baseline:.1f} a day; a spike needs at least {s.min_items})."]
    if top:
        lines.append("Top stories: " + "; ".join(
            f"{i}. {story.title or '(no title)'} ({', '.join(outlets.get(o, o) for o in story.outlets)})"
            for i, story in enumerate(top, 1)) + ".")
    return " ".join(lines)


def spike_payload(spike: Spike, top: list[storage.TopStory], outlets: dict[str, str]) -> dict[str, Any]:
    """What a spike's message needs, as stored in its ``matches`` row's ``fields``.

    ``{"topic", "day" (YYYY-MM-DD), "stories", "baseline", "factor",
    "window_days", "min_items", "top": [{"title", "url", "outlets", "items"}]}``,
    outlets by display name (``outlets`` maps a source name to it).
    """
    s = spike.settings
    return {"topic": spike.topic, "day": spike.day.isoformat(), "stories": spike.stories,
            "baseline": round(spike.baseline, 4), "factor": s.factor,
            "window_days": s.window_days, "min_items": s.min_items,
            "top": [{"title": story.title, "url": story.url, "items": story.items,
                     "outlets": [outlets.get(o, o) for o in story.outlets]} for story in top]}


def queue_spike_alerts(config: Config, db: Any, now: str) -> int:
    """Queue an alert for each new spike of today or yesterday; how many were queued.

    A topic's day alerts at most once: a spike already in the outbox (sent,
    pending, muted ...) is not queued again on a later run.
    """
    if config.spikes is None:
        return 0
    tz = get_timezone(config.notify.timezone)
    moment = parse_time(now)
    assert moment is not None
    today = moment.astimezone(tz).date()
    topics = {r.name: r.topic for r in config.rules}
    outlets = outlet_titles(config.sources)
    queued = 0
    for spike in find_spikes(config, db, today=today):
        seen = db.execute("SELECT 1 FROM alerts WHERE rule = ? AND cluster_id = ? LIMIT 1",
                          [spike.rule, spike.cluster_id]).fetchone()
        if seen:
            continue
        top = storage.top_stories(db, key=spike.topic, day=spike.day, tz=tz, topics=topics,
                                  limit=TOP_STORIES)
        if not top:
            continue
        lead = db.execute("SELECT id, source FROM items WHERE cluster_id = ? OR id = ?"
                          " ORDER BY fetched_at, rowid LIMIT 1",
                          [top[0].cluster_id, top[0].cluster_id]).fetchone()
        alerts = storage.new_alerts(spike.rule, spike.cluster_id, lead[0], spike.settings.notify, now)
        with db.conn:
            db.execute(
                "INSERT OR REPLACE INTO matches (item_id, rule, topic, terms, fields, snippet, matched_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [lead[0], spike.rule, spike.topic, json.dumps([f"{spike.stories} stories"]),
                 json.dumps([{"spike": spike_payload(spike, top, outlets)}]),
                 spike_text(spike, top, outlets), now])
            hold_back_new_alerts(db, alerts, {lead[0]: lead[1]})
            db["alerts"].insert_all(alerts)
        queued += 1
    return queued
