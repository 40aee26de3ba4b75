"""Attention over time end to end: a generated month of items, `newswatch trends` and spike alerts.

A local site serves two generated RSS feeds covering the last 25 days:

- ``wire``: every day one TPS story and two items no rule matches; today
  a surge of eight TPS stories (one of them without a publication date, so
  it is counted on the day it is fetched), and one undated filler;
- ``local``: every day three items no rule matches; a corruption story on
  two days of the month and two today (a jump, but under ``min_items``).

The real ``newswatch run`` stores them, the real ``trends --json`` must give
exact figures (days before the month are zeros, not missing), and the real
chat receiver must get one spike alert for TPS, none for corruption, and
none again on the next run.
"""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlite_utils
from conftest import write_config

from newswatch.app.spikes import find_spikes
from newswatch.browse import desk as desk_module
from newswatch.browse.desk import desk_topics
from newswatch.config import ConfigError, load
from newswatch.demo.server import SiteServer
from newswatch.demo.sinks import ChatSink
from newswatch.storage import open_db

MONTH = 25  # days with items, today included
SURGE = 8  # TPS stories today

RULES = """
[[rules]]
name = "tps-decisions"
topic = "tps"
query = '"temporary protected status"'

[[rules]]
name = "graft"
topic = "corruption"
query = 'embezzlement'
"""

# Words that make each generated story unlike the others, so each is a story of its own.
_WORDS = ("harbor", "orchard", "violin", "glacier", "lantern", "meadow", "copper", "falcon", "saddle",
          "quarry", "thimble", "walnut", "beacon", "cactus", "dolphin", "ember", "fjord", "granite",
          "hammock", "igloo", "jasmine", "kettle", "lagoon", "mosaic", "nutmeg", "oyster", "pepper")


def _entry(source: str, n: int, title: str, body: str, published: datetime | None) -> str:
    date = f"<pubDate>{format_datetime(published)}</pubDate>" if published else ""
    return (f"<item><title>{title}</title><link>{{base}}/{source}/{n}.html</link>"
            f"<guid>{{base}}/{source}/{n}.html</guid>{date}<description>{body}</description></item>")


def _story(kind: str, day: int, k: int) -> tuple[str, str]:
    a, b, c = (_WORDS[(day * 3 + k + i * 7) % len(_WORDS)] for i in range(3))
    if kind == "tps":
        return (f"TPS hearing {day}-{k}: {a} {b} families wait",
                f"Judges heard the {a} case on temporary protected status; {b} and {c} groups "
                f"spoke for families number {day * 10 + k}.")
    if kind == "graft":
        return (f"Mayor charged {day}-{k}: {a} {c} contract",
                f"Prosecutors allege embezzlement in the {a} {c} contract, case {day * 10 + k}.")
    return (f"Weather {kind} {day}-{k}: {a} {b} {c}",
            f"Forecast for the {a} valley: {b} winds and {c} skies, bulletin {day * 10 + k} {kind}.")


def _feed(source: str, entries: list[str], base: str) -> str:
    items = "".join(e.replace("{base}", base) for e in entries)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{source}</title>'
            f"<link>{base}/{source}/</link><description>{source}</description>{items}</channel></rss>")


def _month(root: Path, base: str, today: datetime) -> None:
    """The two feeds: day 0 is today (UTC), day 24 the first day of the month."""
    wire, local = [], []
    midnight = today.replace(hour=0, minute=0, second=0, microsecond=0)
    for day in range(MONTH):
        at = midnight - timedelta(days=day)
        tps = SURGE if day == 0 else 1
        for k in range(tps):
            published = None if (day == 0 and k == SURGE - 1) else at + timedelta(seconds=k)
            wire.append(_entry("wire", len(wire), *_story("tps", day, k), published))
        for k in range(2):
            wire.append(_entry("wire", len(wire), *_story("wire", day, k), at + timedelta(seconds=20 + k)))
        for k in range(3):
            local.append(_entry("local", len(local), *_story("local", day, k), at + timedelta(seconds=30 + k)))
        for k in range(2 if day == 0 else 1 if day in (6, 13) else 0):
            local.append(_entry("local", len(local), *_story("graft", day, k), at + timedelta(seconds=40 + k)))
    wire.append(_entry("wire", len(wire), *_story("wire", 99, 0), None))  # undated, matches nothing
    (root / "feeds").mkdir(parents=True)
    (root / "feeds" / "wire.xml").write_text(_feed("wire", wire, base), encoding="utf-8")
    (root / "feeds" / "local.xml").write_text(_feed("local", local, base), encoding="utf-8")


