"""``newswatch rules check|match|test``: rules without a crawl."""

from __future__ import annotations

import json
import sys
from functools import partial
from pathlib import Path

import click

from .. import app
from .base import ConfigExit, cli, config_option, console, err_console, escape, load_config, problems_text
from .render import highlight


@cli.group()
def rules() -> None:
    """Check, test and run rules."""


def _show_syntax_error(exc, where: str = "") -> None:
    err_console.print(f"[red]error[/red]{where}: column {exc.column}: {exc.message}")
    err_console.print(exc.caret(), markup=False)


def _show_warning(warning) -> None:
    # click, not rich: a warning is one line however long, as an error is.
    click.echo(f"warning: column {warning.column}: {warning.message}\n{warning.caret()}", err=True)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


@rules.command("check")
@click.argument("target", required=False)
@config_option
def rules_check(target: str | None, config_path: Path | None) -> None:
    """Parse rules from FILE (a config or topic file), a QUERY, or the config; show errors with a caret."""
    if target and not Path(target).is_file():
        if target.lower().endswith(".toml"):
            # A mistyped file name parses as a one-word query; say what is missing instead.
            raise ConfigExit(f"{target}: no such file")
        cfg_file = config_path or Path("newswatch.toml")
        error = app.query_check(target, load_config(cfg_file) if cfg_file.exists() else None)
        warnings = app.query_warnings(target)
        for warning in warnings:
            _show_warning(warning)
        if error:
            _show_syntax_error(error)
            sys.exit(2)
        console.print("OK: the query parses" + (f" ({_plural(len(warnings), 'warning')})." if warnings else "."))
        return
    try:
        result = app.rules_check(target, load_config(config_path) if not target else None)
    except app.InvalidInput as exc:
        raise ConfigExit(str(exc)) from None
    except app.ConfigError as exc:
        raise ConfigExit(problems_text(exc.problems)) from None
    # Located in the files, as `newswatch check` does: file:line:col, then the line and a caret.
    for problem in result.problems():
        click.echo(str(problem) if problem.warning else f"error: {problem}", err=True)
    if result.errors:
        sys.exit(2)
    tail = f" ({_plural(len(result.warnings), 'warning')})" if result.warnings else ""
    console.print(f"OK: {result.rules} rules parse{tail}.")


@rules.command("match")
@click.argument("items_file", type=click.File("rb"))  # bytes: a line that is not UTF-8 is reported alone
@config_option
@click.option("--rule", "rule_names", multiple=True, help="Only this rule (repeatable).")
@click.option("--query", help="Match this query instead of the configured rules.")
@click.option("--jobs", "-j", type=click.IntRange(min=1),
              help="Worker processes for a long input [default: one per core; 1: none].")
def rules_match(items_file, config_path: Path | None, rule_names: tuple[str, ...], query: str | None,
                jobs: int | None) -> None:
    """Match items from a JSON-lines file (ITEMS_FILE, '-' for stdin); JSON lines out, in input order.

    Needs no database. From 1,000 lines on, every core matches.
    """
    config = None
    if not query or config_path or Path("newswatch.toml").exists():
        config = load_config(config_path)
    try:
        results = app.rules_match(items_file, config, rules=rule_names, query=query, jobs=jobs,
                                  encode=partial(json.dumps, ensure_ascii=False))
    except app.InvalidInput as exc:
        raise ConfigExit(str(exc)) from None
    except app.RuleSyntaxError as exc:
        raise ConfigExit(f"{exc}\n{exc.caret()}") from None
    out, bad = sys.stdout, 0
    for result in results:
        if isinstance(result, dict):  # a line that is not an item
            # One bad line must not cost the rest of the file: say which, go on, fail at the end.
            bad += 1
            click.echo(f"{items_file.name}: line {result['index'] + 1}: {result['error']}", err=True)
            continue
        out.write(result + "\n")
    if bad:
        click.echo(f"{bad} line{'s' if bad != 1 else ''} skipped: each must be a JSON object in UTF-8 with at "
                   'least "title"', err=True)
        sys.exit(1)


@rules.command("test")
@click.argument("query", required=False)
@config_option
@click.option("--rule", "rule_name", help="Test a configured rule instead of a QUERY.")
@click.option("--since", help="Only items published on or after this date (YYYY-MM-DD).")
@click.option("--limit", default=20, show_default=True, help="Show at most this many items.")
def rules_test(query: str | None, config_path: Path | None, rule_name: str | None, since: str | None,
               limit: int) -> None:
    """Backtest a QUERY or --rule NAME against stored items, hits highlighted."""
    config = load_config(config_path)
    if bool(query) == bool(rule_name):
        raise click.UsageError("give either a QUERY or --rule NAME")
    try:
        result = app.backtest(config, query, rule=rule_name, since=since)
    except app.InvalidInput as exc:
        raise ConfigExit(str(exc)) from None
    except app.RuleSyntaxError as exc:
        _show_syntax_error(exc)
        sys.exit(2)
    except app.NotFoundError as exc:
        raise click.ClickException(str(exc)) from None
    console.print(f"{result.matched} of {result.scanned} candidate items match "
                  f"({result.total} stored{', since ' + since if since else ''}; "
                  f"FTS5 prefilter: {result.fts or 'none, full scan'})")
    for hit in result.hits[:limit]:
        row = hit.item
        console.print(f"[bold]{escape(row['title'] or '')}[/bold]  "
                      f"[dim]{row['source']} · {row['published'] or ''}[/dim]")
        console.print("   " + highlight(hit.snippet))
        console.print(f"   [dim]{escape(', '.join(hit.terms))} · {escape(row['url'])}[/dim]")
