"""[[rules]] tables: names, queries, Apprise tags, modes and digest schedules.

A rule's query is parsed by the rule compiler, not here; :func:`rule_key_line`
lets its errors point at the query's line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..schedule import parse_schedule
from .files import Locator
from .model import NAME_RE, RULE_MODES, Problem, RuleConfig


def load_rule(raw: Any, i: int, fname: str, loc: Locator, problems: list[Problem]) -> RuleConfig | None:
    """The ``i``-th [[rules]] table, or None when it has problems (added to ``problems``)."""
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
