"""Alerts end to end: the real `newswatch` command against local servers, nothing mocked.

- the mail server is down during a run, comes back on the same port, and each
  alert arrives exactly once (the chat URL of the same tag, which worked, is
  not sent it again);
- two `newswatch alerts send` processes on one database deliver each alert
  and each digest once;
- one wire story on three outlets pings once, and the digest lists the other
  two outlets as "also covered by";
- two rules matching one article send one mail and one chat post naming
  both, with the rules' descriptions, the outlet's name and local time; the
  run says how long Apprise's pacing of several mails will take.

Email goes to a real aiosmtpd server, chat to a real HTTP receiver, both on
127.0.0.1. The outbox clock is moved with `--now` / NEWSWATCH_NOW instead of
sleeping through the backoff.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
import sqlite_utils
from conftest import write_config

from newswatch.demo.sinks import ChatSink, SmtpSink, free_port

try:  # tests/ may or may not be a package
    from .notifier_fixtures import add_alert, make_db
except ImportError:
    from notifier_fixtures import add_alert, make_db

SECRET = "s3cret-smtp-Pa55"


@pytest.fixture
def chat():
    with ChatSink() as sink:
        yield sink


def later(**delta) -> str:
    """Real time moved forward, for the outbox clock (items keep real timestamps)."""
    return (datetime.now(UTC) + timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _db(tmp_path):
    return sqlite_utils.Database(tmp_path / "nw.db")


# -- the mail server is down during a run ------------------------------------------

DOWN_RULES = """
[[rules]]
name = "tps"
topic = "tps"
query = '"temporary protected status" lang:en'
notify = ["team"]

[[rules]]
name = "baldetti"
topic = "corruption"
query = 'baldetti NEAR/10 (corruption OR fraud OR court)'
notify = ["desk"]
"""


def test_smtp_down_during_a_run_then_back_delivers_each_alert_once(tmp_path, site, chat, cli):
    port = free_port()  # nothing listens here during the run
    mail = SmtpSink(port=port, credentials=("newswatch", SECRET))
    team, desk = mail.url(to="team@example.org"), mail.url(to="desk@example.org")
    cfg = write_config(tmp_path, site.url, None,
                       [("wire", "/feeds/wire.xml", "en"), ("diario", "/feeds/diario.xml", "es")],
                       DOWN_RULES,
                       extra=f'[notify]\nurls = {{ team = ["{team}", "{chat.json_url()}"], desk = ["{desk}"] }}\n')

    run = cli("run", "-c", str(cfg))

    assert run.returncode == 1, run.stdout + run.stderr  # deliveries failed
    db = _db(tmp_path)
    alerts = list(db["alerts"].rows)
    assert sorted(a["rule"] for a in alerts) == ["baldetti", "tps"]
    assert {a["status"] for a in alerts} == {"failed"}
    for a in alerts:
        assert "Connection refused" in a["last_error"] and f"127.0.0.1:{port}" in a["last_error"]
    # The chat URL of tag team worked: it had its alert, and that is recorded.
    assert chat.wait_for(1) and len(chat.posts) == 1
    [delivered] = db["deliveries"].rows
    # Recorded by its privacy form: the webhook path (often a token) is masked.
    assert delivered["target"].startswith(f"json://127.0.0.1:{chat.port}/****/****?")
    # No password anywhere the user can see.
    status = cli("status", "-c", str(cfg))
    listing = cli("alerts", "list", "-c", str(cfg), "--status", "failed")
    shown = run.stdout + run.stderr + status.stdout + listing.stdout
    assert SECRET not in shown
    assert SECRET not in json.dumps(list(db["alerts"].rows)) + json.dumps(list(db["deliveries"].rows))
    assert "2 failed" in status.stdout

    with mail:  # back, on the same port
        # Not due yet (the first retry waits a minute): nothing is sent.
        early = cli("alerts", "send", "-c", str(cfg))
        assert early.returncode == 0 and "0 sent" in early.stdout
        back = cli("alerts", "send", "-c", str(cfg), "--now", later(minutes=2))
        assert back.returncode == 0, back.stdout + back.stderr
        assert "2 sent" in back.stdout
        assert mail.wait_for(2)
        again = cli("alerts", "send", "-c", str(cfg), "--digest", env={"NEWSWATCH_NOW": later(days=1)})
        assert again.returncode == 0 and "0 sent" in again.stdout

    assert sorted(m["To"] for m in mail.messages) == ["desk@example.org", "team@example.org"]
    assert len(chat.posts) == 1  # not sent the tps alert a second time
    assert {(a["status"], a["attempts"]) for a in db["alerts"].rows} == {("sent", 2)}


# -- two processes on one database ------------------------------------------------------

CONCURRENT_RULES = """
[[rules]]
name = "tps-decisions"
query = "tps"
notify = ["team"]
mode = "both"
digest = "hourly"

