"""The top-level commands: init, check, run, watch, status, serve, export, demo."""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC
from pathlib import Path

import click

from .. import app
from ..config import ConfigError, outlet_titles
from .base import ConfigExit, cli, config_option, console, err_console, escape, load_config, problems_text
from .render import print_run_summary
from .status_text import print_status, status_exit_code, status_json

#: `newswatch run` prints this many successful sources one by one, then counts.
PROGRESS_LINES = 30
PROGRESS_EVERY_S = 2.0


@cli.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing newswatch.toml.")
def init(directory: Path, force: bool) -> None:
    """Write a starter newswatch.toml and the seed topic pack into DIRECTORY."""
    try:
        target, pack = app.init(directory, force=force)
    except app.NewswatchError as exc:
        raise click.ClickException(str(exc)) from None
    # Printed without markup: rich read "[notify]" as a style tag and dropped it.
    console.print(f"Wrote {target} and {pack}.", markup=False)
    console.print(f"Next: edit the [notify] URLs, then `newswatch check -c {target}` and "
                  f"`newswatch run -c {target}`.", markup=False)


@cli.command()
@config_option
def check(config_path: Path | None) -> None:
    """Validate config, sources, rules and notification URLs (exit 2 with located errors)."""
    config = load_config(config_path)
    found = app.check(config, warnings=True)
    # Warnings first, then the errors that stop everything; warnings alone exit 0.
    for warning in (p for p in found if p.warning):
        click.echo(str(warning), err=True)
    problems = [p for p in found if not p.warning]
    if problems:
        raise ConfigExit(problems_text(problems))
    n = len(config.follows)
    follows = f"{n} followed {'story' if n == 1 else 'stories'}, " if n else ""
    console.print(
        f"[green]OK[/green] {config.path}: {len(config.sources)} sources, {len(config.rules)} rules, "
        f"{follows}{len(config.aliases)} alias lists, database {config.database}"
    )


@cli.command()
@config_option
@click.option("--source", "sources", multiple=True, help="Fetch only this source (repeatable), due or not.")
@click.option("--sources-from", "sources_from", type=click.File("r", encoding="utf-8"),
              help="Fetch the sources named in this file, one per line ('-': stdin).")
@click.option("--all", "all_sources", is_flag=True, help="Fetch every source, due or not.")
@click.option("--no-alerts", is_flag=True, help="Store matches and pending alerts, but send nothing.")
@click.pass_context
def run(ctx: click.Context, config_path: Path | None, sources: tuple[str, ...], sources_from,
        all_sources: bool, no_alerts: bool) -> None:
    """One crawl-match-store-alert cycle (for cron or a systemd timer)."""
    config = load_config(config_path)
    if sources_from is not None:  # a watch of thousands of sources outgrows a command line
        sources = (*sources, *(line.strip() for line in sources_from if line.strip()))
    debug = ctx.obj.get("debug")

    shown = {"ok": 0, "at": time.monotonic()}

    def show(res) -> None:
        # A line per source, failures always; past the first few dozen a count
        # every few seconds instead (the summary table lists every source).
        if res.ok:
            shown["ok"] += 1
            if shown["ok"] > PROGRESS_LINES:
                if time.monotonic() - shown["at"] >= PROGRESS_EVERY_S:
                    shown["at"] = time.monotonic()
                    console.print(f"  … {shown['ok']} sources read")
                return
        mark = "[green]✓[/green]" if res.ok else "[red]✗[/red]"
        detail = res.reason if not res.ok else f"{res.items} entries" if res.items else res.status
        if res.ok and res.warning:  # entries skipped (bad links) or left for the next run
            detail = f"{detail}; {res.warning}"
        console.print(f"  {mark} {res.source:<28} {res.status:<13} {escape(str(detail))}")

    console.print(f"newswatch run: {config.path}")
    try:
        report = app.run(config, sources or None, alerts=not no_alerts, all_sources=all_sources,
                         on_fetch=show, log_level="INFO" if debug else "ERROR",
                         on_notice=lambda line: console.print(f"  {escape(line)}"))
    except ConfigError as exc:
        raise ConfigExit(problems_text(exc.problems)) from None
    except (app.RunLockedError, app.StorageError) as exc:
        raise click.ClickException(str(exc)) from None
    print_run_summary(report)
    sys.exit(report.exit_code)