SPIKES = '[spikes]\nwindow = "14d"\nfactor = 3.0\nmin_items = 5\nnotify = ["team"]\n'


@contextmanager
def _desk(tmp_path, urls: str, rules: str = RULES, notify: str = ""):
    """(config path, site): the generated month served locally, spikes on for tag team."""
    today = datetime.now(UTC)
    # The surge's times must not be in the future, and the test must end on the day it began.
    if (today.hour, today.minute) < (0, 2) or (today.hour, today.minute) >= (23, 58):
        pytest.skip("too close to midnight UTC for a month ending today")
    root = tmp_path / "site"
    root.mkdir()
    with SiteServer(root) as site:
        _month(root, site.url.rstrip("/"), today)
        cfg = write_config(
            tmp_path, site.url, None, [("wire", "/feeds/wire.xml", "en"), ("local", "/feeds/local.xml", "en")],
            rules, extra=f'[notify]\nurls = {{ team = ["{urls}"] }}\ntimezone = "UTC"\n{notify}{SPIKES}')
        (tmp_path / "newswatch.toml").write_text(
            cfg.read_text(encoding="utf-8").replace("[crawl]", "[crawl]\nfetch_articles = false", 1),
            encoding="utf-8")
        yield cfg


@pytest.fixture
def desk(tmp_path):
    """(config path, chat receiver): the generated month served locally, spikes on for tag team."""
    with ChatSink() as chat, _desk(tmp_path, chat.json_url()) as cfg:
        yield cfg, chat


def test_trends_json_figures_are_exact_and_days_without_data_are_zeros(desk, cli):
    cfg, _chat = desk
    assert cli("run", "-c", str(cfg), "--no-alerts").returncode == 0

    result = cli("trends", "-c", str(cfg), "--days", "30", "--json")

    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 30 * 2  # every day of the window, for both topics
    assert all(set(r) == {"day", "key", "stories", "items", "all_items", "share"} for r in rows)
    by = {(r["day"], r["key"]): r for r in rows}
    today = datetime.now(UTC).date()
    for back in range(30):
        day = (today - timedelta(days=back)).isoformat()
        tps, graft = by[day, "tps"], by[day, "corruption"]
        if back >= MONTH:  # before the month: zeros, not missing
            assert tps == {"day": day, "key": "tps", "stories": 0, "items": 0, "all_items": 0, "share": 0.0}
            assert graft["items"] == graft["all_items"] == 0
        elif back == 0:  # the surge; all_items: wire's 8 + 2 + the undated filler
            assert (tps["stories"], tps["items"], tps["all_items"], tps["share"]) == (8, 8, 11, 0.7273)
            assert (graft["stories"], graft["items"], graft["all_items"], graft["share"]) == (2, 2, 5, 0.4)
        else:
            assert (tps["stories"], tps["items"], tps["all_items"], tps["share"]) == (1, 1, 3, 0.3333)
            graft_items = 1 if back in (6, 13) else 0
            assert (graft["stories"], graft["items"], graft["all_items"]) == (
                graft_items, graft_items, 3 + graft_items)
    table = cli("trends", "-c", str(cfg), "--days", "30")
    lines = table.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines)
    tps_line = next(line for line in lines if line.startswith("tps "))
    assert tps_line.split()[1:5] == [str(MONTH - 1 + SURGE), str(MONTH - 1 + SURGE), str(24 * 3 + 11), "38.6%"]  # 32 / 83
    assert tps_line.endswith("·" * 5 + "▁" * 24 + "█")  # 5 empty days, a flat month, the surge
    assert "1 matched item had no publication date: counted on the day fetched." in table.stdout


