"""Stored bodies keep their paragraphs: a blank line ("\\n\\n") between paragraphs, "\\n" for a <br>.

The rule language's NEAR/p and NEAR/s see these paragraphs, so a body that
came in as HTML (content:encoded, JSON Feed content_html), as plain text
(JSON Feed content_text) or as an article page must not be folded to one line.
Titles, summaries and bylines stay one line.
"""

from __future__ import annotations

import asyncio
import json
import time

import pytest
import sqlite_utils
from sources_helpers import FixtureSite, config, db
from test_browse import make_newsroom

from newswatch.browse.server import make_datasette
from newswatch.formats.articles import extract_article
from newswatch.formats.feeds import parse_feed
from newswatch.formats.htmltext import html_to_paragraphs, html_to_text, text_paragraphs


@pytest.mark.parametrize("html, text", [
    ("<p>One  two\nthree</p>\n<p>Second &amp; more</p><p>Third</p>", "One two three\n\nSecond & more\n\nThird"),
    ("a<br>b<br><br>c<br/> <br />d", "a\nb\n\nc\n\nd"),
    ("<div><div><h2>Head</h2><ul><li>x</li><li>y</li></ul></div></div>tail", "Head\n\nx\n\ny\n\ntail"),
    ("<blockquote>Quoted</blockquote>Said <b>he</b>.", "Quoted\n\nSaid he ."),
    ("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\n\nc"),
    ("<pre>line 1\n  line 2\n\nline 4</pre>after", "line 1\nline 2\n\nline 4\n\nafter"),
    ("<P CLASS=x>Upper</P><BR>case", "Upper\n\ncase"),
    # Empty paragraphs and leading or trailing blocks leave no blank lines behind.
    ("\n<p>&nbsp;</p><div> </div><p>only</p><p></p><br>\n", "only"),
    # Scripts, styles and comments leave no text, even when they hold paragraph tags.
    ("<p>x<script>var a='<p>';</script>y</p><!-- <p>TPS</p> --><style>p{}</style>", "x y"),
    # <pa> and <preview> are not <p> and <pre>.
    ("<pa>x</pa>y<preview>z\nw</preview><p>v", "x y z w\n\nv"),
    # Entities that spell tags or marks are text, not structure.
    ("<p>&lt;p&gt; is a tag&#30;</p>", "<p> is a tag"),
])
def test_html_to_paragraphs(html, text):
    assert html_to_paragraphs(html) == text
    assert html_to_text(html) == " ".join(text.split())  # the one-line text has the same words


def test_a_less_than_sign_before_a_paragraph_tag_is_text():
    # A browser shows "a < b"; html_to_text, which knows no tag names, drops "< b</p>".
    assert html_to_paragraphs("<p>a < b</p><p>c") == "a < b\n\nc"


def test_a_fragment_without_blocks_keeps_its_own_blank_lines():
    assert html_to_paragraphs("Hello <b>world</b>\n\n\n  second\r\nline") == "Hello world\n\nsecond\nline"
    assert html_to_paragraphs("no tags &amp; two\n \nparas") == "no tags & two\n\nparas"


def test_text_paragraphs_folds_blank_line_runs_and_spaces():
    assert text_paragraphs(" \n\n a  \t b \n c\n\n\n \n\nd \n") == "a b\nc\n\nd"
    assert text_paragraphs(None) == ""


@pytest.mark.timeout(30)
@pytest.mark.parametrize("hostile", ["<" * 200_000, "<p" * 100_000, "<pre>" + "\n<" * 100_000,
                                     "<br" * 70_000, "<pre" * 50_000, "<p a" * 50_000])
def test_hostile_markup_is_read_in_linear_time(hostile):
    start = time.perf_counter()
    html_to_paragraphs(hostile)
    assert time.perf_counter() - start < 2  # about 0.2 s; the quadratic patterns took minutes


