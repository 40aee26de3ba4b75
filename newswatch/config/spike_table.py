"""The [spikes] table: when a topic's day is a volume spike, and who hears of it.

::

    [spikes]
    window = "14d"      # the baseline: the daily mean of stories over these days
    factor = 3.0        # a day is a spike above factor x that mean ...
    min_items = 5       # ... and with at least this many stories
    notify = ["team"]   # the [notify] tags the alert goes to

    [spikes.topics.tps] # per-topic overrides of the four keys above
    factor = 5.0

No [spikes] table: no spike alerts.
"""

from __future__ import annotations

from typing import Any

from .files import Locator
from .model import Problem, SpikesConfig, SpikeSettings, name_list, parse_interval

_KEYS = "window, factor, min_items, notify"
_DAY = 86400


def _setting(key: str, value: Any, where: str, line: int | None, fname: str,
             problems: list[Problem], into: dict[str, Any]) -> None:
    """Check one of the four keys; put the value in ``into`` when it is sound."""
    if key == "window":
        try:
            seconds = parse_interval(value)
        except ValueError as exc:
            problems.append(Problem(fname, line, f"{where}.window", str(exc)))
            return
        if seconds % _DAY:
            problems.append(Problem(fname, line, f"{where}.window",
                                    f"must be whole days, like \"14d\", not {value!r}"))
            return
        into["window_days"] = seconds // _DAY
    elif key == "factor":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 1:
            problems.append(Problem(fname, line, f"{where}.factor",
                                    f"must be a number above 1 (times the daily mean), not {value!r}"))
            return
        into["factor"] = float(value)
    elif key == "min_items":
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            problems.append(Problem(fname, line, f"{where}.min_items",
                                    f"must be a whole number >= 1 (stories in a day), not {value!r}"))
            return
        into["min_items"] = value
    elif key == "notify":
        tags = name_list(value)
        if not tags:
            problems.append(Problem(fname, line, f"{where}.notify",
                                    'must be a list of [notify] tags, like ["team"]'))
            return
        into["notify"] = tags
    else:
        problems.append(Problem(fname, line, f"{where}.{key}", f"unknown setting; valid: {_KEYS}"
                                + (", topics" if where == "spikes" else "")))


def load_spikes(raw: Any, fname: str, loc: Locator, problems: list[Problem]) -> SpikesConfig | None:
    """The [spikes] table, or None when there is none."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        problems.append(Problem(fname, loc.line_of("spikes", None, None), "spikes", "must be a table"))
        return None
    found: dict[str, Any] = {}
    for key, value in raw.items():
        if key != "topics":
            _setting(key, value, "spikes", loc.line_of("spikes", None, key), fname, problems, found)
    cfg = SpikesConfig(default=SpikeSettings(**found), line=loc.line_of("spikes", None, None))
    if "notify" not in found and "notify" not in raw:
        problems.append(Problem(fname, cfg.line, "spikes.notify",
                                'missing: name the [notify] tags spike alerts go to, like ["team"]'))
    topics = raw.get("topics", {})
    if not isinstance(topics, dict):
        problems.append(Problem(fname, loc.line_of("spikes", None, "topics"), "spikes.topics",
                                "must be a table of topic = { factor = 5.0, ... }"))
        return cfg
    for topic, override in topics.items():
        table = f"spikes.topics.{topic}"
        if not isinstance(override, dict):
            problems.append(Problem(fname, loc.line_of("spikes.topics", None, topic), table,
                                    f"must be a table of overrides ({_KEYS})"))
            continue
        mine: dict[str, Any] = {}
        for key, value in override.items():
            line = loc.line_of(table, None, key)
            if line is None or line == loc.line_of(table, None, None):
                line = loc.line_of("spikes.topics", None, topic) or line
            _setting(key, value, table, line, fname, problems, mine)
        cfg.topics[topic] = SpikeSettings(**{**vars(cfg.default), **mine})
    return cfg