[[rules]]
name = "aid"
query = "aid"
notify = ["team"]
mode = "digest"
digest = "hourly"
"""


def test_two_alerts_send_processes_deliver_each_alert_and_digest_once(tmp_path, chat):
    db = make_db(tmp_path / "nw.db")
    count = 150
    created = "2026-11-28T07:00:00Z"
    for n in range(1, count + 1):
        add_alert(db, n, title=f"Story {n}", created_at=created)
    for n in range(count + 1, count + 11):
        add_alert(db, n, title=f"Digest story {n}", mode="digest", created_at=created,
                  rule="tps-decisions" if n % 2 else "aid")
    db.close()
    cfg = tmp_path / "newswatch.toml"
    # Mattermost posts are throttled by Apprise (20 ms each): each process needs seconds.
    cfg.write_text(f'database = "nw.db"\n[notify]\nurls = {{ team = ["{chat.mmost_url()}"] }}\n'
                   f"max_per_hour = 1000\n{CONCURRENT_RULES}", encoding="utf-8")
    args = [sys.executable, "-m", "newswatch.cli", "alerts", "send", "--digest", "-c", str(cfg),
            "--now", "2026-11-28T08:00:30Z"]

    procs = [subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"})
             for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in procs]

    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, out + err
    assert chat.wait_for(count + 1, timeout=10)
    titles = sorted(p.body["text"].splitlines()[0] for p in chat.posts)
    immediate = [t for t in titles if "Digest" not in t]
    assert immediate == sorted(f"[TPS] Story {n}" for n in range(1, count + 1))
    # The two rules' digests are one post when one process claimed both, two
    # when each took one; either way each digest story is listed once.
    digest_posts = [p.body["text"] for p in chat.posts if "Digest" in p.body["text"].splitlines()[0]]
    assert 1 <= len(digest_posts) <= 2
    listed = "\n".join(digest_posts)
    assert all(listed.count(f"Digest story {n}]") == 1 for n in range(count + 1, count + 11))
    sent = [int(out.split(" sent,")[0].split()[-1]) for out, _ in outputs]
    assert sum(sent) == count
    assert all(sent), sent  # they really ran side by side (each needs seconds alone)
    db = sqlite_utils.Database(tmp_path / "nw.db")
    assert {r["status"] for r in db["alerts"].rows} == {"sent"}
    assert db["digests"].count == 2


# -- one story, three outlets ------------------------------------------------------------

WIRE_PARAS = [
    "The Department of Homeland Security said on Monday it would end Temporary Protected Status for "
    "about 200,000 Salvadorans who have lived and worked legally in the United States since a pair of "
    "earthquakes devastated their country in 2001.",
    "Salvadoran TPS holders will have until September 9, 2019, to leave the country or obtain another "
    "immigration status. The 18-month wind-down, officials said, was meant to allow an orderly "
    "transition and to give Congress time to write a permanent solution.",
    "Salvadorans are the largest group of TPS beneficiaries. Many have US-born children, and advocacy "
    "groups estimate that the holders send hundreds of millions of dollars a year to relatives at home.",
    "The Salvadoran government said it regretted the decision and would keep lobbying for legislative "
    "relief. Consulates would extend their hours to help nationals with documents and lawyers.",
    "Advocates vowed to challenge the decision in court. Business groups in construction and "
    "hospitality, which employ large numbers of Salvadoran TPS holders, urged Congress to act.",
]
OTHER_PARAS = [
    "A federal judge in San Francisco on Wednesday blocked the administration from ending Temporary "
    "Protected Status for Salvadorans, Haitians, Nicaraguans and Sudanese while a lawsuit goes on.",
    "The judge said the plaintiffs, TPS holders and their US-citizen children, were likely to show that "
    "the terminations were driven by animus and that the agency had changed its criteria without notice.",
    "The Department of Homeland Security said it disagreed with the ruling and would appeal. About "
    "300,000 people would have lost their work permits over the next year.",
]
OUTLETS = {
    # outlet: (headline, paragraphs as that outlet ran them)
    "outlet-a": ("US ends temporary protection for about 200,000 Salvadorans", WIRE_PARAS),
    "outlet-b": ("Washington ends TPS for Salvadorans, sets 2019 deadline",
                 WIRE_PARAS + ["This story was distributed by a wire service. All rights reserved."]),
    "outlet-c": ("Salvadoran TPS holders given until September 2019 to leave or adjust status",
                 WIRE_PARAS[:-1] + ["Sign up for our morning newsletter."]),
}


def _page(title: str, paras: list[str], path: str) -> str:
    body = "".join(f"<p>{p}</p>\n" for p in paras)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f'<link rel="canonical" href="{{{{BASE}}}}{path}"></head><body>'
            f'<nav><a href="/">Home</a> Subscribe to our newsletter today</nav>'
            f"<article><h1>{title}</h1>\n{body}</article>"
            f"<footer>Fictional page for newswatch tests.</footer></body></html>")


def _feed(outlet: str, entries: list[tuple[str, str, str]]) -> str:
    items = "".join(
        f"<item><title>{title}</title><link>{{{{BASE}}}}{path}</link><guid>{outlet}{path}</guid>"
        f"<pubDate>{date}</pubDate><description>{title}.</description></item>"
        for title, path, date in entries
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{outlet}</title><link>{{{{BASE}}}}/</link><language>en</language>{items}"
            f"</channel></rss>")


def _three_outlets(root) -> list[tuple[str, str, str]]:
    (root / "syndicated").mkdir()
    sources = []
    for i, (outlet, (title, paras)) in enumerate(OUTLETS.items()):
        path = f"/syndicated/{outlet}-tps.html"
        (root / path.lstrip("/")).write_text(_page(title, paras, path), encoding="utf-8")
        entries = [(title, path, f"Mon, 08 Jan 2018 {16 + i}:45:00 GMT")]
        if outlet == "outlet-a":  # and a different story on the same topic
            other = "/syndicated/judge-blocks-tps.html"
            (root / other.lstrip("/")).write_text(
                _page("Judge blocks end of TPS for Salvadorans", OTHER_PARAS, other), encoding="utf-8")
            entries.append(("Judge blocks end of TPS for Salvadorans", other, "Wed, 03 Oct 2018 20:00:00 GMT"))
        (root / "feeds" / f"{outlet}.xml").write_text(_feed(outlet, entries), encoding="utf-8")
        sources.append((outlet, f"/feeds/{outlet}.xml", "en"))
    return sources


STORY_RULES = """
[[rules]]
name = "tps-decisions"
topic = "TPS"
query = '"temporary protected status" OR =TPS'
notify = ["team"]
mode = "both"
digest = "hourly"
"""


def test_three_outlets_one_ping_and_the_digest_names_the_others(tmp_path, site, chat, cli):
    sources = _three_outlets(site.root)
    cfg = write_config(tmp_path, site.url, None, sources, STORY_RULES,
                       extra=f'[notify]\nurls = {{ team = ["{chat.json_url()}"] }}\n')

    run = cli("run", "-c", str(cfg))

    assert run.returncode == 0, run.stdout + run.stderr
    db = _db(tmp_path)
    items = {r["source"] + ("/other" if "judge" in r["url"] else ""): r for r in db["items"].rows}
    wire = {items[o]["cluster_id"] for o in OUTLETS}
    assert len(wire) == 1  # three URLs, three headlines, one story
    assert items["outlet-a/other"]["cluster_id"] not in wire
    # One ping for the wire story, one for the other story.
    assert chat.wait_for(2)
    pings = [p.body["title"] for p in chat.posts]
    assert len(pings) == 2
    wire_pings = [t for t in pings if "Judge" not in t]
    assert len(wire_pings) == 1
    lead = wire_pings[0].removeprefix("[TPS] ")
    lead_outlet = next(o for o, (title, _) in OUTLETS.items() if title == lead)
    [story] = [s for s in db["stories"].rows if s["cluster_id"] in wire]
    assert (story["outlets_count"], story["articles"], story["title"]) == (3, 3, lead)

    status = cli("status", "-c", str(cfg))
    assert "Stories on several outlets" in status.stdout
    assert lead[:40] in status.stdout and "3 articles" in status.stdout

    # The hourly digest, an hour on: the wire story once, with the other outlets.
    digest = cli("alerts", "send", "-c", str(cfg), "--digest", "--now", later(hours=1, minutes=1))
    assert digest.returncode == 0, digest.stdout + digest.stderr
    assert "1 digest sent" in digest.stdout
    assert chat.wait_for(3)
    post = chat.posts[-1].body
    assert post["title"] == "[TPS] Digest: 2 stories, 4 articles"
    others = [o for o in OUTLETS if o != lead_outlet]
    assert any(line.startswith("Also covered by: ") and all(o in line for o in others)
               for line in post["message"].splitlines())
    assert post["message"].count(lead) == 1
    for outlet in others:
        assert OUTLETS[outlet][0] not in post["message"]  # copies are outlets, not stories
    assert {(a["mode"], a["status"]) for a in db["alerts"].rows} == {("immediate", "sent"),
                                                                     ("digest", "sent")}


# -- two rules, one article ---------------------------------------------------------------

TWO_RULES = """
[[rules]]
name = "tps"
topic = "TPS"
description = "US decisions on Temporary Protected Status"
query = '"temporary protected status" lang:en'
notify = ["team"]
mode = "both"
digest = "hourly"

