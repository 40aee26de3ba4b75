"""What `newswatch run` prints when sources fail: one line per source and the summary.

Scrapy's log (its "Gave up retrying" errors, the robots.txt fetch's
traceback) used to follow every unreachable source: 83 lines for one, 1,283
lines and 30 tracebacks for the starter config without a network. It now
shows only with `newswatch --debug run`. These tests use the default [crawl]
settings (robots.txt obeyed, retries on) and reach nothing beyond the loopback:
an unreachable host is a closed port there.
"""

from __future__ import annotations

import re
import socket
from contextlib import ExitStack

import sqlite_utils
from measure import newswatch

#: A line of Scrapy's or Python's log: "2026-12-03 19:46:45 [scrapy.core.engine] INFO: ..."
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[[\w.]+\] [A-Z]+:", re.MULTILINE)


def closed_port(stack: ExitStack, host: str = "127.0.0.1") -> int:
    """A port on ``host`` that refuses connections: bound (so nobody else takes it), never listening."""
    sock = stack.enter_context(socket.socket())
    sock.bind((host, 0))
    return sock.getsockname()[1]


def loopback_host(n: int) -> str:
    """127.0.0.n where the system routes it to itself (Linux does all of 127/8), else 127.0.0.1.

    Scrapy paces requests per host name, not per port: unreachable sites on
    one address would be tried one after another, not side by side.
    """
    host = f"127.0.0.{n}"
    try:
        with socket.socket() as sock:
            sock.bind((host, 0))
    except OSError:
        return "127.0.0.1"
    return host


def lines_of(result) -> list[str]:
    return [ln for ln in result.output.splitlines() if ln.strip()]


def table_bound(sources: int) -> int:
    """The most lines a run may print: its first line, a progress line per source, the summary
    table (title, three heading lines, a row per source, bottom border) and the counts line."""
    return 1 + sources + (4 + sources + 1) + 1


def assert_quiet(result, sources: int, extra: int = 0) -> None:
    assert "Traceback" not in result.output, result.output
    assert not LOG_LINE.search(result.output), result.output
    assert "Gave up retrying" not in result.output and "[scrapy" not in result.output
    assert len(lines_of(result)) <= table_bound(sources) + extra, result.output


def failure_lines(result, source: str) -> list[str]:
    """The progress lines `newswatch run` printed for ``source`` as failed."""
    return [ln for ln in result.stdout.splitlines() if re.match(rf"\s*✗ {re.escape(source)}\s", ln)]


def test_an_unreachable_source_is_one_line_with_its_cause_and_debug_shows_the_rest(tmp_path, site):
    with ExitStack() as stack:
        port = closed_port(stack)
        cfg = tmp_path / "newswatch.toml"
        # No [crawl] table: robots.txt obeyed, two retries, as a new user runs it.
        cfg.write_text(
            'database = "nw.db"\n\n'
            f'[[sources]]\nname = "wire"\nurl = "{site.url}/feeds/wire.xml"\nlang = "en"\n\n'
            f'[[sources]]\nname = "gone"\nurl = "http://127.0.0.1:{port}/feed.xml"\nlang = "en"\n',
            encoding="utf-8")
        plain = newswatch("run", "-c", str(cfg), timeout=120)
        debug = newswatch("--debug", "run", "--all", "-c", str(cfg), timeout=120)

    assert plain.returncode == 1, plain.output
    assert_quiet(plain, sources=2)
    assert plain.stderr == ""
    [line] = failure_lines(plain, "gone")
    assert line.rstrip().endswith("connection refused"), line
    assert re.search(r"✓ wire\s+200\s+3 entries", plain.stdout), plain.stdout
    assert "2 sources fetched (1 failed), 3 new items" in plain.stdout

    # The cause is kept where `newswatch status` and Datasette read it.
    db = sqlite_utils.Database(tmp_path / "nw.db")
    gone = db["sources"].get("gone")
    assert gone["last_error"] == f"http://127.0.0.1:{port}/feed.xml: connection refused"
    assert gone["error_streak"] == 2  # two runs, each recorded
    assert db["sources"].get("wire")["last_error"] is None

    # --debug: Scrapy's log, with the robots.txt fetch's traceback and the retries given up.
    assert debug.returncode == 1, debug.output
    assert LOG_LINE.search(debug.stderr)
    assert "Traceback" in debug.stderr and "Connection was refused" in debug.stderr
    assert f"Gave up retrying <GET http://127.0.0.1:{port}/robots.txt>" in debug.stderr
    assert failure_lines(debug, "gone")