def test_a_surge_alerts_once_through_the_chat_receiver_and_a_quiet_topic_never(desk, cli):
    cfg, chat = desk

    first = cli("run", "-c", str(cfg))

    assert first.returncode == 0, first.stdout + first.stderr
    assert "1 coverage spike queued" in " ".join(first.stdout.split())
    assert chat.wait_for(1)
    (post,) = chat.posts
    title, message = post.body["title"], post.body["message"]
    today_text = f"{datetime.now(UTC):%a} {datetime.now(UTC).day} {datetime.now(UTC):%b %Y}"
    # It reads as a spike: the count, the usual (the 14 days before: one story a day), the test.
    assert title == f"[tps] Coverage spike: 8 stories on {today_text[4:]} (usually 1 a day)"
    lines = message.splitlines()
    assert lines[0] == f"**Coverage spike: 8 stories about tps on {today_text}** (UTC), usually 1 a day"
    assert "8 stories > 3 × 1 (the daily mean of the 14 days before) and ≥ 5 (the minimum)" in lines
    # The day's top stories, linked, with their outlets; no rule's evidence.
    tops = [line for line in lines if line[:3] in ("1. ", "2. ", "3. ")]
    assert len(tops) == 3 and all(" · wire" in line and "](http://" in line for line in tops)
    assert tops[0].startswith("1. [TPS hearing 0-")
    assert "spike:tps" not in message and "Rule" not in message
    db = sqlite_utils.Database(cfg.parent / "nw.db")
    alerts = list(db.query("select rule, status, cluster_id from alerts"))
    today = datetime.now(UTC).date().isoformat()
    assert alerts == [{"rule": "spike:tps", "status": "sent", "cluster_id": f"spike:tps:{today}"}]

    second = cli("run", "-c", str(cfg), "--all")

    assert second.returncode == 0, second.stdout + second.stderr
    assert "spike" not in second.stdout
    assert not chat.wait_for(2, timeout=1.5)
    assert db.execute("select count(*) from alerts").fetchone()[0] == 1
    # The spike's evidence row is no rule's match: trends does not count it.
    rows = json.loads(cli("trends", "-c", str(cfg), "--days", "1", "--json", "--by", "rule").stdout)
    assert {r["key"]: r["items"] for r in rows} == {"tps-decisions": 8, "graft": 2}


def test_spikes_table_problems_name_file_and_line(tmp_path):
    cfg = tmp_path / "newswatch.toml"
    cfg.write_text('database = "nw.db"\n[spikes]\nwindow = "36h"\nfactor = 0.5\nmin_items = 5\n'
                   'notify = ["team"]\ncolour = "red"\n[spikes.topics.tps]\nmin_items = 0\n', encoding="utf-8")

    with pytest.raises(ConfigError) as caught:
        load(cfg, check_env=False)

    assert str(caught.value).splitlines() == [
        f'{cfg}:3: spikes.window: must be whole days, like "14d", not \'36h\'',
        f"{cfg}:4: spikes.factor: must be a number above 1 (times the daily mean), not 0.5",
        f"{cfg}:7: spikes.colour: unknown setting; valid: window, factor, min_items, notify, topics",
        f"{cfg}:9: spikes.topics.tps.min_items: must be a whole number >= 1 (stories in a day), not 0",
    ]


