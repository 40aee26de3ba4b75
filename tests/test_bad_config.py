"""A table of broken configurations: each exits 2 with ``file:line: key: message`` and no traceback.

tests/test_config.py covers the loader's own cases (duplicate source, kind,
URL, interval, name, mode, an unknown source key, a missing include with unset
variables, TOML syntax); this table adds the rest, through the CLI: unknown
keys at every level, wrong types, bad TOML in a topic file, includes, rule
queries, notification URLs, duplicates, time zones, digests and limits.
Cases run in-process (click's runner) to stay fast; a few go through the
real command to show what a user sees, with and without ``--debug``.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from newswatch.cli import cli

SOURCE = '[[sources]]\nname = "wire"\nurl = "https://wire.example.org/feed"\n'
RULE = '[[rules]]\nname = "tps"\nquery = "tps honduras"\nnotify = ["team"]\n'
NOTIFY = '[notify]\nurls = { team = ["json://127.0.0.1:9/hook"] }\n'

# (id, newswatch.toml, {other file: text}, [(file, line, key, words in the message), ...])
# file "" is newswatch.toml itself; a line of None means "no line for this one" (file-level).
CASES = [
    # -- unknown keys, at each level
    ("unknown top-level key", 'databse = "x.db"\n' + SOURCE, {}, [("", 1, "databse", "valid top-level keys")]),
    ("unknown crawl key", '[crawl]\ntimeot = 5\n' + SOURCE, {}, [("", 2, "crawl.timeot", "unknown setting; valid:")]),
    ("unknown notify key", NOTIFY + 'retries = 3\n' + SOURCE, {}, [("", 3, "notify.retries", "unknown setting")]),
    ("unknown rule key", NOTIFY + RULE + 'priority = 1\n', {}, [("", 7, "rules.priority", "unknown setting")]),
    ("unknown key in a topic file", 'include = ["topics/*.toml"]\n' + SOURCE,
     {"topics/t.toml": SOURCE.replace("wire", "other") + 'schedule = "1h"\n'},
     [("topics/t.toml", 4, "sources.schedule", "unknown setting")]),
    ("crawl table in a topic file", 'include = ["t.toml"]\n' + SOURCE, {"t.toml": '[crawl]\ntimeout = 5\n'},
     [("t.toml", 1, "crawl", "a topic file may hold only [[sources]], [[rules]], [[follows]] and [aliases]")]),
    # -- wrong types
    ("crawl is not a table", 'crawl = 5\n' + SOURCE, {}, [("", 1, "crawl", "must be a table")]),
    ("timeout as text", '[crawl]\ntimeout = "30s"\n' + SOURCE, {}, [("", 2, "crawl.timeout", "must be a whole number")]),
    ("retries as a boolean", '[crawl]\nretries = true\n' + SOURCE, {}, [("", 2, "crawl.retries", "must be a whole number")]),
    ("max_bytes as a float", '[crawl]\nmax_bytes = 5.5\n' + SOURCE, {}, [("", 2, "crawl.max_bytes", "whole number")]),
    ("obey_robots as text", '[crawl]\nobey_robots = "yes"\n' + SOURCE, {}, [("", 2, "crawl.obey_robots", "true or false")]),
    ("autothrottle as text", '[crawl]\nautothrottle = "off"\n' + SOURCE, {}, [("", 2, "crawl.autothrottle", "true or false")]),
    ("negative parse_workers", '[crawl]\nparse_workers = -1\n' + SOURCE, {}, [("", 2, "crawl.parse_workers", "must be 0")]),
    ("bad jitter", '[crawl]\njitter = "soon"\n' + SOURCE, {}, [("", 2, "crawl.jitter", '"0s" for none')]),
    ("max_attempts zero", NOTIFY + 'max_attempts = 0\n' + SOURCE, {}, [("", 3, "notify.max_attempts", ">= 1")]),
    ("urls as a string", '[notify]\nurls = "json://127.0.0.1:9/hook"\n' + SOURCE, {},
     [("", 2, "notify.urls", 'table of tag = ["apprise://url"')]),
    ("a tag's URLs not strings", '[notify]\nurls = { team = [1, 2] }\n' + SOURCE, {},
     [("", 2, "notify.urls.team", "list of Apprise URLs")]),
    ("fetch_articles as text", SOURCE + 'fetch_articles = "no"\n', {}, [("", 4, "sources.fetch_articles", "true or false")]),
    ("language as a word", SOURCE + 'lang = "english"\n', {}, [("", 4, "sources.lang", 'like "en"')]),
    ("sources as a table", '[sources]\nname = "wire"\n', {}, [("", 1, "sources", "must be a table")]),
    ("rule without query", NOTIFY + '[[rules]]\nname = "tps"\nnotify = ["team"]\n', {},
     [("", 3, "rules.query", "every rule needs a query string")]),
    ("rule tags not strings", NOTIFY + '[[rules]]\nname = "tps"\nquery = "tps"\nnotify = [1]\n', {},
     [("", 6, "rules.notify", "list of Apprise tags")]),
    ("topic as a number", NOTIFY + RULE + 'topic = 5\n', {}, [("", 7, "rules.topic", "must be a string")]),
    ("alias not a list", '[aliases]\njoh = "Juan Orlando Hernández"\n' + SOURCE, {},
     [("", 2, "aliases.joh", "list of non-empty strings")]),
    ("include not a list", 'include = 5\n' + SOURCE, {}, [("", 1, "include", "list of file paths")]),
    # -- bad TOML
    ("bad TOML", 'database = "x.db\n' + SOURCE, {}, [("", 1, "syntax", "not valid TOML")]),
    ("a key given twice", 'database = "a.db"\ndatabase = "b.db"\n', {}, [("", 2, "syntax", "not valid TOML")]),
    ("bad TOML in a topic file", 'include = ["t.toml"]\n' + SOURCE, {"t.toml": '[[rules]]\nname = "x\n'},
     [("t.toml", 2, "syntax", "not valid TOML")]),
    # -- includes
    ("missing include", 'include = ["topics/nope.toml"]\n' + SOURCE, {},
     [("", 1, "include", "topics/nope.toml does not exist")]),
    ("include pattern matching nothing", 'include = ["topics/*.toml"]\n' + SOURCE, {},
     [("", 1, "include", "matches no file")]),
    # -- rule queries (checked by `newswatch check`, with a caret)
    ("unbalanced parenthesis", NOTIFY + RULE.replace("tps honduras", "(tps OR honduras"), {},
     [("", 5, "rules.tps.query", "this ( is never closed")]),
    ("dangling operator", NOTIFY + RULE.replace("tps honduras", "tps AND"), {},
     [("", 5, "rules.tps.query", "AND needs a word")]),
    ("unknown alias", NOTIFY + RULE.replace("tps honduras", "@officials"), {},
     [("", 5, "rules.tps.query", "unknown alias '@officials'")]),
    ("bad NEAR distance", NOTIFY + RULE.replace("tps honduras", "tps NEAR/x honduras"), {},
     [("", 5, "rules.tps.query", "NEAR")]),
    ("unknown field", NOTIFY + RULE.replace("tps honduras", "author:smith"), {},
     [("", 5, "rules.tps.query", "unknown field 'author:'")]),
    # -- notification URLs
    ("URL of no service", '[notify]\nurls = { team = ["notaservice://x"] }\n' + RULE, {},
     [("", 2, "notify.urls", "Apprise cannot use this URL")]),
    ("mailto without an address", '[notify]\nurls = { team = ["mailto://"] }\n' + RULE, {},
     [("", 2, "notify.urls", "Apprise cannot use this URL")]),
    ("URLs in a [notify.urls] table", '[notify]\nmax_attempts = 3\n[notify.urls]\nteam = ["notaservice://x"]\n' + RULE,
     {}, [("", 3, "notify.urls", "Apprise cannot use this URL")]),
    ("tag with no URL", NOTIFY + RULE.replace('["team"]', '["desk"]'), {},
     [("", 6, "rules.tps.notify", "no Apprise URL carries the tag 'desk'")]),
    ("missing apprise_config", '[notify]\napprise_config = "apprise.yml"\n' + SOURCE, {},
     [("", 2, "notify.apprise_config", "does not exist")]),
    ("unset variable", '[notify]\nurls = { team = ["json://${NW_NOT_SET_ANYWHERE}@127.0.0.1:9/hook"] }\n' + RULE, {},
     [("", 2, "environment", "NW_NOT_SET_ANYWHERE")]),
    ("${VAR} in a source URL", 'include = ["t.toml"]\n' + SOURCE,
     {"t.toml": '\n[[sources]]\nname = "x"\nurl = "https://${NW_NOT_SET_EITHER}/feed"\n'},
     [("t.toml", 4, "sources.url", "${NW_NOT_SET_EITHER}: source URLs are not read from the environment")]),
    # -- duplicate names
    ("duplicate rule", NOTIFY + RULE + "\n" + RULE, {}, [("", 8, "rules.name", "duplicate rule name 'tps'")]),
    ("duplicate source across files", 'include = ["t.toml"]\n' + SOURCE, {"t.toml": SOURCE},
     [("t.toml", 1, "sources.name", "duplicate source name 'wire' (first defined at")]),
    ("duplicate alias across files", 'include = ["t.toml"]\n[aliases]\njoh = ["JOH"]\n' + SOURCE,
     {"t.toml": '[aliases]\njoh = ["Hernández"]\n'}, [("t.toml", 2, "aliases.joh", "alias defined twice")]),
    # -- time zone, digests, limits
    ("unknown time zone", NOTIFY + 'timezone = "Mars/Olympus"\n' + SOURCE, {},
     [("", 3, "notify.timezone", "unknown time zone 'Mars/Olympus'")]),
    ("bad digest schedule", NOTIFY + RULE + 'mode = "digest"\ndigest = "every tuesday"\n', {},
     [("", 8, "rules.digest", "invalid digest schedule")]),
    ("max_per_hour zero", NOTIFY + 'max_per_hour = 0\n' + SOURCE, {}, [("", 3, "notify.max_per_hour", ">= 1")]),
    ("default_interval unparseable", '[crawl]\ndefault_interval = "often"\n' + SOURCE, {},
     [("", 2, "crawl.default_interval", "invalid interval")]),
]

_NO_TRACEBACK = re.compile(r"Traceback|File \".*\", line \d+")


def _write(tmp_path: Path, main: str, others: dict[str, str]) -> Path:
    cfg = tmp_path / "newswatch.toml"
    cfg.write_text('database = "nw.db"\n' * ("database" not in main) + main, encoding="utf-8")
    for name, text in others.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return cfg


@pytest.mark.parametrize("case, main, others, expected", CASES, ids=[c[0] for c in CASES])
def test_each_broken_config_exits_2_with_located_messages(tmp_path, monkeypatch, case, main, others, expected):
    monkeypatch.delenv("NEWSWATCH_DATABASE", raising=False)
    cfg = _write(tmp_path, main, others)
    offset = 0 if main.startswith("database") else 1  # the database line _write put first
    result = CliRunner().invoke(cli, ["check", "-c", str(cfg)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    shown = result.stderr
    assert not _NO_TRACEBACK.search(shown), shown
    for file, line, key, words in expected:
        path = tmp_path / file if file else cfg
        if line is not None and not file:
            line += offset
        where = f"{path}:{line}" if line is not None else f"{path}"
        # A rule query's problem also names the column: file:line:col: key: message.
        start = re.compile(rf"{re.escape(where)}(:\d+)?: {re.escape(key)}: ")
        located = [ln for ln in shown.splitlines() if start.match(ln.strip())]
        assert located, f"no line starting {where}: {key}: in\n{shown}"
        assert any(words in ln for ln in located), f"{words!r} not in {located}"


def test_run_with_a_broken_config_exits_2_without_a_traceback_and_debug_shows_one(tmp_path):
    from measure import newswatch

    cfg = _write(tmp_path, '[crawl]\ntimeout = "30s"\n' + SOURCE, {})
    plain = newswatch("run", "-c", str(cfg), timeout=60)
    assert plain.returncode == 2
    assert f"{cfg}:3: crawl.timeout: must be a whole number, not '30s'" in plain.stderr
    assert "Traceback" not in plain.output
    assert not (tmp_path / "nw.db").exists()  # nothing ran
    debug = newswatch("--debug", "run", "-c", str(cfg), timeout=60)
    assert debug.returncode == 2
    assert "Traceback" in debug.stderr and "ConfigError" in debug.stderr
    assert f"{cfg}:3: crawl.timeout" in debug.stderr


def test_a_bad_rule_query_stops_run_before_anything_is_fetched(tmp_path):
    from measure import newswatch

    cfg = _write(tmp_path, NOTIFY + SOURCE + RULE.replace("tps honduras", "(tps OR"), {})
    result = newswatch("run", "-c", str(cfg), timeout=60)
    assert result.returncode == 2
    assert re.search(rf"{re.escape(str(cfg))}:\d+:\d+: rules.tps.query: OR needs", result.stderr), result.stderr
    assert "Traceback" not in result.output


def test_a_database_that_cannot_be_created_is_a_clear_error(tmp_path):
    from measure import newswatch

    (tmp_path / "blocker").write_text("a file, not a folder", encoding="utf-8")
    cfg = _write(tmp_path, 'database = "blocker/nw.db"\n' + SOURCE, {})
    result = newswatch("run", "-c", str(cfg), timeout=60)
    assert result.returncode == 1
    assert f"cannot open database {tmp_path / 'blocker' / 'nw.db'}" in result.stderr
    assert "Traceback" not in result.output


def test_check_locates_an_error_on_the_third_line_of_a_multi_line_query(tmp_path, cli):
    cfg = _write(tmp_path, NOTIFY + '[[rules]]\nname = "tps"\nnotify = ["team"]\nquery = """\n'
                 '("temporary protected status" OR =TPS)\n'
                 'AND (honduras OR guatemala)\n'
                 '\tAND (deport* OR "removal" OR)\n"""\n', {})
    result = cli("check", "-c", str(cfg))
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    # The query's third line is the file's tenth; the dangling OR is at its column 28 (after a tab).
    error = lines.index(f"  {cfg}:10:28: rules.tps.query: OR needs a word, phrase or group after it")
    assert lines[error + 1:error + 3] == ['    \tAND (deport* OR "removal" OR)', "    \t" + " " * 26 + "^"]
    # The one-word phrase on the same line is a warning, shown before the errors.
    assert lines[0] == (f"{cfg}:10:18: warning: rules.tps.query: \"removal\": quotes change nothing; "
                        "=removal is exact case")
    assert lines[2] == "    \t" + " " * 16 + "^"


def test_check_with_only_warnings_exits_0_and_shows_each(tmp_path, cli):
    cfg = _write(tmp_path, NOTIFY + RULE.replace("tps honduras", "tps and honduras"), {})
    result = cli("check", "-c", str(cfg))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"OK {cfg}: 0 sources, 1 rules")
    assert result.stderr.splitlines() == [
        f"{cfg}:6:14: warning: rules.tps.query: 'and' is searched as a word; did you mean AND?",
        '    query = "tps and honduras"',
        " " * 17 + "^",
    ]