@cli.command()
@config_option
@click.option("--deliver-every", default="1m", show_default=True,
              help="How often to deliver due alerts and digests when no source is due.")
@click.option("--max-cycles", type=int, default=None, help="Stop after this many crawl cycles.")
def watch(config_path: Path | None, deliver_every: str, max_cycles: int | None) -> None:
    """Long-running scheduler: runs each source when due; clean stop on SIGINT/SIGTERM."""
    from datetime import datetime

    from ..config import parse_interval
    from ..watch import Watch, WatchOptions

    config = load_config(config_path)
    try:
        every = parse_interval(deliver_every)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--deliver-every") from None

    def say(message: str) -> None:
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        print(f"{stamp} {message}", flush=True)

    w = Watch(config.path, options=WatchOptions(deliver_every_s=every, max_cycles=max_cycles), say=say)
    w.install_signal_handlers()
    try:
        code = w.run()
    except app.RunLockedError as exc:
        raise click.ClickException(str(exc)) from None
    sys.exit(code)


@cli.command()
@config_option
@click.option("--runs", "n_runs", default=5, show_default=True, help="How many recent runs to show.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of text (docs/alerts.md).")
def status(config_path: Path | None, n_runs: int, as_json: bool) -> None:
    """Sources' health, last runs, pending and failed alerts.

    Exits 1 when a source is failing or an alert is dead, 0 otherwise.
    """
    config = load_config(config_path, check_env=False)
    try:
        st = app.status(config, runs=n_runs)
    except app.NotFoundError:
        if as_json:
            click.echo(json.dumps({"ok": True, "exit_code": 0, "database": str(config.database),
                                   "note": "no database yet: run `newswatch run` first"}))
        else:
            console.print(f"No database yet at {config.database}: run `newswatch run` first.")
        return
    if as_json:
        click.echo(status_json(st, config.notify.timezone, outlet_titles(config.sources)))
    else:
        print_status(st, config.notify.timezone, outlet_titles(config.sources))
    sys.exit(status_exit_code(st))


@cli.command()
@config_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on. 0.0.0.0 lets anyone who can reach the port read the database.")
@click.option("-p", "--port", default=8001, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on; 0 picks a free one.")
@click.option("--open", "open_browser", is_flag=True, help="Open a web browser on the database.")
def serve(config_path: Path | None, host: str, port: int, open_browser: bool) -> None:
    """Browse and search the database in Datasette, with an Atom feed per rule (read-only)."""
    from ..browse import BrowseError
    from ..browse import serve as serve_datasette

    config = load_config(config_path, check_env=False)
    try:
        serve_datasette(config, host=host, port=port, open_browser=open_browser)
    except BrowseError as exc:
        raise click.ClickException(str(exc)) from None


@cli.command()
@config_option
@click.option("--rule", "rule_name", metavar="NAME", help="Only items this rule matched, with its terms and snippet.")
@click.option("--since", metavar="DATE", help="Only items published on or after DATE (2017-06-15, or an ISO time).")
@click.option("-f", "--format", "fmt", required=True, type=click.Choice(["csv", "jsonl", "atom"]),
              help="Output format.")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8", lazy=True), default="-",
              help="Write to FILE instead of standard output.")
def export(config_path: Path | None, rule_name: str | None, since: str | None, fmt: str, output) -> None:
    """Export stored items, newest first, as CSV, JSON lines or an Atom feed."""
    from ..browse import BrowseError, ExportError

    config = load_config(config_path, check_env=False)
    try:
        count = app.export(config, fmt, output, rule=rule_name, since=since)
    except ExportError as exc:
        raise click.UsageError(str(exc)) from None
    except BrowseError as exc:
        raise click.ClickException(str(exc)) from None
    if output.name != "-":
        err_console.print(f"Exported {count} item{'s' if count != 1 else ''} to {output.name}.")


@cli.command()
@click.option("--dir", "out_dir", default="demo-out", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Where to write demo.db and the config.")
@click.option("--keep", is_flag=True, help="Keep an existing demo database (run again over it).")
def demo(out_dir: Path, keep: bool) -> None:
    """The whole pipeline offline against the bundled fixture site; prints what happened."""
    from ..demo import run_demo

    if out_dir.exists() and not keep:
        for name in ("demo.db", "demo.db-wal", "demo.db-shm"):
            (out_dir / name).unlink(missing_ok=True)
    code = run_demo(out_dir, console=console)
    sys.exit(code)
