"""``newswatch alerts send|list|retry``: the outbox; ``mute|unmute|dismiss|undismiss|mutes|report``:
what to hold back, and what is held back."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from .. import app
from ..config import outlet_titles
from .base import cli, config_option, console, escape, load_config
from .mute_text import mute_json, print_mutes
from .status_text import alert_json, local, out, print_alerts, shorten, zone


@contextmanager
def _asked(see: str = "") -> Iterator[None]:
    """A bad argument is a usage error; a thing it names that is not there, an error that
    says where to look (``see``: a command)."""
    try:
        yield
    except app.InvalidInput as exc:
        raise click.UsageError(str(exc)) from None
    except app.NotFoundError as exc:
        raise click.ClickException(f"{exc}; see `{see}`" if see else str(exc)) from None

#: A rule with at least this share of its alerted items dismissed is shown as noisy.
NOISY_SHARE = 0.25


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
@click.option("--status", type=click.Choice(["pending", "sending", "sent", "failed", "dead", "deferred",
                                             "muted", "dismissed"]))
@click.option("--limit", default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="A JSON array instead of text (docs/alerts.md).")
def alerts_list(config_path: Path | None, status: str | None, limit: int, as_json: bool) -> None:
    """List alerts, newest first (times in the [notify] timezone)."""
    config = load_config(config_path, check_env=False)
    try:
        rows = app.alerts(config, status=status, limit=limit)
    except app.StorageError as exc:
        raise click.ClickException(str(exc)) from None
    muted = {m["id"]: m for m in app.mutes(config)} if any(a.get("mute_id") for a in rows) else {}
    if as_json:
        tz = zone(config.notify.timezone)
        titles = outlet_titles(config.sources)
        click.echo(json.dumps([alert_json(a, tz, muted.get(a.get("mute_id") or -1), titles) for a in rows],
                              ensure_ascii=False, indent=2, default=str))
        return
    print_alerts(rows, muted, config.notify.timezone, status, outlet_titles(config.sources))


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


@alerts.command("mute")
@click.argument("item", required=False, metavar="[ITEM_ID]")
@click.option("--story", metavar="ID", help="Mute a story: its cluster id (or one of its items' id or link).")
@click.option("--source", metavar="NAME", help="Mute every item of this source.")
@click.option("--for", "duration", metavar="DURATION",
              help="Only for this long: 12h, 7d ... [default: until further notice]")
@click.option("--reason", help="Why, for whoever reads the mutes later.")
@click.option("--by", help="Who asks [default: the OS user].")
@click.option("--now", envvar="NEWSWATCH_NOW", hidden=True, help="Use this UTC time as the clock.")
@config_option
def alerts_mute(item: str | None, story: str | None, source: str | None, duration: str | None,
                reason: str | None, by: str | None, now: str | None, config_path: Path | None) -> None:
    """Stop alerts for an item (ITEM_ID or its link), a story or a source.

    Its alerts not yet sent are muted at once, and later runs store new ones
    already muted, for every rule, until the mute expires (--for).
    """
    config = load_config(config_path, check_env=False)
    with _asked():
        done = app.mute(config, item=item, story=story, source=source, duration=duration, why=reason,
                        by=by, now=now)
    tz = zone(config.notify.timezone)
    what = {"item": "item", "story": "story", "source": "source"}[done.scope]
    until = f"until {local(done.expires_at, tz)}" if done.expires_at else "until further notice"
    title = f" ({done.title})" if done.title else ""
    out(f"Muted {what} {done.target}{title} {until} (mute {done.id}, by {done.who}); "
        f"{done.held_back} unsent alert{'s' if done.held_back != 1 else ''} held back.")


@alerts.command("unmute")
@click.argument("mute_id", type=int)
@click.option("--by", help="Who ends it [default: the OS user].")
@click.option("--now", envvar="NEWSWATCH_NOW", hidden=True, help="Use this UTC time as the clock.")
@config_option
def alerts_unmute(mute_id: int, by: str | None, now: str | None, config_path: Path | None) -> None:
    """End mute MUTE_ID now: later alerts go out again (its number: `alerts mutes`)."""
    config = load_config(config_path, check_env=False)
    with _asked("newswatch alerts mutes"):
        row = app.unmute(config, mute_id, by=by, now=now)
    out(f"Mute {mute_id} ({row['scope']} {row['target']}) ended by {row['withdrawn_by']}; "
        "alerts it held back stay held back.")


@alerts.command("dismiss")
@click.argument("alert_id", type=int)
@click.option("--reason", help="Why it is not relevant (shown in the noise report's view).")
@click.option("--by", help="Who says so [default: the OS user].")
@click.option("--now", envvar="NEWSWATCH_NOW", hidden=True, help="Use this UTC time as the clock.")
@config_option
def alerts_dismiss(alert_id: int, reason: str | None, by: str | None, now: str | None,
                   config_path: Path | None) -> None:
    """Mark alert ALERT_ID not relevant for its rule: no more alerts of that rule for its story."""
    config = load_config(config_path, check_env=False)
    with _asked("newswatch alerts list"):
        done = app.dismiss(config, alert_id, why=reason, by=by, now=now)
    others = f"; {done.held_back} more of its alerts held back" if done.held_back else ""
    out(f"Alert {alert_id} marked not relevant for rule {done.rule} by {done.who}"
        f" (story {done.target}){others}.")
    if done.title:
        for line in shorten(done.title, 2):
            console.out(line, highlight=False)


@alerts.command("undismiss")
@click.argument("alert_id", type=int)
@click.option("--by", help="Who takes the mark back [default: the OS user].")
@click.option("--now", envvar="NEWSWATCH_NOW", hidden=True, help="Use this UTC time as the clock.")
@config_option
def alerts_undismiss(alert_id: int, by: str | None, now: str | None, config_path: Path | None) -> None:
    """Take back the not-relevant mark on alert ALERT_ID: the rule's later alerts for its story
    go out again, and the noise report stops counting it (the mark is kept, as withdrawn)."""
    config = load_config(config_path, check_env=False)
    with _asked("newswatch alerts mutes"):
        rows = app.undismiss(config, alert_id, by=by, now=now)
    for row in rows:
        out(f"Alert {row['alert_id']}: not-relevant mark for rule {row['rule']} withdrawn by "
            f"{row['withdrawn_by']} (story {row['target']}); alerts it held back stay held back.")


@alerts.command("mutes")
@config_option
@click.option("--all", "everything", is_flag=True, help="Also mutes that ended and marks withdrawn.")
@click.option("--json", "as_json", is_flag=True, help="A JSON array instead of text (docs/alerts.md).")
@click.option("--now", envvar="NEWSWATCH_NOW", hidden=True, help="Use this UTC time as the clock.")
def alerts_mutes(config_path: Path | None, everything: bool, as_json: bool, now: str | None) -> None:
    """List what is muted or marked not relevant, newest first (times in the [notify] timezone)."""
    config = load_config(config_path, check_env=False)
    try:
        rows = app.mutes(config, now=now)
    except app.InvalidInput as exc:
        raise click.BadParameter(str(exc), param_hint="--now") from None
    shown = rows if everything else [r for r in rows if r["live"]]
    if as_json:
        tz = zone(config.notify.timezone)
        click.echo(json.dumps([mute_json(r, tz) for r in shown], ensure_ascii=False, indent=2))
        return
    print_mutes(shown, config.notify.timezone, everything, ended=len(rows) - len(shown))


@alerts.command("report")
@config_option
@click.option("--json", "as_json", is_flag=True, help="A JSON array instead of text.")
def alerts_report(config_path: Path | None, as_json: bool) -> None:
    """Per rule: items alerted, dismissed as not relevant, and the share (noisiest first)."""
    config = load_config(config_path, check_env=False)
    rows = app.noise_report(config)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        out("No rules and no alerts yet.")
        return
    out("Noise per rule: alerted items dismissed as not relevant, noisiest first")
    for r in rows:
        out(f"{r['rule']}: {r['dismissed']} of {r['alerted']} alerted items dismissed "
            f"({r['share']:.0%}); {r['sent']} sent, {r['muted']} muted", indent=2,
            style="yellow" if r["share"] >= NOISY_SHARE and r["dismissed"] else None)
