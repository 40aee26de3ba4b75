"""Load: 1,000 feed sources of 50 entries in one run, 10% slow, 5% failing (benchmarks/bench_load.py)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# The shared helpers (hostile_server, measure, test_faults) live one folder up; bench_load in benchmarks/.
# (No conftest.py here: a second module named conftest would shadow tests/conftest.py for every test.)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

pytestmark = pytest.mark.skipif(not os.environ.get("NEWSWATCH_STRESS"),
                                reason="long reliability case: run `make stress`")

from measure import RSS_LIMIT_MB


@pytest.mark.timeout(1800)
def test_a_thousand_sources_with_slow_and_failing_ones_in_one_run(tmp_path):
    from bench_load import FAILURES, plan, run_load

    behaviour = plan(1000, slow_pct=10, fail_pct=5)
    result = run_load(tmp_path, 1000, 50, 100, behaviour, delay=2.0)
    failing = {f"f{n}" for n, what in behaviour.items() if what in FAILURES}
    assert result.returncode == 1, result.output[-3000:]  # some sources failed: exit 1
    assert "Traceback" not in result.output
    assert set(result.errors) == failing  # each failure recorded on its source, and only those
    assert result.sources_failed == len(failing) == 50
    assert result.items == (1000 - len(failing)) * 50  # every entry of every other feed stored
    assert result.max_rss_mb < RSS_LIMIT_MB, f"peak RSS {result.max_rss_mb:.0f} MB"
    kinds = {what: [e for n, e in result.errors.items() if behaviour[int(n[1:])] == what] for what in FAILURES}
    assert all("HTTP 500" in e for e in kinds["/status/500"]) and all("HTTP 404" in e for e in kinds["/status/404"])
    assert all("timed out after 10 s" in e for e in kinds["/silent.xml"])
    assert all("connection closed before the whole body" in e for e in kinds["/truncated.xml"])
    print(f"\n1,000 sources (100 slow, 50 failing): {result.seconds:.1f} s, {result.rate:,.0f} items/s, "
          f"peak RSS {result.max_rss_mb:.0f} MB")
