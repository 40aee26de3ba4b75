"""The [crawl] and [notify] tables: defaults, types and ranges checked."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..schedule import get_timezone
from .files import Locator
from .model import CrawlConfig, NotifyConfig, Problem, parse_interval


def load_crawl(raw: Any, fname: str, loc: Locator, problems: list[Problem]) -> CrawlConfig:
    """The [crawl] table (the caller has read ``${VAR}`` in its user_agent)."""
    c = CrawlConfig()
    if not isinstance(raw, dict):
        problems.append(Problem(fname, loc.line_of("crawl", None, None), "crawl", "must be a table"))
        return c
    ua = os.environ.get("NEWSWATCH_USER_AGENT") or raw.get("user_agent")
    if ua:
        c.user_agent = str(ua)
    simple = {
        "fetch_articles": bool, "obey_robots": bool, "autothrottle": bool, "timeout": int,
        "concurrency_per_domain": int,
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


def load_notify(raw: Any, base: Path, fname: str, loc: Locator, problems: list[Problem]) -> NotifyConfig:
    """The [notify] table; paths in it resolve against ``base``."""
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
