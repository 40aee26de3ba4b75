"""The ``newswatch`` command: thin click wrappers over the Python API.

Each command parses its arguments, calls one function, and turns library
errors into one clear message. Exit codes: 0 all well, 1 some sources or
deliveries failed, 2 a configuration or rule error.
"""

from __future__ import annotations

import json
import re
import sys
import time
from importlib import resources
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape as _escape_markup
from rich.table import Table
from rich.text import Text

from . import __version__

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)
# Terminal control characters (ESC, BEL, CR ...; tab and newline stay): text from feeds and
# servers is stored without them, and dropped again here, whatever a database holds.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def escape(text: str) -> str:
    """Text from outside, fit to print: rich markup escaped, control characters dropped."""
    return _escape_markup(_CONTROLS.sub("", text))


class ConfigExit(click.ClickException):
    """A configuration problem: printed located, exit code 2 (with ``--debug``, after its traceback)."""

    exit_code = 2

    def show(self, file=None) -> None:
        cause = self.__cause__ or self.__context__
        if cause is not None and "--debug" in sys.argv[1:]:
            import traceback
            traceback.print_exception(cause, file=file or sys.stderr)
        super().show(file)


def _config_option(f):
    return click.option(
        "-c", "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
        default=None, envvar="NEWSWATCH_CONFIG",
        help="Config file [default: $NEWSWATCH_CONFIG, then ./newswatch.toml].",
    )(f)


def _load(config_path: Path | None):
    from .config import ConfigError, load

    try:
        return load(config_path)
    except ConfigError as exc:
        raise ConfigExit(_problems_text(exc.problems)) from None


def _problems_text(problems) -> str:
    n = len(problems)
    head = f"{n} problem{'s' if n != 1 else ''} in the configuration:\n"
    return head + "\n".join(f"  {p}" for p in problems)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newswatch")
