"""Reading configuration files: TOML with the line of every key, and ``${VAR}``.

tomllib keeps no positions, so :class:`Locator` finds the line of a key
for error messages. ``${VAR}`` is expanded only where the loader asks (see
:mod:`newswatch.config` for where a person may write it).
"""

from __future__ import annotations

import bisect
import os
import re
import tomllib
from pathlib import Path
from typing import Any

from .model import Problem

ENV_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class Locator:
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


def expand_env(value: Any, missing: set[str]) -> Any:
    """``value`` with each ``${VAR}`` read from the environment; unset names go into ``missing``."""
    if isinstance(value, str):
        def repl(m: re.Match) -> str:
            if m.group(1) not in os.environ:
                missing.add(m.group(1))
                return m.group(0)
            return os.environ[m.group(1)]
        return ENV_RE.sub(repl, value)
    if isinstance(value, list):
        return [expand_env(v, missing) for v in value]
    if isinstance(value, dict):
        return {k: expand_env(v, missing) for k, v in value.items()}
    return value


def read_toml(path: Path, problems: list[Problem], referrer: tuple[str, int | None] | None):
    """(data, Locator) of the TOML file at ``path``; (None, None) with the reason in ``problems``."""
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
    return data, Locator(path, text)


def first_use(names: list[str], files: list[tuple[str, Locator]]) -> tuple[str, int | None]:
    """The file and line where the first of ``names`` is written as ``${NAME}``."""
    for fname, loc in files:
        for i, text in enumerate(loc.lines):
            if any("${%s}" % n in text for n in names):
                return fname, i + 1
    return files[0][0], None
