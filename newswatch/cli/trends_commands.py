"""``newswatch trends``: stories per day and topic (or rule), as a table or JSON."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from .. import app
from .base import cli, config_option, load_config


@cli.command()
@config_option
@click.option("--days", default=30, show_default=True, type=click.IntRange(min=1),
              help="How many days, ending with --until.")
@click.option("--until", metavar="YYYY-MM-DD", help="The last day [default: today].")
@click.option("--by", type=click.Choice(["topic", "rule"]), default="topic", show_default=True)
@click.option("--json", "as_json", is_flag=True,
              help="A JSON array, one object per (day, key), instead of the table.")
def trends(config_path: Path | None, days: int, until: str | None, by: str, as_json: bool) -> None:
    """Per day and topic (or rule): matched stories and items, all items of the same sources, share.

    Days are in the [notify] timezone, by publication date (fetch date when
    a source gives none). Days with nothing are zeros.
    """
    try:
        last = date.fromisoformat(until) if until else None
    except ValueError:
        raise click.BadParameter(f"{until!r} is not a date like 2026-12-04", param_hint="--until") from None
    config = load_config(config_path, check_env=False)
    try:
        result = app.coverage(config, days=days, by=by, until=last)
    except (app.NotFoundError, app.StorageError) as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        rows = [json.dumps(r.as_json(), ensure_ascii=False) for r in result.rows]
        click.echo("[\n" + ",\n".join(rows) + "\n]" if rows else "[]")
        return
    for line in app.coverage_lines(result):
        click.echo(line)
