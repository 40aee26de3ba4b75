"""SQLite storage through sqlite-utils: schema, upserts and queries.

The one door to the database. Knows nothing of Scrapy or Apprise: callers
hand it plain dicts whose keys are the columns of DESIGN.md's tables.

Errors: :class:`StorageError` (a database that cannot be opened, locked for
too long, or a disk that is full), always naming the database file.
"""

from __future__ import annotations

import logging

from ..schedule import now_iso  # the timestamp format of every column, for callers
from .database import StorageError, open_db, open_reader, wrap_connection
from .items import (
    ItemRecord,
    count_items,
    find_existing,
    find_existing_many,
    ids_stored_for,
    item_id_for,
    iter_items,
    store_batch,
)
from .mutes import (
    add_mute,
    dismiss_alert,
    end_mute,
    find_item,
    find_story,
    list_mutes,
    mutes_by_id,
    rule_noise,
    withdraw_dismissal,
)
from .runs import finish_run, last_runs, start_run
from .sources import (
    item_times,
    last_complete_fetch,
    latest_item,
    record_fetches,
    source_health,
    sources_state,
    sync_sources,
)
from .trends import DayCount, TopStory, daily_counts, day_bounds, top_stories

try:  # the outbox is written beside the notifier; absent until it lands
    from .outbox import (  # noqa: F401 - re-exported: the door of storage
        alert_counts,
        claim_due_alerts,
        list_alerts,
        mark_failed,
        mark_sent,
        new_alerts,
        retry_alert,
    )
except ImportError:  # pragma: no cover
    pass

__all__ = [
    "StorageError",
    "ItemRecord",
    "open_db",
    "open_reader",
    "ids_stored_for",
    "wrap_connection",
    "now_iso",
    "item_id_for",
    "find_existing",
    "find_existing_many",
    "store_batch",
    "iter_items",
    "count_items",
    "start_run",
    "finish_run",
    "last_runs",
    "sync_sources",
    "latest_item",
    "last_complete_fetch",
    "item_times",
    "sources_state",
    "record_fetches",
    "source_health",
    "alert_counts",
    "claim_due_alerts",
    "list_alerts",
    "mark_failed",
    "mark_sent",
    "retry_alert",
    "add_mute",
    "dismiss_alert",
    "end_mute",
    "find_item",
    "find_story",
    "list_mutes",
    "mutes_by_id",
    "rule_noise",
    "withdraw_dismissal",
    "DayCount",
    "TopStory",
    "daily_counts",
    "day_bounds",
    "top_stories",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
