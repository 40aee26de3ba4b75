"""Twenty SIGKILLs of `newswatch run` at random moments (tests/test_faults.py does four).

Set NEWSWATCH_KILL_SEED to replay a campaign; the seed in use is printed.
"""

from __future__ import annotations

import os
import random
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
from test_faults import kill_campaign


@pytest.mark.timeout(1200)
def test_twenty_kills_leave_a_sound_database_and_lose_nothing(tmp_path):
    seed = int(os.environ.get("NEWSWATCH_KILL_SEED") or random.randrange(1, 10**6))
    print(f"\nNEWSWATCH_KILL_SEED={seed}")
    report = kill_campaign(tmp_path, kills=20, feeds=40, per_generation=25, seed=seed)
    assert len(report.kills) >= 15, report  # most kills land while the run is still going
    assert report.max_rss_mb < RSS_LIMIT_MB
    print(f"20 rounds: killed at {report.kills} s, {report.finished_first} finished first; "
          f"a full run takes {report.full_run_s:.1f} s; peak RSS {report.max_rss_mb:.0f} MB")
