"""`newswatch follow URL` through the real command against a local site: the
[[follows]] table appended and accepted by `check`, a hostile page injecting
nothing, and every refusal an exit 2 that leaves the config as it was."""

from __future__ import annotations

import html
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import run_cli

from newswatch.config import load

SEED = Path(__file__).resolve().parent / "data" / "seed_article.txt"
TITLE = "US Reverses Course in CentAm With Heavy-Handed 'Drug War' Approach"


def seed_page(title: str = TITLE, extra_head: str = "", heading: str | None = None) -> str:
    """The InSight Crime seed article as an HTML page (its text from tests/data/seed_article.txt)."""
    paragraphs = [p.strip() for p in SEED.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    body = "".join(f"<p>{html.escape(p)}</p>\n" for p in paragraphs[2:])  # after the note and title
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title>{extra_head}</head><body><article>"
            f"<h1>{html.escape(heading or title)}</h1>{body}</article></body></html>")


@pytest.fixture
def config(tmp_path) -> Path:
    path = tmp_path / "newswatch.toml"
    path.write_text('database = "nw.db"\n\n[crawl]\nuser_agent = "newswatch-tests"\ntimeout = 10\n',
                    encoding="utf-8")
    return path


def publish(site, path: str, text: str) -> str:
    """Put a page on the local site; its URL."""
    target = site.root / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return site.url + path


def test_following_a_seed_page_appends_a_table_that_check_accepts(site, config):
    url = publish(site, "/articles/seed.html", seed_page(
        extra_head='<link rel="canonical" href="https://example.org/news/us-reverses-course/">'))

    shown = run_cli("follow", url, "-c", str(config), "--yes", env={"COLUMNS": "80"})

    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    # What it will look for: both addresses, a sentence of the seed, its people and figures.
    assert url in out and "https://example.org/news/us-reverses-course/" in out
    assert "Mike Pence was in charge of making this message clear" in out
    assert "Óscar Ortiz" in out and "$460 million" in out
    assert all(len(line) <= 80 for line in out.splitlines()), out
    cfg = load(config)
    assert [(f.name, f.url, f.mode) for f in cfg.follows] == [
        ("us-reverses-course-in-centam-with-heavy", url, ("links", "quotes", "names"))]
    checked = run_cli("check", "-c", str(config))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "1 followed story," in checked.stdout  # what the check read, the new table included


def test_answering_no_leaves_the_config_as_it_was(site, config):
    url = publish(site, "/articles/seed.html", seed_page())
    before = config.read_text(encoding="utf-8")
    asked = subprocess.run([sys.executable, "-m", "newswatch.cli", "follow", url, "-c", str(config),
                            "--name", "miami-2017"], input="n\n", capture_output=True, text=True,
                           timeout=120)
    assert asked.returncode == 0, asked.stderr
    assert "Append it?" in asked.stdout and "Nothing changed." in asked.stdout
    assert config.read_text(encoding="utf-8") == before


def test_a_hostile_title_injects_no_toml(site, config):
    hostile = ('Breaking"\n[[rules]]\nname = "x"\nquery = "a"\n# ${SMTP_PASS} \u2028'
               '[notify]\x1b[31m')
    # An ESC in the article's own text makes the extractor drop all of it (reported):
    # the heading, which gives the title, has every other trick.
    url = publish(site, "/articles/hostile.html",
                  seed_page(title=hostile, heading=hostile.replace("\x1b", "")))

    added = run_cli("follow", url, "-c", str(config), "--yes")

    assert added.returncode == 0, added.stderr
    text = config.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert set(data) == {"database", "crawl", "follows"}, "a table was injected"
    assert data["follows"] == [{"name": "breaking-rules-name-x-query-a-smtp-pass", "url": url}]
    assert "${" not in text and "\x1b" not in text and "\u2028" not in text
    assert not any(line.startswith(("[[rules]]", "[notify]")) for line in text.splitlines())
    assert run_cli("check", "-c", str(config)).returncode == 0


