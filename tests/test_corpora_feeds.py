"""Real-world feeds: every file of ../shared/corpora's feed corpora, parsed and then crawled.

- parse_feed on each of the ~2,400 files: entries or a FeedError, never another
  exception; where a feedparser test's ``Expect:`` states an entry's title or
  link, ours agrees.
- one real `newswatch run` with every file as a source on a local server (the
  ``http_*`` cases with the HTTP headers their comment states): the run
  completes, each source ends with its entries stored or its error recorded,
  and no entry is lost.

Skipped when ../shared/corpora is absent (a fresh clone).
"""

from __future__ import annotations

import corpus_feeds as cf
import pytest
import sqlite_utils
from hostile_server import HostileServer
from measure import RSS_LIMIT_MB, newswatch

from newswatch.formats.feeds import FeedError

FILES = cf.corpus_files()
pytestmark = pytest.mark.skipif(not FILES, reason="../shared/corpora (feedparser-tests, feeds/reader-fixtures) is absent")


@pytest.fixture(scope="module")
def feeds():
    return [cf.load(p) for p in FILES]


def test_every_file_parses_to_entries_or_a_clear_feed_error(feeds):
    unexpected, errors, with_entries, checked, wrong = [], 0, 0, 0, []
    for feed in feeds:
        url = "http://127.0.0.1:8080/" + feed.name
        try:
            parsed = feed.parse(url)
        except Exception as exc:  # noqa: BLE001 - what this test is looking for
            unexpected.append(f"{feed.name}: {type(exc).__name__}: {exc}")
            continue
        if isinstance(parsed, FeedError):
            errors += 1
            assert str(parsed).startswith(("not a readable", "not a JSON Feed")), feed.name
            continue
        with_entries += bool(parsed.entries)
        for entry in parsed.entries:
            assert entry.url.startswith(("http://", "https://")), (feed.name, entry.url)
        for what, entry, want in feed.expected(parsed, url):
            checked += 1
            got = entry.title if what == "title" else entry.url
            if got != want:
                wrong.append(f"{feed.name}: {what} {got!r} but Expect: says {want!r}")
    assert not unexpected, "\n".join(unexpected[:20])
    assert not wrong, "\n".join(wrong)
    # Most feedparser tests are about one element and carry no linked entry at all.
    assert len(feeds) > 2000 and with_entries > 250 and checked >= 15
    # Most refusals are data files that are not feeds (expected-output JSON, OPML, HTML, LICENSE).
    assert errors < len(feeds) * 0.1, errors


def test_every_file_as_a_source_in_one_run(feeds, tmp_path):
    with HostileServer() as server:
        sources = cf.serve(server, feeds)
        (tmp_path / "newswatch.toml").write_text(cf.config_text(sources), encoding="utf-8")
        result = newswatch("run", "-c", str(tmp_path / "newswatch.toml"), timeout=300)
    assert result.returncode in (0, 1), result.output[-3000:]
    # Scrapy's log is off without --debug: a spider's or a pipeline's exception is on its source's line.
    for marker in ("Traceback", "error in newswatch", "items not stored"):
        assert marker not in result.output, result.output[-3000:]
    counts = cf.check_run(sqlite_utils.Database(tmp_path / "nw.db"), sources)
    assert counts["ok"] > 2000 and counts["entries"] > 2000
    assert result.max_rss_mb < RSS_LIMIT_MB, f"peak RSS {result.max_rss_mb:.0f} MB"
    print(f"\ncorpora: {counts}, {result.seconds:.1f} s, peak RSS {result.max_rss_mb:.0f} MB")
