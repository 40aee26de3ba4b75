"""Trust audit (issue 13, items 3-5): what a hostile or careless feed server can do to a crawl.

Each test serves the hostile input from tests/hostile_server.py on 127.0.0.1
and runs the real `newswatch run` in a subprocess (tests/measure.py measures
its peak RSS); see docs/reliability.md, "Hostile sources and inputs".
"""

from __future__ import annotations

import gzip
from email.utils import formatdate

import sqlite_utils

import hostile_server as hs
from hostile_server import HostileServer
from measure import RSS_LIMIT_MB, newswatch


def _db(tmp_path) -> sqlite_utils.Database:
    return sqlite_utils.Database(tmp_path / "nw.db")


def _fetches(db, source: str) -> list[dict]:
    return list(db["fetches"].rows_where("source = ?", [source], order_by="id"))


# -- item 3: endless response headers ----------------------------------------------------------

def test_endless_response_headers_are_cut_off_and_reported(tmp_path):
    """A server sending 8 KB header lines forever grew a run to 6 GB in 30 s; now it stops at 64 KB."""
    with HostileServer() as server:
        cfg = hs.one_source_config(tmp_path, "flood", f"{server.url}/header-flood.xml", "timeout = 10",
                                   "retries = 2")
        (tmp_path / "newswatch.toml").write_text(
            cfg.read_text() + f'\n[[sources]]\nname = "ok"\nurl = "{server.url}/ok.xml"\n', encoding="utf-8")
        result = newswatch("run", "-c", str(cfg), timeout=120)
        flood_requests = server.requests.get("/header-flood.xml", 0)
    assert result.returncode == 1, result.output  # one source failed
    assert "Traceback" not in result.output
    assert result.max_rss_mb < RSS_LIMIT_MB, f"peak RSS {result.max_rss_mb:.0f} MB"
    db = _db(tmp_path)
    error = db["sources"].get("flood")["last_error"]
    assert error == f"{server.url}/header-flood.xml: response headers larger than 64 KB; not read"
    assert flood_requests == 1, "the same flood is not asked for again (no retries)"
    assert db["items"].count_where("source = 'ok'") == 3  # the other source is unaffected
