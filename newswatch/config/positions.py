"""Where a character of a TOML string value sits in its file (tomllib keeps no positions).

A rule's query may be a multi-line string (``'''...'''``) or hold escapes
(``"\\"a b\\" c"``); an error at character N of the query is then not at
"the key's line, column N". :func:`string_positions` reads the string as
TOML does and gives, for each character of the value, its offset in the file.
"""

from __future__ import annotations

__all__ = ["string_positions", "line_and_column"]

_ESCAPES = {"b": 1, "t": 1, "n": 1, "f": 1, "r": 1, '"': 1, "\\": 1, "e": 1, "x": 3, "u": 5, "U": 9}
_SIMPLE = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\", "e": "\x1b"}


def string_positions(text: str, start: int) -> tuple[str, list[int]] | None:
    """(value, offsets) of the TOML string starting at ``text[start]`` (its opening quote).

    ``offsets[k]`` is where the value's character ``k`` is written in
    ``text`` (an escape maps to its backslash); one more offset, the closing
    quote's, ends the list. None when no string starts there or it is not
    closed.
    """
    for quote in ("'''", '"""', "'", '"'):
        if text.startswith(quote, start):
            break
    else:
        return None
    literal, multi = quote[0] == "'", len(quote) == 3
    i = start + len(quote)
    if multi:  # a newline right after the opening quotes is trimmed
        if text.startswith("\r\n", i):
            i += 2
        elif text.startswith("\n", i):
            i += 1
    chars: list[str] = []
    offsets: list[int] = []
    n = len(text)
    while i < n:
        if text.startswith(quote, i):
            # A multi-line string may end with one or two quotes of its own kind: '''a''''' is "a''".
            extra = 0
            while multi and extra < 2 and text.startswith(quote[0], i + 3 + extra):
                extra += 1
            for k in range(extra):
                chars.append(quote[0])
                offsets.append(i + k)
            offsets.append(i + extra)  # the closing quote: where "the query ends" points
            return "".join(chars), offsets
        ch = text[i]
        if ch in "\r\n" and not multi:
            return None
        if ch == "\r" and text.startswith("\r\n", i):
            chars.append("\n")
            offsets.append(i)
            i += 2
            continue
        if ch == "\\" and not literal:
            i = _escape(text, i, multi, chars, offsets)
            if i < 0:
                return None
            continue
        chars.append(ch)
        offsets.append(i)
        i += 1
    return None


def _escape(text: str, i: int, multi: bool, chars: list[str], offsets: list[int]) -> int:
    """Read the escape at ``text[i]`` (a backslash); the index after it, or -1 if invalid."""
    kind = text[i + 1:i + 2]
    if multi and (kind in " \t\r\n"):
        # A line-ending backslash drops the newline and the whitespace that follows.
        j = i + 1
        while j < len(text) and text[j] in " \t":
            j += 1
        if j >= len(text) or text[j] not in "\r\n":
            return -1
        while j < len(text) and text[j] in " \t\r\n":
            j += 1
        return j
    if kind not in _ESCAPES:
        return -1
    width = _ESCAPES[kind]
    if kind in _SIMPLE:
        chars.append(_SIMPLE[kind])
    else:
        try:
            chars.append(chr(int(text[i + 2:i + 1 + width], 16)))
        except ValueError:
            return -1
    offsets.append(i)
    return i + 1 + width


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of ``text[offset]``."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1
