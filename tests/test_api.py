"""The Python API (newswatch.app): docs/api.md's example script run for real, and its errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from newswatch import app

DOC = Path(__file__).resolve().parents[1] / "docs" / "api.md"


def _example_script() -> str:
    """The script under "## An example script" in docs/api.md, as a reader would copy it."""
    section = DOC.read_text(encoding="utf-8").split("## An example script", 1)[1]
    return section.split("```python\n", 1)[1].split("\n```", 1)[0] + "\n"


def test_the_documented_example_runs_a_crawl_and_reads_the_results(tmp_path, site):
    script = tmp_path / "example.py"
    script.write_text(_example_script(), encoding="utf-8")
    # A subprocess: Scrapy's reactor runs once per process, as the page says.
    result = subprocess.run([sys.executable, str(script), str(tmp_path / "watch")],
                            env={**os.environ, "SITE": site.url}, capture_output=True, text=True,
                            timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "run 1: 3 new items, 1 matches, exit code 0"
    assert lines[1] == "source wire: 3 items, failing: False"
    hits = [line for line in lines if line.startswith("hit: ")]
    assert "hit: Court hears case of former vice president | court" in hits
    assert "hit: Rain expected across the region this weekend | rain" in hits
    assert lines[-2:] == ["line 0: ['«Temporary protected status» ends for Hondurans']", "line 1: []"]
    assert (tmp_path / "watch" / "news.db").exists()


def test_check_returns_located_problems_instead_of_raising(tmp_path):
    cfg = tmp_path / "newswatch.toml"
    cfg.write_text('[[rules]]\nname = "r"\nquery = "a AND (b"\n', encoding="utf-8")
    problems = app.check(cfg)
    assert [(p.line, p.key) for p in problems] == [(3, "rules.r.query")]
    cfg.write_text('[[sources]]\nname = "a"\nurl = "ftp://x"\n', encoding="utf-8")
    assert [p.key for p in app.check(cfg)] == ["sources.url"]


def test_rules_match_reports_a_bad_line_and_goes_on():
    lines = ['{"title": "Honduras"}', "not json", "", '["a list"]', '{"title": "nothing here"}']
    out = list(app.rules_match(lines, query="honduras"))
    assert [r["index"] for r in out] == [0, 1, 3, 4]
    assert out[0]["matches"][0]["snippet"] == "«Honduras»"
    assert "Expecting value" in out[1]["error"] and "title" in out[2]["error"]
    assert out[3]["matches"] == []


def test_typed_errors_for_what_is_not_there(tmp_path):
    cfg = tmp_path / "newswatch.toml"
    cfg.write_text('database = "nw.db"\n[[rules]]\nname = "r"\nquery = "honduras"\n', encoding="utf-8")
    with pytest.raises(app.NotFoundError, match="run `newswatch run` first"):
        app.status(cfg)
    with pytest.raises(app.InvalidInput, match="unknown rule 'nope'; configured: r"):
        app.backtest(cfg, rule="nope")
    with pytest.raises(app.RuleSyntaxError):
        app.backtest(cfg, "a AND (b")
    app.init(tmp_path / "new")
    with pytest.raises(app.NewswatchError, match="already exists"):
        app.init(tmp_path / "new")
