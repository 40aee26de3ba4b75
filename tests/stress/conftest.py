"""tests/stress: the long reliability cases, run by `make stress` (NEWSWATCH_STRESS=1), skipped by `make test`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# The shared helpers (hostile_server, measure, test_faults) live one folder up; bench_load in benchmarks/.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "stress: a long reliability case, run by `make stress`")


def pytest_collection_modifyitems(config, items) -> None:
    here = Path(__file__).parent
    skip = pytest.mark.skip(reason="long reliability case: run `make stress`")
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker("stress")
            if not os.environ.get("NEWSWATCH_STRESS"):
                item.add_marker(skip)
