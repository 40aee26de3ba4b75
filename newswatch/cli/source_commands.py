"""``newswatch sources add|import|export``: sources found, appended to the config, exported."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import app
from ..config import ConfigError
from .base import ConfigExit, cli, config_option, console, err_console, escape, load_config, problems_text


@cli.group()
def sources() -> None:
    """Find, add, import and export sources."""


def _show_found(found) -> None:
    """The feeds and sitemaps discovery found, the chosen one starred."""
    if found is None:
        return
    best = found.best
    for c in found.candidates:
        mark = "[green]*[/green]" if c is best else " "
        console.print(f" {mark} {c.kind:<8} {escape(app.one_line(c.url, 200))}  "
                      f"[dim]{escape(app.one_line(c.title, 50))} · {c.entries} entries · {c.how}[/dim]")


def _write(plan) -> None:
    """Append the plan's sources; the file is left as it was when that cannot be done safely."""
    try:
        app.write_sources(plan)
    except ConfigError as exc:
        raise ConfigExit(problems_text(exc.problems) + f"\n{plan.config_path} was left as it was.") from None
    except app.UnsafeTable as exc:
        raise click.ClickException(f"{exc}\n{plan.config_path} was left as it was.") from None


@sources.command("add")
@click.argument("url")
@config_option
@click.option("--yes", "-y", is_flag=True, help="Append without asking.")
@click.option("--name", help="Source name [default: from the site's host].")
@click.option("--kind", type=click.Choice(["feed", "sitemap", "page"]),
              help="Skip discovery: add URL as this kind (page: watch the page for changes).")
@click.option("--lang", help="Language code, like en or es [default: what the site says].")
@click.option("--interval", help="How often to fetch it, like 15m [default: [crawl] default_interval].")
@click.option("--max-time", type=click.IntRange(1), default=60, show_default=True, metavar="SECONDS",
              help="Give up looking for feeds after this long.")
@click.option("--force", is_flag=True, help="With --kind: add URL without checking that it reads as that kind.")
def sources_add(url: str, config_path: Path | None, yes: bool, name: str | None, kind: str | None,
                lang: str | None, interval: str | None, max_time: int, force: bool) -> None:
    """Discover a site's feeds and sitemaps and append a source for URL to the config."""
    config = load_config(config_path)
    try:
        plan = app.sources_add(config, url, name=name, kind=kind, lang=lang, interval=interval,
                               max_time=max_time, force=force)
    except app.SourcesError as exc:
        _show_found(exc.found)
        raise click.ClickException(str(exc)) from None
    _show_found(plan.found)
    table = plan.tables[0]
    console.print(f"\nThis will be appended to {config.path}:\n")
    console.print(table.text, markup=False, highlight=False)
    if not yes and not click.confirm("Append it?", default=False):
        console.print("Nothing changed.")
        return
    _write(plan)
    console.print(f"Added source {table.fields['name']!r}. "
                  f"Try it: `newswatch run -c {config.path} --source {table.fields['name']}`")


@sources.command("import")
@click.argument("opml_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@config_option
@click.option("--yes", "-y", is_flag=True, help="Append without asking.")
def sources_import(opml_file: Path, config_path: Path | None, yes: bool) -> None:
    """Append the feeds of an OPML file (from a feed reader) to the config as sources."""
    config = load_config(config_path)
    try:
        plan = app.sources_import(config, opml_file)
    except app.SourcesError as exc:
        raise click.ClickException(str(exc)) from None
    new, feeds = plan.tables, plan.feeds
    if plan.unusable:
        err_console.print(f"{opml_file}: skipped {len(plan.unusable)} outline(s) whose xmlUrl is not an "
                          f"absolute http(s) URL, like {app.one_line(plan.unusable[0], 60)!r}",
                          markup=False, highlight=False)
    if not new:
        console.print(f"{opml_file}: {len(feeds)} feeds, all already configured. Nothing changed.")
        return
    console.print(f"{opml_file}: {len(feeds)} feeds, {len(new)} new "
                  f"({plan.already_configured} already configured). First of them:")
    for table in new[:3]:
        console.print(table.text, markup=False, highlight=False)
    if not yes and not click.confirm(f"Append {len(new)} sources to {config.path}?", default=False):
        console.print("Nothing changed.")
        return
    _write(plan)
    console.print(f"Added {len(new)} sources to {config.path}.")


@sources.command("export")
@config_option
def sources_export(config_path: Path | None) -> None:
    """Write the feed and search sources as OPML to stdout (for a feed reader)."""
    config = load_config(config_path)
    sys.stdout.write(app.sources_export(config))
    others = [s.name for s in config.sources if s.kind not in ("feed", "search")]
    if others:
        err_console.print(f"{len(others)} sources of kinds sitemap/site/page are not feeds and were left out: "
                          + ", ".join(others[:10]))
