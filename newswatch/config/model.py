"""The configuration's types: what ``load`` returns, and the errors it raises.

Errors: :class:`ConfigError` carries every :class:`Problem` found, each naming
the file, line and key and saying what would be valid.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SOURCE_KINDS = ("feed", "search", "sitemap", "site", "page")
RULE_MODES = ("immediate", "digest", "both")
FOLLOW_REASONS = ("links", "quotes", "names")  # what [[follows]] mode may list
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
INTERVAL_RE = re.compile(r"^\s*(\d+)\s*(s|m|h|d)\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

DEFAULT_USER_AGENT = "newswatch/0.1 (+https://github.com/newswatch/newswatch)"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a configuration, located as precisely as we can."""

    file: str
    line: int | None
    key: str
    message: str
    column: int | None = None  # 1-based, in the file's line; for rule queries
    warning: bool = False  # a likely mistake that does not stop anything

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        if self.line and self.column:
            where += f":{self.column}"
        return f"{where}: {'warning: ' if self.warning else ''}{self.key}: {self.message}"


class ConfigError(Exception):
    """The configuration cannot be used; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


SEARCH_PROVIDERS = ("google-news", "bing-news")
# Which selectors each kind reads (see docs/sources.md); "links" is required for a site.
SELECTOR_KEYS = {"site": ("links", "next"), "page": ("content",)}


@dataclass
class Source:
    name: str
    kind: str
    url: str
    lang: str | None = None
    interval_s: int = 1800
    fetch_articles: bool | None = None  # None: follow [crawl].fetch_articles
    file: str = ""
    line: int | None = None
    # kind = "search": the provider's RSS search URL is built from these into ``url``.
    query: str | None = None
    provider: str | None = None
    region: str | None = None
    # kind = "site" (links, next) and "page" (content): CSS selectors or XPath.
    selectors: dict[str, str] = field(default_factory=dict)
    max_pages: int = 3  # site: listing pages followed per run
    max_articles: int = 50  # feed, search, sitemap, site: article pages fetched per run, newest first
    title: str | None = None  # the outlet's name in alerts; None: the feed's own title, then the name


def outlet_titles(sources: Iterable[Any]) -> dict[str, str]:
    """Source name -> the ``title`` the config gives it (sources without one are left out)."""
    return {s.name: s.title for s in sources if getattr(s, "title", None)}


def outlet_name(name: str | None, feed_title: str | None, titles: Mapping[str, str] | None,
                unknown: str = "?") -> str:
    """A source's display name: its ``title`` in the config, else the feed's own title, else its
    name (``unknown`` when it has none)."""
    name = name or ""
    return (titles or {}).get(name) or (feed_title or "").strip() or name or unknown


@dataclass
class RuleConfig:
    name: str
    query: str
    topic: str | None = None
    notify: list[str] = field(default_factory=list)
    mode: str = "immediate"
    digest: str | None = None
    description: str | None = None  # plain words shown in alerts: why the rule exists
    file: str = ""
    line: int | None = None


@dataclass
class FollowConfig:
    """A [[follows]] table: a story followed from its seed article."""

    name: str
    url: str
    notify: list[str] = field(default_factory=list)
    mode: tuple[str, ...] = FOLLOW_REASONS  # the reasons that count
    since: dt.date | None = None  # items published before are not follow-ups
    file: str = ""
    line: int | None = None


@dataclass
class CrawlConfig:
    user_agent: str = DEFAULT_USER_AGENT
    default_interval_s: int = 1800
    fetch_articles: bool = True
    timeout_s: int = 30
    max_bytes: int = 5 * 1024 * 1024
    concurrency_per_domain: int = 2
    download_delay_s: float = 0.5
    obey_robots: bool = True
    autothrottle: bool = True
    parse_workers: int | None = None  # feed-reading processes; None: one per core for runs of 20+ feeds
    retries: int = 2
    jitter_s: int = 60  # `newswatch watch`: up to this much random delay (and at most 10% of an interval)
    max_entries: int = 10_000  # entries of one feed read per run, newest first; the rest next run


@dataclass
class NotifyConfig:
    urls: dict[str, list[str]] = field(default_factory=dict)
    apprise_config: Path | None = None
    templates_dir: Path | None = None
    max_attempts: int = 8
    timezone: str = "UTC"  # of digest schedules and of the times alerts show
    max_per_hour: int | dict[str, int] = 20  # immediate alerts per tag; or tag -> number
    # Where the URLs are written, for `newswatch check`'s located problems.
    file: str = ""
    urls_line: int | None = None
    apprise_config_line: int | None = None


@dataclass
class SpikeSettings:
    """When a topic's day counts as a spike (see docs/alerts.md, "Spike alerts")."""

    window_days: int = 14
    factor: float = 3.0
    min_items: int = 5
    notify: list[str] = field(default_factory=list)


@dataclass
class SpikesConfig:
    """The [spikes] table: the defaults, and per-topic overrides."""

    default: SpikeSettings = field(default_factory=SpikeSettings)
    topics: dict[str, SpikeSettings] = field(default_factory=dict)
    line: int | None = None

    def for_topic(self, topic: str) -> SpikeSettings:
        """The settings of ``topic``: its override, else the defaults."""
        return self.topics.get(topic, self.default)


@dataclass
class DiscoveryConfig:
    """The [discovery] table: pages a run fetches beyond its sources (see docs/follows.md)."""

    max_pages: int = 100  # a run's pages at most; 0: none
    hops: int = 1  # links followed from follow-ups (1), and from pages found that way (2, 3)
    rules: list[str] = field(default_factory=list)  # items these rules match seed discovery too
    rules_line: int | None = None


@dataclass
class ClusterConfig:
    """The [cluster] table: crawl workers sharing a Redis queue (see docs/scale.md)."""

    redis: str  # redis://[:password@]host:6379/0, ${VAR} read from the environment
    secret: str = field(default="", repr=False)  # signs every job and result (messages.py)
    lease_s: int = 60  # a claimed job returns to the queue when its worker is silent this long
    result_timeout_s: int = 300  # a run gives up on sources after this long without any result
    queue: str = "newswatch"  # key prefix: desks sharing one Redis keep apart by this


@dataclass
class Config:
    path: Path
    database: Path
    crawl: CrawlConfig
    notify: NotifyConfig
    sources: list[Source]
    rules: list[RuleConfig]
    aliases: dict[str, list[str]]
    files: list[Path]
    spikes: SpikesConfig | None = None  # None: no [spikes] table, no spike alerts
    follows: list[FollowConfig] = field(default_factory=list)
    discovery: DiscoveryConfig = field(default_factory=DiscoveryConfig)
    cluster: ClusterConfig | None = None  # None: no [cluster] table, one process crawls

    def source(self, name: str) -> Source:
        for s in self.sources:
            if s.name == name:
                return s
        raise KeyError(name)


def name_list(value: Any) -> list[str] | None:
    """A list of names (tags, rules) as written: one name alone stands for a list of one; None
    when it is not a list of non-empty strings."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        return None
    return list(value)


def parse_interval(value: Any) -> int:
    """'15m' -> 900. Accepts s, m, h, d suffixes or a number of seconds."""
    if isinstance(value, int) and value > 0:
        return value
    m = INTERVAL_RE.match(str(value))
    if not m or int(m.group(1)) == 0:
        raise ValueError(
            f"invalid interval {value!r}: write a number with a unit, like \"90s\", \"15m\", \"2h\" or \"1d\""
        )
    return int(m.group(1)) * _UNITS[m.group(2)]
