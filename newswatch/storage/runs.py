"""The runs table: one row per crawl-match-store-alert cycle."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from ..schedule import now_iso


def start_run(db: Database, started_at: str | None = None) -> int:
    """Record the start of a run and return its id."""
    with db.atomic():
        table = db["runs"]
        table.insert({"started_at": started_at or now_iso(), "status": "running"})
        return table.last_pk


def finish_run(db: Database, run_id: int, counts: dict[str, Any], errors: dict[str, str]) -> None:
    """Record how a run ended: counts, errors per source and an overall status."""
    failed = bool(errors) or counts.get("sources_failed") or counts.get("alerts_failed")
    row = {k: counts.get(k, 0) for k in (
        "sources_ok", "sources_failed", "items_new", "items_updated",
        "matches_new", "alerts_sent", "alerts_failed")}
    row.update(
        finished_at=now_iso(),
        status="partial" if failed else "ok",
        errors=json.dumps(errors, ensure_ascii=False) if errors else None,
    )
    with db.atomic():
        db["runs"].update(run_id, row)


def last_runs(db: Database, limit: int = 5) -> list[dict]:
    """The most recent runs, newest first."""
    return list(db.query("select * from runs order by id desc limit ?", [limit]))
