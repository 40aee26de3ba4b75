"""Reading the database: ``status`` (sources' health, runs, alerts, digests, stories),
the alerts list, and ``export``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, TextIO

from .. import storage
from ..errors import NotFoundError
from .loading import ConfigLike, as_config

#: Stories carried by several outlets are looked for this far back.
STORIES_DAYS = 7


@dataclass
class Status:
    """What ``newswatch status`` shows, as plain data.

    ``sources`` has one dict per configured source: the ``sources`` table's
    health columns (``name``, ``kind``, ``last_ok_at``, ``error_streak``,
    ``last_error``, ``items``, ``newest``, ``next_due_at``,
    ``mojibake_items``), ``skipped`` and ``skipped_why`` (entries the last
    fetch that read the source left out, and why), plus ``failing`` (failed
    often enough in a row to count as broken) and ``silent`` (a
    :class:`~newswatch.health.Silence`, or None).
    """

    database: Path
    sources: list[dict[str, Any]] = field(default_factory=list)
    silent: dict[str, Any] = field(default_factory=dict)  # source name -> Silence
    runs: list[dict[str, Any]] = field(default_factory=list)  # newest first
    alerts: dict[str, int] = field(default_factory=dict)  # status -> count
    dead: list[dict[str, Any]] = field(default_factory=list)  # the latest dead alerts
    digests: list[dict[str, Any]] = field(default_factory=list)  # per rule and tag
    stories: list[dict[str, Any]] = field(default_factory=list)  # on several outlets lately
    follows: list[dict[str, Any]] = field(default_factory=list)  # per [[follows]]: seed, follow-ups
    discovery: dict[str, int] = field(default_factory=dict)  # pages fetched one hop out, kept


def status(config: ConfigLike = None, *, runs: int = 5, dead: int = 5) -> Status:
    """Sources' health, the last ``runs`` runs, alert counts, dead alerts, digests and stories.

    Raises :class:`~newswatch.errors.NotFoundError` when no run has created
    the database yet.
    """
    from ..health import FAILING_AFTER, silent_sources

    config = as_config(config)
    if not Path(config.database).exists():
        raise NotFoundError(f"no database yet at {config.database}: run `newswatch run` first")
    db = storage.open_db(config.database)
    configured = {s.name for s in config.sources}
    silent = silent_sources(db, config)
    result = Status(database=Path(config.database), silent=silent)
    for row in storage.source_health(db):
        if row["name"] in configured:
            result.sources.append({**row, "failing": (row["error_streak"] or 0) >= FAILING_AFTER,
                                   "silent": silent.get(row["name"])})
    result.runs = list(storage.last_runs(db, runs))
    result.alerts = dict(storage.alert_counts(db))
    result.dead = list(storage.list_alerts(db, status="dead", limit=dead))
    result.digests, result.stories = _digests_and_stories(db, config)
    result.follows = _follows(db, config)
    from ..storage.follows import discovery_counts
    result.discovery = discovery_counts(db)
    return result


def _follows(db, config) -> list[dict[str, Any]]:
    """Each followed story: its seed's fetch (or error) and its follow-ups so far."""
    from ..storage.follows import follow_up_counts, seed_states

    seeds = {row["name"]: row for row in seed_states(db)}
    counts = follow_up_counts(db)
    return [{"name": f.name, "url": f.url,
             **{k: (seeds.get(f.name) or {}).get(k) for k in ("fetched_at", "error", "error_at", "attempts")},
             **counts.get(f"follow:{f.name}", {"follow_ups": 0, "newest": None})}
            for f in config.follows]


def _digests_and_stories(db, config) -> tuple[list[dict], list[dict]]:
    """Digests waiting or sent, and recent stories carried by several outlets."""
    from ..notifier import schedules_for
    from ..storage.digests import digest_overview
    from ..storage.stories import multi_outlet_stories, shift_ts

    now = storage.now_iso()
    overview = digest_overview(db, schedules_for(config.rules, config.notify.timezone), now)
    stories = multi_outlet_stories(db, since=shift_ts(now, -timedelta(days=STORIES_DAYS)), limit=10)
    return list(overview), list(stories)


def alerts(config: ConfigLike = None, *, status: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """Alerts, newest first (only those with ``status``: pending, sent, failed, dead ...)."""
    config = as_config(config)
    return list(storage.list_alerts(storage.open_db(config.database), status=status, limit=limit))


def export(config: ConfigLike, fmt: str, out: TextIO, *, rule: str | None = None,
           since: str | None = None) -> int:
    """Write stored items, newest first, to ``out`` as ``csv``, ``jsonl`` or ``atom``; returns how many.

    Needs no notification secrets. Raises :class:`~newswatch.browse.ExportError`
    for an unknown rule or a bad ``since``, :class:`~newswatch.browse.BrowseError`
    when there is no database.
    """
    from ..browse import export as export_items

    return export_items(as_config(config, check_env=False), fmt, rule=rule, since=since, out=out)
