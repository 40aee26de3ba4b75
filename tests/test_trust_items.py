"""Trust: no source rewrites or pre-empts another's items; hostile text is cut and cleaned at the door.

Issue 13, items 2, 8 and 9, through the real `newswatch run` against feeds and pages
served by the test on 127.0.0.1. One server is two sites: the publisher ("legit") is
read at http://127.0.0.1:PORT, the hostile source at http://localhost:PORT, and the
hostile feed lists the publisher's article URL (or its page names it as rel=canonical)
with its own text.
"""

from __future__ import annotations

import re

import pytest
import sqlite_utils
from hostile_server import HostileServer, rss
from measure import RSS_LIMIT_MB, newswatch

LEGIT_TITLE = "Clinics in Tegucigalpa reopen after the aid freeze"
LEGIT_SUMMARY = "The health ministry says every clinic in Tegucigalpa is open again."
LEGIT_PARAGRAPHS = [
    "The health ministry of Honduras confirmed on Monday that all forty clinics in Tegucigalpa "
    "reopened after the aid freeze was lifted, and that nurses returned to work the same day.",
    "Officials said the clinics had been closed for three weeks while the budget was reviewed, "
    "and that patients who missed appointments would be seen first during the coming month.",
    "The ministry thanked the staff who kept the emergency rooms running through the closure and "
    "promised that salaries owed for those weeks would be paid before the end of the quarter.",
]
FAKE = "Fabricated scandal: clinics were never closed, says nobody"
FAKE_BODY = "This fabricated text was written by the hostile source and must never replace the article."

RULES = """
[notify]
urls = { team = ["json://127.0.0.1:9/hook"] }

[[rules]]
name = "real"
query = 'tegucigalpa'
notify = ["team"]

[[rules]]
name = "fake"
query = 'fabricated'
notify = ["team"]
"""

CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _page(title: str, paragraphs: list[str], canonical: str | None = None) -> bytes:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!doctype html><html><head><title>{title}</title>{link}</head><body><article>"
            f"<h1>{title}</h1>{body}</article></body></html>").encode()


def _entry(link: str, title: str, summary: str, guid: str, content: str | None = None) -> str:
    encoded = f"<content:encoded><![CDATA[<p>{content}</p>]]></content:encoded>" if content else ""
    return (f"<item><title>{title}</title><link>{link}</link><guid isPermaLink=\"false\">{guid}</guid>"
            f"<pubDate>Mon, 06 Jan 2025 10:00:00 GMT</pubDate><description>{summary}</description>"
            f"{encoded}</item>")


def _feed(entries: list[str]) -> bytes:
    doc = rss(entries).replace('<rss version="2.0">',
                               '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">')
    return doc.encode()


def _config(tmp_path, legit_feed: str, hostile_feed: str, hostile_pages: bool = False):
    cfg = tmp_path / "newswatch.toml"
    cfg.write_text("\n".join([
        'database = "nw.db"', "[crawl]", "download_delay = 0", "obey_robots = false", "retries = 0",
        "fetch_articles = false",
        f'[[sources]]\nname = "legit"\nurl = "{legit_feed}"\nfetch_articles = true',
        f'[[sources]]\nname = "hostile"\nurl = "{hostile_feed}"\nfetch_articles = {str(hostile_pages).lower()}',
    ]) + "\n" + RULES, encoding="utf-8")
    return cfg


@pytest.fixture
def site():
    with HostileServer() as server:
        legit = server.url  # http://127.0.0.1:PORT
        hostile = server.url.replace("127.0.0.1", "localhost")
        story = f"{legit}/legit/story.html"
        server.add("/legit/feed.xml", _feed([_entry(story, LEGIT_TITLE, LEGIT_SUMMARY, "legit-1")]))
        server.add("/legit/story.html", _page(LEGIT_TITLE, LEGIT_PARAGRAPHS), headers={"Content-Type": "text/html"})
        # (a), (c): the hostile feed lists the publisher's URL with its own title, summary and text.
        server.add("/hostile/feed.xml", _feed([_entry(story, FAKE, f"{FAKE} summary", "h-1", FAKE_BODY)]))
        # (b): its own page, naming the publisher's URL as its rel=canonical.
        copy = f"{hostile}/hostile/copy.html"
        server.add("/hostile/canonical.xml", _feed([_entry(copy, FAKE, f"{FAKE} summary", "h-2")]))
        server.add("/hostile/copy.html", _page(FAKE, [FAKE_BODY] * 3, canonical=story),
                   headers={"Content-Type": "text/html"})
        yield server, legit, hostile, story


