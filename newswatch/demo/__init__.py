"""The offline demo: the bundled fictional news site, a local mail server and chat webhook.

:func:`run_demo` serves ``site/`` on 127.0.0.1, starts an SMTP sink and a
chat sink, writes a config that points newswatch at them with the shipped
topic pack's rules, runs one full cycle and shows what happened.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

SITE_DIR = Path(__file__).parent / "site"
#: The demo's followed story: the fictional Isthmus Review's analysis of the
#: June 2017 Miami conference, and the day it appeared (earlier items are not
#: follow-ups, however many of its names they share).
FOLLOW_NAME = "miami-2017"
SEED_PATH = "/isthmus-review/2017/06/miami-heavy-handed-turn.html"
SEED_DATE = "2017-06-22"

__all__ = ["run_demo", "write_demo_config", "SITE_DIR", "FOLLOW_NAME", "SEED_PATH"]


def demo_sources(base_url: str) -> list[dict]:
    """The fixture site's feeds as [[sources]] entries for a server at ``base_url``."""
    listed = json.loads((SITE_DIR / "sources.json").read_text(encoding="utf-8"))
    return [{"name": s["name"], "kind": s.get("kind", "feed"), "url": base_url + s["path"],
             "lang": s.get("lang")} for s in listed]


def topic_rules_text() -> str:
    """The shipped topic pack without its [[sources]] and [[follows]] (the demo is offline)."""
    text = (resources.files("newswatch.topics") / "central-america.toml").read_text(encoding="utf-8")
    # Drop each such table up to the next table header; the demo follows its own seed.
    return re.sub(r"(?ms)^\[\[(?:sources|follows)\]\].*?(?=^\[|\Z)", "", text)


