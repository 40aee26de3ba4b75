"""Mute and dismiss through the real `newswatch` command: the next alert does not go out.

A local fixture site whose feeds gain entries between two real `newswatch run`s,
a real chat receiver, and the SQLite file the runs write:

- muting a source and a story holds back the alerts already queued at once, and
  the next run stores its alerts for them already muted (nothing is posted),
  while a new story from another source still pings; an expired mute mutes
  nothing;
- dismissing an alert as not relevant keeps its story out of the rule's digest,
  copies from other outlets included; the noise report and the Datasette view
  count it, with who and why.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import sqlite_utils
from conftest import write_config

from newswatch.browse import datasette_metadata, make_datasette
from newswatch.config import load
from newswatch.demo.sinks import ChatSink

TPS_RULE = """
[[rules]]
name = "tps"
query = '"temporary protected status" OR =TPS'
notify = ["team"]
"""


def _feed(outlet: str, titles: list[str]) -> str:
    items = "".join(
        f"<item><title>{title}</title><link>{{{{BASE}}}}/{outlet}/{n}.html</link><guid>{outlet}-{n}</guid>"
        f"<pubDate>Mon, 0{n + 1} Jan 2018 15:00:00 GMT</pubDate><description>{title}.</description></item>"
        for n, title in enumerate(titles)
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{outlet}</title>'
            f"<link>{{{{BASE}}}}/</link><language>en</language>{items}</channel></rss>")


def _publish(site, outlet: str, titles: list[str]) -> None:
    (site.root / "feeds" / f"{outlet}.xml").write_text(_feed(outlet, titles), encoding="utf-8")


def _config(tmp_path, site, chat, outlets, rules=TPS_RULE):
    return write_config(tmp_path, site.url, None, [(o, f"/feeds/{o}.xml", "en") for o in outlets], rules,
                        extra=("fetch_articles = false\n[notify]\n"
                               f'urls = {{ team = ["{chat.json_url()}"] }}\n'))


def _db(tmp_path):
    return sqlite_utils.Database(tmp_path / "nw.db")


def _item(db, title: str) -> dict:
    [row] = db["items"].rows_where("title = ?", [title])
    return row


def _ago(**delta) -> str:
    return (datetime.now(UTC) - timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%SZ")


A1 = "TPS for Hondurans extended by six months"
B1 = "Judge hears TPS case of Salvadoran families"
A2 = "Hondurans with TPS line up for new work permits"
B3 = "Congress debates a TPS bill for Central Americans"
B4 = "TPS holders rally in Washington"
A3 = "Honduran consulates extend hours for TPS paperwork"


def test_mutes_hold_back_queued_alerts_and_the_next_runs_alerts(tmp_path, site, cli):
    _publish(site, "outlet-a", [A1])
    _publish(site, "outlet-b", [B1])
    _publish(site, "outlet-c", [])
    with ChatSink() as chat:
        cfg = _config(tmp_path, site, chat, ["outlet-a", "outlet-b", "outlet-c"])
        first = cli("run", "-c", str(cfg), "--no-alerts")
        assert first.returncode == 0, first.stdout + first.stderr
        db = _db(tmp_path)
        b1 = _item(db, B1)

        by_source = cli("alerts", "mute", "-c", str(cfg), "--source", "outlet-a", "--for", "7d",
                        "--reason", "paywalled, we read it elsewhere")
        assert by_source.returncode == 0, by_source.stdout + by_source.stderr
        assert "Muted source outlet-a until " in by_source.stdout and "1 unsent alert held back" in by_source.stdout
        by_story = cli("alerts", "mute", "-c", str(cfg), "--story", b1["id"], "--by", "ana")
        assert by_story.returncode == 0, by_story.stdout + by_story.stderr
        assert {a["status"] for a in db["alerts"].rows} == {"muted"}  # at once, before any delivery

        sent = cli("alerts", "send", "-c", str(cfg))
        assert sent.returncode == 0 and "0 sent" in sent.stdout, sent.stdout + sent.stderr

        # The next run: a new item of the muted source, a copy of the muted story on
        # another outlet, and a new story.
        _publish(site, "outlet-a", [A1, A2])
        _publish(site, "outlet-b", [B1, B3])
        _publish(site, "outlet-c", [B1])
        second = cli("run", "-c", str(cfg), "--all")
        assert second.returncode == 0, second.stdout + second.stderr
        assert "3 alerts queued (2 held back by mutes), 1 sent" in " ".join(second.stdout.split())
        assert chat.wait_for(1)
        [post] = chat.posts
        assert B3 in post.body["title"] + post.body["message"]

        copy = next(db["items"].rows_where("source = 'outlet-c'"))
        assert copy["cluster_id"] == b1["cluster_id"]  # the copy is the same story
        status = {r["title"]: (r["status"], r["mute_id"]) for r in db.query(
            "select i.title, a.status, a.mute_id from alerts a join items i on i.id = a.item_id")}
        mutes = {m["scope"]: m for m in db["mutes"].rows}
        assert status[A2] == ("muted", mutes["source"]["id"])
        assert status[B3][0] == "sent"
        assert sorted(v for t, v in status.items() if t == B1) == [("muted", mutes["story"]["id"])]
        copy_alert = next(db["alerts"].rows_where("item_id = ?", [copy["id"]]))
        assert (copy_alert["status"], copy_alert["mute_id"]) == ("muted", mutes["story"]["id"])
        assert (mutes["story"]["who"], mutes["source"]["why"]) == ("ana", "paywalled, we read it elsewhere")
        assert mutes["source"]["expires_at"] > mutes["source"]["created_at"] and mutes["story"]["expires_at"] is None

        # A mute that has expired mutes nothing: outlet-b muted for an hour, two hours ago;
        # and a mute ended by `unmute` neither: outlet-a's.
        gone = cli("alerts", "mute", "-c", str(cfg), "--source", "outlet-b", "--for", "1h",
                   env={"NEWSWATCH_NOW": _ago(hours=2)})
        assert gone.returncode == 0, gone.stdout + gone.stderr
        ended = cli("alerts", "unmute", "-c", str(cfg), str(mutes["source"]["id"]))
        assert ended.returncode == 0 and "(source outlet-a) ended" in ended.stdout, ended.stdout + ended.stderr
        again = cli("alerts", "unmute", "-c", str(cfg), str(mutes["source"]["id"]))
        assert again.returncode == 1 and f"no live mute {mutes['source']['id']}" in again.stderr
        _publish(site, "outlet-a", [A1, A2, A3])
        _publish(site, "outlet-b", [B1, B3, B4])
        third = cli("run", "-c", str(cfg), "--all")
        assert third.returncode == 0, third.stdout + third.stderr
        assert chat.wait_for(3)
        later_posts = sorted(p.body["title"] + p.body["message"] for p in chat.posts[1:])
        assert len(later_posts) == 2 and A3 in later_posts[0] + later_posts[1] and B4 in later_posts[0] + later_posts[1]
        # What the mute held back while it lasted stays held back.
        assert status[A1] == ("muted", mutes["source"]["id"])

    listing = cli("alerts", "list", "-c", str(cfg), "--status", "muted", env={"COLUMNS": "80"})
    assert listing.returncode == 0, listing.stdout + listing.stderr
    lines = listing.stdout.splitlines()
    assert lines[0].startswith("Muted alerts, newest first")
    assert sum(line.startswith("#") and " muted, created " in line for line in lines) == 4
    assert f"    muted (source outlet-a, mute {mutes['source']['id']}) by " in listing.stdout and ": paywalled, we read it elsewhere" in listing.stdout
    assert f"    muted (story {b1['cluster_id']}, mute {mutes['story']['id']}) by ana " in listing.stdout
    rows = json.loads(cli("alerts", "list", "-c", str(cfg), "--status", "muted", "--json").stdout)
    assert sorted(r["title"] for r in rows) == sorted([A1, A2, B1, B1])
    assert {r["muted"]["scope"] for r in rows} == {"source", "story"}


def test_a_missing_item_or_two_targets_at_once_is_refused(tmp_path, site, cli):
    _publish(site, "outlet-a", [A1])
    with ChatSink() as chat:
        cfg = _config(tmp_path, site, chat, ["outlet-a"])
        assert cli("run", "-c", str(cfg), "--no-alerts").returncode == 0
    missing = cli("alerts", "mute", "-c", str(cfg), "0123456789abcdef")
    assert missing.returncode == 1 and "no item '0123456789abcdef'" in missing.stderr
    both = cli("alerts", "mute", "-c", str(cfg), "--source", "outlet-a", "--story", "x")
    assert both.returncode == 2 and "mute one thing" in both.stderr
    unknown = cli("alerts", "mute", "-c", str(cfg), "--source", "outlet-z")
    assert unknown.returncode == 1 and "no source 'outlet-z'" in unknown.stderr
    no_alert = cli("alerts", "dismiss", "-c", str(cfg), "99")
    assert no_alert.returncode == 1 and "no alert 99" in no_alert.stderr
    # By link works as well as by id; nothing was muted by the refusals above.
    by_link = cli("alerts", "mute", "-c", str(cfg), f"{site.url}/outlet-a/0.html")
    assert by_link.returncode == 0, by_link.stdout + by_link.stderr
    assert [m["scope"] for m in _db(tmp_path)["mutes"].rows] == ["item"]
    assert {a["status"] for a in _db(tmp_path)["alerts"].rows} == {"muted"}


DIGEST_RULES = """
[[rules]]
name = "tps"
query = '"temporary protected status" OR =TPS'
notify = ["team"]
mode = "both"
digest = "hourly"

