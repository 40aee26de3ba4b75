"""`newswatch run` follows the stories of [[follows]] tables, through the real
command on a local site: a seed page, and a feed whose articles link to it,
quote it, name its people and programme, or do none of these; the follow-ups
stored as matches of rule follow:<name>, alerted to a real chat receiver,
counted by `trends`, a page one hop beyond the sources that quotes the seed
kept under discovered:<host>; the next run stores nothing twice and fetches
no page again. Also: an item's outgoing links as stored (feed entry and page)."""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

import pytest
import sqlite_utils
from conftest import run_cli, write_config

from newswatch.demo.server import SiteServer
from newswatch.demo.sinks import ChatSink
from newswatch.formats import parse_feed

SEED = Path(__file__).resolve().parent / "data" / "seed_article.txt"
TITLE = "US Reverses Course in CentAm With Heavy-Handed 'Drug War' Approach"
QUOTED = ("Washington has done nothing more than return to its outdated foreign policy "
          "doctrines, first used in Central America following the Cold War")
FILLER = ("<p>The report was published on Tuesday and drew comments from analysts "
          "across the region, who said more information was needed before drawing "
          "conclusions about what it means for the coming year.</p>")


def seed_page() -> str:
    """The InSight Crime seed article as an HTML page (its text from tests/data/seed_article.txt)."""
    paragraphs = [p.strip() for p in SEED.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    body = "".join(f"<p>{html.escape(p)}</p>\n" for p in paragraphs[2:])
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(TITLE)}'
            f"</title></head><body><article><h1>{html.escape(TITLE)}</h1>{body}</article></body></html>")


def article_page(title: str, paragraphs: list[str], nav: str = "") -> str:
    """A news page: the site's menu (``nav``), then the article's paragraphs (HTML)."""
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f"</head><body><nav><ul>{nav}</ul></nav><article><h1>{title}</h1>"
            + "".join(f"<p>{p}</p>" for p in paragraphs) + FILLER * 3 + "</article></body></html>")


ARTICLES = {
    # slug: (title, paragraphs, menu)
    "linking": ("Analysts revisit the Miami conference", [
        'As <a href="/articles/seed.html?utm_source=newsletter">InSight Crime reported</a>, the '
        "meeting set the tone for the region's relations with Washington for years to come.",
        # Two pages on a host that is no source ("localhost", the same server): one hop out.
        'An <a href="{other}/outlet/echo.html">outlet abroad</a> saw it the same way, and the '
        '<a href="{other}/outlet/weather.html">weather</a> was fine.'], ""),
    "quoting": ("A step back for the region", [
        f"One analysis put it bluntly: “{QUOTED}.” Few in the capital disagreed with that reading."],
        ""),
    "naming": ("Officials under scrutiny", [
        "Roxana Baldetti, Óscar Ortiz, Jimmy Morales and Juan Orlando Hernández were all present "
        "when the Alliance for Prosperity was discussed again this week in the capital."], ""),
    "one-person": ("Court hears former vice president", [
        "Roxana Baldetti appeared before a court in Guatemala City on Monday on fraud charges "
        "unrelated to drug trafficking, her lawyers said."],
        # The menu links to the seed ("most read"): the article itself does not cite it.
        '<li><a href="/articles/seed.html">Most read: US reverses course</a></li>'),
    "outlet/echo": ("Seen from abroad", [
        f"An analysis of the Miami meeting concluded that “{QUOTED}”, and we agree.",
        # Its own text: a copy of the quoting article would be the same story (one alert).
        "Our correspondent in the region spoke with farmers, teachers and shopkeepers in three "
        "towns near the border, and most of them had not heard of the meeting at all.",
        "Local radio stations carried a short report on the evening news, between the football "
        'results and an advertisement for a new bank branch opening downtown, and <a '
        'href="{other}/outlet/far.html">a longer read</a> went further.'], ""),
    # Two hops out: linked only from the page one hop out.
    "outlet/far": ("The long read", [
        f"Looking back, one analyst wrote that “{QUOTED}”; the years since have not changed that.",
        "The essay then turns to the harvests of the highlands, the price of fertiliser and the "
        "roads that the rains wash away every autumn, which no conference has ever fixed."], ""),
    "outlet/coffee-prices": ("Coffee prices climb", [
        "Coffee prices climbed on the exchange after the short harvest, traders said."], ""),
    "outlet/weather": ("Sunny week ahead", [
        "Forecasters expect a dry and sunny week across the isthmus, with light winds."], ""),
    "unrelated": ("Coffee harvest falls short", [
        "Farmers in the western highlands said the coffee harvest fell short of expectations "
        'after an unusually dry season and a late onset of the rains; <a '
        'href="{other}/outlet/coffee-prices.html">prices</a> followed.'], ""),
}