@click.option("--debug", is_flag=True, help="Show tracebacks and Scrapy's log.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Watch the news for follow-up coverage of a story."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


@cli.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing newswatch.toml.")
def init(directory: Path, force: bool) -> None:
    """Write a starter newswatch.toml and the seed topic pack into DIRECTORY."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / "newswatch.toml"
    if target.exists() and not force:
        raise click.ClickException(f"{target} already exists. Use --force to overwrite it.")
    target.write_text(STARTER_CONFIG, encoding="utf-8")
    topics = directory / "topics"
    topics.mkdir(exist_ok=True)
    pack = resources.files("newswatch.topics") / "central-america.toml"
    (topics / "central-america.toml").write_text(pack.read_text(encoding="utf-8"), encoding="utf-8")
    console.print(f"Wrote {target} and {topics / 'central-america.toml'}.")
    console.print(f"Next: edit the [notify] URLs, then `newswatch check -c {target}` and `newswatch run -c {target}`.")


@cli.command()
@_config_option
def check(config_path: Path | None) -> None:
    """Validate config, sources, rules and notification URLs (exit 2 with located errors)."""
    from .checks import check_config

    config = _load(config_path)
    problems = check_config(config)
    if problems:
        raise ConfigExit(_problems_text(problems))
    console.print(
        f"[green]OK[/green] {config.path}: {len(config.sources)} sources, {len(config.rules)} rules, "
        f"{len(config.aliases)} alias lists, database {config.database}"
    )


#: `newswatch run` prints this many successful sources one by one, then counts.
PROGRESS_LINES = 30
PROGRESS_EVERY_S = 2.0


@cli.command()
@_config_option
@click.option("--source", "sources", multiple=True, help="Fetch only this source (repeatable), due or not.")
@click.option("--all", "all_sources", is_flag=True, help="Fetch every source, due or not.")
@click.option("--no-alerts", is_flag=True, help="Store matches and pending alerts, but send nothing.")
@click.pass_context
def run(ctx: click.Context, config_path: Path | None, sources: tuple[str, ...], all_sources: bool,
        no_alerts: bool) -> None:
    """One crawl-match-store-alert cycle (for cron or a systemd timer)."""
    from .config import ConfigError
    from .runner import RunLockedError, run_once
    from .storage import StorageError

    config = _load(config_path)
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
        detail = res.error if not res.ok else f"{res.items} entries" if res.items else res.status
        if res.ok and res.warning:  # entries skipped (bad links) or left for the next run
            detail = f"{detail}; {res.warning}"
        console.print(f"  {mark} {res.source:<28} {res.status:<13} {escape(str(detail))}")

    console.print(f"newswatch run: {config.path}")
    try:
        report = run_once(config, sources or None, alerts=not no_alerts, all_sources=all_sources,
                          on_fetch=show, log_level="INFO" if debug else "ERROR")
    except ConfigError as exc:
        raise ConfigExit(_problems_text(exc.problems)) from None
    except (RunLockedError, StorageError) as exc:
        raise click.ClickException(str(exc)) from None
    _print_run_summary(report)
    sys.exit(report.exit_code)


#: Tables longer than this print as plain aligned text: rich took 0.3 s to lay
#: out a 1,000-source run summary, and a terminal cannot show it whole anyway.
RICH_TABLE_ROWS = 100


def _print_table(title: str, columns: list[str], rows: list[tuple[list[str], str | None]],
                 right: tuple[str, ...] = ()) -> None:
    """A table of plain-text cells (never read as markup); each row has an optional style."""
    rows = [([_CONTROLS.sub("", c) for c in cells], style) for cells, style in rows]
    if len(rows) <= RICH_TABLE_ROWS:
        table = Table(title=title, title_justify="left")
        for col in columns:
            table.add_column(col, justify="right" if col in right else "left")
        for cells, style in rows:
            table.add_row(*(Text(c) for c in cells), style=style)
        console.print(table)
        return
    widths = [max([len(col)] + [len(cells[i]) for cells, _ in rows]) for i, col in enumerate(columns)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if col in right else c.ljust(w)
                         for c, w, col in zip(cells, widths, columns)).rstrip()

    console.out(f"{title}\n{line(columns)}\n{line(['-' * w for w in widths])}", highlight=False)
    plain: list[str] = []
    for cells, style in rows:  # consecutive unstyled rows go out in one write
        if style is None:
            plain.append(line(cells))
            continue
        if plain:
            console.out("\n".join(plain), highlight=False)
            plain = []
        console.out(line(cells), style=style, highlight=False)
    if plain:
        console.out("\n".join(plain), highlight=False)


def _print_run_summary(report) -> None:
    rows = [([f.source, f.status, str(f.items), str(f.items_new), str(f.matches_new),
              f.error or f.warning and f"(recovered: {f.warning[:60]})" or ""], None if f.ok else "red")
            for f in sorted(report.fetches, key=lambda f: f.source)]
    _print_table(f"Run {report.run_id}", ["source", "status", "fetched", "new", "matched", "error"], rows,
                 right=("fetched", "new", "matched"))
    for s in report.skipped:
        console.print(f"  skipped {s}")
    c = report.counts
    console.print(
        f"{len(report.fetches)} sources fetched ({report.sources_failed} failed), "
        f"{c.get('items_new', 0)} new items, {c.get('items_updated', 0)} seen again, "
        f"{c.get('matches_new', 0)} matches, {c.get('alerts_new', 0)} alerts queued, "
        f"{report.alerts_sent} sent, {report.alerts_failed} failed"
        + (f", {report.alerts_deferred} deferred to the next digest (over max_per_hour)"
           if report.alerts_deferred else "")
    )
    for e in report.delivery_errors[:5]:
        console.print(f"  [red]delivery:[/red] {escape(e)}")


@cli.command()
@_config_option
@click.option("--deliver-every", default="1m", show_default=True,
              help="How often to deliver due alerts and digests when no source is due.")
@click.option("--max-cycles", type=int, default=None, help="Stop after this many crawl cycles.")
def watch(config_path: Path | None, deliver_every: str, max_cycles: int | None) -> None:
    """Long-running scheduler: runs each source when due; clean stop on SIGINT/SIGTERM."""
    from datetime import datetime, timezone

    from .config import parse_interval
    from .watch import RunLockedError, Watch, WatchOptions

    config = _load(config_path)
    try:
        every = parse_interval(deliver_every)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--deliver-every") from None

    def say(message: str) -> None:
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        print(f"{stamp} {message}", flush=True)

    w = Watch(config.path, options=WatchOptions(deliver_every_s=every, max_cycles=max_cycles), say=say)
    w.install_signal_handlers()
    try:
        code = w.run()
    except RunLockedError as exc:
        raise click.ClickException(str(exc)) from None
    sys.exit(code)


@cli.command()
@_config_option
@click.option("--runs", "n_runs", default=5, show_default=True, help="How many recent runs to show.")
def status(config_path: Path | None, n_runs: int) -> None:
    """Sources' health, last runs, pending and failed alerts."""
    from . import storage

    config = _load(config_path)
    if not Path(config.database).exists():
        console.print(f"No database yet at {config.database}: run `newswatch run` first.")
        return
    db = storage.open_db(config.database)
    from .health import FAILING_AFTER, silent_sources

    configured = {s.name for s in config.sources}
    silent = silent_sources(db, config)
    rows = []
    for s in storage.source_health(db):
        if s["name"] not in configured:
            continue
        streak = s["error_streak"] or 0
        note = s["last_error"] or (str(silent[s["name"]]) if s["name"] in silent else "")
        if s["mojibake_items"]:
            note = (f"{s['mojibake_items']} items look mis-decoded (Ã¡, â€œ): wrong charset? "
                    + note).strip()
        rows.append(([s["name"], s["kind"], s["last_ok_at"] or "never", f"{streak}x" if streak else "",
                      str(s["items"]), s["newest"] or "", s["next_due_at"] or "", note[:90]],
                     "red" if streak >= FAILING_AFTER
                     else "yellow" if streak or s["name"] in silent or s["mojibake_items"] else None))
    _print_table("Sources", ["source", "kind", "last ok", "failing", "items", "newest", "next due",
                             "last error / health"], rows)
    for name, quiet in sorted(silent.items()):
        console.print(f"  [yellow]{name}[/yellow] is {quiet}")
    runs = Table(title="Last runs", title_justify="left")
    for col in ("run", "started", "finished", "status", "ok", "failed", "new items", "matches", "sent"):
        runs.add_column(col)
    for r in storage.last_runs(db, n_runs):
        runs.add_row(str(r["id"]), r["started_at"] or "", r["finished_at"] or "(running or killed)",
                     r["status"] or "", str(r["sources_ok"] or 0), str(r["sources_failed"] or 0),
                     str(r["items_new"] or 0), str(r["matches_new"] or 0), str(r["alerts_sent"] or 0))
    console.print(runs)
    counts = storage.alert_counts(db)
    console.print("Alerts: " + (", ".join(f"{v} {k}" for k, v in sorted(counts.items())) or "none yet"))
    dead = storage.list_alerts(db, status="dead", limit=5)
    for a in dead:
        console.print(f"  [red]dead[/red] alert {a['id']} ({a['rule']} -> {a['tag']}): "
                      + escape(a.get("last_error") or ""))
    _print_digests_and_stories(db, config)


# --- browse and export ------------------------------------------------------

def _load_for_reading(config_path: Path | None):
    """Like _load, but browsing and exporting need no notification secrets from the environment."""
    from .config import ConfigError, load

    try:
        return load(config_path, check_env=False)
    except ConfigError as exc:
        raise ConfigExit(_problems_text(exc.problems)) from None


@cli.command()
@_config_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on. 0.0.0.0 lets anyone who can reach the port read the database.")
@click.option("-p", "--port", default=8001, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on; 0 picks a free one.")
@click.option("--open", "open_browser", is_flag=True, help="Open a web browser on the database.")
def serve(config_path: Path | None, host: str, port: int, open_browser: bool) -> None:
    """Browse and search the database in Datasette, with an Atom feed per rule (read-only)."""
    from .browse import BrowseError
    from .browse import serve as serve_datasette

    config = _load_for_reading(config_path)
    try:
        serve_datasette(config, host=host, port=port, open_browser=open_browser)
    except BrowseError as exc:
        raise click.ClickException(str(exc)) from None


@cli.command()
@_config_option
@click.option("--rule", "rule_name", metavar="NAME", help="Only items this rule matched, with its terms and snippet.")
@click.option("--since", metavar="DATE", help="Only items published on or after DATE (2017-06-15, or an ISO time).")
@click.option("-f", "--format", "fmt", required=True, type=click.Choice(["csv", "jsonl", "atom"]),
              help="Output format.")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8", lazy=True), default="-",
              help="Write to FILE instead of standard output.")
def export(config_path: Path | None, rule_name: str | None, since: str | None, fmt: str, output) -> None:
    """Export stored items, newest first, as CSV, JSON lines or an Atom feed."""
    from .browse import BrowseError, ExportError
    from .browse import export as export_items

    config = _load_for_reading(config_path)
    try:
        count = export_items(config, fmt, rule=rule_name, since=since, out=output)
    except ExportError as exc:
        raise click.UsageError(str(exc)) from None
    except BrowseError as exc:
        raise click.ClickException(str(exc)) from None
    if output.name != "-":
        err_console.print(f"Exported {count} item{'s' if count != 1 else ''} to {output.name}.")


# --- rules -----------------------------------------------------------------

@cli.group()
def rules() -> None:
    """Check, test and run rules."""


@rules.command("check")
@click.argument("target", required=False)
@_config_option
def rules_check(target: str | None, config_path: Path | None) -> None:
    """Parse rules from FILE (a config or topic file), a QUERY, or the config; show errors with a caret."""
    from .rules import RuleSyntaxError, check_rules, compile_rule

    if target and not Path(target).is_file():
        aliases = {}
        cfg_file = config_path or Path("newswatch.toml")
        if cfg_file.exists():
            aliases = _load(cfg_file).aliases
        try:
            compile_rule(target, aliases=aliases)
        except RuleSyntaxError as exc:
            err_console.print(f"[red]error[/red]: column {exc.column}: {exc.message}")
            err_console.print(exc.caret(), markup=False)
            sys.exit(2)
        console.print("OK: the query parses.")
        return
    pairs, aliases, where = _rules_from(target, config_path)
    errors = check_rules(pairs, aliases=aliases)
    for exc in errors:
        err_console.print(f"[red]error[/red] in {where.get(exc.rule, '')} rule {exc.rule!r}: "
                          f"column {exc.column}: {exc.message}")
        err_console.print(exc.caret(), markup=False)
    if errors:
        sys.exit(2)
    console.print(f"OK: {len(pairs)} rules parse.")


def _rules_from(target: str | None, config_path: Path | None):
    """(name, query) pairs, aliases and each rule's file, from a rules/topic file or the config."""
    import tomllib

    if target:
        path = Path(target)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigExit(f"{path}: cannot read rules: {exc}") from None
        raw = data.get("rules", [])
        pairs = [(r.get("name", f"#{i + 1}"), r.get("query", "")) for i, r in enumerate(raw)]
        aliases = dict(data.get("aliases", {}))
        if "include" in data:  # a full config: let the loader gather topic files
            config = _load(path)
            return [(r.name, r.query) for r in config.rules], config.aliases, {r.name: r.file for r in config.rules}
        return pairs, aliases, {n: str(path) for n, _ in pairs}
    config = _load(config_path)
    return [(r.name, r.query) for r in config.rules], config.aliases, {r.name: r.file for r in config.rules}


@rules.command("match")
@click.argument("items_file", type=click.File("r", encoding="utf-8"))
@_config_option
@click.option("--rule", "rule_names", multiple=True, help="Only this rule (repeatable).")
@click.option("--query", help="Match this query instead of the configured rules.")
def rules_match(items_file, config_path: Path | None, rule_names: tuple[str, ...], query: str | None) -> None:
    """Match items from a JSON-lines file (ITEMS_FILE, '-' for stdin); JSON lines out. Needs no database."""
    from .rules import RuleSyntaxError, compile_rules

    if query:
        aliases = {}
        if config_path or Path("newswatch.toml").exists():
            aliases = _load(config_path).aliases
        pairs = [("query", query)]
    else:
        config = _load(config_path)
        pairs, aliases = [(r.name, r.query) for r in config.rules], config.aliases
        if rule_names:
            unknown = set(rule_names) - {n for n, _ in pairs}
            if unknown:
                raise ConfigExit(f"unknown rule(s): {', '.join(sorted(unknown))}; configured: "
                                 + ", ".join(n for n, _ in pairs))
            pairs = [(n, q) for n, q in pairs if n in rule_names]
    try:
        matcher = compile_rules(pairs, aliases=aliases)
    except RuleSyntaxError as exc:
        raise ConfigExit(f"{exc}\n{exc.caret()}") from None
    out = sys.stdout
    for index, line in enumerate(items_file):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or "title" not in item:
                raise ValueError('each line must be a JSON object with at least "title"')
        except ValueError as exc:
            raise click.ClickException(f"{items_file.name}: line {index + 1}: {exc}") from None
        matches = matcher.match(item)
        out.write(json.dumps({"index": index, "url": item.get("url"),
                              "matches": [m.to_dict() for m in matches]}, ensure_ascii=False) + "\n")


@rules.command("test")
@click.argument("query", required=False)
@_config_option
@click.option("--rule", "rule_name", help="Test a configured rule instead of a QUERY.")
@click.option("--since", help="Only items published on or after this date (YYYY-MM-DD).")
@click.option("--limit", default=20, show_default=True, help="Show at most this many items.")
def rules_test(query: str | None, config_path: Path | None, rule_name: str | None, since: str | None,
               limit: int) -> None:
    """Backtest a QUERY or --rule NAME against stored items, hits highlighted."""
    from . import storage
    from .backtest import backtest
    from .rules import RuleSyntaxError, compile_rules

    config = _load(config_path)
    if bool(query) == bool(rule_name):
        raise click.UsageError("give either a QUERY or --rule NAME")
    if rule_name:
        rule = next((r for r in config.rules if r.name == rule_name), None)
        if rule is None:
            raise ConfigExit(f"unknown rule {rule_name!r}; configured: " + ", ".join(r.name for r in config.rules))
        query = rule.query
    try:
        name = rule_name or "query"
        matcher = compile_rules([(name, query)], aliases=config.aliases)
    except RuleSyntaxError as exc:
        err_console.print(f"[red]error[/red]: column {exc.column}: {exc.message}")
        err_console.print(exc.caret(), markup=False)
        sys.exit(2)
    if not Path(config.database).exists():
        raise click.ClickException(f"no database at {config.database}: run `newswatch run` first")
    db = storage.open_db(config.database)
    result = backtest(db, matcher, name, since=since)
    console.print(f"{result.matched} of {result.scanned} candidate items match "
                  f"({result.total} stored{', since ' + since if since else ''}; "
                  f"FTS5 prefilter: {result.fts or 'none, full scan'})")
    for row, match in result.hits[:limit]:
        console.print(f"[bold]{escape(row['title'] or '')}[/bold]  [dim]{row['source']} · {row['published'] or ''}[/dim]")
        console.print("   " + _highlight(match.snippet))
        console.print(f"   [dim]{escape(', '.join(match.terms))} · {escape(row['url'])}[/dim]")


def _highlight(snippet: str) -> str:
    return escape(snippet).replace("«", "[reverse]").replace("»", "[/reverse]")


# --- alerts ----------------------------------------------------------------

@cli.group()
def alerts() -> None:
    """Deliver and inspect alerts."""


@alerts.command("send")
@_config_option
@click.option("--digest", is_flag=True, help="Send the digests that are due too (as `newswatch run` does).")
@click.option("--now", "now", envvar="NEWSWATCH_NOW", hidden=True,
              help="Use this UTC time (2026-11-28T07:30:00Z) as the outbox clock; see docs/alerts.md.")
def alerts_send(config_path: Path | None, digest: bool, now: str | None) -> None:
    """Deliver pending alerts now (and due digests with --digest)."""
    from . import storage
    from .runner import deliver

    config = _load(config_path)
    db = storage.open_db(config.database)
    try:
        result = deliver(db, config, digests=digest, now=now)
    except ValueError as exc:
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


def _print_digests_and_stories(db, config) -> None:
    """`newswatch status`: digests waiting or sent, and recent stories carried by several outlets."""
    from datetime import timedelta

    from .notifier import schedules_for
    from .storage import now_iso
    from .storage.digests import digest_overview
    from .storage.stories import multi_outlet_stories, shift_ts

    now = now_iso()
    overview = digest_overview(db, schedules_for(config.rules, config.notify.timezone), now)
    if overview:
        table = Table(title="Digests", title_justify="left")
        for col in ("rule", "tag", "schedule", "waiting", "next due", "last sent", "unsent"):
            table.add_column(col)
        for d in overview:
            table.add_row(d["rule"], d["tag"], d["schedule"], str(d["waiting"]), d["next_due_at"] or "",
                          d["last_sent_at"] or "never", str(d["unsent_digests"] or ""),
                          style="red" if d["unsent_digests"] else None)
        console.print(table)
    stories = multi_outlet_stories(db, since=shift_ts(now, -timedelta(days=7)), limit=10)
    if stories:
        console.print("Stories on several outlets (last 7 days):")
        for s in stories:
            console.print(f"  {escape((s['title'] or '(no title)')[:80])} [dim]· {s['articles']} articles · "
                          f"{escape(s['outlets'] or '')}[/dim]")


@alerts.command("list")
@_config_option
@click.option("--status", type=click.Choice(["pending", "sending", "sent", "failed", "dead", "deferred"]))
@click.option("--limit", default=50, show_default=True)
def alerts_list(config_path: Path | None, status: str | None, limit: int) -> None:
    """List alerts, newest first."""
    from . import storage

    config = _load(config_path)
    db = storage.open_db(config.database)
    table = Table()
    for col in ("id", "rule", "tag", "mode", "status", "attempts", "next attempt", "title", "last error"):
        table.add_column(col)
    for a in storage.list_alerts(db, status=status, limit=limit):
        table.add_row(str(a["id"]), a["rule"], a["tag"], a["mode"], a["status"], str(a["attempts"]),
                      a.get("next_attempt_at") or "", escape((a.get("title") or "")[:50]),
                      escape((a.get("last_error") or "")[:60]))
    console.print(table)


@alerts.command("retry")
@click.argument("alert_id", type=int)
@_config_option
def alerts_retry(alert_id: int, config_path: Path | None) -> None:
    """Put a failed or dead alert back in the queue now."""
    from . import storage

    config = _load(config_path)
    db = storage.open_db(config.database)
    if not storage.retry_alert(db, alert_id, storage.now_iso()):
        raise click.ClickException(f"no failed or dead alert with id {alert_id}; see `newswatch alerts list`")
    console.print(f"Alert {alert_id} is pending again; `newswatch alerts send` delivers it.")


# --- sources ---------------------------------------------------------------

_LANG_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")


@cli.group()
def sources() -> None:
    """Find, add, import and export sources."""


@sources.command("add")
@click.argument("url")
@_config_option
@click.option("--yes", "-y", is_flag=True, help="Append without asking.")
@click.option("--name", help="Source name [default: from the site's host].")
@click.option("--kind", type=click.Choice(["feed", "sitemap", "page"]),
              help="Skip discovery: add URL as this kind (page: watch the page for changes).")
@click.option("--lang", help="Language code, like en or es [default: what the site says].")
@click.option("--interval", help="How often to fetch it, like 15m [default: [crawl] default_interval].")
@click.option("--max-time", type=click.IntRange(1), default=60, show_default=True, metavar="SECONDS",
              help="Give up looking for feeds after this long.")
def sources_add(url: str, config_path: Path | None, yes: bool, name: str | None, kind: str | None,
                lang: str | None, interval: str | None, max_time: int) -> None:
    """Discover a site's feeds and sitemaps and append a source for URL to the config."""
    from .config import ConfigError
    from .discovery import Candidate, DiscoveryError, discover, source_name
    from .sources import UnsafeTable, append_sources, configured_urls, new_source, one_line, url_key

    config = _load(config_path)
    if kind:
        found, best = None, Candidate(kind, url, how="as given (--kind)")
    else:
        try:
            found = discover(url, config.crawl.user_agent, timeout=config.crawl.timeout_s, max_time=max_time)
        except DiscoveryError as exc:
            raise click.ClickException(str(exc)) from None
        best = found.best
        for c in found.candidates:
            mark = "[green]*[/green]" if c is best else " "
            console.print(f" {mark} {c.kind:<8} {escape(one_line(c.url, 200))}  "
                          f"[dim]{escape(one_line(c.title, 50))} · {c.entries} entries · {c.how}[/dim]")
        if best is None:
            raise click.ClickException(
                f"no feed or sitemap found for {url} (tried {len(found.tried)} URLs, incl. "
                f"{', '.join(found.tried[1:4]) or url}). To watch the page itself for changes: "
                f"`newswatch sources add {url} --kind page`; for a listing page without a feed, write a "
                "kind = \"site\" source with selectors (see docs/sources.md).")
    if url_key(best.url) in configured_urls(config):
        raise click.ClickException(f"{best.url} is already a source in {config.path}")
    fields = {
        "name": name or source_name(best.url, {s.name for s in config.sources}),
        "kind": best.kind, "url": best.url,
        "lang": lang or best.lang or (found.lang if found else None), "interval": interval,
    }
    if fields["lang"] and not _LANG_CODE.match(fields["lang"].lower()):
        fields["lang"] = None  # what a site says is not always a language code
    try:  # the URL may come from the page: written as it will be requested, ${ and all encoded
        table = new_source(fields, comment=f"added by `newswatch sources add {url}`")
    except ValueError as exc:
        raise click.ClickException(f"{best.url}: cannot be a source: {exc}") from None
    console.print(f"\nThis will be appended to {config.path}:\n")
    console.print(table.text, markup=False, highlight=False)
    if not yes and not click.confirm("Append it?", default=False):
        console.print("Nothing changed.")
        return
    try:
        append_sources(config.path, [table])
    except ConfigError as exc:
        raise ConfigExit(_problems_text(exc.problems) + f"\n{config.path} was left as it was.") from None
    except UnsafeTable as exc:
        raise click.ClickException(f"{exc}\n{config.path} was left as it was.") from None
    console.print(f"Added source {fields['name']!r}. Try it: `newswatch run -c {config.path} --source {fields['name']}`")


@sources.command("import")
@click.argument("opml_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_config_option
@click.option("--yes", "-y", is_flag=True, help="Append without asking.")
def sources_import(opml_file: Path, config_path: Path | None, yes: bool) -> None:
    """Append the feeds of an OPML file (from a feed reader) to the config as sources."""
    from .config import ConfigError
    from .formats.opml import OpmlError, read_opml
    from .sources import UnsafeTable, append_sources, configured_urls, new_source, one_line, slug, url_key

    config = _load(config_path)
    try:
        feeds = read_opml(opml_file.read_bytes())
    except OpmlError as exc:
        raise click.ClickException(f"{opml_file}: {exc}") from None
    known = configured_urls(config)
    taken = {s.name for s in config.sources}
    tables, unusable = [], []
    for f in feeds:
        key = url_key(f.url)
        if key in known:
            continue
        lang = f.lang if f.lang and _LANG_CODE.match(f.lang) else None
        # Titles and URLs are the file's, not the user's: new_source writes them inert
        # (one-line comment; URL percent-encoded as it will be requested, so no ${...}).
        try:
            table = new_source({"name": slug(f.title, taken, fallback="feed"), "kind": "feed", "url": f.url,
                                "lang": lang}, comment=f"{f.title} ({f.category})" if f.category else f.title)
        except ValueError:
            unusable.append(f.url)
            continue
        known.add(key)
        taken.add(table.fields["name"])
        tables.append(table)
    new = tables
    if unusable:
        err_console.print(f"{opml_file}: skipped {len(unusable)} outline(s) whose xmlUrl is not an absolute "
                          f"http(s) URL, like {one_line(unusable[0], 60)!r}", markup=False, highlight=False)
    if not new:
        console.print(f"{opml_file}: {len(feeds)} feeds, all already configured. Nothing changed.")
        return
    console.print(f"{opml_file}: {len(feeds)} feeds, {len(new)} new "
                  f"({len(feeds) - len(new) - len(unusable)} already configured). First of them:")
    for table in tables[:3]:
        console.print(table.text, markup=False, highlight=False)
    if not yes and not click.confirm(f"Append {len(new)} sources to {config.path}?", default=False):
        console.print("Nothing changed.")
        return
    try:
        append_sources(config.path, tables)
    except ConfigError as exc:
        raise ConfigExit(_problems_text(exc.problems) + f"\n{config.path} was left as it was.") from None
    except UnsafeTable as exc:
        raise click.ClickException(f"{exc}\n{config.path} was left as it was.") from None
    console.print(f"Added {len(new)} sources to {config.path}.")


@sources.command("export")
@_config_option
def sources_export(config_path: Path | None) -> None:
    """Write the feed and search sources as OPML to stdout (for a feed reader)."""
    from .formats.opml import write_opml

    config = _load(config_path)
    sys.stdout.write(write_opml(config.sources, title=f"newswatch sources from {config.path.name}"))
    others = [s.name for s in config.sources if s.kind not in ("feed", "search")]
    if others:
        err_console.print(f"{len(others)} sources of kinds sitemap/site/page are not feeds and were left out: "
                          + ", ".join(others[:10]))


# --- demo ------------------------------------------------------------------

@cli.command()
@click.option("--dir", "out_dir", default="demo-out", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Where to write demo.db and the config.")
@click.option("--keep", is_flag=True, help="Keep an existing demo database (run again over it).")
def demo(out_dir: Path, keep: bool) -> None:
    """The whole pipeline offline against the bundled fixture site; prints what happened."""
    from .demo import run_demo

    if out_dir.exists() and not keep:
        for name in ("demo.db", "demo.db-wal", "demo.db-shm"):
            (out_dir / name).unlink(missing_ok=True)
    code = run_demo(out_dir, console=console)
    sys.exit(code)


STARTER_CONFIG = """\
# newswatch configuration. Reference: README.md ("Configuration").
# Relative paths resolve against this file's folder.
database = "newswatch.db"
include = ["topics/*.toml"]   # topic files hold [[sources]], [[rules]] and [aliases]

[crawl]
user_agent = "newswatch (+mailto:you@example.org)"   # say who you are and how to reach you
default_interval = "30m"
fetch_articles = true          # fetch pages for full text when a feed only has summaries

[notify]
# Apprise URLs by tag; rules send to tags. ${VAR} is read from the environment,
# so passwords stay out of this file. Replace the example address:
urls = { team = ["mailto://user:password@example.org?to=analyst@example.org"] }
# apprise_config = "apprise.yml"   # or Apprise's own YAML with tagged URLs
"""


def main() -> None:
    """Console-script entry point; prints tracebacks only with --debug."""
    debug = "--debug" in sys.argv[1:]
    try:
        cli(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence for users
        if debug:
            raise
        err_console.print(f"[red]Error:[/red] {type(exc).__name__}: {exc}")
        err_console.print("Run again with --debug for the traceback.")
        sys.exit(1)


if __name__ == "__main__":
    main()
