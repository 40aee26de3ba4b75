"""[[rules]] tables: names, queries, Apprise tags, modes and digest schedules.

A rule's query is parsed by the rule compiler, not here; :func:`query_problem`
locates its errors and warnings at the query's own line and column.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..schedule import parse_schedule
from .files import Locator
from .model import NAME_RE, RULE_MODES, Problem, RuleConfig
from .positions import line_and_column, string_positions


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
    description = raw.get("description")
    if description is not None and (not isinstance(description, str) or not description.strip()):
        bad("description", "must be a non-empty string: plain words saying what the rule is for")
    digest = raw.get("digest")
    if digest is not None:
        try:
            parse_schedule(digest)
        except ValueError as exc:
            bad("digest", str(exc))
    known = {"name", "query", "topic", "notify", "mode", "digest", "description"}
    for key in raw:
        if key not in known:
            bad(key, f"unknown setting; valid: {', '.join(sorted(known))}")
    if not ok:
        return None
    return RuleConfig(name=name, query=query, topic=topic, notify=list(notify), mode=mode,
                      digest=digest, description=" ".join(description.split()) if description else None,
                      file=fname, line=line)


def rule_key_line(rule: RuleConfig, key: str = "query") -> int | None:
    """The line of ``key =`` inside a rule's [[rules]] table, for error messages."""
    try:
        text = Path(rule.file).read_text(encoding="utf-8")
    except OSError:
        return rule.line
    return _key_line(text.splitlines(), rule, key)


def query_problem(rule: RuleConfig, message: str, column: int, *, warning: bool = False) -> Problem:
    """A problem at character ``column`` (1-based) of ``rule``'s query, located in its file.

    The problem names the file's own line and column, also inside a
    multi-line ``'''...'''`` query or after escapes, and its message ends
    with that line and a caret under the column. When the query cannot be
    found as written (an inline table, a file changed since loading), it
    points at the ``query =`` line and shows the query with the caret.
    """
    key = f"rules.{rule.name}.query"
    found = _query_position(rule, column)
    if found is None:
        return Problem(rule.file, rule_key_line(rule), key,
                       f"column {column}: {message}\n" + _indent(_caret(str(rule.query), column)), warning=warning)
    line, col, text = found
    return Problem(rule.file, line, key, f"{message}\n" + _indent(_caret(text, col)), column=col,
                   warning=warning)


def _query_position(rule: RuleConfig, column: int) -> tuple[int, int, str] | None:
    """(line, column, the line's text) in the file of the query's character at ``column``."""
    try:
        text = Path(rule.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    key_line = _key_line(text.splitlines(), rule, "query")
    if key_line is None:
        return None
    line_start = 0
    for _ in range(key_line - 1):
        line_start = text.index("\n", line_start) + 1
    m = re.compile(r"[ \t]*query[ \t]*=[ \t]*").match(text, line_start)
    found = string_positions(text, m.end()) if m else None
    if found is None or found[0] != rule.query:
        return None
    offsets = found[1]
    offset = offsets[min(max(column, 1), len(offsets)) - 1]
    line, col = line_and_column(text, offset)
    return line, col, text.splitlines()[line - 1]


def _caret(text: str, column: int) -> str:
    """The line of ``text`` holding ``column``, then a ``^`` under it (tabs kept, so it lines up)."""
    start = text.rfind("\n", 0, column - 1) + 1
    end = text.find("\n", start)
    line = text[start:] if end < 0 else text[start:end]
    pad = "".join(c if c == "\t" else " " for c in line[:column - 1 - start])
    return f"{line}\n{pad}^"


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def _key_line(lines: list[str], rule: RuleConfig, key: str) -> int | None:
    start = (rule.line or 1) - 1
    key_re = re.compile(r"^\s*%s\s*=" % re.escape(key))
    for i in range(start, len(lines)):
        if i > start and re.match(r"^\s*\[", lines[i]):
            break
        if key_re.match(lines[i]):
            return i + 1
    return rule.line