def _localize(text: str, hosts: dict[str, str], stack: ExitStack) -> str:
    """Each http(s) URL of ``text`` moved to a closed port on the loopback, one address and
    port per host; the path and query stay, so lines are as long as the real URLs make them."""
    def local(m: re.Match) -> str:
        host = m.group(2)
        if host not in hosts:
            address = loopback_host(2 + len(hosts))
            hosts[host] = f"{address}:{closed_port(stack, address)}"
        return f"{m.group(1)}http://{hosts[host]}{m.group(3)}"

    return re.sub(r'(\burl = ")https?://([^/"]+)([^"]*)', local, text)


def test_the_starter_config_without_a_network_prints_a_line_per_source(tmp_path):
    directory = tmp_path / "watch"
    init = newswatch("init", str(directory), timeout=60)
    assert init.returncode == 0, init.output
    with ExitStack() as stack:
        hosts: dict[str, str] = {}
        for path in [directory / "newswatch.toml", *sorted((directory / "topics").glob("*.toml"))]:
            path.write_text(_localize(path.read_text(encoding="utf-8"), hosts, stack), encoding="utf-8")
        # Alerts too would go nowhere but 127.0.0.1 (none are due: nothing is fetched).
        toml = directory / "newswatch.toml"
        toml.write_text(toml.read_text(encoding="utf-8").replace(
            "@example.org?", f"@127.0.0.1:{closed_port(stack)}?"), encoding="utf-8")
        assert not any(re.search(r'\burl = "https?://(?!127\.)', p.read_text(encoding="utf-8"))
                       for p in directory.rglob("*.toml"))
        result = newswatch("run", cwd=directory, timeout=240)

    sources = sqlite_utils.Database(directory / "newswatch.db")["sources"]
    names = [r["name"] for r in sources.rows]
    assert len(names) > 10 and len(hosts) > 5
    assert result.returncode == 1, result.output
    # The starter pack follows one story, whose seed page is as unreachable: one line more.
    assert "follow miami-2017: seed article not read (tried again next run)" in result.output
    assert_quiet(result, sources=len(names), extra=1)
    for name in names:
        [line] = failure_lines(result, name)
        assert line.rstrip().endswith("connection refused"), line
        assert "connection refused" in sources.get(name)["last_error"]


def test_a_bug_in_a_spider_fails_its_source_and_says_so_without_a_traceback(tmp_path, site):
    """With Scrapy's log off, an exception in a spider's callback is recorded on its source."""
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    # Runs at interpreter start, before the pages spider imports page_text.
    (hooks / "sitecustomize.py").write_text(
        "import newswatch.formats.diffs as diffs\n"
        "def page_text(*args, **kwargs):\n"
        "    raise RuntimeError('boom')\n"
        "diffs.page_text = page_text\n", encoding="utf-8")
    cfg = tmp_path / "newswatch.toml"
    cfg.write_text(
        'database = "nw.db"\n\n'
        f'[[sources]]\nname = "notice"\nkind = "page"\nurl = "{site.url}/articles/tps-end.html"\n',
        encoding="utf-8")
    env = {"PYTHONPATH": str(hooks)}
    plain = newswatch("run", "-c", str(cfg), env=env, timeout=120)
    debug = newswatch("--debug", "run", "--all", "-c", str(cfg), env=env, timeout=120)

    assert plain.returncode == 1, plain.output
    # The spider reported the page read (✓) before its callback raised: one line more.
    assert_quiet(plain, sources=1, extra=1)
    [line] = failure_lines(plain, "notice")
    assert "error in newswatch (RuntimeError: boom)" in line and "--debug" in line
    error = sqlite_utils.Database(tmp_path / "nw.db")["sources"].get("notice")["last_error"]
    assert error.startswith(f"{site.url}/articles/tps-end.html: error in newswatch (RuntimeError: boom)")
    assert "Traceback" in debug.stderr and "RuntimeError: boom" in debug.stderr


def test_without_debug_the_crawl_settings_keep_scrapys_log_off(tmp_path):
    from newswatch.config import load
    from newswatch.crawlers import FetchResult, crawl_settings

    cfg = tmp_path / "newswatch.toml"
    cfg.write_text('[[sources]]\nname = "a"\nurl = "https://example.org/feed"\n', encoding="utf-8")
    config = load(cfg)
    # What Scrapy logs at ERROR is each failed download or callback: on its source's line already.
    for level in (None, "ERROR", "CRITICAL"):
        assert crawl_settings(config, level).getbool("LOG_ENABLED") is False, level
    verbose = crawl_settings(config, "INFO")
    assert verbose.getbool("LOG_ENABLED") is True and verbose.get("LOG_LEVEL") == "INFO"
    # A source given up on is that source's failure, reported on its line: a warning in the log.
    assert verbose.get("RETRY_GIVE_UP_LOG_LEVEL") == "WARNING"
    # The line names the source; its error, as stored, starts with the URL.
    failed = FetchResult("a", "https://example.org/feed", ok=False,
                         error="https://example.org/feed: DNS lookup failed: host not found")
    assert failed.reason == "DNS lookup failed: host not found"