def test_a_feed_keeps_the_body_s_paragraphs_and_a_one_line_title_summary_and_author():
    body = b"""<?xml version="1.0"?>
    <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
         xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>t</title><link>https://x.example/</link>
    <item><title>Aid&lt;br&gt;to
    Honduras</title><link>https://x.example/a</link><dc:creator>Ana&lt;br&gt;
      P\xc3\xa9rez</dc:creator>
    <description>&lt;p&gt;Lead one.&lt;/p&gt;&lt;p&gt;Lead two.&lt;/p&gt;</description>
    <content:encoded><![CDATA[<p>Para one.</p>
    <p>Para two<br>wrapped.</p><ul><li>Item</li></ul>]]></content:encoded></item></channel></rss>"""
    (e,) = parse_feed(body, "https://x.example/feed.xml").entries
    assert e.body == "Para one.\n\nPara two\nwrapped.\n\nItem"
    assert (e.title, e.summary, e.author) == ("Aid to Honduras", "Lead one. Lead two.", "Ana Pérez")


def test_a_body_that_only_repeats_the_summary_is_not_stored_twice():
    body = b"""<?xml version="1.0"?>
    <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>t</title>
    <link>https://x.example/</link><item><title>T</title><link>https://x.example/a</link>
    <description>&lt;p&gt;One.&lt;/p&gt;&lt;p&gt;Two.&lt;/p&gt;</description>
    <content:encoded><![CDATA[<p>One.</p><p>Two.</p>]]></content:encoded></item></channel></rss>"""
    (e,) = parse_feed(body, "https://x.example/feed.xml").entries
    assert (e.summary, e.body) == ("One. Two.", "")


def test_json_feed_bodies_keep_paragraphs_from_html_and_from_plain_text():
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [
        {"id": "1", "url": "https://x.example/1", "title": "A", "content_html": "<p>One.</p><p>Two.</p>"},
        {"id": "2", "url": "https://x.example/2", "title": "B",
         "content_text": "First para,\r\nwrapped.\r\n\r\n\r\n  Second para.  \n"},
    ]}
    a, b = parse_feed(json.dumps(doc).encode(), "https://x.example/feed.json").entries
    assert a.body == "One.\n\nTwo."
    assert b.body == "First para,\nwrapped.\n\nSecond para."


def _article_page(paragraphs: list[str]) -> str:
    ps = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><title>Aid to Honduras</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>Aid to Honduras</h1>{ps}<ul><li>First listed point of the story</li>"
            f"<li>Second listed point of the story</li></ul></article><footer>© Site</footer></body></html>")


_WORDS = ("the ministry said on tuesday that the programme would continue for another year while officials "
          "reviewed the results")


def test_an_article_page_keeps_paragraphs_headings_list_items_and_line_breaks():
    page = _article_page([f"Alpha {_WORDS}.", f"Bravo {_WORDS}<br>with a line break.", f"Charlie {_WORDS}."])
    body = extract_article(page.encode(), "https://x.example/a")["body"]
    assert body.split("\n\n") == [
        "Aid to Honduras", f"Alpha {_WORDS}.", f"Bravo {_WORDS}\nwith a line break.", f"Charlie {_WORDS}.",
        "- First listed point of the story", "- Second listed point of the story",
    ]


def test_a_control_character_in_a_page_loses_only_itself():
    # One terminal escape or NUL used to make the extractor give up on the whole page.
    page = _article_page([f"Alpha {_WORDS}.", f"Bravo \x1b[31m{_WORDS}\x00.", f"Charlie {_WORDS}."])
    body = extract_article(page.encode(), "https://x.example/a")["body"]
    assert f"Bravo [31m{_WORDS}." in body.split("\n\n")
    assert "\x1b" not in body and "\x00" not in body


