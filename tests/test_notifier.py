"""Alert delivery through real Apprise to real local servers (nothing mocked).

Email goes through Apprise's mailto:// to an aiosmtpd server, chat through
json:// and mmost:// to a local HTTP receiver, all on 127.0.0.1.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from newswatch.demo.sinks import ChatSink, SmtpSink, free_port
from newswatch.notifier import (
    ChannelConfigError,
    TemplateError,
    build_channels,
    deliver_pending,
    render_alert,
)
from newswatch.storage.outbox import claim_due_alerts, retry_alert

try:  # tests/ may or may not be a package
    from .notifier_fixtures import NOW, add_alert, alert, make_db
except ImportError:
    from notifier_fixtures import NOW, add_alert, alert, make_db

HOSTILE = "<script>alert(1)</script> Honduras TPS"
SECRET = "s3cret-Pa55word"
ONE_MIN_LATER = "2026-11-28T07:31:00Z"


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


def _parts(msg):
    return {p.get_content_type(): p.get_content() for p in msg.walk() if not p.is_multipart()}


# -- email ------------------------------------------------------------------


def test_email_has_subject_html_and_text_parts(db, smtp):
    alert_id = add_alert(db, title=HOSTILE)
    channels = build_channels({"team": [smtp.url(to="analyst@example.org")]}, None)

    report = deliver_pending(db, channels, now=NOW, throttle=False)

    assert (report.sent, report.failed, report.dead, report.errors) == (1, 0, 0, [])
    assert smtp.wait_for(1)
    [msg] = smtp.messages
    assert msg["To"] == "analyst@example.org"
    assert msg["Subject"] == f"[TPS] {HOSTILE}"
    assert msg.get_content_type() == "multipart/alternative"
    parts = _parts(msg)
    html, text = parts["text/html"], parts["text/plain"].replace("\r\n", "\n")
    # Feed text is escaped in HTML; the matcher's hits are marked after escaping.
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<mark>temporary protected status</mark>" in html
    assert "<mark>Honduras</mark>" in html
    assert 'href="https://insightcrime.example/news/1?a=1&amp;b=2"' in html
    assert "insightcrime" in html and "27 Nov 2026 18:05 UTC" in html
    # Why: the rule and the words that decided, as the text has them.
    assert "Rule <b>tps-decisions</b> (TPS)" in html
    assert "found <b>temporary protected status</b>, <b>Honduras</b>" in html
    assert "Matched:" not in html
    # The text alternative is our own rendering (alert.txt), not Apprise's
    # conversion of the HTML: it reads well and still carries the link.
    assert "https://insightcrime.example/news/1?a=1&b=2" in text
    assert "The «temporary protected status» for «Honduras» was extended" in text
    assert 'Rule tps-decisions (TPS)\n  found: "temporary protected status", "Honduras"' in text
    row = alert(db, alert_id)
    assert (row["status"], row["attempts"], row["sent_at"]) == ("sent", 1, NOW)


def test_email_can_ask_for_text(db, smtp):
    add_alert(db)
    channels = build_channels({"team": [smtp.url() + "&format=text"]}, None)
    deliver_pending(db, channels, now=NOW, throttle=False)
    assert smtp.wait_for(1)
    [msg] = smtp.messages
    assert msg.get_content_type() == "text/plain"
    assert "«Honduras»" in msg.get_content()


def test_javascript_links_from_feeds_are_not_linked(db):
    add_alert(db)
    [claimed] = claim_due_alerts(db, NOW, "w")
    claimed["url"] = "javascript:alert(1)"
    html = render_alert(claimed, "html").body
    assert 'href="#"' in html and 'href="javascript' not in html


def _spike_row(title: str, url: str) -> dict:
    spike = {"topic": "tps", "day": "2018-03-12", "stories": 9, "baseline": 1.4286, "factor": 3.0,
             "window_days": 14, "min_items": 5,
             "top": [{"title": title, "url": url, "outlets": ["Wire @here"], "items": 2}]}
    return {"id": 1, "rule": "spike:tps", "tag": "team", "created_at": NOW, "item_id": "i1",
            "title": "an item's own title", "fields": [{"spike": spike}], "terms": [], "snippet": "x"}


def test_a_spike_message_escapes_its_stories_feed_text():
    row = _spike_row(HOSTILE + " @channel *bold*", "javascript:alert(1)")

    html, md = render_alert(row, "html"), render_alert(row, "markdown")

    assert html.title == "[tps] Coverage spike: 9 stories on 12 Mar 2018 (usually 1.4 a day)"
    assert "<script>" not in html.body and "&lt;script&gt;" in html.body
    assert 'href="#"' in html.body and "javascript:" not in html.body
    assert "an item's own title" not in html.body + md.body  # the spike's stories, not its item
    assert "@\u200bchannel" in md.body and "@\u200bhere" in md.body and "\\*bold\\*" in md.body
    assert "12 Mar 2018" in md.title and "9 stories > 3 × 1.4" in md.body


# -- chat -------------------------------------------------------------------


def test_chat_gets_markdown_over_json_and_mattermost(db, chat):
    add_alert(db, tag="chat")
    channels = build_channels(
        {"chat": [chat.json_url("/hooks/json"), chat.mmost_url("mmtoken123")]}, None
    )

    report = deliver_pending(db, channels, now=NOW, throttle=False)

    assert report.sent == 1 and chat.wait_for(2)
    posts = {p.path: p.body for p in chat.posts}
    assert set(posts) == {"/hooks/json", "/hooks/mmtoken123"}
    payload = posts["/hooks/json"]
    assert payload["title"] == "[TPS] US extends TPS for Hondurans"
    body = payload["message"]
    assert body.startswith(
        "**[US extends TPS for Hondurans](https://insightcrime.example/news/1?a=1&b=2)**"
    )
    assert "> The **temporary protected status** for **Honduras** was extended" in body
    assert "Rule `tps-decisions` (TPS) — found **temporary protected status**, **Honduras**" in body
    mattermost = posts["/hooks/mmtoken123"]
    assert mattermost["username"] == "newswatch"
    assert "**Honduras**" in mattermost["text"]
    assert mattermost["text"].startswith("[TPS] US extends TPS for Hondurans")


def test_markdown_escapes_feed_text(db, chat):
    add_alert(db, tag="chat", title="*Big* [click](https://evil.example) <b>x</b>")
    channels = build_channels({"chat": [chat.json_url()]}, None)
    deliver_pending(db, channels, now=NOW, throttle=False)
    assert chat.wait_for(1)
    body = chat.posts[0].body["message"]
    assert r"\*Big\* \[click\](https://evil.example) \<b\>x\</b\>" in body


def test_chat_failure_is_recorded_without_the_token(db, chat):
    alert_id = add_alert(db, tag="chat")
    chat.fail_with = 500
    channels = build_channels({"chat": [chat.mmost_url("supersecrettoken42")]}, None)

    report = deliver_pending(db, channels, now=NOW, throttle=False)

    assert (report.sent, report.failed) == (0, 1)
    row = alert(db, alert_id)
    assert row["status"] == "failed"
    assert "error=500" in row["last_error"]
    assert "supersecrettoken42" not in row["last_error"]
    assert "supersecrettoken42" not in " ".join(report.errors)


def test_a_partly_failed_tag_is_not_marked_sent(db, smtp, chat):
    alert_id = add_alert(db, tag="team")
    chat.fail_with = 500
    channels = build_channels({"team": [smtp.url(), chat.json_url()]}, None)
    report = deliver_pending(db, channels, now=NOW, throttle=False)
    assert report.failed == 1
    row = alert(db, alert_id)
    assert row["status"] == "failed"
    assert "JSON" in row["last_error"] and "E-Mail" not in row["last_error"]


def test_a_retry_goes_only_to_the_urls_that_failed(db, smtp, chat):
    alert_id = add_alert(db, tag="team")
    chat.fail_with = 500
    channels = build_channels({"team": [smtp.url(), chat.json_url()]}, None)
    deliver_pending(db, channels, now=NOW, throttle=False)
    assert smtp.wait_for(1)

    chat.fail_with = None
    report = deliver_pending(db, channels, now=ONE_MIN_LATER, throttle=False)

    assert report.sent == 1 and chat.wait_for(1)
    assert len(smtp.messages) == 1  # the mail server had it already
    assert alert(db, alert_id)["status"] == "sent"
    delivered = sorted((r["target"], r["delivered_at"]) for r in db["deliveries"].rows)
    assert [t.split("://")[0] for t, _ in delivered] == ["json", "mailto"]
    assert [at for _, at in delivered] == [ONE_MIN_LATER, NOW]


def test_urls_that_look_alike_in_privacy_form_are_kept_apart(db, chat):
    add_alert(db, tag="chat")
    # Mattermost shows a token as its first and last character: these two look alike.
    channels = build_channels({"chat": [chat.mmost_url("tokenAAA1"), chat.mmost_url("tokenBBB1")]}, None)
    first, second = (s.target for s in channels.services)
    assert first != second and second == first + "#2"
    assert "AAA" not in first + second
    assert deliver_pending(db, channels, now=NOW, throttle=False).sent == 1
    assert chat.wait_for(2)
    assert sorted(p.path for p in chat.posts) == ["/hooks/tokenAAA1", "/hooks/tokenBBB1"]
    assert db["deliveries"].count == 2


# -- failures, backoff, recovery ----------------------------------------------


def test_smtp_down_then_back_delivers_each_alert_exactly_once(db):
    port = free_port()  # nothing listens here yet
    sink = SmtpSink(port=port, credentials=("newswatch", SECRET))
    channels = build_channels({"team": [sink.url()]}, None)
    ids = [add_alert(db, 1), add_alert(db, 2)]

    down = deliver_pending(db, channels, now=NOW, throttle=False)

    assert (down.sent, down.failed, down.dead) == (0, 2, 0)
    for alert_id in ids:
        row = alert(db, alert_id)
        assert row["status"] == "failed"
        assert row["attempts"] == 1
        assert row["next_attempt_at"] == ONE_MIN_LATER
        assert "Connection refused" in row["last_error"]
        assert f"127.0.0.1:{port}" in row["last_error"]
        assert SECRET not in row["last_error"]
    assert SECRET not in "\n".join(down.errors)

    # Not due yet: nothing is tried, nothing changes.
    assert deliver_pending(db, channels, now=NOW, throttle=False).errors == []

    with sink:
        back = deliver_pending(db, channels, now=ONE_MIN_LATER, throttle=False)
        again = deliver_pending(db, channels, now="2026-11-29T00:00:00Z", throttle=False)
        assert sink.wait_for(2)

    assert (back.sent, back.failed, again.sent) == (2, 0, 0)
    assert len(sink.messages) == 2
    assert [alert(db, i)["status"] for i in ids] == ["sent", "sent"]
    assert [alert(db, i)["attempts"] for i in ids] == [2, 2]


def test_two_rules_one_article_are_one_message_retried_together(db, chat):
    port = free_port()  # the mail server is down at first
    sink = SmtpSink(port=port)
    channels = build_channels({"team": [sink.url(), chat.json_url()]}, None)
    ids = [add_alert(db, 1, rule="tps-decisions"),
           add_alert(db, 1, rule="hn-returns", snippet="«Hondurans» must «leave»")]

    down = deliver_pending(db, channels, now=NOW, throttle=False)

    # The chat had the article once, naming both rules; the mail failed for both rows.
    assert (down.sent, down.failed) == (0, 2)
    assert chat.wait_for(1) and len(chat.posts) == 1
    body = chat.posts[0].body["message"]
    assert "Rule `tps-decisions`" in body and "Rule `hn-returns` (TPS) — found **Hondurans**, **leave**" in body
    assert [alert(db, i)["status"] for i in ids] == ["failed", "failed"]

    with sink:
        back = deliver_pending(db, channels, now=ONE_MIN_LATER, throttle=False)
        assert sink.wait_for(1)
    assert (back.sent, back.failed) == (2, 0)
    assert len(sink.messages) == 1 and len(chat.posts) == 1  # the chat is not sent it again
    text = sink.messages[0].get_body(("plain",)).get_content()
    assert "Rule tps-decisions" in text and "Rule hn-returns" in text
    assert [alert(db, i)["status"] for i in ids] == ["sent", "sent"]
    assert db["deliveries"].count == 4  # two rows, two URLs


def test_wrong_password_is_a_useful_error_without_the_password(db):
    alert_id = add_alert(db)
    with SmtpSink(credentials=("newswatch", "the-right-one")) as sink:
        channels = build_channels({"team": [sink.url(password=SECRET)]}, None)
        deliver_pending(db, channels, now=NOW, throttle=False)
        assert sink.messages == []
    error = alert(db, alert_id)["last_error"]
    assert "535" in error and "Authentication" in error
    assert SECRET not in error
    assert "newswatch:****@127.0.0.1" in error


def test_dead_after_max_attempts_and_back_by_retry(db):
    alert_id = add_alert(db)
    channels = build_channels({"team": [f"mailto://127.0.0.1:{free_port()}?from=a@x.org&to=b@x.org"]}, None)
    statuses = []
    for now in (NOW, "2026-11-28T07:31:00Z", "2026-11-28T07:36:00Z"):
        report = deliver_pending(db, channels, now=now, max_attempts=3, throttle=False)
        statuses.append(alert(db, alert_id)["status"])
    assert statuses == ["failed", "failed", "dead"]
    assert report.dead == 1 and "dead after 3 tries" in report.errors[0]
    # Dead rows are never claimed again by themselves ...
    assert deliver_pending(db, channels, now="2027-01-01T00:00:00Z", throttle=False).errors == []
    # ... until someone retries them.
    assert retry_alert(db, alert_id, "2027-01-01T00:00:00Z")
    with SmtpSink() as sink:
        channels = build_channels({"team": [sink.url()]}, None)
        assert deliver_pending(db, channels, now="2027-01-01T00:00:00Z", throttle=False).sent == 1
        assert sink.wait_for(1)


def test_an_alert_for_a_tag_without_urls_fails_visibly(db):
    alert_id = add_alert(db, tag="nobody")
    report = deliver_pending(db, build_channels({}, None), now=NOW, throttle=False)
    assert report.failed == 1
    assert "no Apprise URL carries the tag 'nobody'" in alert(db, alert_id)["last_error"]


# -- two processes ------------------------------------------------------------

WORKER = textwrap.dedent(
    """
    import json, sys
    from sqlite_utils import Database
    from newswatch.notifier import build_channels, deliver_pending

    db_path, url, worker = sys.argv[1:4]
    db = Database(db_path)
    channels = build_channels({"team": [url]}, None)
    print("ready", flush=True)
    sys.stdin.readline()  # wait for "go" so both start together
    report = deliver_pending(db, channels, now="%s", worker=worker,
                             throttle=False, batch_size=2)
    print(json.dumps({"sent": report.sent, "errors": report.errors}), flush=True)
    """
    % NOW
)


def test_two_processes_deliver_each_alert_exactly_once(tmp_path, smtp):
    import json

    path = tmp_path / "newswatch.db"
    db = make_db(path)
    count = 40
    for n in range(1, count + 1):
        add_alert(db, n, title=f"Story {n}")
    db.close()
    script = tmp_path / "worker.py"
    script.write_text(WORKER)

    procs = [
        subprocess.Popen(
            [sys.executable, str(script), str(path), smtp.url(), name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("worker-a", "worker-b")
    ]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))

    assert smtp.wait_for(count, timeout=10)
    subjects = sorted(m["Subject"] for m in smtp.messages)
    assert len(subjects) == count
    assert subjects == sorted(f"[TPS] Story {n}" for n in range(1, count + 1))
    assert sum(r["sent"] for r in results) == count
    assert all(r["errors"] == [] for r in results)
    db = make_db(path)
    assert db.execute("SELECT COUNT(*) FROM alerts WHERE status = 'sent'").fetchone()[0] == count


# -- channels -----------------------------------------------------------------


def test_secrets_never_shown_by_describe_or_validate():
    channels = build_channels(
        {
            "team": [f"mailto://bob:{SECRET}@127.0.0.1:2525?from=a@x.org&to=b@x.org"],
            "chat": ["mmost://chat.example.org/mattermosttoken99"],
            "broken": [f"mailto://bob:{SECRET}@/nowhere", f"nosuchscheme://u:{SECRET}@host/tok"],
        },
        None,
    )
    described = channels.describe()
    assert set(described) == {"team", "chat"}
    assert described["team"][0].startswith("mailto://bob:****@127.0.0.1:2525")
    problems = channels.validate()
    assert len(problems) == 2
    shown = repr(described) + "\n".join(problems)
    assert SECRET not in shown and "mattermosttoken99" not in shown
    assert "mailto://bob:****@/****" in problems[0]
    assert channels.tags() == {"team", "chat"}


def test_apprise_config_file_supplies_tagged_urls(tmp_path):
    config = tmp_path / "apprise.yml"
    config.write_text(
        textwrap.dedent(
            f"""
            urls:
              - mailto://bob:{SECRET}@127.0.0.1:2525?from=a@x.org&to=b@x.org:
                  tag: team, ops
              - json://127.0.0.1:9999/hook:
                  tag: chat
              - json://127.0.0.1:9999/untagged
            """
        )
    )
    channels = build_channels({"extra": ["json://127.0.0.1:9999/extra"]}, str(config))
    assert channels.tags() == {"team", "ops", "chat", "extra"}
    assert SECRET not in repr(channels.describe())
    [problem] = channels.validate()
    assert "carries no tag" in problem


def test_unusable_apprise_config_file_is_an_error(tmp_path):
    with pytest.raises(ChannelConfigError, match="cannot read"):
        build_channels(None, str(tmp_path / "missing.yml"))
    empty = tmp_path / "empty.yml"
    empty.write_text("urls: []\n")
    with pytest.raises(ChannelConfigError, match="no usable Apprise URL"):
        build_channels(None, str(empty))


def test_invalid_tag_names_are_reported():
    channels = build_channels({"my team": ["json://127.0.0.1:9/x"]}, None)
    assert "not a valid Apprise tag" in channels.validate()[0]


def test_throttle_switch_is_restored_after_delivery(db, chat):
    add_alert(db, tag="team")
    channels = build_channels({"team": [chat.mmost_url()]}, None)
    [service] = channels.services
    default_rate = type(service.plugin).request_rate_per_sec
    deliver_pending(db, channels, now=NOW, throttle=False)
    assert service.plugin.request_rate_per_sec == default_rate


# -- templates ----------------------------------------------------------------


def test_user_templates_override_the_builtin_ones(db, chat, tmp_path):
    (tmp_path / "alert.md").write_text("NEWS: {{ title|md }} <{{ url }}>\n")
    add_alert(db, tag="chat")
    channels = build_channels({"chat": [chat.json_url()]}, None)
    deliver_pending(db, channels, now=NOW, templates_dir=tmp_path, throttle=False)
    assert chat.wait_for(1)
    assert chat.posts[0].body["message"].startswith("NEWS: US extends TPS for Hondurans <https://")


def test_a_broken_template_stops_before_claiming(db, tmp_path):
    (tmp_path / "alert.html").write_text("{% if %}\n")
    alert_id = add_alert(db)
    with pytest.raises(TemplateError, match=r"alert\.html.*line 1"):
        deliver_pending(db, build_channels({}, None), now=NOW, templates_dir=tmp_path)
    assert alert(db, alert_id)["status"] == "pending"


def test_a_stop_request_hands_back_the_alerts_not_yet_sent(db, chat):
    for n in (1, 2, 3):
        add_alert(db, n, tag="chat", cluster=f"story-{n}")
    channels = build_channels({"chat": [chat.json_url("/hooks/json")]}, None)

    def stop_after_first() -> bool:  # what SIGTERM does to a run mid-delivery
        return len(chat.posts) >= 1

    report = deliver_pending(db, channels, now=NOW, throttle=False, should_stop=stop_after_first)

    assert report.sent == 1 and len(chat.posts) == 1
    statuses = sorted(r["status"] for r in db["alerts"].rows)
    assert statuses == ["pending", "pending", "sent"]  # handed back, not stuck in 'sending'
    assert not [r for r in db["alerts"].rows if r["status"] == "pending" and r["claimed_by"]]
    again = deliver_pending(db, channels, now=NOW, throttle=False)
    assert again.sent == 2 and len(chat.posts) == 3


# -- what the config adds: descriptions, outlet titles ----------------------


def test_check_refuses_a_description_or_title_that_is_not_text(tmp_path, cli):
    cfg = tmp_path / "newswatch.toml"
    cfg.write_text(textwrap.dedent("""
        [[sources]]
        name = "wire"
        url = "https://wire.example/feed.xml"
        title = 42

        [[rules]]
        name = "tps"
        query = "tps"
        description = ["not", "a", "sentence"]
    """), encoding="utf-8")
    check = cli("check", "-c", str(cfg))
    assert check.returncode != 0
    out = check.stdout + check.stderr
    assert "rules.description: must be a non-empty string" in out
    assert "sources.title: must be a non-empty string" in out


def test_config_title_and_description_show_in_the_message(tmp_path, db, smtp):
    from newswatch.config import load
    from newswatch.notifier import Labels

    add_alert(db, source="insightcrime")
    cfg = tmp_path / "newswatch.toml"
    cfg.write_text(textwrap.dedent("""
        [notify]
        timezone = "Europe/Madrid"

        [[sources]]
        name = "insightcrime"
        url = "https://insightcrime.example/feed"
        title = "InSight Crime"

        [[rules]]
        name = "tps-decisions"
        query = "tps"
        description = "US decisions on TPS"
    """), encoding="utf-8")
    channels = build_channels({"team": [smtp.url()]}, None)
    deliver_pending(db, channels, now=NOW, throttle=False, labels=Labels.from_config(load(cfg)))
    assert smtp.wait_for(1)
    text = smtp.messages[0].get_body(("plain",)).get_content()
    assert "InSight Crime · 27 Nov 2026 19:05 CET (UTC+1)" in text
    assert "Rule tps-decisions (TPS): US decisions on TPS" in text


def test_two_rules_quoting_one_passage_show_it_once_with_the_most_marks(db):
    add_alert(db, 1, rule="aid", snippet="President «Jimmy Morales» expelled Iván Velásquez")
    add_alert(db, 1, rule="officials-corruption",
              snippet="President «Jimmy Morales» expelled «Iván Velásquez»")
    rows = claim_due_alerts(db, NOW, "w")
    text = render_alert(rows, "text").body
    assert text.count("expelled") == 1
    assert "President «Jimmy Morales» expelled «Iván Velásquez»" in text
    assert 'Rule aid (TPS)\n  found: "Jimmy Morales"\n' in text
    assert 'Rule officials-corruption (TPS)\n  found: "Jimmy Morales", "Iván Velásquez"' in text


def test_a_window_another_rule_quotes_is_not_shown_twice(db):
    add_alert(db, 1, rule="aid", snippet="... Washington said its «aid» was «cut» by a third. ...")
    add_alert(db, 1, rule="officials-corruption",
              snippet="President «Jimmy Morales» met the envoy. ... Washington said its aid was cut by a third. ...")
    add_alert(db, 1, rule="tps", snippet="Hondurans with «TPS» must leave. ...")
    rows = claim_due_alerts(db, NOW, "w")
    text = render_alert(rows, "text").body
    assert text.count("Washington said") == 1  # the aid rule's window is one of the other's two
    assert "President «Jimmy Morales» met the envoy." in text and "Hondurans with «TPS» must leave." in text
    assert 'Rule aid (TPS)\n  found: "aid", "cut"\n' in text  # its reasons stay
