"""Feed documents to entries: the formats newswatch promises to read."""

from pathlib import Path

import pytest

from newswatch.formats.feeds import MAX_ENCLOSURES, FeedError, author_name, parse_feed

FIX = Path(__file__).parent / "fixtures"


def test_rss2_entry_fields_are_text_in_utc():
    feed = parse_feed((FIX / "rss2.xml").read_bytes(), "https://wire.example.org/feed.xml")
    first = feed.entries[0]
    assert first.title == "US extends TPS for Hondurans"
    assert first.summary == "The Department of Homeland Security extended Temporary Protected Status."
    assert first.body.startswith("The Department of Homeland Security extended Temporary Protected Status for Honduras.")
    assert first.author == "Ana Pérez"
    assert first.published == "2017-07-04T18:30:00Z"
    assert first.guid == "wire-0001"
    assert feed.lang == "en-us"


def test_rss2_skips_entries_without_link_and_resolves_relative_links():
    feed = parse_feed((FIX / "rss2.xml").read_bytes(), "https://wire.example.org/feed.xml")
    assert [e.title for e in feed.entries] == ["US extends TPS for Hondurans", "Relative link"]
    assert feed.entries[1].url == "https://wire.example.org/2017/relative.html"


def test_atom_language_author_and_offset_dates():
    feed = parse_feed((FIX / "atom.xml").read_bytes(), "https://diario.example.org/atom.xml")
    (e,) = feed.entries
    assert e.title == "Conferencia en Miami sobre el Triángulo Norte"
    assert e.url == "https://diario.example.org/2017/06/miami.html"
    assert e.author == "José Hernández"
    assert e.published == "2017-06-16T14:00:00Z"
    assert feed.lang == "es"


def test_rss1_rdf():
    feed = parse_feed((FIX / "rss1.rdf").read_bytes(), "https://rdf.example.org/index.rdf")
    (e,) = feed.entries
    assert e.title == "USAID budget cut for Guatemala"
    assert e.published == "2018-02-12T10:00:00Z"


def test_json_feed_by_content_type_and_by_shape():
    body = (FIX / "feed.json").read_bytes()
    for ctype in ("application/feed+json", None):
        feed = parse_feed(body, "https://json.example.org/feed.json", ctype)
        (e,) = feed.entries  # the item without a URL is skipped
        assert e.url == "https://json.example.org/1"
        assert e.body == "A court in Guatemala City sentenced the former vice president Roxana Baldetti."
        assert e.author == "Desk"
        assert e.published == "2018-10-03T07:00:00Z"
        assert feed.lang == "en"


@pytest.mark.parametrize("body", [b"<html><body>Not a feed</body></html>", b"", b"{\"items\": 3}", b"{broken json"])
def test_not_a_feed_is_a_clear_error(body):
    with pytest.raises(FeedError) as exc:
        parse_feed(body, "https://x.example.org/feed")
    assert "feed" in str(exc.value).lower()


def test_scripts_styles_and_comments_leave_no_text():
    # feedparser's sanitizer is off (html_to_text does its work): what it would
    # drop with its content must not reach the stored text or the matcher.
    body = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>https://x.example/</link>
    <item><title>Aid &lt;script&gt;var TPS = 1&lt;/script&gt; to Honduras</title><link>https://x.example/a</link>
    <description>&lt;style&gt;p { color: red }&lt;/style&gt;&lt;p&gt;Text&lt;!-- TPS --&gt; here&lt;/p&gt;
    &lt;SCRIPT type="x"&gt;never closed TPS</description></item></channel></rss>"""
    (e,) = parse_feed(body, "https://x.example/feed.xml").entries
    assert e.title == "Aid to Honduras"
    assert e.summary == "Text here"


@pytest.mark.timeout(60)  # a hang guard: the old tag pattern needed minutes for this feed
def test_a_title_of_a_million_angle_brackets_is_read_as_text():
    # "<" that no ">" follows is text. A pattern that rescanned to the end from
    # each one made a hostile feed hold a worker for minutes.
    title = "&lt;" * 1_000_000
    body = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>https://x.example/</link>'
            f'<item><title>{title}</title><link>https://x.example/a</link>'
            f'<description>&lt;script {title}</description></item></channel></rss>').encode()
    (e,) = parse_feed(body, "https://x.example/feed.xml").entries
    assert e.title == "<" * 1_000_000
    assert e.summary == ""  # an unclosed script runs to the end


@pytest.mark.parametrize("byline, name", [
    ("John Doe (john.doe@example.com)", "John Doe"),
    ("john.doe@example.com (John Doe)", "John Doe"),
    ("Jane Roe <jane@example.com>", "Jane Roe"),
    ("mailto:desk@example.com (Mesa de Redacción)", "Mesa de Redacción"),
    ("newsroom@example.com", ""),  # a mailbox, not a person
    ("Ana Pérez", "Ana Pérez"),
    ("By Ana Pérez, ana@example.com", "By Ana Pérez"),
])
def test_author_name_drops_mail_addresses(byline, name):
    assert author_name(byline) == name


RSS = """<?xml version="1.0"?><rss version="2.0" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"
 xmlns:media="http://search.yahoo.com/mrss/"><channel><title>t</title><link>https://x.example/</link>{}</channel></rss>"""


