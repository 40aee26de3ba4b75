"""Canonical URLs: one spelling per article."""

import pytest

from newswatch.formats.urls import canonical_url, clean_url, unwrap_redirect


@pytest.mark.parametrize("raw, canonical", [
    ("https://Example.ORG/a?utm_source=rss&utm_medium=feed", "https://example.org/a"),
    ("https://example.org/a?id=7&fbclid=abc&gclid=x", "https://example.org/a?id=7"),
    ("https://example.org/a#comments", "https://example.org/a"),
    ("HTTPS://example.org:443/a", "https://example.org/a"),
    ("http://example.org:8080/a", "http://example.org:8080/a"),
    ("https://example.org", "https://example.org/"),
    ("https://example.org/a?b=2&a=1", "https://example.org/a?b=2&a=1"),  # order kept
    ("https://example.org/Path/Case", "https://example.org/Path/Case"),  # paths are case-sensitive
])
def test_canonical_url(raw, canonical):
    assert canonical_url(raw) == canonical


def test_canonical_url_is_the_wrapped_article():
    # Dedup keys on the article, however it was linked.
    wrapped = "https://www.google.com/url?rct=j&sa=t&url=https://Outlet.example/a?utm_source=ga&ct=ga"
    assert canonical_url(wrapped) == "https://outlet.example/a"


@pytest.mark.parametrize("wrapped, target", [
    # Google Alerts (the feed's own form), and search results' q=
    ("https://www.google.com/url?rct=j&sa=t&url=https://investorplace.com/2019/07/slack/&ct=ga&cd=CAIy&usg=AFQ",
     "https://investorplace.com/2019/07/slack/"),
    ("https://www.google.co.uk/url?q=https://outlet.example/a%3Fid%3D3&sa=D", "https://outlet.example/a?id=3"),
    ("http://news.google.com/news/url?sa=t&fd=R&url=http://outlet.example/b&usg=x", "http://outlet.example/b"),
    # Bing News: lower-case percent escapes
    ("http://www.bing.com/news/apiclick.aspx?ref=FexRss&aid=&tid=9&url=https%3a%2f%2fwww.latribuna.hn%2f2018%2ftps%2f"
     "&c=1&mkt=es-xl", "https://www.latribuna.hn/2018/tps/"),
    ("https://l.facebook.com/l.php?u=https%3A%2F%2Foutlet.example%2Fc&h=AT0", "https://outlet.example/c"),
    ("https://www.youtube.com/redirect?event=video&q=https%3A%2F%2Foutlet.example%2Fd", "https://outlet.example/d"),
    ("https://duckduckgo.com/l/?uddg=https%3A%2F%2Foutlet.example%2Fe&rut=x", "https://outlet.example/e"),
    ("https://nam02.safelinks.protection.outlook.com/?url=https%3A%2F%2Foutlet.example%2Ff&data=1",
     "https://outlet.example/f"),
    # nested: Google around Facebook
    ("https://www.google.com/url?q=https%3A%2F%2Fl.facebook.com%2Fl.php%3Fu%3Dhttps%253A%252F%252Foutlet.example%252Fg",
     "https://outlet.example/g"),
])
def test_unwrap_redirect(wrapped, target):
    assert unwrap_redirect(wrapped) == target


@pytest.mark.parametrize("url", [
    "https://news.google.com/rss/articles/CBMiXWh0dHBzOi8v?oc=5",  # encoded: only following it tells
    "https://www.google.com/url?url=javascript:alert(1)",  # the target must be a web address
    "https://www.google.com/url?url=/relative/path",
    "https://www.google.com/search?q=https://outlet.example/a",  # not a wrapper, a search
    "https://notgoogle.com/url?url=https://outlet.example/a",
    "https://outlet.example/share?url=https://other.example/b",  # unknown hosts are left alone
    "https://www.google.com/url?url=http://127.0.0.1:99999/x",  # a broken target
])
def test_what_is_not_a_known_wrapper_is_left_alone(url):
    assert unwrap_redirect(url) == url


@pytest.mark.parametrize("raw, clean", [
    ("https://Example.ORG/A/b?id=7&utm_source=rss&UTM_Medium=x&fbclid=1", "https://Example.ORG/A/b?id=7"),
    ("https://example.org/a?utm_source=rss#section-2", "https://example.org/a#section-2"),  # the outlet's fragment
    ("https://example.org/a#xtor=RSS-3208", "https://example.org/a"),  # a fragment that only tracks
    ("https://example.org/a?q=a%20b&b=1&utm_campaign=c", "https://example.org/a?q=a%20b&b=1"),  # spelling kept
    ("https://example.org/a?b=2&a=1", "https://example.org/a?b=2&a=1"),
    ("https://example.org/a?gclid=x", "https://example.org/a"),
    ("https://example.org/p/Utm_notes.html", "https://example.org/p/Utm_notes.html"),  # paths are not queries
])
def test_clean_url_drops_tracking_and_keeps_the_rest(raw, clean):
    assert clean_url(raw) == clean


@pytest.mark.parametrize("url, host", [
    ("https://www.InsightCrime.org./news/tps-honduras/", "www.insightcrime.org"),
    ("http://127.0.0.1:8097/feeds/1.xml?utm_source=rss", "127.0.0.1"),
    ("http://elfaro.net", "elfaro.net"),
    ("http://elfaro.net#top", "elfaro.net"),
    # user info, IPv6 literals, odd ports and schemes go through urllib, which reads them
    ("http://127.0.0.1:@8097/relative/link", "8097"),
    ("http://reader:secret@feeds.example.org/rss", "feeds.example.org"),
    ("http://[2001:db8::1]:8080/rss", "2001:db8::1"),
    ("HTTP://LaPrensa.hn/", "laprensa.hn"),
    ("ftp://files.example.org/a", "files.example.org"),
    ("not a url", ""),
    ("", ""),
])
def test_host_of_reads_the_host_as_urllib_does(url, host):
    """The source-owns-its-items check reads every item's host; the quick reading agrees with urllib's."""
    from urllib.parse import urlsplit

    from newswatch.formats.owners import host_of

    assert host_of(url) == host == (urlsplit(url).hostname or "").rstrip(".")
