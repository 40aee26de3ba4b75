"""The [discovery] table: how far a run looks beyond its sources.

::

    [discovery]
    max_pages = 100          # pages fetched a run at most; 0 turns discovery off
    hops = 1                 # 1: pages the follow-ups link to; 2: and what those link to ...
    rules = ["officials"]    # also follow the links of items these rules matched

Without the table: 100 pages, one hop, from follow-ups only.
"""

from __future__ import annotations

from typing import Any

from .files import Locator
from .model import DiscoveryConfig, Problem, name_list

_KEYS = "max_pages, hops, rules"
MAX_HOPS = 3  # each hop multiplies what one follow-up can make a run fetch


def load_discovery(raw: Any, fname: str, loc: Locator, problems: list[Problem]) -> DiscoveryConfig:
    """The [discovery] table, its defaults when there is none."""
    cfg = DiscoveryConfig()
    if raw is None:
        return cfg
    if not isinstance(raw, dict):
        problems.append(Problem(fname, loc.line_of("discovery", None, None), "discovery", "must be a table"))
        return cfg
    for key, value in raw.items():
        line = loc.line_of("discovery", None, key)
        where = f"discovery.{key}"
        if key == "max_pages":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                problems.append(Problem(fname, line, where,
                                        f"must be a whole number >= 0 (0 turns discovery off), not {value!r}"))
            else:
                cfg.max_pages = value
        elif key == "hops":
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_HOPS:
                problems.append(Problem(fname, line, where, f"must be 1 to {MAX_HOPS}, not {value!r}"))
            else:
                cfg.hops = value
        elif key == "rules":
            rules = name_list(value)
            if rules is None:
                problems.append(Problem(fname, line, where, 'must be a list of rule names, like ["officials"]'))
            else:
                cfg.rules, cfg.rules_line = rules, line
        else:
            problems.append(Problem(fname, line, where, f"unknown setting; valid: {_KEYS}"))
    return cfg