def _run(cfg, *sources: str) -> None:
    args = [a for name in sources for a in ("--source", name)]
    result = newswatch("run", "-c", str(cfg), "--no-alerts", *args, timeout=120)
    assert result.returncode == 0, result.output
    assert "Traceback" not in result.output


def _assert_the_publisher_wins(db, story: str) -> dict:
    (row,) = db["items"].rows_where("canonical_url = ?", [story])
    assert row["source"] == "legit"
    assert (row["title"], row["summary"]) == (LEGIT_TITLE, LEGIT_SUMMARY)
    assert "forty clinics in Tegucigalpa" in row["body"], row["body"]  # the page's text, fetched
    assert not any("abricated" in (row[k] or "") for k in ("title", "summary", "body"))
    assert {m["rule"] for m in db["matches"].rows_where("item_id = ?", [row["id"]])} == {"real"}
    # Nothing the hostile text raised is left to send; the real text's alert is.
    assert {a["rule"] for a in db["alerts"].rows_where("item_id = ?", [row["id"]])} == {"real"}
    return row


@pytest.mark.parametrize("order", [("legit", "hostile"), ("hostile", "legit"), ("legit hostile",)],
                         ids=["publisher-first", "hostile-first", "one-run"])
def test_a_hostile_feed_listing_the_publishers_url_never_rewrites_its_item(tmp_path, site, order):
    server, legit, hostile, story = site
    cfg = _config(tmp_path, f"{legit}/legit/feed.xml", f"{hostile}/hostile/feed.xml")
    for sources in order:
        _run(cfg, *sources.split())
    db = sqlite_utils.Database(tmp_path / "nw.db")
    assert server.requests.get("/hostile/feed.xml") == 1, "the hostile feed was read"
    row = _assert_the_publisher_wins(db, story)
    # The hostile copy is a sighting of the item, counted in its story.
    (sighting,) = db["sightings"].rows_where("item_id = ?", [row["id"]])
    assert (sighting["source"], sighting["url"]) == ("hostile", story)
    (story_row,) = db["stories"].rows_where("cluster_id = ?", [row["cluster_id"]])
    assert (story_row["sightings"], story_row["sighted_by"]) == (1, "hostile")
    # Read again (every source, due or not): still the publisher's, still one sighting.
    result = newswatch("run", "-c", str(cfg), "--no-alerts", "--all", timeout=120)
    assert result.returncode == 0, result.output
    _assert_the_publisher_wins(db, story)
    assert db["sightings"].count == 1


@pytest.mark.parametrize("order", [("legit", "hostile"), ("hostile", "legit")],
                         ids=["publisher-first", "hostile-first"])
def test_a_rel_canonical_on_another_site_is_not_the_items_identity(tmp_path, site, order):
    server, legit, hostile, story = site
    cfg = _config(tmp_path, f"{legit}/legit/feed.xml", f"{hostile}/hostile/canonical.xml", hostile_pages=True)
    for name in order:
        _run(cfg, name)
    assert server.requests.get("/hostile/copy.html") == 1, "the hostile page was read"
    db = sqlite_utils.Database(tmp_path / "nw.db")
    _assert_the_publisher_wins(db, story)
    # The hostile page is stored as what it is, its claim kept beside it.
    (copy,) = db["items"].rows_where("source = 'hostile'")
    assert copy["canonical_url"] == f"{hostile}/hostile/copy.html"
    assert copy["declared_canonical_url"] == story


# --- items 8 and 9: sizes and control characters ------------------------------------

