"""``newswatch worker``: fetch and read feeds for the runs of a [cluster]."""

from __future__ import annotations

from pathlib import Path

import click

from .. import app
from ..config import ConfigError
from .base import ConfigExit, cli, config_option, err_console, escape, load_config, problems_text


@cli.command()
@config_option
@click.option("--concurrency", type=click.IntRange(1, 1000), default=16, show_default=True,
              help="Requests this worker has in flight at most.")
@click.pass_context
def worker(ctx: click.Context, config_path: Path | None, concurrency: int) -> None:
    """Work for the runs of the [cluster] table's Redis until Ctrl-C or SIGTERM."""
    config = load_config(config_path)
    if config.cluster is not None:  # without one, app.work says what to add
        where = app.describe_redis(config.cluster.redis)
        err_console.print(f"newswatch worker: {escape(where)}, {concurrency} requests at a time")
    try:
        done = app.work(config, concurrency, log_level="INFO" if ctx.obj.get("debug") else "ERROR",
                        on_notice=lambda line: err_console.print(f"  {escape(line)}"))
    except ConfigError as exc:
        raise ConfigExit(problems_text(exc.problems)) from None
    err_console.print(f"newswatch worker: stopped after {done} jobs")