def feed(base: str) -> str:
    """An RSS feed of the five articles, each a one-line teaser (so their pages are read)."""
    entries = "".join(
        f"<item><title>{html.escape(title)}</title><link>{base}/articles/{slug}.html</link>"
        f"<guid>{base}/articles/{slug}.html</guid><pubDate>Tue, 20 Jun 2017 10:00:00 GMT</pubDate>"
        f"<description>{html.escape(title)}.</description></item>"
        for slug, (title, _, _) in ARTICLES.items() if not slug.startswith("outlet/"))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Regional news'
            f"</title><link>{base}/</link><description>news</description>{entries}</channel></rss>")


@pytest.fixture
def news_site(tmp_path):
    root = tmp_path / "site"
    (root / "articles" / "outlet").mkdir(parents=True)
    (root / "feeds").mkdir()
    (root / "articles" / "seed.html").write_text(seed_page(), encoding="utf-8")
    with SiteServer(root) as server:
        other = server.url.replace("127.0.0.1", "localhost")
        for slug, (title, paragraphs, nav) in ARTICLES.items():
            page = article_page(title, [p.replace("{other}", other + "/articles") for p in paragraphs], nav)
            (root / "articles" / f"{slug}.html").write_text(page, encoding="utf-8")
        (root / "feeds" / "news.xml").write_text(feed(server.url), encoding="utf-8")
        yield server


@pytest.fixture
def chat():
    with ChatSink() as sink:
        yield sink


def follows_config(tmp_path: Path, site: SiteServer, chat: ChatSink, seed_url: str, extra: str = "") -> Path:
    tmp_path.mkdir(exist_ok=True)
    return write_config(
        tmp_path, site.url, None, [("regional", "/feeds/news.xml", "en")],
        rules=f'[[follows]]\nname = "miami-2017"\nurl = "{seed_url}"\nnotify = ["chat"]\n'
              "since = 2017-06-01\n",
        extra=f'[notify]\nurls = {{ chat = ["{chat.json_url()}"] }}\n' + extra)


def visited(db: sqlite_utils.Database) -> dict[str, str]:
    """Page name -> what discovery did with it (kept, dropped, failed)."""
    return {r["url"].rsplit("/", 1)[1]: r["status"] for r in db["discovered_pages"].rows}


def follow_ups(db: sqlite_utils.Database) -> dict[str, tuple[str, str]]:
    """Article slug -> (rule, snippet) of every stored follow-up."""
    rows = db.query("select i.url, m.rule, m.snippet from matches m join items i on i.id = m.item_id"
                    " where m.rule like 'follow:%'")
    return {r["url"].rsplit("/", 1)[1].removesuffix(".html"): (r["rule"], r["snippet"]) for r in rows}