def test_a_topic_override_raises_its_own_bar(tmp_path):
    cfg = tmp_path / "newswatch.toml"
    cfg.write_text('database = "nw.db"\n[notify]\ntimezone = "UTC"\n'
                   '[spikes]\nnotify = ["team"]\n[spikes.topics.tps]\nfactor = 10.0\n'
                   '[[rules]]\nname = "tps-decisions"\ntopic = "tps"\nquery = "tps"\n'
                   '[[rules]]\nname = "graft"\ntopic = "corruption"\nquery = "graft"\n', encoding="utf-8")
    config = load(cfg, check_env=False)
    db = open_db(config.database)
    db["sources"].insert({"name": "wire", "kind": "feed", "url": "http://w.test/feed"})
    today = date(2026, 12, 1)
    n = 0
    for back in range(15):  # one story a day for each topic, six today
        for topic, rule in (("tps", "tps-decisions"), ("corruption", "graft")):
            for _ in range(6 if back == 0 else 1):
                n += 1
                published = f"{today - timedelta(days=back)}T12:00:00Z"
                db["items"].insert({"id": f"i{n}", "url": f"http://w.test/{n}", "canonical_url": f"http://w.test/{n}",
                                    "published": published, "fetched_at": published, "source": "wire",
                                    "cluster_id": f"c{n}"})
                db["matches"].insert({"item_id": f"i{n}", "rule": rule, "topic": topic})

    spikes = find_spikes(config, db, today=today)

    # 6 > 3 x 1.0 for corruption; tps needs more than 10 x 1.0.
    assert [(s.topic, s.day, s.stories, s.baseline) for s in spikes] == [("corruption", today, 6, 1.0)]


def test_check_names_a_spikes_tag_no_url_carries(tmp_path, cli):
    cfg = tmp_path / "newswatch.toml"
    cfg.write_text('database = "nw.db"\n[notify]\nurls = { team = ["json://127.0.0.1:9/hook"] }\n'
                   '[spikes]\nnotify = ["newsroom"]\n[spikes.topics.tps]\nfactor = 4.0\n', encoding="utf-8")

    result = cli("check", "-c", str(cfg))

    assert result.returncode == 2
    assert (f"{cfg}:4: spikes.notify: no Apprise URL carries the tag 'newsroom'; tags defined: team"
            in result.stderr + result.stdout)
    assert "spikes.topics.tps.notify" not in result.stderr + result.stdout


def test_the_desk_shows_a_spikes_top_story_with_its_rules_evidence_not_the_spike(desk, cli, monkeypatch):
    cfg, chat = desk
    monkeypatch.setattr(desk_module, "LATEST", 20)  # every story of the month's last days
    assert cli("run", "-c", str(cfg)).returncode == 0
    assert chat.wait_for(1)
    db = sqlite_utils.Database(cfg.parent / "nw.db")
    spiked = db.execute("select item_id from alerts where rule = 'spike:tps'").fetchone()[0]

    topics = desk_topics(db, {"tps-decisions": "tps", "graft": "corruption"}, ZoneInfo("UTC"), 30)

    assert [t.key for t in topics] == ["tps", "corruption"]
    assert topics[0].rules == ["tps-decisions"]  # the desk's rule links: no spike:tps
    latest = {story["id"]: story for story in topics[0].latest}
    assert all(story["rule"] == "tps-decisions" for story in latest.values())
    # The spike hangs on its top story's item: that story still shows the rule's evidence.
    assert spiked in latest
    assert "«temporary protected status»" in latest[spiked]["snippet"]


def _today_text() -> str:
    now = datetime.now(UTC)
    return f"{now.day} {now:%b %Y}"


