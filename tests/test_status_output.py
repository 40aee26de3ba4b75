"""`newswatch status` and `newswatch alerts list` as cron mail and journalctl show them.

The real command against a local site and chat receiver, read at 80 columns
(COLUMNS=80, and with no terminal and no COLUMNS at all): every line fits,
source names are whole on their line, titles take at most two lines, times
are in the configured zone with its offset. `--json` parses into the
documented shape; `status` exits 1 while a source is failing or an alert is
dead, 0 otherwise; a sent alert shows no old error and no retry time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from conftest import write_config

from newswatch.demo.sinks import ChatSink, free_port

LONG_NAME = "contracorriente-honduras"
LONG_TITLE = ("Honduran families wait for a decision on temporary protected status as the deadline "
              "nears and lawyers in Tegucigalpa and Houston prepare challenges in federal court")
RULES = """
[[rules]]
name = "tps-decisions"
query = '"temporary protected status" OR =TPS'
notify = ["team"]
"""


def _feed(outlet: str, entries: list[tuple[str, str]]) -> str:
    items = "".join(
        f"<item><title>{title}</title><link>{{{{BASE}}}}/{outlet}/{slug}.html</link>"
        f"<guid>{outlet}-{slug}</guid><pubDate>Mon, 08 Jan 2018 15:00:00 GMT</pubDate>"
        f"<description>{title}.</description></item>"
        for title, slug in entries
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{outlet}</title>'
            f"<link>{{{{BASE}}}}/</link><language>en</language>{items}</channel></rss>")


def later(**delta) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%SZ")


def run80(*args: str, columns: str | None = "80") -> subprocess.CompletedProcess:
    """The real command with COLUMNS=80, or (None) with no COLUMNS and no terminal at all."""
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    env["NO_COLOR"] = "1"
    if columns:
        env["COLUMNS"] = columns
    return subprocess.run([sys.executable, "-m", "newswatch.cli", *args], env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=120)


def assert_fits_80(text: str) -> list[str]:
    lines = text.splitlines()
    assert lines, "no output"
    too_wide = [line for line in lines if len(line) > 80]
    assert too_wide == [], too_wide
    # No line is a lone word of a title cut up (the rich table showed "TPS", "for", "Hondu…").
    assert not any("…" in line and len(line.strip()) < 20 for line in lines), text
    return lines


@pytest.fixture
def failing_site(tmp_path, site):
    """A healthy 'wire' feed with a long headline, and a source of a long name whose feed is missing (404)."""
    (site.root / "feeds" / "wire80.xml").write_text(_feed("wire80", [(LONG_TITLE, "tps-wait")]), encoding="utf-8")
    return site


def test_status_and_alerts_list_at_80_columns_with_a_failing_source_and_a_dead_alert(tmp_path, failing_site):
    site = failing_site
    dead_port = free_port()  # no chat receiver listens: the alert dies at its one attempt
    cfg = write_config(
        tmp_path, site.url, None,
        [("wire80", "/feeds/wire80.xml", "en"), (LONG_NAME, "/nowhere/feed.xml", "es")], RULES,
        extra=("fetch_articles = false\n[notify]\ntimezone = \"America/Guatemala\"\nmax_attempts = 1\n"
               f'urls = {{ team = ["json://127.0.0.1:{dead_port}/hook"] }}\n'))
    for _ in range(3):  # three failures in a row: the source counts as failing
        ran = run80("run", "-c", str(cfg), "--all")
        assert ran.returncode == 1, ran.stdout + ran.stderr

    for columns in ("80", None):
        status = run80("status", "-c", str(cfg), columns=columns)
        assert status.returncode == 1, status.stdout + status.stderr  # failing source, dead alert
        lines = assert_fits_80(status.stdout)
        assert "Times in America/Guatemala (UTC-06:00)." in lines
        assert f"  {LONG_NAME} (feed): FAILING, 3 failed fetches in a row" in lines
        assert any(line.startswith("    error: http://") and line.endswith("/nowhere/feed.xml: HTTP 404")
                   for line in lines), lines
        assert "  wire80 (feed): ok" in lines
        assert any(line.startswith("    last ok ") and line.endswith("-06:00") for line in lines), lines
        dead = [line for line in lines if line.startswith("  dead: alert 1 (tps-decisions -> team)")]
        assert dead, status.stdout
        assert "1 dead" in lines[0]
        assert not any("Z" in line.split("newest ")[-1] for line in lines if "newest " in line)

        listing = run80("alerts", "list", "-c", str(cfg), columns=columns)
        assert listing.returncode == 0, listing.stdout + listing.stderr
        lines = assert_fits_80(listing.stdout)
        assert lines[0] == "Alerts, newest first; times in America/Guatemala (UTC-06:00)"
        head = lines[1]
        assert head.startswith("#1 dead, created ") and head.endswith(" -06:00: tps-decisions -> team"), head
        # The long title: two lines at most, the second shortened with an ellipsis.
        assert lines[2].startswith("    Honduran families wait") and lines[3].endswith("…")
        assert lines[4].startswith("    wire80; item ") and lines[4].endswith("; immediate, 1 attempt")
        assert lines[5].startswith("    error: ") and f"127.0.0.1:{dead_port}" in lines[5]
        assert len(lines) == 8 and lines[7].endswith("…")  # Apprise's long error: three lines

    as_json = run80("status", "-c", str(cfg), "--json")
    assert as_json.returncode == 1
    doc = json.loads(as_json.stdout)
    assert (doc["ok"], doc["exit_code"], doc["timezone"]) == (False, 1, "America/Guatemala")
    by_name = {s["name"]: s for s in doc["sources"]}
    assert by_name[LONG_NAME]["failing"] is True and by_name[LONG_NAME]["error_streak"] == 3
    assert by_name["wire80"]["failing"] is False and by_name["wire80"]["last_error"] is None
    assert by_name["wire80"]["last_ok_at"].endswith("-06:00")
    assert doc["alerts"]["dead"] == 1 and [a["id"] for a in doc["dead"]] == [1]
    assert doc["runs"][0]["sources_failed"] == 1 and doc["runs"][0]["started_at"].endswith("-06:00")

    listed = json.loads(run80("alerts", "list", "-c", str(cfg), "--json").stdout)
    assert [(a["id"], a["status"], a["source"], a["title"]) for a in listed] == [(1, "dead", "wire80", LONG_TITLE)]
    assert listed[0]["created_at"].endswith("-06:00") and "Connection refused" in listed[0]["last_error"]


def test_a_sent_alert_shows_no_old_error_and_status_exits_0_when_all_is_well(tmp_path, site):
    (site.root / "feeds" / "wire80.xml").write_text(_feed("wire80", [(LONG_TITLE, "tps-wait")]), encoding="utf-8")
    with ChatSink(fail_with=500) as chat:
        cfg = write_config(tmp_path, site.url, None, [("wire80", "/feeds/wire80.xml", "en")], RULES,
                           extra=("fetch_articles = false\n[notify]\ntimezone = \"Europe/Madrid\"\n"
                                  f'urls = {{ team = ["{chat.json_url()}"] }}\n'))
        ran = run80("run", "-c", str(cfg))
        assert ran.returncode == 1, ran.stdout + ran.stderr  # the chat receiver answered 500
        failed = run80("alerts", "list", "-c", str(cfg))
        assert "    error: " in failed.stdout and "    next try " in failed.stdout
        assert run80("status", "-c", str(cfg)).returncode == 0  # failed, not dead: it will retry

        chat.fail_with = None
        sent = run80("alerts", "send", "-c", str(cfg), "--now", later(minutes=2))
        assert sent.returncode == 0 and "1 sent" in sent.stdout, sent.stdout + sent.stderr
        assert chat.wait_for(1)

    listing = run80("alerts", "list", "-c", str(cfg), "--status", "sent")
    lines = assert_fits_80(listing.stdout)
    assert lines[1].startswith("#1 sent ") and lines[1].endswith(": tps-decisions -> team")
    assert lines[1][24:31] in (" +01:00", " +02:00"), lines[1]  # Madrid, winter or summer
    assert lines[4].startswith("    wire80; item ") and lines[4].endswith("; immediate")
    assert not any("error" in line or "next try" in line for line in lines), listing.stdout
    [row] = json.loads(run80("alerts", "list", "-c", str(cfg), "--json").stdout)
    assert (row["status"], row["last_error"], row["next_attempt_at"]) == ("sent", None, None)
    assert row["sent_at"].endswith(("+01:00", "+02:00"))

    status = run80("status", "-c", str(cfg))
    assert status.returncode == 0, status.stdout + status.stderr
    assert_fits_80(status.stdout)
    doc = json.loads(run80("status", "-c", str(cfg), "--json").stdout)
    assert (doc["ok"], doc["exit_code"], doc["alerts"]["sent"]) == (True, 0, 1)
