"""Writing new ``[[sources]]`` into a configuration file, safely (``sources add`` and ``import``).

New ``[[sources]]`` tables are appended to the end of the main config file
(comments and layout above are kept). What goes in comes from outside (an
OPML file, a web page), so it is made inert first: URLs are written the way
the crawler would send them (percent-encoded ASCII, so no ``${`` and no
control character or newline), comments are one line of printable text,
and strings are TOML basic strings with every control character escaped.
Before anything is written, the new file must parse to exactly the old
tables plus the new sources; after writing it must read back the same and
load. Otherwise the file is put back as it was and the error is raised
(:class:`~newswatch.config.ConfigError`, or :class:`UnsafeTable`).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from w3lib.url import safe_url_string

from ..config import Config, ConfigError, load
from ..errors import NewswatchError

#: The longest comment written above an appended table (OPML titles can be any size).
COMMENT_CHARS = 160


class UnsafeTable(NewswatchError, ValueError):
    """What we were about to append would not read back as exactly the intended sources."""


def slug(text: str, taken: set[str], fallback: str = "source") -> str:
    """A source name from a title, unique among ``taken``: 'Excélsior - RSS' -> 'excelsior-rss'."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40].strip("-") or fallback
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    return name


def inert_url(url: str) -> str:
    """``url`` as the crawler would request it: ASCII, percent-encoded, no whitespace or controls.

    ``{`` and ``}`` are not allowed in a URL and every client encodes them, so
    ``?k=${SMTP_PASS}`` becomes ``?k=$%7BSMTP_PASS%7D``: the same request, and
    nothing that could ever read like a ``${VAR}``. Raises ValueError for
    anything but an absolute http(s) URL.
    """
    safe = safe_url_string(str(url).strip())
    parts = urlsplit(safe)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an absolute http(s) URL: {safe[:200]!r}")
    return safe


def one_line(text: str | None, limit: int = COMMENT_CHARS) -> str:
    """``text`` as one line of printable characters, at most ``limit`` long (for a comment)."""
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn") else ch
                   for ch in text or "")
    text = " ".join(text.split()).replace("${", "$ {")  # inert even to a careless reader of the file
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def toml_string(value: str) -> str:
    """A TOML basic string: quotes, backslashes and every control or line-breaking character escaped."""
    out = ['"']
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif unicodedata.category(ch) in ("Cc", "Zl", "Zp", "Cs") or ch == "\ufeff":
            out.append(f"\\u{ord(ch):04X}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


@dataclass(frozen=True)
class NewSource:
    """A ``[[sources]]`` table to append: the values it must read back as, and its text."""

    fields: dict[str, Any]
    comment: str = ""
    table: str = "sources"  # or "follows" (`newswatch follow`)

    @property
    def text(self) -> str:
        lines = [f"# {self.comment}"] if self.comment else []
        lines.append(f"[[{self.table}]]")
        for key, value in self.fields.items():
            if isinstance(value, bool):
                text = "true" if value else "false"
            elif isinstance(value, int):
                text = str(value)
            else:
                text = toml_string(value)
            lines.append(f"{key} = {text}")
        return "\n".join(lines) + "\n"

    def __str__(self) -> str:
        return self.text


def new_source(fields: dict[str, Any], comment: str | None = None, table: str = "sources") -> NewSource:
    """A table for ``fields`` (None values left out), its ``url`` made inert, its comment one line."""
    clean: dict[str, Any] = {}
    for key, value in fields.items():
        if value is None:
            continue
        if not re.fullmatch(r"[a-z_]+", key):
            raise UnsafeTable(f"not a source setting: {key!r}")
        if isinstance(value, (bool, int)):
            clean[key] = value
        else:
            clean[key] = inert_url(value) if key in ("url", "endpoint") else str(value)
    return NewSource(clean, one_line(comment), table)


def toml_table(fields: dict[str, Any], comment: str | None = None) -> str:
    """The text of one ``[[sources]]`` table (see :func:`new_source`)."""
    return new_source(fields, comment).text


def _expected(original: dict, added: list[NewSource]) -> dict:
    want = dict(original)
    for s in added:
        want[s.table] = list(want.get(s.table) or []) + [dict(s.fields)]
    return want


def _check(text: str, want: dict, path: Path) -> None:
    try:
        got = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UnsafeTable(f"{path}: the new sources would not be valid TOML ({exc})") from None
    if got != want:
        extra = sorted(set(got) ^ set(want)) or ["sources"]
        raise UnsafeTable(f"{path}: the new sources would not read back as written "
                          f"(differs in: {', '.join(extra)}); nothing was appended")


def append_sources(config_path: Path, tables: list[NewSource]) -> Config:
    """Append ``tables`` to the config file and load it; refuse, or restore the file, if it
    would not read back as exactly the old file plus these sources, or no longer loads."""
    path = Path(config_path)
    original = path.read_text(encoding="utf-8")
    try:
        before = tomllib.loads(original)
    except tomllib.TOMLDecodeError as exc:
        raise UnsafeTable(f"{path}: not valid TOML before appending ({exc})") from None
    for t in tables:
        if not isinstance(t, NewSource):
            raise TypeError("append_sources takes tables made by new_source()")
        for key, value in t.fields.items():
            if isinstance(value, str) and "${" in value:
                raise UnsafeTable(f"{path}: refusing to write ${{...}} into source {key} {value[:80]!r}")
    want = _expected(before, tables)
    text = original if original.endswith("\n") or not original else original + "\n"
    text += "\n" + "\n".join(t.text for t in tables)
    _check(text, want, path)  # before writing: the file is never touched if this fails
    path.write_text(text, encoding="utf-8")
    try:
        _check(path.read_text(encoding="utf-8"), want, path)
        return load(path)
    except (ConfigError, UnsafeTable):
        path.write_text(original, encoding="utf-8")
        raise


def url_key(url: str) -> str:
    """What two spellings of one source URL have in common (for "already configured")."""
    try:
        return inert_url(url).rstrip("/")
    except ValueError:
        return str(url).rstrip("/")


def configured_urls(config: Config) -> set[str]:
    return {url_key(s.url) for s in config.sources}
