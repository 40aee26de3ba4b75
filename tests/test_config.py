"""Loading newswatch.toml: include files, ${VAR}, and located problems."""

import textwrap
from pathlib import Path

import pytest

from newswatch.config import ConfigError, load, parse_interval


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


GOOD = """
database = "data/nw.db"
include = ["topics/*.toml"]

[crawl]
user_agent = "newswatch-test (+mailto:t@example.org)"
default_interval = "20m"

[notify]
urls = { team = ["mailto://${NW_TEST_USER}:${NW_TEST_PASS}@example.org?to=a@example.org"] }

[[sources]]
name = "insightcrime"
kind = "feed"
url = "https://insightcrime.org/feed/"
lang = "en"
interval = "15m"
"""

TOPIC = """
[aliases]
joh = ["Juan Orlando Hernández", "JOH"]

[[sources]]
name = "wola"
url = "https://www.wola.org/feed/"

[[rules]]
name = "tps"
topic = "tps"
query = '"temporary protected status" honduras'
notify = ["team"]
"""


def test_load_resolves_paths_includes_and_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("NW_TEST_USER", "ana")
    monkeypatch.setenv("NW_TEST_PASS", "s3cret")
    cfg = write(tmp_path / "newswatch.toml", GOOD)
    write(tmp_path / "topics" / "ca.toml", TOPIC)
    config = load(cfg)
    assert config.database == tmp_path / "data" / "nw.db"
    assert [s.name for s in config.sources] == ["insightcrime", "wola"]
    assert config.sources[0].interval_s == 900
    assert config.sources[1].interval_s == 1200  # the [crawl] default
    assert config.sources[1].kind == "feed"
    assert config.rules[0].notify == ["team"]
    assert config.aliases == {"joh": ["Juan Orlando Hernández", "JOH"]}
    assert config.notify.urls["team"] == ["mailto://ana:s3cret@example.org?to=a@example.org"]
    assert config.crawl.user_agent.startswith("newswatch-test")


def test_config_path_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("NW_TEST_USER", "a")
    monkeypatch.setenv("NW_TEST_PASS", "b")
    cfg = write(tmp_path / "elsewhere.toml", GOOD.replace('include = ["topics/*.toml"]', "include = []"))
    monkeypatch.setenv("NEWSWATCH_CONFIG", str(cfg))
    monkeypatch.chdir(tmp_path)
    assert load().path == cfg


@pytest.mark.parametrize("interval, seconds", [("90s", 90), ("15m", 900), ("2h", 7200), ("1d", 86400), (300, 300)])
def test_intervals(interval, seconds):
    assert parse_interval(interval) == seconds


@pytest.mark.parametrize("interval", ["15 mins", "0m", "fast", "-5m", "1w"])
def test_bad_intervals_say_what_is_valid(interval):
    with pytest.raises(ValueError, match='like "90s", "15m"'):
        parse_interval(interval)


BROKEN = [
    # (what, text appended to a valid config, expected line, expected key, words in the message)
    ("duplicate source", '\n[[sources]]\nname = "insightcrime"\nurl = "https://x.example.org/"\n', 18, "sources.name", "duplicate source name"),
    ("unknown kind", '\n[[sources]]\nname = "x"\nkind = "twitter"\nurl = "https://x.example.org/"\n', 20, "sources.kind", "valid kinds: feed, search, sitemap, site, page"),
    ("invalid url", '\n[[sources]]\nname = "x"\nurl = "insightcrime.org/feed"\n', 20, "sources.url", "absolute http"),
    ("bad interval", '\n[[sources]]\nname = "x"\nurl = "https://x.example.org/"\ninterval = "15 mins"\n', 21, "sources.interval", '"15m"'),
    ("bad name", '\n[[sources]]\nname = "Insight Crime"\nurl = "https://x.example.org/"\n', 19, "sources.name", "lower-case letters"),
    ("bad mode", '\n[[rules]]\nname = "r"\nquery = "a"\nmode = "sometimes"\n', 21, "rules.mode", "immediate, digest, both"),
    ("unknown key", '\n[[sources]]\nname = "x"\nurl = "https://x.example.org/"\nfrequency = "1h"\n', 21, "sources.frequency", "unknown setting"),
]


@pytest.mark.parametrize("what, extra, line, key, words", BROKEN, ids=[b[0] for b in BROKEN])
def test_problems_name_file_line_and_key(tmp_path, monkeypatch, what, extra, line, key, words):
    monkeypatch.setenv("NW_TEST_USER", "a")
    monkeypatch.setenv("NW_TEST_PASS", "b")
    cfg = write(tmp_path / "newswatch.toml", GOOD.replace('include = ["topics/*.toml"]', "include = []") + extra)
    with pytest.raises(ConfigError) as exc:
        load(cfg)
    (problem,) = exc.value.problems
    assert problem.file == str(cfg)
    assert problem.key == key
    assert problem.line == line
    assert words in problem.message


def test_missing_include_and_unset_variables_are_reported_together(tmp_path, monkeypatch):
    monkeypatch.delenv("NW_TEST_USER", raising=False)
    monkeypatch.delenv("NW_TEST_PASS", raising=False)
    cfg = write(tmp_path / "newswatch.toml", GOOD.replace('"topics/*.toml"', '"topics/missing.toml"'))
    with pytest.raises(ConfigError) as exc:
        load(cfg)
    messages = [str(p) for p in exc.value.problems]
    assert any("topics/missing.toml does not exist" in m and ":2:" in m for m in messages)
    assert any("NW_TEST_PASS, NW_TEST_USER" in m for m in messages)


def test_toml_syntax_error_has_a_line(tmp_path):
    cfg = write(tmp_path / "newswatch.toml", 'database = "x.db"\n[crawl\n')
    with pytest.raises(ConfigError) as exc:
        load(cfg)
    assert exc.value.problems[0].line == 2
    assert "not valid TOML" in exc.value.problems[0].message


def test_missing_config_suggests_init(tmp_path):
    with pytest.raises(ConfigError, match="newswatch init"):
        load(tmp_path / "nope.toml")


@pytest.mark.parametrize("line, enabled", [("", True), ("autothrottle = false", False)])
def test_crawl_table_reaches_scrapy(tmp_path, line, enabled):
    from newswatch.crawlers.crawl import crawl_settings

    cfg = write(tmp_path / "newswatch.toml", f"""
        [crawl]
        concurrency_per_domain = 8
        download_delay = 0
        {line}

        [[sources]]
        name = "a"
        url = "https://example.org/feed"
        """)
    settings = crawl_settings(load(cfg))
    assert settings.getbool("AUTOTHROTTLE_ENABLED") is enabled
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 8
    assert settings.getfloat("DOWNLOAD_DELAY") == 0
    # Scrapy 2.19's remote control would open a code-running HTTP port in every scheduled run.
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False
    # Cookies are off, and their middleware is not even loaded (it imports requests and urllib3).
    assert settings.getbool("COOKIES_ENABLED") is False
    assert not [name for name in settings.getwithbase("DOWNLOADER_MIDDLEWARES") if "cookies" in name]