[[rules]]
name = "quiet"
query = 'zzzunmatched'
notify = ["team"]
"""

NEPAL = "TPS for Nepalis ends, DHS says"
HONDURAS = "TPS decision for Hondurans delayed again"


def test_dismiss_keeps_the_story_out_of_the_rules_digest_and_counts_as_noise(tmp_path, site, cli):
    _publish(site, "outlet-a", [NEPAL])
    _publish(site, "outlet-b", [])
    with ChatSink() as chat:
        cfg = _config(tmp_path, site, chat, ["outlet-a", "outlet-b"], DIGEST_RULES)
        first = cli("run", "-c", str(cfg))
        assert first.returncode == 0, first.stdout + first.stderr
        assert chat.wait_for(1)
        db = _db(tmp_path)
        [ping] = db["alerts"].rows_where("mode = 'immediate' and status = 'sent'")

        dismissed = cli("alerts", "dismiss", "-c", str(cfg), str(ping["id"]), "--reason", "Nepal, not the region",
                        "--by", "ana")
        assert dismissed.returncode == 0, dismissed.stdout + dismissed.stderr
        assert f"Alert {ping['id']} marked not relevant for rule tps by ana" in dismissed.stdout
        assert "1 more of its alerts held back" in dismissed.stdout  # its digest row

        # Next run: a copy of the dismissed story on another outlet, and a story that matters.
        _publish(site, "outlet-b", [NEPAL, HONDURAS])
        second = cli("run", "-c", str(cfg), "--all")
        assert second.returncode == 0, second.stdout + second.stderr
        assert "3 alerts queued (2 held back by mutes), 1 sent" in " ".join(second.stdout.split())
        assert chat.wait_for(2)
        later = (datetime.now(UTC) + timedelta(hours=1, minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        digest = cli("alerts", "send", "-c", str(cfg), "--digest", "--now", later)
        assert digest.returncode == 0, digest.stdout + digest.stderr
        assert chat.wait_for(3)
        posts = [p.body["title"] + "\n" + p.body["message"] for p in chat.posts]
        assert len(posts) == 3
        assert HONDURAS in posts[1] and HONDURAS in posts[2]  # its ping, then the digest
        assert not any(NEPAL in p for p in posts[1:]), posts  # neither the copy nor the digest

    copy = next(db["items"].rows_where("source = 'outlet-b' and title = ?", [NEPAL]))
    assert {a["status"] for a in db["alerts"].rows_where("item_id = ?", [copy["id"]])} == {"dismissed"}
    [view] = db["dismissed_items"].rows
    assert (view["rule"], view["title"], view["who"], view["why"]) == ("tps", NEPAL, "ana", "Nepal, not the region")
    assert view["alerts_held_back"] == 3  # its ping, its digest row, the copy's digest row
    meta = datasette_metadata(load(cfg, check_env=False))
    tables = next(iter(meta["databases"].values()))["tables"]
    assert "not relevant" in tables["dismissed_items"]["description"]
    assert "rule" in tables["dismissed_items"]["facets"]
    # In Datasette itself: the view with its description, faceted by rule.
    ds = make_datasette(load(cfg, check_env=False))
    page = asyncio.run(ds.client.get("/nw/dismissed_items"))
    assert page.status_code == 200 and "Dismissed as not relevant, per rule" in page.text
    data = asyncio.run(ds.client.get("/nw/dismissed_items.json?_shape=objects&_extra=facet_results")).json()
    assert [(r["rule"], r["title"], r["why"]) for r in data["rows"]] == [("tps", NEPAL, "Nepal, not the region")]
    facets = data["facet_results"]
    facets = facets.get("results", facets)
    assert [(v["value"], v["count"]) for v in facets["rule"]["results"]] == [("tps", 1)]

    listing = cli("alerts", "list", "-c", str(cfg), "--status", "dismissed", env={"COLUMNS": "80"})
    assert f"#{ping['id']} dismissed, sent " in listing.stdout
    assert "    not relevant by ana " in listing.stdout and ": Nepal, not the region" in listing.stdout

    report = json.loads(cli("alerts", "report", "-c", str(cfg), "--json").stdout)
    assert report[0] == {"rule": "tps", "sent": 2, "dismissed": 1, "alerted": 2, "share": 0.5, "muted": 0}
    assert report[1] == {"rule": "quiet", "sent": 0, "dismissed": 0, "alerted": 0, "share": 0.0, "muted": 0}
    text = cli("alerts", "report", "-c", str(cfg), env={"COLUMNS": "80"}).stdout.splitlines()
    assert text[1] == "  tps: 1 of 2 alerted items dismissed (50%); 2 sent, 0 muted"