def test_a_url_given_with_a_variable_is_written_encoded_never_expanded(site, config):
    publish(site, "/articles/seed.html", seed_page())
    added = run_cli("follow", site.url + "/articles/seed.html?k=${SMTP_PASS}", "-c", str(config),
                    "--yes", env={"SMTP_PASS": "hunter2"})
    assert added.returncode == 0, added.stderr
    assert load(config).follows[0].url == site.url + "/articles/seed.html?k=$%7BSMTP_PASS%7D"
    assert "hunter2" not in config.read_text(encoding="utf-8")


def _refused(config: Path, *args: str) -> str:
    before = config.read_text(encoding="utf-8")
    result = run_cli("follow", *args, "-c", str(config), "--yes", "--max-time", "20")
    assert result.returncode == 2, result.stdout + result.stderr
    assert config.read_text(encoding="utf-8") == before
    return result.stderr


def test_an_unreachable_url_exits_2(config):
    err = _refused(config, "http://127.0.0.1:9/story.html")
    assert "http://127.0.0.1:9/story.html: cannot fetch it" in err


def test_a_missing_page_exits_2(site, config):
    assert "HTTP 404" in _refused(config, site.url + "/articles/gone.html")


def test_a_feed_or_a_page_without_an_article_exits_2(site, config):
    feed = publish(site, "/feeds/seed.xml", '<?xml version="1.0"?><rss version="2.0"><channel>'
                   "<title>t</title></channel></rss>")
    assert "not an article" in _refused(config, feed)
    short = publish(site, "/articles/short.html", "<html><head><title>Home</title></head>"
                    "<body><p>Welcome to our site.</p></body></html>")
    assert "not an article" in _refused(config, short)


def test_a_name_or_url_already_followed_exits_2(site, config):
    url = publish(site, "/articles/seed.html", seed_page())
    other = publish(site, "/articles/again.html", seed_page())
    assert run_cli("follow", url, "-c", str(config), "--yes", "--name", "miami-2017").returncode == 0

    assert "'miami-2017': a story is followed under that name" in _refused(
        config, other, "--name", "miami-2017")
    assert "is followed already, as 'miami-2017'" in _refused(config, url + "#top")
    assert "use lower-case letters" in _refused(config, other, "--name", "Miami 2017")


def test_check_locates_each_problem_of_a_follows_table(tmp_path):
    cfg = tmp_path / "newswatch.toml"
    cfg.write_text('[notify.urls]\nteam = ["json://127.0.0.1:9/"]\n\n'
                   '[[follows]]\nname = "Miami 2017"\nurl = "ftp://example.org/a"\n'
                   'mode = ["links", "tweets"]\nsince = "June"\nnotify = ["desk"]\n\n'
                   '[[follows]]\nname = "miami"\nurl = "https://example.org/a"\nnotify = ["desk"]\n\n'
                   '[[follows]]\nname = "miami"\nurl = "https://example.org/b"\n', encoding="utf-8")
    checked = run_cli("check", "-c", str(cfg))
    assert checked.returncode == 2
    f = str(cfg)
    for located in (f"{f}:5: follows.name: invalid name 'Miami 2017'",
                    f"{f}:6: follows.url: invalid URL 'ftp://example.org/a'",
                    f"{f}:7: follows.mode: must be a list of one or more of links, quotes, names",
                    f"{f}:8: follows.since: must be a date, like 2017-06-01, not 'June'",
                    f"{f}:16: follows.name: duplicate follow name 'miami'"):
        assert located in checked.stderr, checked.stderr
    cfg.write_text(cfg.read_text(encoding="utf-8").split("[[follows]]", 1)[0]
                   + '[[follows]]\nname = "miami"\nurl = "https://example.org/a"\nnotify = ["desk"]\n',
                   encoding="utf-8")
    checked = run_cli("check", "-c", str(cfg))
    assert checked.returncode == 2
    assert f"{f}:4: follows.miami.notify: no Apprise URL carries the tag 'desk'" in checked.stderr


def test_init_ships_the_seed_story_and_check_accepts_it(tmp_path):
    assert run_cli("init", str(tmp_path)).returncode == 0
    checked = run_cli("check", "-c", str(tmp_path / "newswatch.toml"))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    follows = load(tmp_path / "newswatch.toml").follows
    assert [(f.name, f.url, str(f.since)) for f in follows] == [
        ("miami-2017", "https://insightcrime.org/news/analysis/"
         "us-reverses-course-central-america-heavy-handed-drug-war/", "2017-06-01")]
