"""The analyst's desk: the front page of ``newswatch serve``.

Per topic (a rule without a topic stands for itself): a chart of the
stories it matched per day over the last 30 or 90 days, its latest matched
stories with the evidence (snippet hits highlighted), how many outlets
carried each and which published first, and links to the rule pages, their
Atom feeds and the full tables. Datasette's own index moves to
``/-/datasette``. The rules are the configured ones: a spike alert's
``spike:<topic>`` match rows are neither listed nor shown as evidence.

The window ends on the local day of the newest stored item (today on a
desk that is collecting; the last day of an archive otherwise), so a
database of past coverage still shows its chart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from datasette.utils.asgi import Response
from markupsafe import Markup
from sqlite_utils import Database

from ..config import outlet_name
from ..storage import daily_counts, wrap_connection
from .cells import highlight, local_time, safe_link
from .charts import coverage_svg
from .metadata import RULE_QUERY_PREFIX, plugin_settings, plugin_zone

#: The chart windows a reader may pick (``/?days=90``); the first is the default.
WINDOWS = (30, 90)
#: Latest stories listed per topic.
LATEST = 5

_LATEST_SQL = """
WITH hit AS (
    SELECT coalesce(i.cluster_id, i.id) AS story, i.id, m.rule, m.snippet,
           coalesce(i.published, i.fetched_at) AS at
    FROM matches m JOIN items i ON i.id = m.item_id
    LEFT JOIN json_each(:topics) t ON t.key = m.rule
    -- A spike alert's row (newswatch.app.spikes) is no rule's evidence.
    WHERE coalesce(t.value, m.topic, m.rule) = :key AND m.rule NOT LIKE 'spike:%'),
latest AS (
    -- SQLite takes the bare columns from the row holding the MAX.
    SELECT story, MAX(at) AS at, id, rule, snippet FROM hit
    GROUP BY story ORDER BY at DESC, story LIMIT :limit)
SELECT l.story, l.at, l.rule, l.snippet, i.id, i.title, i.url, i.source,
       (SELECT COUNT(DISTINCT f.source) FROM items f
        WHERE f.cluster_id = l.story OR f.id = l.story) AS outlets,
       (SELECT f.source FROM items f WHERE f.cluster_id = l.story OR f.id = l.story
        ORDER BY coalesce(f.published, f.fetched_at), f.rowid LIMIT 1) AS first_source
FROM latest l JOIN items i ON i.id = l.id
ORDER BY l.at DESC, l.story
"""


@dataclass
class Topic:
    """What the desk shows for one topic."""

    key: str
    rules: list[str]
    days: list[Any] = field(default_factory=list)
    latest: list[dict[str, Any]] = field(default_factory=list)

    @property
    def stories(self) -> int:
        return sum(d.stories for d in self.days)

    @property
    def chart(self) -> Markup:
        first, last = self.days[0].day, self.days[-1].day
        return coverage_svg(self.days, f"{self.key}: stories per day, {first} to {last}")


def _last_day(db: Database, tz: ZoneInfo) -> date:
    today = datetime.now(tz).date()
    newest = db.execute("SELECT MAX(coalesce(published, fetched_at)) FROM items").fetchone()[0]
    if not newest:
        return today
    try:
        day = date.fromisoformat(local_time(newest, tz)[:10])
    except ValueError:
        return today
    return min(day, today)  # an outlet's date in the future does not move the window


def desk_topics(db: Database, rules: dict[str, str | None], tz: ZoneInfo, days: int) -> list[Topic]:
    """Every configured topic with its daily counts and latest stories, busiest first."""
    topics: dict[str, Topic] = {}
    for rule, topic in rules.items():
        key = topic or rule
        topics.setdefault(key, Topic(key, [])).rules.append(rule)
    counts = daily_counts(db, days=days, by="topic", tz=tz, topics=rules,
                          until=_last_day(db, tz), keys=list(topics))
    mapping = json.dumps({r: t for r, t in rules.items() if t})
    for row in counts:
        if row.key in topics:
            topics[row.key].days.append(row)
    for topic in topics.values():
        cursor = db.execute(_LATEST_SQL, {"topics": mapping, "key": topic.key, "limit": LATEST})
        names = [c[0] for c in cursor.description]
        topic.latest = [dict(zip(names, r)) for r in cursor.fetchall()]
    return sorted(topics.values(), key=lambda t: (-t.stories, t.key.lower()))


def outlet_names(db: Database, titles: dict[str, str]) -> dict[str, str]:
    """Each source's name as alerts show it: its configured title, else its feed's own, else the slug."""
    names = {name: outlet_name(name, feed_title, titles)
             for name, feed_title in db.execute("SELECT name, feed_title FROM sources").fetchall()}
    return names | titles


def rule_chart(db: Database, rule: str, tz: ZoneInfo, days: int = WINDOWS[0]) -> Markup:
    """The chart of one rule: stories it matched per day, ``days`` days to the newest item's."""
    counts = [row for row in daily_counts(db, days=days, by="rule", tz=tz, until=_last_day(db, tz),
                                          keys=[rule]) if row.key == rule]
    return coverage_svg(counts, f"{rule}: stories per day, {counts[0].day} to {counts[-1].day}")


async def desk(request, datasette) -> Response:
    """``GET /``: the desk page, rendered with Datasette's templates."""
    config = plugin_settings(datasette)
    name = config.get("database")
    tz = plugin_zone(datasette)
    rules: dict[str, str | None] = config.get("rules") or {}
    asked = request.args.get("days", "")
    days = int(asked) if asked.isdigit() and int(asked) in WINDOWS else WINDOWS[0]
    db = datasette.get_database(name)
    topics = await db.execute_fn(lambda conn: desk_topics(wrap_connection(conn), rules, tz, days))
    outlets = await db.execute_fn(lambda conn: outlet_names(wrap_connection(conn), config.get("outlets") or {}))
    for topic in topics:
        for story in topic.latest:
            story["source"] = outlets.get(story["source"], story["source"])
            story["first_source"] = outlets.get(story["first_source"], story["first_source"])
            story["link"] = safe_link(story["url"])
            story["evidence"] = highlight(story["snippet"])
            story["when"] = local_time(story["at"], tz)
    db_url = datasette.urls.database(name)
    context = {
        "topics": topics,
        "days": days,
        "windows": WINDOWS,
        "tz": tz.key,
        "db_url": db_url,
        "rule_prefix": RULE_QUERY_PREFIX,
        "index_url": datasette.urls.path("/-/datasette"),
    }
    return Response.html(await datasette.render_template("newswatch_desk.html", context, request=request))


async def datasette_index(request, datasette) -> Response:
    """``GET /-/datasette``: Datasette's own index page, which the desk replaced at ``/``."""
    from datasette.views.index import IndexView

    request.scope.setdefault("url_route", {}).setdefault("kwargs", {}).setdefault("format", None)
    return await IndexView(datasette).get(request)