ESCAPES = "\x1b]8;;http://evil.example/\x1b\\click here\x1b]8;;\x1b\\ \x1b[2J\x07\x9b31m"


def test_huge_and_control_character_text_is_cut_and_cleaned_before_it_is_stored_or_shown(tmp_path):
    title = f"Aid to Honduras {ESCAPES} " + "scandal " * 250_000  # 2 MB
    summary = f"Summary {ESCAPES} about Honduras " + "detail " * 150_000  # 1 MB
    author = "Reporter " + "x" * 50_000
    # A body hit followed by 1 MB of punctuation glued to it: a snippet would carry all of it.
    body = "Officials in Tegucigalpa" + "!" * 1_000_000
    entry = (f"<item><title>{title}</title><link>{{base}}/huge/1.html</link><guid>huge-1</guid>"
             f"<author>{author}</author><description>{summary}</description>"
             f"<content:encoded><![CDATA[<p>{body}</p>]]></content:encoded></item>")
    with HostileServer() as server:
        server.add("/huge.xml", _feed([entry.replace("{base}", server.url)]))
        # A server whose Content-Type carries escapes: the parser's message quotes it.
        server.add("/ctl-error.xml", b'<rss version="2.0"><channel></channel></rss>',
                   headers={"Content-Type": "text/html\x1b[2J\x07"})
        cfg = tmp_path / "newswatch.toml"
        cfg.write_text("\n".join([
            'database = "nw.db"', "[crawl]", "download_delay = 0", "obey_robots = false", "retries = 0",
            "fetch_articles = false",
            f'[[sources]]\nname = "huge"\nurl = "{server.url}/huge.xml"',
            f'[[sources]]\nname = "ctl"\nurl = "{server.url}/ctl-error.xml"',
            "[notify]", 'urls = { team = ["json://127.0.0.1:9/hook"] }',
            '[[rules]]\nname = "honduras"\nquery = "honduras"\nnotify = ["team"]',
            '[[rules]]\nname = "capital"\nquery = "body:tegucigalpa"\nnotify = ["team"]',
        ]), encoding="utf-8")
        run = newswatch("run", "-c", str(cfg), "--no-alerts", timeout=180)
    assert run.returncode == 1, run.output  # the "ctl" source failed
    assert run.max_rss_mb < RSS_LIMIT_MB, f"peak RSS {run.max_rss_mb:.0f} MB"
    assert not CONTROLS.search(run.stdout.replace("\n", "")), repr(run.stdout[:2000])
    db = sqlite_utils.Database(tmp_path / "nw.db")
    (row,) = db["items"].rows_where("source = 'huge'")
    assert len(row["title"]) <= 1_000 and row["title"].endswith("…")
    assert len(row["summary"]) <= 10_000 and row["summary"].endswith("…")
    assert len(row["author"]) <= 200 and row["author"].endswith("…")
    for field in ("title", "summary", "author", "body"):
        assert not CONTROLS.search(row[field]), f"{field}: {row[field][:200]!r}"
    assert row["title"].startswith("Aid to Honduras ]8;;http://evil.example/")
    snippets = {m["rule"]: m["snippet"] for m in db["matches"].rows_where("item_id = ?", [row["id"]])}
    assert set(snippets) == {"honduras", "capital"}
    assert all(len(s) < 1_500 and not CONTROLS.search(s) for s in snippets.values()), \
        {k: len(v) for k, v in snippets.items()}
    error = db["sources"].get("ctl")["last_error"]
    assert "is not an XML media type" in error and not CONTROLS.search(error), repr(error)
    assert not CONTROLS.search(list(db["runs"].rows)[-1]["errors"])
    # What a person reads in the terminal: no escape sequence, no bell.
    for args in (("rules", "test", "honduras"), ("alerts", "list"), ("status",)):
        shown = newswatch(*args, "-c", str(cfg), timeout=60)
        assert shown.returncode == 0, shown.output
        assert not CONTROLS.search(shown.stdout.replace("\n", "")), (args, repr(shown.stdout[:2000]))
    assert "Honduras" in newswatch("rules", "test", "honduras", "-c", str(cfg), timeout=60).stdout
