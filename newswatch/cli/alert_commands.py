"""``newswatch alerts send|list|retry``: the outbox."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.table import Table

from .. import app
from .base import cli, config_option, console, escape, load_config


@cli.group()
def alerts() -> None:
    """Deliver and inspect alerts."""


@alerts.command("send")
@config_option
@click.option("--digest", is_flag=True, help="Send the digests that are due too (as `newswatch run` does).")
@click.option("--now", "now", envvar="NEWSWATCH_NOW", hidden=True,
              help="Use this UTC time (2026-11-28T07:30:00Z) as the outbox clock; see docs/alerts.md.")
def alerts_send(config_path: Path | None, digest: bool, now: str | None) -> None:
    """Deliver pending alerts now (and due digests with --digest)."""
    config = load_config(config_path)
    try:
        result = app.deliver(config, digests=digest, now=now,
                             on_notice=lambda line: console.print(escape(line)))
    except app.InvalidInput as exc:
        raise click.BadParameter(str(exc), param_hint="--now") from None
    line = f"{result.sent} sent, {result.failed} failed (will retry), {result.dead} dead"
    if result.deferred:
        line += f", {result.deferred} deferred to the next digest (over max_per_hour)"
    if digest:
        line += f"; {result.digests_sent} digest{'s' if result.digests_sent != 1 else ''} sent"
    console.print(line)
    for e in result.errors[:10]:
        console.print(f"  [red]{escape(e)}[/red]")
    sys.exit(1 if (result.failed or result.dead) else 0)


@alerts.command("list")
@config_option
@click.option("--status", type=click.Choice(["pending", "sending", "sent", "failed", "dead", "deferred"]))
@click.option("--limit", default=50, show_default=True)
def alerts_list(config_path: Path | None, status: str | None, limit: int) -> None:
    """List alerts, newest first."""
    config = load_config(config_path)
    table = Table()
    for col in ("id", "rule", "tag", "mode", "status", "attempts", "next attempt", "title", "last error"):
        table.add_column(col)
    for a in app.alerts(config, status=status, limit=limit):
        table.add_row(str(a["id"]), a["rule"], a["tag"], a["mode"], a["status"], str(a["attempts"]),
                      a.get("next_attempt_at") or "", escape((a.get("title") or "")[:50]),
                      escape((a.get("last_error") or "")[:60]))
    console.print(table)


@alerts.command("retry")
@click.argument("alert_id", type=int)
@config_option
def alerts_retry(alert_id: int, config_path: Path | None) -> None:
    """Put a failed or dead alert back in the queue now."""
    config = load_config(config_path)
    try:
        app.retry_alert(config, alert_id)
    except app.NotFoundError as exc:
        raise click.ClickException(f"{exc}; see `newswatch alerts list`") from None
    console.print(f"Alert {alert_id} is pending again; `newswatch alerts send` delivers it.")