def test_a_run_stores_alerts_and_counts_the_follow_ups_and_the_next_adds_nothing(
        tmp_path, news_site, chat):
    cfg = follows_config(tmp_path, news_site, chat, f"{news_site.url}/articles/seed.html")

    first = run_cli("run", "-c", str(cfg))

    assert first.returncode == 0, first.stdout + first.stderr
    assert "4 follow-ups of followed stories (1 of 2 pages one hop out kept)" in first.stdout
    db = sqlite_utils.Database(tmp_path / "nw.db")
    found = follow_ups(db)
    assert sorted(found) == ["echo", "linking", "naming", "quoting"], found
    assert {rule for rule, _ in found.values()} == {"follow:miami-2017"}
    assert found["linking"][1] == "links"
    assert found["quoting"][1].startswith('quotes "Washington has done nothing more than')
    assert found["echo"][1] == found["quoting"][1]
    assert found["naming"][1].startswith("names ")
    assert all(n in found["naming"][1] for n in ("Baldetti", "Ortiz", "Alliance for Prosperity"))
    # The link as stored: absolute, without its tracking parameter; the menu's link is not kept.
    links = {r["url"].rsplit("/", 1)[1]: json.loads(r["links"] or "[]") for r in db["items"].rows}
    other = news_site.url.replace("127.0.0.1", "localhost") + "/articles/outlet"
    assert links["linking.html"] == [f"{news_site.url}/articles/seed.html", f"{other}/echo.html",
                                     f"{other}/weather.html"]
    assert links["one-person.html"] == []
    # One hop out: the page that quotes the seed is kept under its host; the other is not.
    sources = {r["url"].rsplit("/", 1)[1]: r["source"] for r in db["items"].rows}
    assert sources["echo.html"] == "discovered:localhost" and "weather.html" not in sources
    assert visited(db) == {"echo.html": "kept", "weather.html": "dropped"}  # one hop: not far.html
    # One alert per follow-up, delivered to the chat receiver, naming the reason.
    assert chat.wait_for(4)
    posts = [p.body for p in chat.posts]
    assert len(posts) == 4
    assert sum("Officials under scrutiny" in p["title"] + p["message"] for p in posts) == 1
    assert any('quotes "Washington has done nothing more than' in p["message"] for p in posts)
    sent = list(db.query("select rule, status from alerts"))
    assert sent == [{"rule": "follow:miami-2017", "status": "sent"}] * 4
    trends = run_cli("trends", "-c", str(cfg), "--by", "rule", "--json", "--days", "100000")
    assert trends.returncode == 0, trends.stdout + trends.stderr
    assert "follow:miami-2017" in trends.stdout

    again = run_cli("run", "-c", str(cfg), "--source", "regional")

    assert again.returncode == 0, again.stdout + again.stderr
    assert follow_ups(db) == found
    assert db["alerts"].count == 4 and len(chat.posts) == 4
    for page in ("seed.html", "outlet/echo.html", "outlet/weather.html"):
        assert news_site.requests.count(f"GET /articles/{page}") == 1, page
    status = run_cli("status", "-c", str(cfg))
    assert "miami-2017: seed article read" in status.stdout, status.stdout
    assert "4 follow-ups" in status.stdout
    assert "one hop beyond the sources: 2 pages fetched, 1 kept" in status.stdout


def test_hops_2_keeps_what_a_page_one_hop_out_links_to_and_max_pages_caps_a_run(tmp_path, news_site, chat):
    seed = f"{news_site.url}/articles/seed.html"
    deep = follows_config(tmp_path / "deep", news_site, chat, seed, "[discovery]\nhops = 2\n")

    assert run_cli("run", "-c", str(deep)).returncode == 0
    db = sqlite_utils.Database(tmp_path / "deep" / "nw.db")
    assert visited(db) == {"echo.html": "kept", "weather.html": "dropped", "far.html": "kept"}
    assert follow_ups(db)["far"][1].startswith('quotes "Washington has done nothing more than')

    capped = follows_config(tmp_path / "capped", news_site, chat, seed, "[discovery]\nmax_pages = 1\nhops = 2\n")
    assert run_cli("run", "-c", str(capped)).returncode == 0
    assert len(visited(sqlite_utils.Database(tmp_path / "capped" / "nw.db"))) == 1

    off = follows_config(tmp_path / "off", news_site, chat, seed, "[discovery]\nmax_pages = 0\n")
    assert run_cli("run", "-c", str(off)).returncode == 0
    off_db = sqlite_utils.Database(tmp_path / "off" / "nw.db")
    assert sorted(follow_ups(off_db)) == ["linking", "naming", "quoting"]  # no page beyond the sources
    assert not off_db["discovered_pages"].exists() or visited(off_db) == {}