def _feed(base: str) -> bytes:
    full = "".join(f"<p>{name} {_WORDS} {_WORDS} {_WORDS}.</p>\n" for name in ("Alpha", "Bravo", "Charlie"))
    return f"""<?xml version="1.0" encoding="utf-8"?>
    <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
    <title>Wire</title><link>{base}/</link>
    <item><title>Full text in the feed</title><link>{base}/full.html</link><guid>{base}/full.html</guid>
    <description>Alpha, Bravo and Charlie.</description>
    <content:encoded><![CDATA[{full}]]></content:encoded></item>
    <item><title>A teaser</title><link>{base}/page.html</link><guid>{base}/page.html</guid>
    <description>Delta and more… Read more</description></item>
    </channel></rss>""".encode()


def test_a_run_stores_feed_and_page_bodies_with_blank_lines_between_paragraphs(tmp_path, cli):
    root = tmp_path / "site"
    root.mkdir()
    with FixtureSite(root) as site:
        site.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml; charset=utf-8"}, _feed(site.url))
        page = _article_page([f"Delta {_WORDS}.", f"Echo {_WORDS}.", f"Foxtrot {_WORDS}."])
        site.routes["/page.html"] = (200, {"Content-Type": "text/html; charset=utf-8"}, page.encode())
        site.routes["/full.html"] = (500, {}, b"never fetched: the feed has the full text")
        cfg = config(tmp_path, f"""
            [[sources]]
            name = "wire"
            url = "{site.url}/feed.xml"
            fetch_articles = true
            """, rules="""
            [[rules]]
            name = "programme"
            query = '"programme would continue"'
            """)
        result = cli("run", "-c", str(cfg))
        assert result.returncode == 0, result.stderr
        assert site.requested("/page.html") and not site.requested("/full.html")
    items = {r["url"].rsplit("/", 1)[1]: r for r in db(tmp_path)["items"].rows}
    full = items["full.html"]["body"]
    assert full.split("\n\n") == [f"{n} {_WORDS} {_WORDS} {_WORDS}." for n in ("Alpha", "Bravo", "Charlie")]
    page_body = items["page.html"]["body"]
    assert [p.split()[0] for p in page_body.split("\n\n")][:4] == ["Aid", "Delta", "Echo", "Foxtrot"]
    # Summaries and snippets are one line; matching reads across the line breaks.
    assert items["page.html"]["summary"] == "Delta and more… Read more"
    snippets = [m["snippet"] for m in db(tmp_path)["matches"].rows]
    assert len(snippets) == 2 and all(s and "\n" not in s for s in snippets)


def test_a_watched_page_is_stored_a_paragraph_per_block_and_an_unchanged_page_adds_nothing(tmp_path, cli):
    root = tmp_path / "site"
    root.mkdir()
    page = _article_page([f"Alpha {_WORDS}.", f"Bravo {_WORDS}.", f"Charlie {_WORDS}."]).encode()
    with FixtureSite(root) as site:
        site.routes["/notice.html"] = (200, {"Content-Type": "text/html; charset=utf-8"}, page)
        cfg = config(tmp_path, f"""
            [[sources]]
            name = "notice"
            kind = "page"
            url = "{site.url}/notice.html"
            selectors = {{ content = "article" }}
            """)
        for _ in range(2):  # the second run compares with the stored paragraphs: no change
            result = cli("run", "-c", str(cfg))
            assert result.returncode == 0, result.stderr
    (item,) = db(tmp_path)["items"].rows
    assert item["body"].split("\n\n") == [
        "Aid to Honduras", f"Alpha {_WORDS}.", f"Bravo {_WORDS}.", f"Charlie {_WORDS}.",
        "First listed point of the story", "Second listed point of the story",
    ]


def test_the_datasette_item_page_shows_the_body_s_paragraphs(tmp_path):
    newsroom = make_newsroom(tmp_path)
    sqlite_utils.Database(newsroom.database)["items"].update("tps", {"body": "One & two.\n\nThree\nfour."})
    ds = make_datasette(newsroom)

    async def fetch():
        return await ds.client.get("/nw/items/tps")

    page = asyncio.run(fetch()).text
    # Datasette's cells keep their line breaks (white-space: pre-wrap): the paragraphs show.
    assert '<td class="col-body type-str">One &amp; two.\n\nThree\nfour.</td>' in page
