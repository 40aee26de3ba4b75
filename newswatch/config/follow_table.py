"""[[follows]] tables: the stories followed, one seed article each.

::

    [[follows]]
    name = "miami-2017"                  # unique; the matches are rule "follow:miami-2017"
    url = "https://example.org/story/"   # the seed article
    notify = ["team"]                    # optional: the [notify] tags, as for a rule
    mode = ["links", "quotes", "names"]  # optional: which reasons count (default: all three)
    since = 2017-06-01                   # optional: items published before are not follow-ups

``mode`` picks the reasons an item follows the story: ``links`` (it links to
the seed), ``quotes`` (it quotes one of its sentences), ``names`` (it names
enough of the seed's people and figures together). ``newswatch follow URL``
writes such a table; ``newswatch run`` follows it (:mod:`newswatch.app.following`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

from .files import ENV_RE, Locator
from .model import FOLLOW_REASONS, NAME_RE, FollowConfig, Problem, name_list

_KNOWN = ("name", "url", "notify", "mode", "since")


def _mode(value: Any) -> tuple[str, ...] | None:
    """``mode`` as a tuple of reasons, or None when it is not a list of known ones."""
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",")]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        return None
    if any(v not in FOLLOW_REASONS for v in value):
        return None
    return tuple(r for r in FOLLOW_REASONS if r in value)


def _since(value: Any) -> dt.date | None:
    """A TOML date or a "YYYY-MM-DD" string as a date; None when it is neither."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def load_follow(raw: Any, i: int, fname: str, loc: Locator,
                problems: list[Problem]) -> FollowConfig | None:
    """The ``i``-th [[follows]] table, or None when it has problems (added to ``problems``)."""
    if not isinstance(raw, dict):
        problems.append(Problem(fname, loc.line_of("follows", i, None), "follows",
                                "each [[follows]] entry must be a table"))
        return None
    ok = True

    def bad(key: str, msg: str) -> None:
        nonlocal ok
        ok = False
        problems.append(Problem(fname, loc.line_of("follows", i, key), f"follows.{key}", msg))

    name = raw.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name):
        bad("name", f"invalid name {name!r}: use lower-case letters, digits and "
                    "hyphens, like \"miami-2017\"")
    url = raw.get("url")
    parts = urlsplit(url) if isinstance(url, str) else None
    if not parts or parts.scheme not in ("http", "https") or not parts.hostname:
        bad("url", f"invalid URL {url!r}: write the seed article's absolute "
                   "http:// or https:// URL")
    elif ENV_RE.search(str(url)):
        bad("url", "${...}: URLs are not read from the environment; write the URL itself")
    notify = name_list(raw.get("notify", []))
    if notify is None:
        bad("notify", 'must be a list of [notify] tags, like ["team"]')
        notify = []
    mode = _mode(raw.get("mode", list(FOLLOW_REASONS)))
    if mode is None:
        bad("mode", f"must be a list of one or more of {', '.join(FOLLOW_REASONS)}, "
                    f"not {raw.get('mode')!r}")
    since = _since(raw["since"]) if "since" in raw else None
    if "since" in raw and since is None:
        bad("since", f"must be a date, like 2017-06-01, not {raw['since']!r}")
    for key in raw:
        if key not in _KNOWN:
            bad(key, f"unknown setting; valid: {', '.join(_KNOWN)}")
    if not ok:
        return None
    return FollowConfig(name=str(name), url=str(url), notify=list(notify), mode=mode or FOLLOW_REASONS,
                        since=since, file=fname, line=loc.line_of("follows", i, None))
