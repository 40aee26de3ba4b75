"""Digests: schedules in a time zone, when a digest is due, and what it says.

Delivery goes through real Apprise to a real SMTP server and chat receiver
on 127.0.0.1 (nothing mocked); clocks are fixed by passing ``now``.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from newswatch.demo.sinks import ChatSink, SmtpSink
from newswatch.notifier import build_channels, deliver_digests, deliver_pending, schedules_for
from newswatch.schedule import parse_schedule
from newswatch.storage.digests import digest_overview, open_due_digests
from newswatch.storage.outbox import retry_alert

try:  # tests/ may or may not be a package
    from .notifier_fixtures import add_alert, alert, make_db
except ImportError:
    from notifier_fixtures import add_alert, alert, make_db


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture
def db():
    return make_db()


@pytest.fixture
def smtp():
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def chat():
    with ChatSink() as sink:
        yield sink


class Rule:
    def __init__(self, name: str, mode: str = "digest", digest: str | None = None):
        self.name, self.mode, self.digest = name, mode, digest


DAILY_7 = schedules_for([Rule("tps-decisions", digest="daily 07:00")])


# -- schedules ------------------------------------------------------------------


@pytest.mark.parametrize("text, shown", [
    ("hourly", "hourly UTC"),
    ("daily 07:00", "daily 07:00 UTC"),
    ("Daily 7:05", "daily 07:05 UTC"),
    ("weekly mon 08:30", "weekly mon 08:30 UTC"),
    ("WEEKLY Sunday 23:59", "weekly sun 23:59 UTC"),
])
def test_schedules_parse(text, shown):
    assert str(parse_schedule(text)) == shown


@pytest.mark.parametrize("text, says", [
    ("daily", 'write "hourly", "daily HH:MM" or "weekly DAY HH:MM"'),
    ("daily 24:00", "invalid digest schedule 'daily 24:00'"),
    ("weekly 08:30", "invalid digest schedule"),
    ("weekly someday 08:30", "unknown day 'someday'; use monday ... sunday or mon ... sun"),
    ("every 2h", "invalid digest schedule"),
])
def test_bad_schedules_say_what_is_valid(text, says):
    with pytest.raises(ValueError, match=re.escape(says)):
        parse_schedule(text)


def test_daily_slot_is_local_time_in_the_configured_zone():
    guatemala = parse_schedule("daily 07:00", "America/Guatemala")  # UTC-6, no DST
    assert guatemala.latest_slot(utc("2026-11-28T12:59:00Z")) == utc("2026-11-27T13:00:00Z")
    assert guatemala.latest_slot(utc("2026-11-28T13:00:00Z")) == utc("2026-11-28T13:00:00Z")
    assert guatemala.next_slot(utc("2026-11-28T13:00:00Z")) == utc("2026-11-29T13:00:00Z")


def test_hourly_slots_are_whole_local_hours():
    kolkata = parse_schedule("hourly", "Asia/Kolkata")  # UTC+05:30
    assert kolkata.latest_slot(utc("2026-11-28T07:45:00Z")) == utc("2026-11-28T07:30:00Z")
    assert kolkata.next_slot(utc("2026-11-28T07:45:00Z")) == utc("2026-11-28T08:30:00Z")
    assert parse_schedule("hourly").latest_slot(utc("2026-11-28T07:59:59Z")) == utc("2026-11-28T07:00:00Z")


def test_weekly_slot():
    monday = parse_schedule("weekly mon 08:30")
    saturday = utc("2026-11-28T10:00:00Z")
    assert monday.latest_slot(saturday) == utc("2026-11-23T08:30:00Z")
    assert monday.next_slot(saturday) == utc("2026-11-30T08:30:00Z")
    assert monday.latest_slot(utc("2026-11-30T08:29:00Z")) == utc("2026-11-23T08:30:00Z")
    assert monday.latest_slot(utc("2026-11-30T08:30:00Z")) == utc("2026-11-30T08:30:00Z")


def test_one_daily_slot_per_day_across_daylight_saving_changes():
    madrid = parse_schedule("daily 02:30", "Europe/Madrid")  # 02:30 does not exist on 29 March
    slots = set()
    moment = utc("2026-03-27T00:00:00Z")
    while moment < utc("2026-04-01T00:00:00Z"):
        slots.add(madrid.latest_slot(moment))
        moment += timedelta(minutes=20)
    assert len(slots) == 6  # 26 March (before the first probe) to 31 March
    autumn = parse_schedule("daily 02:30", "Europe/Madrid")  # 02:30 happens twice on 25 October
    assert autumn.latest_slot(utc("2026-10-25T12:00:00Z")) == utc("2026-10-25T00:30:00Z")


# -- when a digest is due ------------------------------------------------------------


def test_an_empty_digest_is_never_opened(db):
    assert open_due_digests(db, DAILY_7, "2026-11-28T07:00:00Z") == []
    assert db["digests"].count == 0


def test_queued_after_the_slot_waits_for_the_next_one(db):
    add_alert(db, 1, mode="digest", created_at="2026-11-27T08:00:00Z")
    assert open_due_digests(db, DAILY_7, "2026-11-27T23:59:00Z") == []
    [digest_id] = open_due_digests(db, DAILY_7, "2026-11-28T07:00:00Z")
    row = db["digests"].get(digest_id)
    assert (row["rule"], row["tag"], row["slot"], row["stories"], row["articles"]) == (
        "tps-decisions", "team", "2026-11-28T07:00:00Z", 1, 1)
    assert open_due_digests(db, DAILY_7, "2026-11-28T07:05:00Z") == []  # one digest per slot


def test_a_digest_missed_while_off_goes_out_once_at_the_next_run(db):
    add_alert(db, 1, mode="digest", created_at="2026-11-23T06:00:00Z")  # Monday
    add_alert(db, 2, mode="digest", created_at="2026-11-24T20:00:00Z")
    # The machine was off from Monday night to Thursday morning.
    opened = open_due_digests(db, DAILY_7, "2026-11-26T10:00:00Z")
    assert len(opened) == 1
    assert db["digests"].get(opened[0])["articles"] == 2


def test_after_a_digest_new_rows_wait_for_the_next_slot(db):
    add_alert(db, 1, mode="digest", created_at="2026-11-27T08:00:00Z")
    assert open_due_digests(db, DAILY_7, "2026-11-28T07:30:00Z")
    # Queued in the same run as that digest, before its slot: still the next day.
    add_alert(db, 2, mode="digest", created_at="2026-11-28T06:59:00Z")
    assert open_due_digests(db, DAILY_7, "2026-11-28T09:00:00Z") == []
    assert open_due_digests(db, DAILY_7, "2026-11-29T07:00:00Z")


def test_digests_are_per_rule_and_tag(db):
    add_alert(db, 1, mode="digest", tag="team", created_at="2026-11-27T08:00:00Z")
    add_alert(db, 2, mode="digest", tag="chat", created_at="2026-11-27T08:00:00Z")
    add_alert(db, 3, mode="digest", rule="aid", created_at="2026-11-27T08:00:00Z")
    schedules = schedules_for([Rule("tps-decisions", digest="daily 07:00"), Rule("aid", digest="hourly")])
    opened = open_due_digests(db, schedules, "2026-11-27T09:00:00Z")
    assert [(d["rule"], d["tag"]) for d in map(db["digests"].get, opened)] == [("aid", "team")]
    opened = open_due_digests(db, schedules, "2026-11-28T07:00:00Z")
    assert sorted((d["rule"], d["tag"]) for d in map(db["digests"].get, opened)) == [
        ("tps-decisions", "chat"), ("tps-decisions", "team")]


def test_overview_says_what_waits_and_when_it_goes(db):
    add_alert(db, 1, mode="digest", created_at="2026-11-27T08:00:00Z")
    [row] = digest_overview(db, DAILY_7, "2026-11-27T09:00:00Z")
    assert (row["rule"], row["waiting"], row["next_due_at"], row["last_sent_at"]) == (
        "tps-decisions", 1, "2026-11-28T07:00:00Z", None)


# -- what a digest says -----------------------------------------------------------------

HOSTILE = "<script>alert(1)</script> TPS *ends*"


def _wire_story(db, created_at="2026-11-27T08:00:00Z"):
    """One wire story on three outlets, and two other stories."""
    add_alert(db, 1, mode="digest", source="ntm-wire", cluster="wire", created_at=created_at,
              title="US ends temporary protection for Salvadorans", published="2026-11-27T10:00:00Z")
    add_alert(db, 2, mode="digest", source="isthmus-review", cluster="wire", created_at=created_at,
              title="Washington ends TPS for Salvadorans", published="2026-11-27T12:00:00Z")
    add_alert(db, 3, mode="digest", source="bayside-daily", cluster="wire", created_at=created_at,
              title="Salvadoran TPS holders given until 2019", published="2026-11-27T13:00:00Z")
    add_alert(db, 4, mode="digest", source="capitol-ledger", created_at=created_at,
              title="Judge blocks TPS terminations", published="2026-11-27T09:00:00Z")
    add_alert(db, 5, mode="digest", source="elfaro-demo", created_at=created_at,
              title=HOSTILE, published="2026-11-27T15:00:00Z")


def test_digest_lists_stories_newest_first_with_the_other_outlets(db, smtp):
    _wire_story(db)
    channels = build_channels({"team": [smtp.url(to="analyst@example.org")]}, None)

    report = deliver_digests(db, channels, DAILY_7, now="2026-11-28T07:00:10Z", throttle=False)

    assert (report.sent, report.failed, report.errors) == (1, 0, [])
    assert smtp.wait_for(1)
    [msg] = smtp.messages
    assert msg["Subject"] == "[TPS] Digest: 3 stories, 5 articles"
    html = msg.get_body(("html",)).get_content()
    text = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
    # Newest first: the hostile one (15:00), the wire story (13:00), the judge (09:00).
    assert text.index("TPS *ends*") < text.index("US ends temporary protection") < text.index("Judge blocks")
    assert ("Also covered by:\n   - isthmus-review: https://isthmus-review.example/news/2?a=1&b=2\n"
            "   - bayside-daily: https://bayside-daily.example/news/3?a=1&b=2") in text
    # The text part is our own (digest.txt), not Apprise's conversion of the
    # HTML: every link of the HTML is in it.
    links = {h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', html)}
    assert len(links) == 5 and all(link in text for link in links)
    # Each entry says why: its rule, the words that decided, the evidence.
    entry = text[text.index("Judge blocks"):]
    assert entry.index('Rule tps-decisions, found: "temporary protected status", "Honduras"') \
        < entry.index("The «temporary protected status» for «Honduras» was extended")
    assert 'found <b>temporary protected status</b>, <b>Honduras</b>' in html
    assert "Washington ends TPS" not in text  # a copy is an outlet, not another story
    assert "3 articles" in text
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert 'Also covered by: <a href="https://isthmus-review.example/news/2?a=1&amp;b=2">isthmus-review</a>' in html
    assert {r["status"] for r in db["alerts"].rows} == {"sent"}
    assert {r["sent_via"] for r in db["alerts"].rows} == {"digest"}
    assert db["digests"].get(1)["status"] == "sent"
    # Nothing waits any more: the next slot opens nothing.
    assert deliver_digests(db, channels, DAILY_7, now="2026-11-29T07:00:00Z", throttle=False).sent == 0
    assert len(smtp.messages) == 1


def test_digest_in_chat_is_escaped_markdown(db, chat):
    _wire_story(db)
    channels = build_channels({"team": [chat.json_url()]}, None)
    deliver_digests(db, channels, DAILY_7, now="2026-11-28T07:00:10Z", throttle=False)
    assert chat.wait_for(1)
    body = chat.posts[0].body["message"]
    assert r"\<script\>alert(1)\</script\> TPS \*ends\*" in body
    assert ("Also covered by: [isthmus-review](https://isthmus-review.example/news/2?a=1&b=2), "
            "[bayside-daily](https://bayside-daily.example/news/3?a=1&b=2)") in body


def test_a_failed_url_gets_the_digest_later_the_others_only_once(db, smtp, chat):
    _wire_story(db)
    chat.fail_with = 500
    channels = build_channels({"team": [smtp.url(), chat.json_url()]}, None)

    first = deliver_digests(db, channels, DAILY_7, now="2026-11-28T07:00:10Z", throttle=False)

    assert (first.sent, first.failed) == (0, 1)
    assert smtp.wait_for(1) and len(chat.posts) == 0
    assert db["digests"].get(1)["status"] == "failed"
    assert {r["status"] for r in db["alerts"].rows} == {"pending"}

    chat.fail_with = None
    again = deliver_digests(db, channels, DAILY_7, now="2026-11-28T07:01:10Z", throttle=False)

    assert again.sent == 1 and chat.wait_for(1)
    assert len(smtp.messages) == 1  # the mail server had it already
    assert chat.posts[0].body["title"] == "[TPS] Digest: 3 stories, 5 articles"


def test_a_dead_digest_takes_its_alerts_with_it_and_retry_puts_them_in_the_next(db, smtp):
    add_alert(db, 1, mode="digest", created_at="2026-11-27T08:00:00Z")
    channels = build_channels({"team": ["json://127.0.0.1:9/nobody-listens"]}, None)
    report = deliver_digests(db, channels, DAILY_7, now="2026-11-28T07:00:00Z", max_attempts=1,
                             throttle=False)
    assert report.dead == 1 and "dead after 1 tries" in report.errors[0]
    assert alert(db, 1)["status"] == "dead" and alert(db, 1)["last_error"].startswith("digest 1: ")
    assert retry_alert(db, 1, "2026-11-28T08:00:00Z")
    channels = build_channels({"team": [smtp.url()]}, None)
    assert deliver_digests(db, channels, DAILY_7, now="2026-11-29T07:00:00Z", throttle=False).sent == 1
    assert smtp.wait_for(1)
    assert alert(db, 1)["status"] == "sent"


# -- the rate limit ----------------------------------------------------------------


def test_over_the_hourly_limit_the_rest_goes_into_the_next_digest(db, smtp):
    limit, extra = 3, 2
    ids = [add_alert(db, n, title=f"Story {n}", created_at="2026-11-28T07:10:00Z")
           for n in range(1, limit + extra + 1)]
    channels = build_channels({"team": [smtp.url()]}, None)
    # An immediate rule: its digest exists only for the excess, hourly.
    schedules = schedules_for([Rule("tps-decisions", mode="immediate")])

    report = deliver_pending(db, channels, now="2026-11-28T07:10:00Z", max_per_hour=limit,
                             throttle=False)

    assert (report.sent, report.deferred) == (limit, extra)
    assert smtp.wait_for(limit)
    assert [alert(db, i)["status"] for i in ids] == ["sent"] * limit + ["deferred"] * extra
    # Still within the hour: a new story is deferred too.
    late = add_alert(db, 9, title="Story 9", created_at="2026-11-28T07:40:00Z")
    assert deliver_pending(db, channels, now="2026-11-28T07:40:00Z", max_per_hour=limit,
                           throttle=False).deferred == 1
    # Not before the next slot ...
    assert deliver_digests(db, channels, schedules, now="2026-11-28T07:59:00Z", throttle=False).sent == 0
    # ... then one digest carries them all.
    digests = deliver_digests(db, channels, schedules, now="2026-11-28T08:00:30Z", throttle=False)
    assert digests.sent == 1 and smtp.wait_for(limit + 1)
    assert len(smtp.messages) == limit + 1
    digest = smtp.messages[-1]
    assert digest["Subject"] == "[TPS] Digest: 3 stories, 3 articles"
    text = digest.get_body(("plain",)).get_content()
    assert all(f"Story {n}" in text for n in (4, 5, 9))
    assert all(alert(db, i)["status"] == "sent" for i in [*ids, late])
    assert [alert(db, i)["sent_via"] for i in ids] == ["immediate"] * limit + ["digest"] * extra


def test_limits_per_tag(db, smtp, chat):
    for n in range(1, 4):
        add_alert(db, n, tag="team")
        add_alert(db, 10 + n, tag="chat")
    channels = build_channels({"team": [smtp.url()], "chat": [chat.json_url()]}, None)
    report = deliver_pending(db, channels, now="2026-11-28T07:30:00Z", max_per_hour={"chat": 1},
                             throttle=False)
    # chat: 1 an hour; team is not listed, so it gets the default (20).
    assert (report.sent, report.deferred) == (4, 2)
    assert smtp.wait_for(3) and chat.wait_for(1)


# -- configuration ---------------------------------------------------------------------


def test_config_reports_bad_time_zone_schedule_and_limit_with_their_lines(tmp_path):
    from newswatch.config import ConfigError, load

    cfg = tmp_path / "newswatch.toml"
    cfg.write_text(
        'database = "nw.db"\n'
        "[notify]\n"
        'timezone = "America/Guatamala"\n'
        "max_per_hour = { team = 0 }\n"
        "[[rules]]\n"
        'name = "tps"\n'
        'query = "tps"\n'
        'mode = "digest"\n'
        'digest = "daily 7am"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load(cfg)
    shown = [str(p) for p in caught.value.problems]
    assert shown == [
        f"{cfg}:3: notify.timezone: unknown time zone 'America/Guatamala': use an IANA name like "
        '"UTC", "America/Guatemala" or "Europe/Madrid"',
        f"{cfg}:4: notify.max_per_hour: must be a whole number >= 1 (immediate alerts per tag per hour), "
        "or a table of tag = number, like { team = 20, chat = 5 }",
        f"{cfg}:9: rules.digest: invalid digest schedule 'daily 7am': write \"hourly\", \"daily HH:MM\" "
        'or "weekly DAY HH:MM", like "daily 07:00" or "weekly mon 08:30"',
    ]


def test_config_defaults_and_values(tmp_path):
    from newswatch.config import load

    cfg = tmp_path / "newswatch.toml"
    cfg.write_text('database = "nw.db"\n[notify]\nurls = { team = ["json://127.0.0.1:9/x"] }\n',
                   encoding="utf-8")
    notify = load(cfg).notify
    assert (notify.timezone, notify.max_per_hour) == ("UTC", 20)
    cfg.write_text('database = "nw.db"\n[notify]\ntimezone = "America/Guatemala"\n'
                   "max_per_hour = { chat = 5 }\n", encoding="utf-8")
    notify = load(cfg).notify
    assert (notify.timezone, notify.max_per_hour) == ("America/Guatemala", {"chat": 5})


def test_two_rules_digests_due_together_list_each_article_once_with_both(db, smtp):
    # Article 1 matched both rules; article 2 only hn-returns. Same tag, same schedule.
    add_alert(db, 1, mode="digest", created_at="2026-11-27T08:00:00Z")
    add_alert(db, 1, mode="digest", rule="hn-returns", created_at="2026-11-27T08:00:00Z",
              snippet="«Hondurans» have 18 months to «leave»")
    add_alert(db, 2, mode="digest", rule="hn-returns", created_at="2026-11-27T08:00:00Z",
              title="Consulates extend hours", snippet="«Hondurans» queue at consulates",
              published="2026-11-27T10:00:00Z")
    schedules = schedules_for([Rule("tps-decisions", digest="daily 07:00"),
                               Rule("hn-returns", digest="daily 07:00")])
    channels = build_channels({"team": [smtp.url()]}, None)

    report = deliver_digests(db, channels, schedules, now="2026-11-28T07:00:10Z", throttle=False)

    assert (report.sent, report.failed) == (2, 0)  # two digests, one message
    assert smtp.wait_for(1) and len(smtp.messages) == 1
    [msg] = smtp.messages
    assert msg["Subject"] == "[TPS] Digest: 2 stories, 2 articles"
    text = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text.count("US extends TPS for Hondurans") == 1
    first = text[text.index("US extends TPS"):text.index("Consulates extend hours")]
    assert 'Rule tps-decisions, found: "temporary protected status", "Honduras"' in first
    assert 'Rule hn-returns, found: "Hondurans", "leave"' in first
    assert {d["status"] for d in db["digests"].rows} == {"sent"}
    assert {a["status"] for a in db["alerts"].rows} == {"sent"}
    assert db["deliveries"].count == 2  # each digest recorded for the URL
