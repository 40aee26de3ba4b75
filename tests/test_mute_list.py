"""What is muted, and taking a mark back, through the real `newswatch` command.

A local fixture site, a real chat receiver and the SQLite file the runs write:

- `alerts mutes` lists the mutes and not-relevant marks in force at 80
  columns: what each holds back (the item's or story's title, the source's
  display name), until when, who, when, why; an expired or ended mute only
  with --all; --json for monitors;
- `alerts undismiss` takes a not-relevant mark back: the row stays with who
  withdrew it and when, the noise report and the Datasette view stop counting
  it, and the rule's next alert for the story goes out again;
- `status` and `alerts list` name outlets by their display name (the
  source's `title`, else the feed's own title, else the slug);
- a database written before m012 keeps its marks, and they can be taken back.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import sqlite_utils
from conftest import write_config

from newswatch.demo.sinks import ChatSink

RULES = """
[[rules]]
name = "tps"
query = '"temporary protected status" OR =TPS'
notify = ["team"]
mode = "both"
digest = "hourly"
"""

NEPAL = "TPS for Nepalis ends, DHS says"
HONDURAS = "TPS decision for Hondurans delayed again, leaving thousands of families in Tegucigalpa waiting"
SALVADOR = "Salvadoran TPS holders file suit"
#: outlet-a's `title` in the config; outlet-b has none, so its feed's own title is used.
TITLE_A = "Agencia Centroamericana de Noticias y Análisis"
FEED_TITLE_B = "Diario del Valle de Sula"


def _feed(outlet: str, channel: str, titles: list[str]) -> str:
    items = "".join(
        f"<item><title>{title}</title><link>{{{{BASE}}}}/{outlet}/{n}.html</link><guid>{outlet}-{n}</guid>"
        f"<pubDate>Mon, 0{n + 1} Jan 2018 15:00:00 GMT</pubDate><description>{title}.</description></item>"
        for n, title in enumerate(titles)
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{channel}</title>'
            f"<link>{{{{BASE}}}}/</link><language>en</language>{items}</channel></rss>")


def _publish(site, outlet: str, titles: list[str]) -> None:
    channel = FEED_TITLE_B if outlet == "outlet-b" else outlet
    (site.root / "feeds" / f"{outlet}.xml").write_text(_feed(outlet, channel, titles), encoding="utf-8")


def _config(tmp_path, site, chat, outlets):
    cfg = write_config(tmp_path, site.url, None, [(o, f"/feeds/{o}.xml", "en") for o in outlets], RULES,
                       extra=("fetch_articles = false\n[notify]\ntimezone = \"America/Guatemala\"\n"
                              f'urls = {{ team = ["{chat.json_url()}"] }}\n'))
    text = cfg.read_text(encoding="utf-8").replace('name = "outlet-a"\n',
                                                   f'name = "outlet-a"\ntitle = "{TITLE_A}"\n')
    cfg.write_text(text, encoding="utf-8")
    return cfg


def _utc(**delta) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ok(result):
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _fits_80(text: str) -> list[str]:
    lines = text.splitlines()
    assert lines and [line for line in lines if len(line) > 80] == []
    return lines


def test_mutes_lists_what_is_held_back_until_when_and_by_whom(tmp_path, site, cli):
    _publish(site, "outlet-a", [NEPAL])
    _publish(site, "outlet-b", [HONDURAS])
    with ChatSink() as chat:
        cfg = _config(tmp_path, site, chat, ["outlet-a", "outlet-b"])
        _ok(cli("run", "-c", str(cfg), "--no-alerts"))
        db = sqlite_utils.Database(tmp_path / "nw.db")
        honduras = next(db["items"].rows_where("title = ?", [HONDURAS]))
        muted = _ok(cli("alerts", "mute", "-c", str(cfg), "--source", "outlet-a", "--for", "7d",
                        "--reason", "paywalled, we read it elsewhere", "--by", "ana"))
        assert f"Muted source outlet-a ({TITLE_A}) until " in " ".join(muted.split())
        _ok(cli("alerts", "mute", "-c", str(cfg), "--story", honduras["id"], "--by", "luis"))
        # Muted for an hour, two hours ago: expired.
        _ok(cli("alerts", "mute", "-c", str(cfg), honduras["id"], "--for", "1h", "--by", "ana",
                env={"NEWSWATCH_NOW": _utc(hours=-2)}))
        [ping] = db["alerts"].rows_where("mode = 'immediate' and item_id = ?", [honduras["id"]])
        _ok(cli("alerts", "dismiss", "-c", str(cfg), str(ping["id"]), "--by", "luis",
                "--reason", "old news"))

    listing = _ok(cli("alerts", "mutes", "-c", str(cfg), env={"COLUMNS": "80"}))
    lines = _fits_80(listing)
    assert lines[0] == "Mutes and not-relevant marks in force; times in America/Guatemala (UTC-06:00)"
    mutes = {(m["kind"], m["scope"]): m for m in db["mutes"].rows}
    source, story = mutes[("mute", "source")], mutes[("mute", "story")]
    # Newest first: the mark, the story mute, the source mute; the expired item mute is not shown.
    heads = [line for line in lines if not line.startswith(" ")]
    assert heads[1:] == [
        f"Alert #{ping['id']} not relevant for rule tps (story {honduras['cluster_id']}), until withdrawn",
        f"Mute {story['id']}: story {honduras['cluster_id']}, until further notice",
        heads[3],
        "1 ended one not shown: --all shows them.",
    ]
    assert heads[3].startswith(f"Mute {source['id']}: source outlet-a, until 20") and heads[3].endswith("-06:00")
    block = lines[lines.index(heads[3]):]
    assert block[1] == f"    {TITLE_A}"  # the source's display name
    # Both alerts of outlet-a's item (its ping and its digest row); the reason wraps.
    assert block[2].startswith("    by ana 20") and block[2].endswith(
        "-06:00, 2 alerts held back: paywalled, we read it")
    assert block[3] == "      elsewhere"
    # The story's and the mark's item: its title, on two lines at most.
    assert sum(line == "    TPS decision for Hondurans delayed again, leaving thousands of families in"
               for line in lines) == 2
    assert any(line.endswith(", 1 alert held back: old news") for line in lines)

    everything = _fits_80(_ok(cli("alerts", "mutes", "-c", str(cfg), "--all", env={"COLUMNS": "80"})))
    assert everything[0] == "All mutes and not-relevant marks; times in America/Guatemala (UTC-06:00)"
    expired = [line for line in everything if line.startswith(f"Mute {mutes[('mute', 'item')]['id']}: item ")]
    assert len(expired) == 1 and ", expired 20" in expired[0], everything

    # Ending a mute keeps it, with who ended it: --all shows it, the default list no more.
    ended = _ok(cli("alerts", "unmute", "-c", str(cfg), str(source["id"]), "--by", "bob"))
    assert f"Mute {source['id']} (source outlet-a) ended by bob" in ended
    rows = json.loads(_ok(cli("alerts", "mutes", "-c", str(cfg), "--json")))
    assert [(r["kind"], r["scope"]) for r in rows] == [("dismiss", "story"), ("mute", "story")]
    assert rows[0]["title"] == rows[1]["title"] == HONDURAS
    assert (rows[0]["rule"], rows[0]["alert_id"], rows[0]["why"], rows[0]["who"]) == (
        "tps", ping["id"], "old news", "luis")
    assert rows[0]["live"] and rows[0]["expires_at"] is None and rows[0]["withdrawn_at"] is None
    assert rows[0]["created_at"].endswith("-06:00")
    rows = json.loads(_ok(cli("alerts", "mutes", "-c", str(cfg), "--json", "--all")))
    by_id = {r["id"]: r for r in rows}
    assert (by_id[source["id"]]["title"], by_id[source["id"]]["withdrawn_by"]) == (TITLE_A, "bob")
    assert not by_id[source["id"]]["live"] and by_id[source["id"]]["withdrawn_at"].endswith("-06:00")
    # The planned end is kept beside the early one.
    assert by_id[source["id"]]["expires_at"] > by_id[source["id"]]["withdrawn_at"]
    assert [r["live"] for r in rows].count(False) == 2  # the ended and the expired mute
    text = _ok(cli("alerts", "mutes", "-c", str(cfg), "--all", env={"COLUMNS": "80"}))
    assert f"Mute {source['id']}: source outlet-a, ended by bob 20" in text


def test_undismiss_keeps_the_mark_as_withdrawn_and_the_next_alert_goes_out(tmp_path, site, cli):
    _publish(site, "outlet-a", [NEPAL])
    _publish(site, "outlet-b", [])
    with ChatSink() as chat:
        cfg = _config(tmp_path, site, chat, ["outlet-a", "outlet-b"])
        _ok(cli("run", "-c", str(cfg)))
        assert chat.wait_for(1)
        db = sqlite_utils.Database(tmp_path / "nw.db")
        [ping] = db["alerts"].rows_where("mode = 'immediate' and status = 'sent'")
        _ok(cli("alerts", "dismiss", "-c", str(cfg), str(ping["id"]), "--by", "ana", "--reason", "wrong one"))
        report = json.loads(_ok(cli("alerts", "report", "-c", str(cfg), "--json")))
        assert (report[0]["dismissed"], report[0]["share"]) == (1, 1.0)

        taken_back = _ok(cli("alerts", "undismiss", "-c", str(cfg), str(ping["id"]), "--by", "bob"))
        assert f"Alert {ping['id']}: not-relevant mark for rule tps withdrawn by bob" in " ".join(taken_back.split())
        again = cli("alerts", "undismiss", "-c", str(cfg), str(ping["id"]))
        assert again.returncode == 1 and f"alert {ping['id']} is not marked not relevant" in again.stderr

        # The history stays; the alert is a sent one again; nothing counts it as noise.
        [mark] = db["mutes"].rows
        assert (mark["kind"], mark["who"], mark["why"], mark["withdrawn_by"]) == ("dismiss", "ana", "wrong one", "bob")
        assert mark["withdrawn_at"] >= mark["created_at"]
        again_sent = db["alerts"].get(ping["id"])
        assert (again_sent["status"], again_sent["sent_at"]) == ("sent", ping["sent_at"])
        report = json.loads(_ok(cli("alerts", "report", "-c", str(cfg), "--json")))
        assert report[0] == {"rule": "tps", "sent": 1, "dismissed": 0, "alerted": 1, "share": 0.0, "muted": 0}
        assert list(db["dismissed_items"].rows) == []
        assert "Nothing is muted or marked not relevant (1 ended one: --all shows them)." in " ".join(
            _ok(cli("alerts", "mutes", "-c", str(cfg))).split())
        withdrawn = " ".join(_ok(cli("alerts", "mutes", "-c", str(cfg), "--all", env={"COLUMNS": "80"})).split())
        assert f"Alert #{ping['id']} not relevant for rule tps" in withdrawn and "withdrawn by bob 20" in withdrawn

        # The next run: a copy of the story on outlet-b. Dismissed, its digest row
        # would be held back (tests/test_mutes.py); withdrawn, the digest carries it.
        _publish(site, "outlet-b", [NEPAL])
        _ok(cli("run", "-c", str(cfg), "--all"))
        copy = next(db["items"].rows_where("source = 'outlet-b'"))
        assert {a["status"] for a in db["alerts"].rows_where("item_id = ?", [copy["id"]])} == {"pending"}
        _ok(cli("alerts", "send", "-c", str(cfg), "--digest", "--now", _utc(hours=1, minutes=1)))
        assert chat.wait_for(2)
        assert NEPAL in chat.posts[-1].body["title"] + chat.posts[-1].body["message"]


def test_status_and_alerts_list_name_outlets_by_their_display_name(tmp_path, site, cli):
    _publish(site, "outlet-a", [NEPAL])
    _publish(site, "outlet-b", [SALVADOR])
    _publish(site, "outlet-c", [])
    with ChatSink() as chat:
        cfg = _config(tmp_path, site, chat, ["outlet-a", "outlet-b", "outlet-c"])
        _ok(cli("run", "-c", str(cfg), "--no-alerts"))

    lines = _fits_80(_ok(cli("status", "-c", str(cfg), env={"COLUMNS": "80"})))
    assert f"  {TITLE_A} (outlet-a, feed): ok" in lines  # the config's title
    assert f"  {FEED_TITLE_B} (outlet-b, feed): ok" in lines  # the feed's own title
    assert "  outlet-c (feed): ok" in lines  # its feed's title is its name
    doc = json.loads(_ok(cli("status", "-c", str(cfg), "--json")))
    assert {s["name"]: s["title"] for s in doc["sources"]} == {
        "outlet-a": TITLE_A, "outlet-b": FEED_TITLE_B, "outlet-c": "outlet-c"}

    listing = _fits_80(_ok(cli("alerts", "list", "-c", str(cfg), env={"COLUMNS": "80"})))
    nepal = next(sqlite_utils.Database(tmp_path / "nw.db")["items"].rows_where("title = ?", [NEPAL]))
    # Too long for one line: the item's number moves whole to the next.
    after = [listing[n + 1] for n, line in enumerate(listing) if line == f"    {TITLE_A} (outlet-a);"]
    assert sorted(after) == [f"      item {nepal['id']}; digest", f"      item {nepal['id']}; immediate"]
    assert any(line.startswith(f"    {FEED_TITLE_B} (outlet-b); item ") for line in listing), listing
    rows = json.loads(_ok(cli("alerts", "list", "-c", str(cfg), "--json")))
    assert {(r["source"], r["source_title"]) for r in rows} == {
        ("outlet-a", TITLE_A), ("outlet-b", FEED_TITLE_B)}


def test_a_database_from_before_withdrawals_keeps_its_marks_and_can_take_them_back(tmp_path):
    from newswatch.storage import open_db, rule_noise, withdraw_dismissal
    from newswatch.storage.schema import migrations

    old = sqlite_utils.Database(tmp_path / "old.db")
    migrations.apply(old, stop_before="m012_mute_withdrawal")  # as the previous newswatch left it
    old["mutes"].insert({"kind": "dismiss", "scope": "story", "target": "c1", "rule": "tps", "alert_id": 7,
                         "item_id": "i1", "who": "ana", "why": "Nepal", "created_at": "2026-12-01T10:00:00Z"})
    old.close()

    db = open_db(tmp_path / "old.db")
    assert [(r["rule"], r["dismissed"]) for r in rule_noise(db)] == [("tps", 1)]
    assert [r["who"] for r in db["dismissed_items"].rows] == ["ana"]
    [mark] = withdraw_dismissal(db, 7, "2026-12-02T10:00:00Z", "bob")
    assert (mark["withdrawn_by"], mark["withdrawn_at"], mark["why"]) == ("bob", "2026-12-02T10:00:00Z", "Nepal")
    assert [(r["rule"], r["dismissed"]) for r in rule_noise(db)] == [("tps", 0)]
    assert list(db["dismissed_items"].rows) == [] and db["mutes"].count == 1