def write_demo_config(out_dir: Path, base_url: str, notify_urls: dict[str, list[str]]) -> Path:
    """Write newswatch.toml and topics/central-america.toml into ``out_dir``; return the config path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "topics").mkdir(exist_ok=True)
    (out_dir / "topics" / "central-america.toml").write_text(topic_rules_text(), encoding="utf-8")
    lines = [
        "# Written by `newswatch demo`: the fictional fixture site served on this machine.",
        'database = "demo.db"',
        'include = ["topics/*.toml"]',
        "",
        "[crawl]",
        'user_agent = "newswatch-demo (+https://example.org/newswatch-demo)"',
        "download_delay = 0",
        "concurrency_per_domain = 8",
        "timeout = 10",
        "fetch_articles = true   # a story's page is read when its feed gives a teaser (ntm-wire's do)",
        "",
        "[notify]",
        "urls = { " + ", ".join(f"{tag} = {json.dumps(urls)}" for tag, urls in notify_urls.items()) + " }",
        "max_per_hour = 100   # the demo delivers its whole backlog at once (default: 20 per tag per hour)",
        'timezone = "America/Guatemala"   # times in alerts and digests, and digest schedules',
        "",
    ]
    lines += ["# The fictional site's analysis of the Miami conference: `newswatch run` stores",
              "# the articles that link to it, quote it or name its people together.",
              "[[follows]]", f'name = "{FOLLOW_NAME}"', f'url = "{base_url}{SEED_PATH}"',
              f"notify = {json.dumps(sorted(notify_urls))}", f"since = {SEED_DATE}", ""]
    for s in demo_sources(base_url):
        lines += ["[[sources]]", f'name = "{s["name"]}"', f'kind = "{s["kind"]}"', f'url = "{s["url"]}"']
        if s.get("lang"):
            lines.append(f'lang = "{s["lang"]}"')
        lines += ['interval = "15m"', ""]
    path = out_dir / "newswatch.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def run_demo(out_dir: Path, console: Console | None = None) -> int:
    """Run the whole pipeline offline; print what was fetched, matched and delivered."""
    from .. import config as config_mod
    from ..app import run
    from .server import SiteServer
    from .sinks import ChatSink, SmtpSink

    console = console or Console()
    out_dir = Path(out_dir)
    with SiteServer(SITE_DIR) as site, SmtpSink() as smtp, ChatSink() as chat:
        console.print(f"[bold]newswatch demo[/bold]: fictional news site at {site.url}, "
                      f"mail server on 127.0.0.1:{smtp.port}, chat webhook on 127.0.0.1:{chat.port}")
        cfg_path = write_demo_config(out_dir, site.url, {"team": [smtp.url(), chat.mmost_url()]})
        config = config_mod.load(cfg_path)
        console.print(f"{len(config.sources)} sources, {len(config.rules)} rules from the seed topic pack; "
                      f"database {config.database}")

        def show(res) -> None:
            mark = "[green]✓[/green]" if res.ok else "[red]✗[/red]"
            console.print(f"  {mark} fetched {res.source:<22} {res.status:<6} {res.items} entries"
                          + (f"  {escape(res.error)}" if res.error else ""))

        report = run(config, all_sources=True, throttle=False, on_fetch=show)
        smtp.wait_for(report.alerts_sent and 1, timeout=5)
        _show_results(console, config, report, smtp, chat)
    console.print(f"\nThe database is {config.database}. Browse it with "
                  f"[bold]newswatch serve -c {cfg_path}[/bold] (Datasette; or `newswatch status -c {cfg_path}`), "
                  f"and backtest a rule with `newswatch rules test -c {cfg_path} --rule tps-decisions`.")
    return report.exit_code


def _show_results(console: Console, config, report, smtp, chat) -> None:
    from .. import storage

    db = storage.open_db(config.database)
    c = report.counts
    follow_ups = f"{c.get('follow_ups', 0)} follow-ups, " if config.follows else ""
    console.print(f"\n[bold]Stored[/bold] {c.get('items_new', 0)} new items "
                  f"({c.get('items_updated', 0)} seen again), {c.get('matches_new', 0)} matches, "
                  f"{follow_ups}{c.get('alerts_new', 0)} alerts queued.")
    # ntm-wire's feed gives teasers: each story's page was read for the rest.
    total, full = db.execute("select count(*), sum(length(body) >= 600) from items "
                             "where source = 'ntm-wire'").fetchone()
    if total:
        console.print(f"{full or 0} of {total} ntm-wire items hold their page's full text (the feed gives teasers).")
    table = Table(title="Matches by rule", title_justify="left")
    table.add_column("rule")
    table.add_column("items", justify="right")
    table.add_column("example")
    for row in db.query("select rule, count(*) n, max(i.title) t from matches m join items i on i.id = m.item_id "
                        "where rule not like 'follow:%' group by rule order by rule"):
        table.add_row(row["rule"], str(row["n"]), escape((row["t"] or "")[:70]))
    console.print(table)
    _show_follow_ups(console, config, db)
    _show_trends(console, config, db)
    console.print(f"[bold]Delivered[/bold] {report.alerts_sent} alerts "
                  f"({report.alerts_failed} failed): {len(smtp.messages)} emails, {len(chat.posts)} chat posts.")
    if smtp.messages:
        # The one naming the most rules: one message per article, however many matched.
        msg = max(smtp.messages, key=lambda m: _text_part(m).count("\nRule "))
        console.print(f"\n[bold]One delivered email[/bold] — Subject: {escape(str(msg['Subject']))}")
        console.print(_text_part(msg).strip()[:1200], markup=False)
        post = next((p.body.get("text", "") for p in chat.posts
                     if str(p.body.get("text", "")).startswith(str(msg["Subject"]))), "")
        if post:
            console.print("\n[bold]The same alert in chat[/bold] (Mattermost Markdown)")
            console.print(post.strip()[:1200], markup=False)


def _show_follow_ups(console: Console, config, db) -> None:
    """Each followed story and the articles found continuing it, with the reason."""
    for follow in config.follows:
        rows = list(db.query(
            "select m.snippet, i.source, i.title from matches m join items i on i.id = m.item_id "
            "where m.rule = ? order by i.published, i.url", [f"follow:{follow.name}"]))
        console.print(f"\n[bold]Following[/bold] {follow.name} ({len(rows)} follow-ups), "
                      f"its seed:\n  {escape(follow.url)}", highlight=False)
        if not rows:
            console.print("  none stored: no article links to it, quotes it or names its people together",
                          markup=False, highlight=False)
        for row in rows:
            console.print(_cut(f"  {row['source']}: {row['title'] or ''}") + f"\n    {row['snippet'] or ''}",
                          markup=False, highlight=False)


def _cut(line: str, width: int = 78) -> str:
    return line if len(line) <= width else line[:width - 1].rstrip() + "…"


def _show_trends(console: Console, config, db) -> None:
    """The table `newswatch trends` prints, over the whole span of the demo's articles."""
    from datetime import date

    from ..app import coverage, coverage_lines

    first, last = db.execute("select min(published), max(published) from items").fetchone()
    if not first:
        return
    # The fictional site's articles span months of 2017-2018, long before today:
    # the window ends with the newest article and reaches back to the oldest.
    until = date.fromisoformat(last[:10])
    days = (until - date.fromisoformat(first[:10])).days + 2  # +1 for a zone behind UTC
    console.print("\n[bold]Coverage over time[/bold] "
                  f"(`newswatch trends --days {days} --until {until}`)")
    for line in coverage_lines(coverage(config, days=days, until=until)):
        console.print(line, markup=False, highlight=False)


def _text_part(msg) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    return part.get_content().replace("\r\n", "\n") if part is not None else ""