[[rules]]
name = "hn-returns"
topic = "Honduras"
description = "Hondurans made to leave the US"
query = 'hondurans AND (leave OR deport*)'
notify = ["team"]
mode = "both"
digest = "hourly"

[[rules]]
name = "baldetti"
query = 'baldetti'
notify = ["team"]
"""


def test_two_rules_one_article_one_mail_one_post_in_local_time(tmp_path, site, smtp, chat, cli):
    cfg = write_config(tmp_path, site.url, None, [("wire", "/feeds/wire.xml", "en")], TWO_RULES,
                       extra=f'[notify]\nurls = {{ team = ["{smtp.url(to="team@example.org")}", '
                             f'"{chat.json_url()}"] }}\ntimezone = "America/Guatemala"\n')

    run = cli("run", "-c", str(cfg), env={"COLUMNS": "200"})

    assert run.returncode == 0, run.stdout + run.stderr
    db = _db(tmp_path)
    rows = sorted((a["rule"], a["status"]) for a in db["alerts"].rows if a["mode"] == "immediate")
    # Three alert rows (one per rule and story), two messages per URL: the TPS
    # article once, naming both its rules, and the Baldetti story.
    assert rows == [("baldetti", "sent"), ("hn-returns", "sent"), ("tps", "sent")]
    assert smtp.wait_for(2) and chat.wait_for(2)
    assert len(smtp.messages) == 2 and len(chat.posts) == 2
    # Two mails to one address: the run says Apprise paces them, and for how long.
    out = " ".join(run.stdout.split())
    assert re.search(r"2 mails to mailto://\S+, 5\.5 s apart: about 6 s", out), out
    assert "(Apprise waits between two sends to one URL; see docs/alerts.md, Pacing)" in out

    [mail] = [m for m in smtp.messages if "Temporary Protected" in m["Subject"]]
    assert mail["Subject"] == "[TPS, Honduras] US ends Temporary Protected Status for Hondurans"
    text = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = mail.get_body(("html",)).get_content()
    # Published Fri, 04 May 2018 15:00 GMT: 09:00 in Guatemala.
    assert "Test Wire (fixture) · 4 May 2018 09:00 CST (UTC-6)" in text  # the feed's own title
    assert "4 May 2018 09:00 CST (UTC-6)" in html and "UTC</p>" not in html
    assert "Rule tps (TPS): US decisions on Temporary Protected Status" in text
    assert "Rule hn-returns (Honduras): Hondurans made to leave the US" in text
    assert 'found: "Temporary Protected Status"' in text
    assert "Matched:" not in text + html
    assert "/articles/tps-end.html" in text  # the link, in our own text part

    [post] = [p.body for p in chat.posts if "Temporary Protected" in p.body["title"]]
    assert post["title"] == mail["Subject"]
    assert "Rule `tps` (TPS): US decisions on Temporary Protected Status" in post["message"]
    assert "Rule `hn-returns` (Honduras): Hondurans made to leave the US" in post["message"]
    assert "Test Wire (fixture) · 4 May 2018 09:00 CST (UTC-6)" in post["message"]

    # Every row of the message is recorded as delivered to both URLs.
    assert db["deliveries"].count == 6

    # The two rules' hourly digests are due together: one mail, the article once
    # with both rules, and a text part holding every link of the HTML.
    digest = cli("alerts", "send", "--digest", "-c", str(cfg), "--now", later(hours=1, minutes=1))
    assert digest.returncode == 0, digest.stdout + digest.stderr
    assert smtp.wait_for(3) and len(smtp.messages) == 3
    mail = smtp.messages[-1]
    assert mail["Subject"] == "[Honduras, TPS] Digest: 1 story, 1 article"
    text = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = mail.get_body(("html",)).get_content()
    links = {h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', html)}
    assert links and all(link in text for link in links)
    assert text.count("US ends Temporary Protected Status for Hondurans") == 1
    assert 'Rule tps, found: "Temporary Protected Status"' in text and "Rule hn-returns, found:" in text
    assert "4 May 2018 09:00 CST (UTC-6)" in text

    # Nothing goes twice: a later send has nothing to deliver.
    again = cli("alerts", "send", "--digest", "-c", str(cfg), "--now", later(days=1))
    assert again.returncode == 0 and "0 sent" in again.stdout and "0 digests sent" in again.stdout
    assert len(smtp.messages) == 3 and len(chat.posts) == 3