def test_a_spike_mail_reads_as_a_spike_in_html_and_in_its_text_part(tmp_path, smtp, cli):
    with _desk(tmp_path, smtp.url(to="team@example.org")) as cfg:
        run = cli("run", "-c", str(cfg))

    assert run.returncode == 0, run.stdout + run.stderr
    assert smtp.wait_for(1)
    (mail,) = smtp.messages
    assert mail["Subject"] == f"[tps] Coverage spike: 8 stories on {_today_text()} (usually 1 a day)"
    text = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = mail.get_body(("html",)).get_content()
    for body in (text, html):
        assert "8 stories &gt; 3 × 1" in body or "8 stories > 3 × 1" in body
        assert "(the daily mean of the 14 days before) and ≥ 5 (the minimum)" in body
        assert "Top stories of the day" in body and "(UTC)" in body
        assert "Rule" not in body and "spike:tps" not in body
    # Three top stories, each linked in the HTML, every link in our text part too.
    links = re.findall(r'<li><a href="([^"]+)">TPS hearing 0-\d: [^<]+</a> &middot; wire</li>', html)
    assert len(links) == 3 and all(link in text for link in links)
    assert len(re.findall(r"(?m)^\d\. TPS hearing 0-\d: .+ \(wire\)$", text)) == 3


def test_a_tag_over_its_hourly_limit_gets_the_spike_in_its_next_digest(tmp_path, cli):
    graft_to_team = RULES.replace("query = 'embezzlement'", "query = 'embezzlement'\nnotify = [\"team\"]")
    with ChatSink() as chat, _desk(tmp_path, chat.json_url(), graft_to_team, "max_per_hour = 1\n") as cfg:
        run = cli("run", "-c", str(cfg))

        # The oldest corruption story takes the hour's one message; the rest, the spike too, wait.
        assert run.returncode == 0, run.stdout + run.stderr
        assert chat.wait_for(1) and not chat.wait_for(2, timeout=1)
        assert chat.posts[0].body["title"].startswith("[corruption] Mayor charged")
        db = sqlite_utils.Database(cfg.parent / "nw.db")
        assert db.execute("select status from alerts where rule = 'spike:tps'").fetchone() == ("deferred",)

        digest = cli("alerts", "send", "--digest", "-c", str(cfg), "--now", _later(hours=1, minutes=1))

        assert digest.returncode == 0, digest.stdout + digest.stderr
        assert chat.wait_for(2) and not chat.wait_for(3, timeout=1)
    post = chat.posts[1].body
    assert post["title"] == "[corruption, tps] Digest: 1 coverage spike, 3 stories, 3 articles"
    message = post["message"]
    assert message.startswith(
        f"**[tps] Coverage spike: 8 stories on {_today_text()} (usually 1 a day)** (UTC)\n")
    assert len(re.findall(r"(?m)^\d\. \[TPS hearing 0-\d: .+\]\(http://\S+\) · wire$", message)) == 3
    assert message.count("Mayor charged") == 3 and "spike:tps" not in message
    assert db.execute("select status from alerts where rule = 'spike:tps'").fetchone() == ("sent",)


def _later(**delta) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_mutes_and_a_spike_what_docs_alerts_says(desk, cli):
    cfg, chat = desk
    assert cli("run", "-c", str(cfg), "--no-alerts").returncode == 0
    db = sqlite_utils.Database(cfg.parent / "nw.db")
    (spike_id, story), = db.execute("select id, cluster_id from alerts where rule = 'spike:tps'").fetchall()

    # A spike is a topic's day, not a story of the items table: --story does not take it.
    by_story = cli("alerts", "mute", "--story", story, "-c", str(cfg))
    assert by_story.returncode != 0 and f"no story '{story}'" in by_story.stdout + by_story.stderr
    # Muting the outlet of the day's top story holds the spike back (it hangs on that item).
    assert cli("alerts", "mute", "--source", "wire", "-c", str(cfg)).returncode == 0
    send = cli("alerts", "send", "-c", str(cfg))

    assert send.returncode == 0, send.stdout + send.stderr
    assert not chat.wait_for(1, timeout=1.5)
    assert db.execute("select status from alerts where id = ?", [spike_id]).fetchone() == ("muted",)
    # A later run does not queue that day again: one alert per topic and day.
    assert cli("run", "-c", str(cfg), "--all").returncode == 0
    assert db.execute("select count(*) from alerts where rule = 'spike:tps'").fetchone() == (1,)
