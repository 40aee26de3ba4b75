"""Load and validate newswatch.toml (and its included topic files) into typed objects.

Config flows one way: defaults in this module -> newswatch.toml -> ``NEWSWATCH_*``
environment -> command-line flags. ``${VAR}`` is read from the environment,
so secrets stay out of files, but only where a person writes it: the values of
[notify] (notification URLs, file paths) and [crawl] user_agent. Sources, rules
and aliases are never expanded (they may come from an OPML file or a web page
through ``newswatch sources import/add``, and a source URL is sent to that
site and stored in the database): ``${NAME}`` in a source URL is an error.

Errors: :class:`ConfigError` carries every :class:`Problem` found, each naming
the file, line and key and saying what would be valid.
"""

from __future__ import annotations

import bisect
import glob
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .schedule import get_timezone, parse_schedule

SOURCE_KINDS = ("feed", "search", "sitemap", "site", "page")
RULE_MODES = ("immediate", "digest", "both")
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
INTERVAL_RE = re.compile(r"^\s*(\d+)\s*(s|m|h|d)\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_ENV_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")

DEFAULT_USER_AGENT = "newswatch/0.1 (+https://github.com/newswatch/newswatch)"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a configuration, located as precisely as we can."""

    file: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.key}: {self.message}"


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


@dataclass
class RuleConfig:
    name: str
    query: str
    topic: str | None = None
    notify: list[str] = field(default_factory=list)
    mode: str = "immediate"
    digest: str | None = None
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
    timezone: str = "UTC"  # of digest schedules
    max_per_hour: int | dict[str, int] = 20  # immediate alerts per tag; or tag -> number
    # Where the URLs are written, for `newswatch check`'s located problems.
    file: str = ""
    urls_line: int | None = None
    apprise_config_line: int | None = None


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

    def source(self, name: str) -> Source:
        for s in self.sources:
            if s.name == name:
                return s
        raise KeyError(name)


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


def default_config_path() -> Path:
    """``$NEWSWATCH_CONFIG``, else ./newswatch.toml."""
    return Path(os.environ.get("NEWSWATCH_CONFIG") or "newswatch.toml")


class _Locator:
    """Finds the line of a key in a TOML file (tomllib keeps no positions)."""

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.-]+)\s*\]")

    def __init__(self, path: Path, text: str):
        self.path = path
        self.lines = text.splitlines()
        # Table headers indexed once: a config with a thousand sources stays linear.
        self.headers: list[int] = []
        self.tables: dict[tuple[str, bool], list[int]] = {}
        for i, ln in enumerate(self.lines):
            m = self._HEADER.match(ln)
            if m:
                self.headers.append(i)
                self.tables.setdefault((m.group(2), m.group(1) == "[["), []).append(i)

    def line_of(self, table: str | None, index: int | None, key: str | None) -> int | None:
        start, end = 0, len(self.lines)
        if table:
            found_at = self.tables.get((table, index is not None), [])
            pos = index or 0
            if pos >= len(found_at):
                # Written another way: `crawl = 5`, or [sources] for [[sources]].
                return self.line_of(None, None, table) if pos == 0 else None
            start = found_at[pos]
            nxt = bisect.bisect_right(self.headers, start)
            end = self.headers[nxt] if nxt < len(self.headers) else len(self.lines)
            if key is None:
                return start + 1
        elif self.headers:
            end = self.headers[0]  # top-level keys come before the first table
        if key is None:
            return None
        key_re = re.compile(r"^\s*%s\s*=" % re.escape(key))
        for i in range(start, end):
            if key_re.match(self.lines[i]):
                return i + 1
        if table:
            return start + 1
        # A top-level key written as a table header: [crawl], [[rules]].
        found = self.tables.get((key, False)) or self.tables.get((key, True))
        return found[0] + 1 if found else None


def _expand_env(value: Any, missing: set[str]) -> Any:
    if isinstance(value, str):
        def repl(m: re.Match) -> str:
            if m.group(1) not in os.environ:
                missing.add(m.group(1))
                return m.group(0)
            return os.environ[m.group(1)]
        return _ENV_RE.sub(repl, value)
    if isinstance(value, list):
        return [_expand_env(v, missing) for v in value]
    if isinstance(value, dict):
        return {k: _expand_env(v, missing) for k, v in value.items()}
    return value


def _read_toml(path: Path, problems: list[Problem], referrer: tuple[str, int | None] | None):
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if referrer:
            problems.append(Problem(referrer[0], referrer[1], "include",
                                    f"included file {path} does not exist"))
        else:
            problems.append(Problem(str(path), None, "file",
                                    "no such configuration file; create one with `newswatch init`"))
        return None, None
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(str(path), None, "file", f"cannot read: {exc}"))
        return None, None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        problems.append(Problem(str(path), int(m.group(1)) if m else None, "syntax",
                                f"not valid TOML: {exc}"))
        return None, None
    return data, _Locator(path, text)


def load(path: str | Path | None = None, *, check_env: bool = True) -> Config:
    """Read a configuration file and the topic files it includes.

    Raises :class:`ConfigError` listing every problem (file, line, key, what
    would be valid). Rules are checked for syntax separately by
    :func:`newswatch.checks.check_config`, which also needs the rule compiler.
    """
    path = Path(path) if path else default_config_path()
    problems: list[Problem] = []
    missing_env: set[str] = set()
    data, loc = _read_toml(path, problems, None)
    if data is None:
        raise ConfigError(problems)
    base = path.parent
    fname = str(path)

    known_top = {"database", "include", "crawl", "notify", "sources", "rules", "aliases"}
    for key in data:
        if key not in known_top:
            problems.append(Problem(fname, loc.line_of(None, None, key), key,
                                    f"unknown setting; valid top-level keys: {', '.join(sorted(known_top))}"))

    crawl_raw = data.get("crawl", {})
    if isinstance(crawl_raw, dict) and "user_agent" in crawl_raw:
        crawl_raw = {**crawl_raw, "user_agent": _expand_env(crawl_raw["user_agent"], missing_env)}
    crawl = _load_crawl(crawl_raw, fname, loc, problems)
    notify = _load_notify(_expand_env(data.get("notify", {}), missing_env), base, fname, loc, problems)
    database = Path(os.environ.get("NEWSWATCH_DATABASE") or data.get("database", "newswatch.db"))
    if not database.is_absolute():
        database = base / database

    sources: list[Source] = []
    rules: list[RuleConfig] = []
    aliases: dict[str, list[str]] = {}
    files = [path]
    alias_origin: dict[str, str] = {}

    def take(doc: dict, doc_loc: _Locator, doc_file: str, doc_base: Path) -> None:
        # No ${VAR} here: sources, rules and aliases are data, not secrets (see the module doc).
        for i, raw in enumerate(doc.get("sources", []) or []):
            s = _load_source(raw, i, doc_file, doc_loc, crawl, problems)
            if s:
                sources.append(s)
        for i, raw in enumerate(doc.get("rules", []) or []):
            r = _load_rule(raw, i, doc_file, doc_loc, problems)
            if r:
                rules.append(r)
        for name, values in (doc.get("aliases") or {}).items():
            line = doc_loc.line_of("aliases", None, name)
            if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
                problems.append(Problem(doc_file, line, f"aliases.{name}",
                                        "an alias list must be a list of non-empty strings"))
                continue
            if name in aliases:
                problems.append(Problem(doc_file, line, f"aliases.{name}",
                                        f"alias defined twice (first in {alias_origin[name]})"))
                continue
            aliases[name] = values
            alias_origin[name] = doc_file

    take(data, loc, fname, base)

    includes = data.get("include", [])
    if isinstance(includes, str):
        includes = [includes]
    if not isinstance(includes, list):
        problems.append(Problem(fname, loc.line_of(None, None, "include"), "include",
                                "must be a list of file paths or glob patterns"))
        includes = []
    inc_line = loc.line_of(None, None, "include")
    included: list[tuple[Path, _Locator]] = []
    for pattern in includes:
        full = pattern if os.path.isabs(pattern) else str(base / pattern)
        if glob.has_magic(full):
            matched = sorted(glob.glob(full))
            if not matched:
                problems.append(Problem(fname, inc_line, "include",
                                        f"pattern {pattern!r} matches no file (looked in {base})"))
        else:
            matched = [full]
        for m in matched:
            p = Path(m)
            inc, inc_loc = _read_toml(p, problems, (fname, inc_line))
            if inc is None:
                continue
            files.append(p)
            included.append((p, inc_loc))
            for key in inc:
                if key not in {"sources", "rules", "aliases"}:
                    problems.append(Problem(str(p), inc_loc.line_of(None, None, key), key,
                                            "a topic file may hold only [[sources]], [[rules]] and [aliases]"))
            take(inc, inc_loc, str(p), p.parent)

    seen: dict[str, Source] = {}
    for s in sources:
        if s.name in seen:
            first = seen[s.name]
            problems.append(Problem(s.file, s.line, "sources.name",
                                    f"duplicate source name {s.name!r} (first defined at {first.file}:{first.line}); names must be unique"))
        else:
            seen[s.name] = s
    seen_rules: dict[str, RuleConfig] = {}
    for r in rules:
        if r.name in seen_rules:
            first = seen_rules[r.name]
            problems.append(Problem(r.file, r.line, "rules.name",
                                    f"duplicate rule name {r.name!r} (first defined at {first.file}:{first.line}); names must be unique"))
        else:
            seen_rules[r.name] = r
    if check_env and missing_env:
        where = _first_use(sorted(missing_env), [(str(f), lc) for f, lc in [(path, loc)] + included])
        problems.append(Problem(*where, "environment",
                                "unset environment variable(s): " + ", ".join(sorted(missing_env))
                                + "; export them before running"))
    if problems:
        raise ConfigError(problems)
    return Config(path=path, database=database, crawl=crawl, notify=notify, sources=sources,
                  rules=rules, aliases=aliases, files=files)


def _first_use(names: list[str], files: list[tuple[str, "_Locator"]]) -> tuple[str, int | None]:
    """The file and line where the first of ``names`` is written as ``${NAME}``."""
    for fname, loc in files:
        for i, text in enumerate(loc.lines):
            if any("${%s}" % n in text for n in names):
                return fname, i + 1
    return files[0][0], None


def _load_crawl(raw: Any, fname: str, loc: _Locator, problems: list[Problem]) -> CrawlConfig:
    c = CrawlConfig()
    if not isinstance(raw, dict):
        problems.append(Problem(fname, loc.line_of("crawl", None, None), "crawl", "must be a table"))
        return c
    ua = os.environ.get("NEWSWATCH_USER_AGENT") or raw.get("user_agent")
    if ua:
        c.user_agent = str(ua)
    simple = {
        "fetch_articles": bool, "obey_robots": bool, "autothrottle": bool, "timeout": int, "concurrency_per_domain": int,
        "retries": int, "max_bytes": int, "download_delay": (int, float), "parse_workers": int,
        "max_entries": int,
    }
    for key, value in raw.items():
        line = loc.line_of("crawl", None, key)
        if key == "user_agent":
            continue
        if key == "default_interval":
            try:
                c.default_interval_s = parse_interval(value)
            except ValueError as exc:
                problems.append(Problem(fname, line, "crawl.default_interval", str(exc)))
            continue
        if key == "jitter":
            if value in (0, "0", "0s"):
                c.jitter_s = 0
                continue
            try:
                c.jitter_s = parse_interval(value)
            except ValueError as exc:
                problems.append(Problem(fname, line, "crawl.jitter", f"{exc}, or \"0s\" for none"))
            continue
        if key not in simple:
            problems.append(Problem(fname, line, f"crawl.{key}",
                                    "unknown setting; valid: user_agent, default_interval, jitter, "
                                    + ", ".join(simple)))
            continue
        if not isinstance(value, simple[key]) or (simple[key] is int and isinstance(value, bool)):
            problems.append(Problem(fname, line, f"crawl.{key}", f"must be {_typename(simple[key])}, not {value!r}"))
            continue
        if key == "parse_workers" and value < 0:
            problems.append(Problem(fname, line, "crawl.parse_workers",
                                    f"must be 0 (read feeds in the crawl process) or more, not {value}"))
            continue
        if key == "max_entries" and value < 1:
            problems.append(Problem(fname, line, "crawl.max_entries",
                                    f"must be a whole number >= 1 (entries of one feed per run), not {value}"))
            continue
        if key == "timeout":
            c.timeout_s = value
        elif key == "download_delay":
            c.download_delay_s = float(value)
        else:
            setattr(c, key, value)
    return c


def _typename(t: Any) -> str:
    return {bool: "true or false", int: "a whole number", str: "a string"}.get(t, "a number")


def _load_notify(raw: Any, base: Path, fname: str, loc: _Locator, problems: list[Problem]) -> NotifyConfig:
    n = NotifyConfig(file=fname)
    if not isinstance(raw, dict):
        problems.append(Problem(fname, loc.line_of("notify", None, None), "notify", "must be a table"))
        return n
    for key, value in raw.items():
        line = loc.line_of("notify", None, key)
        if key == "urls":
            n.urls_line = line if line != loc.line_of("notify", None, None) else loc.line_of("notify.urls", None, None)
            if not isinstance(value, dict):
                problems.append(Problem(fname, line, "notify.urls",
                                        'must be a table of tag = ["apprise://url", ...]'))
                continue
            for tag, urls in value.items():
                if isinstance(urls, str):
                    urls = [urls]
                if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
                    problems.append(Problem(fname, line, f"notify.urls.{tag}", "must be a list of Apprise URLs"))
                    continue
                n.urls[tag] = urls
        elif key in ("apprise_config", "templates"):
            p = Path(str(value))
            p = p if p.is_absolute() else base / p
            if not p.exists():
                problems.append(Problem(fname, line, f"notify.{key}", f"{p} does not exist"))
            if key == "apprise_config":
                n.apprise_config = p
                n.apprise_config_line = line
            else:
                n.templates_dir = p
        elif key == "max_attempts":
            if not isinstance(value, int) or value < 1:
                problems.append(Problem(fname, line, "notify.max_attempts", "must be a whole number >= 1"))
            else:
                n.max_attempts = value
        elif key == "timezone":
            try:
                n.timezone = get_timezone(value).key
            except ValueError as exc:
                problems.append(Problem(fname, line, "notify.timezone", str(exc)))
        elif key == "max_per_hour":
            limits = value if isinstance(value, dict) else {None: value}
            if all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in limits.values()):
                n.max_per_hour = value
            else:
                problems.append(Problem(fname, line, "notify.max_per_hour",
                                        "must be a whole number >= 1 (immediate alerts per tag per hour), "
                                        "or a table of tag = number, like { team = 20, chat = 5 }"))
        else:
            problems.append(Problem(fname, line, f"notify.{key}",
                                    "unknown setting; valid: urls, apprise_config, templates, max_attempts, "
                                    "timezone, max_per_hour"))
    return n


def _load_source(raw: Any, i: int, fname: str, loc: _Locator, crawl: CrawlConfig,
                 problems: list[Problem]) -> Source | None:
    line = loc.line_of("sources", i, None)
    if not isinstance(raw, dict):
        problems.append(Problem(fname, line, "sources", "each [[sources]] entry must be a table"))
        return None
    ok = True

    def bad(key: str, msg: str) -> None:
        nonlocal ok
        ok = False
        problems.append(Problem(fname, loc.line_of("sources", i, key), f"sources.{key}", msg))

    name = raw.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name):
        bad("name", f"invalid source name {name!r}: use lower-case letters, digits and hyphens, like \"insightcrime-es\"")
    kind = raw.get("kind", "feed")
    if kind not in SOURCE_KINDS:
        bad("kind", f"unknown kind {kind!r}; valid kinds: {', '.join(SOURCE_KINDS)}")
    url = raw.get("url")
    if kind == "search":
        if url is not None:
            bad("url", "a search source builds its URL from provider and query; remove url "
                       "(or use kind = \"feed\" for a search feed URL of your own)")
    else:
        parts = urlsplit(url) if isinstance(url, str) else None
        if not parts or parts.scheme not in ("http", "https") or not parts.netloc:
            bad("url", f"invalid URL {url!r}: write an absolute http:// or https:// URL")
    for key in ("url", "endpoint"):
        var = _ENV_RE.search(raw[key]) if isinstance(raw.get(key), str) else None
        if var:  # once expanded; now refused, so an old config never fetches a literal ${...}
            bad(key, f"{var.group(0)}: source URLs are not read from the environment; "
                     "write the URL itself (see docs/sources.md)")
    interval = raw.get("interval")
    interval_s = crawl.default_interval_s
    if interval is not None:
        try:
            interval_s = parse_interval(interval)
        except ValueError as exc:
            bad("interval", str(exc))
    lang = raw.get("lang")
    if lang is not None and (not isinstance(lang, str) or not re.match(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", lang)):
        bad("lang", f"invalid language {lang!r}: use a code like \"en\", \"es\" or \"es-419\"")
    fetch = raw.get("fetch_articles")
    if fetch is not None and not isinstance(fetch, bool):
        bad("fetch_articles", "must be true or false")
    extra = _load_source_extras(raw, kind, bad)
    known = {"name", "kind", "url", "lang", "interval", "fetch_articles", *_EXTRA_KEYS}
    for key in raw:
        if key not in known:
            bad(key, f"unknown setting; valid: {', '.join(sorted(known))}")
    if not ok:
        return None
    if kind == "search":
        from .formats.search import search_url
        url = search_url(extra["provider"], extra["query"], lang, extra["region"], extra.pop("endpoint", None))
    return Source(name=name, kind=kind, url=url, lang=lang, interval_s=interval_s,
                  fetch_articles=fetch, file=fname, line=line, **extra)


# Source keys that only some kinds read, and which kinds those are.
_EXTRA_KEYS = {
    "query": ("search",), "provider": ("search",), "region": ("search",), "endpoint": ("search",),
    "selectors": ("site", "page"), "max_pages": ("site",),
    "max_articles": ("feed", "search", "sitemap", "site"),
}


def _load_source_extras(raw: dict, kind: Any, bad) -> dict[str, Any]:
    """The kind-specific source keys, checked; problems go to ``bad(key, message)``."""
    out: dict[str, Any] = {}
    for key, kinds in _EXTRA_KEYS.items():
        if key in raw and kind in SOURCE_KINDS and kind not in kinds:
            bad(key, f"{key} applies to kind {' or '.join(repr(k) for k in kinds)}, not {kind!r}")
    for key in ("max_pages", "max_articles"):
        value = raw.get(key)
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            bad(key, f"must be a whole number >= 1, not {value!r}")
        else:
            out[key] = value
    if kind == "search":
        provider = raw.get("provider")
        if provider not in SEARCH_PROVIDERS:
            bad("provider", f"unknown search provider {provider!r}; valid: {', '.join(SEARCH_PROVIDERS)}")
        query = raw.get("query")
        if not isinstance(query, str) or not query.strip():
            bad("query", 'a search source needs a query string, like query = "TPS Honduras"')
        region = raw.get("region")
        if region is not None and (not isinstance(region, str) or not re.match(r"^[A-Za-z]{2}$", region)):
            bad("region", f"invalid region {region!r}: use a two-letter country code like \"HN\" or \"US\"")
        out.update(provider=provider, query=query.strip() if isinstance(query, str) else query,
                   region=region.upper() if isinstance(region, str) else None)
        endpoint = raw.get("endpoint")
        if endpoint is not None:
            parts = urlsplit(endpoint) if isinstance(endpoint, str) else None
            if not parts or parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
                bad("endpoint", f"invalid endpoint {endpoint!r}: the provider's RSS search URL without "
                                "a query string, like \"https://news.google.com/rss/search\"")
            else:
                out["endpoint"] = endpoint
    selectors = raw.get("selectors")
    if selectors is not None and kind in SELECTOR_KEYS:
        valid = SELECTOR_KEYS[kind]
        if not isinstance(selectors, dict):
            bad("selectors", f"must be a table, like selectors = {{ {valid[0]} = \"article h2 a\" }}")
            selectors = {}
        for sub, expr in selectors.items():
            if sub not in valid:
                bad("selectors", f"unknown selector {sub!r} for kind {kind!r}; valid: {', '.join(valid)}")
            elif not isinstance(expr, str) or not expr.strip():
                bad("selectors", f"selectors.{sub} must be a CSS selector or an XPath expression")
            else:
                error = selector_error(expr)
                if error:
                    bad("selectors", f"selectors.{sub}: {error}")
                else:
                    out.setdefault("selectors", {})[sub] = expr.strip()
    if kind == "site" and "links" not in (selectors if isinstance(selectors, dict) else {}):
        bad("selectors", 'a site source needs selectors = { links = "..." }: a CSS selector or XPath '
                         "for the article links on its listing page")
    return out


def is_xpath(expr: str) -> bool:
    """Selectors that start like a path or a group are XPath; anything else is CSS."""
    return expr.lstrip().startswith(("/", "(", "./"))


def selector_error(expr: str) -> str | None:
    """Why ``expr`` is neither a valid CSS selector nor a valid XPath, or None."""
    if is_xpath(expr):
        from lxml import etree
        try:
            etree.XPath(expr)
        except etree.XPathError as exc:
            return f"invalid XPath {expr!r}: {exc}"
        return None
    from cssselect import GenericTranslator, SelectorError
    try:
        GenericTranslator().css_to_xpath(expr)
    except SelectorError as exc:
        return f"invalid CSS selector {expr!r}: {exc} (an XPath must start with / or ( )"
    return None


def _load_rule(raw: Any, i: int, fname: str, loc: _Locator, problems: list[Problem]) -> RuleConfig | None:
    line = loc.line_of("rules", i, None)
    if not isinstance(raw, dict):
        problems.append(Problem(fname, line, "rules", "each [[rules]] entry must be a table"))
        return None
    ok = True

    def bad(key: str, msg: str) -> None:
        nonlocal ok
        ok = False
        problems.append(Problem(fname, loc.line_of("rules", i, key), f"rules.{key}", msg))

    name = raw.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name):
        bad("name", f"invalid rule name {name!r}: use lower-case letters, digits and hyphens")
    query = raw.get("query")
    if not isinstance(query, str):
        bad("query", "every rule needs a query string")
    notify = raw.get("notify", [])
    if isinstance(notify, str):
        notify = [notify]
    if not isinstance(notify, list) or not all(isinstance(t, str) for t in notify):
        bad("notify", "must be a list of Apprise tags, like [\"team\", \"chat\"]")
    mode = raw.get("mode", "immediate")
    if mode not in RULE_MODES:
        bad("mode", f"unknown mode {mode!r}; valid: {', '.join(RULE_MODES)}")
    topic = raw.get("topic")
    if topic is not None and not isinstance(topic, str):
        bad("topic", "must be a string")
    digest = raw.get("digest")
    if digest is not None:
        try:
            parse_schedule(digest)
        except ValueError as exc:
            bad("digest", str(exc))
    known = {"name", "query", "topic", "notify", "mode", "digest"}
    for key in raw:
        if key not in known:
            bad(key, f"unknown setting; valid: {', '.join(sorted(known))}")
    if not ok:
        return None
    return RuleConfig(name=name, query=query, topic=topic, notify=list(notify), mode=mode,
                      digest=digest, file=fname, line=line)


def rule_key_line(rule: RuleConfig, key: str = "query") -> int | None:
    """The line of ``key =`` inside a rule's [[rules]] table, for error messages."""
    try:
        text = Path(rule.file).read_text(encoding="utf-8")
    except OSError:
        return rule.line
    lines = text.splitlines()
    start = (rule.line or 1) - 1
    key_re = re.compile(r"^\s*%s\s*=" % re.escape(key))
    for i in range(start, len(lines)):
        if i > start and re.match(r"^\s*\[", lines[i]):
            break
        if key_re.match(lines[i]):
            return i + 1
    return rule.line