def test_feedburner_origlink_is_the_url_and_the_proxy_the_raw_url():
    body = RSS.format("""<item><title>a</title><link>http://feeds.feedburner.com/~r/x/~3/abc/</link>
    <feedburner:origLink>https://x.example/a</feedburner:origLink>
    <feedburner:origEnclosureLink>https://x.example/a.mp3</feedburner:origEnclosureLink>
    <enclosure url="http://feeds.feedburner.com/~r/x/~5/a.mp3" type="audio/mpeg" length="1"/>
    <pubDate>Tue, 04 Jul 2017 18:30:00 GMT</pubDate></item>""").encode()
    (e,) = parse_feed(body, "https://x.example/feed.xml").entries
    assert (e.url, e.raw_url, e.canonical_url) == (
        "https://x.example/a", "http://feeds.feedburner.com/~r/x/~3/abc/", "https://x.example/a")
    assert e.enclosures == ["https://x.example/a.mp3"]  # the original file, not the proxy's
    assert e.published_from == "feed"


def test_a_guid_that_is_no_permalink_is_never_the_url():
    body = RSS.format("""
    <item><title>only an id</title><guid isPermaLink="false">https://x.example/?p=1</guid></item>
    <item><title>id and a link</title><link>javascript:void(0)</link><guid isPermaLink='FALSE'>https://x.example/?p=2</guid></item>
    <item><title>a permalink guid</title><link>javascript:void(0)</link><guid>https://x.example/3</guid></item>
    <item><title>no link</title></item>
    <item><title>bad link</title><link>http://x.example:99999/5</link></item>""").encode()
    feed = parse_feed(body, "https://x.example/feed.xml")
    assert [e.url for e in feed.entries] == ["https://x.example/3"]
    assert (feed.skipped, feed.bad_links) == (3, 1)
    assert feed.skipped_why == "3 no http(s) link, 1 bad link"
    assert parse_feed(RSS.format("<item><title>a</title><link>https://x.example/a</link></item>").encode(),
                      "https://x.example/feed.xml").skipped_why is None


def test_enclosures_are_web_links_once_and_capped():
    media = "".join(f'<media:content url="https://cdn.x.example/{i}.jpg" medium="image"/>' for i in range(30))
    body = RSS.format(f"""<item><title>a</title><link>https://x.example/a</link>
    <enclosure url="/audio/a.mp3" type="audio/mpeg" length="1"/>
    <media:content url="https://x.example/audio/a.mp3"/><media:content url="ftp://x.example/a.mp3"/>{media}
    </item>""").encode()
    (e,) = parse_feed(body, "https://x.example/feed.xml").entries
    assert e.enclosures[:2] == ["https://x.example/audio/a.mp3", "https://cdn.x.example/0.jpg"]
    assert len(e.enclosures) == MAX_ENCLOSURES and len(set(e.enclosures)) == MAX_ENCLOSURES


def test_atom_authors_and_wrapped_links():
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><title>a</title>
    <link href="https://www.google.com/url?rct=j&amp;sa=t&amp;url=https://x.example/a&amp;ct=ga"/>
    <link rel="enclosure" href="https://x.example/a.mp3"/>
    <author><name>A One</name><email>a@x.example</email></author><author><name>B Two</name></author>
    <updated>2017-07-04T18:30:00Z</updated></entry></feed>"""
    (e,) = parse_feed(body, "https://x.example/atom.xml").entries
    assert e.url == "https://x.example/a" and e.raw_url.startswith("https://www.google.com/url?")
    assert e.author == "A One, B Two"
    assert e.enclosures == ["https://x.example/a.mp3"]


def test_feeds_read_the_same_where_libxml2s_sax_driver_is_installed(monkeypatch):
    """feedparser would prefer libxml2's driver where its bindings are installed; newswatch
    reads every feed with Python's own expat parser, on every machine."""
    import sys
    import types
    import xml.sax

    used = []

    def create_parser():
        used.append("drv_libxml2")
        raise xml.sax.SAXReaderNotAvailable("not a real driver", None)

    driver = types.ModuleType("drv_libxml2")
    driver.create_parser = create_parser
    monkeypatch.setitem(sys.modules, "drv_libxml2", driver)
    feed = parse_feed((FIX / "rss2.xml").read_bytes(), "https://wire.example.org/feed.xml")
    assert feed.entries[0].title == "US extends TPS for Hondurans"
    assert used == []
