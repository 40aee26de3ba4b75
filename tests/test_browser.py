"""A real browser on a real server: headless Chromium reads what ``newswatch serve`` serves.

The server is ``python -m newswatch.browse -c CFG --port 0`` in a subprocess
(it prints its URL, like Scrapy's test servers); the browser is Debian's
``/usr/bin/chromium`` run once per page with ``--dump-dom`` (the DOM after the
page's scripts ran) or ``--screenshot``. Screenshots land in
``test-artifacts/browser/`` at the repository root for a person to look at.
"""

from __future__ import annotations

import re
import select
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from test_browse import make_newsroom

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "browser"
# As root, offline: no sandbox, no GPU, and none of the background calls home.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    "--window-size=1280,1000", "--hide-scrollbars",
]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="chromium not installed: apt-get install chromium chromium-driver"
)


def _read_url(proc: subprocess.Popen, deadline: float, log: Path) -> str:
    """The database's URL, the last the server prints on its first line (the desk's comes first)."""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        line = proc.stdout.readline()
        if not line:  # the server exited
            break
        urls = [word for word in line.split() if word.startswith("http://")]
        if urls:
            assert urls[0] == urls[-1][: urls[-1].rindex("/") + 1], line  # the desk is /
            return urls[-1]
    proc.kill()
    raise AssertionError(f"server printed no URL; its log:\n{log.read_text(errors='replace')}")


def _wait_for_port(host: str, port: int, deadline: float) -> None:
    while True:
        try:
            socket.create_connection((host, port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``python -m newswatch.browse`` on a free 127.0.0.1 port; yields the database URL."""
    directory = tmp_path_factory.mktemp("browse")
    config = make_newsroom(directory)
    log = directory / "server.log"
    with log.open("w") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "newswatch.browse", "-c", str(config.path), "--port", "0"],
            stdout=subprocess.PIPE, stderr=stderr, text=True,
        )
        try:
            deadline = time.monotonic() + 30
            url = _read_url(proc, deadline, log)
            parts = urlsplit(url)
            _wait_for_port(parts.hostname, parts.port, deadline)
            assert parts.hostname == "127.0.0.1"
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Run Chromium once: ``browser("--dump-dom", url)`` -> CompletedProcess."""
    profile = tmp_path_factory.mktemp("chromium-profile")

    def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True, text=True, timeout=timeout,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        return result

    return run


def dump_dom(browser, url: str) -> str:
    return browser("--dump-dom", url).stdout


def screenshot(browser, url: str, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    path.unlink(missing_ok=True)
    browser(f"--screenshot={path}", url)
    assert path.exists() and path.stat().st_size > 10_000, f"no screenshot of {url}"
    return path


def test_search_items_for_baldetti(server, browser):
    dom = dump_dom(browser, f"{server}/items?_search=Baldetti")
    assert '2 rows where search matches "Baldetti"' in dom
    assert "Roxana Baldetti será extraditada a Estados Unidos" in dom
    assert "Baldetti to face US drug trafficking charges" in dom
    assert "Juan Orlando Hernández" not in dom
    # The search box carries the query, so the next search starts from it.
    assert 'name="_search" value="Baldetti"' in dom
    screenshot(browser, f"{server}/items?_search=Baldetti", "items-search-baldetti.png")


def test_accent_blind_search_in_the_browser(server, browser):
    dom = dump_dom(browser, f"{server}/items?_search=Hernandez")
    assert "Juan Orlando Hernández acusado en Nueva York" in dom
    assert '1 row where search matches "Hernandez"' in dom


def _day_bars(dom: str) -> dict[str, int]:
    """Each chart bar's day and story count, as the browser built the SVG's DOM."""
    bars = re.findall(r'<rect class="day"[^>]*data-day="([\d-]+)" data-stories="(\d+)"', dom)
    return {day: int(n) for day, n in bars}


def test_the_desk_shows_a_chart_and_the_latest_stories_per_topic(server, browser):
    desk = server[: server.rindex("/") + 1]
    dom = dump_dom(browser, desk)
    assert "newswatch: the desk" in dom
    sections = dict(re.findall(r'<section class="newswatch-topic" data-topic="([^"]*)">(.*?)</section>', dom, re.S))
    assert list(sections) == ["Officials", "TPS", "Aid"]
    for topic, section in sections.items():
        assert section.count("<svg") == 1, topic
        assert len(_day_bars(section)) == 30, topic  # one bar per day, empty days included
    assert {d: n for d, n in _day_bars(sections["Officials"]).items() if n} == {
        "2017-06-18": 1, "2017-06-19": 1, "2017-06-20": 1}
    officials = sections["Officials"]
    assert "Juan Orlando Hernández acusado en Nueva York" in officials
    assert "<mark>Baldetti</mark> to face US drug trafficking charges" in officials
    assert "covered by 2 outlets, first by prensalibre" in officials
    assert 'href="/nw/rule-officials.atom"' in officials
    assert 'href="/-/datasette"' in dom
    shot = screenshot(browser, desk, "desk.png")
    assert shot.stat().st_size > 30_000  # bars and text, not a blank page


def test_rule_query_page_and_its_atom_feed(server, browser):
    page = f"{server}/rule-officials"
    dom = dump_dom(browser, page)
    assert "Latest matches for officials" in dom
    bars = _day_bars(dom)
    assert len(bars) == 30 and sum(bars.values()) == 3
    assert "<mark>Roxana Baldetti</mark> será extraditada" in dom
    assert 'href="/nw/rule-officials.atom"' in dom
    screenshot(browser, page, "rule-officials.png")

    feed_dom = dump_dom(browser, f"{page}.atom")
    assert "Baldetti to face US drug trafficking charges" in feed_dom
    screenshot(browser, f"{page}.atom", "rule-officials-atom.png")
    with urllib.request.urlopen(f"{page}.atom", timeout=10) as response:
        feed = feedparser.parse(response.read())
    assert not feed.bozo, feed.bozo_exception
    assert [e.link for e in feed.entries] == [
        "https://elfaro.example.org/joh",
        "https://insightcrime.example.org/bal-en",
        "https://prensalibre.example.org/bal-es",
    ]


def test_item_page_shows_the_original_link_terms_and_snippet(server, browser):
    dom = dump_dom(browser, f"{server}/items/bal-es")
    assert 'href="https://prensalibre.example.org/bal-es"' in dom
    assert "Read the original" in dom
    assert "<code>roxana baldetti</code>" in dom
    assert "<mark>Roxana Baldetti</mark>" in dom
    screenshot(browser, f"{server}/items/bal-es", "item-bal-es.png")


def test_hostile_feed_text_does_not_run(server, browser):
    payload = "<img src=x onerror=\"document.documentElement.dataset.pwned='yes'\">"
    # Control: the same payload, served raw, does run in this browser.
    control = dump_dom(browser, "data:text/html," + urllib.request.quote(f"<p>{payload}</p>"))
    assert 'data-pwned="yes"' in control
    desk = server[: server.rindex("/")]
    for url in [server + p for p in ("/items", "/items/hostile", "/rule-tps-decisions", "/most-covered")] + [desk + "/"]:
        dom = dump_dom(browser, url)
        assert 'data-pwned="yes"' not in dom, url
        assert "Hostile &lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=" in dom, url
    screenshot(browser, f"{server}/items/hostile", "item-hostile.png")