def test_discovery_rules_follow_the_links_of_items_a_chosen_rule_matched(tmp_path, news_site):
    cfg = write_config(
        tmp_path, news_site.url, None, [("regional", "/feeds/news.xml", "en")],
        rules='[[rules]]\nname = "coffee"\nquery = "coffee"\nnotify = []\n',
        extra='[discovery]\nrules = ["coffee"]\n')

    result = run_cli("run", "-c", str(cfg))

    assert result.returncode == 0, result.stdout + result.stderr
    db = sqlite_utils.Database(tmp_path / "nw.db")
    assert visited(db) == {"coffee-prices.html": "kept"}
    kept = {r["url"].rsplit("/", 1)[1]: r["source"] for r in db["items"].rows}
    assert kept["coffee-prices.html"] == "discovered:localhost"
    rules = {r["rule"] for r in db.query(
        "select m.rule from matches m join items i on i.id = m.item_id where i.url like '%coffee-prices%'")}
    assert rules == {"coffee"}


@pytest.mark.parametrize("table, message", [
    ("hops = 0", "discovery.hops: must be 1 to 3, not 0"),
    ("max_pages = -1", "discovery.max_pages: must be a whole number >= 0"),
    ('rules = ["nope"]', "discovery.rules: no rule named 'nope'"),
    ("depth = 2", "discovery.depth: unknown setting; valid: max_pages, hops, rules"),
])
def test_a_bad_discovery_table_is_named_with_its_line(tmp_path, table, message):
    cfg = write_config(tmp_path, "http://127.0.0.1:9", None, [("regional", "/feeds/news.xml", "en")],
                       extra=f"[discovery]\n{table}\n")

    result = run_cli("check", "-c", str(cfg))

    assert result.returncode == 2
    line = next(n for n, text in enumerate(cfg.read_text().splitlines(), 1) if text == table)
    assert f"{cfg}:{line}: {message}" in result.stdout + result.stderr


def test_a_seed_that_cannot_be_fetched_is_recorded_and_the_run_goes_on(tmp_path, news_site, chat):
    cfg = follows_config(tmp_path, news_site, chat, f"{news_site.url}/articles/gone.html")

    run = run_cli("run", "-c", str(cfg))

    assert run.returncode == 0, run.stdout + run.stderr
    assert "follow miami-2017: seed article not read" in " ".join(run.stdout.split())
    db = sqlite_utils.Database(tmp_path / "nw.db")
    assert db["items"].count == 5 and follow_ups(db) == {}
    status = run_cli("status", "-c", str(cfg))
    assert "miami-2017: seed article not read" in status.stdout, status.stdout
    assert "404" in status.stdout
    # Fixed (the page is back), the next run reads it and tests the items already stored
    # (the feed is unchanged: nothing new arrives); none links to this address.
    shutil.copy(news_site.root / "articles" / "seed.html", news_site.root / "articles" / "gone.html")
    fixed = run_cli("run", "-c", str(cfg), "--source", "regional")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert news_site.requests.count("GET /articles/gone.html") == 2
    assert sorted(follow_ups(db)) == ["naming", "quoting"]
    assert "miami-2017: seed article read" in run_cli("status", "-c", str(cfg)).stdout


def test_a_feed_entry_keeps_the_links_of_its_html_absolute_and_clean():
    body = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item>'
            b"<title>A</title><link>https://news.example/a/1</link><description>"
            b"&lt;p&gt;See &lt;a href=&quot;/b/2?utm_source=rss&amp;amp;id=7&quot;&gt;this&lt;/a&gt;"
            b" and &lt;a href='mailto:x@y.org'&gt;mail&lt;/a&gt; and "
            b"&lt;a href=&quot;https://other.example/c#top&quot;&gt;that&lt;/a&gt;&lt;/p&gt;"
            b"</description></item></channel></rss>")

    [item] = parse_feed(body, "https://news.example/feed").entries

    assert item.links == ["https://news.example/b/2?id=7", "https://other.example/c"]
