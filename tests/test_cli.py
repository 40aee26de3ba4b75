"""The command line: documented commands exist, and starter configs check clean."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from newswatch.cli import cli

README = Path(__file__).resolve().parents[1] / "README.md"


def _cli_commands(group=cli, prefix="") -> set[str]:
    names = set()
    for name, cmd in group.commands.items():
        full = f"{prefix}{name}"
        if hasattr(cmd, "commands"):
            names |= _cli_commands(cmd, full + " ")
        else:
            names.add(full)
    return names


def _readme_commands() -> set[str]:
    table = README.read_text(encoding="utf-8").split("## Commands", 1)[1].split("\n## ", 1)[0]
    found = set()
    for m in re.finditer(r"^\| `newswatch ([a-z ]+?)(?: [\[A-Z-].*?)?`", table, re.M):
        found.add(m.group(1).strip())
    return found


def test_every_cli_command_is_in_the_readme_and_back():
    assert _readme_commands() == _cli_commands()


def test_every_command_has_help():
    runner = CliRunner()
    for name in _cli_commands():
        result = runner.invoke(cli, name.split() + ["--help"])
        assert result.exit_code == 0, name
        assert "Usage:" in result.output


def test_init_writes_a_config_that_check_accepts(tmp_path, cli):
    made = cli("init", str(tmp_path))
    assert made.returncode == 0
    assert "edit the [notify] URLs" in " ".join(made.stdout.split())
    assert (tmp_path / "topics" / "central-america.toml").exists()
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert '"Configuration" section' in (tmp_path / "newswatch.toml").read_text(encoding="utf-8")
    assert "\n## Configuration\n" in readme  # the section the starter config sends people to
    result = cli("check", "-c", str(tmp_path / "newswatch.toml"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK" in result.stdout
    again = cli("init", str(tmp_path))
    assert again.returncode == 1 and "already exists. Use --force" in again.stderr


def test_check_reports_rule_and_notify_problems_with_exit_2(tmp_path, cli):
    cfg = tmp_path / "newswatch.toml"
    cfg.write_text(
        'database = "x.db"\n'
        '[notify]\nurls = { team = ["json://127.0.0.1:9/hook"] }\n'
        '[[rules]]\nname = "broken"\nquery = "tps AND"\nnotify = ["team"]\n'
        '[[rules]]\nname = "orphan"\nquery = "honduras"\nnotify = ["chat"]\n',
        encoding="utf-8",
    )
    result = cli("check", "-c", str(cfg))
    assert result.returncode == 2
    err = result.stderr
    # file:line:column of the AND in the file, then that line and a caret under it
    assert f"{cfg}:6:14: rules.broken.query: AND needs a word, phrase or group after it" in err
    assert '\n    query = "tps AND"\n' + " " * 17 + "^\n" in err
    assert f"{cfg}:11: rules.orphan.notify: no Apprise URL carries the tag 'chat'; tags defined: team" in err
    assert "Traceback" not in err


def test_config_error_exit_2_without_traceback(tmp_path, cli):
    cfg = tmp_path / "newswatch.toml"
    cfg.write_text('[[sources]]\nname = "a"\nurl = "ftp://x"\nkind = "feed"\ninterval = "15 mins"\n', encoding="utf-8")
    result = cli("run", "-c", str(cfg))
    assert result.returncode == 2
    assert f"{cfg}:3: sources.url" in result.stderr
    assert f"{cfg}:5: sources.interval" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_big_run_summary_lists_every_source_as_plain_text(capsys):
    """Past RICH_TABLE_ROWS sources the summary is plain aligned text; no source is left out."""
    from newswatch.app import RunReport
    from newswatch.cli import render
    from newswatch.crawlers import FetchResult

    report = RunReport(run_id=7)
    n = render.RICH_TABLE_ROWS + 50
    report.fetches = [FetchResult(source=f"feed-{i:03d}", url="u", status="200", items=50, items_new=i % 3,
                                  matches_new=i % 2) for i in range(n)]
    report.fetches.append(FetchResult(source="broken", url="u", status="error", ok=False,
                                      error="HTTP 404 [b]not[/b] found"))
    render.print_run_summary(report)
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "Run 7" and lines[1].split() == ["source", "status", "fetched", "new", "matched", "error"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[3:] if line.startswith(("feed-", "broken"))}
    assert len(rows) == n + 1
    assert rows["feed-005"] == ["200", "50", "2", "1"]
    assert rows["broken"] == ["error", "0", "0", "0", "HTTP", "404", "[b]not[/b]", "found"]  # markup stays text
    assert f"{n + 1} sources fetched (1 failed)" in out


def test_an_unusable_apprise_url_is_reported_once_not_again_for_each_rule(tmp_path, cli):
    cfg = tmp_path / "newswatch.toml"
    cfg.write_text(
        'database = "x.db"\n'
        '[notify]\nurls = { team = ["nosuchscheme://example.org/hook"] }\n'
        + "".join(f'[[rules]]\nname = "r{n}"\nquery = "honduras"\nnotify = ["team"]\n' for n in range(3))
        + '[[rules]]\nname = "typo"\nquery = "honduras"\nnotify = ["teem"]\n',
        encoding="utf-8")
    result = cli("check", "-c", str(cfg))
    assert result.returncode == 2
    out = result.stdout + result.stderr
    assert len([ln for ln in out.splitlines() if "nosuchscheme" in ln]) == 1, out
    assert "carries the tag 'team'" not in out
    assert "carries the tag 'teem'" in out  # a tag nobody defined is still reported
